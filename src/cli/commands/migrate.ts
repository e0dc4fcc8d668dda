import { readFileSync } from "node:fs";
import { join } from "node:path";
import { MIGRATIONS_FOLDER } from "#store/db.ts";
import type { CommandSpec } from "../command.ts";
import { isRecord, parseJsonOrUndefined } from "../json.ts";
import { localStorageExists, migrateLocalStorage, openLocalStorage } from "../offline.ts";

/** The migration names this build ships, oldest first (drizzle's journal). */
function shippedMigrations(): string[] {
  const journal = parseJsonOrUndefined(
    readFileSync(join(MIGRATIONS_FOLDER, "meta", "_journal.json"), "utf8"),
  );
  const entries: unknown[] = isRecord(journal) && Array.isArray(journal.entries) ? journal.entries : [];
  return entries.flatMap((e) => (isRecord(e) && typeof e.tag === "string" ? [e.tag] : []));
}

export const migrateCommand: CommandSpec = {
  kind: "command",
  name: "migrate",
  summary: "Create or upgrade the database schema (offline; the server also does this at start)",
  description:
    "Opens the storage named by the configuration (embedded PGlite in storage.dataDir, or PostgreSQL\n" +
    "when DATABASE_URL is set) and applies every pending migration. Safe to run repeatedly. An embedded\n" +
    "database in use by a running server cannot be opened: stop the server first (it migrates at start anyway).",
  readsConfig: true,
  examples: [
    "foghorn migrate",
    "DATABASE_URL=postgres://foghorn:secret@db:5432/foghorn foghorn migrate",
    "FOGHORN_DATA_DIR=/var/lib/foghorn foghorn migrate --json",
  ],
  async run(ctx) {
    const config = ctx.config();
    const existed = localStorageExists(config);
    const started = performance.now();
    const database = await openLocalStorage(config);
    try {
      await migrateLocalStorage(database, config);
    } finally {
      await database.close();
    }
    const migrations = shippedMigrations();
    const result = {
      storage: database.kind,
      location: database.location,
      created: !existed,
      migrations,
      latest: migrations.at(-1) ?? null,
      ms: Math.round(performance.now() - started),
    };
    ctx.out.result(result, (r) => {
      const kind = r.storage === "pglite" ? "embedded PGlite" : "PostgreSQL";
      ctx.out.print(`${r.created ? "Created" : "Opened"} ${kind} storage at ${r.location}`);
      ctx.out.print(
        `Schema is up to date: ${r.migrations.length} migration(s), latest ${r.latest ?? "none"} (${r.ms} ms)`,
      );
      ctx.out.print(`Next: foghorn serve`);
    });
    return 0;
  },
};
