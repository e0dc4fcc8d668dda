/**
 * Sample `StatusData` for tests, golden files and screenshots: a small company page in three situations:
 * all well (with maintenance coming up), a major outage in progress, and maintenance in progress. Fixed
 * instants, so everything rendered from it is byte-for-byte stable.
 */
import { DAY, HOUR, MINUTE } from "../time.ts";
import { worstStatus } from "./status.ts";
import type {
  ComponentData,
  ComponentStatus,
  IncidentData,
  MaintenanceData,
  StatusData,
  UpdateData,
} from "./types.ts";
import { type StatusInterval, uptimeDays } from "./uptime.ts";

export type SampleScenario = "normal" | "major-outage" | "maintenance";

/** The instant the samples are rendered at: Friday 20 March 2026, 15:30 in Berlin. */
export const SAMPLE_NOW = new Date("2026-03-20T14:30:00Z");

const URL_BASE = "https://status.example.com";
const ago = (ms: number) => new Date(SAMPLE_NOW.getTime() - ms);
const ahead = (ms: number) => new Date(SAMPLE_NOW.getTime() + ms);

interface ComponentSeed {
  id: string;
  name: string;
  description?: string;
  group?: string;
  isGroup?: boolean;
  showcase?: boolean;
  onlyShowIfDegraded?: boolean;
  startDate?: string;
}

const SEEDS: ComponentSeed[] = [
  { id: "grpcore00001", name: "Core platform", isGroup: true },
  { id: "cmpweb000001", name: "Website", group: "grpcore00001", showcase: true },
  {
    id: "cmpapi000001",
    name: "API",
    description: "REST and GraphQL endpoints",
    group: "grpcore00001",
    showcase: true,
  },
  { id: "cmpdash00001", name: "Dashboard", group: "grpcore00001", showcase: true },
  { id: "grpnotif0001", name: "Notifications", isGroup: true },
  { id: "cmpemail0001", name: "Email delivery", group: "grpnotif0001", showcase: true },
  { id: "cmpsms000001", name: "SMS", group: "grpnotif0001", showcase: true, startDate: "2026-02-01" },
  { id: "cmphook00001", name: "Webhooks", group: "grpnotif0001" },
  { id: "cmpsearch001", name: "Search", description: "Full-text search across projects", showcase: true },
  { id: "cmpbill00001", name: "Billing", onlyShowIfDegraded: true },
];

interface Outage {
  component: string;
  status: ComponentStatus;
  start: Date;
  end: Date | null;
  incident?: string;
}

function update(
  id: string,
  status: UpdateData["status"],
  at: Date,
  body: string,
  affected: [string, ComponentStatus, ComponentStatus][] = [],
): UpdateData {
  const names = new Map(SEEDS.map((s) => [s.id, s.name]));
  return {
    id,
    status,
    body,
    createdAt: at,
    affectedComponents: affected.map(([code, from, to]) => ({
      code,
      name: names.get(code) ?? code,
      old_status: from,
      new_status: to,
    })),
  };
}

const PAST_INCIDENTS: IncidentData[] = [
  {
    id: "incapierr001",
    name: "Elevated error rates on the API",
    status: "postmortem",
    impact: "major",
    createdAt: ago(3 * DAY + 2 * HOUR),
    updatedAt: ago(DAY),
    startedAt: ago(3 * DAY + 2 * HOUR + 5 * MINUTE),
    monitoringAt: ago(3 * DAY + HOUR),
    resolvedAt: ago(3 * DAY + 20 * MINUTE),
    shortlink: `${URL_BASE}/incidents/incapierr001`,
    componentIds: ["cmpapi000001"],
    updates: [
      update(
        "updapierr004",
        "resolved",
        ago(3 * DAY + 20 * MINUTE),
        "Error rates have been back to normal for 40 minutes. This incident is resolved.",
        [["cmpapi000001", "partial_outage", "operational"]],
      ),
      update(
        "updapierr003",
        "monitoring",
        ago(3 * DAY + HOUR),
        "We rolled back the release. Error rates are dropping; we are monitoring.",
      ),
      update(
        "updapierr002",
        "identified",
        ago(3 * DAY + HOUR + 30 * MINUTE),
        "A configuration change in today's release exhausts database connections under load.\nWe are rolling it back.",
      ),
      update(
        "updapierr001",
        "investigating",
        ago(3 * DAY + 2 * HOUR),
        "About 8 % of API requests fail with HTTP 503. We are investigating.",
        [["cmpapi000001", "operational", "partial_outage"]],
      ),
    ],
    postmortem: {
      publishedAt: ago(DAY),
      body: "## Summary\nFor 1 h 45 min about 8 % of API requests failed.\n\n## Root cause\nA lowered connection-pool limit shipped with the release.\n\n## What we changed\n- The pool size is now checked before every deploy.\n- An alert fires on connection waits.",
    },
  },
  {
    id: "incmaildly01",
    name: "Delayed email notifications",
    status: "resolved",
    impact: "minor",
    createdAt: ago(9 * DAY + 5 * HOUR),
    updatedAt: ago(9 * DAY + 3 * HOUR),
    startedAt: ago(9 * DAY + 5 * HOUR),
    monitoringAt: null,
    resolvedAt: ago(9 * DAY + 3 * HOUR),
    shortlink: `${URL_BASE}/incidents/incmaildly01`,
    componentIds: ["cmpemail0001"],
    updates: [
      update(
        "updmaildly02",
        "resolved",
        ago(9 * DAY + 3 * HOUR),
        "The queue has drained; all delayed emails were delivered.",
      ),
      update(
        "updmaildly01",
        "investigating",
        ago(9 * DAY + 5 * HOUR),
        "Emails are delayed by up to 20 minutes. No email is lost.",
      ),
    ],
    postmortem: null,
  },
  {
    id: "incwebdown01",
    name: "Website unavailable",
    status: "resolved",
    impact: "critical",
    createdAt: ago(40 * DAY),
    updatedAt: ago(40 * DAY - 50 * MINUTE),
    startedAt: ago(40 * DAY),
    monitoringAt: null,
    resolvedAt: ago(40 * DAY - 50 * MINUTE),
    shortlink: `${URL_BASE}/incidents/incwebdown01`,
    componentIds: ["cmpweb000001", "cmpdash00001"],
    updates: [
      update(
        "updwebdown02",
        "resolved",
        ago(40 * DAY - 50 * MINUTE),
        "Our CDN provider fixed the fault; the website is back.",
      ),
      update("updwebdown01", "investigating", ago(40 * DAY), "The website does not load for most visitors."),
    ],
    postmortem: null,
  },
];

const PAST_OUTAGES: Outage[] = [
  {
    component: "cmpapi000001",
    status: "partial_outage",
    start: ago(3 * DAY + 2 * HOUR + 5 * MINUTE),
    end: ago(3 * DAY + 20 * MINUTE),
    incident: "incapierr001",
  },
  {
    component: "cmpemail0001",
    status: "degraded_performance",
    start: ago(9 * DAY + 5 * HOUR),
    end: ago(9 * DAY + 3 * HOUR),
    incident: "incmaildly01",
  },
  {
    component: "cmpweb000001",
    status: "major_outage",
    start: ago(40 * DAY),
    end: ago(40 * DAY - 50 * MINUTE),
    incident: "incwebdown01",
  },
  {
    component: "cmpdash00001",
    status: "major_outage",
    start: ago(40 * DAY),
    end: ago(40 * DAY - 50 * MINUTE),
    incident: "incwebdown01",
  },
  {
    component: "cmpsearch001",
    status: "partial_outage",
    start: ago(62 * DAY),
    end: ago(62 * DAY - 3 * HOUR),
  },
];

const COMPLETED_MAINTENANCE: MaintenanceData = {
  id: "mntdbpatch01",
  name: "Database minor version upgrade",
  status: "completed",
  impact: "maintenance",
  body: "We will apply a minor database upgrade. The API may answer slowly for a few minutes.",
  createdAt: ago(12 * DAY),
  updatedAt: ago(6 * DAY - HOUR),
  scheduledFor: ago(6 * DAY + HOUR),
  scheduledUntil: ago(6 * DAY - HOUR),
  startedAt: ago(6 * DAY + HOUR),
  resolvedAt: ago(6 * DAY),
  shortlink: `${URL_BASE}/maintenances/mntdbpatch01`,
  componentIds: ["cmpapi000001"],
  updates: [
    update("updmntdb0002", "completed", ago(6 * DAY), "The upgrade is complete."),
    update("updmntdb0001", "in_progress", ago(6 * DAY + HOUR), "The upgrade has started."),
  ],
};

const UPCOMING_MAINTENANCE: MaintenanceData = {
  id: "mntsmsprov01",
  name: "SMS provider migration",
  status: "scheduled",
  impact: "maintenance",
  body: "We are moving SMS delivery to a new provider. Messages sent during the window may arrive a few minutes late.",
  createdAt: ago(2 * DAY),
  updatedAt: ago(2 * DAY),
  scheduledFor: ahead(3 * DAY + 8 * HOUR + 30 * MINUTE),
  scheduledUntil: ahead(3 * DAY + 10 * HOUR + 30 * MINUTE),
  startedAt: null,
  resolvedAt: null,
  shortlink: `${URL_BASE}/maintenances/mntsmsprov01`,
  componentIds: ["cmpsms000001"],
  updates: [],
};

const OUTAGE_INCIDENT: IncidentData = {
  id: "incapidown01",
  name: "API and dashboard unavailable",
  status: "identified",
  impact: "critical",
  createdAt: ago(50 * MINUTE),
  updatedAt: ago(10 * MINUTE),
  startedAt: ago(55 * MINUTE),
  monitoringAt: null,
  resolvedAt: null,
  shortlink: `${URL_BASE}/incidents/incapidown01`,
  componentIds: ["cmpapi000001", "cmpdash00001", "cmpweb000001"],
  updates: [
    update(
      "updapidown02",
      "identified",
      ago(10 * MINUTE),
      "A failed storage volume took the primary database offline. We are failing over to the replica.",
    ),
    update(
      "updapidown01",
      "investigating",
      ago(50 * MINUTE),
      "The API and the dashboard return errors for all requests. The website loads slowly.",
      [
        ["cmpapi000001", "operational", "major_outage"],
        ["cmpdash00001", "operational", "major_outage"],
        ["cmpweb000001", "operational", "partial_outage"],
      ],
    ),
  ],
  postmortem: null,
  responders: ["Dana Whitfield", "Sam Okafor"],
};

const ACTIVE_MAINTENANCE: MaintenanceData = {
  id: "mntpgupgr001",
  name: "Database major version upgrade",
  status: "in_progress",
  impact: "maintenance",
  body: "We are upgrading our primary database. The API and webhooks are read-only for up to two hours.",
  createdAt: ago(7 * DAY),
  updatedAt: ago(25 * MINUTE),
  scheduledFor: ago(30 * MINUTE),
  scheduledUntil: ahead(90 * MINUTE),
  startedAt: ago(30 * MINUTE),
  resolvedAt: null,
  shortlink: `${URL_BASE}/maintenances/mntpgupgr001`,
  componentIds: ["cmpapi000001", "cmphook00001"],
  updates: [
    update("updpgupgr001", "in_progress", ago(25 * MINUTE), "The upgrade has started; writes are paused.", [
      ["cmpapi000001", "operational", "under_maintenance"],
      ["cmphook00001", "operational", "under_maintenance"],
    ]),
  ],
};

/** Sample data for one scenario, at SAMPLE_NOW, in Europe/Berlin. */
export function sampleStatusData(scenario: SampleScenario = "normal"): StatusData {
  const current = new Map<string, ComponentStatus>();
  const outages = [...PAST_OUTAGES];
  const incidents = [...PAST_INCIDENTS];
  const maintenances: MaintenanceData[] = [UPCOMING_MAINTENANCE, COMPLETED_MAINTENANCE];
  if (scenario === "major-outage") {
    current.set("cmpapi000001", "major_outage");
    current.set("cmpdash00001", "major_outage");
    current.set("cmpweb000001", "partial_outage");
    for (const [component, status] of current)
      outages.push({ component, status, start: ago(55 * MINUTE), end: null, incident: "incapidown01" });
    incidents.unshift(OUTAGE_INCIDENT);
  }
  if (scenario === "maintenance") {
    current.set("cmpapi000001", "under_maintenance");
    current.set("cmphook00001", "under_maintenance");
    for (const component of ["cmpapi000001", "cmphook00001"])
      outages.push({ component, status: "under_maintenance", start: ago(30 * MINUTE), end: null });
    maintenances.unshift(ACTIVE_MAINTENANCE);
  }
  const names = new Map(incidents.map((i) => [i.id, i.name]));

  const components: ComponentData[] = SEEDS.map((seed, index) => {
    const createdAt = new Date("2025-06-01T09:00:00Z");
    const children = SEEDS.filter((s) => s.group === seed.id).map((s) => s.id);
    const status: ComponentStatus = seed.isGroup
      ? worstStatus(children.map((id) => current.get(id) ?? "operational"))
      : (current.get(seed.id) ?? "operational");
    const intervals: StatusInterval[] = outages
      .filter((o) => o.component === seed.id)
      .map((o) => ({
        start: o.start,
        end: o.end,
        status: o.status,
        ...(o.incident ? { incident: { id: o.incident, name: names.get(o.incident) ?? "" } } : {}),
      }));
    const since = seed.startDate ? new Date(`${seed.startDate}T00:00:00+01:00`) : createdAt;
    const { days, uptime90 } = seed.isGroup
      ? { days: [], uptime90: null }
      : uptimeDays({ intervals, now: SAMPLE_NOW, timeZone: "Europe/Berlin", since });
    return {
      id: seed.id,
      name: seed.name,
      description: seed.description ?? null,
      groupId: seed.group ?? null,
      isGroup: seed.isGroup ?? false,
      position: index,
      showcase: seed.showcase ?? false,
      onlyShowIfDegraded: seed.onlyShowIfDegraded ?? false,
      startDate: seed.startDate ?? null,
      status,
      createdAt,
      updatedAt: status === "operational" ? createdAt : ago(50 * MINUTE),
      childIds: children,
      uptime: days,
      uptime90,
    };
  });

  return {
    page: {
      id: "pg7k2m9x4q1z",
      name: "Acme Cloud",
      url: URL_BASE,
      logoUrl: null,
      brandColor: "#4f46e5",
      timeZone: "Europe/Berlin",
      customDomain: "status.example.com",
      footerLinks: [
        { label: "Acme Cloud home", url: "https://example.com" },
        { label: "Support", url: "https://example.com/support" },
      ],
      showResponders: scenario === "major-outage",
      updatedAt: new Date("2026-01-15T10:00:00Z"),
    },
    generatedAt: SAMPLE_NOW,
    components,
    incidents,
    maintenances: maintenances.sort((a, b) => b.scheduledFor.getTime() - a.scheduledFor.getTime()),
  };
}
