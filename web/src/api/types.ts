// The JSON shapes of the Foghorn REST API (src/app/incidents/views.ts and get.ts on the server).

import {
  ALERT_SEVERITIES,
  type AlertImage,
  type AlertLink,
  type AlertSeverity,
} from "../../../src/domain/alert/event.ts";
import type { CheckState, HealthStatus } from "../../../src/domain/alert/health.ts";
import { DEFAULT_SEVERITY_MAP } from "../../../src/domain/alert/severity.ts";
// The vocabulary comes from the server's pure domain modules, so the two can never disagree.
import { ACTION_ITEM_PRIORITIES, type ActionItemPriority } from "../../../src/domain/incident/action-item.ts";
import { EVIDENCE_KINDS, type EvidenceKind } from "../../../src/domain/incident/evidence.ts";
import { INCIDENT_ROLES as ROLES, type IncidentRole as Role } from "../../../src/domain/incident/roles.ts";
import { SEVERITIES, type Severity } from "../../../src/domain/incident/severity.ts";
import {
  INCIDENT_STATUSES,
  type IncidentStatus,
  OPEN_STATUSES,
  PUBLIC_STATUSES,
  type PublicStatus,
} from "../../../src/domain/incident/status.ts";
import { TIMELINE_KINDS } from "../../../src/domain/incident/timeline-kinds.ts";
import {
  COMPONENT_STATUS_LABELS,
  COMPONENT_STATUSES,
  type ComponentStatus,
  MAINTENANCE_STATUSES,
  type MaintenanceStatus,
} from "../../../src/domain/status-page/types.ts";

export type {
  ActionItemPriority,
  AlertSeverity,
  CheckState,
  EvidenceKind,
  HealthStatus,
  IncidentStatus,
  PublicStatus,
  Role,
  Severity,
};
export {
  ACTION_ITEM_PRIORITIES,
  ALERT_SEVERITIES,
  DEFAULT_SEVERITY_MAP,
  EVIDENCE_KINDS,
  INCIDENT_STATUSES,
  OPEN_STATUSES,
  PUBLIC_STATUSES,
  ROLES,
  SEVERITIES,
  TIMELINE_KINDS,
};

export const SORT_KEYS = ["id", "title", "severity", "status", "assignee", "duration", "created_at"] as const;
export type SortKey = (typeof SORT_KEYS)[number];

export interface Session {
  username: string;
  role: string;
  csrf_token: string;
}

export interface IncidentListItem {
  id: string;
  title: string;
  severity: Severity;
  status: IncidentStatus;
  assignee: string | null;
  duration_seconds: number;
  duration: string;
  affected_services: string[];
  /** Seen only by its declarer, role holders and admins. */
  private?: boolean;
  created_at: string;
  acknowledged_at: string | null;
  resolved_at: string | null;
}

export interface IncidentPage {
  items: IncidentListItem[];
  next_cursor: string | null;
}

export interface Roles {
  commander: string | null;
  communications_lead: string | null;
  scribe: string | null;
  responders: string[];
}

export interface SlaClocks {
  ack_within_minutes: number;
  ack_due_at: string;
  ack_breached: boolean;
  update_every_minutes: number;
  next_update_due_at: string | null;
  update_overdue: boolean;
}

export interface Incident {
  id: string;
  number: number;
  uuid: string;
  title: string;
  description: string;
  severity: Severity;
  severity_label: string;
  status: IncidentStatus;
  allowed_next_statuses: IncidentStatus[];
  assignee: string | null;
  roles: Roles;
  affected_services: string[];
  tags: string[];
  /** The incident type it was declared with (null: none), and its custom field values by key. */
  type: string | null;
  custom_fields: Record<string, string | number>;
  related_alerts: string[];
  impact: string;
  root_cause: string;
  resolution: string;
  /** Seen only by its declarer, role holders and admins. */
  private?: boolean;
  created_by: string;
  created_at: string;
  updated_at: string;
  acknowledged_at: string | null;
  mitigated_at: string | null;
  resolved_at: string | null;
  closed_at: string | null;
  duration_seconds: number;
  sla: SlaClocks;
  timeline_length: number;
  /** What the public status page calls the incident; null: its title. */
  public_title?: string | null;
}

export interface Evidence {
  id: string;
  kind: EvidenceKind;
  url: string;
  caption: string;
  is_image: boolean;
  added_by: string;
  added_at: string;
}

export interface StatusUpdate {
  id: string;
  incident_id: string;
  message: string;
  status: PublicStatus;
  visibility: "internal" | "external";
  created_by: string;
  created_at: string;
}

export interface ActionItem {
  id: string;
  incident_id: string;
  title: string;
  description: string;
  owner: string | null;
  priority: ActionItemPriority;
  status: "open" | "done";
  due_at: string | null;
  overdue: boolean;
  created_by: string;
  created_at: string;
  updated_at: string;
  completed_at: string | null;
  /** The GitHub issue it was filed as; null until filed. */
  issue: { repository: string; number: number; url: string } | null;
}

/** Whether action items can be filed to GitHub (GET /api/v1/backlog). */
export interface BacklogStatus {
  github: { configured: boolean; repository: string | null; webhook: boolean; hint: string | null };
}

/** What filing did to each item (POST …/action-items/file). */
export interface FileItemsResult {
  incident_id: string;
  repository: string;
  dry_run: boolean;
  items: {
    id: string;
    title: string;
    result: "filed" | "existing" | "already-filed" | "would-file";
    issue: { repository: string; number: number; url: string } | null;
  }[];
}

export interface IncidentDetail extends Incident {
  evidence: Evidence[];
  status_updates: StatusUpdate[];
  action_items: ActionItem[];
}

export interface TimelineEvent {
  seq: number;
  kind: string;
  actor: string;
  at: string;
  data: Record<string, unknown>;
}

export interface Timeline {
  incident_id: string;
  events: TimelineEvent[];
}

export interface Service {
  id: string;
  name: string;
  description: string;
  created_at: string;
}

// ---- services, integrations, alerts (src/app/alerts/views.ts and services.ts on the server) ----

export interface ServiceHealth {
  status: HealthStatus;
  /** Short reasons, most telling first; empty when healthy. */
  reasons: string[];
}

export type OnAlertsResolved = "mitigating" | "resolved" | "none";

export interface ServiceSummary extends Service {
  /** Alert severity → incident severity; null: the defaults. */
  severity_map: Partial<Record<AlertSeverity, Severity>> | null;
  on_alerts_resolved: OnAlertsResolved | null;
  /** The escalation policy that pages for the service's incidents (its name); null: nobody is paged. */
  escalation_policy: string | null;
  /** The team that owns it (Insights' team filter counts its incidents); null: none. */
  team: string | null;
  health: ServiceHealth;
}

export const INTEGRATION_KINDS = ["alertmanager", "grafana", "pagerduty", "generic", "heartbeat"] as const;
export type IntegrationKind = (typeof INTEGRATION_KINDS)[number];

export interface Integration {
  id: string;
  service: string;
  kind: IntegrationKind;
  name: string;
  routing_key: string;
  /** Where senders post (PagerDuty-compatible senders put the routing key in the body). */
  url: string;
  /** Settings; secrets appear only as `<name>_set: boolean`. */
  config: Record<string, unknown>;
  rate_limit_per_minute: number | null;
  last_event_at: string | null;
  created_by: string;
  created_at: string;
}

export interface IntegrationLogEntry {
  at: string;
  action: string;
  outcome: string;
  message: string;
}

export interface IntegrationDetail extends Integration {
  log: IntegrationLogEntry[];
}

export interface DryRunResult {
  ok: boolean;
  event?: Record<string, unknown>;
  matched?: Record<string, unknown>;
  errors?: FieldError[];
  notes?: string[];
}

export interface HealthCheck {
  id: string;
  name: string;
  url: string;
  method: string;
  interval_seconds: number;
  timeout_ms: number;
  /** "2xx" or status codes such as "200,204". */
  expected_status: string;
  keyword: string | null;
  json_path: string | null;
  json_equals: string | null;
  failure_threshold: number;
  state: CheckState;
  consecutive_failures: number;
  last_checked_at: string | null;
  last_latency_ms: number | null;
  last_error: string | null;
}

export interface MaintenanceWindow {
  id: string;
  starts_at: string;
  ends_at: string;
  time_zone: string;
  reason: string;
  active: boolean;
  created_by: string;
}

export type { AlertImage, AlertLink };

export interface ChangeEvent {
  id: string;
  service: string;
  summary: string;
  source: string | null;
  at: string;
  details: Record<string, unknown>;
  links: AlertLink[];
}

export interface ServiceDetail extends ServiceSummary {
  integrations: Integration[];
  health_checks: HealthCheck[];
  maintenance_windows: MaintenanceWindow[];
  change_events: ChangeEvent[];
}

export const ALERT_STATUSES = ["triggered", "acknowledged", "resolved"] as const;
export type AlertStatus = (typeof ALERT_STATUSES)[number];

export interface Alert {
  /** "ALR-7" */
  id: string;
  number: number;
  service: string;
  source_kind: string;
  dedup_key: string;
  status: AlertStatus;
  summary: string;
  source: string;
  severity: AlertSeverity | null;
  event_count: number;
  /** Members the sender left out of the group (Alertmanager truncatedAlerts). */
  truncated_alerts: number;
  /** Recorded during maintenance: pages no one. */
  suppressed: boolean;
  /** "INC-3" or null. */
  incident: string | null;
  created_at: string;
  last_event_at: string;
  acknowledged_at: string | null;
  resolved_at: string | null;
  details: Record<string, unknown>;
  links: AlertLink[];
  images: AlertImage[];
}

export interface AlertMember {
  fingerprint: string;
  status: "firing" | "resolved";
  labels: Record<string, string>;
  annotations: Record<string, string>;
  starts_at: string | null;
  ends_at: string | null;
  generator_url: string | null;
  extra: Record<string, unknown> | null;
}

export interface AlertDetail extends Alert {
  members: AlertMember[];
}

export interface AlertPage {
  items: Alert[];
  next_cursor: string | null;
}

export interface IncidentAlerts {
  items: Alert[];
  change_events: ChangeEvent[];
}

export interface SeverityLevel {
  severity: Severity;
  label: string;
  meaning: string;
  ack_within_minutes: number;
  update_every_minutes: number;
  who_is_told: string;
  postmortem: string;
}

export interface SeverityPolicy {
  priority_scheme: string;
  items: SeverityLevel[];
}

export interface FieldError {
  field: string;
  message: string;
}

/** RFC 9457 problem+json as Foghorn sends it. */
export interface Problem {
  type?: string;
  title?: string;
  status: number;
  detail?: string;
  code?: string;
  request_id?: string;
  errors?: FieldError[];
  allowed_next_statuses?: IncidentStatus[];
  current_status?: IncidentStatus;
}

/** A server-sent event from GET /api/v1/events. */
export type LiveEvent = { type: "incident"; id: string; kind: string; at: string } | { type: "reload" };

// ---- the public status page's admin API (/api/v1/status-page, docs/status-page.md) ----

export type { ComponentStatus, MaintenanceStatus };
export { COMPONENT_STATUS_LABELS, COMPONENT_STATUSES, MAINTENANCE_STATUSES };

export interface StatusPageSettings {
  name: string;
  /** A custom public URL; null: derived from the server's public URL. */
  url: string | null;
  /** Where the page is reached. */
  effective_url: string;
  logo_url: string | null;
  /** "#rrggbb" */
  brand_color: string;
  /** IANA zone the page shows times in. */
  time_zone: string;
  /** Host name on which `/` serves the page (no scheme or port); null: none. */
  custom_domain: string | null;
  footer_links: { label: string; url: string }[];
  show_responders: boolean;
  /** Incident severity → the status it gives the components of its services. */
  component_status_by_severity: Record<string, ComponentStatus>;
  updated_at: string;
}

export interface StatusComponent {
  id: string;
  name: string;
  description: string | null;
  group_id: string | null;
  is_group: boolean;
  position: number;
  showcase: boolean;
  only_show_if_degraded: boolean;
  /** "YYYY-MM-DD" */
  start_date: string | null;
  /** Service names. */
  services: string[];
  /** The status the public sees now. */
  status: ComponentStatus;
  /** Set by hand (wins over incidents and maintenance); null: automatic. */
  manual_status: ComponentStatus | null;
  manual_status_by: string | null;
  manual_status_at: string | null;
  created_at: string;
  updated_at: string;
}

export interface StatusMaintenanceUpdate {
  id: string;
  status: MaintenanceStatus;
  body: string;
  created_by: string;
  created_at: string;
}

export interface StatusMaintenance {
  id: string;
  title: string;
  body: string;
  /** Where it stands now. */
  status: MaintenanceStatus;
  manual_status: MaintenanceStatus | null;
  scheduled_for: string;
  scheduled_until: string;
  component_ids: string[];
  components: { id: string; name: string }[];
  remind_prior: boolean;
  reminded_at: string | null;
  created_by: string;
  created_at: string;
  updated_at: string;
  /** Newest first. */
  updates: StatusMaintenanceUpdate[];
}

export const SUBSCRIBER_KINDS = ["email", "webhook", "slack"] as const;
export type SubscriberKind = (typeof SUBSCRIBER_KINDS)[number];
export const SUBSCRIBER_STATES = ["active", "pending", "disabled"] as const;
export type SubscriberState = (typeof SUBSCRIBER_STATES)[number];

export interface StatusSubscriber {
  id: string;
  kind: SubscriberKind;
  /** Email address or https URL. */
  target: string;
  contact_email: string | null;
  /** Empty: every component. */
  component_ids: string[];
  state: SubscriberState;
  confirmed_at: string | null;
  consecutive_failures: number;
  last_error: string | null;
  disabled_at: string | null;
  disabled_reason: string | null;
  created_at: string;
  /** A webhook's signing secret: only in the answer to its creation. */
  secret?: string;
}

/** GET /api/v2/status.json (public, Statuspage-compatible). */
export interface PublicPageStatus {
  page: { id: string; name: string; url: string; time_zone: string; updated_at: string };
  status: { indicator: "none" | "minor" | "major" | "critical"; description: string };
}
