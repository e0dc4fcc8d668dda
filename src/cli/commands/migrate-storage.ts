import { resolve } from "node:path";
import {
  beginLoad,
  countMismatches,
  countRows,
  inSnapshot,
  listTables,
  nonEmptyTables,
  readSequences,
  readTableRows,
  schemaLevel,
  shippedMigrations,
  type TableCount,
} from "#store/backup.ts";
import {
  type Database,
  DataDirLockedError,
  type Db,
  dataDirExists,
  migrateDb,
  openDb,
  redactUrl,
} from "#store/db.ts";
import type { CommandSpec } from "../command.ts";
import { CliError, EXIT, messageOf, usageError } from "../errors.ts";
import { printCounts } from "./backup.ts";

/** Copies every table of `source` into `target` (one snapshot, one transaction); returns the verified counts. */
async function copyAll(source: Db, target: Db, progress: (text: string) => void): Promise<TableCount[]> {
  return inSnapshot(source, async (stx) => {
    const tables = await listTables(stx);
    const expected = await countRows(stx, tables);
    const sequences = await readSequences(stx);
    return target.transaction(async (handle) => {
      const ttx = handle as unknown as Db;
      const loader = await beginLoad(ttx);
      for (const [i, table] of tables.entries()) {
        let rows = 0;
        for await (const batch of readTableRows(stx, table)) {
          await loader.insert(table, batch);
          rows += batch.length;
        }
        if (rows > 0) progress(`  ${table}: ${rows} rows (${i + 1}/${tables.length} tables)`);
      }
      const counts = await loader.finish(sequences);
      const wrong = countMismatches(expected, counts);
      if (wrong.length > 0)
        throw new CliError(
          EXIT.FAILED,
          `row counts differ after copying, nothing was kept in PostgreSQL: ${wrong.join("; ")}`,
        );
      return counts;
    });
  });
}

export const migrateStorageCommand: CommandSpec = {
  kind: "command",
  name: "migrate-storage",
  summary: "Move an embedded installation (the data folder) to an empty PostgreSQL database",
  description:
    "Copies every table of the embedded PGlite database in storage.dataDir into the PostgreSQL database\n" +
    "given with --to: creates the schema there, copies all rows in one transaction, carries the sequences\n" +
    "over (incident numbers continue), and verifies the row count of every table (any difference and\n" +
    "nothing is kept). The data folder is not changed: it stays a fallback.\n" +
    "\n" +
    "Stop Foghorn first (the data folder must not change during the copy). The target database must be\n" +
    "empty. Afterwards set DATABASE_URL (storage.databaseUrl) to the same URL and start Foghorn.",
  flags: [
    {
      name: "to",
      type: "string",
      value: "URL",
      description: "The PostgreSQL database to move to, e.g. postgres://foghorn:secret@db:5432/foghorn",
    },
  ],
  readsConfig: true,
  examples: [
    "foghorn migrate-storage --to postgres://foghorn:secret@db.internal:5432/foghorn",
    "FOGHORN_DATA_DIR=/var/lib/foghorn foghorn migrate-storage --to postgres://foghorn@localhost/foghorn",
  ],
  async run(ctx) {
    const to = ctx.args.requiredString("to");
    let parsed: URL | undefined;
    try {
      parsed = new URL(to);
    } catch {}
    if (!parsed || !/^postgres(ql)?:$/.test(parsed.protocol))
      throw usageError(
        `--to must be a postgres:// URL such as postgres://foghorn:secret@db:5432/foghorn (got ${JSON.stringify(to.slice(0, 60))})`,
      );
    const config = ctx.config();
    const { dataDir, databaseUrl } = config.storage;
    const folder = resolve(ctx.cwd, dataDir);
    if (databaseUrl)
      throw new CliError(
        EXIT.FAILED,
        `this installation already uses PostgreSQL (DATABASE_URL / storage.databaseUrl is set); migrate-storage moves an embedded data folder. Between PostgreSQL databases use foghorn backup and foghorn restore`,
      );
    if (!dataDirExists(folder))
      throw new CliError(
        EXIT.FAILED,
        `there is no embedded Foghorn database in ${folder} (storage.dataDir); set FOGHORN_DATA_DIR to the installation's data folder`,
      );
    const started = performance.now();
    let source: Database;
    try {
      source = await openDb({ dataDir: folder });
    } catch (error) {
      if (error instanceof DataDirLockedError)
        throw new CliError(
          EXIT.FAILED,
          `Foghorn is running on ${folder} (${/pid \d+/.exec(error.message)?.[0] ?? "another process"}): stop it first, so nothing is written to the data folder after the copy`,
        );
      throw new CliError(EXIT.FAILED, `cannot open the data folder ${folder}: ${messageOf(error)}`);
    }
    const shown = redactUrl(to);
    let counts: TableCount[];
    try {
      await migrateDb(source);
      let target: Database;
      try {
        target = await openDb({ databaseUrl: to, poolSize: 2 });
        await target.ping();
      } catch (error) {
        throw new CliError(EXIT.UNAVAILABLE, `cannot connect to ${shown}: ${messageOf(error)}`);
      }
      try {
        const level = await schemaLevel(target.db);
        const latest = shippedMigrations().at(-1);
        if (level.latestAt !== null && latest && level.latestAt > latest.when)
          throw new CliError(
            EXIT.FAILED,
            `${shown} holds a newer Foghorn schema (${level.latest}); move to an empty database`,
          );
        ctx.out.progress(`Creating the schema in ${shown}…`);
        await migrateDb(target, to);
        const inUse = await nonEmptyTables(target.db);
        if (inUse.length > 0)
          throw new CliError(
            EXIT.FAILED,
            `${shown} is not empty (${inUse
              .slice(0, 3)
              .map((t) => `${t.name}: ${t.rows} rows`)
              .join(", ")}${inUse.length > 3 ? ", …" : ""}); move to an empty database (createdb foghorn)`,
          );
        ctx.out.progress(`Copying ${source.location} → ${shown} in one transaction…`);
        counts = await copyAll(source.db, target.db, (line) => ctx.out.progress(line)).catch(
          (error: unknown) => {
            if (error instanceof CliError) throw error;
            throw new CliError(EXIT.FAILED, `copy failed, nothing was kept in ${shown}: ${messageOf(error)}`);
          },
        );
      } finally {
        await target.close();
      }
    } finally {
      await source.close();
    }
    const result = {
      from: folder,
      to: shown,
      tables: counts,
      verified: true,
      ms: Math.round(performance.now() - started),
    };
    ctx.out.result(result, (r) => {
      printCounts(ctx, r.tables, () => "ok");
      ctx.out.print(`Moved ${r.from} to ${r.to}; every count matches (${r.ms} ms).`);
      ctx.out.print("");
      ctx.out.print("To switch, set the database URL and restart Foghorn:");
      ctx.out.print(`  DATABASE_URL=${r.to}   (or storage.databaseUrl in foghorn.config.yaml)`);
      if (r.to.includes(":***@")) ctx.out.print("  (*** is the password you passed to --to)");
      ctx.out.print(
        `The data folder ${r.from} is unchanged; keep it until you are satisfied, then remove it.`,
      );
    });
    return 0;
  },
};
