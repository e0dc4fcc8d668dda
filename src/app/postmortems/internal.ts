import { formatHumanId } from "#domain/incident/human-id.ts";
import type { Severity } from "#domain/incident/severity.ts";
import { postmortemFileName, renderPostmortem } from "#domain/postmortem/render.ts";
import { AI_SECTIONS, type AiSection, readSections } from "#domain/postmortem/sections.ts";
import {
  allowedPostmortemMoves,
  isPostmortemOverdue,
  isPostmortemStatus,
  type PostmortemStatus,
  postmortemDueAt,
  postmortemPolicy,
} from "#domain/postmortem/status.ts";
import type { Db } from "#store/db.ts";
import type { IncidentRow } from "#store/incidents.ts";
import type { PostmortemRow } from "#store/postmortems.ts";
import { listActionItems } from "#store/records.ts";
import { listTimelineEvents } from "#store/timeline.ts";
import type { AppContext } from "../context.ts";
import { AppError } from "../errors.ts";
import { actionItemView } from "../incidents/views.ts";

/** What ai_draft holds: the sections an AI filled and nobody edited since. */
export interface StoredAiDraft {
  sections: AiSection[];
  model: string;
  drafted_at: string;
  redactions?: number;
}

/** Reads the stored ai_draft; null when absent or when every drafted section has since been edited. */
export function readAiDraft(value: unknown): StoredAiDraft | null {
  if (typeof value !== "object" || value === null) return null;
  const v = value as Record<string, unknown>;
  const sections = Array.isArray(v.sections)
    ? AI_SECTIONS.filter((s) => (v.sections as unknown[]).includes(s))
    : [];
  if (sections.length === 0) return null;
  return {
    sections,
    model: typeof v.model === "string" ? v.model : "unknown model",
    drafted_at: typeof v.drafted_at === "string" ? v.drafted_at : "",
    ...(typeof v.redactions === "number" ? { redactions: v.redactions } : {}),
  };
}

export function postmortemStatusOf(row: PostmortemRow): PostmortemStatus {
  return isPostmortemStatus(row.status) ? row.status : "draft";
}

export function noPostmortem(incident: IncidentRow): AppError {
  const id = formatHumanId(incident.number);
  return new AppError(
    "NOT_FOUND",
    `${id} has no postmortem yet; start one with POST /api/v1/incidents/${id}/postmortem (CLI: foghorn postmortem start ${id})`,
    [],
    { how_to_start: `POST /api/v1/incidents/${id}/postmortem` },
  );
}

/** The due date, overdue flag and policy kind of an incident's postmortem. */
export function dueView(
  ctx: AppContext,
  incident: Pick<IncidentRow, "severity" | "resolvedAt" | "status">,
  status: PostmortemStatus | null,
  now: Date,
) {
  const severity = incident.severity as Severity;
  const policy = postmortemPolicy(severity, ctx.policy.severities);
  const dueAt = postmortemDueAt({ severity, resolvedAt: incident.resolvedAt }, ctx.policy.severities);
  return {
    policy: policy.kind,
    due_at: dueAt?.toISOString() ?? null,
    overdue: isPostmortemOverdue({ dueAt, status, incidentStatus: incident.status }, now),
  };
}

/** The postmortem as every interface shows it: sections, rendered markdown, status, due, action items. */
export async function postmortemView(
  ctx: AppContext,
  db: Db,
  incident: IncidentRow,
  row: PostmortemRow,
  opts: { aiAvailable?: boolean } = {},
) {
  const now = ctx.clock.now();
  const id = formatHumanId(incident.number);
  const [timeline, items] = await Promise.all([
    listTimelineEvents(db, incident.id),
    listActionItems(db, incident.id),
  ]);
  // Items created in the same instant (the demo's four at 15:00) come back from the store in id order,
  // i.e. at random: the timeline's order of their action_item.created events is the order they were added.
  const addedAt = new Map<string, number>();
  for (const e of timeline)
    if (e.kind === "action_item.created" && typeof e.data.action_item_id === "string")
      addedAt.set(e.data.action_item_id, e.seq);
  items.sort((a, b) => (addedAt.get(a.id) ?? 0) - (addedAt.get(b.id) ?? 0));
  const status = postmortemStatusOf(row);
  const sections = readSections(row.sections);
  const ai = readAiDraft(row.aiDraft);
  const markdown = renderPostmortem({
    incident: {
      humanId: id,
      title: incident.title,
      severity: incident.severity,
      createdAt: incident.createdAt,
      resolvedAt: incident.resolvedAt,
    },
    author: row.author,
    reviewers: row.reviewers,
    status,
    publishedAt: row.publishedAt,
    sections,
    aiDraft: ai,
    timeline,
    actionItems: items,
  });
  return {
    incident_id: id,
    incident_title: incident.title,
    incident_status: incident.status,
    severity: incident.severity,
    status,
    allowed_next_statuses: allowedPostmortemMoves(status),
    author: row.author,
    reviewers: row.reviewers,
    sections,
    ai_draft: ai,
    ai_available: opts.aiAvailable ?? false,
    ...dueView(ctx, incident, status, now),
    action_items: items.map((i) => actionItemView(i, id, now)),
    version: row.version,
    created_at: row.createdAt.toISOString(),
    updated_at: row.updatedAt.toISOString(),
    published_at: row.publishedAt?.toISOString() ?? null,
    published_by: row.publishedBy,
    file_name: postmortemFileName(incident.createdAt),
    markdown,
  };
}
export type PostmortemView = Awaited<ReturnType<typeof postmortemView>>;
