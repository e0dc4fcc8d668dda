/**
 * A local GitHub REST API for tests, answering in GitHub's shapes for what the backlog sync uses: issues
 * (create; list with state, labels and Link-header pagination), labels (get, create, 422 already_exists),
 * search/issues, rate-limit headers on every answer, secondary-limit 403s with Retry-After and primary
 * limits with `x-ratelimit-remaining: 0`. Point Octokit's baseUrl at `url` (add `/api/v3` with
 * `pathPrefix` to play GitHub Enterprise Server). Every request is recorded; one to a route the fake does
 * not implement is answered 404 and listed in `unexpected`, which tests assert empty.
 */
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo, Socket } from "node:net";

export interface GitHubRequest {
  method: string;
  /** Path without the prefix and query: `/repos/acme/api/issues`. */
  path: string;
  query: Record<string, string>;
  body: unknown;
  authorization: string | undefined;
}

export interface FakeIssue {
  id: number;
  number: number;
  title: string;
  body: string | null;
  state: "open" | "closed";
  labels: string[];
  assignees: string[];
  created_at: string;
}

export interface FakeLabel {
  name: string;
  color: string;
  description: string | null;
}

export interface FakeGitHub {
  /** The REST base URL for Octokit (with the prefix). */
  url: string;
  token: string;
  repository: string;
  requests: GitHubRequest[];
  unexpected: string[];
  issues: FakeIssue[];
  labels: Map<string, FakeLabel>;
  /** Requests whose path starts with this (e.g. "POST /repos/acme/api/issues"). */
  requestsTo(prefix: string): GitHubRequest[];
  /** The next `count` requests get a secondary-limit 403 with `retry-after: seconds`. */
  secondaryLimitNext(count: number, retryAfterSeconds?: number): void;
  /** The next `count` requests get a primary-limit 403: remaining 0, reset `resetInSeconds` from now. */
  primaryLimitNext(count: number, resetInSeconds?: number): void;
  /** The next `count` requests get this status with GitHub's error body. */
  failNext(count: number, status: number, message?: string): void;
  /** After `count` more issues are created, every request has its connection cut (a crash) until recover(). */
  crashAfterCreates(count: number): void;
  recover(): void;
  /** Adds an issue as if filed earlier (by a person or an earlier run). */
  addIssue(issue: Partial<FakeIssue> & { title: string }): FakeIssue;
  close(): Promise<void>;
}

export interface FakeGitHubOptions {
  token?: string;
  /** "owner/repo"; any other repository is 404. Default acme/api. */
  repository?: string;
  /** "/api/v3" to answer where GitHub Enterprise Server does. */
  pathPrefix?: string;
  /** Logins that may be assigned (others: 422 invalid assignees). Default: anyone. */
  assignable?: readonly string[];
  /** Whether search finds issues: GitHub's index lags behind creates; "none" plays a fresh create. */
  search?: "all" | "none";
  /** 410 for issue routes, as a repository with issues turned off answers. */
  issuesDisabled?: boolean;
}

type Failure =
  | { kind: "secondary"; retryAfter: number }
  | { kind: "primary"; resetIn: number }
  | { kind: "status"; status: number; message: string };

const DOCS = "https://docs.github.com/rest";
const LIMIT = 5000;

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    req.on("error", reject);
  });
}

function asRecord(value: unknown): Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value) ? { ...value } : {};
}

function strings(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === "string") : [];
}

export async function startFakeGitHub(options: FakeGitHubOptions = {}): Promise<FakeGitHub> {
  const token = options.token ?? "ghp_test_token_0123456789";
  const repository = options.repository ?? "acme/api";
  const prefix = options.pathPrefix ?? "";
  const requests: GitHubRequest[] = [];
  const unexpected: string[] = [];
  const issues: FakeIssue[] = [];
  const labels = new Map<string, FakeLabel>();
  const failures: Failure[] = [];
  const sockets = new Set<Socket>();
  let remaining = LIMIT;
  let createsBeforeCrash: number | null = null;
  let crashed = false;
  let url = "";

  const issueJson = (issue: FakeIssue) => ({
    id: issue.id,
    node_id: `I_${issue.id}`,
    url: `${url}/repos/${repository}/issues/${issue.number}`,
    html_url: `https://github.test/${repository}/issues/${issue.number}`,
    number: issue.number,
    title: issue.title,
    body: issue.body,
    state: issue.state,
    locked: false,
    user: { login: "foghorn-bot", id: 1, type: "Bot" },
    labels: issue.labels.map((name) =>
      labelJson(labels.get(name) ?? { name, color: "ededed", description: null }),
    ),
    assignee: issue.assignees[0] ? { login: issue.assignees[0] } : null,
    assignees: issue.assignees.map((login) => ({ login, id: login.length, type: "User" })),
    comments: 0,
    created_at: issue.created_at,
    updated_at: issue.created_at,
    closed_at: issue.state === "closed" ? issue.created_at : null,
  });
  const labelJson = (label: FakeLabel) => ({
    id: label.name.length,
    node_id: `LA_${label.name}`,
    url: `${url}/repos/${repository}/labels/${encodeURIComponent(label.name)}`,
    name: label.name,
    color: label.color,
    default: false,
    description: label.description,
  });

  function addIssue(fields: Partial<FakeIssue> & { title: string }): FakeIssue {
    const number = issues.length + 1;
    const issue: FakeIssue = {
      id: 1000 + number,
      number,
      body: null,
      state: "open",
      labels: [],
      assignees: [],
      created_at: new Date(Date.UTC(2026, 4, 24, 15, 0, number)).toISOString(),
      ...fields,
    };
    for (const name of issue.labels)
      if (!labels.has(name)) labels.set(name, { name, color: "ededed", description: null });
    issues.push(issue);
    return issue;
  }

  function send(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) {
    remaining = Math.max(0, remaining - 1);
    res.writeHead(status, {
      "content-type": "application/json; charset=utf-8",
      "x-github-api-version-selected": "2022-11-28",
      "x-ratelimit-limit": String(LIMIT),
      "x-ratelimit-remaining": String(remaining),
      "x-ratelimit-used": String(LIMIT - remaining),
      "x-ratelimit-reset": String(Math.floor(Date.now() / 1000) + 3600),
      "x-ratelimit-resource": "core",
      ...headers,
    });
    res.end(body === undefined ? "" : JSON.stringify(body));
  }

  const error = (
    res: ServerResponse,
    status: number,
    message: string,
    extra: Record<string, unknown> = {},
    headers: Record<string, string> = {},
  ) => send(res, status, { message, documentation_url: DOCS, status: String(status), ...extra }, headers);

  function answerFailure(res: ServerResponse, failure: Failure): void {
    if (failure.kind === "secondary") {
      error(
        res,
        403,
        "You have exceeded a secondary rate limit. Please wait a few minutes before you try again. If you reach out to GitHub Support for help, please include the request ID 0000:FAKE.",
        {},
        { "retry-after": String(failure.retryAfter) },
      );
      return;
    }
    if (failure.kind === "primary") {
      const reset = String(Math.floor(Date.now() / 1000) + failure.resetIn);
      res.writeHead(403, {
        "content-type": "application/json; charset=utf-8",
        "x-ratelimit-limit": String(LIMIT),
        "x-ratelimit-remaining": "0",
        "x-ratelimit-used": String(LIMIT),
        "x-ratelimit-reset": reset,
        "x-ratelimit-resource": "core",
      });
      res.end(JSON.stringify({ message: "API rate limit exceeded for user ID 1.", documentation_url: DOCS }));
      return;
    }
    error(res, failure.status, failure.message);
  }

  /** Link header for page `page` of `pages`, as GitHub writes it (absolute URLs: prev, next, last, first). */
  function linkHeader(request: GitHubRequest, page: number, pages: number): string | undefined {
    const link = (p: number, rel: string) => {
      const target = new URL(`${url}${request.path}`);
      for (const [key, value] of Object.entries(request.query)) target.searchParams.set(key, value);
      target.searchParams.set("page", String(p));
      return `<${target.toString()}>; rel="${rel}"`;
    };
    const parts: string[] = [];
    if (page > 1) parts.push(link(page - 1, "prev"));
    if (page < pages) parts.push(link(page + 1, "next"), link(pages, "last"));
    if (page > 1) parts.push(link(1, "first"));
    return parts.length > 0 ? parts.join(", ") : undefined;
  }

  function paginate<T>(request: GitHubRequest, all: T[]) {
    const { query } = request;
    const perPage = Math.min(100, Math.max(1, Number(query.per_page ?? 30)));
    const page = Math.max(1, Number(query.page ?? 1));
    const pages = Math.max(1, Math.ceil(all.length / perPage));
    const link = linkHeader(request, page, pages);
    const headers: Record<string, string> = link ? { link } : {};
    return { items: all.slice((page - 1) * perPage, page * perPage), headers };
  }

  function route(res: ServerResponse, request: GitHubRequest): void {
    const { method, path, query } = request;
    if (request.authorization !== `token ${token}` && request.authorization !== `Bearer ${token}`) {
      error(res, 401, "Bad credentials");
      return;
    }
    const repoRoute = /^\/repos\/([^/]+)\/([^/]+)(\/.*)$/.exec(path);
    if (repoRoute) {
      if (`${repoRoute[1]}/${repoRoute[2]}` !== repository) {
        error(res, 404, "Not Found");
        return;
      }
      const rest = repoRoute[3] ?? "";
      if (options.issuesDisabled && rest.startsWith("/issues")) {
        error(res, 410, "Issues are disabled for this repo");
        return;
      }
      if (method === "GET" && rest === "/issues") {
        const state = query.state ?? "open";
        const wanted = (query.labels ?? "").split(",").filter(Boolean);
        const listed = issues
          .filter((i) => state === "all" || i.state === state)
          .filter((i) => wanted.every((name) => i.labels.includes(name)))
          .sort((a, b) => b.number - a.number);
        const { items, headers } = paginate(request, listed);
        send(res, 200, items.map(issueJson), headers);
        return;
      }
      if (method === "POST" && rest === "/issues") {
        createIssue(res, asRecord(request.body));
        return;
      }
      const label = /^\/labels\/(.+)$/.exec(rest);
      if (method === "GET" && label) {
        const found = labels.get(decodeURIComponent(label[1] ?? ""));
        if (found) send(res, 200, labelJson(found));
        else error(res, 404, "Not Found");
        return;
      }
      if (method === "POST" && rest === "/labels") {
        const body = asRecord(request.body);
        const name = typeof body.name === "string" ? body.name : "";
        if (labels.has(name)) {
          error(res, 422, "Validation Failed", {
            errors: [{ resource: "Label", code: "already_exists", field: "name" }],
          });
          return;
        }
        const created: FakeLabel = {
          name,
          color: typeof body.color === "string" ? body.color : "ededed",
          description: typeof body.description === "string" ? body.description : null,
        };
        labels.set(name, created);
        send(res, 201, labelJson(created));
        return;
      }
    }
    if (method === "GET" && path === "/search/issues") {
      const found =
        options.search === "all" ? issues.filter((i) => (i.body ?? "").includes("foghorn:backlog")) : [];
      const { items, headers } = paginate(request, found);
      send(
        res,
        200,
        { total_count: found.length, incomplete_results: false, items: items.map(issueJson) },
        { ...headers, "x-ratelimit-resource": "search" },
      );
      return;
    }
    unexpected.push(`${method} ${path}`);
    error(res, 404, "Not Found");
  }

  function createIssue(res: ServerResponse, body: Record<string, unknown>): void {
    const title = typeof body.title === "string" ? body.title : "";
    if (!title) {
      error(res, 422, "Validation Failed", {
        errors: [{ resource: "Issue", code: "missing_field", field: "title" }],
      });
      return;
    }
    const assignees = strings(body.assignees);
    const refused = options.assignable ? assignees.filter((a) => !options.assignable?.includes(a)) : [];
    if (refused.length > 0) {
      error(res, 422, "Validation Failed", {
        errors: refused.map((value) => ({ value, resource: "Issue", field: "assignees", code: "invalid" })),
      });
      return;
    }
    const issue = addIssue({
      title,
      body: typeof body.body === "string" ? body.body : null,
      labels: strings(body.labels),
      assignees,
    });
    send(res, 201, issueJson(issue));
    if (createsBeforeCrash !== null && --createsBeforeCrash <= 0) crashed = true;
  }

  const server = createServer(async (req, res) => {
    const parsed = new URL(req.url ?? "/", "http://fake.github");
    const raw = await readBody(req);
    let body: unknown = raw;
    try {
      body = raw ? JSON.parse(raw) : undefined;
    } catch {}
    const path = parsed.pathname.startsWith(prefix) ? parsed.pathname.slice(prefix.length) : parsed.pathname;
    const request: GitHubRequest = {
      method: req.method ?? "GET",
      path,
      query: Object.fromEntries(parsed.searchParams),
      body,
      authorization: req.headers.authorization,
    };
    if (crashed) {
      req.socket.destroy();
      return;
    }
    requests.push(request);
    const failure = failures.shift();
    if (failure) {
      answerFailure(res, failure);
      return;
    }
    route(res, request);
  });
  server.on("connection", (socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  url = `http://127.0.0.1:${port}${prefix}`;

  return {
    url,
    token,
    repository,
    requests,
    unexpected,
    issues,
    labels,
    requestsTo: (start) => requests.filter((r) => `${r.method} ${r.path}`.startsWith(start)),
    secondaryLimitNext(count, retryAfterSeconds = 1) {
      for (let i = 0; i < count; i++) failures.push({ kind: "secondary", retryAfter: retryAfterSeconds });
    },
    primaryLimitNext(count, resetInSeconds = 1) {
      for (let i = 0; i < count; i++) failures.push({ kind: "primary", resetIn: resetInSeconds });
    },
    failNext(count, status, message = "Server Error") {
      for (let i = 0; i < count; i++) failures.push({ kind: "status", status, message });
    },
    crashAfterCreates(count) {
      createsBeforeCrash = count;
    },
    recover() {
      crashed = false;
      createsBeforeCrash = null;
    },
    addIssue,
    close: () =>
      new Promise<void>((resolve, reject) => {
        for (const socket of sockets) socket.destroy();
        server.close((err) => (err ? reject(err) : resolve()));
      }),
  };
}
