import { offlineTracker, type SyncResult, syncMarkdownBacklog } from "#app/backlog/sync.ts";
import type { AiDrafting, BacklogAnnouncer, IssueTracker } from "#app/ports.ts";
import type { Config } from "#config/load.ts";
import type { ParseIssue } from "#domain/backlog/types.ts";
import type { CommandContext, CommandGroup, CommandSpec } from "../command.ts";
import { CliError, EXIT } from "../errors.ts";

// `foghorn backlog sync`: runs in-process (CI has no Foghorn server), from the repository's markdown to
// GitHub issues. The GitHub, AI and Slack clients are built by main.ts (the CLI may not import
// integrations/) and handed in as `connectBacklog`.

/** What a sync talks to, built from the configuration by the composition root. */
export interface BacklogConnections {
  /** Absent when no GitHub was given (a dry run without a token). */
  tracker?: IssueTracker | undefined;
  ai?: AiDrafting | undefined;
  announcer?: BacklogAnnouncer | undefined;
}

/** Builds the connections; `onWait` and `onNotice` become progress lines ("GitHub rate limit: waiting 3 s"). */
export type ConnectBacklog = (
  config: Config,
  github: { token: string; repository: string } | null,
  hooks: { onWait(line: string): void; onNotice(line: string): void },
) => BacklogConnections;

const MISSING =
  "GitHub is not configured: set GITHUB_TOKEN and GITHUB_REPOSITORY (owner/repo) in the environment, " +
  "or github.token and github.repository in foghorn.config.yaml";

function issueLine(issue: ParseIssue): string {
  return `${issue.file}:${issue.line}: ${issue.level}: ${issue.message}`;
}

const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

/** "4 filed, 0 already filed, 1 malformed line skipped" (dry run: "4 would be filed, …"). */
export function summaryLine(result: SyncResult): string {
  const { filed, existing, wouldFile, malformed } = result.counts;
  const first = result.dryRun ? `${wouldFile} would be filed` : `${filed} filed`;
  return `${first}, ${existing} already filed, ${plural(malformed, "malformed line")} skipped`;
}

function printDrafts(ctx: CommandContext, result: SyncResult): void {
  for (const incident of result.incidents) {
    for (const outcome of incident.outcomes) {
      if (outcome.result !== "would-file") continue;
      const { draft } = outcome;
      ctx.out.print(`--- would file in ${result.repository}: ${draft.title}`);
      ctx.out.print(`labels: ${draft.labels.join(", ")}`);
      ctx.out.print(`assignee: ${draft.assignees.join(", ") || "none"}`);
      ctx.out.print("");
      ctx.out.print(draft.body);
      ctx.out.print("");
    }
  }
}

function toJson(result: SyncResult) {
  return {
    repository: result.repository,
    dry_run: result.dryRun,
    incidents: result.incidents.map((incident) => ({
      folder: incident.folder,
      title: incident.title,
      items: incident.outcomes.map((o) => ({
        action: o.item.action,
        source: o.item.source ?? null,
        marker: o.item.marker,
        result: o.result,
        issue: o.issue ?? null,
        title: o.draft.title,
        labels: o.draft.labels,
        assignees: o.draft.assignees,
        enriched_by: o.enrichedBy,
        ...(o.fallbackReason ? { fallback_reason: o.fallbackReason } : {}),
        ...(o.result === "would-file" ? { body: o.draft.body } : {}),
      })),
    })),
    problems: result.issues,
    counts: {
      filed: result.counts.filed,
      existing: result.counts.existing,
      would_file: result.counts.wouldFile,
      malformed: result.counts.malformed,
      warnings: result.counts.warnings,
    },
  };
}

const syncCommand: CommandSpec = {
  kind: "command",
  name: "sync",
  summary: "File a GitHub issue for each action item in markdown incident folders (seed 000)",
  description:
    "Reads <root>/sprint/NN/incidents/YYYY-MM-DD-slug/incident.md and action-items.md and files one GitHub issue per bullet (labels bug|task, p:high|medium|low, sprint:NN+1; assignee from the owner), each once: a hidden marker in the body is looked up first, so a second run or a re-run after a crash files only what is missing. Runs in-process, no Foghorn server needed. PATHS are action-items.md files, incident folders or folders to search (default: <root> under the current folder). Needs GITHUB_TOKEN and GITHUB_REPOSITORY (or github.token/github.repository); GITHUB_API_URL for GitHub Enterprise Server. --dry-run prints each issue it would file and only reads from GitHub (not at all without a token). Exit 0 when every line was filed or already filed, 1 when a line was malformed (the rest is still filed) or GitHub failed, 78 when GitHub is not configured. See docs/backlog.md.",
  args: [
    {
      name: "PATHS",
      description: "action-items.md files, incident folders or folders to search (default: <root>)",
      optional: true,
      rest: true,
    },
  ],
  flags: [
    {
      name: "dry-run",
      type: "boolean",
      description: "Print the issues that would be filed; create nothing (read-only on GitHub)",
    },
    {
      name: "root",
      type: "string",
      value: "DIR",
      description: "The folder holding sprint/NN/incidents/ (default github.backlogRoot, .scraut)",
    },
  ],
  readsConfig: true,
  examples: [
    "foghorn backlog sync",
    "foghorn backlog sync .scraut/sprint/001/incidents/2026-05-24-api-timeout/action-items.md",
    "foghorn backlog sync --dry-run --root docs/incidents",
  ],
  async run(ctx) {
    const config = ctx.config();
    const dryRun = ctx.args.boolean("dry-run");
    const { token, repository } = config.github;
    if (!ctx.connectBacklog) throw new CliError(EXIT.FAILED, "backlog sync is not available in this build");
    const hooks = {
      onWait: (line: string) => ctx.out.progress(line),
      onNotice: (line: string) => ctx.out.progress(line),
    };
    let github: { token: string; repository: string } | null = null;
    if (token && repository) {
      github = { token, repository };
      if (dryRun)
        ctx.out.progress(`dry run: only reading ${repository} on GitHub (to find issues filed before)`);
    } else if (dryRun) {
      ctx.out.progress(
        "dry run without GITHUB_TOKEN: GitHub is not contacted, so every item shows as one to file",
      );
    } else {
      const missing = [token ? null : "GITHUB_TOKEN", repository ? null : "GITHUB_REPOSITORY"].filter(
        Boolean,
      );
      throw new CliError(EXIT.CONFIG, `${MISSING} (missing: ${missing.join(", ")})`);
    }
    const connections = ctx.connectBacklog(config, github, hooks);
    const tracker = connections.tracker ?? offlineTracker(repository ?? "(GITHUB_REPOSITORY not set)");
    const result = await syncMarkdownBacklog(
      {
        tracker,
        ai: connections.ai,
        announcer: dryRun ? undefined : connections.announcer,
        owners: config.github.owners,
        onProgress: (line) => (ctx.out.json ? ctx.out.progress(line) : ctx.out.print(line)),
      },
      ctx.args.restArgs("PATHS"),
      {
        cwd: ctx.cwd,
        root: ctx.args.string("root") ?? config.github.backlogRoot,
        dryRun,
        onProblem: (issue) => ctx.out.progress(issueLine(issue)),
      },
    );
    ctx.out.result(toJson(result), () => {
      if (dryRun) printDrafts(ctx, result);
      ctx.out.print(summaryLine(result));
    });
    return result.counts.malformed > 0 ? EXIT.FAILED : EXIT.OK;
  },
};

export const backlogGroup: CommandGroup = {
  kind: "group",
  name: "backlog",
  summary: "Action items from markdown incidents to GitHub issues",
  children: [syncCommand],
  examples: ["foghorn backlog sync", "foghorn backlog sync --dry-run"],
};
