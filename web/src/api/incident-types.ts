import { ApiError, request } from "./client.ts";

// Custom incident fields and incident types (src/http/routes/incident-types.ts), with the views the server
// answers with (src/app/incident-types/*.ts).

export type FieldKind = "text" | "number" | "select";
export type FieldValue = string | number;

export interface CustomField {
  key: string;
  label: string;
  kind: FieldKind;
  options: string[];
  description: string;
  position: number;
  created_at: string;
  updated_at: string;
}

export interface ChecklistTask {
  key: string;
  title: string;
  due_minute: number;
  details: string[];
}

export interface RoleHolder {
  role: "commander" | "communications_lead" | "scribe" | "responder";
  person: string;
}

export interface IncidentType {
  id: string;
  name: string;
  description: string;
  severity: string | null;
  services: string[];
  roles: RoleHolder[];
  checklist: ChecklistTask[] | null;
  field_defaults: Record<string, FieldValue>;
  incidents?: number;
  created_at: string;
  updated_at: string;
}

export interface CustomFieldInput {
  key?: string;
  label?: string;
  kind?: FieldKind;
  options?: string[];
  description?: string;
  position?: number;
}

export interface IncidentTypeInput {
  name?: string;
  description?: string;
  severity?: string | null;
  services?: string[];
  roles?: { role: string; person: string }[];
  checklist?: ChecklistTask[] | null;
  field_defaults?: Record<string, FieldValue>;
}

const base = "/api/v1";
const fieldPath = (key: string) => `${base}/custom-fields/${encodeURIComponent(key)}`;
const typePath = (name: string) => `${base}/incident-types/${encodeURIComponent(name)}`;

export const listCustomFields = (signal?: AbortSignal) =>
  request<{ items: CustomField[] }>(`${base}/custom-fields`, signal ? { signal } : {});
export const createCustomField = (input: CustomFieldInput) =>
  request<CustomField>(`${base}/custom-fields`, { body: input });
export const updateCustomField = (key: string, input: CustomFieldInput) =>
  request<CustomField>(fieldPath(key), { method: "PATCH", body: input });
export const deleteCustomField = (key: string, force = false) =>
  request<{ key: string; deleted: boolean; values_removed: number }>(
    `${fieldPath(key)}${force ? "?force=true" : ""}`,
    { method: "DELETE" },
  );

export const listIncidentTypes = (signal?: AbortSignal) =>
  request<{ items: IncidentType[] }>(`${base}/incident-types`, signal ? { signal } : {});
export const getIncidentType = (name: string, signal?: AbortSignal) =>
  request<IncidentType>(typePath(name), signal ? { signal } : {});
export const createIncidentType = (input: IncidentTypeInput) =>
  request<IncidentType>(`${base}/incident-types`, { body: input });
export const updateIncidentType = (name: string, input: IncidentTypeInput) =>
  request<IncidentType>(typePath(name), { method: "PATCH", body: input });
export const deleteIncidentType = (name: string) => request<void>(typePath(name), { method: "DELETE" });

/** The server's errors for `<prefix>.<key>` fields (custom_fields.customer_tier), by key. */
export function keyedErrors(error: unknown, prefix: string): Record<string, string> {
  if (!(error instanceof ApiError)) return {};
  const out: Record<string, string> = {};
  for (const e of error.problem.errors ?? []) {
    if (!e.field.startsWith(`${prefix}.`)) continue;
    const key = e.field.slice(prefix.length + 1).split(".")[0] ?? "";
    out[key] = out[key] ? `${out[key]}; ${e.message}` : e.message;
  }
  return out;
}
