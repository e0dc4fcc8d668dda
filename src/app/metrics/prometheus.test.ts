import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { and, eq, sql } from "drizzle-orm";
import type { Logger } from "#app/context.ts";
import { bucketOf } from "#domain/metrics/sketch.ts";
import type { Db } from "#store/db.ts";
import { ANY_TYPE_ID, metricIncidentWeeks } from "#store/schema/metrics.ts";
import { openTestDb, type TestDatabase, testBackends } from "#store/testing.ts";
import { appContext, declareTestIncident } from "../../../test/helpers/factories.ts";
import { DurationRollups, LiveMetricsCache } from "./prometheus.ts";

/** A logger that keeps its warnings. */
function recordingLog(): Logger & { warnings: string[]; infos: string[] } {
  const warnings: string[] = [];
  const infos: string[] = [];
  return {
    warnings,
    infos,
    info: (a: object | string, b?: string) => void infos.push(String(b ?? a)),
    warn: (a: object | string, b?: string) => void warnings.push(String(b ?? a)),
    error() {},
    debug() {},
  };
}

/** The database, except that every statement fails while `down` is set (the database stopped answering). */
function flakyDb(db: Db): { db: Db; down: boolean } {
  const state = { down: false, db: db };
  state.db = new Proxy(db, {
    get(target, key, receiver) {
      const value = Reflect.get(target, key, receiver);
      if (typeof value !== "function") return value;
      return (...args: unknown[]) => {
        if (state.down) return Promise.reject(new Error("connect ECONNREFUSED 127.0.0.1:5432"));
        return value.apply(target, args);
      };
    },
  });
  return state;
}

for (const backend of await testBackends()) {
  describe(`incident metrics cache (${backend.kind})`, { skip: backend.skip }, () => {
    let database: TestDatabase;
    before(async () => {
      database = await openTestDb(backend.kind);
    });
    after(async () => {
      await database?.close();
    });

    test("the weekly duration rows are read once, then only the ones the rollup rewrote", async () => {
      const week = (day: string, severity: string, ackSeconds: number[]) => {
        const flat = ackSeconds.flatMap((s) => [bucketOf(s), 1]);
        return {
          week: day,
          scope: "*",
          severity,
          typeId: ANY_TYPE_ID,
          incidents: ackSeconds.length,
          acknowledged: ackSeconds.length,
          ackSumSeconds: ackSeconds.reduce((a, b) => a + b, 0),
          ackHist: flat,
          resolved: 0,
          resolveSumSeconds: 0,
          resolveHist: [],
          slaDecided: 0,
          slaMet: 0,
          updatesRequired: 0,
          updatesOnTime: 0,
          postmortemsDecided: 0,
          postmortemsOnTime: 0,
          postmortemsLate: 0,
          actionItemsOpen: 0,
          actionItemsOverdue: 0,
          actionItemsDone: 0,
        };
      };
      const db = database.db;
      await db.delete(metricIncidentWeeks);
      await db
        .insert(metricIncidentWeeks)
        .values([
          week("2025-01-06", "SEV1", [30, 500]),
          week("2025-01-13", "SEV1", [4000]),
          week("2025-01-13", "SEV2", [100]),
        ]);
      // Statements that read the sketches themselves (the big ones), counted around each refresh.
      const reads: string[] = [];
      const counting = new Proxy(db, {
        get(target, key, receiver) {
          const value = Reflect.get(target, key, receiver);
          if (key !== "execute") return value;
          return (query: { queryChunks?: unknown[] }) => {
            const text = JSON.stringify(query.queryChunks ?? "");
            if (text.includes("ack_hist")) reads.push(text);
            return value.call(target, query);
          };
        },
      }) as Db;
      const rollups = new DurationRollups();
      await rollups.refresh({ db: counting });
      const sev1 = () => rollups.histograms().ack.find((h) => h.severity === "SEV1")?.histogram;
      assert.equal(sev1()?.count, 3);
      // le 60, 300, 900, 1800, 3600, 7200: 30 s ≤ 60, 500 s ≤ 900, 4000 s ≤ 7200.
      assert.deepEqual(sev1()?.buckets.slice(0, 6), [1, 1, 2, 2, 2, 3]);
      assert.equal(sev1()?.sum, 4530);
      assert.equal(reads.length, 1);

      await rollups.refresh({ db: counting });
      assert.equal(reads.length, 1, "nothing changed: the sketches are not read again");

      // The rollup rewrites one week (an incident of it was acknowledged) and drops another.
      await db
        .update(metricIncidentWeeks)
        .set(week("2025-01-13", "SEV1", [4000, 20]))
        .where(and(eq(metricIncidentWeeks.week, "2025-01-13"), eq(metricIncidentWeeks.severity, "SEV1")));
      await db.execute(sql`delete from metric_incident_weeks where week = '2025-01-06'`);
      await rollups.refresh({ db: counting });
      assert.equal(reads.length, 2);
      assert.match(reads[1] ?? "", /2025-01-13/);
      assert.ok(!(reads[1] ?? "").includes("2025-01-06"), "only the rewritten week is read");
      assert.equal(sev1()?.count, 2);
      assert.equal(sev1()?.buckets[0], 1);
      assert.equal(sev1()?.sum, 4020);
      assert.equal(rollups.histograms().ack.find((h) => h.severity === "SEV2")?.histogram.count, 1);
      await db.delete(metricIncidentWeeks);
    });

    test("serves the last values while the database fails, logs that once, and recovers", async () => {
      const flaky = flakyDb(database.db);
      const log = recordingLog();
      const ctx = { ...appContext(flaky.db), log };
      const cache = new LiveMetricsCache(ctx);
      await declareTestIncident(appContext(database.db, { clock: ctx.clock }), { severity: "SEV2" });

      const first = await cache.current();
      assert.equal(first?.openIncidents.find((o) => o.severity === "SEV2")?.count, 1);

      flaky.down = true;
      for (let i = 0; i < 3; i++) {
        ctx.clock.advance(30_000);
        const served = await cache.current();
        assert.equal(served, first, "the last values, unchanged");
      }
      assert.equal(cache.ageSeconds(), 90, "and how old they are");
      assert.equal(
        log.warnings.filter((w) => w.startsWith("could not read the incident metrics")).length,
        1,
        "one warning for the whole outage",
      );

      flaky.down = false;
      await declareTestIncident(appContext(database.db, { clock: ctx.clock }), { severity: "SEV2" });
      ctx.clock.advance(30_000);
      const recovered = await cache.current();
      assert.equal(recovered?.openIncidents.find((o) => o.severity === "SEV2")?.count, 2);
      assert.equal(cache.ageSeconds(), 0);
      assert.deepEqual(log.infos, ["incident metrics for /metrics are read again"]);
    });

    test("before any read succeeded there is nothing to serve", async () => {
      const flaky = flakyDb(database.db);
      flaky.down = true;
      const cache = new LiveMetricsCache({ ...appContext(flaky.db), log: recordingLog() });
      assert.equal(await cache.current(), null);
      assert.equal(cache.ageSeconds(), null);
    });

    test("a read slower than the wait serves the last values; the read finishes for the next scrape", async () => {
      let release: () => void = () => {};
      const gate = new Promise<void>((resolve) => {
        release = resolve;
      });
      let slow = false;
      const db = new Proxy(database.db, {
        get(target, key, receiver) {
          const value = Reflect.get(target, key, receiver);
          if (typeof value !== "function") return value;
          return async (...args: unknown[]) => {
            if (slow) await gate;
            return value.apply(target, args);
          };
        },
      });
      const ctx = appContext(db as Db);
      const cache = new LiveMetricsCache(ctx, { waitMs: 50 });
      const settled = async (unlike: unknown) => {
        for (let i = 0; i < 500; i++) {
          const values = await cache.current();
          if (values !== unlike) return values;
          await new Promise((resolve) => setTimeout(resolve, 10));
        }
        assert.fail("the read never finished");
      };
      const first = await settled(null);
      slow = true;
      ctx.clock.advance(30_000);
      assert.equal(await cache.current(), first, "did not wait for the slow read");
      assert.equal(
        await cache.current(),
        first,
        "one read in flight: the second scrape does not start another",
      );
      slow = false;
      release();
      // The read in flight completes; a scrape after it gets its values.
      assert.notEqual(await settled(first), first);
    });
  });
}
