import type { BacklogItem, FiledIssue, IssueDraft } from "#domain/backlog/types.ts";
import type { AiDrafting, BacklogAnnouncer, IssueTracker } from "../ports.ts";

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

/**
 * Files each item as a GitHub issue once: looks its marker up first (a second run, or a re-run after a
 * crash, files nothing twice), enriches it (AI or template), makes sure its labels exist, creates it.
 * The one code path for markdown action items (foghorn backlog sync) and platform ones (file to GitHub).
 * Stub: implemented by the backlog core work.
 */
export async function fileBacklogItems(
  _deps: FileItemsDeps,
  _items: readonly BacklogItem[],
  _opts: { dryRun?: boolean } = {},
): Promise<ItemOutcome[]> {
  throw new Error("fileBacklogItems is not implemented yet");
}
