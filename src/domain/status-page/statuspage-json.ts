/**
 * The Atlassian Statuspage-compatible public JSON (`/api/v2/*.json`), field for field as
 * ../shared/WIRE-FORMATS.md §4.3 describes it, as a pure function of `StatusData`. Dates are ISO 8601
 * strings; ids are the public ids (never internal ones).
 */
import { isUnresolved, overallStatus, publicIdOf } from "./status.ts";
import type {
  ComponentData,
  Impact,
  IncidentData,
  Indicator,
  MaintenanceData,
  PageInfo,
  StatusData,
  UpdateData,
} from "./types.ts";

/** Every JSON path the page serves, in the order the docs list them. */
export const STATUSPAGE_JSON_PATHS = [
  "/api/v2/summary.json",
  "/api/v2/status.json",
  "/api/v2/components.json",
  "/api/v2/incidents.json",
  "/api/v2/incidents/unresolved.json",
  "/api/v2/scheduled-maintenances.json",
  "/api/v2/scheduled-maintenances/upcoming.json",
  "/api/v2/scheduled-maintenances/active.json",
] as const;
export type StatuspageJsonPath = (typeof STATUSPAGE_JSON_PATHS)[number];

const iso = (d: Date | null | undefined): string | null => (d ? d.toISOString() : null);

export function pageJson(page: PageInfo) {
  return {
    id: page.id,
    name: page.name,
    url: page.url,
    time_zone: page.timeZone,
    updated_at: page.updatedAt.toISOString(),
  };
}

export function componentJson(c: ComponentData, pageId: string): Record<string, unknown> {
  return {
    id: c.id,
    name: c.name,
    status: c.status,
    created_at: c.createdAt.toISOString(),
    updated_at: c.updatedAt.toISOString(),
    position: c.position,
    description: c.description,
    showcase: c.showcase,
    start_date: c.startDate,
    group_id: c.groupId,
    page_id: pageId,
    group: c.isGroup,
    only_show_if_degraded: c.onlyShowIfDegraded,
    ...(c.isGroup ? { components: [...c.childIds] } : {}),
  };
}

function updateJson(u: UpdateData, incidentId: string) {
  const at = u.createdAt.toISOString();
  return {
    id: u.id,
    status: u.status,
    body: u.body,
    incident_id: incidentId,
    created_at: at,
    updated_at: at,
    display_at: at,
    affected_components: u.affectedComponents.map((a) => ({
      code: a.code,
      name: a.name,
      old_status: a.old_status,
      new_status: a.new_status,
    })),
    deliver_notifications: true,
    custom_tweet: null,
    tweet_id: null,
  };
}

/**
 * A maintenance's updates as Statuspage lists them: its description is the first update ("scheduled",
 * at its creation), followed by the updates posted since; newest first.
 */
export function maintenanceUpdates(m: MaintenanceData): UpdateData[] {
  if (!m.body.trim()) return m.updates;
  const first: UpdateData = {
    id: publicIdOf(`maintenance-description:${m.id}`),
    status: "scheduled",
    body: m.body,
    createdAt: m.createdAt,
    affectedComponents: [],
  };
  return [...m.updates, first];
}

export function statuspageJson(data: StatusData): Record<StatuspageJsonPath, unknown> {
  const pageId = data.page.id;
  const page = pageJson(data.page);
  const byId = new Map(data.components.map((c) => [c.id, c]));
  const componentsOf = (ids: readonly string[]) =>
    ids.flatMap((id) => {
      const c = byId.get(id);
      return c ? [componentJson(c, pageId)] : [];
    });

  const incidentJson = (i: IncidentData) => ({
    id: i.id,
    name: i.name,
    status: i.status,
    created_at: i.createdAt.toISOString(),
    updated_at: i.updatedAt.toISOString(),
    monitoring_at: iso(i.monitoringAt),
    resolved_at: iso(i.resolvedAt),
    impact: i.impact as Impact,
    shortlink: i.shortlink,
    started_at: i.startedAt.toISOString(),
    page_id: pageId,
    incident_updates: i.updates.map((u) => updateJson(u, i.id)),
    components: componentsOf(i.componentIds),
  });

  const maintenanceJson = (m: MaintenanceData) => ({
    id: m.id,
    name: m.name,
    status: m.status,
    created_at: m.createdAt.toISOString(),
    updated_at: m.updatedAt.toISOString(),
    monitoring_at: null,
    resolved_at: iso(m.resolvedAt),
    impact: "maintenance" as Impact,
    shortlink: m.shortlink,
    started_at: (m.startedAt ?? m.scheduledFor).toISOString(),
    page_id: pageId,
    incident_updates: maintenanceUpdates(m).map((u) => updateJson(u, m.id)),
    components: componentsOf(m.componentIds),
    scheduled_for: m.scheduledFor.toISOString(),
    scheduled_until: m.scheduledUntil.toISOString(),
  });

  const components = data.components.map((c) => componentJson(c, pageId));
  const unresolved = data.incidents.filter((i) => isUnresolved(i.status));
  const upcoming = data.maintenances.filter((m) => m.status === "scheduled");
  const active = data.maintenances.filter((m) => m.status === "in_progress" || m.status === "verifying");
  const status = pageStatus(data);
  const notCompleted = data.maintenances.filter((m) => m.status !== "completed");

  return {
    "/api/v2/summary.json": {
      page,
      status,
      components,
      incidents: unresolved.map(incidentJson),
      scheduled_maintenances: notCompleted.map(maintenanceJson),
    },
    "/api/v2/status.json": { page, status },
    "/api/v2/components.json": { page, components },
    "/api/v2/incidents.json": { page, incidents: data.incidents.slice(0, 50).map(incidentJson) },
    "/api/v2/incidents/unresolved.json": { page, incidents: unresolved.map(incidentJson) },
    "/api/v2/scheduled-maintenances.json": {
      page,
      scheduled_maintenances: data.maintenances.slice(0, 50).map(maintenanceJson),
    },
    "/api/v2/scheduled-maintenances/upcoming.json": {
      page,
      scheduled_maintenances: upcoming.map(maintenanceJson),
    },
    "/api/v2/scheduled-maintenances/active.json": {
      page,
      scheduled_maintenances: active.map(maintenanceJson),
    },
  };
}

/** The page's overall status (indicator and description), as status.json says it. */
export function pageStatus(data: StatusData): { indicator: Indicator; description: string } {
  return overallStatus(
    data.components.filter((c) => !c.isGroup).map((c) => c.status),
    data.incidents.filter((i) => isUnresolved(i.status)).map((i) => i.impact),
  );
}
