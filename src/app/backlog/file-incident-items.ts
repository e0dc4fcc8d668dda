import { z } from "zod";
import { inferItemType } from "#domain/backlog/item-type.ts";
import type { BacklogItem } from "#domain/backlog/types.ts";
import type { ActionItemPriority } from "#domain/incident/action-item.ts";
import { formatHumanId } from "#domain/incident/human-id.ts";
import { withTransaction } from "#store/db.ts";
import type { IncidentRow } from "#store/incidents.ts";
import { type ActionItemRow, listActionItems, lockActionItem, updateActionItem } from "#store/records.ts";
import type { AppContext } from "../context.ts";
import { AppError, isAppError } from "../errors.ts";
import { publishIncidentChange } from "../events.ts";
import { applyChange, loadIncident, lockIncident, type NewTimelineEvent } from "../incidents/internal.ts";
import { parseInput } from "../validation.ts";
import { type FileItemsDeps, fileBacklogItems, type ItemOutcome } from "./file.ts";

export const FileIncidentItemsInput = z
  .object({
    item_ids: z
      .array(z.uuid({ error: "must be an action item id (a UUID)" }))
      .max(200, { error: "at most 200 items at once" })
      .optional()
      .describe("the action items to file; default: every open item not filed yet"),
    dry_run: z.boolean().default(false).describe("show what would be filed, file nothing"),
  })
  .strict();
export type FileIncidentItemsInput = z.input<typeof FileIncidentItemsInput>;

/** Where an incident's action items go (built from the `github` configuration); absent: not configured. */
export type IncidentFilingDeps = Omit<FileItemsDeps, "onProgress">;

export const GITHUB_NOT_CONFIGURED =
  "GitHub is not configured: set GITHUB_TOKEN and GITHUB_REPOSITORY (docs/backlog.md)";

/**
 * filed: created now; existing: found on GitHub by its marker and recorded now (filed before a crash);
 * already-filed: the item already links an issue; would-file: dry run.
 */
export type FileResult = ItemOutcome["result"] | "already-filed";

export interface FiledItemView {
  id: string;
  title: string;
  result: FileResult;
  issue: { repository: string; number: number; url: string } | null;
  enriched_by: "ai" | "template" | null;
  fallback_reason?: string;
  /** The issue title a dry run would use. */
  issue_title?: string;
}

/** The GitHub marker of a platform action item: the idempotency key on GitHub's side. */
export const actionItemMarker = (id: string) => `action-item:${id}`;

/** What the issue of a platform action item says about it and its incident. */
export function backlogItemFor(
  incident: IncidentRow,
  item: ActionItemRow,
  publicUrl: string | undefined,
): BacklogItem {
  const ref = formatHumanId(incident.number);
  return {
    marker: actionItemMarker(item.id),
    action: item.title,
    details: item.description,
    owner: item.owner,
    priority: item.priority as ActionItemPriority,
    type: inferItemType(`${item.title} ${item.description}`),
    incident: {
      title: incident.title,
      date: incident.createdAt.toISOString().slice(0, 10),
      reference: `${(publicUrl ?? "").replace(/\/+$/, "")}/incidents/${ref}`,
      rootCause: incident.rootCause,
      impact: incident.impact || null,
    },
    nextSprint: null,
  };
}

/**
 * Files an incident's action items as GitHub issues through the same code path as `foghorn backlog sync`
 * (fileBacklogItems): the items given, else every open item not filed yet. GitHub is called outside any
 * transaction; then one transaction records each issue on its item with an `action_item.filed` event. An
 * item already linked is skipped; one whose issue exists on GitHub but was never recorded (a crash between
 * filing and recording) is found by its marker and recorded, not filed twice.
 */
export async function fileIncidentActionItems(
  ctx: AppContext,
  deps: IncidentFilingDeps | undefined,
  ref: string,
  input: unknown,
  onProgress?: (line: string) => void,
): Promise<{ incident_id: string; repository: string; dry_run: boolean; items: FiledItemView[] }> {
  const req = parseInput(FileIncidentItemsInput, input);
  if (!deps) throw new AppError("CONFLICT", GITHUB_NOT_CONFIGURED);
  const incident = await loadIncident(ctx.db, ref, ctx.actor);
  const humanId = formatHumanId(incident.number);
  const all = await listActionItems(ctx.db, incident.id);
  const chosen = chooseItems(all, req.item_ids, humanId);
  const already = chosen.filter((i) => i.issueNumber !== null);
  const toFile = chosen.filter((i) => i.issueNumber === null);
  let outcomes: ItemOutcome[] = [];
  try {
    if (toFile.length)
      outcomes = await fileBacklogItems(
        // A private incident's filed issues are not announced in chat (docs/access.md).
        {
          ...deps,
          ...(incident.private ? { announcer: undefined } : {}),
          ...(onProgress ? { onProgress } : {}),
        },
        toFile.map((item) => backlogItemFor(incident, item, ctx.publicUrl)),
        { dryRun: req.dry_run },
      );
  } catch (error) {
    if (isAppError(error)) throw error;
    ctx.log.warn({ err: error, incident: incident.number }, "filing action items to GitHub failed");
    // Issues filed before the failure carry their markers: the next call finds and links them.
    throw new AppError(
      "UNAVAILABLE",
      `GitHub refused or did not answer (${error instanceof Error ? error.message : String(error)}); try again: issues already filed are found, not filed twice`,
    );
  }
  const byMarker = new Map(outcomes.map((o) => [o.item.marker, o]));
  const repository = deps.tracker.repository;
  const recorded = req.dry_run
    ? new Map<string, ActionItemRow>()
    : await recordIssues(ctx, incident, byMarker, repository);
  const items = chosen.map((item): FiledItemView => {
    const outcome = byMarker.get(actionItemMarker(item.id));
    const row = recorded.get(item.id) ?? item;
    const issue =
      row.issueNumber !== null && row.issueRepository !== null
        ? { repository: row.issueRepository, number: row.issueNumber, url: row.issueUrl ?? "" }
        : outcome?.issue
          ? { repository, number: outcome.issue.number, url: outcome.issue.url }
          : null;
    return {
      id: item.id,
      title: item.title,
      result: outcome?.result ?? "already-filed",
      issue,
      enriched_by: outcome?.enrichedBy ?? null,
      ...(outcome?.fallbackReason ? { fallback_reason: outcome.fallbackReason } : {}),
      ...(outcome?.result === "would-file" ? { issue_title: outcome.draft.title } : {}),
    };
  });
  if (already.length) onProgress?.(`${already.length} already filed, skipped`);
  return { incident_id: humanId, repository, dry_run: req.dry_run, items };
}

function chooseItems(all: readonly ActionItemRow[], ids: readonly string[] | undefined, humanId: string) {
  if (ids === undefined) return all.filter((i) => i.status === "open" && i.issueNumber === null);
  const known = new Map(all.map((i) => [i.id, i]));
  const missing = ids.filter((id) => !known.has(id));
  if (missing.length)
    throw new AppError("NOT_FOUND", `${humanId} has no action item ${missing.join(", ")}`, [
      { field: "item_ids", message: `unknown on ${humanId}: ${missing.join(", ")}` },
    ]);
  return [...new Set(ids)].map((id) => known.get(id) as ActionItemRow);
}

/** One transaction: each filed (or found) issue on its item, one `action_item.filed` event per item. */
async function recordIssues(
  ctx: AppContext,
  incident: IncidentRow,
  byMarker: ReadonlyMap<string, ItemOutcome>,
  repository: string,
): Promise<Map<string, ActionItemRow>> {
  const withIssue = [...byMarker.values()].filter((o) => o.issue && o.result !== "would-file");
  if (withIssue.length === 0) return new Map();
  const now = ctx.clock.now();
  const recorded = await withTransaction(ctx.db, async (tx) => {
    const locked = await lockIncident(tx, formatHumanId(incident.number), ctx.actor);
    const rows = new Map<string, ActionItemRow>();
    const events: NewTimelineEvent[] = [];
    for (const outcome of withIssue) {
      const issue = outcome.issue;
      const id = outcome.item.marker.slice("action-item:".length);
      const item = await lockActionItem(tx, locked.id, id);
      // Gone meanwhile, or recorded by a concurrent call: nothing to add.
      if (!issue || !item || item.issueNumber !== null) continue;
      const row = await updateActionItem(tx, item.id, {
        issueRepository: repository,
        issueNumber: issue.number,
        issueUrl: issue.url,
        filedAt: now,
        updatedAt: now,
      });
      rows.set(item.id, row);
      events.push({
        kind: "action_item.filed",
        data: {
          action_item_id: item.id,
          title: item.title,
          repository,
          number: issue.number,
          url: issue.url,
          ...(outcome.result === "existing" ? { found_existing: true } : {}),
        },
      });
    }
    if (events.length) await applyChange(tx, locked, events, ctx.actor.name, now);
    return rows;
  });
  if (recorded.size) publishIncidentChange(ctx.events, incident.number, "action_item.filed", now);
  return recorded;
}
