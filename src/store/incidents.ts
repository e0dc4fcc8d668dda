import { and, asc, eq, inArray, sql } from "drizzle-orm";
import type { Db } from "./db.ts";
import { incidentVisibleSql } from "./incident-list.ts";
import { executeRows, textArray, toInt } from "./rows.ts";
import { incidentRoles, incidentServices, incidents, services } from "./schema/index.ts";
import { INCIDENT_EVENTS_JOB } from "./timeline.ts";

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
  /** Other role holders (from an incident type), assigned by the declarer at the declare time. */
  otherRoles?: readonly { role: string; person: string }[];
}

/**
 * Writes declared incidents, their first timeline events, service links, commanders and the engine's
 * `incident.events` job (the outbox: paging and chat start from it) in ONE statement
 * (data-modifying CTEs over a JSON array): atomic without an explicit transaction, one round trip for any
 * number of incidents. Returns the INC numbers in input order. `outbox: false` leaves the job out, for a
 * caller that makes the engine's look itself in the same transaction (and queues it if that fails).
 */
export async function insertDeclaredIncidents(
  db: Db,
  batch: readonly DeclaredIncident[],
  options: { outbox?: boolean } = {},
): Promise<number[]> {
  const input = batch.map((d, ord) => ({
    ord,
    id: d.incident.id,
    title: d.incident.title,
    description: d.incident.description ?? "",
    severity: d.incident.severity,
    status: d.incident.status,
    commander: d.incident.commander ?? null,
    tags: d.incident.tags ?? [],
    related_alerts: d.incident.relatedAlerts ?? [],
    service_names: d.incident.serviceNames ?? [],
    created_by: d.incident.createdBy,
    created_at: d.incident.createdAt.toISOString(),
    last_event_seq: d.incident.lastEventSeq ?? 0,
    last_event_hash: d.incident.lastEventHash ?? null,
    type_id: d.incident.typeId ?? null,
    custom_fields: d.incident.customFields ?? {},
    checklist: d.incident.checklist ?? null,
    private: d.incident.private ?? false,
    other_roles: d.otherRoles ?? [],
    event_seq: d.event.seq,
    event_kind: d.event.kind,
    event_actor: d.event.actor,
    event_at: d.event.at.toISOString(),
    event_data: d.event.data,
    event_hash: d.event.hash,
    service_ids: d.serviceIds,
    role_person: d.commander?.person ?? null,
    role_by: d.commander?.assignedBy ?? null,
    role_at: d.commander?.assignedAt.toISOString() ?? null,
  }));
  const rows = await executeRows(
    db,
    sql`with input as (
      select * from jsonb_to_recordset(${JSON.stringify(input)}::jsonb) as x(
        ord int, id uuid, title text, description text, severity text, status text, commander text,
        tags text[], related_alerts text[], service_names text[], created_by text, created_at timestamptz, last_event_seq int,
        last_event_hash text, type_id uuid, custom_fields jsonb, checklist jsonb, private boolean, other_roles jsonb, event_seq int, event_kind text, event_actor text, event_at timestamptz,
        event_data jsonb, event_hash text, service_ids uuid[], role_person text, role_by text, role_at timestamptz)
    ), inc as (
      insert into incidents (id, title, description, severity, status, commander, tags, related_alerts,
                             service_names, created_by, created_at, updated_at, last_event_seq, last_event_hash,
                             type_id, custom_fields, checklist, private)
      select id, title, description, severity, status, commander, tags, related_alerts,
             service_names, created_by, created_at, created_at, last_event_seq, last_event_hash,
             -- jsonb_to_recordset keeps a JSON null as the jsonb value null: the column wants SQL NULL.
             type_id, coalesce(custom_fields, '{}'::jsonb), nullif(checklist, 'null'::jsonb),
             coalesce(private, false)
      from input order by ord
      returning id, number
    ), ev as (
      insert into timeline_events (incident_id, seq, kind, actor, at, data, prev_hash, hash)
      select id, event_seq, event_kind, event_actor, event_at, event_data, null, event_hash from input
    ), links as (
      insert into incident_services (incident_id, service_id, added_at)
      select input.id, s.id, input.created_at from input, unnest(input.service_ids) as s(id)
    ), roles as (
      insert into incident_roles (incident_id, role, person, assigned_by, assigned_at)
      select id, 'commander', role_person, role_by, role_at from input where role_person is not null
      union all
      select input.id, r.role, r.person, input.created_by, input.created_at
      from input, jsonb_to_recordset(coalesce(input.other_roles, '[]'::jsonb)) as r(role text, person text)
    )${
      options.outbox === false
        ? sql``
        : sql`, outbox as (
      insert into jobs (kind, key, payload, run_at, created_at)
      select ${INCIDENT_EVENTS_JOB}, id::text, jsonb_build_object('incident_id', id, 'v', 1), created_at, created_at
      from input
      on conflict (kind, key) where state = 'pending' and key is not null do nothing
    )`
    }
    select id, number from inc`,
  );
  const numbers = new Map(rows.map((r) => [String(r.id), toInt(r.number)]));
  return batch.map((d) => {
    const number = numbers.get(d.incident.id);
    if (!number) throw new Error("insert into incidents returned no number");
    return number;
  });
}

/** Reads the incident by id under a row lock (inside the caller's transaction). */
export async function lockIncidentById(db: Db, id: string): Promise<IncidentRow | undefined> {
  const [row] = await db.select().from(incidents).where(eq(incidents.id, id)).for("update");
  return row;
}

/** INC numbers of incidents by id (for views that show the incident an alert opened). */
/** Incident numbers by id; with `visibleTo` (a username), only of incidents that user may see. */
export async function findIncidentNumbersByIds(
  db: Db,
  ids: readonly string[],
  visibleTo?: string,
): Promise<Map<string, number>> {
  if (ids.length === 0) return new Map();
  const byId = inArray(incidents.id, [...new Set(ids)]);
  const rows = await db
    .select({ id: incidents.id, number: incidents.number })
    .from(incidents)
    .where(visibleTo === undefined ? byId : and(byId, incidentVisibleSql(sql`${incidents}`, visibleTo)));
  return new Map(rows.map((r) => [r.id, r.number]));
}

/**
 * Reads incidents by id under row locks, in id order (two batches never wait on each other in a cycle).
 * `insertedHere`: the caller's own transaction inserted every one of them, so no other transaction can see
 * them, let alone change them, before it commits: they are read without locks. A lock is a write on
 * PostgreSQL (the row's header and a WAL record), and an alert batch reads back every incident it opened.
 */
export async function lockIncidentsById(
  db: Db,
  ids: readonly string[],
  options: { insertedHere?: boolean } = {},
): Promise<IncidentRow[]> {
  if (ids.length === 0) return [];
  const query = db
    .select()
    .from(incidents)
    .where(inArray(incidents.id, [...ids]))
    .orderBy(asc(incidents.id));
  return options.insertedHere ? query : query.for("update");
}

/** Moves several incidents' timeline heads (and updated_at) in one statement. */
export async function updateIncidentHeads(
  db: Db,
  heads: readonly { id: string; seq: number; hash: string; at: Date }[],
): Promise<void> {
  if (heads.length === 0) return;
  const input = heads.map((h) => ({ id: h.id, seq: h.seq, hash: h.hash, at: h.at.toISOString() }));
  await db.execute(sql`
    update incidents set last_event_seq = v.seq, last_event_hash = v.hash, updated_at = v.at
    from jsonb_to_recordset(${JSON.stringify(input)}::jsonb) as v(id uuid, seq int, hash text, at timestamptz)
    where incidents.id = v.id and incidents.id = any(${textArray(heads.map((h) => h.id))}::uuid[])`);
}
