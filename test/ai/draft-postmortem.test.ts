// draftPostmortem with the real OpenAI client against a local Chat Completions server, on both storage
// backends: what goes over the wire is redacted, and what comes back is a marked draft or a readable error.
import assert from "node:assert/strict";
import { after, before, beforeEach, describe, test } from "node:test";
import { draftPostmortem } from "#app/ai/draft-postmortem.ts";
import { changeIncidentStatus } from "#app/incidents/change-status.ts";
import { addNote, postStatusUpdate } from "#app/incidents/records.ts";
import { updateIncident } from "#app/incidents/update.ts";
import type { AiDrafting } from "#app/ports.ts";
import { BUILT_IN_REDACTION_NAMES, redactionPatterns } from "#domain/redaction.ts";
import { MINUTE } from "#domain/time.ts";
import { createOpenAiClient } from "#integrations/llm/openai.ts";
import { openTestDb, type TestDatabase, testBackends } from "#store/testing.ts";
import { appContext, declareTestIncident, expectAppError, type TestContext } from "../helpers/factories.ts";
import { type FakeOpenAi, SAMPLE_DRAFT, startFakeOpenAi } from "../helpers/fake-openai.ts";

const KEY = "sk-foghorn-test-0123456789abcdef";
const EMAIL = "nina.k@customer-corp.example.com";
const TOKEN = "ghp_16C7e42F292c6912E7710c838347Ae178B4a";
const TICKET = "ACME-4412";

/** Seed 000's bulk-export incident, taken to resolved, with an email, a token and a ticket in its notes. */
async function demoIncident(ctx: TestContext) {
  const incident = await declareTestIncident(ctx);
  ctx.clock.advance(3 * MINUTE);
  await changeIncidentStatus(ctx, incident.id, { status: "investigating" });
  await addNote(ctx, incident.id, {
    text: `Customer ${EMAIL} reports exports failing (ticket ${TICKET}); repro with token ${TOKEN}`,
  });
  ctx.clock.advance(9 * MINUTE);
  await postStatusUpdate(ctx, incident.id, {
    message: "Bulk exports time out for large accounts; rolling back the 09:05 deploy.",
  });
  await updateIncident(ctx, incident.id, {
    impact: "Large accounts could not export",
    root_cause: "New export query without an index",
  });
  ctx.clock.advance(30 * MINUTE);
  await changeIncidentStatus(ctx, incident.id, {
    status: "resolved",
    note: "Rollback done, p99 back to 2 s",
  });
  return incident;
}

for (const backend of await testBackends()) {
  describe(`draftPostmortem (${backend.kind})`, { skip: backend.skip }, () => {
    let database: TestDatabase;
    let fake: FakeOpenAi;
    let ai: AiDrafting;
    before(async () => {
      database = await openTestDb(backend.kind);
      fake = await startFakeOpenAi({ apiKey: KEY });
      ai = {
        llm: createOpenAiClient({ baseUrl: fake.url, model: "gpt-4o-mini", apiKey: KEY, timeoutMs: 5000 }),
        redact: redactionPatterns(BUILT_IN_REDACTION_NAMES, ["\\bACME-\\d+\\b"]),
      };
    });
    after(async () => {
      await fake?.close();
      await database?.close();
    });
    beforeEach(() => fake.reset());

    test("sends the incident and its timeline redacted, and returns the draft marked with model and time", async () => {
      const ctx = appContext(database.db, { actor: "nina" });
      const incident = await demoIncident(ctx);
      ctx.clock.advance(MINUTE);
      const draft = await draftPostmortem(ctx, ai, incident.id);

      assert.equal(fake.requests.length, 1);
      const [request] = fake.requests;
      assert.equal(request?.headers.authorization, `Bearer ${KEY}`);
      assert.deepEqual(request?.body.response_format, { type: "json_object" });
      for (const secret of [EMAIL, TOKEN, TICKET])
        assert.ok(!request?.raw.includes(secret), `${secret} was sent`);
      const sent = fake.sentText();
      assert.match(
        sent,
        /Customer \[redacted\] reports exports failing \(ticket \[redacted\]\); repro with token \[redacted\]/,
      );
      assert.match(sent, new RegExp(`Incident ${incident.id}: API timeouts on bulk export`));
      assert.match(sent, /Severity: SEV2/);
      assert.match(sent, /Affected services: export-api-/);
      assert.match(sent, /Impact as recorded:\nLarge accounts could not export/);
      assert.match(sent, /Root cause as recorded:\nNew export query without an index/);
      assert.match(sent, /- 09:12 nina: internal update \[\w+\]: Bulk exports time out for large accounts/);
      assert.match(sent, /- 09:42 nina: status \w+ → resolved/);
      assert.match(sent, /lasted 42m/);

      assert.deepEqual(draft, {
        ...SAMPLE_DRAFT,
        model: "gpt-4o-mini",
        drafted_at: "2026-03-02T09:43:00.000Z",
        redactions: 3,
      });
    });

    test("a partial answer is kept: missing fields are empty, five whys padded to five", async () => {
      const ctx = appContext(database.db);
      const incident = await declareTestIncident(ctx);
      fake.answerNext({
        content:
          'Here you go: {"summary": "Exports failed.", "impact": "Exports timed out", "five_whys": ["Why? Slow query.", {"why": "Why slow?", "because": "No index."}]}',
      });
      const draft = await draftPostmortem(ctx, ai, incident.id);
      assert.equal(draft.summary, "Exports failed.");
      assert.deepEqual(draft.impact, {
        customers: "",
        symptom: "Exports timed out",
        data_integrity: "",
        revenue: "",
      });
      assert.deepEqual(draft.five_whys, ["Why? Slow query.", "Why slow? → No index.", "", "", ""]);
      assert.equal(draft.redactions, 0);
    });

    test("an answer that is not a draft is refused with a readable error", async () => {
      const ctx = appContext(database.db);
      const incident = await declareTestIncident(ctx);
      fake.answerNext({ content: "I cannot help with that." });
      const prose = await expectAppError(draftPostmortem(ctx, ai, incident.id), "UNAVAILABLE");
      assert.equal(
        prose.detail,
        `The AI model gpt-4o-mini did not answer with JSON for a postmortem draft for ${incident.id}; try again, or write it yourself.`,
      );
      fake.answerNext({ content: '{"answer": 42}' });
      const empty = await expectAppError(draftPostmortem(ctx, ai, incident.id), "UNAVAILABLE");
      assert.match(empty.detail, /answered without a summary, impact or five whys/);
    });

    test("an endpoint that fails is UNAVAILABLE, naming the endpoint and what it said", async () => {
      const ctx = appContext(database.db);
      const incident = await declareTestIncident(ctx);
      fake.answerNext(
        { status: 500, message: "The server had an error" },
        { status: 500, message: "The server had an error" },
      );
      const error = await expectAppError(draftPostmortem(ctx, ai, incident.id), "UNAVAILABLE");
      assert.equal(
        error.detail,
        `Could not get a postmortem draft for ${incident.id} from the AI model gpt-4o-mini: AI endpoint ${fake.url} answered 500: The server had an error.`,
      );
    });

    test("an unknown incident is NOT_FOUND and nothing is sent", async () => {
      const ctx = appContext(database.db);
      await expectAppError(draftPostmortem(ctx, ai, "INC-999999"), "NOT_FOUND");
      assert.equal(fake.requests.length, 0);
    });
  });
}
