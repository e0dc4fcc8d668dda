/**
 * The status page's rules: what status a component has, what the page's overall indicator says, the
 * impact of an incident, where a maintenance stands at an instant, and the public ids.
 */
import { createHash, randomInt } from "node:crypto";
import type {
  ComponentStatus,
  Impact,
  Indicator,
  MaintenanceStatus,
  PageInfo,
  PublicIncidentStatus,
} from "./types.ts";

/** How bad a component status is; maintenance is planned and ranks below any outage. */
const RANK: Record<ComponentStatus, number> = {
  operational: 0,
  under_maintenance: 1,
  degraded_performance: 2,
  partial_outage: 3,
  major_outage: 4,
};

export function componentStatusRank(status: ComponentStatus): number {
  return RANK[status];
}

/** The worse of the statuses given (operational for none). */
export function worstStatus(statuses: Iterable<ComponentStatus>): ComponentStatus {
  let worst: ComponentStatus = "operational";
  for (const s of statuses) if (RANK[s] > RANK[worst]) worst = s;
  return worst;
}

/** The default map from incident severity to the status it gives its services' components. */
export const DEFAULT_STATUS_BY_SEVERITY: Readonly<Record<string, ComponentStatus>> = {
  SEV1: "major_outage",
  SEV2: "partial_outage",
  SEV3: "degraded_performance",
  SEV4: "operational",
};

/**
 * A component's status now. A hand-set status wins. Otherwise the worst of: what each open incident on
 * its services gives (by severity, `bySeverity`), and under_maintenance while a maintenance on it is in
 * progress (an outage during maintenance still shows as the outage).
 */
export function deriveComponentStatus(input: {
  manual: ComponentStatus | null;
  maintenanceInProgress: boolean;
  openIncidentSeverities: readonly string[];
  bySeverity: Readonly<Record<string, string>>;
}): ComponentStatus {
  if (input.manual) return input.manual;
  const statuses: ComponentStatus[] = input.openIncidentSeverities.map((sev) =>
    asComponentStatus(input.bySeverity[sev] ?? DEFAULT_STATUS_BY_SEVERITY[sev] ?? "operational"),
  );
  if (input.maintenanceInProgress) statuses.push("under_maintenance");
  return worstStatus(statuses);
}

/** The severity → component status map in force: the stored values (those that are statuses) over the defaults. */
export function statusBySeverity(stored: Readonly<Record<string, string>>): Record<string, ComponentStatus> {
  const merged: Record<string, ComponentStatus> = { ...DEFAULT_STATUS_BY_SEVERITY };
  for (const [severity, status] of Object.entries(stored))
    if (status in RANK) merged[severity] = status as ComponentStatus;
  return merged;
}

function asComponentStatus(value: string): ComponentStatus {
  return value in RANK ? (value as ComponentStatus) : "operational";
}

/** Statuspage's impact of an incident: SEV1 critical, SEV2 major, SEV3 and SEV4 minor. */
export function impactOfSeverity(severity: string): Indicator {
  if (severity === "SEV1") return "critical";
  if (severity === "SEV2") return "major";
  return "minor";
}

const INDICATOR_RANK: Record<Indicator, number> = { none: 0, minor: 1, major: 2, critical: 3 };

/**
 * The page's overall status, as Atlassian computes it: the worse of the components' states (any major
 * outage → critical, partial outage → major, degraded → minor) and the unresolved incidents' impacts.
 * Maintenance alone leaves it at none ("Service Under Maintenance" is said in the description).
 */
export function overallStatus(
  componentStatuses: readonly ComponentStatus[],
  unresolvedImpacts: readonly Impact[],
): { indicator: Indicator; description: string } {
  let indicator: Indicator = "none";
  const raise = (to: Indicator) => {
    if (INDICATOR_RANK[to] > INDICATOR_RANK[indicator]) indicator = to;
  };
  for (const s of componentStatuses) {
    if (s === "major_outage") raise("critical");
    else if (s === "partial_outage") raise("major");
    else if (s === "degraded_performance") raise("minor");
  }
  for (const impact of unresolvedImpacts) if (impact !== "maintenance") raise(impact);
  const anyMajor = componentStatuses.includes("major_outage");
  const anyPartial = componentStatuses.includes("partial_outage");
  const anyMaintenance = componentStatuses.includes("under_maintenance");
  let description: string;
  if (anyMajor) description = "Major System Outage";
  else if (anyPartial) description = "Partial System Outage";
  else if (indicator === "none" && anyMaintenance) description = "Service Under Maintenance";
  else if (indicator === "none") description = "All Systems Operational";
  else if (indicator === "minor") description = "Minor Service Outage";
  else if (indicator === "major") description = "Partial System Outage";
  else description = "Major System Outage";
  return { indicator, description };
}

/**
 * Where a maintenance stands at `now`: a hand-set status wins (verifying, completed early, in progress
 * early); otherwise scheduled before its start, in_progress until its end, completed after.
 */
export function maintenanceStatusAt(
  m: { scheduledFor: Date; scheduledUntil: Date; manualStatus: MaintenanceStatus | null },
  now: Date,
): MaintenanceStatus {
  if (m.manualStatus === "completed") return "completed";
  const t = now.getTime();
  if (m.manualStatus === "in_progress" || m.manualStatus === "verifying")
    return t >= m.scheduledUntil.getTime() && m.manualStatus === "in_progress" ? "completed" : m.manualStatus;
  if (t < m.scheduledFor.getTime()) return "scheduled";
  if (t < m.scheduledUntil.getTime()) return "in_progress";
  return "completed";
}

/** True for the statuses Statuspage counts as unresolved. */
export function isUnresolved(status: PublicIncidentStatus): boolean {
  return status === "investigating" || status === "identified" || status === "monitoring";
}

const ALPHABET = "abcdefghijklmnopqrstuvwxyz0123456789";

/** A new public id: 12 lower-case alphanumerics, as Statuspage's. */
export function newPublicId(): string {
  let id = "";
  for (let i = 0; i < 12; i++) id += ALPHABET[randomInt(ALPHABET.length)];
  return id;
}

/**
 * The stable public id of an internal uuid (incidents, status updates): 12 lower-case alphanumerics from
 * its SHA-256, so the public page never shows internal ids or incident numbers.
 */
export function publicIdOf(internalId: string): string {
  const digest = createHash("sha256").update(`foghorn-status:${internalId}`).digest();
  let id = "";
  for (let i = 0; i < 12; i++) id += ALPHABET[(digest[i] ?? 0) % ALPHABET.length];
  return id;
}

/** The page settings as stored (status_page_settings), the fields PageInfo is made of. */
export interface PageSettings {
  name: string;
  url: string | null;
  logoUrl: string | null;
  brandColor: string;
  timeZone: string;
  customDomain: string | null;
  footerLinks: { label: string; url: string }[];
  showResponders: boolean;
  updatedAt: Date;
}

/** Where the page is: the configured URL, else its custom domain, else <publicUrl>/status. */
export function pageUrl(
  settings: Pick<PageSettings, "url" | "customDomain">,
  publicUrl: string | undefined,
): string {
  if (settings.url) return settings.url.replace(/\/+$/, "");
  if (settings.customDomain) return `https://${settings.customDomain}`;
  return `${(publicUrl ?? "").replace(/\/+$/, "")}/status`;
}

/** The page as the public sees it, from its settings. */
export function pageInfo(settings: PageSettings, publicUrl: string | undefined): PageInfo {
  return {
    id: publicIdOf("status-page"),
    name: settings.name,
    url: pageUrl(settings, publicUrl),
    logoUrl: settings.logoUrl,
    brandColor: settings.brandColor,
    timeZone: settings.timeZone,
    customDomain: settings.customDomain,
    footerLinks: settings.footerLinks,
    showResponders: settings.showResponders,
    updatedAt: settings.updatedAt,
  };
}

/** A stored id that already is a public id (components, maintenances) is kept; any other (uuids) is hashed. */
export function publicIdOfStored(id: string): string {
  return /^[a-z0-9]{12}$/.test(id) ? id : publicIdOf(id);
}
