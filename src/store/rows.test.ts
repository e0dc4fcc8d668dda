import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { test } from "node:test";
import { sql } from "drizzle-orm";
import { boolean, integer, jsonb, pgTable, text, timestamp, uuid } from "drizzle-orm/pg-core";
import { executeRows, insertJsonRows, textArray } from "./rows.ts";
import { openTestDb, testBackends } from "./testing.ts";

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

for (const backend of await testBackends()) {
  test(`insertJsonRows writes what a multi-row insert would, from one JSON parameter (${backend.kind})`, {
    skip: backend.skip,
  }, async () => {
    const database = await openTestDb(backend.kind);
    const things = pgTable("json_insert_things", {
      id: uuid("id").primaryKey(),
      name: text("name").notNull(),
      group: text("group"),
      tags: text("tags").array().notNull(),
      count: integer("count").notNull().default(7),
      data: jsonb("data").notNull(),
      extra: jsonb("extra"),
      at: timestamp("at", { withTimezone: true }).notNull(),
      ok: boolean("ok").notNull(),
    });
    try {
      await database.db.execute(sql`create table json_insert_things (id uuid primary key, name text not null,
        "group" text, tags text[] not null, count int not null default 7, data jsonb not null, extra jsonb,
        at timestamptz not null, ok boolean not null)`);
      const at = new Date("2026-12-04T20:30:00.123Z");
      const rows = [
        {
          id: randomUUID(),
          name: 'say "hi", \\ and Grüße',
          group: "g",
          tags: ["a,b", "NULL"],
          data: { nested: [1, { x: null }] },
          extra: null,
          at,
          ok: true,
        },
        { id: randomUUID(), name: "second", group: null, tags: [], data: [], extra: { y: 1 }, at, ok: false },
      ];
      const returned = await insertJsonRows(database.db, things, rows, sql`returning id, count`);
      assert.deepEqual(
        returned.map((r) => [r.id, Number(r.count)]),
        rows.map((r) => [r.id, 7]),
        "returning as asked; a column no row gives takes its default",
      );
      const back = await database.db.select().from(things).orderBy(things.name);
      assert.deepEqual(
        back.map((r) => ({ ...r, at: r.at.toISOString() })),
        rows
          .map((r) => ({ ...r, count: 7, at: at.toISOString() }))
          .sort((a, b) => (a.name < b.name ? -1 : 1)),
        "text, quotes, arrays, JSON (a JSON null column is SQL NULL), timestamps and booleans read back exactly",
      );
      const isNull = await executeRows(
        database.db,
        sql`select count(*) as n from json_insert_things where extra is null`,
      );
      assert.equal(Number(isNull[0]?.n), 1);
      await assert.rejects(
        insertJsonRows(database.db, things, [
          rows[0],
          { ...rows[1], id: randomUUID(), ok: undefined },
        ] as never),
        /every row must define ok/,
      );
    } finally {
      await database.close();
    }
  });
}
