import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { HOUR } from "#domain/time.ts";
import { openTestDb, type TestDatabase, testBackends } from "#store/testing.ts";
import { appContext, declareTestIncident, expectAppError } from "../../../test/helpers/factories.ts";
import { draftPostmortem, type PostmortemAiDraft } from "../ai/draft-postmortem.ts";
import { createActionItem } from "../incidents/action-items.ts";
import { changeIncidentStatus } from "../incidents/change-status.ts";
import { getIncident } from "../incidents/get.ts";
import { getTimeline } from "../incidents/timeline.ts";
import { updateIncident } from "../incidents/update.ts";
import type { AiDrafting } from "../ports.ts";
import { exportPostmortem, getPostmortem, listPostmortems } from "./get.ts";
import { applyAiDraft, savePostmortem } from "./save.ts";
import { startPostmortem } from "./start.ts";
import { changePostmortemStatus } from "./status.ts";

const draft: PostmortemAiDraft = {
  summary: "Bulk exports timed out for 45 minutes after a feature flag enabled an unindexed query.",
  impact: {
    customers: "All users running bulk exports",
    symptom: "Exports timed out after 30 s",
    data_integrity: "none — no data was written",
    revenue: "none",
  },
  five_whys: ["Why did exports time out? → Because the query scanned the exports table.", "Why did it scan?"],
  model: "test-model",
  drafted_at: "2026-03-02T10:00:00.000Z",
  redactions: 0,
};

for (const backend of await testBackends()) {
  describe(`postmortems (${backend.kind})`, { skip: backend.skip }, () => {
    let database: TestDatabase;
    before(async () => {
      database = await openTestDb(backend.kind);
    });
    after(async () => {
      await database?.close();
    });

    test("start prefills from the incident and writes postmortem.created; a second start is refused", async () => {
      const ctx = appContext(database.db, { actor: "bob" });
      const incident = await declareTestIncident(ctx);
      await updateIncident(ctx, incident.id, {
        impact: "Large accounts could not export",
        root_cause: "Missing index on exports.user_id",
        resolution: "Flag rolled back",
      });
      await expectAppError(getPostmortem(ctx, incident.id), "NOT_FOUND").then((e) =>
        assert.match(e.detail, /start one with POST .*postmortem \(CLI: foghorn postmortem start/),
      );
      const pm = await startPostmortem(ctx, incident.id);
      assert.equal(pm.status, "draft");
      assert.equal(pm.author, "bob");
      assert.equal(pm.version, 1);
      assert.equal(pm.sections.summary, incident.description);
      assert.equal(pm.sections.impact.customers, "Large accounts could not export");
      assert.equal(pm.sections.root_cause, "Missing index on exports.user_id");
      assert.equal(pm.sections.resolution, "Flag rolled back");
      assert.equal(pm.due_at, null, "not resolved yet: no due date");
      assert.match(pm.markdown, /^# Postmortem — \[SEV2\] API timeouts on bulk export/);
      const timeline = await getTimeline(ctx, incident.id);
      assert.equal(timeline.events.at(-1)?.kind, "postmortem.created");
      await expectAppError(startPostmortem(ctx, incident.id), "CONFLICT");
    });

    test("saving needs the current version; a stale one is CONFLICT and changes nothing", async () => {
      const ctx = appContext(database.db, { actor: "bob" });
      const incident = await declareTestIncident(ctx);
      await startPostmortem(ctx, incident.id);
      const saved = await savePostmortem(ctx, incident.id, {
        version: 1,
        sections: { went_well: "Paging reached bob in a minute", five_whys: ["Why? → Because."] },
        reviewers: ["alice", "@carol", "alice"],
      });
      assert.equal(saved.version, 2);
      assert.deepEqual(saved.reviewers, ["alice", "carol"]);
      assert.match(saved.markdown, /## What went well\n\nPaging reached bob in a minute\n/);
      assert.match(saved.markdown, /\*\*Reviewers:\*\* @alice, @carol/);
      const stale = await expectAppError(
        savePostmortem(ctx, incident.id, { version: 1, sections: { went_well: "lost edit" } }),
        "CONFLICT",
      );
      assert.equal(stale.extra.current_version, 2);
      assert.equal(
        (await getPostmortem(ctx, incident.id)).sections.went_well,
        "Paging reached bob in a minute",
      );
      const bad = await expectAppError(
        savePostmortem(ctx, incident.id, { version: 2, sections: { summary: 5 } }),
        "INVALID_INPUT",
      );
      assert.equal(bad.fields[0]?.field, "sections.summary");
    });

    test("an AI draft fills summary, impact and five whys, marked until edited", async () => {
      const ctx = appContext(database.db, { actor: "bob" });
      const incident = await declareTestIncident(ctx);
      await startPostmortem(ctx, incident.id);
      const drafted = await applyAiDraft(ctx, incident.id, draft);
      assert.deepEqual(drafted.ai_draft?.sections, ["summary", "impact", "five_whys"]);
      assert.equal(drafted.sections.impact.data_integrity.level, "none");
      assert.equal(drafted.sections.impact.data_integrity.text, "no data was written");
      assert.deepEqual(drafted.sections.five_whys[0], {
        why: "Why did exports time out?",
        because: "Because the query scanned the exports table.",
      });
      assert.equal(drafted.markdown.split("> Drafted by AI (test-model)").length - 1, 3);
      const edited = await savePostmortem(ctx, incident.id, {
        version: drafted.version,
        sections: { summary: "Exports timed out (reviewed).", impact: drafted.sections.impact },
      });
      assert.deepEqual(
        edited.ai_draft?.sections,
        ["impact", "five_whys"],
        "only the edited section lost its mark",
      );
      assert.equal(edited.markdown.split("> Drafted by AI").length - 1, 2);
    });

    test("draftPostmortem with a fake model, then applyAiDraft: the drafted sections carry the model", async () => {
      const ctx = appContext(database.db, { actor: "bob" });
      const incident = await declareTestIncident(ctx);
      await startPostmortem(ctx, incident.id);
      const sent: string[] = [];
      const ai: AiDrafting = {
        redact: [],
        llm: {
          model: "fake-llm",
          async complete(messages) {
            sent.push(messages.map((m) => m.content).join("\n"));
            return JSON.stringify({
              summary: "Exports timed out.",
              impact: {
                customers: "Large accounts",
                symptom: "Timeouts",
                data_integrity: "suspected",
                revenue: "none",
              },
              five_whys: ["Why did exports time out? → Because of a full scan."],
            });
          },
        },
      };
      const view = await applyAiDraft(ctx, incident.id, await draftPostmortem(ctx, ai, incident.id));
      assert.match(sent[0] ?? "", /API timeouts on bulk export/, "the incident went to the model");
      assert.equal(view.sections.summary, "Exports timed out.");
      assert.equal(view.sections.impact.data_integrity.level, "suspected");
      assert.equal(view.sections.five_whys[0]?.because, "Because of a full scan.");
      assert.equal(view.ai_draft?.model, "fake-llm");
    });

    test("publishing moves a resolved incident to postmortem in the same transaction", async () => {
      const ctx = appContext(database.db, { actor: "bob" });
      const incident = await declareTestIncident(ctx);
      await startPostmortem(ctx, incident.id);
      await expectAppError(
        changePostmortemStatus(ctx, incident.id, { status: "published" }),
        "INVALID_TRANSITION",
      ).then((e) => assert.deepEqual(e.extra.allowed_next_statuses, ["in_review"]));
      await changePostmortemStatus(ctx, incident.id, { status: "in_review" });
      const before = await getIncident(ctx, incident.id);
      const refused = await expectAppError(
        changePostmortemStatus(ctx, incident.id, { status: "published" }),
        "INVALID_TRANSITION",
      );
      assert.match(refused.detail, /is triggered: resolve it before publishing/);
      const unchanged = await getIncident(ctx, incident.id);
      assert.equal(unchanged.status, "triggered");
      assert.equal(unchanged.timeline_length, before.timeline_length);
      assert.equal((await getPostmortem(ctx, incident.id)).status, "in_review");

      await changeIncidentStatus(ctx, incident.id, { status: "resolved" });
      ctx.clock.advance(HOUR);
      const published = await changePostmortemStatus(ctx, incident.id, { status: "published" });
      assert.equal(published.status, "published");
      assert.equal(published.incident_status, "postmortem");
      assert.equal(published.published_by, "bob");
      const closed = await getIncident(ctx, incident.id);
      assert.equal(closed.status, "postmortem");
      assert.equal(closed.closed_at, ctx.clock.now().toISOString());
      const kinds = (await getTimeline(ctx, incident.id)).events.slice(-2).map((e) => [e.kind, e.data]);
      assert.deepEqual(kinds, [
        ["incident.status_changed", { from: "resolved", to: "postmortem", reason: "postmortem published" }],
        ["postmortem.status_changed", { from: "in_review", to: "published" }],
      ]);
      await expectAppError(
        savePostmortem(ctx, incident.id, { version: published.version, sections: { summary: "x" } }),
        "CONFLICT",
      );
      const reopened = await changePostmortemStatus(ctx, incident.id, { status: "draft" });
      assert.equal(reopened.status, "draft");
      assert.equal((await getIncident(ctx, incident.id)).status, "postmortem", "the incident stays closed");
    });

    test("due 48 h after resolving a SEV1; listed and overdue after; export is postmortem-<start date>.md", async () => {
      const ctx = appContext(database.db, { actor: "bob" });
      const incident = await declareTestIncident(ctx, { severity: "SEV1" });
      await createActionItem(ctx, incident.id, {
        title: "Add an index",
        owner: "bob",
        due_at: "2026-03-20T00:00:00Z",
      });
      await changeIncidentStatus(ctx, incident.id, { status: "resolved" });
      const resolvedAt = ctx.clock.now().getTime();
      const listed = (await listPostmortems(ctx, {})).items.find((i) => i.incident_id === incident.id);
      assert.equal(listed?.status, "not_started");
      assert.equal(listed?.due_at, new Date(resolvedAt + 48 * HOUR).toISOString());
      assert.equal(listed?.overdue, false);
      await startPostmortem(ctx, incident.id);
      ctx.clock.advance(49 * HOUR);
      const pm = await getPostmortem(ctx, incident.id);
      assert.equal(pm.overdue, true);
      assert.equal(
        (await listPostmortems(ctx, { overdue: "true" })).items.some((i) => i.incident_id === incident.id),
        true,
      );
      assert.match(pm.markdown, /\| 1 \| Add an index \| @bob \| 2026-03-20 \|/);
      const file = await exportPostmortem(ctx, incident.id);
      assert.equal(file.file_name, "postmortem-2026-03-02.md");
      assert.equal(file.markdown, pm.markdown);
      const sev3 = await declareTestIncident(ctx, { severity: "SEV3" });
      await changeIncidentStatus(ctx, sev3.id, { status: "resolved" });
      const light = await startPostmortem(ctx, sev3.id);
      assert.equal(light.policy, "lightweight");
      assert.equal(light.due_at, null);
    });
  });
}
