import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { after, before, describe, test } from "node:test";
import { parseActionItems, parseIncidentMarkdown } from "#domain/backlog/markdown.ts";
import { severityFromMarkdown } from "#domain/backlog/to-platform.ts";
import { withTransaction } from "#store/db.ts";
import { updateActionItem as updateActionItemRow } from "#store/records.ts";
import { openTestDb, type TestDatabase, testBackends } from "#store/testing.ts";
import { appContext, declareTestIncident } from "../../../test/helpers/factories.ts";
import { createActionItem } from "../incidents/action-items.ts";
import { getIncident } from "../incidents/get.ts";
import { getTimeline, verifyTimeline } from "../incidents/timeline.ts";
import { getIncidentMarkdown } from "./export-markdown.ts";
import { importMarkdownIncidents } from "./import-markdown.ts";
import { applyIssueStateChange } from "./issue-events.ts";

const FOLDER = ".scraut/sprint/001/incidents/2026-05-24-api-timeout";
const read = (name: string) =>
  readFileSync(new URL(`../../../test/fixtures/scraut/${FOLDER}/${name}`, import.meta.url), "utf8");
const seedFiles = () => [
  { path: `${FOLDER}/incident.md`, text: read("incident.md") },
  { path: `${FOLDER}/action-items.md`, text: read("action-items.md") },
];

for (const backend of await testBackends()) {
  describe(`markdown incidents in and out (${backend.kind})`, { skip: backend.skip }, () => {
    let database: TestDatabase;
    before(async () => {
      database = await openTestDb(backend.kind);
    });
    after(async () => {
      await database?.close();
    });

    test("seed 000's folder imports as one resolved SEV2 incident with 4 action items; again creates nothing", async () => {
      const ctx = appContext(database.db, { actor: "bob" });
      const first = await importMarkdownIncidents(ctx, { files: seedFiles() });
      assert.deepEqual(first.issues, []);
      assert.equal(first.incidents.length, 1);
      const [imported] = first.incidents;
      assert.ok(imported?.incident_id);
      assert.deepEqual(
        { ...imported, incident_id: "-" },
        {
          source_ref: FOLDER,
          result: "imported",
          incident_id: "-",
          title: "API Timeout on Bulk Requests",
          severity: "SEV2",
          action_items: 4,
        },
      );
      const incident = await getIncident(ctx, imported.incident_id);
      assert.equal(incident.status, "resolved");
      assert.equal(incident.created_at, "2026-05-24T14:00:00.000Z");
      assert.equal(incident.resolved_at, "2026-05-24T14:45:00.000Z");
      assert.equal(incident.impact, "All users performing bulk exports timed out");
      assert.match(incident.root_cause, /^The bulk export query was scanning a full table/);
      assert.match(incident.resolution, /^Feature flag rolled back/);
      assert.deepEqual(
        incident.action_items.map((i) => [i.title, i.owner, i.priority, i.status]),
        [
          ["Add index to `exports` table on `user_id` column", "bob", "high", "open"],
          ["Add load test for bulk export endpoint to CI", "charlie", "medium", "open"],
          ["Add query timeout < 5s to API middleware", "alice", "medium", "open"],
          ["Write runbook for bulk export rollback procedure", "charlie", "low", "open"],
        ],
      );
      const { events } = await getTimeline(ctx, imported.incident_id);
      const notes = events
        .filter((e) => e.kind === "note.added")
        .map((e) => [e.at.slice(11, 16), e.data.text]);
      assert.deepEqual(notes, [
        ["14:00", "Alert fired: p95 API response > 30s"],
        ["14:05", "Bob identified the bulk export endpoint as the culprit"],
        ["14:22", "Rolled back bulk export feature flag"],
        ["14:45", "Service restored"],
      ]);
      assert.equal((await verifyTimeline(ctx, imported.incident_id)).ok, true);

      const again = await importMarkdownIncidents(ctx, { files: seedFiles() });
      assert.deepEqual(
        again.incidents.map((i) => [i.result, i.incident_id]),
        [["unchanged", imported.incident_id]],
      );
    });

    test("a bad bullet is reported with file and line; the rest imports; an unknown severity warns", async () => {
      const ctx = appContext(database.db);
      const folder = ".scraut/sprint/002/incidents/2026-06-01-queue-stall";
      const result = await importMarkdownIncidents(ctx, {
        files: [
          {
            path: `${folder}/incident.md`,
            text: "# Incident: Queue stall — 2026-06-01\n\n**Severity:** Catastrophic\n**Duration:** 09:00–09:30 UTC\n**Impact:** Jobs delayed\n\n## Timeline\n- 09:00 — Paged\n\n## Root cause\nA stuck consumer.\n\n## Resolution\nRestarted.\n",
          },
          {
            path: `${folder}/action-items.md`,
            text: "# Action Items\n\n- Alert on consumer lag — Dana — p:high\n- Fix the retry loop — Eve — p:urgent\n",
          },
          { path: "docs/notes.md", text: "x" },
        ],
      });
      const [imported] = result.incidents;
      assert.equal(imported?.result, "imported");
      assert.equal(imported?.severity, "SEV3");
      assert.equal(imported?.action_items, 1);
      const where = result.issues.map((i) => `${i.file}:${i.line}:${i.level}`);
      assert.ok(where.includes(`${folder}/action-items.md:4:error`), where.join(", "));
      assert.ok(where.includes(`${folder}/incident.md:0:warning`), where.join(", "));
      assert.ok(where.includes("docs/notes.md:0:error"), where.join(", "));
    });

    test("export writes seed 000's two files, and they parse back to the same title, severity and items", async () => {
      const ctx = appContext(database.db);
      const declared = await declareTestIncident(ctx, { title: "Checkout errors", severity: "SEV1" });
      await createActionItem(ctx, declared.id, {
        title: "Add a circuit breaker",
        owner: "alice",
        priority: "high",
      });
      ctx.clock.advance(1000);
      await createActionItem(ctx, declared.id, { title: "Document the failover" });
      const out = await getIncidentMarkdown(ctx, declared.id, { sprint: "4" });
      const folder = `.scraut/sprint/004/incidents/${declared.created_at.slice(0, 10)}-checkout-errors`;
      assert.equal(out.folder, folder);
      assert.deepEqual(
        out.files.map((f) => f.path),
        [`${folder}/incident.md`, `${folder}/action-items.md`],
      );
      const [incidentMd, itemsMd] = out.files;
      assert.ok(incidentMd && itemsMd);
      const parsed = parseIncidentMarkdown(incidentMd.path, incidentMd.text);
      assert.equal(parsed.incident?.title, "Checkout errors");
      assert.equal(severityFromMarkdown(parsed.incident?.severity ?? null, "p1-p4").severity, "SEV1");
      assert.deepEqual(
        parseActionItems(itemsMd.path, itemsMd.text).items.map((i) => [i.action, i.owner, i.priority]),
        [
          ["Add a circuit breaker", "alice", "high"],
          ["Document the failover", null, "medium"],
        ],
      );
    });

    test("an imported incident exports back to its own folder with the seed's text", async () => {
      const ctx = appContext(database.db);
      const files = seedFiles().map((f) => ({
        ...f,
        path: f.path.replace("2026-05-24-api-timeout", "2026-05-24-api-timeout-2"),
      }));
      const { incidents } = await importMarkdownIncidents(ctx, { files });
      const id = incidents[0]?.incident_id;
      assert.ok(id);
      const out = await getIncidentMarkdown(ctx, id, {});
      assert.equal(out.folder, `${FOLDER}-2`);
      assert.equal(out.files[0]?.text.trimEnd(), read("incident.md").trimEnd());
    });

    test("a closed GitHub issue completes its item once, with who closed it; reopened reopens it", async () => {
      const ctx = appContext(database.db);
      const incident = await declareTestIncident(ctx);
      const item = await createActionItem(ctx, incident.id, { title: "Add an index" });
      await withTransaction(database.db, (tx) =>
        updateActionItemRow(tx, item.id, {
          issueRepository: "acme/api",
          issueNumber: 7101,
          issueUrl: "https://github.com/acme/api/issues/7101",
          filedAt: ctx.clock.now(),
        }),
      );
      const github = { ...ctx, actor: { kind: "system" as const, name: "github" } };
      const close = { repository: "Acme/API", number: 7101, action: "closed" as const, by: "bob" };
      assert.equal((await applyIssueStateChange(github, close)).result, "completed");
      assert.equal((await applyIssueStateChange(github, close)).result, "unchanged");
      assert.equal(
        (await applyIssueStateChange(github, { ...close, repository: "acme/other" })).result,
        "unknown",
      );
      const done = await getIncident(ctx, incident.id);
      assert.equal(done.action_items[0]?.status, "done");
      assert.deepEqual(done.action_items[0]?.issue, {
        repository: "acme/api",
        number: 7101,
        url: "https://github.com/acme/api/issues/7101",
      });
      const { events } = await getTimeline(ctx, incident.id);
      const completed = events.filter((e) => e.kind === "action_item.completed");
      assert.equal(completed.length, 1);
      assert.equal(completed[0]?.actor, "github");
      assert.equal(completed[0]?.data.via, "github");
      assert.equal(completed[0]?.data.by, "bob");
      assert.equal(completed[0]?.data.issue, "Acme/API#7101");
      assert.equal(
        (await applyIssueStateChange(github, { ...close, action: "reopened" })).result,
        "reopened",
      );
      assert.equal((await getIncident(ctx, incident.id)).action_items[0]?.status, "open");
    });
  });
}
