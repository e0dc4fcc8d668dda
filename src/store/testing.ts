/**
 * Test databases for storage and use-case tests (tests only). Each call gives a fresh, migrated database:
 * PGlite loaded from a migrated template dump (~0.3 s instead of ~2 s initdb), or on PostgreSQL a new
 * database cloned from a migrated template database. Backends are chosen with FOGHORN_TEST_DB.
 */
import { createHash, randomBytes } from "node:crypto";
import { existsSync, readdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { PGlite } from "@electric-sql/pglite";
import pg from "pg";
import { type Database, MIGRATIONS_FOLDER, migrateDb, openDb, type StorageKind } from "./db.ts";

export const DEFAULT_TEST_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/test";

export interface TestBackend {
  kind: StorageKind;
  /** Set when the backend cannot run here: the reason, reported as a skip. */
  skip?: string;
}

function migrationsHash(): string {
  const hash = createHash("sha256");
  for (const file of readdirSync(MIGRATIONS_FOLDER, { recursive: true }).map(String).sort()) {
    if (file.endsWith(".sql") || file.endsWith(".json"))
      hash.update(file).update(readFileSync(join(MIGRATIONS_FOLDER, file)));
  }
  return hash.digest("hex").slice(0, 16);
}

let postgresProbe: Promise<string | undefined> | undefined;

/**
 * The backends storage tests run on: PGlite always, PostgreSQL when reachable at TEST_DATABASE_URL.
 * An unreachable PostgreSQL is a skip with one line of explanation, except under CI, where it must run.
 */
export async function testBackends(env: NodeJS.ProcessEnv = process.env): Promise<TestBackend[]> {
  const only = env.FOGHORN_TEST_DB;
  const backends: TestBackend[] = [];
  if (!only || only === "pglite") backends.push({ kind: "pglite" });
  if (!only || only === "postgres") {
    postgresProbe ??= probePostgres(env);
    const problem = await postgresProbe;
    if (problem && !env.CI) {
      console.log(`# PostgreSQL tests skipped: ${problem}`);
      backends.push({ kind: "postgres", skip: problem });
    } else {
      backends.push({ kind: "postgres" });
    }
  }
  return backends;
}

export function testDatabaseUrl(env: NodeJS.ProcessEnv = process.env): string {
  return env.TEST_DATABASE_URL || DEFAULT_TEST_DATABASE_URL;
}

async function probePostgres(env: NodeJS.ProcessEnv): Promise<string | undefined> {
  const url = testDatabaseUrl(env);
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 3000 });
  try {
    await client.connect();
    await client.query("select 1");
    return undefined;
  } catch (error) {
    return `PostgreSQL unreachable at ${url} (${(error as Error).message}); set TEST_DATABASE_URL`;
  } finally {
    await client.end().catch(() => {});
  }
}

export interface TestDatabase extends Database {
  /** The URL of the fresh PostgreSQL database; undefined for PGlite. */
  readonly url: string | undefined;
}

/** A fresh, migrated database of the given kind. Close it at the end of the test. */
export async function openTestDb(kind: StorageKind): Promise<TestDatabase> {
  if (kind === "pglite") {
    const database = await openDb({ pgliteLoad: await pgliteTemplate() });
    return Object.assign(database, { url: undefined });
  }
  const url = await clonePostgresTemplate();
  const database = await openDb({ databaseUrl: url, poolSize: 4 });
  return {
    ...database,
    url,
    async close() {
      await database.close();
      await dropDatabase(url);
    },
  };
}

async function pgliteTemplate(): Promise<Blob> {
  const file = join(tmpdir(), `foghorn-pglite-template-${migrationsHash()}.tar`);
  if (!existsSync(file)) {
    const fresh = await openDb({});
    await migrateDb(fresh);
    // drizzle keeps the driver client on $client; for a PGlite database it is the PGlite instance.
    const dump = await (fresh.db as unknown as { $client: PGlite }).$client.dumpDataDir("none");
    await fresh.close();
    const temp = `${file}.${process.pid}.${randomBytes(4).toString("hex")}`;
    writeFileSync(temp, Buffer.from(await dump.arrayBuffer()));
    renameSync(temp, file); // atomic: parallel test files never read a half-written template
  }
  return new Blob([readFileSync(file)]);
}

/** Runs `fn` on a short-lived admin connection to the test PostgreSQL server (create and drop databases). */
export async function adminQuery<T>(fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: testDatabaseUrl() });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

function withDatabase(url: string, name: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${name}`;
  return parsed.toString();
}

async function clonePostgresTemplate(): Promise<string> {
  const base = testDatabaseUrl();
  const template = `foghorn_tmpl_${migrationsHash()}`;
  const name = `foghorn_t_${Date.now().toString(36)}_${randomBytes(4).toString("hex")}`;
  await adminQuery(async (client) => {
    // Serialise template creation across parallel test files; cloning needs no other session on it.
    await client.query("select pg_advisory_lock(hashtext('foghorn:test-template'))");
    try {
      const found = await client.query("select 1 from pg_database where datname = $1", [template]);
      if (found.rowCount === 0) {
        const building = `${template}_build_${process.pid}`;
        await client.query(`drop database if exists "${building}"`);
        await client.query(`create database "${building}"`);
        const db = await openDb({ databaseUrl: withDatabase(base, building), poolSize: 1 });
        await migrateDb(db, withDatabase(base, building));
        await db.close();
        await client.query(`alter database "${building}" rename to "${template}"`);
      }
      await client.query(`create database "${name}" template "${template}"`);
    } finally {
      await client.query("select pg_advisory_unlock(hashtext('foghorn:test-template'))");
    }
  });
  return withDatabase(base, name);
}

async function dropDatabase(url: string): Promise<void> {
  const name = new URL(url).pathname.slice(1);
  await adminQuery((client) => client.query(`drop database if exists "${name}" with (force)`));
}
