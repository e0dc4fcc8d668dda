// `foghorn backlog sync`: markdown incident folders in a repository → GitHub issues (seed 000).

import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, isAbsolute, join, relative, resolve, sep } from "node:path";
import { backlogItemsFrom } from "#domain/backlog/items.ts";
import {
  DEFAULT_BACKLOG_ROOT,
  incidentFolderRef,
  isParseIssue,
  normalizeRoot,
  parseActionItems,
  parseIncidentFolder,
  parseIncidentMarkdown,
} from "#domain/backlog/markdown.ts";
import type { BacklogItem, IncidentFolder, ParseIssue } from "#domain/backlog/types.ts";
import { AppError } from "../errors.ts";
import type { IssueTracker } from "../ports.ts";
import { type FileItemsDeps, fileBacklogItems, type ItemOutcome } from "./file.ts";

export interface SyncOptions {
  /** Where relative paths start, and where the root is looked for when no path is given. */
  cwd: string;
  /** The layout's root folder, relative to the repository root. Default `.scraut`. */
  root?: string;
  dryRun?: boolean;
  /** Told each problem in the markdown as soon as all files are read, before anything is filed. */
  onProblem?: (issue: ParseIssue) => void;
}

export interface SyncedIncident {
  /** The folder relative to the repository root: `.scraut/sprint/001/incidents/2026-05-24-api-timeout`. */
  folder: string;
  title: string;
  outcomes: ItemOutcome[];
}

export interface SyncResult {
  repository: string;
  dryRun: boolean;
  incidents: SyncedIncident[];
  /** Every problem found in the markdown, in file and line order; errors were skipped. */
  issues: ParseIssue[];
  counts: { filed: number; existing: number; wouldFile: number; malformed: number; warnings: number };
}

const SKIP_DIRS = new Set(["node_modules", ".git"]);

/** Paths people read: relative to the working directory, with `/`. */
function display(cwd: string, path: string): string {
  const rel = relative(cwd, path);
  return (rel === "" ? "." : rel.startsWith("..") || isAbsolute(rel) ? path : rel).split(sep).join("/");
}

/** Every `<root>/sprint/*\/incidents/*\/action-items.md` folder below `dir`, sorted. */
function findIncidentFolders(dir: string, root: string, out: string[] = []): string[] {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory() && !SKIP_DIRS.has(entry.name)) findIncidentFolders(path, root, out);
    else if (
      entry.isFile() &&
      entry.name === "action-items.md" &&
      !isParseIssue(parseIncidentFolder(path, root))
    )
      out.push(dirname(path));
  }
  return out.sort();
}

/** The incident folders the paths name: action-items.md files, incident folders, or folders searched. */
function resolveFolders(
  paths: readonly string[],
  opts: SyncOptions,
  root: string,
  issues: ParseIssue[],
): string[] {
  const folders: string[] = [];
  const given = paths.length > 0 ? paths : [join(opts.cwd, root)];
  for (const path of given) {
    const absolute = resolve(opts.cwd, path);
    const shown = paths.length > 0 ? path : display(opts.cwd, absolute);
    if (!existsSync(absolute)) {
      issues.push({
        file: shown,
        line: 0,
        level: "error",
        message:
          paths.length > 0
            ? "no such file or folder"
            : `no ${root || "."}/ folder here: give the paths to sync, or run in the repository root`,
      });
      continue;
    }
    const folder = parseIncidentFolder(absolute, root);
    if (statSync(absolute).isFile()) {
      if (isParseIssue(folder)) issues.push({ ...folder, file: shown });
      else folders.push(resolve(folder.path));
      continue;
    }
    if (!isParseIssue(folder) && resolve(folder.path) === absolute) {
      folders.push(absolute);
      continue;
    }
    const found = findIncidentFolders(absolute, root);
    if (found.length === 0)
      issues.push({
        file: shown,
        line: 0,
        level: "warning",
        message: `no ${root ? `${root}/` : ""}sprint/NN/incidents/YYYY-MM-DD-slug/action-items.md below this folder`,
      });
    folders.push(...found);
  }
  return [...new Set(folders)];
}

function readText(path: string): string | null {
  return existsSync(path) ? readFileSync(path, "utf8") : null;
}

/** One folder's items and the problems in its two files. */
function readIncidentFolder(
  absolute: string,
  folder: IncidentFolder,
  opts: SyncOptions,
  root: string,
  issues: ParseIssue[],
): { ref: string; title: string; items: BacklogItem[] } {
  const ref = incidentFolderRef(folder, root);
  const reportPath = join(absolute, "incident.md");
  const itemsPath = join(absolute, "action-items.md");
  const report = readText(reportPath);
  let incident = null;
  if (report === null) {
    issues.push({
      file: display(opts.cwd, reportPath),
      line: 0,
      level: "warning",
      message: "no incident.md: the folder's name stands in for the incident's title",
    });
  } else {
    const parsed = parseIncidentMarkdown(display(opts.cwd, reportPath), report);
    incident = parsed.incident;
    issues.push(...parsed.issues);
  }
  const text = readText(itemsPath);
  if (text === null) {
    issues.push({
      file: display(opts.cwd, itemsPath),
      line: 0,
      level: "warning",
      message: "no action-items.md: nothing to file",
    });
    return { ref, title: incident?.title || folder.slug, items: [] };
  }
  const parsed = parseActionItems(display(opts.cwd, itemsPath), text);
  issues.push(...parsed.issues);
  const reference = `${ref}/${report === null ? "action-items.md" : "incident.md"}`;
  const items = backlogItemsFrom(folder, incident, parsed.items, reference);
  return { ref, title: items[0]?.incident.title ?? (incident?.title || folder.slug), items };
}

/**
 * Syncs markdown incident folders to GitHub: `paths` are action-items.md files, incident folders, or
 * folders searched for `<root>/sprint/*\/incidents/*\/action-items.md` (default: `<root>` under the working
 * directory). Each folder's incident.md and action-items.md are parsed; every item that parsed is filed
 * once through fileBacklogItems; malformed lines are reported, never filed, and never stop the others.
 */
export async function syncMarkdownBacklog(
  deps: FileItemsDeps,
  paths: readonly string[],
  opts: SyncOptions,
): Promise<SyncResult> {
  const root = normalizeRoot(opts.root ?? DEFAULT_BACKLOG_ROOT);
  const issues: ParseIssue[] = [];
  const read: { ref: string; title: string; items: BacklogItem[] }[] = [];
  for (const absolute of resolveFolders(paths, opts, root, issues)) {
    const folder = parseIncidentFolder(absolute, root);
    if (isParseIssue(folder)) {
      issues.push({ ...folder, file: display(opts.cwd, absolute) });
      continue;
    }
    read.push(readIncidentFolder(absolute, folder, opts, root, issues));
  }
  if (opts.onProblem) for (const issue of issues) opts.onProblem(issue);
  const outcomes = await fileBacklogItems(
    deps,
    read.flatMap((r) => r.items),
    opts.dryRun ? { dryRun: true } : {},
  );
  const incidents = read.map((r) => ({
    folder: r.ref,
    title: r.title,
    outcomes: outcomes.filter((o) => r.items.includes(o.item)),
  }));
  const count = (result: ItemOutcome["result"]) => outcomes.filter((o) => o.result === result).length;
  return {
    repository: deps.tracker.repository,
    dryRun: opts.dryRun === true,
    incidents,
    issues,
    counts: {
      filed: count("filed"),
      existing: count("existing"),
      wouldFile: count("would-file"),
      malformed: issues.filter((i) => i.level === "error").length,
      warnings: issues.filter((i) => i.level === "warning").length,
    },
  };
}

/**
 * A tracker for `--dry-run` without a token: finds nothing (every item shows as "would file") and refuses
 * to write. GitHub is not contacted at all.
 */
export function offlineTracker(repository: string): IssueTracker {
  const refuse = (): never => {
    throw new AppError("UNAVAILABLE", "GitHub is not contacted on a dry run without GITHUB_TOKEN");
  };
  return {
    repository,
    findByMarkers: async () => new Map(),
    ensureLabels: async () => refuse(),
    createIssue: async () => refuse(),
  };
}
