import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { MINUTE } from "../time.ts";
import { DEFAULT_SEVERITY_POLICY, type Severity, type SeverityPolicy } from "./severity.ts";
import { computeSlaClocks } from "./sla.ts";

const CREATED = new Date("2026-03-02T09:00:00.000Z");
const at = (minutes: number, ms = 0) => new Date(CREATED.getTime() + minutes * MINUTE + ms);

function open(
  severity: Severity,
  extra: { acknowledgedAt?: Date; lastUpdateAt?: Date; resolvedAt?: Date } = {},
) {
  return {
    severity,
    createdAt: CREATED,
    acknowledgedAt: extra.acknowledgedAt ?? null,
    resolvedAt: extra.resolvedAt ?? null,
    lastUpdateAt: extra.lastUpdateAt ?? null,
  };
}

describe("acknowledgement SLA", () => {
  const targets: [Severity, number][] = [
    ["SEV1", 5],
    ["SEV2", 15],
    ["SEV3", 60],
    ["SEV4", 240],
  ];
  for (const [severity, minutes] of targets) {
    test(`${severity} must be acknowledged within ${minutes} minutes`, () => {
      const clocks = computeSlaClocks(open(severity), DEFAULT_SEVERITY_POLICY, at(0));
      assert.deepEqual(clocks.ackDueAt, at(minutes));
      // Unacknowledged: breached only once the deadline has passed.
      assert.equal(computeSlaClocks(open(severity), DEFAULT_SEVERITY_POLICY, at(minutes)).ackBreached, false);
      assert.equal(
        computeSlaClocks(open(severity), DEFAULT_SEVERITY_POLICY, at(minutes, 1)).ackBreached,
        true,
      );
      // Acknowledged: decided by when the ack happened, however late we look.
      const onTime = open(severity, { acknowledgedAt: at(minutes) });
      assert.equal(computeSlaClocks(onTime, DEFAULT_SEVERITY_POLICY, at(10_000)).ackBreached, false);
      const late = open(severity, { acknowledgedAt: at(minutes, 1) });
      assert.equal(computeSlaClocks(late, DEFAULT_SEVERITY_POLICY, at(minutes, 1)).ackBreached, true);
    });
  }
});

describe("status update cadence", () => {
  test("counts from creation while no update was posted", () => {
    const clocks = computeSlaClocks(open("SEV1"), DEFAULT_SEVERITY_POLICY, at(15));
    assert.deepEqual(clocks.nextUpdateDueAt, at(15));
    assert.equal(clocks.updateOverdue, false);
    assert.equal(computeSlaClocks(open("SEV1"), DEFAULT_SEVERITY_POLICY, at(16)).updateOverdue, true);
  });

  test("counts from the last update once one was posted", () => {
    const incident = open("SEV2", { acknowledgedAt: at(1), lastUpdateAt: at(25) });
    const clocks = computeSlaClocks(incident, DEFAULT_SEVERITY_POLICY, at(40));
    assert.deepEqual(clocks.nextUpdateDueAt, at(55));
    assert.equal(clocks.updateOverdue, false);
    assert.equal(computeSlaClocks(incident, DEFAULT_SEVERITY_POLICY, at(56)).updateOverdue, true);
  });

  test("SEV4 updates are daily", () => {
    assert.deepEqual(
      computeSlaClocks(open("SEV4"), DEFAULT_SEVERITY_POLICY, at(0)).nextUpdateDueAt,
      at(1440),
    );
  });

  test("a resolved incident owes no more updates but keeps its ack verdict", () => {
    const incident = open("SEV1", { acknowledgedAt: at(9), resolvedAt: at(30) });
    const clocks = computeSlaClocks(incident, DEFAULT_SEVERITY_POLICY, at(500));
    assert.deepEqual(clocks, {
      ackDueAt: at(5),
      ackBreached: true,
      nextUpdateDueAt: null,
      updateOverdue: false,
    });
  });

  test("a configured policy replaces the defaults", () => {
    const policy: SeverityPolicy = {
      ...DEFAULT_SEVERITY_POLICY,
      SEV3: { ...DEFAULT_SEVERITY_POLICY.SEV3, ackWithinMinutes: 7, updateEveryMinutes: 11 },
    };
    const clocks = computeSlaClocks(open("SEV3"), policy, at(8));
    assert.deepEqual(clocks, {
      ackDueAt: at(7),
      ackBreached: true,
      nextUpdateDueAt: at(11),
      updateOverdue: false,
    });
  });
});
