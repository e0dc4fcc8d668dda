/**
 * The backup file: gzipped JSON Lines. Line 1 is the header (format, versions, schema level, row counts per
 * table, sequences, created_at); then one line per row, `{"t": table, "r": row}`, tables in foreign-key
 * order; the last line is `{"type": "end", "rows": total}`, so a cut-off file is recognised as such.
 */
import { once } from "node:events";
import { createReadStream, createWriteStream, existsSync, renameSync, rmSync, statSync } from "node:fs";
import { createInterface } from "node:readline";
import { pipeline } from "node:stream/promises";
import { createGunzip, createGzip } from "node:zlib";
import {
  countRows,
  inSnapshot,
  listTables,
  readSequences,
  readTableRows,
  type SchemaLevel,
  type SequenceState,
  schemaLevel,
  type TableCount,
} from "./backup.ts";
import type { Db, StorageKind } from "./db.ts";

export const BACKUP_FORMAT = "foghorn-backup";
export const BACKUP_FORMAT_VERSION = 1;

export interface BackupHeader {
  type: "header";
  format: typeof BACKUP_FORMAT;
  formatVersion: number;
  foghornVersion: string;
  createdAt: string;
  /** The storage the backup was read from (informational: a backup restores into either). */
  storage: StorageKind;
  schema: SchemaLevel;
  tables: TableCount[];
  sequences: SequenceState[];
}

/** A backup file that cannot be used: missing, not a backup, damaged or cut off. The message is one line. */
export class BackupFileError extends Error {
  override name = "BackupFileError";
}

export interface WriteOptions {
  foghornVersion: string;
  storage: StorageKind;
  now: () => Date;
  /** Called once per table after its rows are written. */
  onTable?: (table: string, rows: number) => void;
}

/**
 * Reads every table in one snapshot transaction and writes the backup to `path` (through `path.partial`,
 * renamed at the end: a failed backup never leaves a file that looks complete). Returns the header.
 */
export async function writeBackupFile(db: Db, path: string, options: WriteOptions): Promise<BackupHeader> {
  const partial = `${path}.partial`;
  const gzip = createGzip();
  const file = createWriteStream(partial);
  const done = pipeline(gzip, file);
  const write = async (line: string) => {
    if (!gzip.write(`${line}\n`)) await once(gzip, "drain");
  };
  try {
    const header = await inSnapshot(db, async (tx) => {
      const tables = await listTables(tx);
      const counts = await countRows(tx, tables);
      const header: BackupHeader = {
        type: "header",
        format: BACKUP_FORMAT,
        formatVersion: BACKUP_FORMAT_VERSION,
        foghornVersion: options.foghornVersion,
        createdAt: options.now().toISOString(),
        storage: options.storage,
        schema: await schemaLevel(tx),
        tables: counts,
        // Read after the snapshot began: never behind the rows below (sequences are not transactional).
        sequences: await readSequences(tx),
      };
      await write(JSON.stringify(header));
      let total = 0;
      for (const table of tables) {
        const prefix = `{"t":${JSON.stringify(table)},"r":`;
        let rows = 0;
        for await (const batch of readTableRows(tx, table)) {
          for (const row of batch) await write(`${prefix}${row}}`);
          rows += batch.length;
        }
        total += rows;
        options.onTable?.(table, rows);
      }
      await write(JSON.stringify({ type: "end", rows: total }));
      return header;
    });
    gzip.end();
    await done;
    renameSync(partial, path);
    return header;
  } catch (error) {
    gzip.destroy();
    await done.catch(() => {});
    rmSync(partial, { force: true });
    throw error;
  }
}

/** One line of a backup after the header: a row of a table. */
export interface BackupRow {
  table: string;
  /** The row as PostgreSQL's JSON text. */
  json: string;
}

function describe(path: string, error: unknown): string {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === "Z_DATA_ERROR" || code === "Z_BUF_ERROR" || code === "ERR_INVALID_ARG_TYPE")
    return `${path} is damaged: it is not valid gzip data (${(error as Error).message})`;
  return `${path} could not be read: ${(error as Error).message}`;
}

/**
 * The lines of a backup: the header, then every row. Throws BackupFileError for a missing, foreign,
 * damaged or cut-off file; rows are checked against the header's counts as they go by.
 */
export async function* readBackupFile(path: string): AsyncGenerator<BackupHeader | BackupRow> {
  if (!existsSync(path)) throw new BackupFileError(`${path}: no such file`);
  if (statSync(path).isDirectory()) throw new BackupFileError(`${path} is a folder, not a backup file`);
  const input = createReadStream(path).pipe(createGunzip());
  let streamError: unknown;
  input.on("error", (error) => {
    streamError = error;
  });
  const lines = createInterface({ input, crlfDelay: Number.POSITIVE_INFINITY });
  let header: BackupHeader | undefined;
  let ended = false;
  let lineNo = 0;
  const seen = new Map<string, number>();
  try {
    for await (const line of lines) {
      lineNo++;
      if (ended) throw new BackupFileError(`${path} is damaged: data after its end marker (line ${lineNo})`);
      let value: unknown;
      try {
        value = JSON.parse(line);
      } catch {
        throw new BackupFileError(
          lineNo === 1
            ? `${path} is not a Foghorn backup (its first line is not JSON); make one with: foghorn backup FILE`
            : `${path} is damaged: line ${lineNo} is not valid JSON`,
        );
      }
      if (!header) {
        header = checkHeader(path, value);
        yield header;
        continue;
      }
      const record = value as { t?: unknown; r?: unknown; type?: unknown; rows?: unknown };
      if (record.type === "end") {
        const total = [...seen.values()].reduce((a, b) => a + b, 0);
        if (record.rows !== total)
          throw new BackupFileError(
            `${path} is damaged: its end marker counts ${record.rows} rows, the file has ${total}`,
          );
        ended = true;
        continue;
      }
      if (typeof record.t !== "string" || typeof record.r !== "object" || record.r === null)
        throw new BackupFileError(`${path} is damaged: line ${lineNo} is not a row of a table`);
      seen.set(record.t, (seen.get(record.t) ?? 0) + 1);
      // The row's own text when the line is as written by writeBackupFile: no number loses precision.
      const prefix = `{"t":${JSON.stringify(record.t)},"r":`;
      const json =
        line.startsWith(prefix) && line.endsWith("}")
          ? line.slice(prefix.length, -1)
          : JSON.stringify(record.r);
      yield { table: record.t, json };
    }
  } catch (error) {
    if (error instanceof BackupFileError) throw error;
    throw new BackupFileError(describe(path, error));
  }
  if (streamError) throw new BackupFileError(describe(path, streamError));
  if (!header) throw new BackupFileError(`${path} is empty: not a Foghorn backup`);
  if (!ended)
    throw new BackupFileError(
      `${path} is incomplete: it ends after ${lineNo} lines without its end marker (cut off?)`,
    );
  for (const t of header.tables) {
    if ((seen.get(t.name) ?? 0) !== t.rows)
      throw new BackupFileError(
        `${path} is damaged: the header counts ${t.rows} rows of ${t.name}, the file holds ${seen.get(t.name) ?? 0}`,
      );
  }
  for (const name of seen.keys())
    if (!header.tables.some((t) => t.name === name))
      throw new BackupFileError(
        `${path} is damaged: it holds rows of ${name}, which its header does not list`,
      );
}

function checkHeader(path: string, value: unknown): BackupHeader {
  const h = value as Partial<BackupHeader> | null;
  if (typeof h !== "object" || h === null || h.format !== BACKUP_FORMAT)
    throw new BackupFileError(
      `${path} is not a Foghorn backup (no "${BACKUP_FORMAT}" header); make one with: foghorn backup FILE`,
    );
  if (typeof h.formatVersion !== "number" || h.formatVersion > BACKUP_FORMAT_VERSION)
    throw new BackupFileError(
      `${path} has backup format ${String(h.formatVersion)}, newer than this Foghorn reads (${BACKUP_FORMAT_VERSION}); restore it with the Foghorn version that made it (${String(h.foghornVersion)}) or newer`,
    );
  if (
    !Array.isArray(h.tables) ||
    !Array.isArray(h.sequences) ||
    typeof h.schema !== "object" ||
    h.schema === null
  )
    throw new BackupFileError(`${path} is damaged: its header lacks tables, sequences or schema`);
  return h as BackupHeader;
}

/** Reads the whole file once to prove it is complete and consistent; returns its header. Touches nothing. */
export async function verifyBackupFile(path: string): Promise<BackupHeader> {
  let header: BackupHeader | undefined;
  for await (const item of readBackupFile(path)) if ("type" in item) header = item;
  return header as BackupHeader;
}
