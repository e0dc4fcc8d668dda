/**
 * The table walker behind `foghorn backup`, `foghorn restore` and `foghorn migrate-storage`: every table of
 * the schema in foreign-key order, rows out (as PostgreSQL's own JSON of each row) and rows in (through
 * json_populate_recordset, so every type round-trips through PostgreSQL itself), plus the sequences. One
 * piece of code for both storages and all three commands; the file format lives in backup-file.ts.
 */
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { sql } from "drizzle-orm";
import { drizzle as drizzlePg } from "drizzle-orm/node-postgres";
import { migrate as migratePg } from "drizzle-orm/node-postgres/migrator";
import { migrate as migratePglite } from "drizzle-orm/pglite/migrator";
import pg from "pg";
import { type Database, type Db, MIGRATIONS_FOLDER } from "./db.ts";
import { executeRows, toInt } from "./rows.ts";

/** Rows fetched from a cursor, and inserted, per round trip. */
export const BATCH_ROWS = 500;

/** A migration of this build (drizzle's journal): its tag and the `when` drizzle records as created_at. */
export interface MigrationEntry {
  tag: string;
  when: number;
}

/** Where a database's schema stands: how many migrations are applied and the newest one. */
export interface SchemaLevel {
  migrations: number;
  /** The newest applied migration's tag (from this build's journal), or its timestamp when unknown here. */
  latest: string | null;
  latestAt: number | null;
}

/** A sequence's position; lastValue null when nextval was never called. bigint as text (JSON-safe). */
export interface SequenceState {
  name: string;
  lastValue: string | null;
}

export interface TableCount {
  name: string;
  rows: number;
}

/** This build's migrations, oldest first. */
export function shippedMigrations(): MigrationEntry[] {
  const journal = JSON.parse(readFileSync(join(MIGRATIONS_FOLDER, "meta", "_journal.json"), "utf8")) as {
    entries: { tag: string; when: number }[];
  };
  return journal.entries.map((e) => ({ tag: e.tag, when: e.when }));
}

const ident = (name: string) => `"${name.replaceAll('"', '""')}"`;

/**
 * The tables of the current schema, parents before children (foreign keys), ties by name. Self-references
 * are ignored (no table of ours has one; rows of such a table would need their own order).
 */
export async function listTables(db: Db): Promise<string[]> {
  const tables = (
    await executeRows(
      db,
      sql`select table_name as name from information_schema.tables
          where table_schema = current_schema() and table_type = 'BASE TABLE' order by table_name`,
    )
  ).map((r) => String(r.name));
  const edges = await executeRows(
    db,
    sql`select c.relname as child, p.relname as parent from pg_constraint k
          join pg_class c on c.oid = k.conrelid join pg_class p on p.oid = k.confrelid
          join pg_namespace n on n.oid = c.relnamespace
        where k.contype = 'f' and n.nspname = current_schema()`,
  );
  const parents = new Map<string, Set<string>>(tables.map((t) => [t, new Set()]));
  for (const e of edges) {
    const child = String(e.child);
    const parent = String(e.parent);
    if (child !== parent && parents.has(parent)) parents.get(child)?.add(parent);
  }
  const ordered: string[] = [];
  const placed = new Set<string>();
  while (ordered.length < tables.length) {
    const ready = tables.filter(
      (t) => !placed.has(t) && [...(parents.get(t) ?? [])].every((p) => placed.has(p)),
    );
    if (ready.length === 0) throw new Error("the tables' foreign keys form a cycle; cannot order them");
    for (const t of ready) {
      placed.add(t);
      ordered.push(t);
    }
  }
  return ordered;
}

/** The columns an INSERT may name (generated columns are left out), in table order. */
async function insertableColumns(db: Db, table: string): Promise<string[]> {
  const rows = await executeRows(
    db,
    sql`select column_name as name from information_schema.columns
        where table_schema = current_schema() and table_name = ${table} and is_generated <> 'ALWAYS'
        order by ordinal_position`,
  );
  return rows.map((r) => String(r.name));
}

export async function countRows(db: Db, tables: readonly string[]): Promise<TableCount[]> {
  const counts: TableCount[] = [];
  for (const name of tables) {
    const [row] = await executeRows(db, sql.raw(`select count(*) as n from ${ident(name)}`));
    counts.push({ name, rows: toInt(row?.n) });
  }
  return counts;
}

export async function readSequences(db: Db): Promise<SequenceState[]> {
  const rows = await executeRows(
    db,
    sql`select sequencename as name, last_value::text as last_value from pg_sequences
        where schemaname = current_schema() order by sequencename`,
  );
  return rows.map((r) => ({
    name: String(r.name),
    lastValue: r.last_value === null || r.last_value === undefined ? null : String(r.last_value),
  }));
}

/** The schema level recorded by drizzle's migrator; zero migrations when it never ran here. */
export async function schemaLevel(db: Db): Promise<SchemaLevel> {
  const [exists] = await executeRows(db, sql`select to_regclass('drizzle.__drizzle_migrations') as t`);
  if (!exists?.t) return { migrations: 0, latest: null, latestAt: null };
  const [row] = await executeRows(
    db,
    sql`select count(*) as n, max(created_at)::text as latest from drizzle.__drizzle_migrations`,
  );
  const migrations = toInt(row?.n);
  const latestAt = row?.latest === null || row?.latest === undefined ? null : Number(row.latest);
  const known = shippedMigrations().find((m) => m.when === latestAt);
  return {
    migrations,
    latest:
      known?.tag ?? (latestAt === null ? null : `unknown migration of ${new Date(latestAt).toISOString()}`),
    latestAt,
  };
}

/** Row batches of one table, read through a cursor inside the caller's (snapshot) transaction. */
export async function* readTableRows(tx: Db, table: string, batch = BATCH_ROWS): AsyncGenerator<string[]> {
  const cursor = `foghorn_backup_${table}`.slice(0, 60);
  await tx.execute(
    sql.raw(
      `declare ${ident(cursor)} no scroll cursor for select row_to_json(t)::text as j from ${ident(table)} t`,
    ),
  );
  try {
    for (;;) {
      const rows = await executeRows(tx, sql.raw(`fetch ${batch} from ${ident(cursor)}`));
      if (rows.length === 0) return;
      yield rows.map((r) => String(r.j));
      if (rows.length < batch) return;
    }
  } finally {
    await tx.execute(sql.raw(`close ${ident(cursor)}`));
  }
}

/**
 * Runs `fn` in one read-only snapshot: REPEATABLE READ on PostgreSQL (every table as of one instant while
 * writes go on), and naturally so on PGlite (one connection: nothing else runs inside the transaction).
 */
export function inSnapshot<T>(db: Db, fn: (tx: Db) => Promise<T>): Promise<T> {
  return db.transaction(async (tx) => fn(tx as unknown as Db), {
    isolationLevel: "repeatable read",
    accessMode: "read only",
  });
}

/** Tables a fresh migration fills by itself (singleton settings rows); they do not make a target "in use". */
const SEEDED_BY_MIGRATIONS = new Set(["status_page_settings"]);

/** The tables that hold rows (migration seeds aside): a restore or move refuses such a target without --force. */
export async function nonEmptyTables(db: Db): Promise<TableCount[]> {
  const tables = (await listTables(db)).filter((t) => !SEEDED_BY_MIGRATIONS.has(t));
  return (await countRows(db, tables)).filter((c) => c.rows > 0);
}

/** A load in progress: call it per batch, then finish() inside the same transaction. */
export interface Loader {
  insert(table: string, rowsJson: readonly string[]): Promise<void>;
  finish(sequences: readonly SequenceState[]): Promise<TableCount[]>;
}

/**
 * Prepares `tx` (one transaction on the target) to receive every table: user triggers off (the metric
 * invalidation and append-only guards would fire on our inserts and on TRUNCATE), every table emptied
 * (migration seeds, or the old data with --force). finish() sets the sequences, turns the triggers back on
 * and counts the rows; a throw anywhere rolls the whole load back.
 */
export async function beginLoad(tx: Db): Promise<Loader> {
  const tables = await listTables(tx);
  const known = new Set(tables);
  const columns = new Map<string, string[]>();
  for (const t of tables) await tx.execute(sql.raw(`alter table ${ident(t)} disable trigger user`));
  if (tables.length > 0)
    await tx.execute(sql.raw(`truncate ${tables.map(ident).join(", ")} restart identity cascade`));
  return {
    async insert(table, rowsJson) {
      if (!known.has(table))
        throw new Error(`the target has no table "${table}": its schema does not match the backup's`);
      if (rowsJson.length === 0) return;
      let cols = columns.get(table);
      if (!cols) {
        cols = await insertableColumns(tx, table);
        columns.set(table, cols);
      }
      const list = cols.map(ident).join(", ");
      await tx.execute(
        sql`${sql.raw(`insert into ${ident(table)} (${list}) overriding system value select ${list} from json_populate_recordset(null::${ident(table)},`)} ${`[${rowsJson.join(",")}]`}::json)`,
      );
    },
    async finish(sequences) {
      const present = new Set((await readSequences(tx)).map((s) => s.name));
      for (const s of sequences) {
        if (!present.has(s.name)) continue;
        if (s.lastValue === null)
          await tx.execute(sql`select setval(${ident(s.name)}::regclass, seqstart, false) from pg_sequence
                               where seqrelid = ${ident(s.name)}::regclass`);
        else await tx.execute(sql`select setval(${ident(s.name)}::regclass, ${s.lastValue}::bigint, true)`);
      }
      for (const t of tables) await tx.execute(sql.raw(`alter table ${ident(t)} enable trigger user`));
      return countRows(tx, tables);
    },
  };
}

/** Compares loaded counts with the expected ones; the mismatches as readable text (empty: all equal). */
export function countMismatches(expected: readonly TableCount[], actual: readonly TableCount[]): string[] {
  const got = new Map(actual.map((c) => [c.name, c.rows]));
  return expected
    .filter((e) => (got.get(e.name) ?? 0) !== e.rows)
    .map((e) => `${e.name}: expected ${e.rows} rows, found ${got.get(e.name) ?? 0}`);
}

/**
 * Migrates `database` up to and including the migration applied `when` (an older backup's level), not
 * beyond: the migrations folder with its journal cut there. Restore loads an older backup into its own
 * schema, then migrates the rest as a start would.
 */
export async function migrateToLevel(database: Database, databaseUrl: string | undefined, upTo: number) {
  const keep = shippedMigrations().filter((m) => m.when <= upTo);
  const folder = mkdtempSync(join(tmpdir(), "foghorn-migrations-"));
  try {
    cpSync(MIGRATIONS_FOLDER, folder, { recursive: true });
    const journalPath = join(folder, "meta", "_journal.json");
    const journal = JSON.parse(readFileSync(journalPath, "utf8")) as { entries: { when: number }[] };
    journal.entries = journal.entries.filter((e) => e.when <= upTo);
    writeFileSync(journalPath, JSON.stringify(journal));
    if (keep.length === 0) return;
    if (database.kind === "pglite") {
      await migratePglite(database.db as unknown as Parameters<typeof migratePglite>[0], {
        migrationsFolder: folder,
      });
      return;
    }
    if (!databaseUrl) throw new Error("migrateToLevel: a PostgreSQL database needs its URL");
    const client = new pg.Client({ connectionString: databaseUrl });
    await client.connect();
    try {
      await client.query("select pg_advisory_lock(hashtext('foghorn:migrate'))");
      await migratePg(drizzlePg({ client }), { migrationsFolder: folder });
    } finally {
      await client.query("select pg_advisory_unlock(hashtext('foghorn:migrate'))").catch(() => {});
      await client.end();
    }
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
}
