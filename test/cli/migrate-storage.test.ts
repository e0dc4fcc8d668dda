// `foghorn migrate-storage --to postgres://…`: an embedded installation moved to a fresh PostgreSQL
// database with every count verified, and the moved installation answering the API from PostgreSQL.
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import type { PGlite } from "@electric-sql/pglite";
import pino from "pino";
import { loadConfig } from "#config/load.ts";
import { type Database, openDb } from "#store/db.ts";
import { adminQuery as admin, openTestDb, testBackends, testDatabaseUrl } from "#store/testing.ts";
import { startFoghorn } from "../../src/main.ts";
import { seedIncidentRequest } from "../helpers/factories.ts";
import { TEST_ADMIN_TOKEN } from "../helpers/foghorn.ts";
import { cli, tempDir } from "./run-cli.ts";

type Json = Record<string, unknown>;

const postgres = (await testBackends()).find((b) => b.kind === "postgres");

function config(env: Record<string, string>) {
  return loadConfig({
    env: { PORT: "0", FOGHORN_LOG_LEVEL: "silent", FOGHORN_BOOTSTRAP_TOKEN: TEST_ADMIN_TOKEN, ...env },
    cwd: process.cwd(),
    configPath: undefined,
  });
}

/** Runs Foghorn on `database`, lets `fn` call its API with the admin token, then stops it. */
async function withServer<T>(
  database: Database,
  fn: (api: (path: string, body?: unknown) => Promise<Response>) => Promise<T>,
) {
  const running = await startFoghorn(config({}), pino({ level: "silent" }), {
    database,
    stdout: { write: () => true },
  });
  try {
    return await fn((path, body) =>
      fetch(`${running.url}${path}`, {
        method: body === undefined ? "GET" : "POST",
        headers: { authorization: `Bearer ${TEST_ADMIN_TOKEN}`, "content-type": "application/json" },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      }),
    );
  } finally {
    await running.stop();
  }
}

function withDatabase(name: string): string {
  const url = new URL(testDatabaseUrl());
  url.pathname = `/${name}`;
  return url.toString();
}

describe("foghorn migrate-storage", { skip: postgres?.skip ?? !postgres }, () => {
  const dataDir = tempDir("foghorn-move-");
  const target = `foghorn_move_${randomBytes(4).toString("hex")}`;
  const targetUrl = withDatabase(target);
  let numbers: number[] = [];

  before(async () => {
    // An embedded installation with some history: a folder from the migrated template, run once.
    const template = await openTestDb("pglite");
    const dump = await (template.db as unknown as { $client: PGlite }).$client.dumpDataDir("none");
    await template.close();
    const folder = await openDb({ dataDir, pgliteLoad: dump });
    numbers = await withServer(folder, async (api) => {
      const made: number[] = [];
      for (let i = 0; i < 3; i++) {
        const res = await api("/api/v1/incidents", seedIncidentRequest({ title: `Embedded ${i}` }));
        const text = await res.text();
        assert.equal(res.status, 201, text);
        made.push(Number((JSON.parse(text) as Json).number));
      }
      return made;
    });
    await admin((client) => client.query(`create database "${target}"`));
  });
  after(async () => {
    await admin((client) => client.query(`drop database if exists "${target}" with (force)`));
  });

  test("refuses while Foghorn holds the data folder, and a --to that is not PostgreSQL", async () => {
    const lock = join(dataDir, "foghorn.lock");
    writeFileSync(lock, String(process.ppid)); // a live process that is not us: a running Foghorn
    try {
      const held = await cli(["migrate-storage", "--to", targetUrl], { env: { FOGHORN_DATA_DIR: dataDir } });
      assert.equal(held.code, 1);
      assert.match(held.stderr, /^foghorn: Foghorn is running on .* \(pid \d+\): stop it first/);
    } finally {
      writeFileSync(lock, "0"); // stale: taken over by the next open
    }
    const bad = await cli(["migrate-storage", "--to", "mysql://db/foghorn"], {
      env: { FOGHORN_DATA_DIR: dataDir },
    });
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /--to must be a postgres:\/\/ URL/);
  });

  test("moves every table to a fresh database, verifies the counts, and the moved installation answers", async () => {
    const result = await cli(["migrate-storage", "--to", targetUrl], { env: { FOGHORN_DATA_DIR: dataDir } });
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, /every count matches/);
    assert.match(result.stdout, /DATABASE_URL=postgres:\/\//);
    assert.match(result.stderr, /incidents: 3 rows/);

    const moved = await openDb({ databaseUrl: targetUrl, poolSize: 2 });
    await withServer(moved, async (api) => {
      const list = await api("/api/v1/incidents");
      assert.equal(list.status, 200);
      const titles = JSON.stringify(await list.json());
      for (let i = 0; i < 3; i++) assert.ok(titles.includes(`Embedded ${i}`), `incident ${i} moved`);
      const next = await api("/api/v1/incidents", seedIncidentRequest({ title: "After the move" }));
      const text = await next.text();
      assert.equal(next.status, 201, text);
      assert.equal(Number((JSON.parse(text) as Json).number), Math.max(...numbers) + 1);
    });

    // Once moved (the target holds data), a second run is refused and changes nothing.
    const again = await cli(["migrate-storage", "--to", targetUrl], { env: { FOGHORN_DATA_DIR: dataDir } });
    assert.equal(again.code, 1);
    assert.match(again.stderr, /^foghorn: postgres:\/\/.* is not empty \(.*incidents: 4 rows/m);
  });
});
