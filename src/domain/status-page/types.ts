/**
 * The public status page's data model: everything the page, the Statuspage-compatible JSON and the feeds
 * are rendered from. `StatusData` is read from storage in one go (app/status-page/snapshot.ts) and every
 * public surface is a pure function of it (domain/status-page/render-*.ts), so a snapshot can be served,
 * written to disk and exported without touching the database again.
 *
 * Nothing internal belongs here: no internal status updates, no internal titles when a public title is
 * set, no responder names unless the page shows them.
 */

export const COMPONENT_STATUSES = [
  "operational",
  "degraded_performance",
  "partial_outage",
  "major_outage",
  "under_maintenance",
] as const;
export type ComponentStatus = (typeof COMPONENT_STATUSES)[number];

/** Human names, as Statuspage shows them. */
export const COMPONENT_STATUS_LABELS: Record<ComponentStatus, string> = {
  operational: "Operational",
  degraded_performance: "Degraded Performance",
  partial_outage: "Partial Outage",
  major_outage: "Major Outage",
  under_maintenance: "Under Maintenance",
};

/** Public incident statuses (Statuspage's names); `postmortem` once a postmortem is published. */
export const PUBLIC_INCIDENT_STATUSES = [
  "investigating",
  "identified",
  "monitoring",
  "resolved",
  "postmortem",
] as const;
export type PublicIncidentStatus = (typeof PUBLIC_INCIDENT_STATUSES)[number];

export const MAINTENANCE_STATUSES = ["scheduled", "in_progress", "verifying", "completed"] as const;
export type MaintenanceStatus = (typeof MAINTENANCE_STATUSES)[number];

/** The page's overall indicator (Statuspage emits exactly these four). */
export type Indicator = "none" | "minor" | "major" | "critical";
export type Impact = Indicator | "maintenance";

export interface FooterLink {
  label: string;
  url: string;
}

/** Page settings as the public sees them (status_page_settings). */
export interface PageInfo {
  /** Stable opaque id (Statuspage: 12 lower-case alphanumerics). */
  id: string;
  name: string;
  /** Absolute URL of the page (custom domain root, or <publicUrl>/status). */
  url: string;
  logoUrl: string | null;
  /** #rrggbb */
  brandColor: string;
  /** IANA zone for displayed times and for the days of the uptime bars. */
  timeZone: string;
  /** Host name on which `/` serves the page; null: none. */
  customDomain: string | null;
  footerLinks: FooterLink[];
  showResponders: boolean;
  updatedAt: Date;
  /** false: no SMTP is configured, so the page offers the feeds instead of the email form (default true). */
  emailSubscriptions?: boolean;
}

/** One day of a component's uptime bar, in the page's time zone. */
export interface UptimeDay {
  /** YYYY-MM-DD in the page's zone. */
  date: string;
  /** The worst status the component had that day; null: no data (before the component existed). */
  worst: ComponentStatus | null;
  /** Seconds of major outage and of partial outage that day. */
  majorSeconds: number;
  partialSeconds: number;
  /**
   * Uptime that day, 0..1, as Atlassian computes it: major outage counts fully as downtime, partial outage
   * at 30 %, degraded performance and maintenance not at all. null: no data.
   */
  uptime: number | null;
  /** Public incidents that touched the component that day (id and name), for the bar's tooltip. */
  incidents: { id: string; name: string }[];
}

export interface ComponentData {
  /** 12 lower-case alphanumerics. */
  id: string;
  name: string;
  description: string | null;
  /** The group it belongs to; null: top level. */
  groupId: string | null;
  isGroup: boolean;
  /** Order among its siblings (ascending). */
  position: number;
  /** Show its 90-day uptime bar. */
  showcase: boolean;
  onlyShowIfDegraded: boolean;
  /** YYYY-MM-DD or null. */
  startDate: string | null;
  /** The effective status now: hand-set status, else maintenance in progress, else open incidents. */
  status: ComponentStatus;
  createdAt: Date;
  updatedAt: Date;
  /** For a group: its components' ids in position order; empty otherwise. */
  childIds: string[];
  /** 90 days, oldest first, ending today (page zone); empty for groups. */
  uptime: UptimeDay[];
  /** Uptime over the 90 days, 0..1; null: no data. */
  uptime90: number | null;
}

export interface AffectedComponent {
  /** The component id. */
  code: string;
  name: string;
  old_status: ComponentStatus;
  new_status: ComponentStatus;
}

/** One public update of an incident or a maintenance. */
export interface UpdateData {
  /** Stable opaque id. */
  id: string;
  status: PublicIncidentStatus | MaintenanceStatus;
  body: string;
  createdAt: Date;
  affectedComponents: AffectedComponent[];
}

/** A public incident: an incident with at least one external status update. */
export interface IncidentData {
  /** Stable opaque id (12 lower-case alphanumerics derived from the incident's id). */
  id: string;
  /** Public title (incidents.public_title, else the title). */
  name: string;
  status: PublicIncidentStatus;
  /** SEV1 critical, SEV2 major, SEV3/SEV4 minor. */
  impact: Indicator;
  createdAt: Date;
  updatedAt: Date;
  startedAt: Date;
  monitoringAt: Date | null;
  resolvedAt: Date | null;
  /** Absolute URL of the incident's public page. */
  shortlink: string;
  /** Components of the incident's services. */
  componentIds: string[];
  /** External updates only, newest first. */
  updates: UpdateData[];
  /** The published postmortem (public sections only, markdown); null: none published. */
  postmortem: { publishedAt: Date; body: string } | null;
  /** Responder names; present only when the page is set to show them. */
  responders?: string[];
}

export interface MaintenanceData {
  id: string;
  name: string;
  status: MaintenanceStatus;
  impact: "maintenance";
  /** The maintenance's description. */
  body: string;
  createdAt: Date;
  updatedAt: Date;
  scheduledFor: Date;
  scheduledUntil: Date;
  /** When it went in progress / completed (from its updates); null: not yet. */
  startedAt: Date | null;
  resolvedAt: Date | null;
  shortlink: string;
  componentIds: string[];
  /** Newest first. */
  updates: UpdateData[];
}

/** Everything public, at one instant. */
export interface StatusData {
  page: PageInfo;
  /** When this data was read (shown as "as of" when the database is unreachable). */
  generatedAt: Date;
  /** Groups and components, groups' children after their group, each level by position. */
  components: ComponentData[];
  /** The 50 most recent public incidents, newest first (resolved ones included). */
  incidents: IncidentData[];
  /** The 50 most recent maintenances by scheduled start, newest first. */
  maintenances: MaintenanceData[];
}

/** One file of a rendered snapshot: what is served at a path, and what `foghorn status export` writes. */
export interface SnapshotFile {
  contentType: string;
  body: string;
}

/**
 * The rendered site. Keys are URL paths: "/status", "/status/incidents/<id>", "/api/v2/summary.json",
 * "/history.rss" … for the page under /status; with base "" the HTML paths are "/" and "/incidents/<id>".
 */
export type SnapshotFiles = Map<string, SnapshotFile>;
