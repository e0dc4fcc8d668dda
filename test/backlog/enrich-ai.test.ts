// enrichActionItem with the real OpenAI client against a local Chat Completions server: a good answer is
// used, anything else (garbage, a schema miss, a 500, a slow model) falls back to the template with a reason,
// and what goes over the wire is redacted.
import assert from "node:assert/strict";
import { after, afterEach, before, beforeEach, describe, test } from "node:test";
import { enrichActionItem } from "#app/backlog/enrich.ts";
import type { AiDrafting } from "#app/ports.ts";
import { templateEnrichment } from "#domain/backlog/enrichment.ts";
import type { BacklogItem } from "#domain/backlog/types.ts";
import { BUILT_IN_REDACTION_NAMES, redactionPatterns } from "#domain/redaction.ts";
import { createOpenAiClient } from "#integrations/llm/openai.ts";
import { type FakeOpenAi, startFakeOpenAi } from "../helpers/fake-openai.ts";

const KEY = "sk-foghorn-test-0123456789abcdef";
const EMAIL = "dba-oncall@customer-corp.example.com";

const ITEM: BacklogItem = {
  marker: ".scraut/sprint/001/incidents/2026-05-24-api-timeout#add-index-to-exports-table-on-user-id-column",
  action: "Add index to `exports` table on `user_id` column",
  owner: "Bob",
  priority: "high",
  type: "task",
  incident: {
    title: "API Timeout on Bulk Requests",
    date: "2026-05-24",
    reference: ".scraut/sprint/001/incidents/2026-05-24-api-timeout/incident.md",
    rootCause: "The bulk export query was scanning a full table without index (added in #201 last week).",
    impact: "All users performing bulk exports timed out",
  },
  nextSprint: 2,
  source: { file: ".scraut/sprint/001/incidents/2026-05-24-api-timeout/action-items.md", line: 3 },
};

/** Seed 000's issue #71, as a model would answer it. */
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

describe("enrichActionItem through the OpenAI client", () => {
  let fake: FakeOpenAi;
  let ai: AiDrafting;
  before(async () => {
    fake = await startFakeOpenAi({ apiKey: KEY });
    ai = {
      // maxRetries 0: a 500 is one request, so the test sees exactly what was sent.
      llm: createOpenAiClient({
        baseUrl: fake.url,
        model: "gpt-4o-mini",
        apiKey: KEY,
        timeoutMs: 5000,
        maxRetries: 0,
      }),
      redact: redactionPatterns(BUILT_IN_REDACTION_NAMES, []),
    };
  });
  after(() => fake.close());
  beforeEach(() => fake.reset());
  afterEach(() => assert.deepEqual(fake.unexpected, []));

  test("a good answer is the issue: by ai, no fallback reason", async () => {
    fake.answerNext({ content: JSON.stringify(ISSUE_71) });
    const enriched = await enrichActionItem(ai, ITEM);
    assert.deepEqual(enriched, {
      title: "Add database index to exports table",
      description: ISSUE_71.description,
      acceptanceCriteria: ISSUE_71.acceptance_criteria,
      by: "ai",
    });
    assert.equal(fake.requests.length, 1);
    const sent = fake.requests[0]?.body;
    assert.equal(sent?.model, "gpt-4o-mini");
    assert.deepEqual(sent?.response_format, { type: "json_object" });
    assert.match(
      fake.sentText(),
      /Expand this action item into a proper GitHub issue with title and acceptance criteria/,
    );
    assert.match(fake.sentText(), /Action item: Add index to `exports` table on `user_id` column/);
    assert.match(fake.sentText(), /Incident: API Timeout on Bulk Requests \(2026-05-24\)/);
    assert.match(fake.sentText(), /Root cause: The bulk export query was scanning a full table/);
  });

  test("an answer in prose without JSON falls back to the template with a reason", async () => {
    fake.answerNext({ content: "Sorry, I can't help with that request." });
    const enriched = await enrichActionItem(ai, ITEM);
    assert.deepEqual(enriched, templateEnrichment(ITEM, "the AI model did not answer with a JSON object"));
  });

  test("JSON without acceptance_criteria falls back, naming the missing field", async () => {
    const { acceptance_criteria: _dropped, ...partial } = ISSUE_71;
    fake.answerNext({ content: JSON.stringify(partial) });
    const enriched = await enrichActionItem(ai, ITEM);
    assert.equal(enriched.by, "template");
    assert.equal(enriched.title, "Add index to `exports` table on `user_id` column");
    assert.match(
      enriched.fallbackReason ?? "",
      /^the AI model's answer did not fit the issue schema \(acceptance_criteria: /,
    );
  });

  test("a 500 falls back, with what the endpoint said", async () => {
    fake.answerNext({ status: 500, message: "The server had an error while processing your request." });
    const enriched = await enrichActionItem(ai, ITEM);
    assert.equal(enriched.by, "template");
    assert.deepEqual(enriched.acceptanceCriteria, templateEnrichment(ITEM).acceptanceCriteria);
    assert.equal(
      enriched.fallbackReason,
      `the AI model failed: AI endpoint ${fake.url} answered 500: The server had an error while processing your request`,
    );
    assert.equal(enriched.fallbackReason?.includes(KEY), false, "the key never shows");
  });

  test("a model slower than the timeout falls back on time", async () => {
    fake.answerNext({ content: JSON.stringify(ISSUE_71), delayMs: 3000 });
    const started = performance.now();
    const enriched = await enrichActionItem(ai, ITEM, { timeoutMs: 300 });
    const took = performance.now() - started;
    assert.equal(enriched.by, "template");
    assert.equal(enriched.fallbackReason, "the AI model did not answer within 300 ms");
    assert.ok(took < 2000, `fell back after ${Math.round(took)} ms`);
  });

  test("an email in the action never leaves Foghorn", async () => {
    fake.answerNext({ content: JSON.stringify(ISSUE_71) });
    const item = { ...ITEM, action: `Ask ${EMAIL} to review the \`exports\` index migration` };
    const enriched = await enrichActionItem(ai, item);
    assert.equal(enriched.by, "ai");
    const raw = fake.requests[0]?.raw ?? "";
    assert.equal(raw.includes(EMAIL), false, "the email is not in the request body");
    assert.equal(raw.includes("customer-corp"), false);
    assert.match(fake.sentText(), /Action item: Ask \[redacted\] to review the `exports` index migration/);
  });

  test("without a model the template is used and nothing is sent", async () => {
    const enriched = await enrichActionItem(undefined, ITEM);
    assert.deepEqual(enriched, templateEnrichment(ITEM));
    assert.equal(fake.requests.length, 0);
  });
});
