// The postmortem over HTTP, on both storage backends: start, save with versions, review, publish, export,
// and the optional AI draft against a local OpenAI-compatible server.
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { testBackends } from "#store/testing.ts";
import { T0, uniqueName } from "../helpers/factories.ts";
import { type FakeOpenAi, SAMPLE_DRAFT, startFakeOpenAi } from "../helpers/fake-openai.ts";
import { ManualClock, startTestFoghorn, type TestFoghorn } from "../helpers/foghorn.ts";

type Json = Record<string, unknown>;

async function json(res: Response, status: number): Promise<Json> {
  const text = await res.text();
  assert.equal(res.status, status, text);
  return JSON.parse(text) as Json;
}

async function declare(foghorn: TestFoghorn, severity = "SEV2"): Promise<string> {
  const res = await foghorn.api("/api/v1/incidents", {
    body: {
      title: "API timeouts on bulk export",
      severity,
      affected_services: [uniqueName("export")],
      assignee: "bob",
    },
  });
  return String((await json(res, 201)).id);
}

for (const backend of await testBackends()) {
  describe(`postmortems over HTTP (${backend.kind})`, { skip: backend.skip }, () => {
    let foghorn: TestFoghorn;
    let withAi: TestFoghorn;
    let openai: FakeOpenAi;
    before(async () => {
      openai = await startFakeOpenAi();
      foghorn = await startTestFoghorn(backend.kind, { clock: new ManualClock(T0) });
      withAi = await startTestFoghorn(backend.kind, {
        clock: new ManualClock(T0),
        env: { FOGHORN_AI_BASE_URL: openai.url, FOGHORN_AI_MODEL: "test-model" },
      });
    });
    after(async () => {
      await foghorn?.close();
      await withAi?.close();
      await openai?.close();
    });

    test("start, save with the version, stale save 409, submit, publish closes the incident, export", async () => {
      const id = await declare(foghorn);
      const path = `/api/v1/incidents/${id}/postmortem`;
      const missing = await json(await foghorn.api(path), 404);
      assert.match(
        String(missing.detail),
        new RegExp(`start one with POST /api/v1/incidents/${id}/postmortem`),
      );

      const started = await foghorn.api(path, { method: "POST" });
      assert.equal(started.headers.get("location"), path);
      const pm = await json(started, 201);
      assert.equal(pm.status, "draft");
      assert.equal(pm.ai_available, false);

      const saved = await json(
        await foghorn.api(path, {
          method: "PUT",
          body: {
            version: 1,
            sections: { summary: "Exports timed out", five_whys: [{ why: "Why?", because: "Because." }] },
          },
        }),
        200,
      );
      assert.equal(saved.version, 2);
      assert.match(String(saved.markdown), /## Summary\n\nExports timed out\n/);
      const stale = await json(
        await foghorn.api(path, { method: "PUT", body: { version: 1, sections: { summary: "x" } } }),
        409,
      );
      assert.equal(stale.code, "CONFLICT");
      assert.equal(stale.current_version, 2);
      const invalid = await json(
        await foghorn.api(path, {
          method: "PUT",
          body: { version: 2, sections: { impact: { data_integrity: { level: "maybe" } } } },
        }),
        422,
      );
      assert.deepEqual(
        (invalid.errors as { field: string }[]).map((e) => e.field),
        ["sections.impact.data_integrity.level"],
      );

      await json(await foghorn.api(`${path}/status`, { body: { status: "in_review" } }), 200);
      const refused = await json(await foghorn.api(`${path}/status`, { body: { status: "published" } }), 409);
      assert.match(String(refused.detail), /resolve it before publishing/);
      await json(await foghorn.api(`/api/v1/incidents/${id}/status`, { body: { status: "resolved" } }), 200);
      const published = await json(
        await foghorn.api(`${path}/status`, { body: { status: "published" } }),
        200,
      );
      assert.equal(published.status, "published");
      const incident = await json(await foghorn.api(`/api/v1/incidents/${id}`), 200);
      assert.equal(incident.status, "postmortem");
      assert.notEqual(incident.closed_at, null);

      const file = await foghorn.api(`${path}.md`);
      assert.equal(file.status, 200);
      assert.match(file.headers.get("content-type") ?? "", /^text\/markdown/);
      assert.equal(
        file.headers.get("content-disposition"),
        `attachment; filename="postmortem-${T0.slice(0, 10)}.md"`,
      );
      const text = await file.text();
      assert.ok(text.startsWith("# Postmortem — [SEV2] API timeouts on bulk export\n"), text.slice(0, 80));
      assert.match(text, /\*\*Status:\*\* Published/);

      const list = await json(await foghorn.api("/api/v1/postmortems?status=published"), 200);
      assert.ok((list.items as Json[]).some((i) => i.incident_id === id && i.status === "published"));
      await json(await foghorn.api("/api/v1/postmortems?status=nope"), 422);
    });

    test("without AI configured the draft route answers 409 and the postmortem says ai_available false", async () => {
      const id = await declare(foghorn);
      await json(await foghorn.api(`/api/v1/incidents/${id}/postmortem`, { method: "POST" }), 201);
      const problem = await json(
        await foghorn.api(`/api/v1/incidents/${id}/postmortem/ai-draft`, { method: "POST" }),
        409,
      );
      assert.match(String(problem.detail), /AI drafting is not configured/);
    });

    test("with AI configured, the draft fills summary, impact and five whys, marked with the model", async () => {
      const id = await declare(withAi);
      const path = `/api/v1/incidents/${id}/postmortem`;
      const pm = await json(await withAi.api(path, { method: "POST" }), 201);
      assert.equal(pm.ai_available, true);
      const drafted = await json(await withAi.api(`${path}/ai-draft`, { method: "POST" }), 200);
      const sections = drafted.sections as {
        summary: string;
        five_whys: unknown[];
        impact: { customers: string };
      };
      assert.equal(sections.summary, SAMPLE_DRAFT.summary);
      assert.equal(sections.impact.customers, SAMPLE_DRAFT.impact.customers);
      assert.equal(sections.five_whys.length, 5);
      assert.deepEqual((drafted.ai_draft as Json).sections, ["summary", "impact", "five_whys"]);
      assert.match(String(drafted.markdown), /> Drafted by AI \(test-model\) — review before publishing/);
      assert.equal(openai.requests.length, 1);
      assert.deepEqual(openai.unexpected, []);
      const none = await json(
        await withAi.api(`/api/v1/incidents/${await declare(withAi)}/postmortem/ai-draft`, {
          method: "POST",
        }),
        404,
      );
      assert.match(String(none.detail), /no postmortem yet/);
      assert.equal(openai.requests.length, 1, "no model call without a postmortem to fill");
    });
  });
}
