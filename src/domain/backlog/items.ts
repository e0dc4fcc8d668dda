// From a parsed incident folder to the items the backlog sync files (seed 000: "each bullet → one issue").

import type { BacklogItem, IncidentFolder, MarkdownActionItem, MarkdownIncident } from "./types.ts";

const SLUG_MAX = 60;

/** "Add index to `exports` table on `user_id` column" → "add-index-to-exports-table-on-user-id-column". */
export function actionSlug(action: string): string {
  const slug = action
    .toLowerCase()
    .normalize("NFKD")
    .replace(/[\u0300-\u036f]/g, "")
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "");
  if (slug.length <= SLUG_MAX) return slug || "item";
  const cut = slug.slice(0, SLUG_MAX);
  const hyphen = cut.lastIndexOf("-");
  return hyphen > SLUG_MAX / 2 ? cut.slice(0, hyphen) : cut;
}

/** "api-timeout" → "api timeout": the incident's name when incident.md has no title. */
function titleFromSlug(slug: string): string {
  return slug.replace(/[-_]+/g, " ").trim();
}

/**
 * One BacklogItem per action item of an incident folder. `reference` is the incident report's path
 * relative to the repository root (`.scraut/sprint/001/incidents/2026-05-24-api-timeout/incident.md`);
 * its folder plus the action's slug is the marker that makes filing idempotent, so an item keeps its
 * issue as long as its folder and its action text stay the same. Two equal actions get `-2`, `-3`.
 * Without incident.md the folder's name and date stand in for the title and date.
 */
export function backlogItemsFrom(
  folder: IncidentFolder,
  incident: MarkdownIncident | null,
  items: readonly MarkdownActionItem[],
  reference: string,
): BacklogItem[] {
  const folderRef = reference.includes("/") ? reference.slice(0, reference.lastIndexOf("/")) : reference;
  const seen = new Map<string, number>();
  return items.map((item) => {
    const base = actionSlug(item.action);
    const count = (seen.get(base) ?? 0) + 1;
    seen.set(base, count);
    const slug = count === 1 ? base : `${base}-${count}`;
    return {
      marker: `${folderRef}#${slug}`,
      action: item.action,
      owner: item.owner,
      priority: item.priority,
      type: item.type,
      incident: {
        title: incident?.title || titleFromSlug(folder.slug),
        date: incident?.date || folder.date,
        reference,
        rootCause: incident?.rootCause ?? "",
        impact: incident?.impact ?? null,
      },
      nextSprint: folder.sprint.number + 1,
      sprintDigits: folder.sprint.text.length,
      source: { file: item.file, line: item.line },
    };
  });
}
