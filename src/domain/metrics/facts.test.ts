import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { DEFAULT_SEVERITY_POLICY, type Severity, type SeverityPolicy } from "../incident/severity.ts";
import { MINUTE } from "../time.ts";
import { addToCell, incidentFacts, updateCompliance } from "./facts.ts";
import { bucketOf, Sketch } from "./sketch.ts";
import { sketchStats } from "./stats.ts";
import type { IncidentFactInput } from "./types.ts";

const CREATED = new Date("2026-03-02T09:00:00.000Z");
/** Minutes after creation. */
const at = (minutes: number, ms = 0) => new Date(CREATED.getTime() + minutes * MINUTE + ms);
const P = DEFAULT_SEVERITY_POLICY; // SEV1: ack 5 min, update every 15 min, postmortem required within 48 h

function incident(severity: Severity, extra: Partial<IncidentFactInput> = {}): IncidentFactInput {
  return {
    severity,
    status: extra.resolvedAt ? "resolved" : extra.acknowledgedAt ? "acknowledged" : "triggered",
    createdAt: CREATED,
    acknowledgedAt: null,
    mitigatedAt: null,
    resolvedAt: null,
    updateTimes: [],
    postmortemPublishedAt: null,
    ...extra,
  };
}

describe("MTTA and MTTR inputs", () => {
  test("seconds from creation to acknowledgement and to resolution", () => {
    const f = incidentFacts(incident("SEV2", { acknowledgedAt: at(4), resolvedAt: at(120) }), P, at(24 * 60));
    assert.equal(f.ackSeconds, 240);
    assert.equal(f.resolveSeconds, 7200);
  });

  test("whole seconds, rounded, never negative", () => {
    assert.equal(incidentFacts(incident("SEV2", { acknowledgedAt: at(0, 1499) }), P, at(60)).ackSeconds, 1);
    assert.equal(incidentFacts(incident("SEV2", { acknowledgedAt: at(0, 1500) }), P, at(60)).ackSeconds, 2);
    assert.equal(incidentFacts(incident("SEV2", { acknowledgedAt: at(0, -5000) }), P, at(60)).ackSeconds, 0);
  });

  test("an open, unacknowledged incident has neither", () => {
    const f = incidentFacts(incident("SEV3"), P, at(10));
    assert.equal(f.ackSeconds, null);
    assert.equal(f.resolveSeconds, null);
  });
});

describe("acknowledgement SLA", () => {
  test("acknowledged exactly at the target is met; a millisecond later is missed", () => {
    assert.equal(incidentFacts(incident("SEV1", { acknowledgedAt: at(5) }), P, at(60)).sla, "met");
    assert.equal(incidentFacts(incident("SEV1", { acknowledgedAt: at(5, 1) }), P, at(60)).sla, "missed");
    assert.equal(incidentFacts(incident("SEV2", { acknowledgedAt: at(14) }), P, at(60)).sla, "met");
    assert.equal(incidentFacts(incident("SEV4", { acknowledgedAt: at(241) }), P, at(600)).sla, "missed");
  });

  test("unacknowledged: pending until the target passes, then missed", () => {
    const before = incidentFacts(incident("SEV1"), P, at(4));
    assert.equal(before.sla, "pending");
    assert.deepEqual(before.pendingUntil, at(5, 1));
    assert.equal(incidentFacts(incident("SEV1"), P, at(5)).sla, "pending");
    const after = incidentFacts(incident("SEV1"), P, at(5, 1));
    assert.equal(after.sla, "missed");
    assert.equal(after.pendingUntil, null);
  });

  test("resolved without an acknowledgement: the resolution is the response", () => {
    assert.equal(incidentFacts(incident("SEV1", { resolvedAt: at(3) }), P, at(4)).sla, "met");
    assert.equal(incidentFacts(incident("SEV1", { resolvedAt: at(9) }), P, at(10)).sla, "missed");
  });
});

describe("update compliance", () => {
  // SEV1: an update is due every 15 minutes.
  const resolved = (resolvedMin: number, updates: number[]) =>
    incidentFacts(
      incident("SEV1", {
        acknowledgedAt: at(1),
        resolvedAt: at(resolvedMin),
        updateTimes: updates.map((m) => at(m)),
        postmortemPublishedAt: at(resolvedMin + 60),
      }),
      P,
      at(resolvedMin + 24 * 60),
    ).updates;

  test("open incidents are not counted", () => {
    const f = incidentFacts(incident("SEV1", { acknowledgedAt: at(1), updateTimes: [at(10)] }), P, at(100));
    assert.equal(f.updates, null);
  });

  test("resolved before the first update was due: nothing required", () => {
    assert.deepEqual(resolved(10, []), { required: 0, onTime: 0 });
    assert.deepEqual(resolved(15, []), { required: 0, onTime: 0 }); // due at the resolution instant
  });

  test("two updates, both on time", () => {
    // due 15 ← update 10; due 25 ← update 25 (exactly at the due point is on time); due 40 = resolution.
    assert.deepEqual(resolved(40, [10, 25]), { required: 2, onTime: 2 });
  });

  test("three updates on time, then silence until resolution", () => {
    // due 15 ← 10, due 25 ← 25, due 40 ← 38, due 53 missed, resolved at 60.
    assert.deepEqual(resolved(60, [10, 25, 38]), { required: 4, onTime: 3 });
  });

  test("no updates at all: every cadence until resolution is missed", () => {
    // due 15, 30, 45 (the reminders' times), resolved at 50.
    assert.deepEqual(resolved(50, []), { required: 3, onTime: 0 });
  });

  test("a late update meets nothing but restarts the clock", () => {
    // due 15 missed; update at 20 (late) → next due 35, missed; resolved at 40.
    assert.deepEqual(resolved(40, [20]), { required: 2, onTime: 0 });
    // due 15, 30, 45 missed; update at 50 → next due 65, missed; resolved at 70.
    assert.deepEqual(resolved(70, [50]), { required: 4, onTime: 0 });
    // due 15 missed; late update at 20 → due 35 ← 30 on time; resolved at 45.
    assert.deepEqual(resolved(45, [20, 30]), { required: 2, onTime: 1 });
  });

  test("several updates in one cadence meet one due point; the clock runs from the last", () => {
    // due 15 ← 1, 2, 3; due 18 missed, due 33 missed (the reminders would fire at 18 and 33); resolved at 40.
    assert.deepEqual(resolved(40, [1, 2, 3]), { required: 3, onTime: 1 });
  });

  test("updates at creation or after resolution do not count", () => {
    assert.deepEqual(resolved(40, [0, 45, 60]), { required: 2, onTime: 0 });
  });

  test("updates in any order", () => {
    assert.deepEqual(resolved(40, [25, 10]), { required: 2, onTime: 2 });
  });

  test("a long silence is counted without walking every cadence", () => {
    const year = 365 * 24 * 60 * MINUTE;
    const r = updateCompliance(0, year, 15 * MINUTE, []);
    assert.deepEqual(r, { required: 365 * 24 * 4 - 1, onTime: 0 });
  });

  test("the severity's own cadence applies (SEV4: daily)", () => {
    const f = incidentFacts(
      incident("SEV4", { acknowledgedAt: at(1), resolvedAt: at(3 * 24 * 60 + 1), updateTimes: [at(600)] }),
      P,
      at(10 * 24 * 60),
    );
    // due 1440 ← 600; due 2040 missed; due 3480 missed; resolved at 4321.
    assert.deepEqual(f.updates, { required: 3, onTime: 1 });
  });
});

describe("postmortem compliance", () => {
  const R = 120; // resolved two hours after creation; SEV2's postmortem is due 48 h later
  const pm = (severity: Severity, published: Date | null, nowMin: number, resolvedMin: number | null = R) =>
    incidentFacts(
      incident(severity, {
        acknowledgedAt: at(1),
        resolvedAt: resolvedMin === null ? null : at(resolvedMin),
        postmortemPublishedAt: published,
      }),
      P,
      at(nowMin),
    );
  const due = R + 48 * 60;

  test("published within the due time: on time", () => {
    assert.equal(pm("SEV2", at(R + 47 * 60), due + 600).postmortem, "on_time");
    assert.equal(pm("SEV2", at(due), due + 600).postmortem, "on_time");
  });

  test("published after the due time: late", () => {
    assert.equal(pm("SEV1", at(due, 1), due + 600).postmortem, "late");
  });

  test("unpublished past the due time: missing", () => {
    assert.equal(pm("SEV2", null, due).postmortem, "missing");
    assert.equal(pm("SEV2", null, due + 1).pendingUntil, null);
  });

  test("unpublished before the due time: pending until it", () => {
    const f = pm("SEV2", null, R + 60);
    assert.equal(f.postmortem, "pending");
    assert.deepEqual(f.pendingUntil, at(due));
  });

  test("an unresolved incident's postmortem is pending with no deadline yet", () => {
    const f = pm("SEV1", null, 30, null);
    assert.equal(f.postmortem, "pending");
    assert.equal(f.pendingUntil, null);
  });

  test("severities without a required postmortem", () => {
    assert.equal(pm("SEV3", null, due + 600).postmortem, "not_required");
    assert.equal(pm("SEV4", null, due + 600).postmortem, "not_required");
    const policy: SeverityPolicy = { ...P, SEV2: { ...P.SEV2, postmortemDueHours: null } };
    const f = incidentFacts(incident("SEV2", { acknowledgedAt: at(1), resolvedAt: at(R) }), policy, at(due));
    assert.equal(f.postmortem, "not_required");
  });
});

describe("pendingUntil", () => {
  test("the earliest deadline among pending figures; null when all are decided", () => {
    // A custom policy slow enough to acknowledge that the SLA is still pending after resolution's
    // postmortem clock started cannot happen (the resolution is the response); check the single cases.
    const sla = incidentFacts(incident("SEV3"), P, at(30));
    assert.deepEqual(sla.pendingUntil, at(60, 1));
    const pmPending = incidentFacts(
      incident("SEV1", { acknowledgedAt: at(2), resolvedAt: at(30) }),
      P,
      at(31),
    );
    assert.deepEqual(pmPending.pendingUntil, at(30 + 48 * 60));
    const decided = incidentFacts(
      incident("SEV1", { acknowledgedAt: at(2), resolvedAt: at(30), postmortemPublishedAt: at(40) }),
      P,
      at(41),
    );
    assert.equal(decided.pendingUntil, null);
  });
});

describe("addToCell", () => {
  test("five incidents add up to the figures a reader computes by hand", () => {
    const now = at(72 * 60);
    const incidents = [
      // acknowledged 1, 2, 3, 5, 15 minutes after creation
      incident("SEV1", {
        acknowledgedAt: at(1),
        resolvedAt: at(30),
        updateTimes: [at(10), at(20)],
        postmortemPublishedAt: at(60),
      }),
      incident("SEV1", { acknowledgedAt: at(2), resolvedAt: at(60) }),
      incident("SEV1", {
        acknowledgedAt: at(3),
        resolvedAt: at(90),
        postmortemPublishedAt: at(49 * 60 + 90),
      }),
      incident("SEV1", { acknowledgedAt: at(5) }),
      incident("SEV1", { acknowledgedAt: at(15), resolvedAt: at(70 * 60) }),
    ];
    let cell: ReturnType<typeof addToCell> | undefined;
    for (const i of incidents) cell = addToCell(cell, incidentFacts(i, P, now));
    assert.ok(cell);
    assert.equal(cell.incidents, 5);
    assert.equal(cell.acknowledged, 5);
    assert.equal(cell.ackSumSeconds, (1 + 2 + 3 + 5 + 15) * 60);
    assert.equal(cell.resolved, 4);
    assert.equal(cell.resolveSumSeconds, (30 + 60 + 90 + 70 * 60) * 60);
    // SLA: 1, 2, 3, 5 minutes met (5 is the target), 15 missed.
    assert.equal(cell.slaDecided, 5);
    assert.equal(cell.slaMet, 4);
    // Updates: #1 due 15 ← 10, due 25 ← 20 → 2/2; #2 due 15, 30, 45 → 0/3; #3 due 15…75 → 0/5;
    // #4 open, not counted; #5 resolved at 4200 min: due 15…4185 → 0/279.
    assert.equal(cell.updatesRequired, 2 + 3 + 5 + 279);
    assert.equal(cell.updatesOnTime, 2);
    // Postmortems: #1 on time, #2 due 50 h after creation, now 72 h → missing, #3 published 1 h late,
    // #4 unresolved (pending), #5 resolved at 70 h → due at 118 h, pending.
    assert.equal(cell.postmortemsDecided, 3);
    assert.equal(cell.postmortemsOnTime, 1);
    assert.equal(cell.postmortemsLate, 1);
    assert.deepEqual(cell.validUntil, at(70 * 60 + 48 * 60));
    // The sketch reads back the median acknowledgement (3rd of 5: 3 min) within 1 %.
    const stats = sketchStats(cell.acknowledged, cell.ackSumSeconds, Sketch.fromFlat(cell.ackHist));
    assert.equal(stats.meanSeconds, 312);
    assert.ok(Math.abs((stats.medianSeconds as number) - 180) <= 1.8);
    assert.ok(Math.abs((stats.p90Seconds as number) - 900) <= 9);
  });

  test("pending figures are not counted; the cell keeps the earliest deadline", () => {
    let cell = addToCell(undefined, incidentFacts(incident("SEV1"), P, at(1)));
    cell = addToCell(cell, incidentFacts(incident("SEV2"), P, at(1)));
    assert.equal(cell.incidents, 2);
    assert.equal(cell.slaDecided, 0);
    assert.equal(cell.acknowledged, 0);
    assert.deepEqual(cell.ackHist, []);
    assert.deepEqual(cell.validUntil, at(5, 1));
  });

  test("the histogram stays a sorted flat [bucket, count, …] array", () => {
    let cell = addToCell(undefined, incidentFacts(incident("SEV3", { acknowledgedAt: at(30) }), P, at(60)));
    cell = addToCell(cell, incidentFacts(incident("SEV3", { acknowledgedAt: at(1) }), P, at(60)));
    cell = addToCell(cell, incidentFacts(incident("SEV3", { acknowledgedAt: at(30) }), P, at(60)));
    cell = addToCell(cell, incidentFacts(incident("SEV3", { acknowledgedAt: CREATED }), P, at(60)));
    assert.deepEqual(cell.ackHist, [0, 1, bucketOf(60), 1, bucketOf(1800), 2]);
  });
});
