import { and, asc, desc, eq, getTableColumns, gt, inArray, lt, ne, or, type SQL, sql } from "drizzle-orm";
import type { Db } from "./db.ts";
import { executeRows, insertJsonRows, textArray, toInt } from "./rows.ts";
import {
  alertLog,
  alertMembers,
  alerts,
  changeEvents,
  integrations,
  maintenanceWindows,
  services,
} from "./schema/index.ts";
import { sealConfig, unsealConfig } from "./secret-box.ts";

export type IntegrationRow = typeof integrations.$inferSelect;
export type AlertRow = typeof alerts.$inferSelect;
export type AlertInsert = typeof alerts.$inferInsert;
export type AlertMemberRow = typeof alertMembers.$inferSelect;
export type AlertLogInsert = typeof alertLog.$inferInsert;
export type ChangeEventRow = typeof changeEvents.$inferSelect;
export type MaintenanceWindowRow = typeof maintenanceWindows.$inferSelect;

// ---- integrations ----
// Secret settings (Grafana's hmac_secret) are sealed on write and opened on read (secret-box.ts).

const opened = <T extends IntegrationRow | undefined>(row: T): T =>
  row ? { ...row, config: unsealConfig(row.config) } : row;

export async function insertIntegration(
  db: Db,
  row: typeof integrations.$inferInsert,
): Promise<IntegrationRow> {
  const [inserted] = await db
    .insert(integrations)
    .values({ ...row, config: sealConfig(row.config) })
    .returning();
  if (!inserted) throw new Error("insert into integrations returned no row");
  return opened(inserted);
}

export async function findIntegrationByKey(db: Db, routingKey: string): Promise<IntegrationRow | undefined> {
  const [row] = await db.select().from(integrations).where(eq(integrations.routingKey, routingKey));
  return opened(row);
}

export async function findIntegrationById(db: Db, id: string): Promise<IntegrationRow | undefined> {
  const [row] = await db.select().from(integrations).where(eq(integrations.id, id));
  return opened(row);
}

export async function listIntegrations(
  db: Db,
  serviceId?: string,
): Promise<(IntegrationRow & { serviceName: string })[]> {
  const rows = await db
    .select({ i: integrations, serviceName: services.name })
    .from(integrations)
    .innerJoin(services, eq(services.id, integrations.serviceId))
    .where(serviceId ? eq(integrations.serviceId, serviceId) : undefined)
    .orderBy(asc(integrations.createdAt), asc(integrations.id));
  return rows.map((r) => ({ ...opened(r.i), serviceName: r.serviceName }));
}

export async function deleteIntegration(db: Db, id: string): Promise<boolean> {
  const rows = await db
    .delete(integrations)
    .where(eq(integrations.id, id))
    .returning({ id: integrations.id });
  return rows.length > 0;
}

export async function updateIntegration(
  db: Db,
  id: string,
  patch: Partial<typeof integrations.$inferInsert>,
): Promise<IntegrationRow | undefined> {
  const sealed = patch.config === undefined ? patch : { ...patch, config: sealConfig(patch.config) };
  const [row] = await db.update(integrations).set(sealed).where(eq(integrations.id, id)).returning();
  return opened(row);
}

/** Records when each source last sent something (one statement for a whole batch). */
export async function touchIntegrations(db: Db, seen: ReadonlyMap<string, Date>): Promise<void> {
  if (seen.size === 0) return;
  const input = [...seen].map(([id, at]) => ({ id, at: at.toISOString() }));
  await db.execute(
    sql`update integrations i set last_event_at = greatest(coalesce(i.last_event_at, x.at), x.at)
        from jsonb_to_recordset(${JSON.stringify(input)}::jsonb) as x(id uuid, at timestamptz)
        where i.id = x.id and i.id = any(${textArray([...seen.keys()])}::uuid[])`,
  );
}

// ---- alerts ----

/** An alert's key as one string: its source (integration) and dedup key, joined by a NUL. */
export const alertKey = (sourceId: string, dedupKey: string): string => `${sourceId}\u0000${dedupKey}`;

/**
 * (source, dedup key) pairs as a relation `x(s, k)`. Two arrays bound whole, so the planner knows how many
 * pairs there are and probes the alerts index per pair (see textArray).
 */
function keyPairs(keys: readonly { sourceId: string; dedupKey: string }[]): SQL {
  return sql`unnest(${textArray(keys.map((k) => k.sourceId))}::uuid[], ${textArray(keys.map((k) => k.dedupKey))}::text[]) as x(s, k)`;
}

/**
 * A row's version: its xmin, the transaction that wrote it (every write, by any replica or path, makes a
 * new one; a frozen row reads as 2, which is a change too). The alert processor keeps what it last wrote and
 * reads it again only when the version moved (app/alerts/open-alerts.ts).
 */
const rowVersion = sql<string>`"alerts".xmin::text`;

/** The current version of these alerts (see rowVersion), by id; a deleted alert is missing. */
export async function alertVersions(db: Db, ids: readonly string[]): Promise<Map<string, string>> {
  if (ids.length === 0) return new Map();
  const rows = await executeRows(
    db,
    sql`select id, xmin::text as version from alerts where id = any(${textArray(ids)}::uuid[])`,
  );
  return versionMap(rows);
}

const versionMap = (rows: Record<string, unknown>[]) =>
  new Map(rows.map((r) => [String(r.id), String(r.version)]));

/** What the alert processor rewrites only when it changed (an alert read for applying may come without it). */
type AlertContent = "details" | "links" | "images";
/** An open alert as the processor works on it: its content columns only once an event replaced them. */
export type WorkingAlert = Omit<
  AlertRow,
  AlertContent | "component" | "group" | "class" | "client" | "clientUrl"
> &
  Partial<Pick<AlertRow, AlertContent>>;

/** A stored group member as the processor needs it: fingerprint, status, digest. */
export type StoredMember = [fingerprint: string, status: string, digest: string | null];

/**
 * The open alerts of these keys, without their content (details, links, images): reading those back is
 * most of the statement's cost on PGlite, and a repeat needs only contentDigest to know they are the same.
 * Each comes with its group members (none for an ungrouped alert), in the same statement.
 */
export async function findOpenAlerts(
  db: Db,
  keys: readonly { sourceId: string; dedupKey: string }[],
): Promise<(WorkingAlert & { members: StoredMember[]; version: string })[]> {
  if (keys.length === 0) return [];
  const {
    details: _details,
    links: _links,
    images: _images,
    component: _component,
    group: _group,
    class: _class,
    client: _client,
    clientUrl: _clientUrl,
    ...columns
  } = getTableColumns(alerts);
  return db
    .select({
      ...columns,
      members: sql<
        StoredMember[]
      >`(select coalesce(json_agg(json_build_array(m.fingerprint, m.status, m.digest)),
        '[]'::json) from alert_members m where m.alert_id = ${alerts.id})`,
      version: rowVersion,
    })
    .from(alerts)
    .where(
      and(
        ne(alerts.status, "resolved"),
        sql`(${alerts.sourceId}, ${alerts.dedupKey}) in (select * from ${keyPairs(keys)})`,
      ),
    );
}

export async function insertAlert(db: Db, row: AlertInsert): Promise<AlertRow> {
  const [inserted] = await db.insert(alerts).values(row).returning();
  if (!inserted) throw new Error("insert into alerts returned no row");
  return inserted;
}

/** Allocates n alert numbers (ALR-n) ahead of the insert, in ascending order. */
export async function nextAlertNumbers(db: Db, n: number): Promise<number[]> {
  const rows = await executeRows(
    db,
    sql`select nextval('alert_number_seq') as n from generate_series(1, ${n})`,
  );
  return rows.map((r) => toInt(r.n)).sort((a, b) => a - b);
}

/** Inserts alerts; returns their versions (see rowVersion) by id. */
export async function insertAlerts(db: Db, rows: readonly AlertInsert[]): Promise<Map<string, string>> {
  if (rows.length === 0) return new Map();
  const written = await insertJsonRows(db, alerts, rows, sql`returning id, xmin::text as version`);
  return new Map(written.map((r) => [String(r.id), String(r.version)]));
}

/**
 * Counts from the writer's reads, per alert id: the event_count the writer last saw stored. A write then
 * adds what the writer counted since (its event_count minus this) to the stored count, so repeats a
 * PostgreSQL group commit counted on the row meanwhile (store/inbox.ts) are kept; the last event time only
 * moves forward. An alert without one is written as is.
 */
export type StoredCounts = ReadonlyMap<string, number>;

const countBase = (stored: StoredCounts | undefined, id: string) => stored?.get(id) ?? null;

/** The count and last event a write of `x` (with its base_count, see StoredCounts) leaves on alert `a`. */
const countedColumns = sql.raw(`event_count = case when x.base_count is null then x.event_count
            else a.event_count + x.event_count - x.base_count end,
          last_event_at = greatest(a.last_event_at, x.last_event_at)`);

/**
 * Writes back the mutable columns of many alerts in one statement; summary, severity, details, links,
 * images and their digest only for those that carry their content (replaced by an event in this batch).
 */
export async function updateAlerts(
  db: Db,
  rows: readonly WorkingAlert[],
  stored?: StoredCounts,
): Promise<Map<string, string>> {
  if (rows.length === 0) return new Map();
  const input = rows.map((a) => ({
    id: a.id,
    status: a.status,
    has_content: a.details !== undefined,
    summary: a.summary,
    source: a.source,
    severity: a.severity,
    details: a.details ?? null,
    links: a.links ?? null,
    images: a.images ?? null,
    content_digest: a.contentDigest,
    last_trigger_digest: a.lastTriggerDigest,
    event_count: a.eventCount,
    base_count: countBase(stored, a.id),
    truncated_alerts: a.truncatedAlerts,
    incident_id: a.incidentId,
    last_event_at: a.lastEventAt.toISOString(),
    acknowledged_at: a.acknowledgedAt?.toISOString() ?? null,
    resolved_at: a.resolvedAt?.toISOString() ?? null,
  }));
  const written = await executeRows(
    db,
    sql`update alerts a set status = x.status, summary = x.summary, source = x.source, severity = x.severity,
          details = case when x.has_content then x.details else a.details end,
          links = case when x.has_content then x.links else a.links end,
          images = case when x.has_content then x.images else a.images end,
          content_digest = x.content_digest, last_trigger_digest = x.last_trigger_digest,
          ${countedColumns}, truncated_alerts = x.truncated_alerts, incident_id = x.incident_id,
          acknowledged_at = x.acknowledged_at, resolved_at = x.resolved_at
        from jsonb_to_recordset(${JSON.stringify(input)}::jsonb) as x(
          id uuid, status text, has_content boolean, summary text, source text, severity text, details jsonb,
          links jsonb, images jsonb, content_digest text, last_trigger_digest text, event_count int,
          base_count int, truncated_alerts int, incident_id uuid,
          last_event_at timestamptz, acknowledged_at timestamptz, resolved_at timestamptz)
        where a.id = x.id and a.id = any(${textArray(rows.map((r) => r.id))}::uuid[])
        returning a.id, a.xmin::text as version`,
  );
  return versionMap(written);
}

/**
 * Records repeats of open alerts whose content and state did not change: their count, last event and
 * truncation only (an Alertmanager group re-sent every repeat_interval, a PagerDuty trigger re-sent by a
 * retrying client). Cheaper than updateAlerts, which rewrites details, links and images.
 */
export async function recordRepeats(
  db: Db,
  rows: readonly WorkingAlert[],
  stored?: StoredCounts,
): Promise<Map<string, string>> {
  if (rows.length === 0) return new Map();
  const bases = rows.map((r) => countBase(stored, r.id));
  const written = await executeRows(
    db,
    sql`update alerts a set ${countedColumns},
          truncated_alerts = x.truncated_alerts, last_trigger_digest = x.last_trigger_digest
        from unnest(${textArray(rows.map((r) => r.id))}::uuid[], ${textArray(rows.map((r) => String(r.eventCount)))}::int[],
          ${textArray(rows.map((r) => r.lastEventAt.toISOString()))}::timestamptz[],
          ${textArray(rows.map((r) => String(r.truncatedAlerts)))}::int[],
          ${textArray(rows.map((r) => r.lastTriggerDigest))}::text[],
          ${textArray(bases.map((b) => (b === null ? null : String(b))))}::int[])
          as x(id, event_count, last_event_at, truncated_alerts, last_trigger_digest, base_count)
        where a.id = x.id
        returning a.id, a.xmin::text as version`,
  );
  return versionMap(written);
}

export interface MemberWrite {
  alertId: string;
  fingerprint: string;
  status: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  startsAt?: string | null;
  endsAt?: string | null;
  generatorUrl?: string | null;
  extra?: Record<string, unknown>;
  /** memberDigest() of a whole write; a status-only write clears the stored one. */
  digest?: string | null;
  /** Only the status changed (a member that left its group): keep the rest as stored. */
  statusOnly?: boolean;
}

/** Inserts or updates members in one statement. */
export async function upsertMembers(db: Db, writes: readonly MemberWrite[], now: Date): Promise<void> {
  if (writes.length === 0) return;
  // One row per member: a batch may carry the same group twice, and ON CONFLICT cannot touch a row twice in
  // one statement. The last write wins, keeping what an earlier one said where the later one says nothing.
  const last = new Map<string, MemberWrite>();
  for (const w of writes) {
    const key = `${w.alertId}\u0000${w.fingerprint}`;
    const before = last.get(key);
    last.set(key, before && w.statusOnly ? { ...before, status: w.status } : w);
  }
  const rows = [...last.values()];
  const input = rows.map((m) => ({
    alert_id: m.alertId,
    fingerprint: m.fingerprint,
    status: m.status,
    labels: m.labels ?? {},
    annotations: m.annotations ?? {},
    starts_at: m.startsAt ?? null,
    ends_at: m.endsAt ?? null,
    generator_url: m.generatorUrl ?? null,
    extra: m.extra ?? {},
    digest: m.statusOnly ? null : (m.digest ?? null),
    status_only: m.statusOnly ?? false,
  }));
  await db.execute(
    sql`insert into alert_members as m (alert_id, fingerprint, status, labels, annotations, starts_at, ends_at,
          generator_url, extra, digest, updated_at)
        select alert_id, fingerprint, status, labels, annotations, starts_at, ends_at, generator_url, extra, digest,
               ${now.toISOString()}::timestamptz
        from jsonb_to_recordset(${JSON.stringify(input)}::jsonb) as x(alert_id uuid, fingerprint text, status text,
          labels jsonb, annotations jsonb, starts_at timestamptz, ends_at timestamptz, generator_url text, extra jsonb,
          digest text, status_only boolean)
        on conflict (alert_id, fingerprint) do update set status = excluded.status, updated_at = excluded.updated_at,
          digest = excluded.digest,
          labels = case when excluded.labels = '{}'::jsonb then m.labels else excluded.labels end,
          annotations = case when excluded.annotations = '{}'::jsonb then m.annotations else excluded.annotations end,
          starts_at = coalesce(excluded.starts_at, m.starts_at), ends_at = coalesce(excluded.ends_at, m.ends_at),
          generator_url = coalesce(excluded.generator_url, m.generator_url),
          extra = case when excluded.extra = '{}'::jsonb then m.extra else excluded.extra end`,
  );
}

export async function insertAlertLog(db: Db, rows: readonly AlertLogInsert[]): Promise<void> {
  if (rows.length === 0) return;
  const input = rows.map((r) => ({
    source_id: r.sourceId,
    alert_id: r.alertId ?? null,
    at: r.at,
    action: r.action,
    outcome: r.outcome,
    message: r.message,
  }));
  await db.execute(
    sql`insert into alert_log (source_id, alert_id, at, action, outcome, message)
        select source_id, alert_id, at, action, outcome, message
        from jsonb_to_recordset(${JSON.stringify(input)}::jsonb) as x(source_id uuid, alert_id uuid,
          at timestamptz, action text, outcome text, message text)`,
  );
}

export async function listAlertLog(db: Db, sourceId: string, limit: number) {
  return db
    .select()
    .from(alertLog)
    .where(eq(alertLog.sourceId, sourceId))
    .orderBy(desc(alertLog.id))
    .limit(limit);
}

/**
 * For each (source, dedup key): the open incident the latest earlier alert with that key belongs to. One
 * query for a whole batch; keys without one are left out.
 */
export async function findOpenIncidentsForKeys(
  db: Db,
  keys: readonly { sourceId: string; dedupKey: string }[],
): Promise<Map<string, { id: string; number: number }>> {
  if (keys.length === 0) return new Map();
  const rows = await executeRows(
    db,
    sql`select distinct on (a.source_id, a.dedup_key) a.source_id, a.dedup_key, i.id, i.number
        from ${keyPairs(keys)} join alerts a on a.source_id = x.s and a.dedup_key = x.k
        join incidents i on i.id = a.incident_id
        where i.status in ('triggered', 'acknowledged', 'investigating', 'mitigating')
        order by a.source_id, a.dedup_key, a.created_at desc`,
  );
  return new Map(
    rows.map((r) => [
      alertKey(String(r.source_id), String(r.dedup_key)),
      { id: String(r.id), number: toInt(r.number) },
    ]),
  );
}

/** Resolves every open alert of an incident (the incident was resolved by hand); returns them. */
export async function resolveOpenAlertsOfIncident(
  db: Db,
  incidentId: string,
  at: Date,
): Promise<{ id: string; number: number; sourceId: string }[]> {
  return db
    .update(alerts)
    .set({ status: "resolved", resolvedAt: at })
    .where(and(eq(alerts.incidentId, incidentId), ne(alerts.status, "resolved")))
    .returning({ id: alerts.id, number: alerts.number, sourceId: alerts.sourceId });
}

export async function countOpenAlertsOfIncident(db: Db, incidentId: string): Promise<number> {
  const [row] = await executeRows(
    db,
    sql`select count(*) as n from alerts where incident_id = ${incidentId} and status <> 'resolved' and not suppressed`,
  );
  return toInt(row?.n);
}

export async function findAlertByNumber(db: Db, number: number): Promise<AlertRow | undefined> {
  const [row] = await db.select().from(alerts).where(eq(alerts.number, number));
  return row;
}

export async function listAlertMembers(db: Db, alertId: string): Promise<AlertMemberRow[]> {
  return db
    .select()
    .from(alertMembers)
    .where(eq(alertMembers.alertId, alertId))
    .orderBy(asc(alertMembers.fingerprint));
}

export interface AlertFilter {
  status?: string[];
  serviceIds?: string[];
  severity?: string[];
  incidentId?: string;
  sourceId?: string;
  /** Keyset cursor: rows strictly older than (createdAt, number). */
  before?: { createdAt: Date; number: number };
  limit: number;
}

export async function listAlertRows(db: Db, f: AlertFilter): Promise<(AlertRow & { serviceName: string })[]> {
  const conditions = [
    f.status?.length ? inArray(alerts.status, f.status) : undefined,
    f.serviceIds?.length ? inArray(alerts.serviceId, f.serviceIds) : undefined,
    f.severity?.length ? inArray(alerts.severity, f.severity) : undefined,
    f.incidentId ? eq(alerts.incidentId, f.incidentId) : undefined,
    f.sourceId ? eq(alerts.sourceId, f.sourceId) : undefined,
    f.before
      ? or(
          lt(alerts.createdAt, f.before.createdAt),
          and(eq(alerts.createdAt, f.before.createdAt), lt(alerts.number, f.before.number)),
        )
      : undefined,
  ].filter((c) => c !== undefined);
  const rows = await db
    .select({ a: alerts, serviceName: services.name })
    .from(alerts)
    .innerJoin(services, eq(services.id, alerts.serviceId))
    .where(conditions.length ? and(...conditions) : undefined)
    .orderBy(desc(alerts.createdAt), desc(alerts.number))
    .limit(f.limit);
  return rows.map((r) => ({ ...r.a, serviceName: r.serviceName }));
}

/** Open alerts per service: for service health. */
export async function openAlertsByService(
  db: Db,
): Promise<{ serviceId: string; severity: string | null; suppressed: boolean }[]> {
  return db
    .select({ serviceId: alerts.serviceId, severity: alerts.severity, suppressed: alerts.suppressed })
    .from(alerts)
    .where(ne(alerts.status, "resolved"));
}

// ---- change events ----

export async function insertChangeEvents(db: Db, rows: readonly (typeof changeEvents.$inferInsert)[]) {
  if (rows.length === 0) return;
  await db.insert(changeEvents).values([...rows]);
}

export async function listChangeEvents(
  db: Db,
  serviceIds: readonly string[],
  from: Date | null,
  to: Date | null,
  limit: number,
): Promise<(ChangeEventRow & { serviceName: string })[]> {
  if (serviceIds.length === 0) return [];
  const rows = await db
    .select({ c: changeEvents, serviceName: services.name })
    .from(changeEvents)
    .innerJoin(services, eq(services.id, changeEvents.serviceId))
    .where(
      and(
        inArray(changeEvents.serviceId, [...serviceIds]),
        from ? gt(changeEvents.at, from) : undefined,
        to ? lt(changeEvents.at, to) : undefined,
      ),
    )
    .orderBy(desc(changeEvents.at))
    .limit(limit);
  return rows.map((r) => ({ ...r.c, serviceName: r.serviceName }));
}

// ---- maintenance windows ----

export async function insertMaintenanceWindow(db: Db, row: typeof maintenanceWindows.$inferInsert) {
  const [inserted] = await db.insert(maintenanceWindows).values(row).returning();
  if (!inserted) throw new Error("insert into maintenance_windows returned no row");
  return inserted;
}

export async function listMaintenanceWindows(db: Db, serviceId: string, endedAfter: Date) {
  return db
    .select()
    .from(maintenanceWindows)
    .where(and(eq(maintenanceWindows.serviceId, serviceId), gt(maintenanceWindows.endsAt, endedAfter)))
    .orderBy(asc(maintenanceWindows.startsAt));
}

export async function deleteMaintenanceWindow(db: Db, serviceId: string, id: string): Promise<boolean> {
  const rows = await db
    .delete(maintenanceWindows)
    .where(and(eq(maintenanceWindows.id, id), eq(maintenanceWindows.serviceId, serviceId)))
    .returning({ id: maintenanceWindows.id });
  return rows.length > 0;
}

/** The maintenance windows of these services that overlap [from, to]. */
/** When a service's maintenance window runs. */
export interface WindowSpan {
  serviceId: string;
  startsAt: Date;
  endsAt: Date;
}

export async function maintenanceWindowsDuring(
  db: Db,
  serviceIds: readonly string[],
  from: Date,
  to: Date,
): Promise<WindowSpan[]> {
  if (serviceIds.length === 0) return [];
  return db
    .select({
      serviceId: maintenanceWindows.serviceId,
      startsAt: maintenanceWindows.startsAt,
      endsAt: maintenanceWindows.endsAt,
    })
    .from(maintenanceWindows)
    .where(
      and(
        inArray(maintenanceWindows.serviceId, [...new Set(serviceIds)]),
        sql`${maintenanceWindows.startsAt} <= ${to.toISOString()}::timestamptz`,
        gt(maintenanceWindows.endsAt, from),
      ),
    );
}
