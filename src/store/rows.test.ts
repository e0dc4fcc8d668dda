import assert from "node:assert/strict";
import { test } from "node:test";
import { sql } from "drizzle-orm";
import { executeRows, textArray } from "./rows.ts";
import { openTestDb } from "./testing.ts";

test("textArray binds any strings as one text[] parameter and PostgreSQL reads back exactly them", async () => {
  const database = await openTestDb("pglite");
  try {
    // Dedup keys and the like come from senders: quotes, backslashes, commas, braces, the word NULL,
    // spaces, an empty string and non-ASCII must all survive.
    const values = ['say "hi"', "back\\slash", "a,b", "{braces}", "NULL", "  spaced ", "", "Grüße ✓"];
    const rows = await executeRows(
      database.db,
      sql`select v, ord from unnest(${textArray(values)}::text[]) with ordinality as x(v, ord) order by ord`,
    );
    assert.deepEqual(
      rows.map((r) => r.v),
      values,
    );
    const empty = await executeRows(database.db, sql`select cardinality(${textArray([])}::text[]) as n`);
    assert.equal(Number(empty[0]?.n), 0);
  } finally {
    await database.close();
  }
});
