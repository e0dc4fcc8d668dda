import { and, asc, eq, inArray, sql } from "drizzle-orm";
import type { Db } from "./db.ts";
import { executeRows, toInt } from "./rows.ts";
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

export interface DeclaredIncident {
  incident: Omit<IncidentInsert, "number">;
  event: { seq: number; kind: string; actor: string; at: Date; data: Record<string, unknown>; hash: string };
  serviceIds: readonly string[];
  commander: { person: string; assignedBy: string; assignedAt: Date } | null;
}

const textArray = (values: readonly string[]) =>
  values.length
    ? sql`array[${sql.join(
        values.map((v) => sql`${v}`),
        sql`, `,
      )}]::text[]`
    : sql`'{}'::text[]`;

/**
 * Writes a newly declared incident, its first timeline event, its service links and its commander in
 * ONE statement (data-modifying CTEs): atomic without an explicit transaction, and one round trip,
 * which is what PGlite's single in-process connection rewards (ADR 0001). Returns the INC number.
 */
export async function insertDeclaredIncident(db: Db, d: DeclaredIncident): Promise<number> {
  const i = d.incident;
  const at = (x: Date) => sql`${x.toISOString()}::timestamptz`;
  const ids = d.serviceIds.length
    ? sql`array[${sql.join(
        d.serviceIds.map((s) => sql`${s}`),
        sql`, `,
      )}]::uuid[]`
    : sql`'{}'::uuid[]`;
  const rows = await executeRows(
    db,
    sql`with inc as (
      insert into incidents (id, title, description, severity, status, commander, tags, related_alerts,
                             created_by, created_at, updated_at, last_event_seq, last_event_hash)
      values (${i.id}::uuid, ${i.title}, ${i.description ?? ""}, ${i.severity}, ${i.status}, ${i.commander ?? null},
              ${textArray(i.tags ?? [])}, ${textArray(i.relatedAlerts ?? [])}, ${i.createdBy}, ${at(i.createdAt)},
              ${at(i.updatedAt)}, ${i.lastEventSeq ?? 0}, ${i.lastEventHash ?? null})
      returning id, number
    ), ev as (
      insert into timeline_events (incident_id, seq, kind, actor, at, data, prev_hash, hash)
      select inc.id, ${d.event.seq}, ${d.event.kind}, ${d.event.actor}, ${at(d.event.at)},
             ${JSON.stringify(d.event.data)}::jsonb, null, ${d.event.hash} from inc
    ), links as (
      insert into incident_services (incident_id, service_id, added_at)
      select inc.id, s.id, ${at(i.createdAt)} from inc, unnest(${ids}) as s(id)
    ), commander as (
      insert into incident_roles (incident_id, role, person, assigned_by, assigned_at)
      select inc.id, 'commander', ${d.commander?.person ?? null}::text, ${d.commander?.assignedBy ?? null}::text,
             ${d.commander ? at(d.commander.assignedAt) : sql`null::timestamptz`}
      from inc where ${d.commander?.person ?? null}::text is not null
    )
    select number from inc`,
  );
  const number = toInt(rows[0]?.number);
  if (!number) throw new Error("insert into incidents returned no number");
  return number;
}
