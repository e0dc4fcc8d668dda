import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { DAY, HOUR } from "#domain/time.ts";
import { openTestDb, type TestDatabase, testBackends } from "#store/testing.ts";
import {
  appContext,
  declareTestIncident,
  expectAppError,
  tableCounts,
} from "../../../test/helpers/factories.ts";
import { completeActionItem, createActionItem, updateActionItem } from "./action-items.ts";
import { getIncident } from "./get.ts";
import { getTimeline, verifyTimeline } from "./timeline.ts";

for (const backend of await testBackends()) {
  describe(`action items (${backend.kind})`, { skip: backend.skip }, () => {
    let database: TestDatabase;
    before(async () => {
      database = await openTestDb(backend.kind);
    });
    after(async () => {
      await database?.close();
    });

    test("an action item is created open, with medium priority and no owner unless given", async () => {
      const ctx = appContext(database.db, { actor: "ivy" });
      const incident = await declareTestIncident(ctx);
      const item = await createActionItem(ctx, incident.id, { title: "Add a query timeout to bulk export" });
      const now = ctx.clock.now().toISOString();
      assert.deepEqual(
        { ...item, id: "-" },
        {
          id: "-",
          incident_id: incident.id,
          title: "Add a query timeout to bulk export",
          description: "",
          owner: null,
          priority: "medium",
          status: "open",
          due_at: null,
          overdue: false,
          created_by: "ivy",
          created_at: now,
          updated_at: now,
          completed_at: null,
          issue: null,
        },
      );
      const { events } = await getTimeline(ctx, incident.id);
      assert.deepEqual(events.at(-1)?.data, {
        action_item_id: item.id,
        title: "Add a query timeout to bulk export",
        owner: null,
        priority: "medium",
      });
      assert.equal(events.at(-1)?.kind, "action_item.created");
    });

    test("items added in the same instant list in the order they were added, on every read", async () => {
      const ctx = appContext(database.db);
      const incident = await declareTestIncident(ctx);
      const titles = [
        "Add an index",
        "Add a load test",
        "Add a query timeout",
        "Write the runbook",
        "Alert on p95",
      ];
      for (const title of titles) await createActionItem(ctx, incident.id, { title });
      for (let read = 0; read < 3; read++) {
        const detail = await getIncident(ctx, incident.id);
        assert.deepEqual(
          detail.action_items.map((i) => i.title),
          titles,
        );
      }
    });

    test("an open item becomes overdue when its due date passes, and stops being overdue when done", async () => {
      const ctx = appContext(database.db);
      const incident = await declareTestIncident(ctx);
      const due = new Date(ctx.clock.now().getTime() + 2 * DAY).toISOString();
      const item = await createActionItem(ctx, incident.id, {
        title: "Page the DBA on slow queries",
        owner: "@dave",
        priority: "high",
        due_at: due,
      });
      assert.equal(item.owner, "dave");
      assert.equal(item.due_at, due);
      assert.equal(item.overdue, false);

      ctx.clock.advance(2 * DAY);
      assert.equal(
        (await getIncident(ctx, incident.id)).action_items[0]?.overdue,
        false,
        "due now is not yet overdue",
      );
      ctx.clock.advance(HOUR);
      assert.equal((await getIncident(ctx, incident.id)).action_items[0]?.overdue, true);

      const done = await completeActionItem(ctx, incident.id, item.id);
      assert.equal(done.status, "done");
      assert.equal(done.completed_at, ctx.clock.now().toISOString());
      assert.equal(done.overdue, false);
      const { events } = await getTimeline(ctx, incident.id);
      assert.equal(events.at(-1)?.kind, "action_item.completed");
      assert.deepEqual(events.at(-1)?.data, {
        action_item_id: item.id,
        title: "Page the DBA on slow queries",
        status: "done",
      });
    });

    test("updates change owner, priority, due date and status; each is one timeline event", async () => {
      const ctx = appContext(database.db);
      const incident = await declareTestIncident(ctx);
      const item = await createActionItem(ctx, incident.id, { title: "Write the runbook", owner: "olga" });
      ctx.clock.advance(HOUR);
      let updated = await updateActionItem(ctx, incident.id, item.id, {
        owner: "oscar",
        priority: "low",
        due_at: "2026-04-01T00:00:00+02:00",
        description: "Cover the export path",
      });
      assert.equal(updated.owner, "oscar");
      assert.equal(updated.priority, "low");
      assert.equal(updated.due_at, "2026-03-31T22:00:00.000Z");
      assert.equal(updated.description, "Cover the export path");
      assert.equal(updated.updated_at, ctx.clock.now().toISOString());
      assert.equal(updated.created_at, item.created_at);

      updated = await updateActionItem(ctx, incident.id, item.id, { owner: null, due_at: null });
      assert.equal(updated.owner, null);
      assert.equal(updated.due_at, null);

      const completedAt = ctx.clock.now().toISOString();
      updated = await updateActionItem(ctx, incident.id, item.id, { status: "done" });
      assert.equal(updated.completed_at, completedAt);
      ctx.clock.advance(HOUR);
      updated = await updateActionItem(ctx, incident.id, item.id, {
        status: "done",
        title: "Write the export runbook",
      });
      assert.equal(updated.completed_at, completedAt, "completing twice keeps the first completion time");
      updated = await updateActionItem(ctx, incident.id, item.id, { status: "open" });
      assert.equal(updated.status, "open");
      assert.equal(updated.completed_at, null, "reopening clears the completion");

      const { events } = await getTimeline(ctx, incident.id);
      assert.deepEqual(
        events.slice(1).map((e) => e.kind),
        [
          "action_item.created",
          "action_item.updated",
          "action_item.updated",
          "action_item.completed",
          "action_item.updated",
          "action_item.updated",
        ],
      );
      assert.deepEqual(events[2]?.data, {
        action_item_id: item.id,
        title: "Write the runbook",
        owner: "oscar",
        priority: "low",
        description: "Cover the export path",
        due_at: "2026-04-01T00:00:00+02:00",
      });
      assert.equal((await verifyTimeline(ctx, incident.id)).ok, true);
    });

    test("unknown items, malformed ids, items of another incident and empty updates are refused", async () => {
      const ctx = appContext(database.db);
      const incident = await declareTestIncident(ctx);
      const other = await declareTestIncident(ctx);
      const item = await createActionItem(ctx, other.id, { title: "Belongs elsewhere" });
      const counts = await tableCounts(database.db);
      await expectAppError(completeActionItem(ctx, incident.id, item.id), "NOT_FOUND");
      await expectAppError(
        completeActionItem(ctx, incident.id, "2f1c7a5b-4e10-4a53-9d8e-0b9f3c2e6d1a"),
        "NOT_FOUND",
      );
      const malformed = await expectAppError(completeActionItem(ctx, incident.id, "item-1"), "INVALID_INPUT");
      assert.deepEqual(
        malformed.fields.map((f) => f.field),
        ["item_id"],
      );
      await expectAppError(updateActionItem(ctx, other.id, item.id, {}), "INVALID_INPUT");
      assert.deepEqual(await tableCounts(database.db), counts);
    });

    test("invalid fields are all listed", async () => {
      const ctx = appContext(database.db);
      const incident = await declareTestIncident(ctx);
      const error = await expectAppError(
        createActionItem(ctx, incident.id, {
          title: "",
          owner: "two words",
          priority: "urgent",
          due_at: "next friday",
          assignee: "x",
        }),
        "INVALID_INPUT",
      );
      assert.deepEqual(error.fields.map((f) => f.field).sort(), [
        "(body)",
        "due_at",
        "owner",
        "priority",
        "title",
      ]);
      assert.match(error.fields.find((f) => f.field === "priority")?.message ?? "", /high, medium, low/);
      assert.match(error.fields.find((f) => f.field === "due_at")?.message ?? "", /ISO 8601/);
      for (const due_at of ["0000-01-01T00:00:00Z", "9999-12-31T23:59:59-14:00", "2026-02-30T00:00:00Z"]) {
        const outOfRange = await expectAppError(
          createActionItem(ctx, incident.id, { title: "t", due_at }),
          "INVALID_INPUT",
        );
        assert.deepEqual(
          outOfRange.fields.map((f) => f.field),
          ["due_at"],
          due_at,
        );
      }
      const earliest = await createActionItem(ctx, incident.id, {
        title: "t",
        due_at: "0001-01-01T00:00:00Z",
      });
      assert.equal(earliest.due_at, "0001-01-01T00:00:00.000Z");
    });
  });
}
