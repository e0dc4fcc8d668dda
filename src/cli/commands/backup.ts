import { createWriteStream, existsSync, renameSync, rmSync, statSync } from "node:fs";
import { resolve } from "node:path";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import type { Config } from "#config/load.ts";
import type { TableCount } from "#store/backup.ts";
import { BackupFileError, type BackupHeader, verifyBackupFile, writeBackupFile } from "#store/backup-file.ts";
import { type Database, DataDirLockedError, dataDirExists, openDb } from "#store/db.ts";
import type { CommandContext, CommandSpec } from "../command.ts";
import { CliError, EXIT, messageOf } from "../errors.ts";
import { isRecord, parseJsonOrUndefined } from "../json.ts";

// `foghorn backup FILE`: one consistent snapshot of every table into a file that `foghorn restore` loads.

/** A BackupFileError (missing, foreign, damaged file) as the CLI's one-line failure. */
export function backupFileFailure(error: unknown): never {
  if (error instanceof BackupFileError) throw new CliError(EXIT.FAILED, error.message);
  throw error;
}

/** "12.3 MB". */
export function formatBytes(bytes: number): string {
  const units = ["B", "kB", "MB", "GB"];
  let value = bytes;
  let unit = 0;
  while (value >= 1000 && unit < units.length - 1) {
    value /= 1000;
    unit++;
  }
  return `${unit === 0 ? value : value.toFixed(1)} ${units[unit]}`;
}

/** Prints the tables that hold rows, and the total. */
export function printCounts(
  ctx: CommandContext,
  counts: readonly TableCount[],
  extra?: (t: string) => string,
) {
  const rows = counts.filter((c) => c.rows > 0);
  ctx.out.table(
    extra ? ["TABLE", "ROWS", "CHECK"] : ["TABLE", "ROWS"],
    rows.map((c) => (extra ? [c.name, String(c.rows), extra(c.name)] : [c.name, String(c.rows)])),
  );
  const total = counts.reduce((a, c) => a + c.rows, 0);
  ctx.out.print(
    `${total} rows in ${rows.length} tables (${counts.length - rows.length} empty tables not shown)`,
  );
}

export function schemaText(header: Pick<BackupHeader, "schema">): string {
  return `${header.schema.latest ?? "no schema"} (${header.schema.migrations} migrations)`;
}

/** Opens the configured storage for reading as is (no migration); undefined when a running server holds it. */
async function openForBackup(config: Config): Promise<Database | undefined> {
  const { databaseUrl, dataDir, poolSize } = config.storage;
  if (!databaseUrl && !dataDirExists(dataDir))
    throw new CliError(
      EXIT.FAILED,
      `there is no Foghorn database in ${resolve(dataDir)} (storage.dataDir): nothing to back up; set FOGHORN_DATA_DIR or DATABASE_URL to the installation's storage`,
    );
  try {
    return await openDb({ databaseUrl, dataDir, poolSize: Math.min(poolSize, 2) });
  } catch (error) {
    if (error instanceof DataDirLockedError) return undefined;
    const where = databaseUrl ? "PostgreSQL (storage.databaseUrl)" : `the data folder ${dataDir}`;
    throw new CliError(EXIT.UNAVAILABLE, `cannot open ${where}: ${messageOf(error)}`);
  }
}

/** Asks the running server for the backup (POST /api/v1/admin/backup) and saves it to `partial`. */
async function downloadBackup(ctx: CommandContext, partial: string): Promise<void> {
  const { url, urlSource, token, tokenSource } = ctx.connection();
  let response: Response;
  try {
    response = await fetch(`${url}/api/v1/admin/backup`, {
      method: "POST",
      headers: {
        accept: "application/gzip, application/problem+json",
        ...(token ? { authorization: `Bearer ${token}` } : {}),
      },
    });
  } catch (error) {
    const cause = (error as { cause?: { code?: string } }).cause?.code ?? messageOf(error);
    throw new CliError(
      EXIT.UNAVAILABLE,
      `cannot reach the Foghorn server at ${url} (${cause}; URL from ${urlSource}) to ask it for the backup; point --url / FOGHORN_URL at it, or stop it and run this again to read the data folder directly`,
    );
  }
  if (!response.ok || !response.body) {
    const body = parseJsonOrUndefined(await response.text());
    const detail =
      isRecord(body) && typeof body.detail === "string" ? body.detail : `HTTP ${response.status}`;
    const hint =
      response.status === 401
        ? tokenSource
          ? ` (the token came from ${tokenSource})`
          : ": an admin's API token is needed: set FOGHORN_TOKEN or pass --token"
        : "";
    const code =
      response.status === 401 || response.status === 403
        ? EXIT.AUTH
        : response.status >= 500
          ? EXIT.UNAVAILABLE
          : EXIT.FAILED;
    throw new CliError(code, `the server at ${url} refused the backup: ${detail}${hint}`);
  }
  await pipeline(
    Readable.fromWeb(response.body as import("node:stream/web").ReadableStream),
    createWriteStream(partial),
  );
}

export const backupCommand: CommandSpec = {
  kind: "command",
  name: "backup",
  summary: "Write a consistent backup of all data to a file (safe while Foghorn runs)",
  description:
    "Reads every table in one snapshot (a REPEATABLE READ transaction on PostgreSQL) into FILE: gzipped JSON\n" +
    "Lines with a header naming the format, the Foghorn version, the schema migration and the row count of\n" +
    "every table. Writes going on meanwhile are either wholly in the backup or wholly not.\n" +
    "\n" +
    "Where the data is read: PostgreSQL (DATABASE_URL) directly; an embedded data folder directly when no\n" +
    "server runs, else through the running server (POST /api/v1/admin/backup, an admin token: FOGHORN_TOKEN\n" +
    "or --token, the server from FOGHORN_URL or --url). --from-server always asks the server.\n" +
    "\n" +
    "Restore it with `foghorn restore FILE`. See docs/operations.md for schedules and retention.",
  args: [{ name: "FILE", description: "Where to write the backup, e.g. foghorn-2026-01-31.jsonl.gz" }],
  flags: [
    { name: "force", type: "boolean", description: "Overwrite FILE when it exists" },
    {
      name: "from-server",
      type: "boolean",
      description: "Ask the running server for the backup instead of reading the storage",
    },
  ],
  connects: true,
  readsConfig: true,
  examples: [
    "foghorn backup /var/backups/foghorn/foghorn-$(date +%F).jsonl.gz",
    "FOGHORN_TOKEN=fh_... foghorn backup --from-server --url https://foghorn.example.com nightly.jsonl.gz",
    "DATABASE_URL=postgres://foghorn:secret@db:5432/foghorn foghorn backup foghorn.jsonl.gz --json",
  ],
  async run(ctx) {
    const file = resolve(ctx.cwd, ctx.args.arg("FILE"));
    if (existsSync(file) && !ctx.args.boolean("force"))
      throw new CliError(EXIT.FAILED, `${file} exists; choose another name or pass --force to overwrite it`);
    const partial = `${file}.partial`;
    const started = performance.now();
    let source: "storage" | "server";
    let header: BackupHeader;
    const database = ctx.args.boolean("from-server") ? undefined : await openForBackup(ctx.config());
    try {
      if (database) {
        source = "storage";
        ctx.out.progress(`Reading ${database.location} in one snapshot…`);
        header = await writeBackupFile(database.db, file, {
          foghornVersion: ctx.version,
          storage: database.kind,
          now: () => ctx.now(),
          onTable: (table, rows) => {
            if (rows > 0) ctx.out.progress(`  ${table}: ${rows} rows`);
          },
        });
      } else {
        source = "server";
        if (!ctx.args.boolean("from-server"))
          ctx.out.progress(
            `The data folder is in use by a running Foghorn: asking it for the backup at ${ctx.connection().url}…`,
          );
        try {
          await downloadBackup(ctx, partial);
          header = await verifyBackupFile(partial).catch(backupFileFailure);
          renameSync(partial, file);
        } finally {
          rmSync(partial, { force: true });
        }
      }
    } finally {
      await database?.close();
    }
    const bytes = statSync(file).size;
    const result = {
      file,
      bytes,
      source,
      foghornVersion: header.foghornVersion,
      schema: header.schema,
      createdAt: header.createdAt,
      tables: header.tables,
      totalRows: header.tables.reduce((a, t) => a + t.rows, 0),
      ms: Math.round(performance.now() - started),
    };
    ctx.out.result(result, (r) => {
      printCounts(ctx, r.tables);
      ctx.out.print(
        `Wrote ${r.file} (${formatBytes(r.bytes)}, schema ${schemaText(header)}, read from the ${r.source === "server" ? "running server" : "storage"}, ${r.ms} ms)`,
      );
      ctx.out.print(`Restore it with: foghorn restore ${r.file}`);
    });
    return 0;
  },
};
