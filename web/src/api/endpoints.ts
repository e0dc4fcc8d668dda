import { request } from "./client.ts";
import type {
  ActionItem,
  ActionItemPriority,
  Evidence,
  EvidenceKind,
  Incident,
  IncidentDetail,
  IncidentPage,
  IncidentStatus,
  PublicStatus,
  Role,
  Service,
  Session,
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

export const listServices = () => request<{ items: Service[] }>(`${base}/services`);

export interface ListParams {
  sort?: string;
  status?: string;
  severity?: string;
  service?: string;
  assignee?: string;
  q?: string;
  limit?: number;
  cursor?: string;
}

export function incidentsQuery(params: ListParams): string {
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
  severity: string;
  affected_services: string[];
  assignee?: string;
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
