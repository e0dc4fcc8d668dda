import { randomUUID } from "node:crypto";
import { inArray, sql } from "drizzle-orm";
import { type Db, isTransaction } from "./db.ts";
import { services } from "./schema/index.ts";

export type ServiceRow = typeof services.$inferSelect;

/**
 * Returns the services with these names, creating the missing ones (names match case-insensitively; the
 * first spelling used is kept). Safe under concurrency: a racing insert of the same name is absorbed.
 */
export async function ensureServicesByName(
  db: Db,
  names: readonly string[],
  now: Date,
): Promise<ServiceRow[]> {
  const byKey = new Map<string, string>();
  for (const name of names) if (!byKey.has(name.toLowerCase())) byKey.set(name.toLowerCase(), name);
  const unique = [...byKey.values()];
  if (unique.length === 0) return [];
  await db
    .insert(services)
    .values(unique.map((name) => ({ id: randomUUID(), name, createdAt: now })))
    .onConflictDoNothing();
  return findServicesByName(db, unique);
}

// Services are never renamed or deleted, so a name → row cache per database handle stays right. Rows read
// inside a transaction are not cached (they may be uncommitted); names not found are not cached either.
const cache = new WeakMap<Db, Map<string, ServiceRow>>();

/** The services with these names (case-insensitive); names that do not exist are left out. */
export async function findServicesByName(db: Db, names: readonly string[]): Promise<ServiceRow[]> {
  const lowered = [...new Set(names.map((n) => n.toLowerCase()))];
  if (lowered.length === 0) return [];
  const cacheable = !isTransaction(db);
  const known = cacheable ? (cache.get(db) ?? new Map<string, ServiceRow>()) : new Map<string, ServiceRow>();
  if (cacheable && !cache.has(db)) cache.set(db, known);
  const missing = lowered.filter((n) => !known.has(n));
  if (missing.length) {
    const rows = await db
      .select()
      .from(services)
      .where(inArray(sql`lower(${services.name})`, missing));
    for (const row of rows) known.set(row.name.toLowerCase(), row);
  }
  return lowered.flatMap((n) => known.get(n) ?? []);
}

export async function listServices(db: Db): Promise<ServiceRow[]> {
  return db.select().from(services).orderBy(sql`lower(${services.name}) collate "C"`);
}

/** The alert settings of these services (severity map, what all-resolved does). */
export async function findServicesById(db: Db, ids: readonly string[]): Promise<ServiceRow[]> {
  if (ids.length === 0) return [];
  return db
    .select()
    .from(services)
    .where(inArray(services.id, [...new Set(ids)]));
}

export async function updateService(
  db: Db,
  id: string,
  patch: Partial<typeof services.$inferInsert>,
): Promise<ServiceRow> {
  const [row] = await db.update(services).set(patch).where(sql`${services.id} = ${id}`).returning();
  if (!row) throw new Error(`service ${id} vanished during update`);
  // The name → row cache would otherwise keep the old settings.
  cache.get(db)?.delete(row.name.toLowerCase());
  return row;
}
