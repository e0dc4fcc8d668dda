// Communication templates and the triage checklist over HTTP, on both backends, with an installation's
// template settings read from foghorn.config.yaml.
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { TEMPLATE_NAMES } from "#domain/templates/builtin.ts";
import { MINUTE } from "#domain/time.ts";
import { testBackends } from "#store/testing.ts";
import { T0 } from "../helpers/factories.ts";
import { ManualClock, startTestFoghorn, type TestFoghorn } from "../helpers/foghorn.ts";

type Json = Record<string, unknown>;

async function json(res: Response, status = 200): Promise<Json> {
  const text = await res.text();
  assert.equal(res.status, status, text);
  return JSON.parse(text) as Json;
}

const dir = mkdtempSync(join(tmpdir(), "foghorn-templates-api-"));
const configFile = join(dir, "foghorn.config.yaml");
writeFileSync(
  configFile,
  [
    "templates:",
    "  timeZone: Europe/Berlin",
    "  status-resolved: |-",
    "    All clear: {{title}} ({{id}}) since {{resolved_at}}.",
  ].join("\n"),
);
after(() => rmSync(dir, { recursive: true, force: true }));

for (const backend of await testBackends()) {
  describe(`templates and checklist over HTTP (${backend.kind})`, { skip: backend.skip }, () => {
    let foghorn: TestFoghorn;
    const clock = new ManualClock(T0);
    let id = "";
    before(async () => {
      foghorn = await startTestFoghorn(backend.kind, { clock, env: { FOGHORN_CONFIG: configFile } });
      const declared = await json(
        await foghorn.api("/api/v1/incidents", {
          body: {
            title: "Checkout errors",
            severity: "SEV2",
            affected_services: ["checkout"],
            assignee: "bob",
          },
        }),
        201,
      );
      id = String(declared.id);
    });
    after(async () => {
      await foghorn?.close();
    });

    test("GET templates lists every template rendered, in the configured time zone", async () => {
      const list = await json(await foghorn.api(`/api/v1/incidents/${id}/templates`));
      assert.equal(list.time_zone, "Europe/Berlin");
      const templates = list.templates as Json[];
      assert.deepEqual(
        templates.map((t) => t.name),
        [...TEMPLATE_NAMES],
      );
      const declared = templates.find((t) => t.name === "incident-declared");
      assert.equal(
        declared?.text,
        [
          "INCIDENT DECLARED: Checkout errors",
          "Severity: SEV2",
          "Commander: bob",
          "Start time: 2026-03-02 10:00 CET",
          "Impact: Being assessed",
          "Status: Investigating",
          "Next update: 2026-03-02 10:30 CET",
        ].join("\n"),
      );
      const resolved = templates.find((t) => t.name === "status-resolved");
      assert.equal(resolved?.customized, true);
      assert.deepEqual(resolved?.suggested_update, { status: "resolved", visibility: "external" });
    });

    test("GET one template; an unknown name is a 404 problem naming the templates", async () => {
      const doc = await json(await foghorn.api(`/api/v1/incidents/${id}/templates/status-doc`));
      assert.match(
        String(doc.text),
        /^# \[SEV2\] Checkout errors — 2026-03-02 10:00 CET\n## What's happening\n/,
      );
      const bad = await foghorn.api(`/api/v1/incidents/${id}/templates/status-docs`);
      const problem = await json(bad, 404);
      assert.match(String(problem.detail), /no template "status-docs"; the templates are incident-declared,/);
      assert.deepEqual(problem.templates, [...TEMPLATE_NAMES]);
      await json(await foghorn.api("/api/v1/incidents/INC-999999/templates/status-doc"), 404);
    });

    test("the installation's text is used, with its placeholders filled in", async () => {
      clock.advance(30 * MINUTE);
      await json(await foghorn.api(`/api/v1/incidents/${id}/status`, { body: { status: "resolved" } }));
      const text = (await json(await foghorn.api(`/api/v1/incidents/${id}/templates/status-resolved`))).text;
      assert.equal(text, `All clear: Checkout errors (${id}) since 2026-03-02 10:30 CET.`);
    });

    test("checklist: GET, PUT done true/false, unknown key and bad body", async () => {
      const list = await json(await foghorn.api(`/api/v1/incidents/${id}/checklist`));
      assert.equal((list.tasks as Json[]).length, 5);
      const ticked = await json(
        await foghorn.api(`/api/v1/incidents/${id}/checklist/assess-scope`, {
          method: "PUT",
          body: { done: true },
        }),
      );
      assert.equal(ticked.changed, true);
      const task = (ticked.tasks as Json[]).find((t) => t.key === "assess-scope");
      assert.equal(task?.done_by, "admin");
      const again = await json(
        await foghorn.api(`/api/v1/incidents/${id}/checklist/assess-scope`, {
          method: "PUT",
          body: { done: true },
        }),
      );
      assert.equal(again.changed, false);
      const unknown = await json(
        await foghorn.api(`/api/v1/incidents/${id}/checklist/nope`, { method: "PUT", body: { done: true } }),
        404,
      );
      assert.match(String(unknown.detail), /its tasks are acknowledge-and-classify, assess-scope/);
      const bad = await json(
        await foghorn.api(`/api/v1/incidents/${id}/checklist/assess-scope`, {
          method: "PUT",
          body: { done: 1 },
        }),
        422,
      );
      assert.deepEqual(
        (bad.errors as Json[]).map((e) => e.field),
        ["done"],
      );
      const timeline = await json(await foghorn.api(`/api/v1/incidents/${id}/timeline`));
      const kinds = (timeline.events as Json[]).map((e) => e.kind);
      assert.equal(kinds.filter((k) => k === "task.completed").length, 1);
    });

    test("the routes are in the OpenAPI document", async () => {
      const doc = await json(await foghorn.api("/api/v1/openapi.json"));
      const paths = doc.paths as Record<string, Json>;
      assert.ok(paths["/api/v1/incidents/{id}/templates/{name}"]?.get);
      assert.ok(paths["/api/v1/incidents/{id}/checklist/{key}"]?.put);
    });
  });
}
