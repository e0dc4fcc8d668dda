import { and, asc, desc, eq, inArray, sql } from "drizzle-orm";
import type { Db } from "./db.ts";
import { runbooks, runbookVersions, services } from "./schema/index.ts";

export type RunbookRow = typeof runbooks.$inferSelect;
export type RunbookVersionRow = typeof runbookVersions.$inferSelect;

/** A runbook with its service's name. */
export type RunbookWithService = RunbookRow & { serviceName: string };

const withService = { ...runbookColumns(), serviceName: services.name };

function runbookColumns() {
  return {
    id: runbooks.id,
    serviceId: runbooks.serviceId,
    title: runbooks.title,
    body: runbooks.body,
    version: runbooks.version,
    source: runbooks.source,
    createdAt: runbooks.createdAt,
    updatedBy: runbooks.updatedBy,
    updatedAt: runbooks.updatedAt,
  };
}

export async function findRunbookByServiceId(db: Db, serviceId: string): Promise<RunbookRow | undefined> {
  const [row] = await db.select().from(runbooks).where(eq(runbooks.serviceId, serviceId));
  return row;
}

/** The service's runbook under a row lock (inside the caller's transaction), or undefined when it has none. */
export async function lockRunbookByServiceId(db: Db, serviceId: string): Promise<RunbookRow | undefined> {
  const [row] = await db.select().from(runbooks).where(eq(runbooks.serviceId, serviceId)).for("update");
  return row;
}

/** Inserts a service's first runbook; undefined when a concurrent save created it first. */
export async function insertRunbook(
  db: Db,
  row: typeof runbooks.$inferInsert,
): Promise<RunbookRow | undefined> {
  const [inserted] = await db.insert(runbooks).values(row).onConflictDoNothing().returning();
  return inserted;
}

export async function updateRunbook(
  db: Db,
  id: string,
  patch: Pick<RunbookRow, "title" | "body" | "version" | "source" | "updatedBy" | "updatedAt">,
): Promise<RunbookRow> {
  const [row] = await db.update(runbooks).set(patch).where(eq(runbooks.id, id)).returning();
  if (!row) throw new Error(`runbook ${id} vanished during update`);
  return row;
}

export async function insertRunbookVersion(db: Db, row: RunbookVersionRow): Promise<void> {
  await db.insert(runbookVersions).values(row);
}

/** Every saved version of a runbook, newest first, without the bodies. */
export async function listRunbookVersions(db: Db, runbookId: string) {
  return db
    .select({
      version: runbookVersions.version,
      title: runbookVersions.title,
      savedBy: runbookVersions.savedBy,
      savedAt: runbookVersions.savedAt,
      length: sql<number>`char_length(${runbookVersions.body})::int`,
    })
    .from(runbookVersions)
    .where(eq(runbookVersions.runbookId, runbookId))
    .orderBy(desc(runbookVersions.version));
}

export async function findRunbookVersion(
  db: Db,
  runbookId: string,
  version: number,
): Promise<RunbookVersionRow | undefined> {
  const [row] = await db
    .select()
    .from(runbookVersions)
    .where(and(eq(runbookVersions.runbookId, runbookId), eq(runbookVersions.version, version)));
  return row;
}

/** Every runbook with its service's name, by service name. */
export async function listRunbooks(db: Db): Promise<RunbookWithService[]> {
  return db
    .select(withService)
    .from(runbooks)
    .innerJoin(services, eq(services.id, runbooks.serviceId))
    .orderBy(asc(sql`lower(${services.name}) collate "C"`));
}

/** The runbooks of these services (services without one are left out). */
export async function findRunbooksByServiceIds(
  db: Db,
  serviceIds: readonly string[],
): Promise<RunbookWithService[]> {
  if (serviceIds.length === 0) return [];
  return db
    .select(withService)
    .from(runbooks)
    .innerJoin(services, eq(services.id, runbooks.serviceId))
    .where(inArray(runbooks.serviceId, [...new Set(serviceIds)]));
}
