import { randomUUID } from "node:crypto";
import { inArray, sql } from "drizzle-orm";
import type { Db } from "./db.ts";
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
  const unique = [...new Map(names.map((n) => [n.toLowerCase(), n])).values()];
  if (unique.length === 0) return [];
  await db
    .insert(services)
    .values(unique.map((name) => ({ id: randomUUID(), name, createdAt: now })))
    .onConflictDoNothing();
  return findServicesByName(db, unique);
}

export async function findServicesByName(db: Db, names: readonly string[]): Promise<ServiceRow[]> {
  if (names.length === 0) return [];
  const lowered = names.map((n) => n.toLowerCase());
  return db
    .select()
    .from(services)
    .where(inArray(sql`lower(${services.name})`, lowered));
}

export async function listServices(db: Db): Promise<ServiceRow[]> {
  return db.select().from(services).orderBy(sql`lower(${services.name}) collate "C"`);
}
