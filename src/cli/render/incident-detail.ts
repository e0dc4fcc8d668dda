import type { IncidentDetail } from "#app/incidents/get.ts";
import { duration, orDash, relative, timestamp } from "../format.ts";
import type { Output } from "../output.ts";
import { incidentHeadline } from "./incident.ts";
import { printTimelineEvents, type TimelineEvent } from "./timeline.ts";

/** How many of the latest timeline events `show` prints. */
export const SHOWN_EVENTS = 10;

function section(out: Output, title: string): void {
  out.print("");
  out.print(out.color.bold(title));
}

function fields(out: Output, rows: readonly [string, string][]): void {
  const width = Math.max(...rows.map(([k]) => k.length));
  for (const [k, v] of rows) out.print(`  ${out.color.dim(k.padEnd(width))}  ${v}`);
}

function ackClock(i: IncidentDetail, now: Date, out: Output): string {
  const target = `within ${duration(i.sla.ack_within_minutes * 60)}`;
  if (i.acknowledged_at) {
    const took = (Date.parse(i.acknowledged_at) - Date.parse(i.created_at)) / 1000;
    const late = i.sla.ack_breached ? out.color.red(" (late)") : "";
    return `${target}: acknowledged after ${duration(took)}${late}`;
  }
  if (i.sla.ack_breached)
    return `${target}: ${out.color.red(`BREACHED, was due ${relative(i.sla.ack_due_at, now)}`)}`;
  return `${target}: due ${relative(i.sla.ack_due_at, now)}`;
}

function updateClock(i: IncidentDetail, now: Date, out: Output): string {
  const target = `every ${duration(i.sla.update_every_minutes * 60)}`;
  const due = i.sla.next_update_due_at;
  if (!due) return `${target}: none due now`;
  if (i.sla.update_overdue) return `${target}: ${out.color.red(`OVERDUE, was due ${relative(due, now)}`)}`;
  return `${target}: next due ${relative(due, now)}`;
}

function printSummary(out: Output, i: IncidentDetail, now: Date): void {
  out.print(incidentHeadline(out, i));
  if (i.description) out.print(`  ${i.description}`);
  out.print("");
  const open = i.resolved_at ? "" : " (open)";
  const rows: [string, string][] = [
    ["Declared", `${timestamp(i.created_at)} by ${i.created_by} (${relative(i.created_at, now)})`],
    ["Duration", `${duration(i.duration_seconds)}${open}`],
    ["Services", i.affected_services.join(", ") || "-"],
    ["Tags", i.tags.join(", ") || "-"],
  ];
  if (i.type) rows.push(["Type", i.type]);
  for (const [key, value] of Object.entries(i.custom_fields ?? {})) rows.push([key, String(value)]);
  if (i.resolved_at) rows.push(["Resolved", timestamp(i.resolved_at)]);
  if (i.impact) rows.push(["Impact", i.impact]);
  if (i.root_cause) rows.push(["Root cause", i.root_cause]);
  if (i.resolution) rows.push(["Resolution", i.resolution]);
  fields(out, rows);
  section(out, "Roles");
  fields(out, [
    ["Commander", orDash(i.roles.commander)],
    ["Communications lead", orDash(i.roles.communications_lead)],
    ["Scribe", orDash(i.roles.scribe)],
    ["Responders", i.roles.responders.join(", ") || "-"],
  ]);
  section(out, "SLA clocks");
  fields(out, [
    ["Acknowledge", ackClock(i, now, out)],
    ["Status updates", updateClock(i, now, out)],
  ]);
}

function printRecords(out: Output, i: IncidentDetail): void {
  section(out, `Evidence (${i.evidence.length})`);
  if (i.evidence.length)
    out.table(
      ["KIND", "URL", "CAPTION", "BY"],
      i.evidence.map((e) => [e.kind, e.url, orDash(e.caption), e.added_by]),
    );
  section(out, `Status updates (${i.status_updates.length})`);
  if (i.status_updates.length)
    out.table(
      ["AT", "VISIBILITY", "STATUS", "BY", "MESSAGE"],
      i.status_updates.map((u) => [timestamp(u.created_at), u.visibility, u.status, u.created_by, u.message]),
    );
  section(out, `Action items (${i.action_items.length})`);
  if (i.action_items.length)
    out.table(
      ["#", "ID", "STATUS", "PRIORITY", "OWNER", "DUE", "ISSUE", "TITLE"],
      i.action_items.map((a, n) => [
        String(n + 1),
        a.id.slice(0, 8),
        a.overdue ? { text: "overdue", paint: out.color.red } : a.status,
        a.priority,
        orDash(a.owner),
        a.due_at ? a.due_at.slice(0, 10) : "-",
        a.issue ? `#${a.issue.number}` : "-",
        a.title,
      ]),
    );
}

/** `foghorn incident show`: summary, roles, services, SLA clocks, records and the latest timeline events. */
export function printIncidentDetail(
  out: Output,
  incident: IncidentDetail,
  events: readonly TimelineEvent[],
  now: Date,
): void {
  printSummary(out, incident, now);
  printRecords(out, incident);
  const latest = events.slice(-SHOWN_EVENTS);
  const more =
    events.length > latest.length
      ? `, last ${latest.length}; all: foghorn incident timeline ${incident.id}`
      : "";
  section(out, `Timeline (${events.length} events${more})`);
  printTimelineEvents(out, latest);
  if (incident.allowed_next_statuses.length) {
    out.print("");
    out.print(out.color.dim(`Next statuses: ${incident.allowed_next_statuses.join(", ")}`));
  }
}
