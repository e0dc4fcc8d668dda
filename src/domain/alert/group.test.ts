import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { AlertEvent, AlertMember } from "./event.ts";
import { effectiveAction, mergeMembers } from "./group.ts";
import { incidentSeverityFor } from "./severity.ts";

const member = (fingerprint: string, status: "firing" | "resolved"): AlertMember => ({
  fingerprint,
  status,
  labels: {},
  annotations: {},
  startsAt: null,
  endsAt: null,
  generatorUrl: null,
});

function event(action: AlertEvent["action"], members: AlertMember[], completeGroup = true): AlertEvent {
  return {
    action,
    dedupKey: "g",
    summary: "s",
    source: "",
    severity: null,
    occurredAt: null,
    details: {},
    links: [],
    images: [],
    members,
    completeGroup,
  };
}

describe("grouped alerts", () => {
  it("stay open while one member still fires (partial resolve)", () => {
    const known = [
      { fingerprint: "a", status: "firing" as const },
      { fingerprint: "b", status: "firing" as const },
    ];
    const e = event("trigger", [member("a", "resolved"), member("b", "firing")]);
    const merge = mergeMembers(known, e);
    assert.equal(merge.firing, 1);
    assert.equal(merge.resolved, 1);
    assert.equal(effectiveAction(e, merge), "trigger");
  });

  it("resolve when every member has", () => {
    const known = [{ fingerprint: "a", status: "firing" as const }];
    const e = event("resolve", [member("a", "resolved"), member("b", "resolved")]);
    const merge = mergeMembers(known, e);
    assert.equal(effectiveAction(e, merge), "resolve");
    assert.deepEqual(
      [...merge.members.values()].map((m) => m.status),
      ["resolved", "resolved"],
    );
  });

  it("count members missing from a complete message as resolved", () => {
    const known = [
      { fingerprint: "a", status: "firing" as const },
      { fingerprint: "b", status: "firing" as const },
    ];
    const merge = mergeMembers(known, event("trigger", [member("b", "firing")]));
    assert.deepEqual(merge.departed, ["a"]);
    assert.equal(merge.firing, 1);
  });

  it("keep members missing from a truncated message as they were", () => {
    const known = [{ fingerprint: "a", status: "firing" as const }];
    const e = event("resolve", [member("b", "resolved")], false);
    const merge = mergeMembers(known, e);
    assert.deepEqual(merge.departed, []);
    assert.equal(effectiveAction(e, merge), "trigger");
  });

  it("leave ungrouped events as the sender said", () => {
    const e = { ...event("acknowledge", []), members: undefined };
    assert.equal(effectiveAction(e, null), "acknowledge");
  });
});

describe("alert severity → incident severity", () => {
  it("maps PagerDuty's levels by default and honours a service's overrides", () => {
    assert.equal(incidentSeverityFor("critical", null), "SEV1");
    assert.equal(incidentSeverityFor("error", null), "SEV2");
    assert.equal(incidentSeverityFor("warning", null), "SEV3");
    assert.equal(incidentSeverityFor("info", null), "SEV4");
    assert.equal(incidentSeverityFor(null, null), "SEV3");
    assert.equal(incidentSeverityFor("warning", { warning: "SEV2" }), "SEV2");
    assert.equal(incidentSeverityFor("critical", { warning: "SEV2" }), "SEV1");
  });
});
