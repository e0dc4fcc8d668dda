import assert from "node:assert/strict";
import { test } from "node:test";
import {
  describeIncidentForPrompt,
  type PromptEvent,
  type PromptIncident,
  postmortemDraftMessages,
} from "./postmortem-prompt.ts";

const incident: PromptIncident = {
  id: "INC-7",
  title: "API timeouts on bulk export",
  severity: "SEV2",
  severity_label: "High",
  status: "investigating",
  affected_services: ["export-api"],
  assignee: "alice",
  description: "Bulk export requests time out after 30 s",
  impact: "",
  root_cause: "",
  resolution: "",
  created_at: "2026-03-02T23:50:00.000Z",
  acknowledged_at: "2026-03-02T23:52:00.000Z",
  mitigated_at: null,
  resolved_at: null,
  duration_seconds: 1500,
};

const event = (minute: number, text: string): PromptEvent => ({
  kind: "note.added",
  actor: "alice",
  at: new Date(Date.parse(incident.created_at) + minute * 60_000).toISOString(),
  data: { text },
});

test("the record and the timeline in words; empty fields are left out; other days carry their date", () => {
  const text = describeIncidentForPrompt(incident, [event(0, "paged"), event(15, "rolled back")]);
  assert.equal(
    text,
    [
      "Incident INC-7: API timeouts on bulk export",
      "Severity: SEV2 (High)",
      "Status: investigating",
      "Affected services: export-api",
      "Commander: alice",
      "Times (UTC): declared 2026-03-02 23:50; acknowledged 2026-03-02 23:52; open for 25m",
      "",
      "Description:",
      "Bulk export requests time out after 30 s",
      "",
      "Timeline (UTC, oldest first; status updates, notes and alerts included):",
      "- 23:50 alice: note: paged",
      "- 2026-03-03 00:05 alice: note: rolled back",
    ].join("\n"),
  );
});

test("a very long timeline keeps its start and its end, and says how much was left out", () => {
  const events = Array.from({ length: 1000 }, (_, i) => event(i, `event ${i}`));
  const lines = describeIncidentForPrompt(incident, events)
    .split("\n")
    .filter((l) => l.startsWith("- "));
  assert.equal(lines.length, 301);
  assert.match(lines[0] ?? "", /note: event 0$/);
  assert.match(lines[59] ?? "", /note: event 59$/);
  assert.equal(lines[60], "- … 700 events left out …");
  assert.match(lines[61] ?? "", /note: event 760$/);
  assert.match(lines[300] ?? "", /note: event 999$/);
});

test("a system message asks for the JSON shape; the user message carries the incident", () => {
  const [system, user] = postmortemDraftMessages(incident, []);
  assert.equal(system?.role, "system");
  assert.match(system?.content ?? "", /"five_whys"/);
  assert.match(system?.content ?? "", /blameless/);
  assert.equal(user?.role, "user");
  assert.match(user?.content ?? "", /^Incident INC-7/);
});
