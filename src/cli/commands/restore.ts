import { resolve } from "node:path";
import type { Config } from "#config/load.ts";
import {
  beginLoad,
  countMismatches,
  migrateToLevel,
  nonEmptyTables,
  type SchemaLevel,
  schemaLevel,
  shippedMigrations,
  type TableCount,
} from "#store/backup.ts";
import { type BackupHeader, readBackupFile, verifyBackupFile } from "#store/backup-file.ts";
import { type Database, DataDirLockedError, migrateDb, openDb } from "#store/db.ts";
import type { CommandContext, CommandSpec } from "../command.ts";
import { CliError, EXIT, messageOf } from "../errors.ts";
import { backupFileFailure, printCounts, schemaText } from "./backup.ts";

/**
 * Refuses a backup this build cannot load: one from a newer schema (or one that is not a prefix of ours).
 * Returns the migration timestamp to load it at.
 */
export function checkSchema(header: BackupHeader, file: string, version: string): number {
  const ours = shippedMigrations();
  const latest = ours.at(-1);
  const at = header.schema.latestAt;
  if (at === null)
    throw new CliError(EXIT.FAILED, `${file} holds no Foghorn schema (it was made from an empty database)`);
  if (latest && at > latest.when)
    throw new CliError(
      EXIT.FAILED,
      `${file} was made by a newer Foghorn (${header.foghornVersion}, schema ${header.schema.latest}); this is Foghorn ${version} with schema ${latest.tag}: upgrade Foghorn, then restore`,
    );
  if (!ours.some((m) => m.when === at))
    throw new CliError(
      EXIT.FAILED,
      `${file} has a schema migration this Foghorn does not know (${header.schema.latest}); restore it with Foghorn ${header.foghornVersion}`,
    );
  return at;
}

/** Loads the rows of a verified backup into `database` in one transaction; returns the verified counts. */
export async function loadBackup(
  ctx: CommandContext,
  database: Database,
  file: string,
  header: BackupHeader,
): Promise<TableCount[]> {
  const expected = new Map(header.tables.map((t) => [t.name, t.rows]));
  return database.db.transaction(async (txHandle) => {
    const tx = txHandle as unknown as Database["db"];
    const loader = await beginLoad(tx);
    let table: string | undefined;
    let batch: string[] = [];
    let loaded = 0;
    const flush = async () => {
      if (table && batch.length > 0) await loader.insert(table, batch);
      loaded += batch.length;
      batch = [];
    };
    const done = (name: string) => ctx.out.progress(`  ${name}: ${loaded}/${expected.get(name) ?? 0} rows`);
    for await (const item of readBackupFile(file)) {
      if ("type" in item) continue;
      if (item.table !== table) {
        await flush();
        if (table) done(table);
        table = item.table;
        loaded = 0;
      }
      batch.push(item.json);
      if (batch.length >= 500) await flush();
    }
    await flush();
    if (table) done(table);
    const counts = await loader.finish(header.sequences);
    const wrong = countMismatches(header.tables, counts);
    if (wrong.length > 0)
      throw new CliError(
        EXIT.FAILED,
        `row counts differ after loading (nothing was kept): ${wrong.join("; ")}`,
      );
    return counts;
  });
}

/** Opens the configured storage for a restore: the lock held by a running server is a clear refusal. */
async function openTarget(config: Config): Promise<Database> {
  const { databaseUrl, dataDir, poolSize } = config.storage;
  try {
    return await openDb({ databaseUrl, dataDir, poolSize: Math.min(poolSize, 2) });
  } catch (error) {
    if (error instanceof DataDirLockedError)
      throw new CliError(
        EXIT.FAILED,
        `${error.message.split(". ")[0]}: stop Foghorn before restoring (a restore replaces all of its data)`,
      );
    const where = databaseUrl ? "PostgreSQL (storage.databaseUrl)" : `the data folder ${dataDir}`;
    throw new CliError(EXIT.UNAVAILABLE, `cannot open ${where}: ${messageOf(error)}`);
  }
}

/**
 * Brings an empty or older target to the backup's schema level (not beyond: the rows are the backup's
 * shape), refusing a target that is already newer.
 */
async function prepareSchema(database: Database, config: Config, header: BackupHeader, at: number) {
  const target: SchemaLevel = await schemaLevel(database.db);
  if (target.latestAt === at) return;
  if (target.latestAt !== null && target.latestAt > at)
    throw new CliError(
      EXIT.FAILED,
      `the target ${database.location} already has schema ${target.latest}, newer than the backup's ${header.schema.latest}; restore into an empty data folder or database (FOGHORN_DATA_DIR / DATABASE_URL): it is migrated after loading`,
    );
  await migrateToLevel(database, config.storage.databaseUrl, at);
}

export const restoreCommand: CommandSpec = {
  kind: "command",
  name: "restore",
  summary: "Load a backup made by `foghorn backup` into the configured storage",
  description:
    "Loads FILE into the configured storage (the embedded data folder, or PostgreSQL when DATABASE_URL is\n" +
    "set; a folder or database that does not exist yet is created). The whole file is checked first (a\n" +
    "damaged or cut-off file changes nothing), then every table is loaded in one transaction: all of it or\n" +
    "none of it. Sequences (incident numbers, ids) continue where the backup left off, and the row count of\n" +
    "every table is verified against the backup's header.\n" +
    "\n" +
    "A target that already holds data is refused unless --force (which replaces all of it). Foghorn must be\n" +
    "stopped while restoring into an embedded data folder. A backup from an older Foghorn is loaded at its\n" +
    "own schema and then migrated; one from a newer Foghorn is refused (upgrade first).",
  args: [{ name: "FILE", description: "A backup file written by `foghorn backup`" }],
  flags: [{ name: "force", type: "boolean", description: "Replace the data of a target that is not empty" }],
  readsConfig: true,
  examples: [
    "FOGHORN_DATA_DIR=/var/lib/foghorn-restored foghorn restore foghorn-2026-01-31.jsonl.gz",
    "DATABASE_URL=postgres://foghorn:secret@db:5432/foghorn foghorn restore nightly.jsonl.gz",
    "foghorn restore nightly.jsonl.gz --force",
  ],
  async run(ctx) {
    const file = resolve(ctx.cwd, ctx.args.arg("FILE"));
    const started = performance.now();
    ctx.out.progress(`Checking ${file}…`);
    const header = await verifyBackupFile(file).catch(backupFileFailure);
    const at = checkSchema(header, file, ctx.version);
    const config = ctx.config();
    const database = await openTarget(config);
    let counts: TableCount[];
    try {
      await prepareSchema(database, config, header, at);
      const inUse = await nonEmptyTables(database.db);
      if (inUse.length > 0 && !ctx.args.boolean("force"))
        throw new CliError(
          EXIT.FAILED,
          `the target ${database.location} is not empty (${inUse
            .slice(0, 3)
            .map((t) => `${t.name}: ${t.rows} rows`)
            .join(
              ", ",
            )}${inUse.length > 3 ? ", …" : ""}); pass --force to replace all of its data, or restore into an empty folder or database`,
        );
      ctx.out.progress(
        `Loading ${header.tables.length} tables into ${database.location} in one transaction…`,
      );
      counts = await loadBackup(ctx, database, file, header).catch((error: unknown) => {
        if (error instanceof CliError) throw error;
        throw new CliError(EXIT.FAILED, `restore failed, nothing was changed: ${messageOf(error)}`);
      });
      if (at !== shippedMigrations().at(-1)?.when) {
        ctx.out.progress("Migrating the restored data to this Foghorn's schema…");
        await migrateDb(database, config.storage.databaseUrl);
      }
    } finally {
      await database.close();
    }
    const result = {
      file,
      target: database.location,
      storage: database.kind,
      backup: { foghornVersion: header.foghornVersion, createdAt: header.createdAt, schema: header.schema },
      tables: counts,
      verified: true,
      ms: Math.round(performance.now() - started),
    };
    ctx.out.result(result, (r) => {
      printCounts(ctx, r.tables, () => "ok");
      ctx.out.print(
        `Restored ${r.file} (made ${r.backup.createdAt} by Foghorn ${r.backup.foghornVersion}, schema ${schemaText(header)}) into ${r.target}; every count matches the backup (${r.ms} ms)`,
      );
      ctx.out.print("Next: foghorn serve");
    });
    return 0;
  },
};
