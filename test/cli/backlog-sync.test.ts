// `foghorn backlog sync` as CI runs it: in-process, configured by GITHUB_* variables, against a local
// GitHub through the real Octokit client.
import assert from "node:assert/strict";
import { cpSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, test } from "node:test";
import { fileURLToPath } from "node:url";
import { backlogConnector } from "../../src/main.ts";
import { type FakeGitHub, startFakeGitHub } from "../helpers/fake-github.ts";
import { cli, tempDir } from "./run-cli.ts";

const FIXTURE_REPO = fileURLToPath(new URL("../fixtures/scraut", import.meta.url));
const SEED_FOLDER = ".scraut/sprint/001/incidents/2026-05-24-api-timeout";
const connectBacklog = backlogConnector({ writeIntervalMs: 0, searchIntervalMs: 0, retryBaseMs: 10 });

const fakes: FakeGitHub[] = [];
after(async () => {
  for (const fake of fakes) await fake.close();
});

async function setup() {
  const fake = await startFakeGitHub();
  fakes.push(fake);
  const repo = tempDir("foghorn-backlog-cli-");
  cpSync(FIXTURE_REPO, repo, { recursive: true });
  const env = { GITHUB_TOKEN: fake.token, GITHUB_REPOSITORY: fake.repository, GITHUB_API_URL: fake.url };
  const sync = (args: string[] = [], extraEnv: Record<string, string | undefined> = env) =>
    cli(["backlog", "sync", ...args], { cwd: repo, env: extraEnv, connectBacklog });
  return { fake, repo, env, sync };
}

test("files seed 000's four issues with one line each and a summary; a second run files nothing", async () => {
  const { fake, sync } = await setup();
  const first = await sync();
  assert.equal(first.code, 0, first.stderr);
  assert.equal(
    first.stdout,
    [
      "filed #1 Add index to `exports` table on `user_id` column (bob) [p:high, task, sprint:002]",
      "filed #2 Add load test for bulk export endpoint to CI (charlie) [p:medium, task, sprint:002]",
      "filed #3 Add query timeout < 5s to API middleware (alice) [p:medium, task, sprint:002]",
      "filed #4 Write runbook for bulk export rollback procedure (charlie) [p:low, task, sprint:002]",
      "4 filed, 0 already filed, 0 malformed lines skipped",
      "",
    ].join("\n"),
  );
  assert.equal(fake.issues.length, 4);
  const second = await sync([`${SEED_FOLDER}/action-items.md`]);
  assert.equal(second.code, 0, second.stderr);
  assert.match(second.stdout, /^exists #1 Add index to `exports` table/m);
  assert.match(second.stdout, /^0 filed, 4 already filed, 0 malformed lines skipped$/m);
  assert.equal(fake.issues.length, 4);
  assert.deepEqual(fake.unexpected, []);
});

test("malformed lines: file:line on stderr, the rest filed, exit 1", async () => {
  const { fake, repo, sync } = await setup();
  writeFileSync(
    join(repo, SEED_FOLDER, "action-items.md"),
    "# Action Items\n\n- Add index — Bob — p:high\n- Add index — Bob — p:urgent\n- — Bob — p:low\n",
  );
  const r = await sync();
  assert.equal(r.code, 1);
  assert.match(
    r.stderr,
    new RegExp(
      `^${SEED_FOLDER}/action-items\\.md:4: error: unknown priority "p:urgent" \\(p:high, p:medium or p:low\\); expected "- <action> — <Owner> — p:<high\\|medium\\|low>"$`,
      "m",
    ),
  );
  assert.match(
    r.stderr,
    new RegExp(`^${SEED_FOLDER}/action-items\\.md:5: error: no action before the first separator`, "m"),
  );
  assert.match(r.stdout, /^1 filed, 0 already filed, 2 malformed lines skipped$/m);
  assert.equal(fake.issues.length, 1);
});

test("without GITHUB_TOKEN/GITHUB_REPOSITORY: one readable line naming both ways to set them, exit 78", async () => {
  const { fake, sync } = await setup();
  const r = await sync([], {});
  assert.equal(r.code, 78);
  assert.equal(r.stdout, "");
  assert.equal(
    r.stderr,
    "foghorn: GitHub is not configured: set GITHUB_TOKEN and GITHUB_REPOSITORY (owner/repo) in the environment, or github.token and github.repository in foghorn.config.yaml (missing: GITHUB_TOKEN, GITHUB_REPOSITORY)\n",
  );
  const onlyRepo = await sync([], { GITHUB_REPOSITORY: "acme/api" });
  assert.match(onlyRepo.stderr, /\(missing: GITHUB_TOKEN\)\n$/);
  assert.equal(fake.requests.length, 0);
});

test("the same keys from foghorn.config.yaml, with an owners map", async () => {
  const { fake, repo } = await setup();
  writeFileSync(
    join(repo, "foghorn.config.yaml"),
    `github:\n  token: ${fake.token}\n  repository: ${fake.repository}\n  apiUrl: ${fake.url}\n  owners:\n    Charlie: charlie-sm\n`,
  );
  const r = await cli(["backlog", "sync"], { cwd: repo, env: {}, connectBacklog });
  assert.equal(r.code, 0, r.stderr);
  assert.deepEqual(
    fake.issues.map((i) => i.assignees[0]),
    ["bob", "charlie-sm", "alice", "charlie-sm"],
  );
});

test("--dry-run prints each issue and files nothing; without a token it says GitHub is not contacted", async () => {
  const { fake, sync, env } = await setup();
  const offline = await sync(["--dry-run"], { GITHUB_REPOSITORY: env.GITHUB_REPOSITORY });
  assert.equal(offline.code, 0, offline.stderr);
  assert.match(offline.stderr, /dry run without GITHUB_TOKEN: GitHub is not contacted/);
  assert.match(
    offline.stdout,
    /^--- would file in acme\/api: Add index to `exports` table on `user_id` column$/m,
  );
  assert.match(offline.stdout, /^labels: task, p:high, sprint:002$/m);
  assert.match(offline.stdout, /^assignee: bob$/m);
  assert.match(offline.stdout, /^\*\*From incident:\*\* API Timeout on Bulk Requests 2026-05-24$/m);
  assert.match(offline.stdout, /^4 would be filed, 0 already filed, 0 malformed lines skipped$/m);
  assert.equal(fake.requests.length, 0);

  const online = await sync(["--dry-run"]);
  assert.equal(online.code, 0, online.stderr);
  assert.match(online.stderr, /dry run: only reading acme\/api on GitHub/);
  assert.ok(fake.requests.length > 0 && fake.requests.every((r) => r.method === "GET"));
  assert.equal(fake.issues.length, 0);
});

test("--json: what was filed per incident, and every problem", async () => {
  const { sync } = await setup();
  const r = await sync(["--json"]);
  assert.equal(r.code, 0, r.stderr);
  const answer = JSON.parse(r.stdout) as {
    repository: string;
    incidents: { folder: string; items: { result: string; issue: { number: number }; labels: string[] }[] }[];
    counts: Record<string, number>;
    problems: unknown[];
  };
  assert.equal(answer.repository, "acme/api");
  assert.equal(answer.incidents[0]?.folder, SEED_FOLDER);
  assert.deepEqual(
    answer.incidents[0]?.items.map((i) => [i.result, i.issue.number]),
    [
      ["filed", 1],
      ["filed", 2],
      ["filed", 3],
      ["filed", 4],
    ],
  );
  assert.deepEqual(answer.counts, { filed: 4, existing: 0, would_file: 0, malformed: 0, warnings: 0 });
  assert.deepEqual(answer.problems, []);
  assert.match(r.stderr, /^filed #1 /m, "progress goes to stderr with --json");
});

test("a path that is not an incident folder is reported; rate-limit waits show on stderr", async () => {
  const { fake, sync } = await setup();
  fake.secondaryLimitNext(1, 1);
  const r = await sync([".scraut/sprint/001", "missing.md"]);
  assert.equal(r.code, 1);
  assert.match(r.stderr, /^missing\.md:0: error: no such file or folder$/m);
  assert.match(r.stderr, /^GitHub secondary rate limit: waiting 1 s before retrying GET /m);
  assert.match(r.stdout, /^4 filed, 0 already filed, 1 malformed line skipped$/m);
});
