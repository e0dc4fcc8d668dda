/**
 * Issue 9's rollups (schema/metrics.ts): reading the facts of the days to recompute, replacing their rollup
 * rows, claiming dirty days, and the report's reads. The arithmetic (what an incident contributes, sketches,
 * off hours) is the domain's, applied in app/metrics/rollup.ts; this module only moves rows.
 *
 * Days are "YYYY-MM-DD" UTC dates, instants are epoch milliseconds (as float8, identical on both drivers).
 * Lists go in as one text parameter (comma-separated or JSON): drizzle would expand a JS array into a
 * parameter list, and one JSON document inserts thousands of rows in one statement on both drivers.
 */
import { sql } from "drizzle-orm";
import type { IncidentCell } from "#domain/metrics/types.ts";
import type { Db } from "./db.ts";
import { executeRows, toInt } from "./rows.ts";
import { ANY_TYPE_ID } from "./schema/metrics.ts";

export { ANY_TYPE_ID };

/** The type_id of incidents declared without a type (a primary key column cannot be null). */
export const NIL_TYPE_ID = "00000000-0000-0000-0000-000000000000";

export type DirtyKind = "incident" | "alert" | "page";

const ms = (column: string) => sql.raw(`(extract(epoch from ${column}) * 1000)::float8`);
/** The Monday of a date column's ISO week, in date arithmetic (no session time zone involved). */
const monday = (column: string) => sql.raw(`(${column} - (extract(isodow from ${column})::int - 1))`);
const dayList = (days: readonly string[]) => sql`string_to_array(${days.join(",")}, ',')::date[]`;
const num = (value: unknown): number | null =>
  value === null || value === undefined ? null : typeof value === "number" ? value : Number(value);
const nums = (value: unknown): number[] =>
  Array.isArray(value) ? value.map((v) => (typeof v === "number" ? v : Number(v))) : [];
const strs = (value: unknown): string[] => (Array.isArray(value) ? value.map(String) : []);

function dayBounds(days: readonly string[]): { lo: string; hi: string } {
  const sorted = [...days].sort();
  const last = new Date(`${sorted[sorted.length - 1]}T00:00:00Z`);
  return { lo: `${sorted[0]}T00:00:00Z`, hi: new Date(last.getTime() + 86_400_000).toISOString() };
}

// ---------------------------------------------------------------------------------------------------------
// Claiming work

/**
 * Takes the rollup lock for the rest of the transaction; false when another refresher holds it (it will
 * do the work). PGlite has one connection, so there it is always free.
 */
export async function tryLockRollups(tx: Db, wait = false): Promise<boolean> {
  if (wait) {
    await executeRows(tx, sql`select pg_advisory_xact_lock(hashtext('foghorn:metrics'))`);
    return true;
  }
  const [row] = await executeRows(
    tx,
    sql`select pg_try_advisory_xact_lock(hashtext('foghorn:metrics')) as ok`,
  );
  return row?.ok === true;
}

/**
 * Compares the stored policy fingerprint with `hash`; when it differs (or none is stored), records it and
 * marks every day with incidents dirty. Returns whether it did.
 */
export async function syncPolicyFingerprint(tx: Db, hash: string, now: Date): Promise<boolean> {
  const [row] = await executeRows(tx, sql`select policy_hash from metric_rollup_state where id = 1`);
  if (row && row.policy_hash === hash) return false;
  await tx.execute(
    sql`insert into metric_rollup_state (id, policy_hash, updated_at) values (1, ${hash}, ${now.toISOString()})
        on conflict (id) do update set policy_hash = excluded.policy_hash, updated_at = excluded.updated_at`,
  );
  // Only when a fingerprint was stored before: a fresh database was marked by the migration already.
  if (row)
    await tx.execute(
      sql`insert into metric_dirty_days (kind, day)
          select distinct 'incident', (created_at at time zone 'UTC')::date from incidents
          on conflict do nothing`,
    );
  return row !== undefined;
}

/** Marks dirty the days whose rollup expired (a pending figure's deadline passed). */
export async function markExpiredDays(tx: Db, now: Date): Promise<void> {
  await tx.execute(
    sql`insert into metric_dirty_days (kind, day)
        select distinct 'incident', day from metric_incident_days where valid_until <= ${now.toISOString()}
        on conflict do nothing`,
  );
}

/**
 * Claims (deletes) the dirty days of `kind` in the first `weeks` ISO weeks that have any, so a week's
 * rollup is rebuilt once however many of its days changed. The claim commits with the recomputed rows; a
 * failure leaves the days dirty.
 */
export async function claimDirtyDays(tx: Db, kind: DirtyKind, weeks: number): Promise<string[]> {
  const rows = await executeRows(
    tx,
    sql`with w as (
          select distinct ${monday("day")} as week from metric_dirty_days
          where kind = ${kind} order by 1 limit ${weeks}
        )
        delete from metric_dirty_days d using w
        where d.kind = ${kind} and d.day >= w.week and d.day < w.week + 7
        returning d.day::text as day`,
  );
  return rows.map((r) => String(r.day)).sort();
}

/**
 * Waits until the write transactions of this database in flight when the days were claimed have ended, so
 * the facts read next includes their changes. (A writer that found a day already marked dirty marked
 * nothing; had it committed after the read, its change would be missed until the day changed again.)
 * A writer blocked by this transaction is not waited for: it can only commit after it, and then marks its
 * day again. Returns false when one is still running after `timeoutMs`: the caller marks its days dirty
 * again. PGlite has no other sessions: nothing to wait for.
 */
export async function waitForWriters(tx: Db, timeoutMs = 2000): Promise<boolean> {
  const [row] = await executeRows(
    tx,
    sql`select coalesce(array_agg(backend_xid::text), '{}') as xids from pg_stat_activity
        where datname = current_database() and pid <> pg_backend_pid() and backend_xid is not null`,
  );
  const xids = strs(row?.xids);
  if (xids.length === 0) return true;
  const started = Date.now();
  let pause = 2;
  for (;;) {
    const [left] = await executeRows(
      tx,
      sql`select count(*)::int as n from pg_stat_activity
          where datname = current_database() and pid <> pg_backend_pid()
            and backend_xid::text = any(string_to_array(${xids.join(",")}, ','))
            and not (pg_backend_pid() = any(pg_blocking_pids(pid)))`,
    );
    if (toInt(left?.n) === 0) return true;
    if (Date.now() - started > timeoutMs) return false;
    await new Promise((resolve) => setTimeout(resolve, pause));
    pause = Math.min(pause * 2, 50);
  }
}

export async function markDaysDirty(tx: Db, kind: DirtyKind, days: readonly string[]): Promise<void> {
  if (days.length === 0) return;
  await tx.execute(
    sql`insert into metric_dirty_days (kind, day) select ${kind}, d from unnest(${dayList(days)}) d
        on conflict do nothing`,
  );
}

/** How many (kind, ISO week) pairs have dirty days: the most batches a refresh needs. */
export async function countDirtyWeeks(db: Db): Promise<number> {
  const [row] = await executeRows(
    db,
    sql`select count(distinct (kind, ${monday("day")}))::int as n from metric_dirty_days`,
  );
  return toInt(row?.n);
}

// ---------------------------------------------------------------------------------------------------------
// Incident rollups

/** One incident as the rollup reads it. */
export interface IncidentFactRow {
  day: string;
  severity: string;
  status: string;
  createdAt: number;
  acknowledgedAt: number | null;
  mitigatedAt: number | null;
  resolvedAt: number | null;
  /** NIL_TYPE_ID when declared without one. */
  typeId: string;
  serviceNames: string[];
  updateTimes: number[];
  postmortemPublishedAt: number | null;
  actionItemsDone: number;
  actionItemsOpen: number;
  /** Due times of the open action items that have one. */
  openActionItemDues: number[];
}

/** Every incident created on one of `days`, with its status update times, postmortem and action items. */
export async function readIncidentFacts(db: Db, days: readonly string[]): Promise<IncidentFactRow[]> {
  if (days.length === 0) return [];
  const { lo, hi } = dayBounds(days);
  const rows = await executeRows(
    db,
    sql`select to_char(i.created_at at time zone 'UTC', 'YYYY-MM-DD') as day, i.severity, i.status,
          ${ms("i.created_at")} as created, ${ms("i.acknowledged_at")} as acknowledged,
          ${ms("i.mitigated_at")} as mitigated, ${ms("i.resolved_at")} as resolved,
          coalesce(i.type_id::text, ${NIL_TYPE_ID}) as type_id, i.service_names,
          array(select ${ms("u.created_at")} from status_updates u where u.incident_id = i.id) as updates,
          (select ${ms("p.published_at")} from postmortems p
            where p.incident_id = i.id and p.status = 'published') as published,
          ai.done as ai_done, ai.open as ai_open, ai.dues as ai_dues
        from incidents i
        left join lateral (
          select count(*) filter (where a.status = 'done')::int as done,
                 count(*) filter (where a.status <> 'done')::int as open,
                 array_agg(${ms("a.due_at")}) filter (where a.status <> 'done' and a.due_at is not null) as dues
          from action_items a where a.incident_id = i.id
        ) ai on true
        where i.created_at >= ${lo}::timestamptz and i.created_at < ${hi}::timestamptz
          and (i.created_at at time zone 'UTC')::date = any(${dayList(days)})`,
  );
  return rows.map((r) => ({
    day: String(r.day),
    severity: String(r.severity),
    status: String(r.status),
    createdAt: num(r.created) ?? 0,
    acknowledgedAt: num(r.acknowledged),
    mitigatedAt: num(r.mitigated),
    resolvedAt: num(r.resolved),
    typeId: String(r.type_id),
    serviceNames: strs(r.service_names),
    updateTimes: nums(r.updates),
    postmortemPublishedAt: num(r.published),
    actionItemsDone: toInt(r.ai_done),
    actionItemsOpen: toInt(r.ai_open),
    openActionItemDues: nums(r.ai_dues),
  }));
}

/** Every service by lower-case name, with its team. */
export async function readServiceTeams(db: Db): Promise<Map<string, { id: string; teamId: string | null }>> {
  const rows = await executeRows(
    db,
    sql`select lower(name) as name, id::text as id, team_id::text as team_id from services`,
  );
  return new Map(
    rows.map((r) => [
      String(r.name),
      { id: String(r.id), teamId: r.team_id == null ? null : String(r.team_id) },
    ]),
  );
}

/** The figures of one rollup row (a day's or a week's), keys apart: a domain cell plus its action items. */
export interface IncidentRollupFigures extends Omit<IncidentCell, "validUntil"> {
  actionItemsOpen: number;
  actionItemsOverdue: number;
  actionItemsDone: number;
}

export interface IncidentDayRow extends IncidentRollupFigures {
  day: string;
  scope: string;
  severity: string;
  typeId: string;
  validUntil: Date | null;
}

export interface IncidentWeekRow extends IncidentRollupFigures {
  week: string;
  scope: string;
  severity: string;
  typeId: string;
}

const FIGURE_COLUMNS = `incidents, acknowledged, ack_sum_seconds, ack_hist, resolved, resolve_sum_seconds, resolve_hist,
  sla_decided, sla_met, updates_required, updates_on_time, postmortems_decided, postmortems_on_time,
  postmortems_late, action_items_open, action_items_overdue, action_items_done`;

function figuresJson(f: IncidentRollupFigures): Record<string, unknown> {
  return {
    incidents: f.incidents,
    acknowledged: f.acknowledged,
    ack_sum_seconds: Math.round(f.ackSumSeconds),
    ack_hist: f.ackHist,
    resolved: f.resolved,
    resolve_sum_seconds: Math.round(f.resolveSumSeconds),
    resolve_hist: f.resolveHist,
    sla_decided: f.slaDecided,
    sla_met: f.slaMet,
    updates_required: f.updatesRequired,
    updates_on_time: f.updatesOnTime,
    postmortems_decided: f.postmortemsDecided,
    postmortems_on_time: f.postmortemsOnTime,
    postmortems_late: f.postmortemsLate,
    action_items_open: f.actionItemsOpen,
    action_items_overdue: f.actionItemsOverdue,
    action_items_done: f.actionItemsDone,
  };
}

function figuresOf(r: Record<string, unknown>): IncidentRollupFigures {
  return {
    incidents: toInt(r.incidents),
    acknowledged: toInt(r.acknowledged),
    ackSumSeconds: toInt(r.ack_sum_seconds),
    ackHist: nums(r.ack_hist),
    resolved: toInt(r.resolved),
    resolveSumSeconds: toInt(r.resolve_sum_seconds),
    resolveHist: nums(r.resolve_hist),
    slaDecided: toInt(r.sla_decided),
    slaMet: toInt(r.sla_met),
    updatesRequired: toInt(r.updates_required),
    updatesOnTime: toInt(r.updates_on_time),
    postmortemsDecided: toInt(r.postmortems_decided),
    postmortemsOnTime: toInt(r.postmortems_on_time),
    postmortemsLate: toInt(r.postmortems_late),
    actionItemsOpen: toInt(r.action_items_open),
    actionItemsOverdue: toInt(r.action_items_overdue),
    actionItemsDone: toInt(r.action_items_done),
  };
}

/** Rows per statement: one JSON document of a few MB at most. */
const INSERT_CHUNK = 4000;

async function insertJson(db: Db, table: string, columns: string, rows: Record<string, unknown>[]) {
  for (let at = 0; at < rows.length; at += INSERT_CHUNK) {
    const chunk = JSON.stringify(rows.slice(at, at + INSERT_CHUNK));
    await db.execute(
      sql`insert into ${sql.raw(table)} (${sql.raw(columns)})
          select ${sql.raw(columns)} from json_populate_recordset(null::${sql.raw(table)}, ${chunk}::json)`,
    );
  }
}

/** Replaces the incident rollup rows of `days` with `rows` (rows of other days are ignored). */
export async function replaceIncidentDays(db: Db, days: readonly string[], rows: readonly IncidentDayRow[]) {
  if (days.length === 0) return;
  await db.execute(sql`delete from metric_incident_days where day = any(${dayList(days)})`);
  await insertJson(
    db,
    "metric_incident_days",
    `day, scope, severity, type_id, ${FIGURE_COLUMNS}, valid_until`,
    rows.map((r) => ({
      day: r.day,
      scope: r.scope,
      severity: r.severity,
      type_id: r.typeId,
      ...figuresJson(r),
      valid_until: r.validUntil?.toISOString() ?? null,
    })),
  );
}

/** The incident rollup rows of the days in [fromDay, toDay) other than `except` (to sum a week). */
export async function readIncidentDayRows(
  db: Db,
  fromDay: string,
  toDay: string,
  except: readonly string[],
): Promise<IncidentDayRow[]> {
  const rows = await executeRows(
    db,
    sql`select day::text as day, scope, severity, type_id::text as type_id, ${sql.raw(FIGURE_COLUMNS)}
        from metric_incident_days
        where day >= ${fromDay}::date and day < ${toDay}::date and not (day = any(${dayList(except.length ? except : ["1970-01-01"])}))`,
  );
  return rows.map((r) => ({
    day: String(r.day),
    scope: String(r.scope),
    severity: String(r.severity),
    typeId: String(r.type_id),
    ...figuresOf(r),
    validUntil: null,
  }));
}

export async function replaceIncidentWeeks(
  db: Db,
  weeks: readonly string[],
  rows: readonly IncidentWeekRow[],
) {
  if (weeks.length === 0) return;
  await db.execute(sql`delete from metric_incident_weeks where week = any(${dayList(weeks)})`);
  await insertJson(
    db,
    "metric_incident_weeks",
    `week, scope, severity, type_id, ${FIGURE_COLUMNS}`,
    rows.map((r) => ({
      week: r.week,
      scope: r.scope,
      severity: r.severity,
      type_id: r.typeId,
      ...figuresJson(r),
    })),
  );
}

// ---------------------------------------------------------------------------------------------------------
// Alert rollups: all in SQL (noise: no incident, or not the lowest-numbered alert of its incident).

export async function rebuildAlertDays(db: Db, days: readonly string[]): Promise<void> {
  if (days.length === 0) return;
  const { lo, hi } = dayBounds(days);
  await db.execute(sql`delete from metric_alert_days where day = any(${dayList(days)})`);
  await db.execute(
    sql`insert into metric_alert_days (day, service_id, alerts, noise)
        select (a.created_at at time zone 'UTC')::date, a.service_id, count(*)::int,
          count(*) filter (where a.incident_id is null or exists (
            select 1 from alerts b where b.incident_id = a.incident_id and b.number < a.number))::int
        from alerts a
        where a.created_at >= ${lo}::timestamptz and a.created_at < ${hi}::timestamptz
          and (a.created_at at time zone 'UTC')::date = any(${dayList(days)})
        group by 1, 2`,
  );
}

// ---------------------------------------------------------------------------------------------------------
// Page rollups

export interface PageFactRow {
  day: string;
  userId: string;
  /** 'sent' or 'failed'. */
  state: string;
  sentAt: number | null;
  timeZone: string;
  /** The paged incident's; null: a page without an incident. */
  severity: string | null;
  typeId: string;
  serviceNames: string[];
}

/** The sent and failed pages (reason page or escalation_rule) of `days` (by when they were sent; failed ones by when they were created). */
export async function readPageFacts(db: Db, days: readonly string[]): Promise<PageFactRow[]> {
  if (days.length === 0) return [];
  const { lo, hi } = dayBounds(days);
  const rows = await executeRows(
    db,
    sql`select to_char(coalesce(n.sent_at, n.created_at) at time zone 'UTC', 'YYYY-MM-DD') as day,
          n.user_id::text as user_id, n.state, ${ms("n.sent_at")} as sent, u.time_zone,
          i.severity, coalesce(i.type_id::text, ${NIL_TYPE_ID}) as type_id, i.service_names
        from notifications n
        join users u on u.id = n.user_id
        left join incidents i on i.id = n.incident_id
        where n.state in ('sent', 'failed')
          -- A page wakes someone for an incident (its escalation or an escalation rule); update reminders,
          -- hand-off notices and test messages are not on-call load.
          and n.reason in ('page', 'escalation_rule')
          and coalesce(n.sent_at, n.created_at) >= ${lo}::timestamptz
          and coalesce(n.sent_at, n.created_at) < ${hi}::timestamptz
          and (coalesce(n.sent_at, n.created_at) at time zone 'UTC')::date = any(${dayList(days)})`,
  );
  return rows.map((r) => ({
    day: String(r.day),
    userId: String(r.user_id),
    state: String(r.state),
    sentAt: num(r.sent),
    timeZone: String(r.time_zone ?? "UTC"),
    severity: r.severity == null ? null : String(r.severity),
    typeId: String(r.type_id),
    serviceNames: strs(r.service_names),
  }));
}

export interface PageDayRow {
  day: string;
  scope: string;
  severity: string;
  typeId: string;
  userId: string;
  sent: number;
  offHours: number;
  failed: number;
}

/** Replaces the page rollups of `days`, then rebuilds their weeks (sums of the days, per type and ANY). */
export async function replacePageDays(db: Db, days: readonly string[], rows: readonly PageDayRow[]) {
  if (days.length === 0) return;
  await db.execute(sql`delete from metric_page_days where day = any(${dayList(days)})`);
  await insertJson(
    db,
    "metric_page_days",
    "day, scope, severity, type_id, user_id, sent, off_hours, failed",
    rows.map((r) => ({
      day: r.day,
      scope: r.scope,
      severity: r.severity,
      type_id: r.typeId,
      user_id: r.userId,
      sent: r.sent,
      off_hours: r.offHours,
      failed: r.failed,
    })),
  );
  const weeks = sql`(select distinct ${monday("d")} as week from unnest(${dayList(days)}) d)`;
  await db.execute(sql`delete from metric_page_weeks where week in ${weeks}`);
  await db.execute(
    sql`insert into metric_page_weeks (week, scope, severity, type_id, user_id, sent, off_hours, failed)
        select w.week, p.scope, p.severity, t.type_id, p.user_id, sum(p.sent), sum(p.off_hours), sum(p.failed)
        from ${weeks} w
        join metric_page_days p on p.day >= w.week and p.day < w.week + 7
        cross join lateral (values (p.type_id), (${ANY_TYPE_ID}::uuid)) t(type_id)
        group by w.week, p.scope, p.severity, t.type_id, p.user_id`,
  );
}

// ---------------------------------------------------------------------------------------------------------
// Report reads

/** What a report reads the rollups for: a scope, [fromDay, toDay), optionally severities and a type. */
export interface RollupQuery {
  scope: string;
  fromDay: string;
  toDay: string;
  /** Empty: every severity. */
  severities: readonly string[];
  /** null: every type; NIL_TYPE_ID: incidents without one. */
  typeId: string | null;
}

const DAY_MS = 86_400_000;
const addDays = (day: string, n: number) =>
  new Date(new Date(`${day}T00:00:00Z`).getTime() + n * DAY_MS).toISOString().slice(0, 10);
/** Monday of the ISO week holding `day`. */
export function mondayOf(day: string): string {
  const weekday = (new Date(`${day}T00:00:00Z`).getUTCDay() + 6) % 7; // Monday 0
  return addDays(day, -weekday);
}

/** The whole ISO weeks inside [fromDay, toDay) (as [first Monday, end Monday)) and the days around them. */
export function splitRange(
  fromDay: string,
  toDay: string,
): {
  weeks: { from: string; to: string } | null;
  days: { from: string; to: string }[];
} {
  const firstMonday = mondayOf(fromDay) === fromDay ? fromDay : addDays(mondayOf(fromDay), 7);
  const endMonday = mondayOf(toDay);
  if (firstMonday >= endMonday)
    return { weeks: null, days: fromDay < toDay ? [{ from: fromDay, to: toDay }] : [] };
  const days: { from: string; to: string }[] = [];
  if (fromDay < firstMonday) days.push({ from: fromDay, to: firstMonday });
  if (endMonday < toDay) days.push({ from: endMonday, to: toDay });
  return { weeks: { from: firstMonday, to: endMonday }, days };
}

export interface IncidentRollupRead extends IncidentRollupFigures {
  /** Monday of the ISO week. */
  week: string;
  severity: string;
}

/**
 * The incident rollups of a query, one row per (week, severity, stored row): whole weeks from the week
 * rows (the "every type" row unless a type is asked for), edge days from the day rows. The caller sums
 * rows of the same week and severity.
 */
export async function readIncidentRollups(
  db: Db,
  q: RollupQuery,
  opts: { sketches?: boolean } = {},
): Promise<IncidentRollupRead[]> {
  const split = splitRange(q.fromDay, q.toDay);
  // Without sketches (no median or p90 asked for) the rows are a few dozen bytes instead of kilobytes.
  const columns = sql.raw(
    opts.sketches === false
      ? FIGURE_COLUMNS.replace("ack_hist", "'{}'::int[] as ack_hist").replace(
          "resolve_hist",
          "'{}'::int[] as resolve_hist",
        )
      : FIGURE_COLUMNS,
  );
  const severity = q.severities.length
    ? sql` and severity = any(string_to_array(${q.severities.join(",")}, ','))`
    : sql``;
  const parts = [];
  if (split.weeks)
    parts.push(
      sql`select week::text as week, severity, ${columns} from metric_incident_weeks
          where scope = ${q.scope} and week >= ${split.weeks.from}::date and week < ${split.weeks.to}::date
            and type_id = ${q.typeId ?? ANY_TYPE_ID}::uuid${severity}`,
    );
  for (const d of split.days)
    parts.push(
      sql`select ${monday("day")}::text as week, severity, ${columns}
          from metric_incident_days
          where scope = ${q.scope} and day >= ${d.from}::date and day < ${d.to}::date
            ${q.typeId ? sql`and type_id = ${q.typeId}::uuid` : sql``}${severity}`,
    );
  if (parts.length === 0) return [];
  const rows = await executeRows(db, sql.join(parts, sql` union all `));
  return rows.map((r) => ({ week: String(r.week), severity: String(r.severity), ...figuresOf(r) }));
}

export interface PageLoadRow {
  userId: string;
  username: string;
  displayName: string;
  sent: number;
  offHours: number;
  failed: number;
}

/** Pages per person for a query (pages without an incident only without severity and type filters). */
export async function readPageLoad(db: Db, q: RollupQuery): Promise<PageLoadRow[]> {
  const split = splitRange(q.fromDay, q.toDay);
  const filters = sql`${
    q.severities.length ? sql` and severity = any(string_to_array(${q.severities.join(",")}, ','))` : sql``
  }${q.typeId ? sql` and severity <> ''` : sql``}`;
  const parts = [];
  if (split.weeks)
    parts.push(
      sql`select user_id, sent, off_hours, failed from metric_page_weeks
          where scope = ${q.scope} and week >= ${split.weeks.from}::date and week < ${split.weeks.to}::date
            and type_id = ${q.typeId ?? ANY_TYPE_ID}::uuid${filters}`,
    );
  for (const d of split.days)
    parts.push(
      sql`select user_id, sent, off_hours, failed from metric_page_days
          where scope = ${q.scope} and day >= ${d.from}::date and day < ${d.to}::date
            ${q.typeId ? sql`and type_id = ${q.typeId}::uuid` : sql``}${filters}`,
    );
  if (parts.length === 0) return [];
  const rows = await executeRows(
    db,
    sql`select p.user_id::text as user_id, u.username, u.display_name,
          sum(p.sent)::int as sent, sum(p.off_hours)::int as off_hours, sum(p.failed)::int as failed
        from (${sql.join(parts, sql` union all `)}) p
        join users u on u.id = p.user_id
        group by p.user_id, u.username, u.display_name
        order by sum(p.sent) desc, u.username`,
  );
  return rows.map((r) => ({
    userId: String(r.user_id),
    username: String(r.username),
    displayName: String(r.display_name ?? ""),
    sent: toInt(r.sent),
    offHours: toInt(r.off_hours),
    failed: toInt(r.failed),
  }));
}

export interface AlertLoadRow {
  service: string;
  alerts: number;
  noise: number;
}

/** Alerts and noise per service for [fromDay, toDay): one service, a team's services, or all. */
export async function readAlertLoad(
  db: Db,
  q: { fromDay: string; toDay: string; serviceId: string | null; teamId: string | null },
): Promise<AlertLoadRow[]> {
  const rows = await executeRows(
    db,
    sql`select s.name, a.alerts, a.noise from (
          select service_id, sum(alerts)::int as alerts, sum(noise)::int as noise from metric_alert_days
          where day >= ${q.fromDay}::date and day < ${q.toDay}::date
            ${q.serviceId ? sql`and service_id = ${q.serviceId}::uuid` : sql``}
          group by service_id
        ) a join services s on s.id = a.service_id
        ${q.teamId ? sql`where s.team_id = ${q.teamId}::uuid` : sql``}
        order by a.alerts desc, lower(s.name)`,
  );
  return rows.map((r) => ({ service: String(r.name), alerts: toInt(r.alerts), noise: toInt(r.noise) }));
}

export interface MetricNames {
  service: { id: string; teamId: string | null } | null;
  teamId: string | null;
  typeId: string | null;
}

/** The ids of a filter's names (case-insensitive); null where a name is not given or not found. */
export async function resolveMetricNames(
  db: Db,
  names: { service: string | null; team: string | null; type: string | null },
): Promise<MetricNames> {
  const [row] = await executeRows(
    db,
    sql`select
          (select id::text from services where lower(name) = lower(${names.service ?? ""})) as service_id,
          (select team_id::text from services where lower(name) = lower(${names.service ?? ""})) as service_team,
          (select id::text from teams where lower(name) = lower(${names.team ?? ""})) as team_id,
          (select id::text from incident_types where lower(name) = lower(${names.type ?? ""})) as type_id`,
  );
  return {
    service:
      names.service && row?.service_id
        ? { id: String(row.service_id), teamId: row.service_team == null ? null : String(row.service_team) }
        : null,
    teamId: names.team && row?.team_id ? String(row.team_id) : null,
    typeId: names.type && row?.type_id ? String(row.type_id) : null,
  };
}

/** Names to suggest in a not-found error: every name of the kind when there are few, else none. */
export async function knownNames(db: Db, kind: "service" | "team" | "type", max = 20): Promise<string[]> {
  const table = kind === "service" ? "services" : kind === "team" ? "teams" : "incident_types";
  const rows = await executeRows(
    db,
    sql`select name from ${sql.raw(table)} order by lower(name) limit ${max + 1}`,
  );
  return rows.length > max ? [] : rows.map((r) => String(r.name));
}

// ---------------------------------------------------------------------------------------------------------
// Uptime inputs

export interface UptimeComponentRow {
  id: string;
  name: string;
  group: string | null;
  /** YYYY-MM-DD or null. */
  startDate: string | null;
  createdAt: number;
  serviceIds: string[];
}

/** Status page components (groups left out) in display order, with their group's name and services. */
export async function readUptimeComponents(db: Db): Promise<UptimeComponentRow[]> {
  const rows = await executeRows(
    db,
    sql`select c.id::text as id, c.name, g.name as group_name, c.start_date::text as start_date,
          ${ms("c.created_at")} as created,
          array(select cs.service_id::text from status_component_services cs where cs.component_id = c.id)
            as service_ids
        from status_components c left join status_components g on g.id = c.group_id and g.is_group
        where not c.is_group
        order by coalesce(g.position, c.position), lower(coalesce(g.name, c.name)), g.id nulls first,
          c.position, lower(c.name), c.id`,
  );
  return rows.map((r) => ({
    id: String(r.id),
    name: String(r.name),
    group: r.group_name == null ? null : String(r.group_name),
    startDate: r.start_date == null ? null : String(r.start_date),
    createdAt: num(r.created) ?? 0,
    serviceIds: strs(r.service_ids),
  }));
}

export interface OutageWeekRow {
  /** Monday of the ISO week the incidents were created in. */
  week: string;
  serviceId: string;
  severity: string;
  /** Merged [start, end, …] epoch ms of the ended incidents created that week. */
  spans: number[];
  maxEnd: number;
}

/**
 * The ended incidents created in the ISO week starting `week` (Monday), as uptime sees them: per service
 * name (lower case) and severity, their starts and ends (a few hundred rows, not one per incident).
 */
export async function readEndedIncidentSpans(
  db: Db,
  week: string,
): Promise<{ serviceName: string; severity: string; starts: number[]; ends: number[] }[]> {
  const rows = await executeRows(
    db,
    sql`select lower(n.name) as name, i.severity, array_agg(${ms("i.created_at")}) as starts,
          array_agg(${ms("coalesce(i.resolved_at, i.closed_at, i.updated_at)")}) as ends
        from incidents i cross join lateral unnest(i.service_names) n(name)
        where i.created_at >= ${week}::date::timestamp at time zone 'UTC'
          and i.created_at < (${week}::date + 7)::timestamp at time zone 'UTC'
          and i.status in ('resolved', 'postmortem')
        group by 1, 2`,
  );
  return rows.map((r) => ({
    serviceName: String(r.name),
    severity: String(r.severity),
    starts: nums(r.starts),
    ends: nums(r.ends),
  }));
}

/** Replaces the outage spans of the weeks starting `weeks` (computed with their incident rollups). */
export async function replaceOutageWeeks(db: Db, weeks: readonly string[], rows: readonly OutageWeekRow[]) {
  if (weeks.length === 0) return;
  await db.execute(sql`delete from metric_outage_weeks where week = any(${dayList(weeks)})`);
  await insertJson(
    db,
    "metric_outage_weeks",
    "week, service_id, severity, spans, max_end",
    rows.map((r) => ({
      week: r.week,
      service_id: r.serviceId,
      severity: r.severity,
      spans: encodeSpans(r.spans),
      max_end: new Date(r.maxEnd).toISOString(),
    })),
  );
}

/** Float64 little-endian, as bytea's hex input (for a JSON document). */
function encodeSpans(spans: readonly number[]): string {
  const bytes = Buffer.alloc(spans.length * 8);
  for (let i = 0; i < spans.length; i++) bytes.writeDoubleLE(spans[i] as number, i * 8);
  return `\\x${bytes.toString("hex")}`;
}

/** bytea as the drivers return it (a Buffer from pg, a Uint8Array from PGlite) back to numbers. */
function decodeSpans(value: unknown): number[] {
  if (!(value instanceof Uint8Array)) return [];
  const view = new DataView(value.buffer, value.byteOffset, value.byteLength);
  const out = new Array<number>(Math.floor(value.byteLength / 8));
  for (let i = 0; i < out.length; i++) out[i] = view.getFloat64(i * 8, true);
  return out;
}

/** A span during which incidents of `severity` affected a service; end null: still ongoing. */
export interface ServiceOutageSpans {
  serviceId: string;
  severity: string;
  /** [start, end, …] epoch ms; an ongoing incident's end is Infinity. */
  spans: number[];
}

/**
 * The spans of the incidents of `severities` overlapping [from, to) per service: the stored spans of ended
 * incidents (days that ended before `from` skipped by max_end), and the ongoing incidents, read live.
 */
export async function readServiceOutages(
  db: Db,
  severities: readonly string[],
  openStatuses: readonly string[],
  from: Date,
  to: Date,
): Promise<ServiceOutageSpans[]> {
  if (severities.length === 0) return [];
  const sevs = sql`string_to_array(${severities.join(",")}, ',')`;
  const stored = await executeRows(
    db,
    sql`select service_id::text as service_id, severity, spans from metric_outage_weeks
        where severity = any(${sevs}) and week <= ${to.toISOString().slice(0, 10)}::date
          and max_end > ${from.toISOString()}::timestamptz`,
  );
  // Ongoing incidents by the (status, created_at) index: a handful among a million.
  const open = await executeRows(
    db,
    sql`select s.id::text as service_id, i.severity, ${ms("i.created_at")} as start
        from incidents i
        cross join lateral unnest(i.service_names) n(name)
        join services s on lower(s.name) = lower(n.name)
        where i.status = any(string_to_array(${openStatuses.join(",")}, ',')) and i.severity = any(${sevs})
          and i.created_at < ${to.toISOString()}::timestamptz`,
  );
  const out: ServiceOutageSpans[] = stored.map((r) => ({
    serviceId: String(r.service_id),
    severity: String(r.severity),
    spans: decodeSpans(r.spans),
  }));
  for (const r of open)
    out.push({
      serviceId: String(r.service_id),
      severity: String(r.severity),
      spans: [num(r.start) ?? 0, Number.POSITIVE_INFINITY],
    });
  return out;
}

export interface ManualStatusSpan {
  componentId: string;
  status: string;
  start: number;
  /** null: still set. */
  end: number | null;
}

/** Hand-set component statuses among `statuses` overlapping [from, to): each lasts until the next change. */
export async function readManualStatusSpans(
  db: Db,
  statuses: readonly string[],
  from: Date,
  to: Date,
): Promise<ManualStatusSpan[]> {
  const rows = await executeRows(
    db,
    sql`select component_id::text as component_id, manual_status, ${ms("at")} as start, ${ms("until")} as finish
        from (
          select component_id, manual_status, at,
            lead(at) over (partition by component_id order by at, id) as until
          from status_component_changes
        ) c
        where manual_status = any(string_to_array(${statuses.join(",")}, ','))
          and at < ${to.toISOString()}::timestamptz
          and (until is null or until > ${from.toISOString()}::timestamptz)`,
  );
  return rows.map((r) => ({
    componentId: String(r.component_id),
    status: String(r.manual_status),
    start: num(r.start) ?? 0,
    end: num(r.finish),
  }));
}

/** The page's severity → component status overrides (the domain merges the defaults) and its time zone. */
export async function readStatusPageRules(
  db: Db,
): Promise<{ statusBySeverity: Record<string, string>; timeZone: string }> {
  const [row] = await executeRows(
    db,
    sql`select component_status_by_severity as map, time_zone from status_page_settings where id = 1`,
  );
  let map: unknown = row?.map ?? {};
  if (typeof map === "string") {
    try {
      map = JSON.parse(map);
    } catch {
      map = {};
    }
  }
  return { statusBySeverity: map as Record<string, string>, timeZone: String(row?.time_zone ?? "UTC") };
}
