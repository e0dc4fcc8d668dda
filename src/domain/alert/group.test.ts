import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { AlertEvent, AlertMember } from "./event.ts";
import { effectiveAction, memberDigest, mergeMembers } from "./group.ts";
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

  it("write back only the members a repeated message changed", () => {
    const same = { ...member("a", "firing"), labels: { alertname: "Disk" } };
    const known = [
      { fingerprint: "a", status: "firing" as const, digest: memberDigest(same) },
      { fingerprint: "b", status: "firing" as const, digest: memberDigest(member("b", "firing")) },
      // stored before digests were kept: written once more, then known
      { fingerprint: "c", status: "firing" as const, digest: null },
    ];
    const moved = { ...member("b", "firing"), annotations: { summary: "now 97 % full" } };
    const merge = mergeMembers(known, event("trigger", [same, moved, member("c", "firing")]));
    assert.deepEqual(
      merge.changed.map((m) => m.fingerprint),
      ["b", "c"],
    );
    assert.equal(merge.changed[0]?.digest, memberDigest(moved));
    assert.equal(merge.members.get("a")?.digest, memberDigest(same));
  });

  it("forget the digest of a member resolved by leaving its group (its stored row is only half written)", () => {
    const a = member("a", "firing");
    const merge = mergeMembers(
      [{ fingerprint: "a", status: "firing" as const, digest: memberDigest(a) }],
      event("trigger", [member("b", "firing")]),
    );
    assert.deepEqual(merge.departed, ["a"]);
    assert.equal(merge.members.get("a")?.digest, null);
    assert.notEqual(memberDigest(a), memberDigest({ ...a, status: "resolved" }), "status is part of it");
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
