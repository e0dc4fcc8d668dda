/**
 * What a subscriber is told about an incident update or a maintenance event: the subject line, the plain
 * text, the link, and the Statuspage-like webhook body. A pure function of `StatusData`, so a message says
 * exactly what the public page says (public title, external updates only, public ids).
 */
import { PageTime, updateLabel } from "./format.ts";
import { pageStatus, statuspageJson } from "./statuspage-json.ts";
import type { IncidentData, MaintenanceData, StatusData, UpdateData } from "./types.ts";

export const MAINTENANCE_EVENT_KINDS = [
  "maintenance_scheduled",
  "maintenance_reminder",
  "maintenance_started",
  "maintenance_completed",
  "maintenance_update",
] as const;
export type MaintenanceEventKind = (typeof MAINTENANCE_EVENT_KINDS)[number];

/** The event, by the public ids the page uses. */
export type NotificationTopic =
  | { kind: "incident_update"; incidentId: string; updateId: string }
  | { kind: MaintenanceEventKind; maintenanceId: string; updateId?: string | undefined };

export interface NotificationContent {
  /** "[Investigating] Checkout is failing for some users" */
  subject: string;
  /** The message without the unsubscribe footer. */
  text: string;
  /** The incident's or the maintenance's public page. */
  url: string;
  /** Names of the affected components (display order). */
  components: string[];
  /** The webhook body without `meta`: `page` and `incident` or `scheduled_maintenance`. */
  payload: Record<string, unknown>;
}

const MAINTENANCE_SUBJECT: Record<MaintenanceEventKind, string> = {
  maintenance_scheduled: "Scheduled maintenance",
  maintenance_reminder: "Maintenance starting soon",
  maintenance_started: "Maintenance in progress",
  maintenance_completed: "Maintenance completed",
  maintenance_update: "Maintenance update",
};

/** The content of a notification; null when the page no longer shows what it is about. */
export function notificationContent(data: StatusData, topic: NotificationTopic): NotificationContent | null {
  const time = new PageTime(data.page.timeZone);
  const names = new Map(data.components.map((c) => [c.id, c.name]));
  const componentNames = (ids: readonly string[]) => ids.flatMap((id) => names.get(id) ?? []);
  const json = statuspageJson(data);
  const status = pageStatus(data);
  const page = {
    id: data.page.id,
    status_indicator: status.indicator,
    status_description: status.description,
  };
  const footer = (url: string) => ["", `Details: ${url}`, `${data.page.name}: ${data.page.url}`];

  if (topic.kind === "incident_update") {
    const incident = data.incidents.find((i) => i.id === topic.incidentId);
    if (!incident) return null;
    const update = incident.updates.find((u) => u.id === topic.updateId);
    if (!update) return null;
    const components = componentNames(incident.componentIds);
    const incidents = (json["/api/v2/incidents.json"] as { incidents: { id: string }[] }).incidents;
    return {
      subject: `[${updateLabel(update.status)}] ${incident.name}`,
      text: [
        incident.name,
        "",
        `${updateLabel(update.status)} (${time.dateTime(update.createdAt)}): ${update.body}`,
        ...(components.length ? ["", `Affected components: ${components.join(", ")}`] : []),
        ...earlierUpdates(incident, update, time),
        ...footer(incident.shortlink),
      ].join("\n"),
      url: incident.shortlink,
      components,
      payload: { page, incident: incidents.find((i) => i.id === incident.id) ?? null },
    };
  }

  const maintenance = data.maintenances.find((m) => m.id === topic.maintenanceId);
  if (!maintenance) return null;
  const update = topic.updateId ? maintenance.updates.find((u) => u.id === topic.updateId) : undefined;
  const components = componentNames(maintenance.componentIds);
  const maintenances = (
    json["/api/v2/scheduled-maintenances.json"] as { scheduled_maintenances: { id: string }[] }
  ).scheduled_maintenances;
  const label =
    topic.kind === "maintenance_update" && update
      ? updateLabel(update.status)
      : MAINTENANCE_SUBJECT[topic.kind];
  return {
    subject: `[${label}] ${maintenance.name}`,
    text: [
      maintenance.name,
      "",
      `${MAINTENANCE_SUBJECT[topic.kind]}: ${time.range(maintenance.scheduledFor, maintenance.scheduledUntil)}`,
      ...maintenanceBody(maintenance, topic.kind, update, time),
      ...(components.length ? ["", `Affected components: ${components.join(", ")}`] : []),
      ...footer(maintenance.shortlink),
    ].join("\n"),
    url: maintenance.shortlink,
    components,
    payload: { page, scheduled_maintenance: maintenances.find((m) => m.id === maintenance.id) ?? null },
  };
}

/** Up to three earlier updates, newest first, so a late reader has the story. */
function earlierUpdates(incident: IncidentData, current: UpdateData, time: PageTime): string[] {
  const earlier = incident.updates.filter((u) => u.createdAt.getTime() < current.createdAt.getTime());
  if (earlier.length === 0) return [];
  return [
    "",
    "Earlier updates:",
    ...earlier
      .slice(0, 3)
      .map((u) => `- ${updateLabel(u.status)} (${time.dateTime(u.createdAt)}): ${u.body}`),
  ];
}

function maintenanceBody(
  m: MaintenanceData,
  kind: MaintenanceEventKind,
  update: UpdateData | undefined,
  time: PageTime,
): string[] {
  if (update)
    return ["", `${updateLabel(update.status)} (${time.dateTime(update.createdAt)}): ${update.body}`];
  if (kind === "maintenance_scheduled" || kind === "maintenance_reminder")
    return m.body.trim() ? ["", m.body.trim()] : [];
  return [];
}
