import type { IncidentList } from "#app/incidents/get.ts";
import type { IncidentView } from "#app/incidents/views.ts";
import { orDash, paint, severityCell, statusCell } from "../format.ts";
import type { Output } from "../output.ts";

/** The list table: the columns responders scan first. */
export function printIncidentTable(out: Output, items: IncidentList["items"]): void {
  const c = out.color;
  out.table(
    ["ID", "SEV", "STATUS", "TITLE", "ASSIGNEE", "DURATION", "SERVICES"],
    items.map((i) => [
      { text: i.id, paint: c.bold },
      severityCell(i.severity, c),
      statusCell(i.status, c),
      i.title,
      orDash(i.assignee),
      i.duration,
      i.affected_services.join(", ") || "-",
    ]),
  );
}

/** "INC-7  SEV2  acknowledged  Checkout errors": the line every change command ends with. */
export function incidentHeadline(out: Output, incident: IncidentView): string {
  const c = out.color;
  return [
    c.bold(incident.id),
    paint(severityCell(incident.severity, c)),
    paint(statusCell(incident.status, c)),
    incident.title,
  ].join("  ");
}

/** After a change: the headline and where the incident may go next. */
export function printIncidentChange(out: Output, verb: string, incident: IncidentView): void {
  out.print(`${verb}: ${incidentHeadline(out, incident)}`);
  const next = incident.allowed_next_statuses;
  if (next.length) out.print(out.color.dim(`Next statuses: ${next.join(", ")}`));
}
