// Every /api/v1 route needs a valid bearer token; the probes and the API's own documentation do not.
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { after, before, describe, test } from "node:test";
import { sql } from "drizzle-orm";
import { DAY } from "#domain/time.ts";
import { T0 } from "../helpers/factories.ts";
import { ManualClock, startTestFoghorn, type TestFoghorn } from "../helpers/foghorn.ts";
import { API_ROUTES, DOC_ROUTES, routeKey, urlFor } from "./routes.ts";

type Json = Record<string, unknown>;

const SAMPLE_BODY: Json = { title: "Should never be written", severity: "critical" };

describe("authentication over HTTP (pglite)", () => {
  let foghorn: TestFoghorn;
  const clock = new ManualClock(T0);
  let params = { id: "", itemId: "" };
  before(async () => {
    foghorn = await startTestFoghorn("pglite", { clock });
    const incident = (await (
      await foghorn.api("/api/v1/incidents", { body: { title: "Auth target", severity: "low" } })
    ).json()) as Json;
    const item = (await (
      await foghorn.api(`/api/v1/incidents/${incident.id}/action-items`, { body: { title: "x" } })
    ).json()) as Json;
    params = { id: String(incident.id), itemId: String(item.id) };
  });
  after(async () => {
    await foghorn?.close();
  });

  const refusals: [string, string | null, Record<string, string>, RegExp][] = [
    ["without a token", null, {}, /^Bearer realm="foghorn"$/],
    ["with an unknown token", "fh_not-a-real-token-000000000000000000000000", {}, /error="invalid_token"/],
    ["with a malformed header", null, { authorization: "Bearer" }, /error="invalid_token"/],
    ["with basic auth", null, { authorization: "Basic YWRtaW46YWRtaW4=" }, /error="invalid_token"/],
  ];
  for (const [how, token, headers, challenge] of refusals) {
    test(`every /api/v1 route answers 401 problem+json ${how}`, async () => {
      for (const route of API_ROUTES) {
        const res = await foghorn.api(urlFor(route, params), {
          method: route.method,
          token,
          headers,
          ...(route.method === "GET" ? {} : { body: SAMPLE_BODY }),
        });
        const text = await res.text();
        assert.equal(res.status, 401, `${routeKey(route)}: ${text}`);
        assert.match(res.headers.get("content-type") ?? "", /^application\/problem\+json/, routeKey(route));
        assert.match(res.headers.get("www-authenticate") ?? "", challenge, routeKey(route));
        const problem = JSON.parse(text) as Json;
        assert.equal(problem.code, "UNAUTHENTICATED");
        assert.equal(problem.status, 401);
        assert.match(String(problem.detail), /token/);
      }
      const list = (await (await foghorn.api("/api/v1/incidents?q=Should%20never")).json()) as Json;
      assert.deepEqual(list.items, [], "a refused request wrote nothing");
    });
  }

  test("health, readiness, metrics and the API docs are open", async () => {
    const health = await foghorn.api("/healthz", { token: null });
    assert.equal(health.status, 200);
    assert.deepEqual(await health.json(), { status: "ok" });
    const ready = await foghorn.api("/readyz", { token: null });
    assert.equal(ready.status, 200);
    const readiness = (await ready.json()) as Json;
    assert.equal(readiness.status, "ready");
    assert.equal(readiness.storage, "pglite");
    assert.equal((await foghorn.api("/metrics", { token: null })).status, 200);
    for (const route of DOC_ROUTES) {
      const res = await foghorn.api(route.path, { token: null });
      await res.arrayBuffer();
      assert.equal(res.status, 200, route.path);
    }
    const withQuery = await foghorn.api("/api/v1/openapi.json?download=1", { token: null });
    assert.equal(withQuery.status, 200);
  });

  test("a token created through the API works until it expires", async () => {
    const created = await foghorn.api("/api/v1/tokens", { body: { name: "ci", expires_in_days: 1 } });
    assert.equal(created.status, 201);
    const token = (await created.json()) as Json;
    assert.match(String(token.token), /^fh_/);
    assert.equal(token.expires_at, new Date(clock.now().getTime() + DAY).toISOString());

    const me = await foghorn.api("/api/v1/me", { token: String(token.token) });
    assert.equal(me.status, 200);
    assert.deepEqual(await me.json(), { username: "admin", role: "admin" });

    clock.advance(DAY);
    const expired = await foghorn.api("/api/v1/me", { token: String(token.token) });
    assert.equal(expired.status, 401);
    await expired.arrayBuffer();
    const stillAdmin = await foghorn.api("/api/v1/me");
    assert.equal(stillAdmin.status, 200);
    await stillAdmin.arrayBuffer();
  });

  test("the FOGHORN_BOOTSTRAP_TOKEN admin token works and only its hash is stored", async () => {
    const me = await foghorn.api("/api/v1/me");
    assert.deepEqual(await me.json(), { username: "admin", role: "admin" });
    const rows = await foghorn.database.db.execute(
      sql`select token_hash, prefix from api_tokens where name = 'bootstrap'`,
    );
    const stored = JSON.stringify(rows);
    assert.ok(!stored.includes(foghorn.token), "the secret is not stored");
    assert.ok(stored.includes(createHash("sha256").update(foghorn.token).digest("hex")));
  });

  test("the authorization scheme is case-insensitive", async () => {
    const res = await foghorn.api("/api/v1/me", {
      token: null,
      headers: { authorization: `bearer ${foghorn.token}` },
    });
    assert.equal(res.status, 200);
    await res.arrayBuffer();
  });
});

describe("/metrics behind server.metricsToken (pglite)", () => {
  const METRICS_TOKEN = "metrics-scrape-token-0123456789abcdef";
  let foghorn: TestFoghorn;
  before(async () => {
    foghorn = await startTestFoghorn("pglite", {
      configure: (config) => {
        config.server.metricsToken = METRICS_TOKEN;
      },
    });
  });
  after(async () => {
    await foghorn?.close();
  });

  test("Prometheus with the configured token scrapes; without it, or with another token, 401 says why", async () => {
    const scraped = await foghorn.api("/metrics", { token: METRICS_TOKEN });
    assert.equal(scraped.status, 200);
    assert.match(await scraped.text(), /^# TYPE foghorn_http_requests_total counter$/m);

    const missing = await foghorn.api("/metrics", { token: null });
    assert.equal(missing.status, 401);
    assert.match(String(missing.headers.get("www-authenticate")), /^Bearer/);
    assert.match(
      String(((await missing.json()) as Json).detail),
      /Authorization: Bearer <server\.metricsToken>/,
    );

    const wrong = await foghorn.api("/metrics", { token: `${METRICS_TOKEN}x` });
    assert.equal(wrong.status, 401);
    assert.match(String(((await wrong.json()) as Json).detail), /not server\.metricsToken/);
    const admin = await foghorn.api("/metrics");
    assert.equal(admin.status, 401, "an API token is not the metrics token");
    await admin.arrayBuffer();

    assert.equal((await foghorn.api("/healthz", { token: null })).status, 200, "the probes stay open");
  });
});
