import assert from "node:assert/strict";
import { test } from "node:test";
import { sql } from "drizzle-orm";
import { executeRows, toInt } from "./rows.ts";
import { openTestDb } from "./testing.ts";

test("maintain() gives PGlite planner statistics, which it has no autovacuum to collect", async () => {
  const database = await openTestDb("pglite");
  try {
    await executeRows(
      database.db,
      sql`insert into services (id, name, created_at)
          select gen_random_uuid(), 'svc-' || g, now() from generate_series(1, 500) g`,
    );
    const tuples = async () =>
      toInt(
        (
          await executeRows(
            database.db,
            sql`select reltuples::int as n from pg_class where relname = 'services'`,
          )
        )[0]?.n,
      );
    assert.ok((await tuples()) < 500, "no statistics before maintenance");
    await database.maintain();
    assert.equal(await tuples(), 500);
  } finally {
    await database.close();
  }
});
