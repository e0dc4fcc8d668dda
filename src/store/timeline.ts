import { asc, eq } from "drizzle-orm";
import type { StoredTimelineEvent, TimelineKind } from "#domain/incident/timeline.ts";
import type { Db } from "./db.ts";
import { timelineEvents } from "./schema/index.ts";

export type TimelineRow = typeof timelineEvents.$inferSelect;

export async function insertTimelineEvents(db: Db, events: readonly StoredTimelineEvent[]): Promise<void> {
  if (events.length === 0) return;
  await db.insert(timelineEvents).values(
    events.map((e) => ({
      incidentId: e.incidentId,
      seq: e.seq,
      kind: e.kind,
      actor: e.actor,
      at: e.at,
      data: e.data,
      prevHash: e.prevHash,
      hash: e.hash,
    })),
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
