import { formatHumanId } from "#domain/incident/human-id.ts";
import type { StoredTimelineEvent } from "#domain/incident/timeline.ts";
import { listIncidentServiceNames, lockIncidentById } from "#store/incidents.ts";
import {
  advanceChatCursor,
  findChatAnnouncement,
  insertChatAnnouncement,
  slackIdsOf,
} from "#store/paging.ts";
import { listTimelineEventsAfter } from "#store/timeline.ts";
import type { AppContext } from "../context.ts";
import type { ChatAnnouncer } from "../ports.ts";

export interface ChatOptions {
  announcer: ChatAnnouncer;
  /** For SEV1/SEV2, also open a channel per incident (`#inc-42-api-timeout`) and invite the responders. */
  dedicatedChannels: boolean;
}

/** The thread line for a timeline event, or null for events the thread does not need. */
export function threadLine(event: StoredTimelineEvent): string | null {
  const d = event.data as Record<string, unknown>;
  switch (event.kind) {
    case "incident.status_changed":
      return `Status: ${String(d.from)} → ${String(d.to)} (by ${event.actor})${d.reopened ? " — reopened" : ""}`;
    case "status_update.posted":
      return `Update (${String(d.visibility ?? "internal")}, ${String(d.status ?? "")}) by ${event.actor}: ${String(d.message ?? "")}`;
    case "role.assigned":
      return `${String(d.role) === "commander" ? "Commander" : `Role ${String(d.role)}`}: ${String(d.person)} (by ${event.actor})`;
    case "incident.updated": {
      const changes = (d.changes ?? {}) as Record<string, { from: unknown; to: unknown }>;
      const parts = Object.entries(changes)
        .filter(([field]) => field === "severity" || field === "title")
        .map(
          ([field, c]) =>
            `${field === "severity" ? "Severity" : "Title"}: ${String(c.from)} → ${String(c.to)}`,
        );
      return parts.length ? `${parts.join("; ")} (by ${event.actor})` : null;
    }
    case "escalation.escalated":
      return `Escalated to ${String(d.label ?? `level ${String(d.level)}`)}: paged ${(d.paged as string[] | undefined)?.join(", ") || "nobody"} — ${String(d.reason ?? "")}`;
    case "escalation.exhausted":
      return `Escalation ended: ${String(d.reason ?? "")}`;
    case "escalation.rule_fired":
      return `Escalation rule "${String(d.rule)}" (${String(d.condition ?? "")}): notified ${(d.notified as string[] | undefined)?.join(", ") || "nobody"}`;
    default:
      return null;
  }
}

const ANNOUNCE_REFRESH = new Set(["incident.status_changed", "incident.updated", "role.assigned"]);

/**
 * Keeps the incident's chat announcement current (job `chat.sync`): posts the declaration once, then
 * each later change in its thread, and refreshes the declaration message when status, severity, title or
 * commander change. Throws on a chat failure so the job retries (after Slack's Retry-After).
 */
export async function syncChat(ctx: AppContext, opts: ChatOptions, incidentId: string): Promise<void> {
  const incident = await lockIncidentById(ctx.db, incidentId);
  // Private incidents are never announced in chat, and one made private later gets no more thread posts
  // (docs/access.md): the incidents channel is open to everyone in the workspace.
  if (!incident || incident.private) return;
  const services = (await listIncidentServiceNames(ctx.db, incidentId)).map((s) => s.name);
  const view = {
    id: incident.id,
    humanId: formatHumanId(incident.number),
    title: incident.title,
    severity: incident.severity,
    status: incident.status,
    url: `${ctx.publicUrl ?? ""}/incidents/${formatHumanId(incident.number)}`,
    commander: incident.commander,
    services,
  };
  const existing = await findChatAnnouncement(ctx.db, incidentId);
  if (!existing) {
    const ref = await opts.announcer.announce(view);
    const recorded = await insertChatAnnouncement(ctx.db, {
      incidentId,
      channel: ref.channel,
      ts: ref.ts,
      dedicatedChannel: null,
      postedSeq: incident.lastEventSeq,
      createdAt: ctx.clock.now(),
    });
    if (!recorded) return;
    ctx.log.info({ incident: incident.number, channel: ref.channel }, "incident announced in chat");
    if (
      opts.dedicatedChannels &&
      opts.announcer.createIncidentChannel &&
      (incident.severity === "SEV1" || incident.severity === "SEV2")
    ) {
      const invite = await slackIdsOf(ctx.db, incident.commander ? [incident.commander] : []);
      let channel: string;
      try {
        channel = await opts.announcer.createIncidentChannel(
          { number: incident.number, humanId: view.humanId, title: incident.title },
          invite,
        );
      } catch (error) {
        // The announcement stands; a channel that could not be made (name taken, missing scope) is logged.
        ctx.log.warn(
          { incident: incident.number, err: error },
          "could not create the incident's Slack channel",
        );
        return;
      }
      await advanceChatCursor(ctx.db, incidentId, incident.lastEventSeq, incident.lastEventSeq, channel);
      await opts.announcer.postInThread(ref, `Dedicated channel: <#${channel}>`);
    }
    return;
  }
  const events = await listTimelineEventsAfter(ctx.db, incidentId, existing.postedSeq);
  if (events.length === 0) return;
  const ref = { channel: existing.channel, ts: existing.ts };
  let refresh = false;
  for (const event of events) {
    const line = threadLine(event);
    if (line) await opts.announcer.postInThread(ref, line);
    if (ANNOUNCE_REFRESH.has(event.kind)) refresh = true;
  }
  if (refresh) await opts.announcer.updateAnnouncement(ref, view);
  const last = events.at(-1)?.seq ?? existing.postedSeq;
  await advanceChatCursor(ctx.db, incidentId, existing.postedSeq, last);
}
