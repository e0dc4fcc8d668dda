import { formatHumanId } from "#domain/incident/human-id.ts";
import { findActionItemsByIssueNumber } from "#store/backlog-links.ts";
import { findIncidentNumbersByIds } from "#store/incidents.ts";
import type { AppContext } from "../context.ts";
import { completeActionItem, updateActionItem } from "../incidents/action-items.ts";

/** A GitHub issue closed or reopened (from the `issues` webhook). */
export interface IssueStateChange {
  /** "owner/repo" as GitHub names it (compared case-insensitively: GitHub's names are). */
  repository: string;
  number: number;
  action: "closed" | "reopened";
  /** The GitHub login that closed or reopened it. */
  by: string | null;
  /** "completed" or "not_planned" when closed. */
  stateReason?: string | null;
}

export type IssueChangeResult =
  | { result: "completed" | "reopened"; incident_id: string; action_item_id: string }
  | { result: "unchanged"; incident_id: string; action_item_id: string; reason: string }
  | { result: "unknown"; reason: string };

/**
 * Applies a GitHub issue's close or reopen to the action item filed as it: closed completes the item,
 * reopened reopens it, both through the action item verbs, with `via: github`, the issue and who did it
 * on the timeline event. An issue no item was filed as is "unknown" (nothing to do); an item already in
 * that state is "unchanged" (a redelivery, or it was completed in Foghorn first).
 */
export async function applyIssueStateChange(
  ctx: AppContext,
  change: IssueStateChange,
): Promise<IssueChangeResult> {
  const repository = change.repository.toLowerCase();
  const item = (await findActionItemsByIssueNumber(ctx.db, change.number)).find(
    (i) => i.issueRepository?.toLowerCase() === repository,
  );
  const issue = `${change.repository}#${change.number}`;
  if (!item) return { result: "unknown", reason: `no action item was filed as ${issue}` };
  const number = (await findIncidentNumbersByIds(ctx.db, [item.incidentId])).get(item.incidentId);
  if (number === undefined) return { result: "unknown", reason: `the incident of ${issue} is gone` };
  const ref = formatHumanId(number);
  const base = { incident_id: ref, action_item_id: item.id };
  const eventData = {
    via: "github",
    issue,
    ...(change.by ? { by: change.by } : {}),
    ...(change.stateReason ? { state_reason: change.stateReason } : {}),
  };
  if (change.action === "closed") {
    if (item.status === "done")
      return { ...base, result: "unchanged", reason: "the action item is already done" };
    await completeActionItem(ctx, ref, item.id, { eventData });
    return { ...base, result: "completed" };
  }
  if (item.status === "open")
    return { ...base, result: "unchanged", reason: "the action item is already open" };
  await updateActionItem(ctx, ref, item.id, { status: "open" }, { eventData });
  return { ...base, result: "reopened" };
}
