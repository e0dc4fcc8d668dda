// Seed 000 end to end with every outside system faked in its real wire format: the markdown sync files the
// four issues through Octokit (local GitHub), each item expanded through the openai client (local Chat
// Completions; one garbage answer falls back to the template), and one Slack summary through
// @slack/web-api (local Slack). A Slack failure never costs an issue.
import assert from "node:assert/strict";
import { cpSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, afterEach, before, beforeEach, describe, test } from "node:test";
import { fileURLToPath } from "node:url";
import type { FileItemsDeps } from "#app/backlog/file.ts";
import { syncMarkdownBacklog } from "#app/backlog/sync.ts";
import type { AiDrafting } from "#app/ports.ts";
import { BUILT_IN_REDACTION_NAMES, redactionPatterns } from "#domain/redaction.ts";
import { createGitHubTracker } from "#integrations/github/tracker.ts";
import { createOpenAiClient } from "#integrations/llm/openai.ts";
import { createBacklogAnnouncer } from "#integrations/slack/backlog-announcer.ts";
import { type FakeGitHub, startFakeGitHub } from "../helpers/fake-github.ts";
import { type FakeOpenAi, startFakeOpenAi } from "../helpers/fake-openai.ts";
import { type FakeSlack, startFakeSlack } from "../helpers/fake-slack.ts";

const FIXTURE_REPO = fileURLToPath(new URL("../fixtures/scraut", import.meta.url));

/** What a model answers for the index item: seed 000's issue #71. */
const ISSUE_71 = {
  title: "Add database index to exports table",
  description:
    "During the 2026-05-24 API timeout incident, the bulk export query scanned the full exports table. Adding an index on user_id will reduce query time.",
  acceptance_criteria: [
    "Index added: CREATE INDEX idx_exports_user_id ON exports(user_id)",
    "Query time for 10k-row export < 100ms",
    "Migration tested in staging before production",
  ],
};

const answer = (title: string) =>
  JSON.stringify({ title, description: `${title}, after the API timeout.`, acceptance_criteria: ["Done"] });

describe("backlog sync with AI enrichment and the Slack summary (seed 000)", () => {
  let github: FakeGitHub;
  let openai: FakeOpenAi;
  let slack: FakeSlack;
  let repo: string;
  let lines: string[];
  let ai: AiDrafting;

  before(async () => {
    [github, openai, slack] = await Promise.all([
      startFakeGitHub(),
      startFakeOpenAi(),
      startFakeSlack({ channels: ["scraut-bot"] }),
    ]);
    ai = {
      llm: createOpenAiClient({ baseUrl: openai.url, model: "gpt-4o-mini", timeoutMs: 5000, maxRetries: 0 }),
      redact: redactionPatterns(BUILT_IN_REDACTION_NAMES, []),
    };
  });
  after(async () => {
    await Promise.all([github.close(), openai.close(), slack.close()]);
  });
  beforeEach(() => {
    repo = mkdtempSync(join(tmpdir(), "foghorn-backlog-ai-"));
    cpSync(FIXTURE_REPO, repo, { recursive: true });
    lines = [];
    openai.reset();
    github.issues.length = 0;
  });
  afterEach(() => {
    rmSync(repo, { recursive: true, force: true });
    assert.deepEqual(github.unexpected, []);
    assert.deepEqual(openai.unexpected, []);
    assert.deepEqual(slack.unexpected, []);
  });

  function deps(channel = "#scraut-bot"): FileItemsDeps {
    const tracker = createGitHubTracker({
      token: github.token,
      repository: github.repository,
      apiUrl: github.url,
      writeIntervalMs: 0,
      searchIntervalMs: 0,
      retryBaseMs: 10,
      onWait: (line) => lines.push(line),
      onNotice: (line) => lines.push(line),
    });
    const announcer = createBacklogAnnouncer({
      botToken: slack.token,
      apiUrl: slack.url,
      backlogChannel: channel,
    });
    return { tracker, ai, announcer, onProgress: (line) => lines.push(line) };
  }

  const slackPosts = () => slack.callsTo("chat.postMessage");

  test("four issues, AI-written where the model answered well, and one Slack summary with their links", async () => {
    openai.answerNext(
      { content: JSON.stringify(ISSUE_71) },
      { content: "Sorry, I can't help with that." },
      { content: answer("Enforce a 5 s query timeout in the API middleware") },
      { content: answer("Write the bulk export rollback runbook") },
    );
    const postsBefore = slackPosts().length;
    const result = await syncMarkdownBacklog(deps(), [], { cwd: repo });

    assert.equal(result.counts.filed, 4);
    assert.equal(openai.requests.length, 4, "one model call per item");
    assert.deepEqual(
      github.issues.map((i) => i.title),
      [
        "Add database index to exports table",
        "Add load test for bulk export endpoint to CI",
        "Enforce a 5 s query timeout in the API middleware",
        "Write the bulk export rollback runbook",
      ],
    );
    const [first, second] = github.issues;
    assert.match(
      first?.body ?? "",
      /- \[ \] Index added: CREATE INDEX idx_exports_user_id ON exports\(user_id\)/,
    );
    assert.match(
      second?.body ?? "",
      /- \[ \] Runs in CI on every pull request and fails the build on a regression/,
    );
    assert.ok(
      lines.some((l) =>
        /filed #\d+ Add load test .*\(template: the AI model did not answer with a JSON object\)/.test(l),
      ),
      `the fallback is shown:\n${lines.join("\n")}`,
    );

    const posts = slackPosts().slice(postsBefore);
    assert.equal(posts.length, 1, "one summary for the one incident");
    const post = posts[0];
    assert.equal(post?.args.channel, "#scraut-bot");
    assert.equal(post?.args.text, "4 backlog items created from API Timeout on Bulk Requests incident");
    const links = JSON.stringify(post?.args.blocks);
    for (const issue of github.issues) {
      assert.ok(
        links.includes(`/issues/${issue.number}|#${issue.number} `),
        `the summary links #${issue.number}: ${links}`,
      );
    }

    // A second run files nothing, asks the model nothing and posts nothing.
    const again = await syncMarkdownBacklog(deps(), [], { cwd: repo });
    assert.equal(again.counts.filed, 0);
    assert.equal(again.counts.existing, 4);
    assert.equal(openai.requests.length, 4);
    assert.equal(slackPosts().length, postsBefore + 1);
  });

  test("a Slack channel that does not exist is one line of output; every issue is filed", async () => {
    const result = await syncMarkdownBacklog(deps("#no-such-channel"), [], { cwd: repo });
    assert.equal(result.counts.filed, 4);
    assert.equal(github.issues.length, 4);
    assert.ok(
      lines.some((l) => /could not post the summary .*Slack answered channel_not_found/.test(l)),
      `the failure is reported:\n${lines.join("\n")}`,
    );
  });
});
