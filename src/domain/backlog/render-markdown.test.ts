import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { test } from "node:test";
import { parseActionItems, parseIncidentFolder, parseIncidentMarkdown } from "./markdown.ts";
import {
  durationLine,
  incidentFolderPath,
  type RenderableIncident,
  renderActionItemsMarkdown,
  renderIncidentMarkdown,
  slugify,
} from "./render-markdown.ts";
import { importedTimes, severityFromMarkdown } from "./to-platform.ts";

const FOLDER = "test/fixtures/scraut/.scraut/sprint/001/incidents/2026-05-24-api-timeout";
const fixture = (name: string) =>
  readFileSync(new URL(`../../../${FOLDER}/${name}`, import.meta.url), "utf8");

const incident: RenderableIncident = {
  title: "API Timeout on Bulk Requests",
  severity: "SEV2",
  createdAt: new Date("2026-05-24T14:00:00Z"),
  resolvedAt: new Date("2026-05-24T14:45:00Z"),
  impact: "All users performing bulk exports timed out",
  rootCause:
    "The bulk export query was scanning a full table without index (added in #201 last week).\nThe missing index caused query time to scale with dataset size.",
  resolution: "Feature flag rolled back. Index will be added before re-enabling.",
  timeline: [
    { at: new Date("2026-05-24T14:00:00Z"), text: "Alert fired: p95 API response > 30s" },
    { at: new Date("2026-05-24T14:05:00Z"), text: "Bob identified the bulk export endpoint as the culprit" },
    { at: new Date("2026-05-24T14:22:00Z"), text: "Rolled back bulk export feature flag" },
    { at: new Date("2026-05-24T14:45:00Z"), text: "Service restored" },
  ],
  actionItems: [
    { title: "Add index to `exports` table on `user_id` column", owner: "Bob", priority: "high" },
    { title: "Add load test for bulk export endpoint to CI", owner: "Charlie", priority: "medium" },
    { title: "Add query timeout < 5s to API middleware", owner: "Alice", priority: "medium" },
    { title: "Write runbook for bulk export rollback procedure", owner: "Charlie", priority: "low" },
  ],
};

test("seed 000's incident renders to exactly its incident.md and action-items.md", () => {
  assert.equal(renderIncidentMarkdown(incident).trimEnd(), fixture("incident.md").trimEnd());
  const items = renderActionItemsMarkdown({ ...incident, title: "API Timeout Incident" });
  assert.equal(items.trimEnd(), fixture("action-items.md").trimEnd());
});

test("the rendered files parse back to the same title, severity, times and items", () => {
  const folder = incidentFolderPath(".scraut", 1, incident.createdAt, incident.title);
  assert.equal(folder, ".scraut/sprint/001/incidents/2026-05-24-api-timeout-on-bulk-requests");
  const parsedFolder = parseIncidentFolder(`${folder}/incident.md`);
  assert.ok(!("message" in parsedFolder));
  assert.equal(parsedFolder.sprint.number, 1);
  const { incident: md, issues } = parseIncidentMarkdown(
    `${folder}/incident.md`,
    renderIncidentMarkdown(incident),
  );
  assert.deepEqual(issues, []);
  assert.ok(md);
  assert.equal(md.title, incident.title);
  assert.equal(md.date, "2026-05-24");
  assert.equal(severityFromMarkdown(md.severity, "p1-p4").severity, "SEV2");
  const times = importedTimes(md);
  assert.deepEqual([times.start, times.end], [incident.createdAt, incident.resolvedAt]);
  assert.deepEqual(times.notes, incident.timeline);
  const items = parseActionItems(`${folder}/action-items.md`, renderActionItemsMarkdown(incident));
  assert.deepEqual(items.issues, []);
  assert.deepEqual(
    items.items.map((i) => [i.action, i.owner, i.priority]),
    incident.actionItems.map((i) => [i.title, i.owner, i.priority]),
  );
});

test("an incident over two days dates its later bullets and its end; times read back across midnight", () => {
  const late = {
    ...incident,
    createdAt: new Date("2026-05-24T23:30:00Z"),
    resolvedAt: new Date("2026-05-25T01:15:00Z"),
    timeline: [
      { at: new Date("2026-05-24T23:30:00Z"), text: "Paged" },
      { at: new Date("2026-05-25T00:10:00Z"), text: "Rolled back" },
    ],
  };
  const text = renderIncidentMarkdown(late);
  assert.match(text, /\*\*Duration:\*\* 23:30–2026-05-25 01:15 UTC \(1 hour 45 minutes\)/);
  assert.match(text, /^- 2026-05-25 00:10 — Rolled back$/m);
  const md = parseIncidentMarkdown("x/incident.md", text).incident;
  assert.ok(md);
  const times = importedTimes(md);
  assert.deepEqual([times.start, times.end], [late.createdAt, late.resolvedAt]);
  assert.deepEqual(times.notes, late.timeline);
  // Written without dates, a time earlier than the one before is the next day.
  const undated = importedTimes({
    ...md,
    duration: "23:30–01:15 UTC",
    timeline: ["23:30 — a", "00:10 — b", "c"],
  });
  assert.deepEqual(
    undated.notes.map((n) => n.at.toISOString()),
    ["2026-05-24T23:30:00.000Z", "2026-05-25T00:10:00.000Z", "2026-05-25T00:10:00.000Z"],
  );
  assert.equal(undated.end.toISOString(), "2026-05-25T01:15:00.000Z");
});

test("severity words map through the aliases and a few common words; unknown is SEV3 with a warning", () => {
  const cases: [string | null, string, boolean][] = [
    ["High", "SEV2", false],
    ["critical", "SEV1", false],
    ["SEV4", "SEV4", false],
    ["P1", "SEV1", false],
    ["Major", "SEV2", false],
    ["Minor (few users)", "SEV4", false],
    ["catastrophic", "SEV3", true],
    [null, "SEV3", true],
  ];
  for (const [text, severity, warns] of cases) {
    const got = severityFromMarkdown(text, "p1-p4");
    assert.equal(got.severity, severity, String(text));
    assert.equal(got.warning !== undefined, warns, String(text));
  }
  assert.equal(severityFromMarkdown("P0", "p0-p3").severity, "SEV1");
});

test("slugs, durations and an ongoing incident", () => {
  assert.equal(slugify("API Timeout — on Bulk Requests!"), "api-timeout-on-bulk-requests");
  assert.equal(slugify("Ünïcode café"), "unicode-cafe");
  assert.equal(slugify("!!!"), "incident");
  assert.ok(slugify("word ".repeat(40)).length <= 50);
  assert.equal(durationLine(new Date("2026-05-24T14:00:00Z"), null), "14:00 UTC – ongoing");
  assert.equal(
    durationLine(new Date("2026-05-24T14:00:00Z"), new Date("2026-05-24T15:00:00Z")),
    "14:00–15:00 UTC (1 hour)",
  );
  const items = renderActionItemsMarkdown({
    title: "X",
    actionItems: [{ title: "Do it", owner: null, priority: "low" }],
  });
  assert.match(items, /^- Do it — p:low$/m);
});
