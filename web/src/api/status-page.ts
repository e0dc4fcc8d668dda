import { request } from "./client.ts";
import type {
  ComponentStatus,
  MaintenanceStatus,
  PublicPageStatus,
  StatusComponent,
  StatusMaintenance,
  StatusPageSettings,
  StatusSubscriber,
  SubscriberKind,
  SubscriberState,
} from "./types.ts";

// The public status page's admin endpoints (src/http/routes/status-page*.ts, /work/notes/status-api.md):
// settings, components and groups, scheduled maintenance, subscribers; and the public status.json.

const base = "/api/v1/status-page";
const opts = (signal?: AbortSignal) => (signal ? { signal } : {});
const component = (id: string) => `${base}/components/${encodeURIComponent(id)}`;
const maintenance = (id: string) => `${base}/maintenances/${encodeURIComponent(id)}`;
const subscriber = (id: string) => `${base}/subscribers/${encodeURIComponent(id)}`;

// ---- settings ----

export type SettingsInput = Partial<
  Omit<StatusPageSettings, "effective_url" | "updated_at" | "component_status_by_severity">
> & { component_status_by_severity?: Record<string, ComponentStatus> };

export const getStatusSettings = (signal?: AbortSignal) =>
  request<StatusPageSettings>(`${base}/settings`, opts(signal));

export const patchStatusSettings = (input: SettingsInput) =>
  request<StatusPageSettings>(`${base}/settings`, { method: "PATCH", body: input });

// ---- components and groups ----

export interface ComponentInput {
  name?: string;
  description?: string | null;
  group_id?: string | null;
  is_group?: boolean;
  position?: number;
  showcase?: boolean;
  only_show_if_degraded?: boolean;
  /** "YYYY-MM-DD"; null clears. */
  start_date?: string | null;
  /** Service names. */
  services?: string[];
}

export const listComponents = (signal?: AbortSignal) =>
  request<{ components: StatusComponent[] }>(`${base}/components`, opts(signal));

export const createComponent = (input: ComponentInput) =>
  request<StatusComponent>(`${base}/components`, { body: input });

export const updateComponent = (id: string, input: ComponentInput) =>
  request<StatusComponent>(component(id), { method: "PATCH", body: input });

export const deleteComponent = (id: string) => request<void>(component(id), { method: "DELETE" });

/** Sets the status by hand; null goes back to what incidents and maintenance say. */
export const setComponentStatus = (id: string, status: ComponentStatus | null) =>
  request<StatusComponent>(`${component(id)}/status`, { method: "PUT", body: { status } });

// ---- scheduled maintenance ----

export type MaintenanceState = "upcoming" | "active" | "past" | "all";

export interface MaintenanceInput {
  title?: string;
  body?: string;
  /** ISO 8601, or a local "2026-12-24T22:00" read in `time_zone`. */
  scheduled_for?: string;
  scheduled_until?: string;
  time_zone?: string;
  component_ids?: string[];
  remind_prior?: boolean;
  notify?: boolean;
}

export const listMaintenances = (state: MaintenanceState = "all", signal?: AbortSignal) =>
  request<{ maintenances: StatusMaintenance[] }>(`${base}/maintenances?state=${state}`, opts(signal));

export const createMaintenance = (input: MaintenanceInput) =>
  request<StatusMaintenance>(`${base}/maintenances`, { body: input });

export const updateMaintenance = (id: string, input: MaintenanceInput) =>
  request<StatusMaintenance>(maintenance(id), { method: "PATCH", body: input });

/** Cancels it. */
export const cancelMaintenance = (id: string) => request<void>(maintenance(id), { method: "DELETE" });

export const postMaintenanceUpdate = (
  id: string,
  input: { body: string; status?: Exclude<MaintenanceStatus, "scheduled"> },
) => request<StatusMaintenance>(`${maintenance(id)}/updates`, { body: input });

// ---- subscribers ----

export interface SubscriberInput {
  kind: SubscriberKind;
  /** Email address, or the https URL of a webhook or Slack incoming webhook. */
  target: string;
  component_ids?: string[];
  contact_email?: string;
  skip_confirmation?: boolean;
  /** Slack: accept a Slack-compatible webhook URL that is not on hooks.slack.com. */
  any_url?: boolean;
}

export const listSubscribers = (
  filters: { kind?: SubscriberKind; state?: SubscriberState } = {},
  signal?: AbortSignal,
) => {
  const q = new URLSearchParams();
  if (filters.kind) q.set("kind", filters.kind);
  if (filters.state) q.set("state", filters.state);
  const qs = q.toString();
  return request<{ subscribers: StatusSubscriber[] }>(
    `${base}/subscribers${qs ? `?${qs}` : ""}`,
    opts(signal),
  );
};

/** The answer carries a webhook's signing secret, this once. */
export const addSubscriber = (input: SubscriberInput) =>
  request<StatusSubscriber>(`${base}/subscribers`, { body: input });

export const removeSubscriber = (id: string) => request<void>(subscriber(id), { method: "DELETE" });

export const enableSubscriber = (id: string) =>
  request<StatusSubscriber>(`${subscriber(id)}/enable`, { method: "POST" });

// ---- the public page ----

/**
 * What the public page says overall (the Statuspage-compatible status.json, no auth). Public answers may be
 * cached for a few seconds: always revalidate, so a change shows at once.
 */
export const getPublicStatus = (signal?: AbortSignal) =>
  request<PublicPageStatus>("/api/v2/status.json", {
    allowUnauthenticated: true,
    cache: "no-cache",
    ...opts(signal),
  });
