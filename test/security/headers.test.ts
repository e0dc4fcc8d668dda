// Security headers and CORS as a browser sees them, against the real server: every kind of response
// (web UI, API, problem, API reference, probes, the public status page) carries the strict
// Content-Security-Policy (or the status page's own, which also forbids framing), nosniff, no-referrer
// and COOP; HSTS only over TLS (here: X-Forwarded-Proto: https through a trusted proxy); CORS closed by
// default and opened only to the origins listed in server.corsOrigins.
import assert from "node:assert/strict";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { tempDir } from "../cli/run-cli.ts";
import { startTestFoghorn, type TestFoghorn } from "../helpers/foghorn.ts";

const EVIL = "https://evil.example";
const OPS = "https://ops.example.com";

function preflight(url: string, origin: string): Promise<Response> {
  return fetch(url, {
    method: "OPTIONS",
    headers: {
      origin,
      "access-control-request-method": "POST",
      "access-control-request-headers": "authorization, content-type",
    },
  });
}

describe("security headers and CORS (pglite)", () => {
  let closed: TestFoghorn;
  let open: TestFoghorn;
  before(async () => {
    const dir = tempDir("foghorn-cors-");
    const configFile = join(dir, "foghorn.yaml");
    writeFileSync(configFile, `server:\n  corsOrigins: ["${OPS}"]\n`);
    [closed, open] = await Promise.all([
      startTestFoghorn("pglite", { env: { FOGHORN_TRUST_PROXY: "true" } }),
      startTestFoghorn("pglite", { env: { FOGHORN_CONFIG: configFile } }),
    ]);
  });
  after(async () => {
    await Promise.all([closed?.close(), open?.close()]);
  });

  test("every response carries the strict headers; HSTS only over TLS", async () => {
    for (const [path, headers] of [
      ["/", { accept: "text/html" }],
      ["/api/v1/incidents", {}],
      ["/api/v1/no-such-thing", {}],
      ["/api/v1/docs", {}],
      ["/healthz", {}],
    ] as const) {
      const res = await closed.api(path, { headers });
      await res.arrayBuffer();
      const csp = res.headers.get("content-security-policy") ?? "";
      assert.match(csp, /(^|; )script-src 'self'(;|$)/, `${path}: ${csp}`);
      assert.doesNotMatch(csp, /script-src[^;]*unsafe-inline/, path);
      for (const directive of [
        "default-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "frame-ancestors 'none'",
        "form-action 'self'",
      ])
        assert.ok(csp.includes(directive), `${path}: ${directive} in ${csp}`);
      assert.equal(res.headers.get("x-content-type-options"), "nosniff", path);
      assert.equal(res.headers.get("referrer-policy"), "no-referrer", path);
      assert.equal(res.headers.get("cross-origin-opener-policy"), "same-origin", path);
      assert.equal(res.headers.get("strict-transport-security"), null, `${path}: no HSTS over plain http`);
    }
    const tls = await closed.api("/api/v1/incidents", { headers: { "x-forwarded-proto": "https" } });
    await tls.arrayBuffer();
    assert.equal(tls.headers.get("strict-transport-security"), "max-age=31536000");
  });

  test("the public status page keeps its own policy, which also forbids framing", async () => {
    const res = await fetch(`${closed.url}/status`);
    await res.arrayBuffer();
    const csp = res.headers.get("content-security-policy") ?? "";
    assert.match(csp, /default-src 'none'/, csp);
    assert.match(csp, /frame-ancestors 'none'/, csp);
    assert.equal(res.headers.get("x-content-type-options"), "nosniff");
    assert.equal(res.headers.get("cross-origin-opener-policy"), "same-origin");
    const tls = await fetch(`${closed.url}/status`, { headers: { "x-forwarded-proto": "https" } });
    await tls.arrayBuffer();
    assert.equal(tls.headers.get("strict-transport-security"), "max-age=31536000");
  });

  test("CORS is closed by default: no grant to another origin, preflight or not", async () => {
    const pre = await preflight(`${closed.url}/api/v1/incidents`, EVIL);
    await pre.arrayBuffer();
    assert.notEqual(pre.status, 204);
    assert.equal(pre.headers.get("access-control-allow-origin"), null);
    assert.equal(pre.headers.get("access-control-allow-methods"), null);
    const get = await closed.api("/api/v1/incidents", { headers: { origin: EVIL } });
    await get.arrayBuffer();
    assert.equal(get.status, 200);
    assert.equal(get.headers.get("access-control-allow-origin"), null);
    assert.equal(get.headers.get("access-control-allow-credentials"), null);
  });

  test("server.corsOrigins opens the API to the listed origins only, without credentials", async () => {
    const pre = await preflight(`${open.url}/api/v1/incidents`, OPS);
    await pre.arrayBuffer();
    assert.equal(pre.status, 204);
    assert.equal(pre.headers.get("access-control-allow-origin"), OPS);
    assert.match(pre.headers.get("access-control-allow-methods") ?? "", /POST/);
    assert.match(pre.headers.get("access-control-allow-headers") ?? "", /authorization/);
    assert.equal(pre.headers.get("access-control-allow-credentials"), null);

    const get = await open.api("/api/v1/incidents", { headers: { origin: OPS } });
    await get.arrayBuffer();
    assert.equal(get.status, 200);
    assert.equal(get.headers.get("access-control-allow-origin"), OPS);
    assert.match(get.headers.get("vary") ?? "", /origin/i);

    const other = await preflight(`${open.url}/api/v1/incidents`, EVIL);
    await other.arrayBuffer();
    assert.equal(other.headers.get("access-control-allow-origin"), null);
    const otherGet = await open.api("/api/v1/incidents", { headers: { origin: EVIL } });
    await otherGet.arrayBuffer();
    assert.equal(otherGet.headers.get("access-control-allow-origin"), null);
  });
});
