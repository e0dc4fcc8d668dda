import { closeSync, existsSync, mkdirSync, openSync, readFileSync, rmSync, writeSync } from "node:fs";
import { join, resolve } from "node:path";
import { setImmediate as nextTurn } from "node:timers/promises";
import { fileURLToPath } from "node:url";
import { PGlite } from "@electric-sql/pglite";
import { drizzle as drizzlePg } from "drizzle-orm/node-postgres";
import { migrate as migratePg } from "drizzle-orm/node-postgres/migrator";
import { type PgDatabase, type PgQueryResultHKT, PgTransaction } from "drizzle-orm/pg-core";
import { drizzle as drizzlePglite } from "drizzle-orm/pglite";
import { migrate as migratePglite } from "drizzle-orm/pglite/migrator";
import pg from "pg";
import { preparePgliteStatements } from "./pglite-prepared.ts";
import * as schema from "./schema/index.ts";

export type Schema = typeof schema;
/** A database handle or an open transaction: repository functions accept either. */
export type Db = PgDatabase<PgQueryResultHKT, Schema>;
export type StorageKind = "pglite" | "postgres";

export interface Database {
  readonly db: Db;
  readonly kind: StorageKind;
  /** Where the data lives, for logs: the PGlite folder or the PostgreSQL URL without its password. */
  readonly location: string;
  /** Cheap liveness probe for /readyz. */
  ping(): Promise<void>;
  /**
   * Does autovacuum's work where nothing else does: PGlite has no autovacuum, so without this dead row
   * versions of the busy tables stay in their indexes, and a table that grew or changed shape keeps its
   * old statistics and the list query can pick the wrong index (seen in bench/: 32 ms instead of 5 ms a
   * page). A no-op on PostgreSQL.
   */
  maintain(): Promise<void>;
  /**
   * Autovacuum's other half, for PGlite: ANALYZE the tables that have at least doubled in size since
   * their statistics were taken (from 64 KB up). Prepared statements keep the generic plan made when a
   * table was nearly empty (a sequential scan) until its statistics change; during an alert storm on a new
   * installation that was a 10 ms scan of every alert per batch. Returns the tables analysed (PostgreSQL:
   * none, autovacuum does it).
   */
  analyzeGrown(): Promise<string[]>;
  close(): Promise<void>;
  /**
   * SQL statements executed through this handle since it was opened (BEGIN and COMMIT included): the
   * `foghorn_db_statements_total` metric, and how tests prove a page view issues no query.
   */
  statementCount(): number;
}

/** The SQL migrations; found beside this file, or from the bundle in dist/ (bin/foghorn.mjs builds it). */
export const MIGRATIONS_FOLDER = [
  new URL("./migrations", import.meta.url),
  new URL("../src/store/migrations", import.meta.url),
]
  .map((url) => fileURLToPath(url))
  .find((dir) => existsSync(join(dir, "meta", "_journal.json"))) as string;

/** Thrown when the PGlite data folder is held by another process (STACK.md gotcha 1). */
export class DataDirLockedError extends Error {
  override name = "DataDirLockedError";
}

export interface OpenDbOptions {
  databaseUrl?: string | undefined;
  dataDir?: string | undefined;
  poolSize?: number | undefined;
  /** Open an existing PGlite from a dump (tests); skips the lock. */
  pgliteLoad?: Blob | undefined;
}

/** Opens PostgreSQL when a URL is given, else PGlite in `<dataDir>/pglite` (or in memory without a dataDir). */
export async function openDb(options: OpenDbOptions): Promise<Database> {
  if (options.databaseUrl) return openPostgres(options.databaseUrl, options.poolSize ?? 10);
  return openPglite(options.dataDir, options.pgliteLoad);
}

async function openPostgres(url: string, poolSize: number): Promise<Database> {
  const pool = new pg.Pool({ connectionString: url, max: poolSize });
  // An idle client that loses its server must not crash the process; the next query reports the error.
  pool.on("error", () => {});
  // Every statement, pooled or in a transaction, goes through some pooled client's query().
  let statements = 0;
  pool.on("connect", (client) => {
    // A connection lost while its client is checked out reaches the query in flight; the event must not
    // crash the process (the pool only listens on idle clients).
    client.on("error", () => {});
    const query = client.query;
    client.query = function (this: pg.PoolClient, ...args: unknown[]) {
      statements++;
      const result = (query as (...a: unknown[]) => unknown).apply(this, args);
      // drizzle (0.45) sends a transaction's BEGIN outside its try/finally, so a BEGIN that fails (the
      // connection died while the client sat idle in the pool: a database restart, a network cut) would
      // never give its client back, and after `poolSize` of them every query waits forever. Such a client
      // is released here, with the error, which drops it from the pool. Callback-style calls are the pool's
      // own (pool.query) and release themselves.
      if (result instanceof Promise && typeof args.at(-1) !== "function" && isBegin(args[0]))
        result.catch((error: unknown) => {
          try {
            client.release(error instanceof Error ? error : new Error(String(error)));
          } catch {
            // already released
          }
        });
      return result;
    } as typeof client.query;
  });
  const db = drizzlePg({ client: pool, schema }) as unknown as Db;
  return {
    db,
    kind: "postgres",
    location: redactUrl(url),
    async ping() {
      await pool.query("select 1");
    },
    async maintain() {},
    async analyzeGrown() {
      return [];
    },
    async close() {
      await pool.end();
    },
    statementCount: () => statements,
  };
}

async function openPglite(dataDir: string | undefined, load: Blob | undefined): Promise<Database> {
  let release = () => {};
  let folder: string | undefined;
  if (dataDir) {
    const root = resolve(dataDir);
    mkdirSync(root, { recursive: true });
    release = lockDataDir(root);
    folder = join(root, "pglite");
  }
  let client: PGlite;
  try {
    client = new PGlite({ ...(folder ? { dataDir: folder } : {}), ...(load ? { loadDataDir: load } : {}) });
    await client.waitReady;
  } catch (error) {
    release();
    throw error;
  }
  preparePgliteStatements(client);
  const counter = countPgliteStatements(client);
  const db = drizzlePglite({ client, schema }) as unknown as Db;
  return {
    db,
    kind: "pglite",
    location: folder ?? "memory",
    async ping() {
      await client.query("select 1");
    },
    async maintain() {
      // Autovacuum's work, which nothing does here: the tables whose rows come and go (queues) or move
      // through states clear their dead row versions, which otherwise stay in their indexes for good
      // (bitmap scans never mark them dead; seen in bench/: finding a method's due pages scanned every
      // earlier version). The visibility map keeps a repeat cheap: 2–10 ms every 5 s under bench load.
      // One table per statement, with a turn of the event loop between: requests waiting for the database
      // get in after each, instead of behind all of it (one ANALYZE of every table stalled alert ingest for
      // 340 ms at 2,000 open alerts; per table the longest step is ~20 ms: bench/README.md).
      for (const table of CHURNING_TABLES) {
        await client.exec(`vacuum ${table}`);
        await nextTurn();
      }
      const tables = await client.query<{ name: string }>(
        "select quote_ident(relname) as name from pg_class where relkind = 'r' and relnamespace = 'public'::regnamespace order by relname",
      );
      for (const { name } of tables.rows) await analyzeSampled(client, name);
    },
    async analyzeGrown() {
      // relpages is what the last ANALYZE (or VACUUM) saw, 0 before the first: a geometric schedule, so a
      // table growing steadily is analysed a logarithmic number of times.
      const grown = await client.query<{ name: string }>(
        `select quote_ident(relname) as name from pg_class
          where relkind = 'r' and relnamespace = 'public'::regnamespace
            and pg_relation_size(oid) >= 2 * greatest(relpages, 4) * current_setting('block_size')::int
          order by relname`,
      );
      for (const { name } of grown.rows) await analyzeSampled(client, name);
      return grown.rows.map((r) => r.name);
    },
    async close() {
      try {
        await client.close();
      } finally {
        release();
      }
    },
    statementCount: () => counter.count,
  };
}

/**
 * ANALYZE of one table with a small sample (20 × 300 rows): milliseconds, where a full-size one of 100k
 * incidents blocked PGlite's (main) thread for ~0.5 s, visible as a p99 spike in bench/. Followed by a turn
 * of the event loop, so requests waiting for the database get in between tables.
 */
async function analyzeSampled(client: PGlite, name: string): Promise<void> {
  await client.exec(`begin; set local default_statistics_target = 20; analyze ${name}; commit;`);
  await nextTurn();
}

/** PGlite tables with many updates and deletes per row, vacuumed by maintain(). */
const CHURNING_TABLES = [
  "alert_inbox",
  "jobs",
  "notifications",
  "incident_escalations",
  "integrations",
  "health_checks",
];

/** True for a BEGIN statement (a string, or a query config's text). */
function isBegin(query: unknown): boolean {
  const text =
    typeof query === "string"
      ? query
      : typeof query === "object" && query !== null && "text" in query
        ? String((query as { text: unknown }).text)
        : "";
  return /^\s*begin\b/i.test(text);
}

/**
 * Counts what a PGlite instance executes: query() and exec() calls, and per transaction its BEGIN and
 * COMMIT plus the calls made on the transaction handle. PGlite's own internals call private methods, so
 * nothing is counted twice.
 */
function countPgliteStatements(client: PGlite): { count: number } {
  const counter = { count: 0 };
  const query = client.query.bind(client);
  const exec = client.exec.bind(client);
  const transaction = client.transaction.bind(client);
  client.query = ((...args: Parameters<PGlite["query"]>) => {
    counter.count++;
    return query(...args);
  }) as PGlite["query"];
  client.exec = ((...args: Parameters<PGlite["exec"]>) => {
    counter.count++;
    return exec(...args);
  }) as PGlite["exec"];
  client.transaction = ((callback: Parameters<PGlite["transaction"]>[0]) => {
    counter.count += 2;
    return transaction((tx) => {
      const txQuery = tx.query.bind(tx);
      const txExec = tx.exec.bind(tx);
      tx.query = ((...args: Parameters<typeof tx.query>) => {
        counter.count++;
        return txQuery(...args);
      }) as typeof tx.query;
      tx.exec = ((...args: Parameters<typeof tx.exec>) => {
        counter.count++;
        return txExec(...args);
      }) as typeof tx.exec;
      return callback(tx);
    });
  }) as PGlite["transaction"];
  return counter;
}

/**
 * Takes `<dataDir>/foghorn.lock` exclusively. A lock left by a dead process is taken over; a live holder
 * makes the open fail with a message that says what to do. Returns the release function.
 */
export function lockDataDir(root: string): () => void {
  const lockPath = join(root, "foghorn.lock");
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(lockPath, "wx");
      writeSync(fd, String(process.pid));
      closeSync(fd);
      let released = false;
      const release = () => {
        if (released) return;
        released = true;
        rmSync(lockPath, { force: true });
      };
      process.once("exit", release);
      return release;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
      const holder = Number(readFileSync(lockPath, "utf8").trim());
      if (Number.isInteger(holder) && holder > 0 && holder !== process.pid && isAlive(holder)) {
        throw new DataDirLockedError(
          `the data folder ${root} is in use by another Foghorn process (pid ${holder}). ` +
            "Only one process may open an embedded database: stop that process, or use its API " +
            "(FOGHORN_URL) for commands that change data, or set FOGHORN_DATA_DIR to another folder.",
        );
      }
      rmSync(lockPath, { force: true }); // stale lock from a crashed process
    }
  }
  throw new DataDirLockedError(
    `could not take the lock ${lockPath}; remove it if no Foghorn process is running`,
  );
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

/** Applies every pending migration. On PostgreSQL an advisory lock makes concurrent starts safe. */
export async function migrateDb(database: Database, databaseUrl?: string): Promise<void> {
  if (database.kind === "pglite") {
    // drizzle's PGlite migrator needs the concrete driver type; Db is its structural supertype.
    await migratePglite(database.db as unknown as Parameters<typeof migratePglite>[0], {
      migrationsFolder: MIGRATIONS_FOLDER,
    });
    return;
  }
  if (!databaseUrl) throw new Error("migrateDb: a PostgreSQL database needs its URL");
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    await client.query("select pg_advisory_lock(hashtext('foghorn:migrate'))");
    await migratePg(drizzlePg({ client }), { migrationsFolder: MIGRATIONS_FOLDER });
  } finally {
    await client.query("select pg_advisory_unlock(hashtext('foghorn:migrate'))").catch(() => {});
    await client.end();
  }
}

/**
 * Runs `fn` in one transaction; joins the caller's transaction when `db` already is one. Any error rolls
 * back (a failed statement poisons a PGlite transaction until ROLLBACK: STACK.md gotcha 3).
 */
export async function withTransaction<T>(db: Db, fn: (tx: Db) => Promise<T>): Promise<T> {
  // instanceof loses the schema generic; the handle is the same Db the caller passed in.
  if (db instanceof PgTransaction) return fn(db as unknown as Db);
  return db.transaction(async (tx) => fn(tx as unknown as Db));
}

/** Runs `fn` in a savepoint of the open transaction `tx` (drizzle's nested transaction): a throw rolls back only what `fn` did. */
export function inSavepoint<T>(tx: Db, fn: (sp: Db) => Promise<T>): Promise<T> {
  return (tx as unknown as { transaction<R>(f: (sp: Db) => Promise<R>): Promise<R> }).transaction(fn);
}

export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = "***";
    return parsed.toString();
  } catch {
    return "postgres://(unparseable URL)";
  }
}

export function dataDirExists(dataDir: string): boolean {
  return existsSync(join(resolve(dataDir), "pglite", "PG_VERSION"));
}

/** True when `db` is an open transaction rather than the database handle. */
export function isTransaction(db: Db): boolean {
  return db instanceof PgTransaction;
}
