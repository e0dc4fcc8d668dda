import { eq, sql } from "drizzle-orm";
import type { Db } from "./db.ts";
import { incidentVisibleSql } from "./incident-list.ts";
import { executeRows, textArray, toDate, toInt } from "./rows.ts";
import { postmortems } from "./schema/index.ts";

export type PostmortemRow = typeof postmortems.$inferSelect;
export type PostmortemInsert = typeof postmortems.$inferInsert;

export async function findPostmortem(db: Db, incidentId: string): Promise<PostmortemRow | undefined> {
  const [row] = await db.select().from(postmortems).where(eq(postmortems.incidentId, incidentId));
  return row;
}

/** The postmortem under a row lock, inside the caller's transaction. */
export async function lockPostmortem(db: Db, incidentId: string): Promise<PostmortemRow | undefined> {
  const [row] = await db
    .select()
    .from(postmortems)
    .where(eq(postmortems.incidentId, incidentId))
    .for("update");
  return row;
}

/** Inserts a postmortem; false when the incident already has one (two people pressing "start" at once). */
export async function insertPostmortem(db: Db, row: PostmortemInsert): Promise<boolean> {
  const inserted = await db
    .insert(postmortems)
    .values(row)
    .onConflictDoNothing({ target: postmortems.incidentId })
    .returning({ id: postmortems.incidentId });
  return inserted.length > 0;
}

export async function updatePostmortem(
  db: Db,
  incidentId: string,
  patch: Partial<PostmortemInsert>,
): Promise<PostmortemRow> {
  const [row] = await db
    .update(postmortems)
    .set(patch)
    .where(eq(postmortems.incidentId, incidentId))
    .returning();
  if (!row) throw new Error(`postmortem of incident ${incidentId} vanished during an update`);
  return row;
}

export interface PostmortemListRow {
  incidentId: string;
  number: number;
  title: string;
  severity: string;
  incidentStatus: string;
  createdAt: Date;
  resolvedAt: Date | null;
  status: string | null;
  author: string | null;
  updatedAt: Date | null;
  publishedAt: Date | null;
}

/**
 * Postmortems, newest incident first, plus resolved incidents of the given severities (those whose policy
 * requires one) that have none yet: `status` null.
 */
export async function listPostmortemRows(
  db: Db,
  opts: { requiredSeverities: readonly string[]; limit: number; visibleTo?: string },
): Promise<PostmortemListRow[]> {
  const visible =
    opts.visibleTo === undefined ? sql`` : sql`and ${incidentVisibleSql(sql`i`, opts.visibleTo)}`;
  const rows = await executeRows(
    db,
    sql`select i.id, i.number, i.title, i.severity, i.status as incident_status, i.created_at, i.resolved_at,
          p.status, p.author, p.updated_at, p.published_at
        from incidents i left join postmortems p on p.incident_id = i.id
        where (p.incident_id is not null
           or (i.status = 'resolved' and i.severity = any(${textArray(opts.requiredSeverities)}::text[])))
          ${visible}
        order by i.created_at desc, i.number desc
        limit ${opts.limit}`,
  );
  return rows.map((r) => ({
    incidentId: String(r.id),
    number: toInt(r.number),
    title: String(r.title),
    severity: String(r.severity),
    incidentStatus: String(r.incident_status),
    createdAt: toDate(r.created_at) ?? new Date(0),
    resolvedAt: toDate(r.resolved_at),
    status: r.status === null || r.status === undefined ? null : String(r.status),
    author: r.author === null || r.author === undefined ? null : String(r.author),
    updatedAt: toDate(r.updated_at),
    publishedAt: toDate(r.published_at),
  }));
}

export interface ReminderCandidate {
  incidentId: string;
  number: number;
  severity: string;
  resolvedAt: Date;
  commander: string | null;
  createdBy: string;
  status: string | null;
  lastSentAt: Date | null;
}

/**
 * Resolved incidents of the given severities, resolved before `resolvedBefore`, without a published
 * postmortem and not reminded since `remindedBefore`: what the sweep may have to remind about (the app
 * applies each severity's own due time).
 */
export async function postmortemReminderCandidates(
  db: Db,
  opts: { severities: readonly string[]; resolvedBefore: Date; remindedBefore: Date; limit: number },
): Promise<ReminderCandidate[]> {
  if (opts.severities.length === 0) return [];
  const rows = await executeRows(
    db,
    sql`select i.id, i.number, i.severity, i.resolved_at, i.commander, i.created_by, p.status, r.last_sent_at
        from incidents i
          left join postmortems p on p.incident_id = i.id
          left join postmortem_reminders r on r.incident_id = i.id
        where i.status = 'resolved'
          and i.severity = any(${textArray(opts.severities)}::text[])
          and i.resolved_at <= ${opts.resolvedBefore.toISOString()}::timestamptz
          and (p.status is null or p.status <> 'published')
          and (r.last_sent_at is null or r.last_sent_at <= ${opts.remindedBefore.toISOString()}::timestamptz)
        order by i.resolved_at
        limit ${opts.limit}`,
  );
  return rows.map((r) => ({
    incidentId: String(r.id),
    number: toInt(r.number),
    severity: String(r.severity),
    resolvedAt: toDate(r.resolved_at) ?? new Date(0),
    commander: r.commander === null ? null : String(r.commander),
    createdBy: String(r.created_by),
    status: r.status === null || r.status === undefined ? null : String(r.status),
    lastSentAt: toDate(r.last_sent_at),
  }));
}

/**
 * Records that a reminder goes out now, unless one went out since `remindedBefore` (another replica's sweep
 * got there first): true when this caller should send it.
 */
export async function recordPostmortemReminder(
  db: Db,
  incidentId: string,
  now: Date,
  remindedBefore: Date,
): Promise<boolean> {
  const rows = await executeRows(
    db,
    sql`insert into postmortem_reminders (incident_id, last_sent_at, count)
        values (${incidentId}, ${now.toISOString()}::timestamptz, 1)
        on conflict (incident_id) do update
          set last_sent_at = excluded.last_sent_at, count = postmortem_reminders.count + 1
          where postmortem_reminders.last_sent_at <= ${remindedBefore.toISOString()}::timestamptz
        returning count`,
  );
  return rows.length > 0;
}
