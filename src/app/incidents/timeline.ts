import { formatHumanId } from "#domain/incident/human-id.ts";
import { verifyTimelineChain } from "#domain/incident/timeline.ts";
import { listTimelineEvents } from "#store/timeline.ts";
import type { AppContext } from "../context.ts";
import { loadIncident } from "./internal.ts";
import { timelineEventView } from "./views.ts";

/** The incident's timeline, oldest first, with each event's hash link. */
export async function getTimeline(ctx: AppContext, ref: string) {
  const incident = await loadIncident(ctx.db, ref, ctx.actor);
  const events = await listTimelineEvents(ctx.db, incident.id);
  return { incident_id: formatHumanId(incident.number), events: events.map(timelineEventView) };
}

/**
 * Checks the incident's tamper-evident chain: every event's hash matches its content and the previous
 * hash, no event is missing, and the chain ends at the head the incident row recorded.
 */
export async function verifyTimeline(ctx: AppContext, ref: string) {
  const incident = await loadIncident(ctx.db, ref, ctx.actor);
  const events = await listTimelineEvents(ctx.db, incident.id);
  const verdict = verifyTimelineChain(events, incident.lastEventHash);
  const id = formatHumanId(incident.number);
  if (verdict.ok) return { incident_id: id, ok: true as const, events: verdict.count, head: verdict.head };
  return {
    incident_id: id,
    ok: false as const,
    events: verdict.count,
    broken_at_seq: verdict.seq,
    problem: verdict.problem,
  };
}
