// A platform incident written out as seed 000's markdown incident folder (incident.md + action-items.md), so
// the backlog parser (markdown.ts) reads it back: `foghorn incident export --layout markdown`.

import type { ActionItemPriority } from "../incident/action-item.ts";
import { type Severity, severityWord } from "../incident/severity.ts";

export interface RenderableIncident {
  title: string;
  severity: Severity;
  createdAt: Date;
  resolvedAt: Date | null;
  impact: string;
  rootCause: string;
  resolution: string;
  /** What happened, oldest first: one bullet each. */
  timeline: readonly { at: Date; text: string }[];
  actionItems: readonly { title: string; owner: string | null; priority: ActionItemPriority }[];
}

const pad = (n: number) => String(n).padStart(2, "0");
const isoDate = (d: Date) => d.toISOString().slice(0, 10);
const hhmm = (d: Date) => `${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}`;
const oneLine = (s: string) => s.replace(/\s*\n\s*/g, " ").trim();

/** "api-timeout-on-bulk-requests": lower-case words of the title joined by hyphens, at most 50 characters. */
export function slugify(title: string): string {
  const slug = title
    .normalize("NFKD")
    .replace(/[\u0300-\u036f]/g, "")
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "");
  const short = slug.length > 50 ? slug.slice(0, 50).replace(/-[^-]*$/, "") : slug;
  return short || "incident";
}

/** `.scraut/sprint/001/incidents/2026-05-24-api-timeout`: where an incident's two files go. */
export function incidentFolderPath(root: string, sprint: number, createdAt: Date, title: string): string {
  const base = root.replace(/\/+$/, "");
  const sprintText = String(sprint).padStart(3, "0");
  return `${base ? `${base}/` : ""}sprint/${sprintText}/incidents/${isoDate(createdAt)}-${slugify(title)}`;
}

/** "45 minutes", "2 hours 5 minutes", "3 days 4 hours". */
function durationWords(ms: number): string {
  const min = Math.max(0, Math.round(ms / 60_000));
  const unit = (n: number, word: string) => `${n} ${word}${n === 1 ? "" : "s"}`;
  if (min < 60) return unit(min, "minute");
  const h = Math.floor(min / 60);
  if (h < 48) return min % 60 ? `${unit(h, "hour")} ${unit(min % 60, "minute")}` : unit(h, "hour");
  const d = Math.floor(h / 24);
  return h % 24 ? `${unit(d, "day")} ${unit(h % 24, "hour")}` : unit(d, "day");
}

/** Seed 000's Duration line: "14:00–14:45 UTC (45 minutes)"; across days the end carries its date. */
export function durationLine(start: Date, end: Date | null): string {
  if (!end) return `${hhmm(start)} UTC – ongoing`;
  const to = isoDate(start) === isoDate(end) ? hhmm(end) : `${isoDate(end)} ${hhmm(end)}`;
  return `${hhmm(start)}–${to} UTC (${durationWords(end.getTime() - start.getTime())})`;
}

/** "High" for SEV2: the word seed 000 writes, which the severity aliases read back as the same level. */
export function severityHeading(severity: Severity): string {
  const word = severityWord(severity);
  return word.charAt(0).toUpperCase() + word.slice(1);
}

/** incident.md in seed 000's exact layout. Timeline times are UTC; a bullet on a later day carries its date. */
export function renderIncidentMarkdown(incident: RenderableIncident): string {
  const day = isoDate(incident.createdAt);
  const lines = [
    `# Incident: ${oneLine(incident.title)} — ${day}`,
    "",
    `**Severity:** ${severityHeading(incident.severity)}`,
    `**Duration:** ${durationLine(incident.createdAt, incident.resolvedAt)}`,
    `**Impact:** ${oneLine(incident.impact) || "Not recorded"}`,
    "",
    "## Timeline",
    ...incident.timeline.map(
      (e) => `- ${isoDate(e.at) === day ? "" : `${isoDate(e.at)} `}${hhmm(e.at)} — ${oneLine(e.text)}`,
    ),
    "",
    "## Root cause",
    incident.rootCause.trim() || "Not recorded.",
    "",
    "## Resolution",
    incident.resolution.trim() || "Not recorded.",
    "",
  ];
  return lines.join("\n");
}

/** action-items.md: one `- <action> — <Owner> — p:<priority>` bullet per item. */
export function renderActionItemsMarkdown(
  incident: Pick<RenderableIncident, "title" | "actionItems">,
): string {
  const bullets = incident.actionItems.map(
    (item) => `- ${oneLine(item.title)}${item.owner ? ` — ${item.owner}` : ""} — p:${item.priority}`,
  );
  return [`# Action Items — ${oneLine(incident.title)}`, "", ...bullets, ""].join("\n");
}
