import assert from "node:assert/strict";
import { test } from "node:test";
import { sql } from "drizzle-orm";
import { executeRows, toInt } from "./rows.ts";
import { openTestDb, type TestDatabase } from "./testing.ts";

/** Services number `from` to `to`, with a 200-byte description (an empty one when `bare`). */
function addServices(database: TestDatabase, from: number, to: number, bare = false) {
  return executeRows(
    database.db,
    sql`insert into services (id, name, description, created_at)
        select gen_random_uuid(), 'svc-' || g, ${bare ? "" : "d".repeat(200)}::text, now()
        from generate_series(${from}::int, ${to}::int) g`,
  );
}

/** What the planner believes the services table holds (pg_class.reltuples, set by ANALYZE). */
async function plannedServices(database: TestDatabase): Promise<number> {
  const rows = await executeRows(
    database.db,
    sql`select reltuples::int as n from pg_class where relname = 'services'`,
  );
  return toInt(rows[0]?.n);
}

test("maintain() gives PGlite planner statistics, which it has no autovacuum to collect", async () => {
  const database = await openTestDb("pglite");
  try {
    await addServices(database, 1, 500, true);
    assert.ok((await plannedServices(database)) < 500, "no statistics before maintenance");
    await database.maintain();
    assert.equal(await plannedServices(database), 500);
  } finally {
    await database.close();
  }
});

test("maintain() keeps no statistics of wide JSON columns no query filters on, and keeps the others", async () => {
  const database = await openTestDb("pglite");
  try {
    await executeRows(
      database.db,
      sql`insert into jobs (kind, key, payload, run_at, max_attempts, created_at)
          select 'test.job', 'k' || g, jsonb_build_object('text', repeat('x', 500)), now(), 3, now()
          from generate_series(1, 200) g`,
    );
    await database.maintain();
    const columns = (
      await executeRows(
        database.db,
        sql`select attname from pg_stats where tablename = 'jobs' order by attname`,
      )
    ).map((r) => String(r.attname));
    assert.ok(
      columns.includes("kind") && columns.includes("run_at"),
      `statistics kept: ${columns.join(", ")}`,
    );
    assert.ok(!columns.includes("payload"), "none for the job payloads (migration 0015)");
  } finally {
    await database.close();
  }
});

test("maintain() clears PGlite's dead row versions of the queue tables, and gives back their space", async () => {
  const database = await openTestDb("pglite");
  try {
    const size = async () =>
      toInt((await executeRows(database.db, sql`select pg_relation_size('jobs') as n`))[0]?.n);
    await executeRows(
      database.db,
      sql`insert into jobs (kind, payload, run_at, created_at)
          select 'test.noop', '{}'::jsonb, now(), now() from generate_series(1, 2000)`,
    );
    await executeRows(database.db, sql`delete from jobs where kind = 'test.noop'`);
    assert.ok((await size()) > 8192 * 5, "the deleted rows still take their pages");
    await database.maintain();
    assert.equal(await size(), 0, "every page of the emptied queue was given back");
  } finally {
    await database.close();
  }
});

test("analyzeGrown() gives PGlite statistics for a table each time it has doubled since the last", async () => {
  const database = await openTestDb("pglite");
  try {
    await addServices(database, 1, 10);
    assert.ok(!(await database.analyzeGrown()).includes("services"), "a few rows: not yet (under 64 KB)");
    await addServices(database, 11, 1000);
    assert.ok((await database.analyzeGrown()).includes("services"), "1,000 rows of ~250 B: analysed");
    assert.equal(await plannedServices(database), 1000);
    await addServices(database, 1001, 1500);
    assert.ok(!(await database.analyzeGrown()).includes("services"), "half as much again: not yet");
    assert.equal(await plannedServices(database), 1000);
    await addServices(database, 1501, 2200);
    assert.ok((await database.analyzeGrown()).includes("services"), "more than doubled: analysed again");
    assert.equal(await plannedServices(database), 2200);
  } finally {
    await database.close();
  }
});

test("analyzeGrown() leaves PostgreSQL to its autovacuum", async () => {
  const database = await openTestDb("postgres");
  try {
    await addServices(database, 1, 2000);
    assert.deepEqual(await database.analyzeGrown(), []);
  } finally {
    await database.close();
  }
});
