// Markdown incidents → GitHub issues (seed 000), through the real Octokit client against a local GitHub:
// exactly the seed's four issues, idempotent re-runs (also after a crash), rate-limit waits, malformed
// bullets, and GitHub's error answers.
import assert from "node:assert/strict";
import { cpSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, afterEach, test } from "node:test";
import { fileURLToPath } from "node:url";
import { fileBacklogItems } from "#app/backlog/file.ts";
import { type SyncResult, syncMarkdownBacklog } from "#app/backlog/sync.ts";
import type { AppError } from "#app/errors.ts";
import { readMarkers } from "#domain/backlog/issue-draft.ts";
import { createGitHubTracker, type GitHubTrackerOptions } from "#integrations/github/tracker.ts";
import { tempDir } from "../cli/run-cli.ts";
import { type FakeGitHub, type FakeGitHubOptions, startFakeGitHub } from "../helpers/fake-github.ts";

const FIXTURE_REPO = fileURLToPath(new URL("../fixtures/scraut", import.meta.url));
const SEED_FOLDER = ".scraut/sprint/001/incidents/2026-05-24-api-timeout";
const fakes: FakeGitHub[] = [];
after(async () => {
  for (const fake of fakes) await fake.close();
});
afterEach(() => {
  for (const fake of fakes)
    assert.deepEqual(fake.unexpected, [], "no request to a route GitHub's fake lacks");
});

/** A copy of the seed's repository layout in a temp folder (tests may edit it). */
function seedRepo(): string {
  const dir = tempDir("foghorn-backlog-");
  cpSync(FIXTURE_REPO, dir, { recursive: true });
  return dir;
}

async function github(options: FakeGitHubOptions = {}): Promise<FakeGitHub> {
  const fake = await startFakeGitHub(options);
  fakes.push(fake);
  return fake;
}

function syncer(fake: FakeGitHub, extra: Partial<GitHubTrackerOptions> = {}) {
  const lines: string[] = [];
  const tracker = createGitHubTracker({
    token: fake.token,
    repository: fake.repository,
    apiUrl: fake.url,
    writeIntervalMs: 0,
    searchIntervalMs: 0,
    retryBaseMs: 10,
    onWait: (line) => lines.push(line),
    onNotice: (line) => lines.push(line),
    ...extra,
  });
  const sync = (cwd: string, paths: string[] = [], dryRun = false): Promise<SyncResult> =>
    syncMarkdownBacklog({ tracker, onProgress: (line) => lines.push(line) }, paths, { cwd, dryRun });
  return { tracker, lines, sync };
}

const SEED_TITLES = [
  "Add index to `exports` table on `user_id` column",
  "Add load test for bulk export endpoint to CI",
  "Add query timeout < 5s to API middleware",
  "Write runbook for bulk export rollback procedure",
];

test("seed 000's files become exactly its four issues: labels, assignees, body, marker", async () => {
  const fake = await github();
  const { sync, lines } = syncer(fake);
  const result = await sync(seedRepo());
  assert.deepEqual(result.counts, { filed: 4, existing: 0, wouldFile: 0, malformed: 0, warnings: 0 });
  assert.deepEqual(
    fake.issues.map((i) => [i.title, i.labels, i.assignees]),
    [
      [SEED_TITLES[0], ["task", "p:high", "sprint:002"], ["bob"]],
      [SEED_TITLES[1], ["task", "p:medium", "sprint:002"], ["charlie"]],
      [SEED_TITLES[2], ["task", "p:medium", "sprint:002"], ["alice"]],
      [SEED_TITLES[3], ["task", "p:low", "sprint:002"], ["charlie"]],
    ],
  );
  const [first] = fake.issues;
  assert.ok(first?.body);
  assert.match(
    first.body,
    /^\*\*From incident:\*\* API Timeout on Bulk Requests 2026-05-24\n\*\*Priority:\*\* p:high\n\*\*Assignee:\*\* bob\n\n## Description\n/,
  );
  assert.match(first.body, /\n## Acceptance Criteria\n- \[ \] /);
  assert.match(
    first.body,
    /\n## References\n- Incident report: \.scraut\/sprint\/001\/incidents\/2026-05-24-api-timeout\/incident\.md\n/,
  );
  assert.deepEqual(readMarkers(first.body), [`${SEED_FOLDER}#add-index-to-exports-table-on-user-id-column`]);
  // Labels were made before the first issue, each once, with colours and descriptions.
  assert.deepEqual(
    fake.requestsTo("POST /repos/acme/api/labels").map((r) => (r.body as { name: string }).name),
    ["task", "p:high", "sprint:002", "p:medium", "p:low"],
  );
  assert.equal(fake.labels.get("sprint:002")?.description, "Planned for sprint 2");
  assert.equal(
    lines[0]?.startsWith(
      "filed #1 Add index to `exports` table on `user_id` column (bob) [p:high, task, sprint:002]",
    ),
    true,
    lines[0],
  );
  assert.deepEqual(
    result.incidents.map((i) => [i.folder, i.title, i.outcomes.length]),
    [[SEED_FOLDER, "API Timeout on Bulk Requests", 4]],
  );
});

test("a second run files nothing and says which issues already exist", async () => {
  const fake = await github();
  const repo = seedRepo();
  await syncer(fake).sync(repo);
  const creates = fake.requestsTo("POST /repos/acme/api/issues").length;
  const again = syncer(fake);
  const result = await again.sync(repo, [`${SEED_FOLDER}/action-items.md`]);
  assert.deepEqual(result.counts, { filed: 0, existing: 4, wouldFile: 0, malformed: 0, warnings: 0 });
  assert.equal(fake.requestsTo("POST /repos/acme/api/issues").length, creates);
  assert.equal(fake.issues.length, 4);
  assert.deepEqual(again.lines, [
    "exists #1 Add index to `exports` table on `user_id` column (bob) [p:high, task, sprint:002]",
    "exists #2 Add load test for bulk export endpoint to CI (charlie) [p:medium, task, sprint:002]",
    "exists #3 Add query timeout < 5s to API middleware (alice) [p:medium, task, sprint:002]",
    "exists #4 Write runbook for bulk export rollback procedure (charlie) [p:low, task, sprint:002]",
  ]);
  // Only reads: no label lookups or creations when nothing is new.
  assert.ok(again.lines.length === 4);
});

test("a run that crashes after two issues, re-run, files the other two: each issue exactly once", async () => {
  const fake = await github();
  const repo = seedRepo();
  fake.crashAfterCreates(2);
  const crashed = syncer(fake, { createAttempts: 2 });
  await assert.rejects(crashed.sync(repo), (error: AppError) => {
    assert.match(error.message, /GitHub at http:\/\/127\.0\.0\.1:\d+ could not be reached while/);
    return true;
  });
  assert.equal(fake.issues.length, 2);
  fake.recover();
  const rerun = syncer(fake);
  const result = await rerun.sync(repo);
  assert.deepEqual([result.counts.filed, result.counts.existing], [2, 2]);
  assert.deepEqual(
    fake.issues.map((i) => i.title),
    SEED_TITLES,
  );
  const markers = fake.issues.flatMap((i) => readMarkers(i.body));
  assert.equal(new Set(markers).size, 4, "each marker once");
});

test("a secondary rate limit (403 + retry-after) and a primary one are waited out and reported", async () => {
  const fake = await github();
  const { sync, lines } = syncer(fake);
  fake.secondaryLimitNext(1, 1);
  const started = Date.now();
  const result = await sync(seedRepo());
  assert.equal(result.counts.filed, 4);
  assert.ok(Date.now() - started >= 900, "waited about the second GitHub asked for");
  assert.match(lines[0] ?? "", /^GitHub secondary rate limit: waiting 1 s before retrying GET /);

  const other = await github();
  const primary = syncer(other);
  other.primaryLimitNext(1, 1);
  assert.equal((await primary.sync(seedRepo())).counts.filed, 4);
  assert.match(primary.lines[0] ?? "", /^GitHub rate limit: waiting [12] s before retrying GET /);
  assert.equal(other.issues.length, 4);
});

test("a rate limit that never lifts gives up with a readable error after a bounded number of waits", async () => {
  const fake = await github();
  fake.secondaryLimitNext(10, 1);
  const { sync, lines } = syncer(fake, { maxRateLimitWaits: 2 });
  await assert.rejects(
    sync(seedRepo()),
    /GitHub rate limit: still limited after waiting, gave up while listing issues/,
  );
  assert.equal(lines.filter((l) => l.startsWith("GitHub secondary rate limit: waiting")).length, 2);
  assert.equal(fake.issues.length, 0);
});

test("malformed bullets are reported with file and line; the other bullets are filed", async () => {
  const fake = await github();
  const repo = seedRepo();
  writeFileSync(
    join(repo, SEED_FOLDER, "action-items.md"),
    [
      "# Action Items — API Timeout Incident",
      "",
      "- Add index to `exports` table on `user_id` column -- Bob -- p:high",
      "- — Bob — p:high",
      "- Add load test for bulk export endpoint to CI – Charlie",
      "- Fix the crash in the export worker — Alice — p:urgent",
      "- Write runbook for bulk export rollback procedure - Charlie - p:low",
    ].join("\n"),
  );
  const result = await syncer(fake).sync(repo);
  const file = `${SEED_FOLDER}/action-items.md`;
  assert.deepEqual(
    result.issues.map((i) => `${i.file}:${i.line}: ${i.level}`),
    [`${file}:4: error`, `${file}:5: warning`, `${file}:6: error`],
  );
  assert.match(result.issues[1]?.message ?? "", /no priority.*p:medium/);
  assert.deepEqual(result.counts, { filed: 3, existing: 0, wouldFile: 0, malformed: 2, warnings: 1 });
  assert.deepEqual(
    fake.issues.map((i) => [i.labels[1], i.assignees[0]]),
    [
      ["p:high", "bob"],
      ["p:medium", "charlie"],
      ["p:low", "charlie"],
    ],
  );
});

test("a dry run files nothing and only reads", async () => {
  const fake = await github();
  const { sync, lines } = syncer(fake);
  const result = await sync(seedRepo(), [], true);
  assert.deepEqual(result.counts, { filed: 0, existing: 0, wouldFile: 4, malformed: 0, warnings: 0 });
  assert.equal(fake.issues.length, 0);
  assert.ok(
    fake.requests.every((r) => r.method === "GET"),
    "only GET requests",
  );
  assert.match(
    lines[0] ?? "",
    /^would file Add index to `exports` table on `user_id` column \(bob\) \[p:high, task, sprint:002\]/,
  );
  assert.match(result.incidents[0]?.outcomes[0]?.draft.body ?? "", /<!-- foghorn:backlog /);
});

test("GitHub Enterprise Server: the API under /api/v3 works the same", async () => {
  const fake = await github({ pathPrefix: "/api/v3", repository: "platform/api" });
  assert.match(fake.url, /\/api\/v3$/);
  const result = await syncer(fake).sync(seedRepo());
  assert.equal(result.counts.filed, 4);
  assert.equal(result.repository, "platform/api");
});

test("an issue whose p:* label a person removed is still found, through search", async () => {
  const fake = await github({ search: "all" });
  const repo = seedRepo();
  await syncer(fake).sync(repo);
  for (const issue of fake.issues) issue.labels = issue.labels.filter((l) => !l.startsWith("p:"));
  const result = await syncer(fake).sync(repo);
  assert.equal(result.counts.existing, 4);
  assert.equal(fake.issues.length, 4);
});

test("the lookup follows GitHub's pagination (Link headers) through many issues", async () => {
  const fake = await github();
  for (let n = 0; n < 230; n++)
    fake.addIssue({ title: `Old ${n}`, body: "filed by hand", labels: ["p:medium"] });
  const repo = seedRepo();
  await syncer(fake).sync(repo);
  const result = await syncer(fake).sync(repo);
  assert.equal(result.counts.existing, 4);
  const pages = fake.requestsTo("GET /repos/acme/api/issues").filter((r) => r.query.labels === "p:medium");
  assert.ok(
    pages.some((r) => r.query.page === "3"),
    "read the third page of p:medium issues",
  );
});

test("an owner GitHub cannot assign is filed unassigned, with a notice; the owners map is used", async () => {
  const fake = await github({ assignable: ["bob-gh", "alice"] });
  const lines: string[] = [];
  const tracker = createGitHubTracker({
    token: fake.token,
    repository: fake.repository,
    apiUrl: fake.url,
    writeIntervalMs: 0,
    onNotice: (line) => lines.push(line),
  });
  const result = await syncMarkdownBacklog(
    { tracker, owners: { Bob: "bob-gh" }, onProgress: (line) => lines.push(line) },
    [],
    { cwd: seedRepo() },
  );
  assert.equal(result.counts.filed, 4);
  assert.deepEqual(
    fake.issues.map((i) => i.assignees),
    [["bob-gh"], [], ["alice"], []],
  );
  assert.ok(
    lines.includes(
      'GitHub cannot assign charlie in acme/api: filing "Add load test for bulk export endpoint to CI" unassigned',
    ),
  );
});

test("GitHub's refusals are readable: bad token, unknown repository, issues turned off", async () => {
  const fake = await github();
  const cases: [Partial<GitHubTrackerOptions>, RegExp][] = [
    [{ token: "wrong" }, /: GitHub refused the token \(401 Bad credentials\): check GITHUB_TOKEN/],
    [{ repository: "acme/nope" }, /: GitHub has no repository acme\/nope, or the token cannot see it \(404/],
  ];
  for (const [extra, pattern] of cases) await assert.rejects(syncer(fake, extra).sync(seedRepo()), pattern);
  const disabled = await github({ issuesDisabled: true });
  await assert.rejects(syncer(disabled).sync(seedRepo()), /: Issues are turned off in acme\/api \(410/);
  assert.throws(
    () => syncer(fake, { repository: "just-a-name" }),
    /GITHUB_REPOSITORY \(github\.repository\) must be owner\/repo/,
  );
});

test("fileBacklogItems with no items asks GitHub nothing", async () => {
  const fake = await github();
  const { tracker } = syncer(fake);
  assert.deepEqual(await fileBacklogItems({ tracker }, []), []);
  assert.equal(fake.requests.length, 0);
});
