import type { getTimeline } from "#app/incidents/timeline.ts";
import { isRecord } from "../json.ts";
import type { Output } from "../output.ts";
import { truncate } from "../table.ts";

export type Timeline = Awaited<ReturnType<typeof getTimeline>>;
export type TimelineEvent = Timeline["events"][number];

const str = (value: unknown): string =>
  typeof value === "string" ? value : value === null || value === undefined ? "-" : JSON.stringify(value);

function describeChanges(changes: unknown): string {
  if (!isRecord(changes)) return "updated";
  return Object.entries(changes)
    .map(([field, c]) => {
      const { from, to } = isRecord(c) ? c : {};
      return `${field} ${truncate(str(from), 30)} → ${truncate(str(to), 30)}`;
    })
    .join(", ");
}

/** One line saying what happened, in words, for each kind of timeline event. */
export function describeEvent(event: TimelineEvent): string {
  const d = event.data;
  switch (event.kind) {
    case "incident.declared":
      return `declared ${str(d.severity)} "${str(d.title)}"`;
    case "incident.status_changed":
      return `status ${str(d.from)} → ${str(d.to)}${d.reopened ? " (reopened)" : ""}${d.reason ? ` (${str(d.reason)})` : d.by_alert ? ` (${str(d.by_alert)})` : ""}`;
    case "alert.attached":
      return `alert ${str(d.alert)} attached: ${str(d.summary)}${d.severity ? ` [${str(d.severity)}]` : ""}`;
    case "alert.changed":
      return `alert ${str(d.alert)}: ${str(d.firing)} firing, ${str(d.resolved)} resolved`;
    case "alert.acknowledged":
      return `alert ${str(d.alert)} acknowledged`;
    case "alert.resolved":
      return `alert ${str(d.alert)} resolved`;
    case "incident.updated":
      return describeChanges(d.changes);
    case "note.added":
      return `note: ${str(d.text)}`;
    case "evidence.added":
      return `evidence (${str(d.kind)}): ${str(d.url)}${d.caption ? ` ${str(d.caption)}` : ""}`;
    case "status_update.posted":
      return `${str(d.visibility)} update [${str(d.status)}]: ${str(d.message)}`;
    case "role.assigned":
      return `${str(d.person)} is ${str(d.role)}${d.replaced ? ` (was ${str(d.replaced)})` : ""}`;
    case "role.removed":
      return `${str(d.person)} is no longer ${str(d.role)}`;
    case "service.added":
      return `service added: ${str(d.service)}`;
    case "service.removed":
      return `service removed: ${str(d.service)}`;
    case "action_item.created":
      return `action item: ${str(d.title)}${d.owner ? ` (owner ${str(d.owner)})` : ""}`;
    case "action_item.completed":
      return `action item done: ${str(d.title)}`;
    case "action_item.updated":
      return `action item updated: ${str(d.title)}`;
    default:
      return `${event.kind} ${JSON.stringify(d)}`;
  }
}

/** Time, actor and what happened, one event a line, oldest first. */
export function printTimelineEvents(out: Output, events: readonly TimelineEvent[]): void {
  const c = out.color;
  out.table(
    ["#", "AT (UTC)", "WHO", "WHAT"],
    events.map((e) => [
      String(e.seq),
      `${e.at.slice(0, 10)} ${e.at.slice(11, 19)}`,
      { text: e.actor, paint: c.cyan },
      { text: truncate(describeEvent(e), 100) },
    ]),
  );
}
