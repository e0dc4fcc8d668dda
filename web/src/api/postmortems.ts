import type { PostmortemSections } from "../../../src/domain/postmortem/sections.ts";
import type { PostmortemStatus } from "../../../src/domain/postmortem/status.ts";
import { request } from "./client.ts";
import type { ActionItem } from "./types.ts";

// The postmortem endpoints (src/http/routes/postmortems.ts) and the view they answer with
// (src/app/postmortems/internal.ts on the server).

export type { PostmortemSections, PostmortemStatus };

export interface Postmortem {
  incident_id: string;
  incident_title: string;
  incident_status: string;
  severity: string;
  status: PostmortemStatus;
  allowed_next_statuses: PostmortemStatus[];
  author: string;
  reviewers: string[];
  sections: PostmortemSections;
  ai_draft: { sections: ("summary" | "impact" | "five_whys")[]; model: string; drafted_at: string } | null;
  ai_available: boolean;
  policy: "required" | "lightweight" | "none";
  due_at: string | null;
  overdue: boolean;
  action_items: ActionItem[];
  version: number;
  created_at: string;
  updated_at: string;
  published_at: string | null;
  published_by: string | null;
  file_name: string;
  markdown: string;
}

const path = (id: string) => `/api/v1/incidents/${encodeURIComponent(id)}/postmortem`;

export const getPostmortem = (id: string, signal?: AbortSignal) =>
  request<Postmortem>(path(id), signal ? { signal } : {});

export const startPostmortem = (id: string) => request<Postmortem>(path(id), { method: "POST" });

export const savePostmortem = (
  id: string,
  body: { version: number; sections?: Partial<PostmortemSections>; reviewers?: string[] },
) => request<Postmortem>(path(id), { method: "PUT", body });

export const changePostmortemStatus = (id: string, status: PostmortemStatus) =>
  request<Postmortem>(`${path(id)}/status`, { body: { status } });

export const draftPostmortemWithAi = (id: string) =>
  request<Postmortem>(`${path(id)}/ai-draft`, { method: "POST" });

/** The export's address: a plain link downloads it (Content-Disposition: attachment). */
export const postmortemExportUrl = (id: string) => `${path(id)}.md`;
