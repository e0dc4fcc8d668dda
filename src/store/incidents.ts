import { and, asc, eq, inArray, sql } from "drizzle-orm";
import type { Db } from "./db.ts";
import { incidentRoles, incidentServices, incidents, services } from "./schema/index.ts";

export type IncidentRow = typeof incidents.$inferSelect;
export type IncidentInsert = typeof incidents.$inferInsert;
export type IncidentRoleRow = typeof incidentRoles.$inferSelect;

/** Inserts an incident and returns it with its allocated number. */
export async function insertIncident(db: Db, row: IncidentInsert): Promise<IncidentRow> {
  const [inserted] = await db.insert(incidents).values(row).returning();
  if (!inserted) throw new Error("insert into incidents returned no row");
  return inserted;
}

export async function findIncidentByNumber(db: Db, number: number): Promise<IncidentRow | undefined> {
  const [row] = await db.select().from(incidents).where(eq(incidents.number, number));
  return row;
}

/** Reads the incident under a row lock: the caller's transaction owns its next timeline event. */
export async function lockIncidentByNumber(db: Db, number: number): Promise<IncidentRow | undefined> {
  const [row] = await db.select().from(incidents).where(eq(incidents.number, number)).for("update");
  return row;
}

export async function updateIncident(
  db: Db,
  id: string,
  patch: Partial<IncidentInsert>,
): Promise<IncidentRow> {
  const [row] = await db.update(incidents).set(patch).where(eq(incidents.id, id)).returning();
  if (!row) throw new Error(`incident ${id} vanished during update`);
  return row;
}

export async function linkIncidentServices(
  db: Db,
  incidentId: string,
  serviceIds: readonly string[],
  at: Date,
): Promise<void> {
  if (serviceIds.length === 0) return;
  await db
    .insert(incidentServices)
    .values(serviceIds.map((serviceId) => ({ incidentId, serviceId, addedAt: at })))
    .onConflictDoNothing();
}

export async function unlinkIncidentServices(
  db: Db,
  incidentId: string,
  serviceIds: readonly string[],
): Promise<void> {
  if (serviceIds.length === 0) return;
  await db
    .delete(incidentServices)
    .where(
      and(eq(incidentServices.incidentId, incidentId), inArray(incidentServices.serviceId, [...serviceIds])),
    );
}

export async function listIncidentServiceNames(
  db: Db,
  incidentId: string,
): Promise<{ id: string; name: string }[]> {
  return db
    .select({ id: services.id, name: services.name })
    .from(incidentServices)
    .innerJoin(services, eq(services.id, incidentServices.serviceId))
    .where(eq(incidentServices.incidentId, incidentId))
    .orderBy(sql`lower(${services.name}) collate "C"`);
}

export async function listIncidentRoles(db: Db, incidentId: string): Promise<IncidentRoleRow[]> {
  return db
    .select()
    .from(incidentRoles)
    .where(eq(incidentRoles.incidentId, incidentId))
    .orderBy(asc(incidentRoles.assignedAt), asc(incidentRoles.person));
}

export async function insertIncidentRole(db: Db, row: IncidentRoleRow): Promise<void> {
  await db.insert(incidentRoles).values(row).onConflictDoNothing();
}

export async function deleteIncidentRole(
  db: Db,
  incidentId: string,
  role: string,
  person?: string,
): Promise<number> {
  const conditions = [eq(incidentRoles.incidentId, incidentId), eq(incidentRoles.role, role)];
  if (person !== undefined) conditions.push(eq(incidentRoles.person, person));
  const deleted = await db
    .delete(incidentRoles)
    .where(and(...conditions))
    .returning({ person: incidentRoles.person });
  return deleted.length;
}

/** A count for dashboards and demo checks; normalised to a number on both drivers. */
export async function countIncidents(db: Db): Promise<number> {
  const [row] = await db.select({ n: sql<number>`count(*)::int` }).from(incidents);
  return Number(row?.n ?? 0);
}

/** Numbers of incidents carrying a tag, oldest first. */
export async function findIncidentNumbersByTag(db: Db, tag: string): Promise<number[]> {
  const rows = await db
    .select({ number: incidents.number })
    .from(incidents)
    .where(sql`${tag} = any(${incidents.tags})`)
    .orderBy(asc(incidents.number));
  return rows.map((r) => r.number);
}
