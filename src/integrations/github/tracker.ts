/**
 * The IssueTracker port on GitHub's REST API (github.com or GitHub Enterprise Server) with Octokit:
 * throttling (primary and secondary rate limits, waits reported through onWait), retries of failed reads,
 * and the marker lookup that makes filing idempotent.
 */
import { retry } from "@octokit/plugin-retry";
import { throttling } from "@octokit/plugin-throttling";
import { Octokit } from "@octokit/rest";
import Bottleneck from "bottleneck";
import { AppError } from "#app/errors.ts";
import type { IssueTracker, LabelSpec } from "#app/ports.ts";
import { PRIORITY_LABELS, readMarkers } from "#domain/backlog/issue-draft.ts";
import type { FiledIssue, IssueDraft } from "#domain/backlog/types.ts";
import { gitHubError, readFailure } from "./errors.ts";

const GitHub = Octokit.plugin(throttling, retry);
type GitHubClient = InstanceType<typeof GitHub>;

export const DEFAULT_GITHUB_API_URL = "https://api.github.com";

export interface GitHubTrackerOptions {
  token: string;
  /** "owner/repo" */
  repository: string;
  /** REST base URL; GitHub Enterprise Server: https://HOST/api/v3. */
  apiUrl?: string | undefined;
  /** Told before each rate-limit wait or retry: "GitHub rate limit: waiting 3 s". */
  onWait?: ((line: string) => void) | undefined;
  /** Told what went differently from the plan (an assignee GitHub refused). */
  onNotice?: ((line: string) => void) | undefined;
  /** Waits on rate limits before giving up with a readable error. Default 3. */
  maxRateLimitWaits?: number;
  /**
   * Minimum time between requests that create something. GitHub asks integrations to leave at least one
   * second between them to stay clear of the secondary limits. Default 1000.
   */
  writeIntervalMs?: number;
  /** Minimum time between search requests (GitHub allows 30 a minute). Default 2000. */
  searchIntervalMs?: number;
  /** Base of the back-off for a failed request (retry n waits n² × this). Default 1000. */
  retryBaseMs?: number;
  /** Tries at creating one issue when GitHub fails or does not answer (each after a marker lookup). Default 3. */
  createAttempts?: number;
}

interface IssueFields {
  number: number;
  html_url: string;
  state: string;
  body?: string | null;
  pull_request?: unknown;
}

const toFiled = (issue: IssueFields): FiledIssue => ({
  number: issue.number,
  url: issue.html_url,
  state: issue.state === "closed" ? "closed" : "open",
});

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Search results stop at 1,000 on GitHub; 10 pages of 100 is everything it would give. */
const SEARCH_PAGES = 10;

/** Builds the tracker; throws a readable AppError when the repository is not "owner/repo". */
export function createGitHubTracker(options: GitHubTrackerOptions): IssueTracker {
  const { owner, repo } = splitRepository(options.repository);
  const apiUrl = (options.apiUrl ?? DEFAULT_GITHUB_API_URL).replace(/\/+$/, "");
  const where = { repository: `${owner}/${repo}`, apiUrl };
  const onWait = options.onWait ?? (() => {});
  const onNotice = options.onNotice ?? (() => {});
  const maxWaits = options.maxRateLimitWaits ?? 3;
  const retryBaseMs = options.retryBaseMs ?? 1000;
  const createAttempts = Math.max(1, options.createAttempts ?? 3);
  const writeIntervalMs = options.writeIntervalMs ?? 1000;
  // Per-tracker pacing: the plugin's defaults are process-wide groups (1 s between writes, 3 s between
  // requests that notify people such as creating an issue, 2 s between searches).
  const paced = (minTime: number) => new Bottleneck.Group({ maxConcurrent: 1, minTime });
  const waitHandler =
    (kind: string) =>
    (retryAfter: number, request: { method: string; url: string }, _client: unknown, retryCount: number) => {
      if (retryCount >= maxWaits) return false;
      onWait(`GitHub ${kind}: waiting ${retryAfter} s before retrying ${request.method} ${request.url}`);
      return true;
    };
  const client: GitHubClient = new GitHub({
    auth: options.token,
    baseUrl: apiUrl,
    userAgent: "foghorn-backlog-sync",
    throttle: {
      onRateLimit: waitHandler("rate limit"),
      onSecondaryRateLimit: waitHandler("secondary rate limit"),
      write: paced(writeIntervalMs),
      notifications: paced(writeIntervalMs),
      search: paced(options.searchIntervalMs ?? 2000),
    },
    retry: { retries: 3, retryAfterBaseValue: retryBaseMs },
    log: { debug: () => {}, info: () => {}, warn: () => {}, error: () => {} },
  });

  const known = new Set<string>();

  async function scanByLabels(wanted: ReadonlySet<string>, found: Map<string, FiledIssue>): Promise<void> {
    for (const label of PRIORITY_LABELS) {
      const pages = client.paginate.iterator("GET /repos/{owner}/{repo}/issues", {
        owner,
        repo,
        state: "all",
        labels: label,
        per_page: 100,
      });
      for await (const page of pages) {
        for (const issue of page.data) collect(issue, wanted, found);
        if (found.size === wanted.size) return;
      }
    }
  }

  async function scanBySearch(wanted: ReadonlySet<string>, found: Map<string, FiledIssue>): Promise<void> {
    const q = `repo:${owner}/${repo} is:issue in:body "foghorn:backlog"`;
    let page = 1;
    for (; page <= SEARCH_PAGES; page++) {
      const answer = await client.request("GET /search/issues", { q, per_page: 100, page });
      for (const issue of answer.data.items) collect(issue, wanted, found);
      if (found.size === wanted.size || answer.data.items.length < 100) return;
    }
  }

  async function findByMarkers(markers: readonly string[]): Promise<Map<string, FiledIssue>> {
    const wanted = new Set(markers);
    const found = new Map<string, FiledIssue>();
    if (wanted.size === 0) return found;
    // The issues list is consistent right after a create (a crash and an immediate re-run); every
    // filed issue carries one p:* label. The search index lags, so it only adds issues whose p:* label
    // a person removed.
    try {
      await scanByLabels(wanted, found);
    } catch (error) {
      throw gitHubError(error, "listing issues to find those filed before", where);
    }
    if (found.size < wanted.size) {
      try {
        await scanBySearch(wanted, found);
      } catch (error) {
        const failure = readFailure(error);
        if (failure.status === 401 || failure.status === 404)
          throw gitHubError(error, "searching issues", where);
        onNotice(`GitHub search unavailable (${failure.status ?? "no answer"}): relying on the issue list`);
      }
    }
    return found;
  }

  return {
    repository: where.repository,

    findByMarkers,

    async ensureLabels(labels: readonly LabelSpec[]) {
      for (const label of labels) {
        if (known.has(label.name)) continue;
        try {
          await client.rest.issues.getLabel({ owner, repo, name: label.name });
        } catch (error) {
          if (readFailure(error).status !== 404)
            throw gitHubError(error, `reading the label ${label.name}`, where);
          try {
            await client.rest.issues.createLabel({ owner, repo, ...label });
          } catch (createError) {
            const failure = readFailure(createError);
            // Created meanwhile by someone else (a parallel run): what we wanted.
            const exists = failure.status === 422 && failure.errors.some((e) => e.code === "already_exists");
            if (!exists) throw gitHubError(createError, `creating the label ${label.name}`, where);
          }
        }
        known.add(label.name);
      }
    },

    async createIssue(draft: IssueDraft) {
      let assignees = draft.assignees;
      for (let attempt = 1; ; attempt++) {
        try {
          const { data } = await client.rest.issues.create({
            owner,
            repo,
            title: draft.title,
            body: draft.body,
            labels: draft.labels,
            assignees,
            // Never blindly re-sent: a create that failed may still have created the issue (below).
            request: { retries: 0 },
          });
          return toFiled(data);
        } catch (error) {
          const failure = readFailure(error);
          const badAssignee =
            failure.status === 422 &&
            assignees.length > 0 &&
            failure.errors.some((e) => e.field === "assignees");
          if (badAssignee) {
            onNotice(
              `GitHub cannot assign ${assignees.join(", ")} in ${where.repository}: filing "${draft.title}" unassigned`,
            );
            assignees = [];
            continue;
          }
          const transient = failure.status === undefined || failure.status >= 500;
          if (!transient || attempt >= createAttempts)
            throw gitHubError(error, `creating the issue "${draft.title}"`, where);
          const waitMs = attempt * attempt * retryBaseMs;
          onWait(
            `GitHub failed creating "${draft.title}" (${failure.status ?? failure.message}): checking and retrying in ${Math.ceil(waitMs / 1000)} s`,
          );
          await sleep(waitMs);
          const filed = (await findByMarkers([draft.marker])).get(draft.marker);
          if (filed) return filed;
        }
      }
    },
  };
}

/** "acme/api" → owner and repo; anything else is refused with the setting to fix. */
function splitRepository(repository: string): { owner: string; repo: string } {
  const [owner, repo, extra] = repository.split("/");
  if (!owner || !repo || extra !== undefined) {
    throw new AppError(
      "INVALID_INPUT",
      `GITHUB_REPOSITORY (github.repository) must be owner/repo, e.g. acme/api; got "${repository}"`,
    );
  }
  return { owner, repo };
}

/** Records the issue under each wanted marker in its body; the oldest issue wins when there are two. */
function collect(issue: IssueFields, wanted: ReadonlySet<string>, found: Map<string, FiledIssue>): void {
  if (issue.pull_request) return;
  for (const marker of readMarkers(issue.body)) {
    if (!wanted.has(marker)) continue;
    const seen = found.get(marker);
    if (!seen || issue.number < seen.number) found.set(marker, toFiled(issue));
  }
}
