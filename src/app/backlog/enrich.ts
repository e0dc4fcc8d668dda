import type { BacklogItem, EnrichedItem } from "#domain/backlog/types.ts";
import type { AiDrafting } from "../ports.ts";

/**
 * Expands an action item into an issue title, description and acceptance criteria: with the AI model when
 * one is configured ("Expand this action item into a proper GitHub issue with title and acceptance
 * criteria"), validated against a schema; without one, or when the model fails, answers badly or times
 * out, a deterministic template does it. Never throws: filing is never blocked by enrichment.
 * Stub: implemented by the enrichment work.
 */
export async function enrichActionItem(
  _ai: AiDrafting | undefined,
  item: BacklogItem,
): Promise<EnrichedItem> {
  return { title: item.action, description: item.action, acceptanceCriteria: [], by: "template" };
}
