// Scheduled maintenance and its clock, on both storages: the engine's runner drives a ManualClock through a
// maintenance's reminder, start and end; each happens once, and a rescheduled one keeps to its new times.
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { sql } from "drizzle-orm";
import { SYSTEM_ACTOR } from "#app/context.ts";
import { createComponent, getComponent } from "#app/status-page/components.ts";
import {
  AUTO_COMPLETED_TEXT,
  AUTO_STARTED_TEXT,
  cancelMaintenance,
  createMaintenance,
  editMaintenance,
  getMaintenance,
  listMaintenances,
  postMaintenanceUpdate,
} from "#app/status-page/maintenances.ts";
import { STATUS_JOB } from "#app/status-page/notify.ts";
import { HOUR, MINUTE } from "#domain/time.ts";
import { executeRows } from "#store/rows.ts";
import { openTestDb, type TestDatabase, testBackends } from "#store/testing.ts";
import { appContext, expectAppError, type TestContext, uniqueName } from "../../test/helpers/factories.ts";
import { JobRunner } from "./runner.ts";
import { statusPageHandlers } from "./status-page.ts";

/** The status.notify events queued for one maintenance, in order, as "kind" strings. */
async function notified(ctx: TestContext, maintenanceId: string): Promise<string[]> {
  const rows = await executeRows(
    ctx.db,
    sql`select payload from jobs where kind = ${STATUS_JOB.notify} order by id`,
  );
  return rows
    .map(
      (r) =>
        (typeof r.payload === "string" ? JSON.parse(r.payload) : r.payload) as {
          event: { kind: string; maintenanceId?: string };
        },
    )
    .filter((p) => p.event.maintenanceId === maintenanceId)
    .map((p) => p.event.kind);
}

for (const backend of await testBackends()) {
  describe(`scheduled maintenance (${backend.kind})`, { skip: backend.skip }, () => {
    let database: TestDatabase;
    before(async () => {
      database = await openTestDb(backend.kind);
    });
    after(async () => {
      await database?.close();
    });

    /** A context, and a runner with only the maintenance clock (notify jobs stay queued to be inspected). */
    function setup() {
      const ctx = appContext(database.db, { actor: "nina" });
      const engine = { ...ctx, actor: SYSTEM_ACTOR };
      const handlers = statusPageHandlers(engine, { sender: {} });
      const clock = handlers[STATUS_JOB.maintenance];
      assert.ok(clock, "statusPageHandlers handles status.maintenance");
      const runner = new JobRunner(ctx, { [STATUS_JOB.maintenance]: clock });
      /** Moves the clock forward and runs every maintenance job due by then. */
      const advance = async (ms: number) => {
        ctx.clock.advance(ms);
        await runner.runUntilIdle();
      };
      return { ctx, runner, advance };
    }

    test("scheduled → in progress → completed by its clock, each exactly once, with a reminder first", async () => {
      const { ctx, runner, advance } = setup();
      const api = await createComponent(ctx, { name: uniqueName("API") });
      const m = await createMaintenance(ctx, {
        title: "Database upgrade",
        body: "The API is read-only for up to 30 minutes.",
        scheduled_for: new Date(ctx.clock.now().getTime() + 3 * HOUR).toISOString(),
        scheduled_until: new Date(ctx.clock.now().getTime() + 4 * HOUR).toISOString(),
        component_ids: [api.id],
      });
      assert.match(m.id, /^[a-z0-9]{12}$/);
      assert.equal(m.status, "scheduled");
      assert.deepEqual(m.components, [{ id: api.id, name: api.name }]);
      assert.deepEqual(
        m.updates.map((u) => [u.status, u.body]),
        [["scheduled", "The API is read-only for up to 30 minutes."]],
      );
      assert.deepEqual(await notified(ctx, m.id), ["maintenance_scheduled"]);

      await runner.runUntilIdle();
      assert.deepEqual(await notified(ctx, m.id), ["maintenance_scheduled"], "nothing is due yet");

      await advance(2 * HOUR + 5 * MINUTE); // 55 min before the start
      const reminded = await getMaintenance(ctx, m.id);
      assert.equal(reminded.status, "scheduled");
      assert.equal(
        reminded.reminded_at,
        new Date(Date.parse(m.scheduled_for) - 55 * MINUTE).toISOString(),
        "the reminder went out when the runner next looked, an hour (or less) before",
      );
      assert.deepEqual(await notified(ctx, m.id), ["maintenance_scheduled", "maintenance_reminder"]);

      await advance(55 * MINUTE); // the start
      const started = await getMaintenance(ctx, m.id);
      assert.equal(started.status, "in_progress");
      assert.deepEqual(
        started.updates[0] && [
          started.updates[0].status,
          started.updates[0].body,
          started.updates[0].created_by,
        ],
        ["in_progress", AUTO_STARTED_TEXT, "foghorn"],
      );
      assert.equal((await getComponent(ctx, api.id)).status, "under_maintenance");

      await advance(HOUR); // the end
      const completed = await getMaintenance(ctx, m.id);
      assert.equal(completed.status, "completed");
      assert.deepEqual(
        completed.updates.map((u) => u.status),
        ["completed", "in_progress", "scheduled"],
      );
      assert.equal(completed.updates[0]?.body, AUTO_COMPLETED_TEXT);
      assert.equal((await getComponent(ctx, api.id)).status, "operational");
      assert.deepEqual(await notified(ctx, m.id), [
        "maintenance_scheduled",
        "maintenance_reminder",
        "maintenance_started",
        "maintenance_completed",
      ]);

      await advance(2 * HOUR);
      assert.equal((await getMaintenance(ctx, m.id)).updates.length, 3, "nothing happens twice");
      assert.equal((await notified(ctx, m.id)).length, 4);
    });

    test("a rescheduled maintenance does not fire at its old times", async () => {
      const { ctx, runner, advance } = setup();
      const t0 = ctx.clock.now().getTime();
      const m = await createMaintenance(ctx, {
        title: "Network work",
        scheduled_for: new Date(t0 + 2 * HOUR).toISOString(),
        scheduled_until: new Date(t0 + 3 * HOUR).toISOString(),
      });
      await advance(30 * MINUTE);
      // Moved a day later, before anything was due.
      const moved = await editMaintenance(ctx, m.id, {
        scheduled_for: new Date(t0 + 26 * HOUR).toISOString(),
        scheduled_until: new Date(t0 + 27 * HOUR).toISOString(),
      });
      assert.equal(moved.status, "scheduled");

      await advance(3 * HOUR); // past the old start and end
      const untouched = await getMaintenance(ctx, m.id);
      assert.equal(untouched.status, "scheduled");
      assert.equal(untouched.reminded_at, null, "no reminder for the old time");
      assert.equal(untouched.updates.length, 1);
      assert.deepEqual(await notified(ctx, m.id), ["maintenance_scheduled"]);

      await advance(22 * HOUR); // 30 min before the new start: the reminder (due at −60 min) has gone
      assert.deepEqual(await notified(ctx, m.id), ["maintenance_scheduled", "maintenance_reminder"]);
      await advance(30 * MINUTE);
      assert.equal((await getMaintenance(ctx, m.id)).status, "in_progress");
      // Extended by an hour while in progress: it completes at the new end, not the old one.
      await editMaintenance(ctx, m.id, { scheduled_until: new Date(t0 + 28 * HOUR).toISOString() });
      await expectAppError(
        editMaintenance(ctx, m.id, { scheduled_for: new Date(t0 + 30 * HOUR).toISOString() }),
        "INVALID_TRANSITION",
      );
      await advance(HOUR); // the old end
      assert.equal((await getMaintenance(ctx, m.id)).status, "in_progress");
      assert.deepEqual(
        (await getMaintenance(ctx, m.id)).updates.map((u) => u.status),
        ["in_progress", "scheduled"],
      );
      await advance(HOUR); // the new end
      assert.deepEqual(
        (await getMaintenance(ctx, m.id)).updates.map((u) => u.status),
        ["completed", "in_progress", "scheduled"],
      );
      await runner.runUntilIdle();
      assert.deepEqual(await notified(ctx, m.id), [
        "maintenance_scheduled",
        "maintenance_reminder",
        "maintenance_started",
        "maintenance_completed",
      ]);
    });

    test("updates by hand: verifying holds it open past its end, completed ends it; the clock stays quiet", async () => {
      const { ctx, advance } = setup();
      const t0 = ctx.clock.now().getTime();
      const m = await createMaintenance(ctx, {
        title: "Storage migration",
        scheduled_for: new Date(t0 + 30 * MINUTE).toISOString(),
        scheduled_until: new Date(t0 + 90 * MINUTE).toISOString(),
        remind_prior: true,
        notify: false,
      });
      assert.deepEqual(await notified(ctx, m.id), [], "notify: false tells no one it was scheduled");
      await advance(30 * MINUTE);
      assert.equal((await getMaintenance(ctx, m.id)).reminded_at, null, "the reminder time had passed");
      ctx.clock.advance(MINUTE);
      const verifying = await postMaintenanceUpdate(ctx, m.id, {
        body: "Migration done, checking the data.",
        status: "verifying",
      });
      assert.equal(verifying.status, "verifying");
      assert.equal(verifying.manual_status, "verifying");
      await advance(HOUR); // past its end: still verifying, no automatic completion
      assert.equal((await getMaintenance(ctx, m.id)).status, "verifying");
      ctx.clock.advance(MINUTE);
      const done = await postMaintenanceUpdate(ctx, m.id, { body: "All good.", status: "completed" });
      assert.equal(done.status, "completed");
      await advance(HOUR);
      assert.deepEqual(
        (await getMaintenance(ctx, m.id)).updates.map((u) => [u.status, u.created_by]),
        [
          ["completed", "nina"],
          ["verifying", "nina"],
          ["in_progress", "foghorn"],
          ["scheduled", "nina"],
        ],
      );
      assert.deepEqual(await notified(ctx, m.id), [
        "maintenance_started",
        "maintenance_update",
        "maintenance_update",
      ]);
      await expectAppError(
        postMaintenanceUpdate(ctx, m.id, { body: "again", status: "in_progress" }),
        "INVALID_TRANSITION",
      );
      await expectAppError(
        editMaintenance(ctx, m.id, { scheduled_until: new Date(t0 + 5 * HOUR).toISOString() }),
        "INVALID_TRANSITION",
      );
    });

    test("a cancelled maintenance disappears and its clock does nothing", async () => {
      const { ctx, advance } = setup();
      const t0 = ctx.clock.now().getTime();
      const m = await createMaintenance(ctx, {
        title: "Cancelled work",
        scheduled_for: new Date(t0 + 2 * HOUR).toISOString(),
        scheduled_until: new Date(t0 + 3 * HOUR).toISOString(),
      });
      await cancelMaintenance(ctx, m.id);
      await expectAppError(getMaintenance(ctx, m.id), "NOT_FOUND");
      await expectAppError(cancelMaintenance(ctx, m.id), "NOT_FOUND");
      await advance(4 * HOUR);
      assert.deepEqual(await notified(ctx, m.id), ["maintenance_scheduled"]);
      const left = await executeRows(
        ctx.db,
        sql`select count(*)::int as n from jobs where kind = ${STATUS_JOB.maintenance} and payload->>'maintenance_id' = ${m.id}`,
      );
      assert.equal(Number(left[0]?.n), 0, "its clock jobs ran and were done");
    });

    test("times: local ones read in the zone, every bad field named at once, lists by state", async () => {
      const { ctx } = setup();
      const m = await createMaintenance(ctx, {
        title: "Christmas eve upgrade",
        scheduled_for: "2026-12-24T22:00",
        scheduled_until: "2026-12-25 01:30",
        time_zone: "Europe/Berlin",
      });
      assert.equal(m.scheduled_for, "2026-12-24T21:00:00.000Z");
      assert.equal(m.scheduled_until, "2026-12-25T00:30:00.000Z");

      const bad = await expectAppError(
        createMaintenance(ctx, {
          title: "",
          scheduled_for: "tomorrow",
          scheduled_until: "2026-12-24T21:00Z",
          component_ids: ["nosuchcompon"],
        }),
        "INVALID_INPUT",
      );
      assert.deepEqual(
        bad.fields.map((f) => f.field),
        ["title"],
        "the schema's errors come first (title), then the rest on a second try",
      );
      const bad2 = await expectAppError(
        createMaintenance(ctx, {
          title: "x",
          scheduled_for: "tomorrow",
          scheduled_until: "2026-12-24T21:00Z",
          component_ids: ["nosuchcompon"],
        }),
        "INVALID_INPUT",
      );
      assert.deepEqual(bad2.fields.map((f) => f.field).sort(), ["component_ids", "scheduled_for"]);
      const order = await expectAppError(
        createMaintenance(ctx, {
          title: "x",
          scheduled_for: "2026-12-24T22:00Z",
          scheduled_until: "2026-12-24T21:00Z",
        }),
        "INVALID_INPUT",
      );
      assert.deepEqual(order.fields, [{ field: "scheduled_until", message: "must be after scheduled_for" }]);
      const zone = await expectAppError(
        createMaintenance(ctx, {
          title: "x",
          scheduled_for: "2026-12-24T22:00",
          scheduled_until: "2026-12-24T23:00",
          time_zone: "Mars/Olympus",
        }),
        "INVALID_INPUT",
      );
      assert.equal(zone.fields[0]?.field, "time_zone");

      const upcoming = await listMaintenances(ctx, { state: "upcoming" });
      assert.ok(upcoming.maintenances.some((x) => x.id === m.id));
      assert.ok(!(await listMaintenances(ctx, { state: "past" })).maintenances.some((x) => x.id === m.id));
      await expectAppError(listMaintenances(ctx, { state: "soon" }), "INVALID_INPUT");
    });
  });
}
