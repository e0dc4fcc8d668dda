/**
 * Reads the alert bookkeeping of a Foghorn store directly (not through the API), for the `alerts` scenario of
 * bench/run.mjs: is the inbox empty, how many events did the processor apply, how many incidents exist.
 * A PGlite folder may be open in one process only, so run.mjs calls this after stopping the server.
 *
 *   node --import tsx bench/alerts-store.ts (--data-dir DIR | --database-url URL)
 *
 * Prints one JSON line: inbox_pending (committed, not yet applied), inbox_dead (set aside after failing),
 * alerts, events_applied (sum of alerts.event_count: 1 for the event that opened the alert + 1 per repeat),
 * alerts_with_incident, incidents.
 */
import { sql } from "drizzle-orm";
import { openDb } from "../src/store/db.ts";

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : undefined;
}

async function main(): Promise<void> {
  const dataDir = arg("data-dir");
  const databaseUrl = arg("database-url");
  if (!dataDir && !databaseUrl) throw new Error("give --data-dir DIR (PGlite) or --database-url URL");
  const database = await openDb({ dataDir, databaseUrl, poolSize: 1 });
  try {
    const result = (await database.db.execute(
      sql.raw(`select
        (select count(*) from alert_inbox where dead_at is null)::int as inbox_pending,
        (select count(*) from alert_inbox where dead_at is not null)::int as inbox_dead,
        (select count(*) from alerts)::int as alerts,
        (select coalesce(sum(event_count), 0) from alerts)::bigint as events_applied,
        (select count(*) from alerts where incident_id is not null)::int as alerts_with_incident,
        (select count(*) from incidents)::int as incidents`),
    )) as { rows: Record<string, number | string>[] };
    const row = result.rows[0] ?? {};
    console.log(JSON.stringify(Object.fromEntries(Object.entries(row).map(([k, v]) => [k, Number(v)]))));
  } finally {
    await database.close();
  }
}

main().catch((error) => {
  console.error(error instanceof Error ? (error.stack ?? error.message) : error);
  process.exit(1);
});
