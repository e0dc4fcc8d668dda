// What an action item's GitHub issue says (seed 000's issue #71), its labels, and the hidden marker that
// lets a later run find it again.

import type { BacklogItem, EnrichedItem, IssueDraft } from "./types.ts";

/** A label and how it looks when Foghorn has to create it. */
export interface LabelDefinition {
  name: string;
  color: string;
  description: string;
}

const FIXED_LABELS: Readonly<Record<string, LabelDefinition>> = {
  bug: { name: "bug", color: "d73a4a", description: "Something isn't working" },
  task: { name: "task", color: "1d76db", description: "Planned work" },
  "p:high": { name: "p:high", color: "b60205", description: "Priority: high" },
  "p:medium": { name: "p:medium", color: "fbca04", description: "Priority: medium" },
  "p:low": { name: "p:low", color: "0e8a16", description: "Priority: low" },
};

/** Every issue Foghorn files carries exactly one of these: the lookup lists issues by them. */
export const PRIORITY_LABELS = ["p:high", "p:medium", "p:low"] as const;

/** `sprint:002`: the next sprint, zero-padded as the folder writes its sprint. */
export function sprintLabel(sprint: number, digits = 1): string {
  return `sprint:${String(sprint).padStart(digits, "0")}`;
}

/** bug|task, p:high|p:medium|p:low, and the next sprint's label when the item has one. */
export function issueLabels(item: BacklogItem): string[] {
  const labels = [item.type, `p:${item.priority}`];
  if (item.nextSprint !== null) labels.push(sprintLabel(item.nextSprint, item.sprintDigits));
  return labels;
}

/** Name, colour and description for each label (created only when the repository lacks it). */
export function labelDefinitions(labels: readonly string[]): LabelDefinition[] {
  return [...new Set(labels)].map((name) => {
    const fixed = FIXED_LABELS[name];
    if (fixed) return fixed;
    const sprint = /^sprint:0*(\d+)$/.exec(name);
    if (sprint) return { name, color: "c5def5", description: `Planned for sprint ${sprint[1]}` };
    return { name, color: "ededed", description: "" };
  });
}

/**
 * The GitHub login of an owner as written: the owners map first (names compared case-insensitively),
 * else the name itself lower-cased ("Bob" → "bob", "@carol" → "carol"). A name that cannot be a login
 * ("Alice Smith") and is not in the map has none.
 */
export function githubLogin(
  owner: string | null,
  owners: Readonly<Record<string, string>> = {},
): string | null {
  if (owner === null) return null;
  const name = owner.trim();
  const wanted = name.toLowerCase().replace(/^@/, "");
  for (const [key, login] of Object.entries(owners)) {
    if (key.trim().toLowerCase().replace(/^@/, "") === wanted) return login.replace(/^@/, "");
  }
  return /^[a-z0-9](?:[a-z0-9-]{0,38})$/.test(wanted) ? wanted : null;
}

const MARKER_PREFIX = "<!-- foghorn:backlog ";
const MARKER_SUFFIX = " -->";

/** The hidden last line of every filed issue's body. */
export function markerComment(marker: string): string {
  return `${MARKER_PREFIX}${marker}${MARKER_SUFFIX}`;
}

/** The markers in an issue body (normally one). */
export function readMarkers(body: string | null | undefined): string[] {
  if (!body) return [];
  return [...body.matchAll(/<!-- foghorn:backlog (.+?) -->/g)].map((match) => match[1] ?? "");
}

/**
 * The issue for an item, in seed 000's shape: From incident, Priority, Assignee, then Description,
 * Acceptance Criteria (a checklist) and References, ending with the hidden marker.
 */
export function renderIssueDraft(
  item: BacklogItem,
  enriched: EnrichedItem,
  owners: Readonly<Record<string, string>> = {},
): IssueDraft {
  const login = githubLogin(item.owner, owners);
  const assignee = login ?? (item.owner === null ? "unassigned" : `${item.owner} (no GitHub login known)`);
  const criteria = enriched.acceptanceCriteria.length > 0 ? enriched.acceptanceCriteria : [item.action];
  const lines = [
    `**From incident:** ${item.incident.title} ${item.incident.date}`,
    `**Priority:** p:${item.priority}`,
    `**Assignee:** ${assignee}`,
    "",
    "## Description",
    enriched.description.trim() || item.action,
    "",
    "## Acceptance Criteria",
    ...criteria.map((criterion) => `- [ ] ${criterion.replace(/\s+/g, " ").trim()}`),
    "",
    "## References",
    `- Incident report: ${item.incident.reference}`,
    "",
    markerComment(item.marker),
  ];
  return {
    marker: item.marker,
    title: enriched.title.trim() || item.action,
    body: lines.join("\n"),
    labels: issueLabels(item),
    assignees: login === null ? [] : [login],
  };
}
