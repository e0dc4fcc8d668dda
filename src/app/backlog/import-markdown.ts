import { randomUUID } from "node:crypto";
import { z } from "zod";
import {
  isParseIssue,
  parseActionItems,
  parseIncidentFolder,
  parseIncidentMarkdown,
} from "#domain/backlog/markdown.ts";
import { importedTimes, severityFromMarkdown } from "#domain/backlog/to-platform.ts";
import type { IncidentFolder, ParseIssue } from "#domain/backlog/types.ts";
import { formatHumanId } from "#domain/incident/human-id.ts";
import { normalizeHandle } from "#domain/incident/roles.ts";
import type { Severity } from "#domain/incident/severity.ts";
import type { StoredTimelineEvent } from "#domain/incident/timeline.ts";
import { findIncidentBySourceRef, insertImportedIncident } from "#store/backlog-links.ts";
import { withTransaction } from "#store/db.ts";
import { insertActionItem, type NewActionItem } from "#store/records.ts";
import { insertTimelineEvents } from "#store/timeline.ts";
import type { AppContext } from "../context.ts";
import { publishIncidentChange } from "../events.ts";
import { chainEvents, type NewTimelineEvent } from "../incidents/internal.ts";
import { parseInput } from "../validation.ts";

export const ImportMarkdownInput = z
  .object({
    files: z
      .array(
        z
          .object({
            path: z
              .string()
              .min(1, { error: "must not be empty" })
              .max(1000, { error: "must be at most 1000 characters" })
              .describe(
                "relative to the repository root: .scraut/sprint/001/incidents/2026-05-24-api-timeout/incident.md",
              ),
            text: z.string().max(200_000, { error: "must be at most 200000 characters" }),
          })
          .strict(),
      )
      .min(1, { error: "give at least one file" })
      .max(2000, { error: "at most 2000 files at once" }),
    root: z
      .string()
      .max(200)
      .default(".scraut")
      .describe("the folder holding sprint/NN/incidents/ (default .scraut)"),
  })
  .strict();
export type ImportMarkdownInput = z.input<typeof ImportMarkdownInput>;

export interface ImportedIncidentView {
  /** The folder, relative to the repository root: the incident's source_ref. */
  source_ref: string;
  /** imported: created now; unchanged: imported before, nothing created; skipped: could not be read. */
  result: "imported" | "unchanged" | "skipped";
  incident_id: string | null;
  title: string | null;
  severity: Severity | null;
  action_items: number;
}

const MAX_TITLE = { incident: 200, item: 300 };
const clip = (text: string, max: number) => (text.length > max ? `${text.slice(0, max - 1)}…` : text);

/**
 * Imports markdown incident folders (seed 000) as resolved platform incidents: title, date, severity
 * (through the aliases), impact, root cause, resolution, timeline bullets as timed notes, action items with
 * owner and priority. Idempotent through incidents.source_ref (the folder's path): a folder imported before
 * is "unchanged" and creates nothing. One transaction per incident; parse issues come back with file:line.
 */
export async function importMarkdownIncidents(
  ctx: AppContext,
  input: unknown,
): Promise<{ incidents: ImportedIncidentView[]; issues: ParseIssue[] }> {
  const req = parseInput(ImportMarkdownInput, input);
  const issues: ParseIssue[] = [];
  const folders = new Map<
    string,
    { folder: IncidentFolder; files: Map<string, { path: string; text: string }> }
  >();
  for (const file of req.files) {
    const path = file.path.replace(/\\/g, "/").replace(/^(\.\/)+/, "");
    const folder = parseIncidentFolder(path, req.root);
    if (isParseIssue(folder)) {
      issues.push(folder);
      continue;
    }
    const name = path.slice(folder.path.length + 1);
    if (name !== "incident.md" && name !== "action-items.md") {
      issues.push({
        file: path,
        line: 0,
        level: "warning",
        message: "ignored: expected incident.md or action-items.md",
      });
      continue;
    }
    const entry = folders.get(folder.path) ?? { folder, files: new Map() };
    entry.files.set(name, { path, text: file.text });
    folders.set(folder.path, entry);
  }
  const incidents: ImportedIncidentView[] = [];
  for (const [sourceRef, { folder, files }] of [...folders].sort(([a], [b]) => (a < b ? -1 : 1)))
    incidents.push(await importFolder(ctx, sourceRef, folder, files, issues));
  return { incidents, issues };
}

async function importFolder(
  ctx: AppContext,
  sourceRef: string,
  folder: IncidentFolder,
  files: Map<string, { path: string; text: string }>,
  issues: ParseIssue[],
): Promise<ImportedIncidentView> {
  const skipped: ImportedIncidentView = {
    source_ref: sourceRef,
    result: "skipped",
    incident_id: null,
    title: null,
    severity: null,
    action_items: 0,
  };
  const existing = await findIncidentBySourceRef(ctx.db, sourceRef);
  if (existing)
    return {
      ...skipped,
      result: "unchanged",
      incident_id: formatHumanId(existing.number),
      title: existing.title,
      severity: existing.severity as Severity,
    };
  const incidentFile = files.get("incident.md");
  if (!incidentFile) {
    issues.push({
      file: `${sourceRef}/incident.md`,
      line: 0,
      level: "error",
      message: "missing: every incident folder needs an incident.md",
    });
    return skipped;
  }
  const parsed = parseIncidentMarkdown(incidentFile.path, incidentFile.text);
  issues.push(...parsed.issues);
  if (!parsed.incident) return skipped;
  const md = { ...parsed.incident, date: parsed.incident.date || folder.date };
  const title = clip(md.title || folder.slug.replace(/-/g, " "), MAX_TITLE.incident);
  const { severity, warning } = severityFromMarkdown(md.severity, ctx.policy.priorityScheme);
  if (warning) issues.push({ file: incidentFile.path, line: 0, level: "warning", message: warning });
  const times = importedTimes(md);
  const itemsFile = files.get("action-items.md");
  const parsedItems = itemsFile
    ? parseActionItems(itemsFile.path, itemsFile.text)
    : { items: [], issues: [] };
  issues.push(...parsedItems.issues);

  const now = ctx.clock.now();
  const id = randomUUID();
  const actor = ctx.actor.name;
  const items: NewActionItem[] = parsedItems.items.map((item) => {
    const owner = item.owner === null ? null : ownerHandle(item.owner);
    if (item.owner !== null && owner === null)
      issues.push({
        file: item.file,
        line: item.line,
        level: "warning",
        message: `owner "${item.owner}" is not a handle (letters, digits, . _ -); imported without an owner`,
      });
    return {
      id: randomUUID(),
      incidentId: id,
      title: clip(item.action, MAX_TITLE.item),
      description: "",
      owner,
      priority: item.priority,
      status: "open",
      dueAt: null,
      createdBy: actor,
      createdAt: now,
      updatedAt: now,
      completedAt: null,
      issueRepository: null,
      issueNumber: null,
      issueUrl: null,
      filedAt: null,
    };
  });
  // Each event at its own time: declared at the start, notes at their bullets' times, resolved at the end,
  // the action items now (when they were imported).
  const events = chainAt(id, actor, [
    {
      at: times.start,
      kind: "incident.declared",
      data: { title, severity, affected_services: [], imported_from: sourceRef },
    },
    ...times.notes.map((n) => ({ at: n.at, kind: "note.added" as const, data: { text: n.text } })),
    {
      at: times.end,
      kind: "incident.status_changed",
      data: { from: "triggered", to: "resolved", reason: "imported" },
    },
    ...items.map((i) => ({
      at: now,
      kind: "action_item.created" as const,
      data: { action_item_id: i.id, title: i.title, owner: i.owner, priority: i.priority },
    })),
  ]);
  const last = events.at(-1);
  const incident = await withTransaction(ctx.db, async (tx) => {
    const row = await insertImportedIncident(tx, {
      id,
      title,
      description: "",
      severity,
      status: "resolved",
      createdBy: actor,
      createdAt: times.start,
      updatedAt: now,
      resolvedAt: times.end,
      impact: md.impact ?? "",
      rootCause: md.rootCause,
      resolution: md.resolution,
      sourceRef,
      lastEventSeq: last?.seq ?? 0,
      lastEventHash: last?.hash ?? null,
    });
    if (!row) return undefined;
    // A resolved incident from the past: nothing for the engine to page or announce.
    await insertTimelineEvents(tx, events, { outbox: false });
    for (const item of items) await insertActionItem(tx, item);
    return row;
  });
  if (!incident) {
    const raced = await findIncidentBySourceRef(ctx.db, sourceRef);
    return {
      ...skipped,
      result: "unchanged",
      incident_id: raced ? formatHumanId(raced.number) : null,
      title,
    };
  }
  ctx.log.info({ incident: incident.number, source: sourceRef }, "incident imported from markdown");
  publishIncidentChange(ctx.events, incident.number, "incident.declared", now);
  return {
    source_ref: sourceRef,
    result: "imported",
    incident_id: formatHumanId(incident.number),
    title,
    severity,
    action_items: items.length,
  };
}

/** "Bob" → "bob"; "Alice Smith" → "alice-smith"; null when nothing handle-like remains. */
function ownerHandle(owner: string): string | null {
  return normalizeHandle(owner.trim().replace(/\s+/g, "-").toLowerCase()) ?? null;
}

function chainAt(
  incidentId: string,
  actor: string,
  events: readonly (NewTimelineEvent & { at: Date })[],
): StoredTimelineEvent[] {
  const out: StoredTimelineEvent[] = [];
  for (const { at, ...event } of events) {
    const prev = out.at(-1);
    out.push(
      ...chainEvents(
        { incidentId, lastEventSeq: prev?.seq ?? 0, lastEventHash: prev?.hash ?? null },
        [event],
        actor,
        at,
      ),
    );
  }
  return out;
}
