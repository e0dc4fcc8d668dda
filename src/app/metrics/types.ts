/**
 * The metrics report as the API returns it (GET /api/v1/metrics), and as the CLI and the Insights page
 * read it. snake_case like the rest of the API. Durations are seconds; shares are 0…1 or null when nothing
 * was counted. Contract: /work/notes/metrics-contract.md (copied into docs/metrics.md).
 */
import type { Severity } from "#domain/incident/severity.ts";

export interface MetricsFilter {
  /** UTC midnight; incidents created from here… */
  from: Date;
  /** …up to here (exclusive, UTC midnight). */
  to: Date;
  /** Service name; null: all. */
  service: string | null;
  /** Team name (its services); null: all. */
  team: string | null;
  /** Empty: every severity. */
  severities: Severity[];
  /** Incident type name; null: all, "none": incidents declared without a type. */
  type: string | null;
}

export interface DurationView {
  count: number;
  mean_seconds: number | null;
  median_seconds: number | null;
  p90_seconds: number | null;
}

export interface ComplianceView {
  met: number;
  total: number;
  ratio: number | null;
}

/** One row per severity present in the policy, then `severity: "all"`. */
export interface ResponseTimesRow {
  severity: Severity | "all";
  incidents: number;
  mtta: DurationView;
  mttr: DurationView;
}

export interface FrequencyWeek {
  /** Monday of the ISO week, YYYY-MM-DD (UTC). */
  week: string;
  SEV1: number;
  SEV2: number;
  SEV3: number;
  SEV4: number;
  total: number;
}

export interface TrendWeek {
  week: string;
  incidents: number;
  mtta_median_seconds: number | null;
  mttr_median_seconds: number | null;
  sla_ratio: number | null;
}

export interface SlaRow {
  severity: Severity | "all";
  /** The ack target in minutes (null for "all"). */
  target_minutes: number | null;
  compliance: ComplianceView;
}

export interface UpdateComplianceRow {
  severity: Severity | "all";
  cadence_minutes: number | null;
  /** met = updates posted on time, total = updates the cadence required. */
  compliance: ComplianceView;
}

export interface PostmortemComplianceRow {
  severity: Severity | "all";
  due_hours: number | null;
  /** met = published on time, total = required and decided (published, or due time passed). */
  compliance: ComplianceView;
  late: number;
  missing: number;
}

export interface ActionItemsView {
  /** Action items of the incidents in range, as of now. */
  open: number;
  overdue: number;
  done: number;
}

export interface AlertsView {
  total: number;
  noise: number;
  noise_ratio: number | null;
  by_service: { service: string; alerts: number; noise: number; noise_ratio: number | null }[];
}

export interface OnCallLoadView {
  sent: number;
  off_hours: number;
  failed: number;
  people: {
    user: string;
    name: string;
    sent: number;
    off_hours: number;
    failed: number;
    off_hours_ratio: number | null;
  }[];
}

export interface UptimeRow {
  component: string;
  group: string | null;
  /** 0…100, Atlassian's rule (domain/status-page/uptime.ts); null when there is no data in the range. */
  uptime_percent: number | null;
  major_outage_minutes: number;
  partial_outage_minutes: number;
}

export interface MetricsReport {
  range: { from: string; to: string; days: number };
  filters: { service: string | null; team: string | null; severity: Severity[]; type: string | null };
  generated_at: string;
  response_times: ResponseTimesRow[];
  frequency: FrequencyWeek[];
  trend: TrendWeek[];
  sla: SlaRow[];
  update_compliance: UpdateComplianceRow[];
  postmortem_compliance: PostmortemComplianceRow[];
  action_items: ActionItemsView;
  alerts: AlertsView;
  oncall_load: OnCallLoadView;
  uptime: UptimeRow[];
}

/** The sections, as named in URLs (/api/v1/metrics/<section>) and in `foghorn metrics <section>`. */
export const METRIC_SECTIONS = [
  "response-times",
  "frequency",
  "trend",
  "sla",
  "update-compliance",
  "postmortem-compliance",
  "action-items",
  "alerts",
  "oncall-load",
  "uptime",
] as const;
export type MetricSection = (typeof METRIC_SECTIONS)[number];

/** A section as a table: the CSV export, the CLI table and the UI's "Download CSV" all use this. */
export interface SectionTable {
  columns: string[];
  rows: (string | number | null)[][];
}
