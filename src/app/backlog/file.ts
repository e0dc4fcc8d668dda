import { issueLabels, labelDefinitions, renderIssueDraft } from "#domain/backlog/issue-draft.ts";
import type { BacklogItem, EnrichedItem, FiledIssue, IssueDraft } from "#domain/backlog/types.ts";
import type { AiDrafting, BacklogAnnouncer, IssueTracker } from "../ports.ts";
import { enrichActionItem } from "./enrich.ts";

/** What happened to one item in a sync. */
export interface ItemOutcome {
  item: BacklogItem;
  /** filed: created now; existing: found by its marker (filed before); would-file: --dry-run. */
  result: "filed" | "existing" | "would-file";
  issue?: FiledIssue;
  draft: IssueDraft;
  enrichedBy: "ai" | "template";
  /** Why the template was used although a model is configured. */
  fallbackReason?: string;
}

export interface FileItemsDeps {
  tracker: IssueTracker;
  ai?: AiDrafting | undefined;
  /** Told once per incident that got new issues (not on dry runs, not when nothing was filed). */
  announcer?: BacklogAnnouncer | undefined;
  /** Owner name as written → GitHub login; by default names are matched case-insensitively. */
  owners?: Readonly<Record<string, string>>;
  /** Progress, one line per event ("filed #71 Add database index … (bob)"), for the CLI. */
  onProgress?: (line: string) => void;
}

/** `(bob) [p:high, task, sprint:002]`: who and which labels, as every progress line ends. */
function describeDraft(draft: IssueDraft): string {
  const who = draft.assignees.length > 0 ? draft.assignees.join(", ") : "unassigned";
  const [type, priority, ...rest] = draft.labels;
  return `(${who}) [${[priority, type, ...rest].filter(Boolean).join(", ")}]`;
}

function outcomeOf(
  item: BacklogItem,
  draft: IssueDraft,
  enriched: EnrichedItem,
  result: ItemOutcome["result"],
  issue?: FiledIssue,
): ItemOutcome {
  return {
    item,
    result,
    ...(issue ? { issue } : {}),
    draft,
    enrichedBy: enriched.by,
    ...(enriched.fallbackReason ? { fallbackReason: enriched.fallbackReason } : {}),
  };
}

/** Tells the announcer, once per incident, which issues were filed now; a failure is reported, not thrown. */
async function announceFiled(deps: FileItemsDeps, outcomes: readonly ItemOutcome[]): Promise<void> {
  if (!deps.announcer) return;
  const byIncident = new Map<
    string,
    { incidentTitle: string; issues: { title: string; number: number; url: string }[] }
  >();
  for (const outcome of outcomes) {
    if (outcome.result !== "filed" || !outcome.issue) continue;
    const key = outcome.item.incident.reference;
    const entry = byIncident.get(key) ?? { incidentTitle: outcome.item.incident.title, issues: [] };
    entry.issues.push({ title: outcome.draft.title, number: outcome.issue.number, url: outcome.issue.url });
    byIncident.set(key, entry);
  }
  for (const summary of byIncident.values()) {
    try {
      await deps.announcer.announce(summary);
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      deps.onProgress?.(`could not post the summary for ${summary.incidentTitle}: ${message}`);
    }
  }
}

/**
 * Files each item as a GitHub issue once: looks its marker up first (a second run, or a re-run after a
 * crash, files nothing twice), enriches it (AI or template), makes sure its labels exist, creates it.
 * The one code path for markdown action items (foghorn backlog sync) and platform ones (file to GitHub).
 * Issues are created one at a time in the items' order; when GitHub fails midway, what was filed is still
 * announced and the error is rethrown (a re-run files the rest).
 */
export async function fileBacklogItems(
  deps: FileItemsDeps,
  items: readonly BacklogItem[],
  opts: { dryRun?: boolean } = {},
): Promise<ItemOutcome[]> {
  const progress = deps.onProgress ?? (() => {});
  const outcomes: ItemOutcome[] = [];
  if (items.length === 0) return outcomes;
  const found = await deps.tracker.findByMarkers(items.map((item) => item.marker));
  const fresh = items.filter((item) => !found.has(item.marker));
  if (!opts.dryRun && fresh.length > 0) {
    await deps.tracker.ensureLabels(labelDefinitions(fresh.flatMap((item) => issueLabels(item))));
  }
  try {
    for (const item of items) {
      const known = found.get(item.marker);
      // An issue filed before needs no model call: the template is enough to describe it.
      const enriched = await enrichActionItem(known ? undefined : deps.ai, item);
      const draft = renderIssueDraft(item, enriched, deps.owners);
      const fallback = enriched.fallbackReason ? ` (template: ${enriched.fallbackReason})` : "";
      if (known) {
        progress(`exists #${known.number} ${item.action} ${describeDraft(draft)}`);
        outcomes.push(outcomeOf(item, draft, enriched, "existing", known));
      } else if (opts.dryRun) {
        progress(`would file ${draft.title} ${describeDraft(draft)}${fallback}`);
        outcomes.push(outcomeOf(item, draft, enriched, "would-file"));
      } else {
        const issue = await deps.tracker.createIssue(draft);
        found.set(item.marker, issue);
        progress(`filed #${issue.number} ${draft.title} ${describeDraft(draft)}${fallback}`);
        outcomes.push(outcomeOf(item, draft, enriched, "filed", issue));
      }
    }
  } finally {
    if (!opts.dryRun) await announceFiled(deps, outcomes);
  }
  return outcomes;
}
