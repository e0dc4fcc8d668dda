// Offline commands on an embedded PGlite folder: migrate, token create (the lost-token recovery path), demo
// without a server, and the one-line refusal while another process holds the folder.
import assert from "node:assert/strict";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { before, test } from "node:test";
import { bootstrapAdmin, TokenAuthenticator } from "#app/auth/tokens.ts";
import { migrateDb, openDb } from "#store/db.ts";
import { systemClock } from "../../src/main.ts";
import { cli, tempDir } from "./run-cli.ts";

const dataDir = join(tempDir(), "data");
// No token anywhere, and a loopback URL nothing listens on: commands that can work offline do.
const env = { FOGHORN_DATA_DIR: dataDir, FOGHORN_URL: "http://127.0.0.1:1" };

before(async () => {
  const first = await cli(["migrate"], { env });
  assert.equal(first.code, 0, first.stderr);
  assert.match(first.stdout, new RegExp(`^Created embedded PGlite storage at ${dataDir}/pglite$`, "m"));
  assert.match(first.stdout, /Schema is up to date: \d+ migration\(s\), latest \d{4}_\w+/);
});

test("migrate again reports an up-to-date schema; --json for scripts", async () => {
  const r = await cli(["migrate", "--json"], { env });
  assert.equal(r.code, 0, r.stderr);
  const result = JSON.parse(r.stdout) as { storage: string; created: boolean; migrations: string[] };
  assert.equal(result.storage, "pglite");
  assert.equal(result.created, false);
  assert.ok(result.migrations.includes("0000_init"));
});

test("token create without a token writes to local storage, for admin by default", async () => {
  const database = await openDb({ dataDir });
  try {
    await migrateDb(database);
    await bootstrapAdmin(database.db, systemClock);
  } finally {
    await database.close();
  }
  const r = await cli(["token", "create", "--name", "recovery"], { env });
  assert.equal(r.code, 0, r.stderr);
  assert.match(
    r.stdout,
    /Created token "recovery" for admin \(offline, in local storage\); it never expires\./,
  );
  const secret = /export FOGHORN_TOKEN=(fh_\S+)/.exec(r.stdout)?.[1] ?? "";

  const check = await openDb({ dataDir });
  try {
    const actor = await new TokenAuthenticator(check.db, systemClock).authenticate(secret);
    assert.equal(actor?.name, "admin");
  } finally {
    await check.close();
  }
});

test("demo loads into local storage when no server answers on this machine", async () => {
  const r = await cli(["demo"], { env });
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /No server at http:\/\/127\.0\.0\.1:1; used local storage/);
  assert.match(r.stdout, /Loaded 3 demo incidents: INC-1, INC-2, INC-3/);
  assert.match(r.stdout, /npm start/);
});

test("demo does not fall back to local storage for a remote server", async () => {
  const r = await cli(["demo"], { env: { ...env, FOGHORN_URL: "http://foghorn.invalid" } });
  assert.equal(r.code, 5);
  assert.match(r.stderr, /cannot reach the Foghorn server at http:\/\/foghorn\.invalid/);
});

test("a folder held by another running process: one line, exit 1", async () => {
  const lock = join(dataDir, "foghorn.lock");
  // The parent of the test runner is alive and is not us: exactly what a running server looks like.
  writeFileSync(lock, String(process.ppid));
  try {
    const r = await cli(["migrate"], { env });
    assert.equal(r.code, 1);
    const lines = r.stderr.trimEnd().split("\n");
    assert.equal(lines.length, 1, r.stderr);
    assert.match(
      lines[0] ?? "",
      /^foghorn: the data folder .* is in use by another Foghorn process \(pid \d+\)/,
    );
    assert.equal(readFileSync(lock, "utf8"), String(process.ppid), "the other process keeps its lock");
  } finally {
    writeFileSync(lock, "0");
  }
});
