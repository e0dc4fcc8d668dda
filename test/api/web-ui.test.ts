// What the web UI needs from the server: its built files at `/` (index.html for every page, cache headers
// for hashed assets, a hint when it is not built) and the severity policy for the declare form.
import assert from "node:assert/strict";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { tempDir } from "../cli/run-cli.ts";
import { startTestFoghorn, type TestFoghorn } from "../helpers/foghorn.ts";

type Json = Record<string, unknown>;

const INDEX =
  '<!doctype html><html><head><script type="module" src="/assets/index-3f9a2b.js"></script></head></html>';
const SCRIPT = "console.log('foghorn');";
const HTML = { accept: "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8" };

async function expectProblem(res: Response, status: number): Promise<Json> {
  const text = await res.text();
  assert.equal(res.status, status, text);
  assert.match(res.headers.get("content-type") ?? "", /^application\/problem\+json/);
  return JSON.parse(text) as Json;
}

describe("the built web UI at / (pglite)", () => {
  let foghorn: TestFoghorn;
  before(async () => {
    const webRoot = tempDir("foghorn-web-");
    mkdirSync(join(webRoot, "assets"));
    writeFileSync(join(webRoot, "index.html"), INDEX);
    writeFileSync(join(webRoot, "assets", "index-3f9a2b.js"), SCRIPT);
    writeFileSync(join(webRoot, "favicon.svg"), "<svg xmlns='http://www.w3.org/2000/svg'/>");
    foghorn = await startTestFoghorn("pglite", { webRoot });
  });
  after(async () => {
    await foghorn?.close();
  });

  test("/ and every client-side page a browser asks for answer index.html, not cached", async () => {
    for (const [path, headers] of [
      ["/", {}],
      ["/", HTML],
      ["/incidents/INC-1", HTML],
      ["/incidents?status=open&sort=-created_at", HTML],
      ["/setup?token=abc", HTML],
      ["/index.html", HTML],
    ] as const) {
      const res = await foghorn.api(path, { token: null, headers });
      assert.equal(res.status, 200, path);
      assert.match(res.headers.get("content-type") ?? "", /^text\/html/, path);
      assert.equal(res.headers.get("cache-control"), "no-cache", path);
      assert.equal(await res.text(), INDEX, path);
    }
  });

  test("hashed assets are cached for a year as immutable; other files are revalidated", async () => {
    const js = await foghorn.api("/assets/index-3f9a2b.js", { token: null, headers: { accept: "*/*" } });
    assert.equal(js.status, 200);
    assert.match(js.headers.get("content-type") ?? "", /javascript/);
    assert.equal(js.headers.get("cache-control"), "public, max-age=31536000, immutable");
    assert.equal(await js.text(), SCRIPT);
    const icon = await foghorn.api("/favicon.svg", { token: null });
    assert.equal(icon.status, 200);
    assert.equal(icon.headers.get("cache-control"), "no-cache");
    await icon.arrayBuffer();
  });

  test("the API, the probes and missing files stay what they are", async () => {
    const nope = await expectProblem(await foghorn.api("/api/v1/nope", { headers: HTML }), 404);
    assert.equal(nope.code, "NOT_FOUND");
    await expectProblem(await foghorn.api("/api/v1/nope", { token: null, headers: HTML }), 401);
    await expectProblem(await foghorn.api("/api", { token: null, headers: HTML }), 404);
    await expectProblem(await foghorn.api("/v2/incidents", { token: null, headers: HTML }), 404);
    const missing = await expectProblem(
      await foghorn.api("/assets/index-000000.js", { token: null, headers: { accept: "*/*" } }),
      404,
    );
    assert.equal(missing.code, "NOT_FOUND");
    await expectProblem(await foghorn.api("/incidents/INC-1", { token: null, body: {} }), 404);
    await expectProblem(
      await foghorn.api("/incidents/INC-1", { token: null, headers: { accept: "application/json" } }),
      404,
    );
    for (const path of ["/healthz", "/readyz"]) {
      const res = await foghorn.api(path, { token: null, headers: HTML });
      assert.equal(res.status, 200, path);
      assert.match(res.headers.get("content-type") ?? "", /^application\/json/, path);
      await res.arrayBuffer();
    }
    const metrics = await foghorn.api("/metrics", { token: null, headers: HTML });
    assert.match(metrics.headers.get("content-type") ?? "", /^text\/plain/);
    await metrics.arrayBuffer();
    const docs = await foghorn.api("/api/v1/docs", { token: null, headers: HTML });
    assert.match(await docs.text(), /Foghorn API reference/);
  });

  test("no file outside the web folder is served", async () => {
    for (const path of [
      "/assets/..%2f..%2fpackage.json",
      "/..%2f..%2fpackage.json",
      "/%2e%2e/package.json",
    ]) {
      for (const headers of [HTML, { accept: "*/*" }]) {
        const res = await fetch(`${foghorn.url}${path}`, { headers });
        const text = await res.text();
        assert.ok(!text.includes('"name": "foghorn"'), `${path}: ${res.status} ${text.slice(0, 80)}`);
        if (res.status === 200) assert.equal(text, INDEX, "a page at most");
      }
    }
  });
});

describe("the web UI before it is built (pglite)", () => {
  let foghorn: TestFoghorn;
  before(async () => {
    foghorn = await startTestFoghorn("pglite", { webRoot: join(tempDir("foghorn-web-"), "dist") });
  });
  after(async () => {
    await foghorn?.close();
  });

  test("/ answers a page that says how to build the UI", async () => {
    for (const path of ["/", "/incidents/INC-1"]) {
      const res = await foghorn.api(path, { token: null, headers: HTML });
      assert.equal(res.status, 200, path);
      assert.match(res.headers.get("content-type") ?? "", /^text\/html/);
      const html = await res.text();
      assert.match(html, /not built/);
      assert.match(html, /npm run build:web/);
    }
    await expectProblem(await foghorn.api("/assets/index-3f9a2b.js", { token: null }), 404);
  });
});

describe("GET /api/v1/severities (pglite)", () => {
  let foghorn: TestFoghorn;
  before(async () => {
    foghorn = await startTestFoghorn("pglite", { env: { FOGHORN_PRIORITY_SCHEME: "p0-p3" } });
  });
  after(async () => {
    await foghorn?.close();
  });

  test("lists the configured policy, most severe first", async () => {
    const res = await foghorn.api("/api/v1/severities");
    assert.equal(res.status, 200);
    const body = (await res.json()) as { priority_scheme: string; items: Json[] };
    assert.equal(body.priority_scheme, "p0-p3");
    assert.deepEqual(
      body.items.map((i) => [i.severity, i.label, i.priority]),
      [
        ["SEV1", "critical", "P0"],
        ["SEV2", "high", "P1"],
        ["SEV3", "medium", "P2"],
        ["SEV4", "low", "P3"],
      ],
    );
    const [sev1] = body.items;
    assert.deepEqual(sev1, {
      severity: "SEV1",
      label: "critical",
      priority: "P0",
      meaning: "Complete outage, data loss, security breach",
      ack_within_minutes: 5,
      update_every_minutes: 15,
      who_is_told: "Page on-call + manager, notify leadership",
      postmortem: "required",
      postmortem_due_hours: 48,
      escalate_if_unresolved_minutes: 30,
    });
    assert.deepEqual(
      body.items.map((i) => [i.ack_within_minutes, i.update_every_minutes, i.postmortem]),
      [
        [5, 15, "required"],
        [15, 30, "required"],
        [60, 120, "lightweight"],
        [240, 1440, "none"],
      ],
    );
  });
});
