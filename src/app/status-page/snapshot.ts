/**
 * Reads one StatusData: everything public, at one instant, from one consistent read of storage
 * (store/status-snapshot.ts), with the status page's rules applied. Every public surface (the page, the
 * Statuspage JSON, the feeds, `foghorn status export`) is rendered from what this returns.
 *
 * What never gets in: internal status updates, internal titles when a public title is set, postmortem
 * sections other than the public ones (no timeline, no names), responder names unless the page shows them.
 */
import { localToInstant } from "#domain/alert/maintenance.ts";
import {
  deriveComponentStatus,
  impactOfSeverity,
  maintenanceStatusAt,
  pageInfo,
  publicIdOf,
  publicIdOfStored,
  statusBySeverity,
  worstStatus,
} from "#domain/status-page/status.ts";
import {
  type AffectedComponent,
  COMPONENT_STATUSES,
  type ComponentData,
  type ComponentStatus,
  type IncidentData,
  MAINTENANCE_STATUSES,
  type MaintenanceData,
  type MaintenanceStatus,
  type PageInfo,
  PUBLIC_INCIDENT_STATUSES,
  type PublicIncidentStatus,
  type StatusData,
  type UpdateData,
} from "#domain/status-page/types.ts";
import { type StatusInterval, uptimeDays } from "#domain/status-page/uptime.ts";
import { DAY } from "#domain/time.ts";
import type { Db } from "#store/db.ts";
import {
  readStatusSnapshotRows,
  type SnapshotComponent,
  type SnapshotIncident,
  type SnapshotMaintenance,
  type StatusSnapshotRows,
} from "#store/status-snapshot.ts";

/** Days of uptime history a component bar shows. */
export const UPTIME_DAYS = 90;

export interface StatusReadContext {
  db: Db;
  clock: { now(): Date };
  /** server.publicUrl (or the listen address): the page is at <publicUrl>/status unless set otherwise. */
  publicUrl?: string | undefined;
}

/** Reads the whole public status page as of now. */
export async function readStatusData(ctx: StatusReadContext): Promise<StatusData> {
  const now = ctx.clock.now();
  // One day more than the bars show: the oldest bar day starts at local midnight, up to a day before.
  const since = new Date(now.getTime() - (UPTIME_DAYS + 1) * DAY);
  const rows = await readStatusSnapshotRows(ctx.db, since);
  return buildStatusData(rows, now, ctx.publicUrl);
}

const isComponentStatus = (s: string | null): s is ComponentStatus =>
  s !== null && (COMPONENT_STATUSES as readonly string[]).includes(s);
const isPublicStatus = (s: string): s is PublicIncidentStatus =>
  (PUBLIC_INCIDENT_STATUSES as readonly string[]).includes(s);
const isMaintenanceStatus = (s: string | null): s is MaintenanceStatus =>
  s !== null && (MAINTENANCE_STATUSES as readonly string[]).includes(s);

/** The page's absolute URL: the configured one, else the custom domain's root, else <publicUrl>/status. */
const publicId = publicIdOfStored;

/** Applies the status page's rules to the rows of one read. Pure: exported for tests. */
export function buildStatusData(rows: StatusSnapshotRows, now: Date, publicUrl?: string): StatusData {
  const { settings } = rows;
  const page: PageInfo = pageInfo(settings, publicUrl);
  const url = page.url;
  const bySeverity = statusBySeverity(settings.componentStatusBySeverity);
  const statusOfSeverity = (severity: string): ComponentStatus => bySeverity[severity] ?? "operational";

  // Components by service, for the incidents' component lists.
  const componentsByService = new Map<string, string[]>();
  for (const c of rows.components)
    for (const s of c.serviceIds) componentsByService.set(s, [...(componentsByService.get(s) ?? []), c.id]);
  const componentIdsOf = (serviceIds: readonly string[]) => [
    ...new Set(serviceIds.flatMap((s) => componentsByService.get(s) ?? [])),
  ];

  const known = new Set(rows.components.map((c) => c.id));
  const maintenances = rows.maintenances.map((m) => maintenanceData(m, now, url, known));
  const inMaintenance = new Set(
    maintenances
      .filter((m) => m.status === "in_progress" || m.status === "verifying")
      .flatMap((m) => m.componentIds),
  );

  const componentNames = new Map(rows.components.map((c) => [c.id, c.name]));
  const incidents = rows.incidents.map((i) =>
    incidentData(i, url, componentIdsOf(i.serviceIds), componentNames, statusOfSeverity),
  );
  const publicIncident = new Map(
    rows.incidents.map((i, n) => [
      i.id,
      { id: incidents[n]?.id ?? publicIdOf(i.id), name: incidents[n]?.name ?? "" },
    ]),
  );

  const ownStatus = new Map<string, ComponentStatus>();
  for (const c of rows.components) {
    if (c.isGroup) continue;
    ownStatus.set(
      c.id,
      deriveComponentStatus({
        manual: isComponentStatus(c.manualStatus) ? c.manualStatus : null,
        maintenanceInProgress: inMaintenance.has(c.id),
        openIncidentSeverities: rows.incidentSpans
          .filter((s) => s.open && s.componentId === c.id)
          .map((s) => s.severity),
        bySeverity,
      }),
    );
  }

  const components = orderComponents(rows.components).map((c, _n, ordered): ComponentData => {
    const childIds = c.isGroup ? ordered.filter((x) => x.groupId === c.id).map((x) => x.id) : [];
    const status = c.isGroup
      ? isComponentStatus(c.manualStatus)
        ? c.manualStatus
        : worstStatus(childIds.map((id) => ownStatus.get(id) ?? "operational"))
      : (ownStatus.get(c.id) ?? "operational");
    const uptime = c.isGroup
      ? { days: [], uptime90: null }
      : uptimeDays({
          intervals: intervalsOf(c, rows, maintenances, statusOfSeverity, publicIncident),
          now,
          timeZone: settings.timeZone,
          since: sinceOf(c, settings.timeZone),
          days: UPTIME_DAYS,
        });
    return {
      id: c.id,
      name: c.name,
      description: c.description,
      groupId: c.groupId,
      isGroup: c.isGroup,
      position: c.position,
      showcase: c.showcase,
      onlyShowIfDegraded: c.onlyShowIfDegraded,
      startDate: c.startDate,
      status,
      createdAt: c.createdAt,
      updatedAt: c.updatedAt,
      childIds,
      uptime: uptime.days,
      uptime90: uptime.uptime90,
    };
  });

  return { page, generatedAt: now, components, incidents, maintenances };
}

/** Top level by position, each group followed by its components by position. */
function orderComponents(all: readonly SnapshotComponent[]): SnapshotComponent[] {
  const byPosition = (a: SnapshotComponent, b: SnapshotComponent) =>
    a.position - b.position || a.name.localeCompare(b.name) || a.id.localeCompare(b.id);
  const ids = new Set(all.map((c) => c.id));
  const groups = new Set(all.filter((c) => c.isGroup).map((c) => c.id));
  // A component whose group is gone (or is no group) shows at the top level.
  const parentOf = (c: SnapshotComponent) =>
    c.groupId && groups.has(c.groupId) && ids.has(c.groupId) ? c.groupId : null;
  const out: SnapshotComponent[] = [];
  for (const top of all.filter((c) => parentOf(c) === null).sort(byPosition)) {
    out.push(top);
    if (top.isGroup) out.push(...all.filter((c) => parentOf(c) === top.id).sort(byPosition));
  }
  return out.map((c) => (parentOf(c) === c.groupId ? c : { ...c, groupId: null }));
}

/** Uptime counts from the component's start date (local midnight in the page's zone), else its creation. */
function sinceOf(c: SnapshotComponent, timeZone: string): Date {
  if (c.startDate && /^\d{4}-\d{2}-\d{2}$/.test(c.startDate)) {
    try {
      return localToInstant(`${c.startDate}T00:00`, timeZone);
    } catch {
      return new Date(`${c.startDate}T00:00:00Z`);
    }
  }
  return c.createdAt;
}

/** The spans a component spent in each status: its incidents, its hand-set statuses, its maintenance. */
function intervalsOf(
  c: SnapshotComponent,
  rows: StatusSnapshotRows,
  maintenances: readonly MaintenanceData[],
  statusOfSeverity: (severity: string) => ComponentStatus,
  publicIncident: ReadonlyMap<string, { id: string; name: string }>,
): StatusInterval[] {
  const intervals: StatusInterval[] = [];
  for (const s of rows.incidentSpans) {
    if (s.componentId !== c.id) continue;
    const status = statusOfSeverity(s.severity);
    if (status === "operational") continue;
    const incident = publicIncident.get(s.incidentId);
    intervals.push({ start: s.start, end: s.end, status, ...(incident ? { incident } : {}) });
  }
  for (const s of rows.manualSpans) {
    if (s.componentId !== c.id || !isComponentStatus(s.status) || s.status === "operational") continue;
    intervals.push({ start: s.start, end: s.end, status: s.status });
  }
  for (const m of maintenances) {
    if (!m.componentIds.includes(c.id) || !m.startedAt) continue;
    intervals.push({ start: m.startedAt, end: m.resolvedAt, status: "under_maintenance" });
  }
  return intervals;
}

/** The public sections of a published postmortem as markdown: never its timeline, action items or names. */
export function publicPostmortemBody(stored: unknown): string {
  const s = (typeof stored === "object" && stored !== null ? stored : {}) as Record<string, unknown>;
  const str = (v: unknown) => (typeof v === "string" ? v.trim() : "");
  const impact = (typeof s.impact === "object" && s.impact !== null ? s.impact : {}) as Record<
    string,
    unknown
  >;
  const integrity = (
    typeof impact.data_integrity === "object" && impact.data_integrity !== null ? impact.data_integrity : {}
  ) as Record<string, unknown>;
  const impactText = [str(impact.customers), str(impact.symptom), str(integrity.text)]
    .filter(Boolean)
    .join("\n\n");
  const sections: [string, string][] = [
    ["Summary", str(s.summary)],
    ["Impact", impactText],
    ["Root cause", str(s.root_cause)],
    ["Resolution", str(s.resolution)],
    ["Lessons learned", str(s.lessons_learned)],
  ];
  return sections
    .filter(([, body]) => body)
    .map(([title, body]) => `## ${title}\n\n${body}`)
    .join("\n\n");
}

function incidentData(
  i: SnapshotIncident,
  url: string,
  componentIds: string[],
  componentNames: ReadonlyMap<string, string>,
  statusOfSeverity: (severity: string) => ComponentStatus,
): IncidentData {
  const id = publicIdOf(i.id);
  const ended = i.status === "resolved" || i.status === "postmortem";
  const latest = i.updates[0];
  let status: PublicIncidentStatus =
    latest && isPublicStatus(latest.status) ? latest.status : "investigating";
  if (status === "postmortem") status = "resolved";
  const postmortem = i.postmortem
    ? { publishedAt: i.postmortem.publishedAt, body: publicPostmortemBody(i.postmortem.sections) }
    : null;
  if (ended && postmortem) status = "postmortem";
  const oldestFirst = [...i.updates].reverse();
  const firstOf = (s: string) => oldestFirst.find((u) => u.status === s)?.createdAt ?? null;
  const resolvedAt =
    status === "resolved" || status === "postmortem"
      ? (i.updates.find((u) => u.status === "resolved")?.createdAt ??
        i.resolvedAt ??
        i.closedAt ??
        latest?.createdAt ??
        null)
      : null;
  const updatedAt = new Date(
    Math.max(i.lastExternalAt.getTime(), postmortem ? postmortem.publishedAt.getTime() : 0),
  );

  // Affected components (best effort): the incident's components, at the status its severity gives while
  // it is unresolved and operational once an update says resolved.
  const open = statusOfSeverity(i.severity);
  let previous: ComponentStatus = "operational";
  const updates = oldestFirst
    .map((u): UpdateData => {
      const next: ComponentStatus = u.status === "resolved" ? "operational" : open;
      const affectedComponents: AffectedComponent[] = componentIds.map((code) => ({
        code,
        name: componentNames.get(code) ?? "",
        old_status: previous,
        new_status: next,
      }));
      const data: UpdateData = {
        id: publicIdOf(u.id),
        status: isPublicStatus(u.status) ? u.status : "investigating",
        body: u.body,
        createdAt: u.createdAt,
        affectedComponents,
      };
      previous = next;
      return data;
    })
    .reverse();

  return {
    id,
    name: i.publicTitle?.trim() ? i.publicTitle : i.title,
    status,
    impact: impactOfSeverity(i.severity),
    createdAt: i.createdAt,
    updatedAt,
    startedAt: i.createdAt,
    monitoringAt: firstOf("monitoring"),
    resolvedAt,
    shortlink: `${url}/incidents/${id}`,
    componentIds,
    updates,
    postmortem,
    ...(i.responders ? { responders: [...i.responders].sort((a, b) => a.localeCompare(b)) } : {}),
  };
}

function maintenanceData(
  m: SnapshotMaintenance,
  now: Date,
  url: string,
  knownComponents: ReadonlySet<string>,
): MaintenanceData {
  const id = publicId(m.id);
  const status = maintenanceStatusAt(
    {
      scheduledFor: m.scheduledFor,
      scheduledUntil: m.scheduledUntil,
      manualStatus: isMaintenanceStatus(m.manualStatus) ? m.manualStatus : null,
    },
    now,
  );
  const oldestFirst = [...m.updates].reverse();
  const firstOf = (s: string) => oldestFirst.find((u) => u.status === s)?.createdAt ?? null;
  const startedAt =
    status === "scheduled"
      ? null
      : (firstOf("in_progress") ??
        (now >= m.scheduledFor ? m.scheduledFor : (oldestFirst[0]?.createdAt ?? null)));
  const resolvedAt =
    status === "completed"
      ? (firstOf("completed") ?? (now >= m.scheduledUntil ? m.scheduledUntil : now))
      : null;
  const latestUpdate = m.updates[0]?.createdAt;
  const updatedAt =
    latestUpdate && latestUpdate.getTime() > m.updatedAt.getTime() ? latestUpdate : m.updatedAt;
  return {
    id,
    name: m.title,
    status,
    impact: "maintenance",
    body: m.body,
    createdAt: m.createdAt,
    updatedAt,
    scheduledFor: m.scheduledFor,
    scheduledUntil: m.scheduledUntil,
    startedAt,
    resolvedAt,
    shortlink: `${url}/maintenances/${id}`,
    // A deleted component just drops out (the column has no foreign key).
    componentIds: m.componentIds.filter((c) => knownComponents.has(c)),
    updates: m.updates.map((u) => ({
      id: publicId(u.id),
      status: isMaintenanceStatus(u.status) ? u.status : status,
      body: u.body,
      createdAt: u.createdAt,
      affectedComponents: [],
    })),
  };
}
