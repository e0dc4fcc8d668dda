import assert from "node:assert/strict";
import { test } from "node:test";
import { DEFAULT_SEVERITY_POLICY } from "../incident/severity.ts";
import { buildTemplateValues, PLACEHOLDER_NAMES, type TemplateFacts } from "./placeholders.ts";

const at = (hhmm: string) => new Date(`2026-04-18T${hhmm}:00Z`);

function facts(over: Partial<TemplateFacts> = {}): TemplateFacts {
  return {
    id: "INC-7",
    title: "Checkout errors",
    description: "5xx on /pay",
    severity: "SEV2",
    severityLabel: "high",
    status: "investigating",
    impact: "",
    rootCause: "",
    resolution: "",
    createdAt: at("13:00"),
    resolvedAt: null,
    roles: { commander: "jens", communicationsLead: null, scribe: null, responders: ["ann", "bo"] },
    services: ["checkout", "payments"],
    updates: [],
    events: [],
    ...over,
  };
}

test("every placeholder has a value", () => {
  const values = buildTemplateValues(facts(), DEFAULT_SEVERITY_POLICY, at("13:10"));
  assert.deepEqual([...values.keys()].sort(), [...PLACEHOLDER_NAMES].sort());
});

test("next update: the last update (or the declaration) plus the severity's cadence", () => {
  const policy = DEFAULT_SEVERITY_POLICY;
  assert.equal(buildTemplateValues(facts(), policy, at("13:10")).get("next_update"), "2026-04-18 13:30 UTC");
  const updated = facts({
    updates: [
      { message: "rolling back", status: "investigating", visibility: "internal", createdAt: at("13:20") },
    ],
  });
  assert.equal(buildTemplateValues(updated, policy, at("13:25")).get("next_update"), "2026-04-18 13:50 UTC");
  const sev1 = buildTemplateValues(facts({ severity: "SEV1" }), policy, at("13:10"));
  assert.equal(sev1.get("next_update"), "2026-04-18 13:15 UTC");
  assert.equal(sev1.get("service_state"), "down");
  const resolved = buildTemplateValues(facts({ resolvedAt: at("13:40") }), policy, at("14:00"));
  assert.equal(resolved.get("next_update"), "none: resolved");
  assert.equal(resolved.get("duration"), "40m");
});

test("times in the configured zone, with the zone's name", () => {
  const v = buildTemplateValues(facts(), DEFAULT_SEVERITY_POLICY, at("13:10"), "America/New_York");
  assert.equal(v.get("declared_at"), "2026-04-18 09:00 EDT");
  assert.equal(v.get("time_zone"), "America/New_York");
});

test("the status-doc timeline: newest first, notes in their own words, paging noise left out", () => {
  const v = buildTemplateValues(
    facts({
      events: [
        { kind: "incident.declared", data: { severity: "SEV2", title: "Checkout errors" }, at: at("13:00") },
        { kind: "page.sent", data: { reason: "page", to: "jens", via: "sms" }, at: at("13:01") },
        { kind: "note.added", data: { text: "rolled back\nv2.3.1" }, at: at("13:05") },
        {
          kind: "incident.status_changed",
          data: { from: "triggered", to: "investigating" },
          at: at("13:06"),
        },
      ],
    }),
    DEFAULT_SEVERITY_POLICY,
    at("13:10"),
  );
  assert.equal(
    v.get("timeline"),
    [
      "- 13:06 — status triggered → investigating",
      "- 13:05 — rolled back v2.3.1",
      '- 13:00 — declared SEV2 "Checkout errors"',
    ].join("\n"),
  );
});

test("fallbacks say plainly what is not known yet", () => {
  const v = buildTemplateValues(
    facts({
      roles: { commander: null, communicationsLead: null, scribe: null, responders: [] },
      services: [],
    }),
    DEFAULT_SEVERITY_POLICY,
    at("13:10"),
  );
  assert.equal(v.get("commander"), "unassigned");
  assert.equal(v.get("impact"), "5xx on /pay");
  assert.equal(v.get("cause"), "Under investigation");
  assert.equal(v.get("services"), "no service named yet");
  assert.equal(v.get("current_status"), "INVESTIGATING — no commander yet");
});
