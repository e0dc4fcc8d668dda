import { request } from "./client.ts";
import type {
  ActionItem,
  ActionItemPriority,
  AlertDetail,
  AlertPage,
  AlertSeverity,
  BacklogStatus,
  DryRunResult,
  Evidence,
  EvidenceKind,
  FileItemsResult,
  Incident,
  IncidentAlerts,
  IncidentDetail,
  IncidentPage,
  IncidentStatus,
  Integration,
  IntegrationDetail,
  IntegrationKind,
  OnAlertsResolved,
  PublicStatus,
  Role,
  ServiceDetail,
  ServiceSummary,
  Session,
  Severity,
  SeverityPolicy,
  StatusUpdate,
  Timeline,
} from "./types.ts";

// One typed function per endpoint the UI uses.

const base = "/api/v1";
const inc = (id: string) => `${base}/incidents/${encodeURIComponent(id)}`;

export const getSession = (signal?: AbortSignal) =>
  request<Session>(`${base}/session`, { allowUnauthenticated: true, ...(signal ? { signal } : {}) });

export const signIn = (username: string, password: string) =>
  request<Session>(`${base}/session`, { body: { username, password }, allowUnauthenticated: true });

export const signOut = () =>
  request<void>(`${base}/session`, { method: "DELETE", allowUnauthenticated: true });

export const completeSetup = (token: string, password: string) =>
  request<Session>(`${base}/setup`, { body: { token, password }, allowUnauthenticated: true });

/** Who the bearer token belongs to (used only by the dev-server fallback). */
export const getMe = () =>
  request<{ username: string; role: string }>(`${base}/me`, { allowUnauthenticated: true });

export const getSeverities = () => request<SeverityPolicy>(`${base}/severities`);

export const listServices = (signal?: AbortSignal) =>
  request<{ items: ServiceSummary[] }>(`${base}/services`, signal ? { signal } : {});

export interface ListParams {
  sort?: string;
  status?: string;
  severity?: string;
  service?: string;
  assignee?: string;
  q?: string;
  limit?: number;
  cursor?: string;
  /** Incident type name, and `field.<key>` custom field filters. */
  type?: string;
  [field: `field.${string}`]: string | undefined;
}

export function incidentsQuery(params: ListParams | AlertListParams): string {
  const q = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) {
    if (value !== undefined && value !== "") q.set(key, String(value));
  }
  return q.toString();
}

export const listIncidents = (params: ListParams, signal?: AbortSignal) =>
  request<IncidentPage>(`${base}/incidents?${incidentsQuery(params)}`, signal ? { signal } : {});

export const getIncident = (id: string, signal?: AbortSignal) =>
  request<IncidentDetail>(inc(id), signal ? { signal } : {});

export const getTimeline = (id: string, signal?: AbortSignal) =>
  request<Timeline>(`${inc(id)}/timeline`, signal ? { signal } : {});

export interface DeclareInput {
  title: string;
  description: string;
  /** Required unless `type` gives a default. */
  severity?: string;
  affected_services: string[];
  assignee?: string;
  /** An incident type's name; custom field values by key (docs/incident-types.md). */
  type?: string;
  custom_fields?: Record<string, string | number>;
  /** Only its declarer, role holders and admins see it (docs/access.md). */
  private?: boolean;
}

export const declareIncident = (input: DeclareInput) =>
  request<Incident>(`${base}/incidents`, { body: input });

export interface IncidentPatch {
  title?: string;
  description?: string;
  severity?: string;
  impact?: string;
  root_cause?: string;
  resolution?: string;
  add_services?: string[];
  remove_services?: string[];
  /** Custom field values by key; null removes one. */
  custom_fields?: Record<string, string | number | null>;
  /** What the public status page calls the incident; null: its title. */
  public_title?: string | null;
}

export const patchIncident = (id: string, patch: IncidentPatch) =>
  request<Incident>(inc(id), { method: "PATCH", body: patch });

export const changeStatus = (id: string, status: IncidentStatus, note?: string) =>
  request<Incident>(`${inc(id)}/status`, { body: note ? { status, note } : { status } });

export const assignRole = (id: string, role: Role, person: string, remove = false) =>
  request<Incident>(`${inc(id)}/roles`, { body: remove ? { role, person, remove } : { role, person } });

export const addNote = (id: string, text: string) => request<unknown>(`${inc(id)}/notes`, { body: { text } });

export const addEvidence = (id: string, input: { kind: EvidenceKind; url: string; caption: string }) =>
  request<Evidence>(`${inc(id)}/evidence`, { body: input });

export const postStatusUpdate = (
  id: string,
  input: { message: string; visibility: "internal" | "external"; status?: PublicStatus },
) => request<StatusUpdate>(`${inc(id)}/status-updates`, { body: input });

export interface ActionItemInput {
  title: string;
  owner?: string;
  priority?: ActionItemPriority;
  due_at?: string;
}

export const createActionItem = (id: string, input: ActionItemInput) =>
  request<ActionItem>(`${inc(id)}/action-items`, { body: input });

export const updateActionItem = (
  id: string,
  itemId: string,
  patch: { owner?: string | null; status?: "open" | "done"; priority?: ActionItemPriority },
) =>
  request<ActionItem>(`${inc(id)}/action-items/${encodeURIComponent(itemId)}`, {
    method: "PATCH",
    body: patch,
  });

export const completeActionItem = (id: string, itemId: string) =>
  request<ActionItem>(`${inc(id)}/action-items/${encodeURIComponent(itemId)}/complete`, { method: "POST" });

export const getBacklogStatus = (signal?: AbortSignal) =>
  request<BacklogStatus>(`${base}/backlog`, signal ? { signal } : {});

/** Files the items given (default: every open item not filed yet) as GitHub issues. */
export const fileActionItems = (id: string, itemIds?: string[]) =>
  request<FileItemsResult>(`${inc(id)}/action-items/file`, { body: itemIds ? { item_ids: itemIds } : {} });

// ---- services, integrations, alerts ----

const svc = (name: string) => `${base}/services/${encodeURIComponent(name)}`;
const integration = (id: string) => `${base}/integrations/${encodeURIComponent(id)}`;

export interface ServiceInput {
  name: string;
  description?: string;
  severity_map?: Partial<Record<AlertSeverity, Severity>>;
  on_alerts_resolved?: OnAlertsResolved;
}

export const createService = (input: ServiceInput) =>
  request<ServiceDetail>(`${base}/services`, { body: input });

export const getService = (name: string, signal?: AbortSignal) =>
  request<ServiceDetail>(svc(name), signal ? { signal } : {});

export interface ServicePatch {
  description?: string;
  severity_map?: Partial<Record<AlertSeverity, Severity>> | null;
  on_alerts_resolved?: OnAlertsResolved | null;
  /** An escalation policy's name; null: the service's incidents page no one. */
  escalation_policy?: string | null;
  /** The owning team's name; null: no team. */
  team?: string | null;
}

export const patchService = (name: string, patch: ServicePatch) =>
  request<ServiceDetail>(svc(name), { method: "PATCH", body: patch });

export interface IntegrationInput {
  kind: IntegrationKind;
  name?: string;
  config?: Record<string, unknown>;
  rate_limit_per_minute?: number | null;
}

export const createIntegration = (service: string, input: IntegrationInput) =>
  request<Integration>(`${svc(service)}/integrations`, { body: input });

export const getIntegration = (id: string, signal?: AbortSignal) =>
  request<IntegrationDetail>(integration(id), signal ? { signal } : {});

export const deleteIntegration = (id: string) => request<void>(integration(id), { method: "DELETE" });

/** What a sample body becomes under the integration's mapping (nothing is stored). */
export const dryRunIntegration = (id: string, sample: unknown) =>
  request<DryRunResult>(`${integration(id)}/dry-run`, { method: "POST", body: sample });

export interface MaintenanceInput {
  /** Local wall-clock time in `time_zone`, "2026-12-24T22:00". */
  starts_at: string;
  ends_at: string;
  time_zone: string;
  reason?: string;
}

export const addMaintenance = (service: string, input: MaintenanceInput) =>
  request<unknown>(`${svc(service)}/maintenance`, { body: input });

export const deleteMaintenance = (service: string, id: string) =>
  request<void>(`${svc(service)}/maintenance/${encodeURIComponent(id)}`, { method: "DELETE" });

export interface HealthCheckInput {
  name: string;
  url: string;
  method?: "GET" | "HEAD";
  interval_seconds?: number;
  timeout_ms?: number;
  /** "2xx" (the default) or status codes such as "200,204". */
  expected_status?: string;
  keyword?: string;
  json_path?: string;
  json_equals?: string;
  failure_threshold?: number;
}

export const addHealthCheck = (service: string, input: HealthCheckInput) =>
  request<unknown>(`${svc(service)}/health-checks`, { body: input });

export const deleteHealthCheck = (service: string, checkName: string) =>
  request<void>(`${svc(service)}/health-checks/${encodeURIComponent(checkName)}`, { method: "DELETE" });

export interface AlertListParams {
  status?: string;
  service?: string;
  severity?: string;
  incident?: string;
  limit?: number;
  cursor?: string;
}

export const listAlerts = (params: AlertListParams, signal?: AbortSignal) =>
  request<AlertPage>(`${base}/alerts?${incidentsQuery(params)}`, signal ? { signal } : {});

export const getAlert = (id: string, signal?: AbortSignal) =>
  request<AlertDetail>(`${base}/alerts/${encodeURIComponent(id)}`, signal ? { signal } : {});

export const getIncidentAlerts = (id: string, signal?: AbortSignal) =>
  request<IncidentAlerts>(`${inc(id)}/alerts`, signal ? { signal } : {});
