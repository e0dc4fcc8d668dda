// Markdown incidents kept in a repository (seed 000): `<root>/sprint/NN/incidents/YYYY-MM-DD-slug/` with
// incident.md and action-items.md. Pure string work: the caller reads the files.

import type { IncidentFolder, MarkdownIncident, ParseIssue } from "./types.ts";

export { ACTION_ITEM_GRAMMAR, parseActionItems } from "./action-items.ts";
export { inferItemType } from "./item-type.ts";

/** The default root of the layout, relative to the repository root. */
export const DEFAULT_BACKLOG_ROOT = ".scraut";

/** `.scraut` → `.scraut`; `./docs/incidents/` → `docs/incidents`; `.` or "" → "" (the repository root). */
export function normalizeRoot(root: string): string {
  const path = root
    .replace(/\\/g, "/")
    .replace(/^(\.\/)+/, "")
    .replace(/\/+$/, "");
  return path === "." ? "" : path;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

function isCalendarDate(date: string): boolean {
  const [y, m, d] = date.split("-").map(Number);
  if (y === undefined || m === undefined || d === undefined) return false;
  const parsed = new Date(Date.UTC(y, m - 1, d));
  return parsed.getUTCFullYear() === y && parsed.getUTCMonth() === m - 1 && parsed.getUTCDate() === d;
}

/**
 * Reads sprint, date and slug from an incident folder's path: the folder itself or a file inside it
 * (`…/incidents/2026-05-24-api-timeout/action-items.md`). Anything else is a ParseIssue naming the layout.
 */
export function parseIncidentFolder(
  path: string,
  root: string = DEFAULT_BACKLOG_ROOT,
): IncidentFolder | ParseIssue {
  const normalized = path.replace(/\\/g, "/").replace(/\/+$/, "");
  const rootPath = normalizeRoot(root);
  const prefix = rootPath === "" ? "(?:^|/)" : `(?:^|/)${escapeRegExp(rootPath)}/`;
  const pattern = new RegExp(
    `^(.*?${prefix}sprint/(\\d+)/incidents/(\\d{4}-\\d{2}-\\d{2})-([^/]+))(?:/[^/]+)?$`,
  );
  const match = pattern.exec(normalized);
  const date = match?.[3];
  if (!match || date === undefined || !isCalendarDate(date)) {
    const layout = `${rootPath === "" ? "" : `${rootPath}/`}sprint/NN/incidents/YYYY-MM-DD-slug/`;
    return {
      file: path,
      line: 0,
      level: "error",
      message: `not an incident folder: expected "${layout}" (a folder or a file inside it)`,
    };
  }
  const sprintText = match[2] ?? "";
  return {
    path: match[1] ?? normalized,
    sprint: { text: sprintText, number: Number.parseInt(sprintText, 10) },
    date,
    slug: match[4] ?? "",
  };
}

/** True when parseIncidentFolder gave a ParseIssue rather than a folder. */
export function isParseIssue(value: IncidentFolder | ParseIssue): value is ParseIssue {
  return "message" in value;
}

/** The folder's path relative to the repository root, `.scraut/sprint/001/incidents/2026-05-24-api-timeout`. */
export function incidentFolderRef(folder: IncidentFolder, root: string = DEFAULT_BACKLOG_ROOT): string {
  const rootPath = normalizeRoot(root);
  const tail = `sprint/${folder.sprint.text}/incidents/${folder.date}-${folder.slug}`;
  return rootPath === "" ? tail : `${rootPath}/${tail}`;
}

const TITLE = /^#\s+(?:Incident:\s*)?(.*?)\s*$/i;
const TITLE_WITH_DATE = /^(.*?)\s+(?:—|–|--|-)\s+(\d{4}-\d{2}-\d{2})$/;
const FIELD = /^\*\*(Severity|Duration|Impact)(?::\*\*|\*\*:)\s*(.*?)\s*$/i;
const SECTION = /^##\s+(.+?)\s*#*\s*$/;
const SECTIONS = { timeline: "Timeline", "root cause": "Root cause", resolution: "Resolution" } as const;
type SectionKey = keyof typeof SECTIONS;
const SECTION_KEYS: readonly SectionKey[] = ["timeline", "root cause", "resolution"];

/**
 * Parses incident.md: `# Incident: <title> — <date>`, `**Severity:**`, `**Duration:**`, `**Impact:**`
 * and the Timeline (bullets), Root cause and Resolution sections. Missing pieces are warnings with the
 * line where they were expected; an empty title or date is left "" for the folder's name to fill.
 * Only an empty file gives no incident.
 */
export function parseIncidentMarkdown(
  file: string,
  text: string,
): { incident: MarkdownIncident | null; issues: ParseIssue[] } {
  const issues: ParseIssue[] = [];
  const warn = (line: number, message: string) => issues.push({ file, line, level: "warning", message });
  if (text.trim() === "") {
    return {
      incident: null,
      issues: [{ file, line: 0, level: "error", message: "empty file: expected an incident report" }],
    };
  }
  const lines = text.split(/\r?\n/);
  const incident: MarkdownIncident = {
    file,
    title: "",
    date: "",
    severity: null,
    duration: null,
    impact: null,
    timeline: [],
    rootCause: "",
    resolution: "",
  };
  let titleLine = 0;
  let section: SectionKey | null = null;
  const sectionLines: Record<SectionKey, string[]> = { timeline: [], "root cause": [], resolution: [] };
  const sectionAt: Partial<Record<SectionKey, number>> = {};

  lines.forEach((raw, index) => {
    const line = index + 1;
    if (titleLine === 0 && /^#\s/.test(raw)) {
      titleLine = line;
      readTitle(raw, line, incident, warn);
      return;
    }
    const heading = SECTION.exec(raw);
    if (heading) {
      section = sectionKey(heading[1] ?? "");
      if (section !== null) sectionAt[section] = line;
      return;
    }
    const field = section === null ? FIELD.exec(raw.trim()) : null;
    if (field) {
      const name = (field[1] ?? "").toLowerCase();
      const value = field[2] === "" ? null : (field[2] ?? null);
      if (name === "severity" || name === "duration" || name === "impact") incident[name] = value;
      return;
    }
    if (section !== null) sectionLines[section].push(raw);
  });

  if (titleLine === 0) warn(1, `no title line: expected "# Incident: <title> — <YYYY-MM-DD>"`);
  const after = titleLine === 0 ? 1 : titleLine + 1;
  for (const name of ["severity", "duration", "impact"] as const) {
    if (incident[name] === null) {
      const label = name[0]?.toUpperCase() + name.slice(1);
      warn(after, `no ${label}: expected "**${label}:** …" after the title`);
    }
  }
  incident.timeline = readBullets(sectionLines.timeline);
  incident.rootCause = readParagraphs(sectionLines["root cause"]);
  incident.resolution = readParagraphs(sectionLines.resolution);
  const present = {
    timeline: incident.timeline.length > 0,
    "root cause": incident.rootCause !== "",
    resolution: incident.resolution !== "",
  };
  for (const key of SECTION_KEYS) {
    const at = sectionAt[key];
    if (at === undefined) warn(lines.length, `no "## ${SECTIONS[key]}" section`);
    else if (!present[key]) warn(at, `the "## ${SECTIONS[key]}" section is empty`);
  }
  return { incident, issues };
}

function sectionKey(heading: string): SectionKey | null {
  const key = heading.toLowerCase();
  return key === "timeline" || key === "root cause" || key === "resolution" ? key : null;
}

function readTitle(
  raw: string,
  line: number,
  incident: MarkdownIncident,
  warn: (line: number, message: string) => void,
): void {
  if (!/^#\s+Incident:/i.test(raw))
    warn(line, `expected the title line "# Incident: <title> — <YYYY-MM-DD>"`);
  const title = TITLE.exec(raw)?.[1] ?? "";
  const dated = TITLE_WITH_DATE.exec(title);
  if (dated) {
    incident.title = dated[1] ?? "";
    incident.date = dated[2] ?? "";
  } else {
    incident.title = title;
    warn(line, `no date in the title: expected "— <YYYY-MM-DD>" at its end; using the folder's date`);
  }
}

function readBullets(lines: readonly string[]): string[] {
  const bullets: string[] = [];
  for (const raw of lines) {
    const bullet = /^\s*[-*+]\s+(.*)$/.exec(raw);
    if (bullet) bullets.push((bullet[1] ?? "").trim());
    else if (raw.trim() !== "" && bullets.length > 0) bullets[bullets.length - 1] += ` ${raw.trim()}`;
  }
  return bullets;
}

function readParagraphs(lines: readonly string[]): string {
  return lines.join("\n").trim();
}
