import { request } from "./client.ts";
import type { PublicStatus } from "./types.ts";

export { BUILTIN_TEMPLATES, TEMPLATE_NAMES } from "../../../src/domain/templates/builtin.ts";

// Communication templates and the triage checklist (src/http/routes/templates.ts, checklist.ts).

export interface RenderedTemplate {
  name: string;
  title: string;
  description: string;
  audience: "internal" | "external";
  /** The severity it is written for (the executive brief: SEV1), or null. */
  intended_for: string | null;
  customized: boolean;
  suggested_update: { status: PublicStatus | null; visibility: "internal" | "external" };
  text: string;
}

export interface TemplateList {
  incident_id: string;
  time_zone: string;
  templates: RenderedTemplate[];
}

export interface ChecklistTask {
  key: string;
  title: string;
  details: string[];
  due_minute: number;
  due_at: string;
  done: boolean;
  done_by: string | null;
  done_at: string | null;
  overdue: boolean;
}

export interface Checklist {
  incident_id: string;
  declared_at: string;
  done: number;
  total: number;
  overdue: number;
  tasks: ChecklistTask[];
}

const inc = (id: string) => `/api/v1/incidents/${encodeURIComponent(id)}`;
const opts = (signal?: AbortSignal) => (signal ? { signal } : {});

export const listTemplates = (id: string, signal?: AbortSignal) =>
  request<TemplateList>(`${inc(id)}/templates`, opts(signal));

export const getChecklist = (id: string, signal?: AbortSignal) =>
  request<Checklist>(`${inc(id)}/checklist`, opts(signal));

export const setChecklistTask = (id: string, key: string, done: boolean) =>
  request<Checklist & { changed: boolean }>(`${inc(id)}/checklist/${encodeURIComponent(key)}`, {
    method: "PUT",
    body: { done },
  });
