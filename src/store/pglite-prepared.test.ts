import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { PGlite } from "@electric-sql/pglite";
import { preparePgliteStatements, withoutTextParsers } from "./pglite-prepared.ts";

/** An in-memory PGlite with preparePgliteStatements applied, after running `setup`. */
async function preparedClient(setup: string): Promise<PGlite> {
  const pg = new PGlite();
  await pg.waitReady;
  preparePgliteStatements(pg);
  await pg.exec(setup);
  return pg;
}

describe("PGlite statements prepared inside transactions", () => {
  let pg: PGlite;
  before(async () => {
    pg = await preparedClient(
      "create table t (id int primary key, at timestamptz, doc jsonb, tags text[], big bigint, note text)",
    );
  });
  after(async () => {
    await pg.close();
  });

  const SELECT = "select id, at, doc, tags, big, note from t where id = any($1::int[]) order by id";
  const INSERT = "insert into t (id, at, doc, tags, big, note) values ($1, $2, $3, $4, $5, $6) returning id";

  async function preparedTexts(): Promise<string[]> {
    const r = await pg.query<{ statement: string }>(
      "select statement from pg_prepared_statements where name like 'foghorn_%'",
    );
    return r.rows.map((row) => row.statement);
  }

  test("a repeated statement becomes a named one and answers exactly as PGlite's own path", async () => {
    const at = new Date("2026-12-04T10:00:00.123Z");
    for (let id = 1; id <= 5; id++)
      await pg.transaction(async (tx) => {
        await tx.query(INSERT, [
          id,
          at,
          { n: id, deep: { ok: true } },
          ["a", `b${id}`],
          2n ** 40n + BigInt(id),
          null,
        ]);
      });
    assert.ok((await preparedTexts()).includes(INSERT), "the insert was prepared by its third run");
    const plain = await pg.query(SELECT, [[1, 2, 3, 4, 5]]);
    for (let i = 0; i < 4; i++) {
      const inTx = await pg.transaction((tx) => tx.query(SELECT, [[1, 2, 3, 4, 5]]));
      assert.deepEqual(inTx.rows, plain.rows);
      assert.deepEqual(
        inTx.fields.map((f) => f.name),
        ["id", "at", "doc", "tags", "big", "note"],
      );
    }
    assert.ok((await preparedTexts()).includes(SELECT));
    const [first] = plain.rows as { at: string; doc: unknown; tags: string[]; note: null }[];
    assert.equal(first?.at, "2026-12-04 10:00:00.123+00", "timestamptz stays text, as drizzle reads it");
    assert.deepEqual(first?.doc, { n: 1, deep: { ok: true } });
    assert.deepEqual(first?.tags, ["a", "b1"]);
    assert.equal(first?.note, null);
    const arrays = await pg.transaction((tx) => tx.query(SELECT, [[2]], { rowMode: "array" }));
    assert.deepEqual((arrays.rows[0] as unknown[]).slice(0, 1), [2], "rowMode array, as drizzle asks");
  });

  test("a failing prepared statement throws PostgreSQL's error with its query; the next transaction works", async () => {
    const duplicate = pg.transaction((tx) => tx.query(INSERT, [1, null, null, null, null, "again"]));
    await assert.rejects(duplicate, (error: { code?: string; query?: string }) => {
      assert.equal(error.code, "23505", "unique violation");
      assert.equal(error.query, INSERT);
      return true;
    });
    const rows = await pg.transaction((tx) => tx.query(SELECT, [[1]]));
    assert.equal(rows.rows.length, 1);
  });

  test("a rolled-back transaction keeps nothing of its prepared statements' writes", async () => {
    await pg
      .transaction(async (tx) => {
        await tx.query(INSERT, [50, null, null, null, null, "rolled back"]);
        await tx.rollback();
      })
      .catch(() => {});
    const rows = await pg.transaction((tx) => tx.query(SELECT, [[50]]));
    assert.equal(rows.rows.length, 0);
  });

  test("long jsonb and text parameters (sent in binary) arrive intact, non-ASCII text included", async () => {
    const rows = Array.from({ length: 40 }, (_, i) => ({
      id: 100 + i,
      note: `Ünïcödé ✓ 🚨 "quoted" \\ back\nslash ${"x".repeat(i)}`,
      doc: { summary: "Ошибка 5xx — 🔥", n: i, nested: { list: [1, "二", null, true] } },
    }));
    const json = JSON.stringify(rows);
    const note = `${"é".repeat(600)}🚨${"z".repeat(600)}`;
    assert.ok(json.length > 1024 && note.length > 1024, "long enough to be sent in binary");
    const INSERT_MANY =
      "insert into t (id, doc, note) select id, doc, coalesce($2::text, '') || note from jsonb_to_recordset($1::jsonb) as x(id int, doc jsonb, note text)";
    // Three runs: the third (and later) go through the prepared statement.
    for (let run = 0; run < 3; run++)
      await pg.transaction(async (tx) => {
        await tx.query("delete from t where id >= 100");
        await tx.query(INSERT_MANY, [json, run === 2 ? note : null]);
      });
    assert.ok((await preparedTexts()).includes(INSERT_MANY));
    const back = await pg.query<{ id: number; doc: unknown; note: string }>(
      "select id, doc, note from t where id >= 100 order by id",
    );
    assert.deepEqual(
      back.rows.map((r) => [r.id, r.doc, r.note]),
      rows.map((r) => [r.id, r.doc, note + r.note]),
    );
  });

  test("a prepared statement still runs after the table changes (PostgreSQL plans it again)", async () => {
    await pg.exec("alter table t add column extra text default 'x'; create index t_note on t (note)");
    const rows = await pg.transaction((tx) => tx.query(SELECT, [[2, 3]]));
    assert.deepEqual(
      rows.rows.map((r) => (r as { id: number }).id),
      [2, 3],
    );
  });
});

describe("drizzle's text parsers, dropped from each query", () => {
  let pg: PGlite;
  before(async () => {
    pg = await preparedClient(
      `create table d (id int primary key, at timestamptz, day date, span interval, ats timestamptz[], n int);
       insert into d values (1, '2026-12-06 07:00:00.5+00', '2026-12-06', '90 minutes', '{2026-12-06 07:00:00+00}', 7)`,
    );
  });
  after(async () => {
    await pg.close();
  });

  // What drizzle-orm/pglite passes with every query: these types stay text.
  const identity = (value: string) => value;
  const drizzleOptions = () => ({
    rowMode: "object" as const,
    parsers: {
      1114: identity,
      1184: identity,
      1186: identity,
      1082: identity,
      1231: identity,
      1115: identity,
      1185: identity,
      1187: identity,
      1182: identity,
    },
  });
  const SELECT = "select id, at, day, span, ats, n from d where id = $1";

  test("only drizzle's parsers are dropped: a query that asks for another parser keeps it", () => {
    assert.equal(withoutTextParsers(drizzleOptions())?.parsers, undefined);
    assert.equal(withoutTextParsers(drizzleOptions())?.rowMode, "object", "the rest of the options stay");
    const own = { parsers: { 23: (value: string) => `int ${value}` } };
    assert.equal(withoutTextParsers(own), own);
    assert.equal(withoutTextParsers(undefined), undefined);
  });

  test("rows read with drizzle's options are the text drizzle expects, in and out of transactions", async () => {
    const expected = {
      id: 1,
      at: "2026-12-06 07:00:00.5+00",
      day: "2026-12-06",
      span: "01:30:00",
      ats: '{"2026-12-06 07:00:00+00"}',
      n: 7,
    };
    assert.deepEqual((await pg.query(SELECT, [1], drizzleOptions())).rows, [expected]);
    // Three runs: the third is a prepared statement (its own result parsing).
    for (let i = 0; i < 3; i++)
      assert.deepEqual((await pg.transaction((tx) => tx.query(SELECT, [1], drizzleOptions()))).rows, [
        expected,
      ]);
    const custom = await pg.query(SELECT, [1], { parsers: { 23: (value: string) => `int ${value}` } });
    assert.equal((custom.rows[0] as { n: string }).n, "int 7", "a caller's own parser still applies");
  });
});
