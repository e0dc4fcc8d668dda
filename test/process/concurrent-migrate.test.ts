// Several replicas starting at once on an empty PostgreSQL database: each runs the migrations at start, and
// an advisory lock makes them take turns, so every process succeeds and the schema is built exactly once.
// Real processes (`foghorn migrate`, the same migrateDb the server calls at start), as replicas would be.
import assert from "node:assert/strict";
import { execFile, execFileSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { after, before, describe, test } from "node:test";
import { promisify } from "node:util";
import { adminQuery, testBackends, testDatabaseUrl } from "#store/testing.ts";

const run = promisify(execFile);
const root = resolve(import.meta.dirname, "../..");
const bin = join(root, "bin/foghorn.mjs");
const postgres = (await testBackends()).find((b) => b.kind === "postgres");

describe("migrations when replicas start at once", {
  skip: postgres ? postgres.skip : "PostgreSQL tests are off (FOGHORN_TEST_DB)",
}, () => {
  const database = `foghorn_migrate_${randomBytes(4).toString("hex")}`;
  const url = new URL(testDatabaseUrl());
  url.pathname = `/${database}`;
  before(async () => {
    // Refresh the dist bundle once, so the three processes below do not all rebuild it.
    execFileSync(process.execPath, [bin, "--version"], { cwd: root });
    await adminQuery((client) => client.query(`create database "${database}"`));
  });
  after(async () => {
    await adminQuery((client) => client.query(`drop database if exists "${database}" with (force)`));
  });

  test("three `foghorn migrate` processes on an empty database all succeed; each migration is applied once", async (t) => {
    const env = { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "", DATABASE_URL: url.href };
    // A fresh working folder: the processes also race to make the data folder's secret.key, as replicas
    // started at once on a new host do.
    const cwd = mkdtempSync(join(tmpdir(), "foghorn-migrate-"));
    t.after(() => rmSync(cwd, { recursive: true, force: true }));
    // execFile rejects on a non-zero exit, with the process's stderr in the error.
    const results = await Promise.all(
      Array.from({ length: 3 }, () => run(process.execPath, [bin, "migrate", "--json"], { cwd, env })),
    );
    const reports = results.map((r) => JSON.parse(r.stdout) as { latest: string; migrations: string[] });
    const expected = reports[0]?.migrations ?? [];
    assert.ok(expected.length > 10, "the report lists the migrations");
    for (const r of reports) assert.equal(r.latest, expected.at(-1), "every process sees the latest schema");

    const client = new (await import("pg")).default.Client({ connectionString: url.href });
    await client.connect();
    try {
      const { rows } = await client.query<{ n: number; distinct: number }>(
        "select count(*)::int as n, count(distinct hash)::int as distinct from drizzle.__drizzle_migrations",
      );
      assert.deepEqual(
        rows[0],
        { n: expected.length, distinct: expected.length },
        "each migration recorded once",
      );
      // The schema works: the last migration's append-only audit log is there.
      await client.query("select count(*) from audit_log");
    } finally {
      await client.end();
    }
  });
});
