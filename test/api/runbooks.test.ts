// Runbooks and "check affected services" over HTTP, on both storage backends: what an API client sees.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { after, before, describe, test } from "node:test";
import { testBackends } from "#store/testing.ts";
import { uniqueName } from "../helpers/factories.ts";
import { startTestFoghorn, type TestFoghorn } from "../helpers/foghorn.ts";

type Json = Record<string, unknown>;
const sample = (name: string) =>
  readFileSync(new URL(`../../docs/runbooks/${name}`, import.meta.url), "utf8");

async function ok(res: Response, status = 200): Promise<Json> {
  const text = await res.text();
  assert.equal(res.status, status, text);
  return JSON.parse(text) as Json;
}

async function problem(res: Response, status: number): Promise<Json> {
  const text = await res.text();
  assert.equal(res.status, status, text);
  assert.match(res.headers.get("content-type") ?? "", /^application\/problem\+json/);
  return JSON.parse(text) as Json;
}

for (const backend of await testBackends()) {
  describe(`runbooks over HTTP (${backend.kind})`, { skip: backend.skip }, () => {
    let foghorn: TestFoghorn;
    let health: Server;
    let healthUrl: string;
    before(async () => {
      foghorn = await startTestFoghorn(backend.kind);
      health = createServer((req, res) => res.writeHead(req.url === "/ok" ? 200 : 500).end());
      await new Promise<void>((resolve) => health.listen(0, "127.0.0.1", resolve));
      healthUrl = `http://127.0.0.1:${(health.address() as AddressInfo).port}`;
    });
    after(async () => {
      health?.close();
      await foghorn?.close();
    });

    test("import, read, edit with a version check, history and restore", async () => {
      const checkout = uniqueName("checkout");
      const imported = await ok(
        await foghorn.api("/api/v1/runbooks/import", {
          body: {
            files: [
              { name: `${checkout}-runbook.md`, text: sample("checkout-runbook.md") },
              { name: "notes.txt", text: "hello" },
            ],
          },
        }),
      );
      assert.deepEqual(imported.summary, { created: 1, updated: 0, unchanged: 0, skipped: 1, warnings: 0 });

      const path = `/api/v1/services/${checkout}/runbook`;
      const current = await ok(await foghorn.api(path));
      assert.equal(current.version, 1);
      assert.equal(current.title, "checkout");
      assert.equal(current.body, sample("checkout-runbook.md"));
      assert.deepEqual(current.warnings, []);

      const saved = await ok(
        await foghorn.api(path, {
          method: "PUT",
          body: { body: "# Runbook: x\nshort", expected_version: 1 },
        }),
      );
      assert.equal(saved.version, 2);
      assert.equal(saved.outcome, "updated");
      assert.equal((saved.warnings as string[]).length, 3);

      const conflict = await problem(
        await foghorn.api(path, { method: "PUT", body: { body: "stale edit", expected_version: 1 } }),
        409,
      );
      assert.equal(conflict.code, "CONFLICT");
      assert.equal(conflict.current_version, 2);

      const invalid = await problem(await foghorn.api(path, { method: "PUT", body: { body: "" } }), 422);
      assert.deepEqual(
        (invalid.errors as { field: string }[]).map((e) => e.field),
        ["body"],
      );

      const versions = await ok(await foghorn.api(`${path}/versions`));
      assert.deepEqual(
        (versions.items as { version: number }[]).map((v) => v.version),
        [2, 1],
      );
      const v1 = await ok(await foghorn.api(`${path}/versions/1`));
      assert.equal(v1.body, sample("checkout-runbook.md"));
      await problem(await foghorn.api(`${path}/versions/7`), 404);

      const restored = await ok(await foghorn.api(`${path}/restore`, { body: { version: 1 } }));
      assert.equal(restored.version, 3);
      assert.equal(restored.body, sample("checkout-runbook.md"));

      const list = await ok(await foghorn.api("/api/v1/runbooks"));
      const row = (list.items as Json[]).find((r) => r.service === checkout);
      assert.equal(row?.version, 3);
      assert.equal(row?.body, undefined, "the list carries no bodies");

      await problem(await foghorn.api(`/api/v1/services/${uniqueName("none")}/runbook`), 404);
      const template = await ok(await foghorn.api(`/api/v1/runbooks/template?service=billing`));
      assert.match(String(template.body), /^# Runbook: billing\n/);
    });

    test("an incident shows its services' runbooks, and check-services attaches results as evidence", async () => {
      const up = uniqueName("checkout");
      const down = uniqueName("payments");
      await ok(
        await foghorn.api("/api/v1/runbooks/import", {
          body: { files: [{ name: `${up}-runbook.md`, text: sample("checkout-runbook.md") }] },
        }),
      );
      const incident = await ok(
        await foghorn.api("/api/v1/incidents", {
          body: { title: "Checkout failing", severity: "SEV2", affected_services: [up, down] },
        }),
        201,
      );
      const id = String(incident.id);
      const runbooks = await ok(await foghorn.api(`/api/v1/incidents/${id}/runbooks`));
      const items = runbooks.items as { service: string; runbook: Json | null }[];
      assert.equal(items.find((i) => i.service === up)?.runbook?.version, 1);
      assert.equal(items.find((i) => i.service === down)?.runbook, null);

      await ok(
        await foghorn.api(`/api/v1/services/${up}/health-checks`, {
          body: { name: "api", url: `${healthUrl}/ok` },
        }),
        201,
      );
      await ok(
        await foghorn.api(`/api/v1/services/${down}/health-checks`, {
          body: { name: "api", url: `${healthUrl}/fail` },
        }),
        201,
      );
      const report = await ok(
        await foghorn.api(`/api/v1/incidents/${id}/check-services`, { method: "POST" }),
      );
      assert.deepEqual(report.summary, { checks: 2, healthy: 1, failing: 1, without_checks: 0 });
      const detail = await ok(await foghorn.api(`/api/v1/incidents/${id}`));
      const evidence = (detail.evidence as Json[]).filter((e) => e.kind === "health_check");
      assert.deepEqual(evidence.map((e) => String(e.caption).replace(/\d+ ms/, "N ms")).sort(), [
        `${up} / api: healthy, 200 in N ms`,
        `${down} / api: down: expected status 2xx, got 500 (N ms)`,
      ]);
    });
  });
}
