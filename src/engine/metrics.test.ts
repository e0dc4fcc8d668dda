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
  });
}
