import { and, asc, eq, gt, sql } from "drizzle-orm";
import type { StoredTimelineEvent, TimelineKind } from "#domain/incident/timeline.ts";
import type { Db } from "./db.ts";
import { enqueueJobs } from "./jobs.ts";
import { textArray } from "./rows.ts";
import { timelineEvents } from "./schema/index.ts";

export type TimelineRow = typeof timelineEvents.$inferSelect;

/**
 * Appends timeline events and, in the same transaction, the engine's `incident.events` job for each
 * incident touched (the outbox: escalation stops on an ack, chat threads get the change). Call it inside
 * the transaction that changes the incident.
 */
export async function insertTimelineEvents(
  db: Db,
  events: readonly StoredTimelineEvent[],
  opts: { outbox?: boolean } = {},
): Promise<void> {
  if (events.length === 0) return;
  const first = events[0] as StoredTimelineEvent;
  // The engine's own events (pages sent, escalations) need no second look by the engine.
  if (opts.outbox !== false)
    await enqueueIncidentEvents(db, [...new Set(events.map((e) => e.incidentId))], first.at);
  // One JSON parameter for the whole batch: a multi-row VALUES binds 8 parameters per event, which a burst
  // of new incidents paid for in drizzle's query building on every one of them.
  const input = events.map((e) => ({
    incident_id: e.incidentId,
    seq: e.seq,
    kind: e.kind,
    actor: e.actor,
    at: e.at.toISOString(),
    data: e.data,
    prev_hash: e.prevHash,
    hash: e.hash,
  }));
  await db.execute(
    sql`insert into timeline_events (incident_id, seq, kind, actor, at, data, prev_hash, hash)
        select incident_id, seq, kind, actor, at, data, prev_hash, hash
        from jsonb_to_recordset(${JSON.stringify(input)}::jsonb) as x(incident_id uuid, seq int, kind text,
          actor text, at timestamptz, data jsonb, prev_hash text, hash text)`,
  );
}

/** All events of one incident in chain order. */
export async function listTimelineEvents(db: Db, incidentId: string): Promise<StoredTimelineEvent[]> {
  const rows = await db
    .select()
    .from(timelineEvents)
    .where(eq(timelineEvents.incidentId, incidentId))
    .orderBy(asc(timelineEvents.seq));
  return rows.map((r) => ({ ...r, kind: r.kind as TimelineKind }));
}

/** The job kind the engine handles every incident change with (store/incidents.ts writes it on declare). */
export const INCIDENT_EVENTS_JOB = "incident.events";

/** Enqueues the engine's look at these incidents' new timeline events; one pending job per incident. */
export async function enqueueIncidentEvents(db: Db, incidentIds: readonly string[], at: Date): Promise<void> {
  await enqueueJobs(
    db,
    incidentIds.map((id) => ({
      kind: INCIDENT_EVENTS_JOB,
      key: id,
      payload: { incident_id: id, v: 1 },
      runAt: at,
    })),
    at,
  );
}

/**
 * Deletes the pending engine look at these incidents (their INCIDENT_EVENTS_JOB), for a caller that just
 * made that look itself in the same transaction. A job already claimed (running) is left to finish.
 */
export async function dropPendingIncidentEvents(db: Db, incidentIds: readonly string[]): Promise<void> {
  if (incidentIds.length === 0) return;
  await db.execute(
    sql`delete from jobs where kind = ${INCIDENT_EVENTS_JOB} and state = 'pending'
          and key = any(${textArray(incidentIds)}::text[])`,
  );
}

/** Events of one incident after `seq`, in chain order (what a chat thread has not seen yet). */
export async function listTimelineEventsAfter(
  db: Db,
  incidentId: string,
  seq: number,
): Promise<StoredTimelineEvent[]> {
  const rows = await db
    .select()
    .from(timelineEvents)
    .where(and(eq(timelineEvents.incidentId, incidentId), gt(timelineEvents.seq, seq)))
    .orderBy(asc(timelineEvents.seq));
  return rows.map((r) => ({ ...r, kind: r.kind as TimelineKind }));
}
