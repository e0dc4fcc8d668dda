// How a markdown incident (seed 000) becomes a platform incident: its severity word, its start and end
// times, and its timeline bullets as timed notes. `foghorn import markdown` uses it.

import { type PriorityScheme, parseSeverity, type Severity } from "../incident/severity.ts";
import type { MarkdownIncident } from "./types.ts";

/** Words teams write in incident.md beyond the severity aliases (SPEC §1), most severe first. */
const EXTRA_SEVERITY_WORDS: Record<string, Severity> = {
  blocker: "SEV1",
  severe: "SEV1",
  urgent: "SEV1",
  major: "SEV2",
  moderate: "SEV3",
  normal: "SEV3",
  minor: "SEV4",
  trivial: "SEV4",
};

/** The level when incident.md names none or one nobody can read (with a warning). */
export const DEFAULT_IMPORTED_SEVERITY: Severity = "SEV3";

/**
 * Reads `**Severity:**` as written ("High", "SEV2", "P1", "Major"): the severity aliases first, then a few
 * common words. Unknown or missing: SEV3 and a warning saying so.
 */
export function severityFromMarkdown(
  text: string | null,
  scheme: PriorityScheme,
): { severity: Severity; warning?: string } {
  if (text === null || text.trim() === "")
    return { severity: DEFAULT_IMPORTED_SEVERITY, warning: "no **Severity:** line; imported as SEV3" };
  // "High (p95 > 30 s)" or "SEV2 - major": the first word decides.
  const first = text.trim().split(/[\s(—–,;]+/)[0] ?? "";
  for (const candidate of [text.trim(), first]) {
    const parsed = parseSeverity(candidate, scheme);
    if (parsed.ok) return { severity: parsed.severity };
    const extra = EXTRA_SEVERITY_WORDS[candidate.toLowerCase()];
    if (extra) return { severity: extra };
  }
  return {
    severity: DEFAULT_IMPORTED_SEVERITY,
    warning: `severity "${text.trim()}" is not one of SEV1–SEV4, critical, high, medium, low; imported as SEV3`,
  };
}

const TIME = String.raw`(\d{1,2}):(\d{2})`;
const BULLET_TIME = new RegExp(
  String.raw`^(?:(\d{4}-\d{2}-\d{2})[ T])?${TIME}(?:\s*UTC)?\s*(?:—|–|--|-|:)\s*(.*)$`,
);
const DURATION = new RegExp(
  String.raw`${TIME}\s*(?:UTC\s*)?(?:—|–|--|-|to)\s*(?:(\d{4}-\d{2}-\d{2})\s+)?${TIME}`,
);

function at(date: string, hours: string, minutes: string): Date | null {
  const h = Number(hours);
  const m = Number(minutes);
  if (h > 23 || m > 59) return null;
  const d = new Date(`${date}T${pad(h)}:${pad(m)}:00.000Z`);
  return Number.isNaN(d.getTime()) ? null : d;
}
const pad = (n: number) => String(n).padStart(2, "0");
const DAY_MS = 86_400_000;

/** When the imported incident started and ended, and its timeline bullets as timed notes (UTC). */
export interface ImportedTimes {
  start: Date;
  end: Date;
  notes: { at: Date; text: string }[];
}

/**
 * Times from the date, the Duration line ("14:00–14:45 UTC (45 minutes)") and the bullets ("14:05 — Bob
 * identified …"): start is the Duration's start, else the first timed bullet, else midnight UTC of the date;
 * end likewise from the Duration's end or the last bullet. Times are UTC (seed 000 writes "UTC"); a time
 * earlier than the one before it is taken as the next day. A bullet without a time keeps the previous one.
 */
export function importedTimes(incident: MarkdownIncident): ImportedTimes {
  const day = incident.date;
  const midnight = new Date(`${day}T00:00:00.000Z`);
  const notes: { at: Date; text: string }[] = [];
  let previous: Date | null = null;
  for (const bullet of incident.timeline) {
    const m = BULLET_TIME.exec(bullet.trim());
    let when = m ? at(m[1] ?? day, m[2] ?? "", m[3] ?? "") : null;
    if (when && !m?.[1] && previous && when.getTime() < previous.getTime())
      when = new Date(when.getTime() + DAY_MS * Math.ceil((previous.getTime() - when.getTime()) / DAY_MS));
    const text = when && m ? (m[4] ?? "").trim() || bullet.trim() : bullet.trim();
    const noteAt: Date = when ?? previous ?? midnight;
    notes.push({ at: noteAt, text });
    previous = noteAt;
  }
  const d = incident.duration ? DURATION.exec(incident.duration) : null;
  let start = d ? at(day, d[1] ?? "", d[2] ?? "") : null;
  let end = d ? at(d[3] ?? day, d[4] ?? "", d[5] ?? "") : null;
  if (start && end && end.getTime() < start.getTime()) end = new Date(end.getTime() + DAY_MS);
  start ??= notes[0]?.at ?? midnight;
  end ??= notes.at(-1)?.at ?? start;
  if (end.getTime() < start.getTime()) end = start;
  return { start, end, notes };
}
