import { z } from "zod";
import {
  DEFAULT_BACKLOG_ROOT,
  isParseIssue,
  normalizeRoot,
  parseIncidentFolder,
} from "#domain/backlog/markdown.ts";
import {
  incidentFolderPath,
  renderActionItemsMarkdown,
  renderIncidentMarkdown,
} from "#domain/backlog/render-markdown.ts";
import type { ActionItemPriority } from "#domain/incident/action-item.ts";
import { formatHumanId } from "#domain/incident/human-id.ts";
import type { Severity } from "#domain/incident/severity.ts";
import type { StoredTimelineEvent } from "#domain/incident/timeline.ts";
import { listActionItems } from "#store/records.ts";
import { listTimelineEvents } from "#store/timeline.ts";
import type { AppContext } from "../context.ts";
import { loadIncident } from "../incidents/internal.ts";
import { parseInput } from "../validation.ts";

export const IncidentMarkdownQuery = z
  .object({
    root: z
      .string()
      .max(200)
      .regex(/^[\w./-]*$/, { error: "must be a relative folder like .scraut" })
      .refine((r) => !r.split("/").includes(".."), { error: "must not contain .." })
      .optional()
      .describe("the folder holding sprint/NN/incidents/ (default .scraut)"),
    sprint: z.coerce
      .number({ error: "must be a sprint number like 1" })
      .int({ error: "must be a whole number" })
      .min(0)
      .max(9999)
      .optional()
      .describe("the sprint folder (default: where it was imported from, else 1)"),
  })
  .strict();

const str = (v: unknown) => (typeof v === "string" ? v : v === undefined || v === null ? "" : String(v));

/** A timeline event as a bullet of incident.md, or null for what a markdown timeline leaves out. */
function bulletText(event: StoredTimelineEvent): string | null {
  const d = event.data;
  switch (event.kind) {
    case "incident.declared":
      return d.imported_from ? null : `Incident declared (${str(d.severity)})`;
    case "incident.status_changed":
      return d.reason === "imported" ? null : `Status ${str(d.from)} → ${str(d.to)}`;
    case "note.added":
      return str(d.text);
    case "status_update.posted":
      return `Update (${str(d.status)}): ${str(d.message)}`;
    case "alert.attached":
      return `Alert ${str(d.alert)}: ${str(d.summary)}`;
    default:
      return null;
  }
}

/**
 * An incident as seed 000's markdown folder: `<root>/sprint/NN/incidents/YYYY-MM-DD-slug/` with incident.md
 * and action-items.md, which `foghorn backlog sync` and `foghorn import markdown` read back. An incident
 * imported from markdown goes back to its own folder unless a root or sprint is given.
 */
export async function getIncidentMarkdown(ctx: AppContext, ref: string, query: unknown) {
  const q = parseInput(IncidentMarkdownQuery, query);
  const row = await loadIncident(ctx.db, ref, ctx.actor);
  const [events, items] = await Promise.all([
    listTimelineEvents(ctx.db, row.id),
    listActionItems(ctx.db, row.id),
  ]);
  // Root "": the layout anywhere in the path, whatever root it was imported with.
  const source = row.sourceRef ? parseIncidentFolder(row.sourceRef, "") : null;
  const folder =
    source && !isParseIssue(source) && q.sprint === undefined && q.root === undefined
      ? source.path
      : incidentFolderPath(
          normalizeRoot(q.root ?? DEFAULT_BACKLOG_ROOT),
          q.sprint ?? 1,
          row.createdAt,
          row.title,
        );
  const incident = {
    title: row.title,
    severity: row.severity as Severity,
    createdAt: row.createdAt,
    resolvedAt: row.resolvedAt,
    impact: row.impact,
    rootCause: row.rootCause,
    resolution: row.resolution,
    timeline: events.flatMap((e) => {
      const text = bulletText(e);
      return text ? [{ at: e.at, text }] : [];
    }),
    actionItems: items.map((i) => ({
      title: i.title,
      owner: i.owner,
      priority: i.priority as ActionItemPriority,
    })),
  };
  return {
    incident_id: formatHumanId(row.number),
    folder,
    files: [
      { path: `${folder}/incident.md`, text: renderIncidentMarkdown(incident) },
      { path: `${folder}/action-items.md`, text: renderActionItemsMarkdown(incident) },
    ],
  };
}
