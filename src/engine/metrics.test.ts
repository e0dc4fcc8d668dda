// The engine's rollup tick: one refresh recomputes what writes marked dirty, so the next report has nothing
// left to do.
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { sql } from "drizzle-orm";
import { declareIncident } from "#app/incidents/declare.ts";
import { executeRows } from "#store/rows.ts";
import { openTestDb, type TestDatabase, testBackends } from "#store/testing.ts";
import { appContext, uniqueName } from "../../test/helpers/factories.ts";
import { MetricsRollups } from "./metrics.ts";

for (const backend of await testBackends()) {
  describe(`metric rollups tick (${backend.kind})`, { skip: backend.skip }, () => {
    let database: TestDatabase;
    before(async () => {
      database = await openTestDb(backend.kind);
    });
    after(async () => {
      await database?.close();
    });

    test("runOnce recomputes the dirty days; stop waits for a refresh in flight", async () => {
      const ctx = appContext(database.db);
      await declareIncident(ctx, {
        title: "Disk full",
        severity: "SEV2",
        affected_services: [uniqueName("db")],
      });
      const dirty = async () =>
        Number((await executeRows(ctx.db, sql`select count(*)::int as n from metric_dirty_days`))[0]?.n);
      assert.ok((await dirty()) > 0, "the declare marked its day");
      const rollups = new MetricsRollups(ctx, 60_000);
      rollups.start();
      await rollups.runOnce();
      assert.equal(await dirty(), 0);
      const [row] = await executeRows(
        ctx.db,
        sql`select incidents from metric_incident_days where scope = '*' and severity = 'SEV2'`,
      );
      assert.equal(row?.incidents, 1);
      await rollups.stop();
    });

    test("while paging work flows the tick waits, and refreshes once it stops (or after maxDeferMs)", async () => {
      const ctx = appContext(database.db);
      const dirty = async () =>
        Number((await executeRows(ctx.db, sql`select count(*)::int as n from metric_dirty_days`))[0]?.n);
      let flowing = true;
      let asked = 0;
      const rollups = new MetricsRollups(ctx, 20, {
        deferWhile: () => {
          asked += 1;
          return flowing;
        },
      });
      const until = async (done: () => boolean | Promise<boolean>) => {
        for (let i = 0; i < 500 && !(await done()); i++) await new Promise((r) => setTimeout(r, 10));
      };
      rollups.start();
      // The start-up refresh (never deferred) fires before the first tick asks.
      await until(() => asked >= 1);
      await rollups.runOnce();
      await declareIncident(ctx, {
        title: "Queue backlog",
        severity: "SEV3",
        affected_services: [uniqueName("q")],
      });
      const askedBefore = asked;
      await until(() => asked >= askedBefore + 3);
      assert.ok(asked >= askedBefore + 3, "the tick ran");
      assert.ok((await dirty()) > 0, "deferred while paging work flows");
      flowing = false;
      await until(async () => (await dirty()) === 0);
      assert.equal(await dirty(), 0, "refreshed once the flow stopped");
      await rollups.stop();

      // A flow that never stops still gets a refresh after maxDeferMs.
      const capped = new MetricsRollups(ctx, 20, { deferWhile: () => true, maxDeferMs: 0 });
      capped.start();
      await capped.runOnce();
      await declareIncident(ctx, {
        title: "Cache misses",
        severity: "SEV4",
        affected_services: [uniqueName("c")],
      });
      await until(async () => (await dirty()) === 0);
      assert.equal(await dirty(), 0);
      await capped.stop();
    });
  });
}
