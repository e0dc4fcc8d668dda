import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { eq } from "drizzle-orm";
import { TRIAGE_CHECKLIST } from "#domain/incident/checklist.ts";
import { MINUTE } from "#domain/time.ts";
import { incidents } from "#store/schema/index.ts";
import { openTestDb, type TestDatabase, testBackends } from "#store/testing.ts";
import {
  actingAs,
  appContext,
  declareTestIncident,
  expectAppError,
} from "../../../test/helpers/factories.ts";
import { changeIncidentStatus } from "./change-status.ts";
import { getChecklist, setChecklistTask } from "./checklist.ts";
import { getTimeline } from "./timeline.ts";

for (const backend of await testBackends()) {
  describe(`incident checklist (${backend.kind})`, { skip: backend.skip }, () => {
    let database: TestDatabase;
    before(async () => {
      database = await openTestDb(backend.kind);
    });
    after(async () => {
      await database?.close();
    });

    test("a new incident gets seed 001's triage tasks, each due its minute after declaration", async () => {
      const ctx = appContext(database.db);
      const incident = await declareTestIncident(ctx);
      const list = await getChecklist(ctx, incident.id);
      assert.deepEqual(
        list.tasks.map((t) => [t.key, t.due_minute, t.due_at]),
        TRIAGE_CHECKLIST.map((t) => [
          t.key,
          t.due_minute,
          new Date(Date.parse(incident.created_at) + t.due_minute * MINUTE).toISOString(),
        ]),
      );
      assert.deepEqual([list.done, list.total, list.overdue], [0, 5, 0]);
      ctx.clock.advance(2 * MINUTE + 1000);
      const later = await getChecklist(ctx, incident.id);
      assert.deepEqual(
        later.tasks.filter((t) => t.overdue).map((t) => t.key),
        ["acknowledge-and-classify", "assess-scope"],
      );
    });

    test("ticking adds task.completed once; unticking adds task.reopened", async () => {
      const ctx = appContext(database.db, { actor: "nina" });
      const incident = await declareTestIncident(ctx);
      ctx.clock.advance(3 * MINUTE);
      const ticked = await setChecklistTask(ctx, incident.id, "assess-scope", { done: true });
      assert.equal(ticked.changed, true);
      const task = ticked.tasks.find((t) => t.key === "assess-scope");
      assert.deepEqual(
        [task?.done, task?.done_by, task?.done_at, task?.overdue],
        [true, "nina", ctx.clock.now().toISOString(), false],
      );
      assert.equal(
        ticked.overdue,
        1,
        "minute 1's task is overdue; minute 3's is due right now, not yet overdue",
      );

      ctx.clock.advance(MINUTE);
      const again = await setChecklistTask(actingAs(ctx, "otto"), incident.id, "assess-scope", {
        done: true,
      });
      assert.equal(again.changed, false);
      assert.equal(
        again.tasks.find((t) => t.key === "assess-scope")?.done_by,
        "nina",
        "the first tick is kept",
      );

      const reopened = await setChecklistTask(actingAs(ctx, "otto"), incident.id, "assess-scope", {
        done: false,
      });
      assert.equal(reopened.changed, true);
      assert.equal(reopened.tasks.find((t) => t.key === "assess-scope")?.done, false);
      const noop = await setChecklistTask(ctx, incident.id, "assess-scope", { done: false });
      assert.equal(noop.changed, false);

      const { events } = await getTimeline(ctx, incident.id);
      assert.deepEqual(
        events.filter((e) => e.kind.startsWith("task.")).map((e) => [e.kind, e.actor, e.data]),
        [
          ["task.completed", "nina", { key: "assess-scope", title: "Assess scope" }],
          ["task.reopened", "otto", { key: "assess-scope", title: "Assess scope" }],
        ],
      );
    });

    test("an unknown key names the valid keys; bad input names the field; nothing is written", async () => {
      const ctx = appContext(database.db);
      const incident = await declareTestIncident(ctx);
      const error = await expectAppError(
        setChecklistTask(ctx, incident.id, "asses-scope", { done: true }),
        "NOT_FOUND",
      );
      assert.match(
        error.detail,
        /no checklist task "asses-scope"; its tasks are acknowledge-and-classify, assess-scope,/,
      );
      const bad = await expectAppError(
        setChecklistTask(ctx, incident.id, "assess-scope", { done: "yes" }),
        "INVALID_INPUT",
      );
      assert.equal(bad.fields[0]?.field, "done");
      await expectAppError(setChecklistTask(ctx, "INC-999999", "assess-scope", { done: true }), "NOT_FOUND");
      const { events } = await getTimeline(ctx, incident.id);
      assert.equal(events.length, 1);
    });

    test("an incident's own checklist (from its type) replaces the triage checklist", async () => {
      const ctx = appContext(database.db);
      const incident = await declareTestIncident(ctx);
      const own = [{ key: "call-legal", title: "Call legal", due_minute: 10, details: ["Phone the DPO"] }];
      await database.db
        .update(incidents)
        .set({ checklist: own })
        .where(eq(incidents.number, incident.number));
      const list = await getChecklist(ctx, incident.id);
      assert.deepEqual(
        list.tasks.map((t) => [t.key, t.details]),
        [["call-legal", ["Phone the DPO"]]],
      );
      await expectAppError(setChecklistTask(ctx, incident.id, "assess-scope", { done: true }), "NOT_FOUND");
    });

    test("once resolved, the overdue clock stops at the resolution", async () => {
      const ctx = appContext(database.db);
      const incident = await declareTestIncident(ctx);
      await setChecklistTask(ctx, incident.id, "acknowledge-and-classify", { done: true });
      ctx.clock.advance(90 * 1000);
      await changeIncidentStatus(ctx, incident.id, { status: "resolved" });
      ctx.clock.advance(60 * MINUTE);
      const list = await getChecklist(ctx, incident.id);
      assert.deepEqual(
        list.tasks.filter((t) => t.overdue).map((t) => t.key),
        [],
      );
    });
  });
}
