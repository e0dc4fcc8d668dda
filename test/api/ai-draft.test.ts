// "Draft with AI" over HTTP, configured the way a user does it (FOGHORN_AI_BASE_URL, FOGHORN_AI_MODEL,
// OPENAI_API_KEY, ai.redact), against a local server speaking the Chat Completions wire format: what
// leaves Foghorn is redacted, and a failing model leaves the postmortem as it was.
import assert from "node:assert/strict";
import { after, before, beforeEach, describe, test } from "node:test";
import { testBackends } from "#store/testing.ts";
import { cli, serverEnv } from "../cli/run-cli.ts";
import { T0, uniqueName } from "../helpers/factories.ts";
import { type FakeOpenAi, SAMPLE_DRAFT, startFakeOpenAi } from "../helpers/fake-openai.ts";
import { ManualClock, startTestFoghorn, type TestFoghorn } from "../helpers/foghorn.ts";

type Json = Record<string, unknown>;

const KEY = "sk-foghorn-api-test-0123456789abcdef";
const EMAIL = "ops-lead@customer-corp.example.com";
const TOKEN = "xoxb-1234567890-0987654321-AbCdEfGhIjKl";

async function json(res: Response, status: number): Promise<Json> {
  const text = await res.text();
  assert.equal(res.status, status, text);
  return JSON.parse(text) as Json;
}

for (const backend of await testBackends()) {
  describe(`AI drafts over HTTP (${backend.kind})`, { skip: backend.skip }, () => {
    let foghorn: TestFoghorn;
    let openai: FakeOpenAi;
    before(async () => {
      openai = await startFakeOpenAi({ apiKey: KEY });
      foghorn = await startTestFoghorn(backend.kind, {
        clock: new ManualClock(T0),
        env: { FOGHORN_AI_BASE_URL: openai.url, FOGHORN_AI_MODEL: "gpt-4o-mini", OPENAI_API_KEY: KEY },
      });
    });
    after(async () => {
      await foghorn?.close();
      assert.deepEqual(openai.unexpected, []);
      await openai?.close();
    });
    beforeEach(() => openai.reset());

    /** An incident with an email address and a Slack token in its notes, and its postmortem started. */
    async function incidentWithSecrets(): Promise<string> {
      const created = await json(
        await foghorn.api("/api/v1/incidents", {
          body: {
            title: "API timeouts on bulk export",
            severity: "SEV2",
            affected_services: [uniqueName("export-api")],
            assignee: "bob",
          },
        }),
        201,
      );
      const id = String(created.id);
      const note = `Escalated by ${EMAIL}; the export worker used ${TOKEN} against 10.20.30.40`;
      await json(await foghorn.api(`/api/v1/incidents/${id}/notes`, { body: { text: note } }), 201);
      await json(await foghorn.api(`/api/v1/incidents/${id}/postmortem`, { method: "POST" }), 201);
      return id;
    }

    test("the request on the wire is redacted and carries the key; the draft is marked with the model", async () => {
      const id = await incidentWithSecrets();
      const drafted = await json(
        await foghorn.api(`/api/v1/incidents/${id}/postmortem/ai-draft`, { method: "POST" }),
        200,
      );

      assert.equal(openai.requests.length, 1);
      const [request] = openai.requests;
      assert.equal(request?.headers.authorization, `Bearer ${KEY}`);
      assert.equal(request?.body.model, "gpt-4o-mini");
      for (const secret of [EMAIL, TOKEN, "10.20.30.40"]) {
        assert.ok(!request?.raw.includes(secret), `${secret} went to the model`);
      }
      assert.match(
        openai.sentText(),
        /note: Escalated by \[redacted\]; the export worker used \[redacted\] against \[redacted\]/,
      );

      const sections = drafted.sections as { summary: string; impact: { symptom: string } };
      assert.equal(sections.summary, SAMPLE_DRAFT.summary);
      assert.equal(sections.impact.symptom, SAMPLE_DRAFT.impact.symptom);
      const mark = drafted.ai_draft as Json;
      assert.equal(mark.model, "gpt-4o-mini");
      assert.equal(mark.redactions, 3);
      assert.match(String(drafted.markdown), /> Drafted by AI \(gpt-4o-mini\)/);
    });

    test("foghorn postmortem draft fills the draft and says to review it; a failing model is one line, exit 5 (server side)", async () => {
      const id = await incidentWithSecrets();
      const ok = await cli(["postmortem", "draft", id], { env: serverEnv(foghorn) });
      assert.equal(ok.code, 0, ok.stderr);
      assert.match(
        ok.stdout,
        new RegExp(`Drafted the summary, impact and five whys of ${id} with AI: review them`),
      );
      const shown = await cli(["postmortem", "show", id], { env: serverEnv(foghorn) });
      assert.match(shown.stdout, /> Drafted by AI \(gpt-4o-mini\)/);
      assert.ok(shown.stdout.includes(SAMPLE_DRAFT.summary));

      openai.answerNext({ status: 401, message: "Incorrect API key provided" });
      const failed = await cli(["postmortem", "draft", id], { env: serverEnv(foghorn) });
      assert.equal(failed.code, 5);
      assert.match(failed.stderr, /^foghorn: .*answered 401: Incorrect API key provided/m);
    });

    test("a failing endpoint answers 503 naming it, and the postmortem is unchanged", async () => {
      const id = await incidentWithSecrets();
      const path = `/api/v1/incidents/${id}/postmortem`;
      const before = await json(await foghorn.api(path), 200);
      openai.answerNext(
        { status: 500, message: "The server had an error while processing your request." },
        { status: 500, message: "The server had an error while processing your request." },
      );
      const problem = await json(await foghorn.api(`${path}/ai-draft`, { method: "POST" }), 503);
      assert.equal(problem.code, "UNAVAILABLE");
      assert.equal(
        problem.detail,
        `Could not get a postmortem draft for ${id} from the AI model gpt-4o-mini: AI endpoint ${openai.url} answered 500: The server had an error while processing your request.`,
      );
      const after = await json(await foghorn.api(path), 200);
      assert.equal(after.version, before.version);
      assert.deepEqual(after.sections, before.sections);
      assert.equal(after.ai_draft ?? null, null);
    });

    test("an answer that is not a draft answers 503 with what to do", async () => {
      const id = await incidentWithSecrets();
      openai.answerNext({ content: "Sorry, I can only help with cooking recipes." });
      const problem = await json(
        await foghorn.api(`/api/v1/incidents/${id}/postmortem/ai-draft`, { method: "POST" }),
        503,
      );
      assert.match(String(problem.detail), /did not answer with JSON .*; try again, or write it yourself\.$/);
    });
  });
}
