// The server's self-description and operations surface: the OpenAPI document against the routes it really
// registers, the HTML reference, Prometheus metrics and request ids.

import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { AlertIntake } from "#app/alerts/intake.ts";
import { SessionAuthenticator } from "#app/auth/sessions.ts";
import { TokenAuthenticator } from "#app/auth/tokens.ts";
import { silentLogger } from "#app/context.ts";
import { noChangeFeed } from "#app/events.ts";
import { DEFAULT_SEVERITY_POLICY } from "#domain/incident/severity.ts";
import { buildServer } from "#http/server.ts";
import { T0 } from "../helpers/factories.ts";
import { ManualClock, startTestFoghorn, type TestFoghorn } from "../helpers/foghorn.ts";
import { API_ROUTES, type ApiRoute, DOC_ROUTES, OPEN_API_ROUTES, routeKey } from "./routes.ts";

type Json = Record<string, unknown>;

/**
 * Reads Fastify's printRoutes tree ("├── /api/v1/incidents (POST, GET, HEAD)" with children indented by
 * four columns) into method + path pairs, path parameters written the OpenAPI way ({id}).
 */
function parseRouteTree(tree: string): { method: string; path: string }[] {
  const routes: { method: string; path: string }[] = [];
  const prefixes: string[] = [];
  for (const line of tree.split("\n")) {
    const match = /^((?:[│ ] {3})*)[├└]── (.+?)(?: \(([A-Z, ]+)\))?$/.exec(line);
    if (!match) continue;
    const depth = (match[1] ?? "").length / 4;
    const path = (prefixes[depth - 1] ?? "") + (match[2] ?? "");
    prefixes[depth] = path;
    prefixes.length = depth + 1;
    for (const method of (match[3] ?? "").split(", ").filter(Boolean)) {
      routes.push({ method, path: path.replace(/:(\w+)/g, "{$1}") });
    }
  }
  return routes;
}

const keys = (routes: readonly { method: string; path: string }[]) =>
  [...new Set(routes.map((r) => routeKey(r as ApiRoute)))].sort();

describe("OpenAPI, docs, metrics and request ids (pglite)", () => {
  let foghorn: TestFoghorn;
  const clock = new ManualClock(T0);
  before(async () => {
    foghorn = await startTestFoghorn("pglite", { clock });
  });
  after(async () => {
    await foghorn?.close();
  });

  test("/api/v1/openapi.json is OpenAPI 3.1 and documents exactly the /api/v1 routes the server registers", async () => {
    const res = await foghorn.api("/api/v1/openapi.json", { token: null });
    assert.equal(res.status, 200);
    assert.match(res.headers.get("content-type") ?? "", /^application\/json/);
    const doc = (await res.json()) as Json;
    assert.equal(doc.openapi, "3.1.0");
    assert.equal((doc.info as Json).title, "Foghorn API");
    assert.equal(typeof (doc.info as Json).version, "string");
    assert.deepEqual(((doc.components as Json).securitySchemes as Json).bearer, {
      type: "http",
      scheme: "bearer",
      description: "API token from `foghorn token create`",
    });

    const paths = doc.paths as Record<string, Record<string, Json>>;
    const documented = Object.entries(paths).flatMap(([path, ops]) =>
      Object.keys(ops).map((method) => ({ method: method.toUpperCase(), path })),
    );

    // The routes the server really serves, read from the same wiring `foghorn serve` uses.
    const app = buildServer({
      context: {
        db: foghorn.database.db,
        clock,
        log: silentLogger,
        policy: { severities: DEFAULT_SEVERITY_POLICY, priorityScheme: "p1-p4" },
        events: noChangeFeed,
      },
      authenticator: new TokenAuthenticator(foghorn.database.db, clock),
      sessions: new SessionAuthenticator(foghorn.database.db, clock),
      system: { version: "test", storage: "pglite", ready: async () => {} },
      intake: new AlertIntake(foghorn.database.db, clock, {
        defaultRateLimitPerMinute: 0,
        maxQueuedEvents: 1000,
      }),
      bodyLimit: 1024 * 1024,
      trustProxy: false,
      logger: undefined,
    });
    await app.ready();
    const registered = parseRouteTree(app.printRoutes({ commonPrefix: false })).filter(
      (r) => r.method !== "HEAD" && r.path.startsWith("/api/v1/"),
    );
    await app.close();
    assert.ok(registered.length >= API_ROUTES.length, "the route tree was read");

    const docRoutes = new Set(keys(DOC_ROUTES));
    const served = keys(registered).filter((k) => !docRoutes.has(k));
    assert.deepEqual(keys(documented), served, "the document lists every /api/v1 route, and nothing else");
    assert.deepEqual(
      keys([...API_ROUTES, ...OPEN_API_ROUTES]),
      served,
      "the tests exercise every /api/v1 route (test/api/routes.ts)",
    );
    for (const route of OPEN_API_ROUTES)
      assert.deepEqual(
        paths[route.path]?.[route.method.toLowerCase()]?.security,
        [],
        `${routeKey(route)} is open`,
      );

    const operationIds = documented.map((r) => paths[r.path]?.[r.method.toLowerCase()]?.operationId);
    assert.equal(new Set(operationIds).size, documented.length, "operationIds are unique");
    for (const { method, path } of documented) {
      const op = paths[path]?.[method.toLowerCase()];
      assert.ok(op, `${method} ${path}`);
      const responses = op.responses as Json;
      assert.ok(responses["401"] && responses["422"], `${method} ${path} documents 401 and 422`);
      const params = (op.parameters as Json[]).filter((p) => p.in === "path").map((p) => p.name);
      assert.deepEqual(
        params,
        [...path.matchAll(/\{(\w+)\}/g)].map((m) => m[1]),
        `${method} ${path} path parameters`,
      );
    }

    const declare = paths["/api/v1/incidents"]?.post;
    assert.ok(declare);
    const content = (declare.requestBody as Json).content as Record<string, Json>;
    const schema = content["application/json"]?.schema as Json;
    assert.deepEqual(Object.keys(schema.properties as Json).sort(), [
      "affected_services",
      "assignee",
      "custom_fields",
      "description",
      "private",
      "related_alerts",
      "severity",
      "tags",
      "title",
      "type",
    ]);
    // Severity may be left out when the incident type gives one (docs/incident-types.md).
    assert.deepEqual([...(schema.required as string[])].sort(), ["title"]);
    assert.equal(schema.additionalProperties, false, "unknown fields are documented as refused");
    assert.ok((declare.responses as Json)["201"]);

    const list = paths["/api/v1/incidents"]?.get;
    assert.ok(list);
    const queryNames = (list.parameters as Json[]).filter((p) => p.in === "query").map((p) => p.name);
    assert.deepEqual(queryNames.sort(), [
      "assignee",
      "created_after",
      "created_before",
      "cursor",
      "limit",
      "q",
      "service",
      "severity",
      "sort",
      "status",
      "type",
    ]);
    // `field.<key>` filters are open-ended, so the operation's description names them.
    assert.match(String(list.description), /field\.<key>/);
  });

  test("/api/v1/docs is an HTML page covering every operation", async () => {
    const res = await foghorn.api("/api/v1/docs", { token: null });
    assert.equal(res.status, 200);
    assert.match(res.headers.get("content-type") ?? "", /^text\/html/);
    const html = await res.text();
    assert.match(html, /^<!doctype html>/i);
    assert.match(html, /<title>Foghorn API reference<\/title>/);
    for (const route of [...API_ROUTES, ...OPEN_API_ROUTES]) {
      assert.ok(
        html.includes(`${route.method}</span> <code>${route.path}</code>`),
        `${routeKey(route)} is on the page`,
      );
    }
  });

  test("/metrics counts requests by method, route and status", async () => {
    const before = await (await foghorn.api("/metrics", { token: null })).text();
    const line = (text: string, labels: string) => {
      const found = text.split("\n").find((l) => l.startsWith(`foghorn_http_requests_total{${labels}}`));
      return found ? Number(found.split(" ").at(-1)) : 0;
    };
    const created = 'method="POST",route="/api/v1/incidents",status="201"';
    const refused = 'method="POST",route="/api/v1/incidents",status="422"';
    const unauthenticated = 'method="GET",route="/api/v1/incidents/:id",status="401"';
    for (let i = 0; i < 3; i++) {
      const res = await foghorn.api("/api/v1/incidents", {
        body: { title: `Metrics ${i}`, severity: "low" },
      });
      assert.equal(res.status, 201);
      await res.arrayBuffer();
    }
    await (await foghorn.api("/api/v1/incidents", { body: { title: "" } })).arrayBuffer();
    await (await foghorn.api("/api/v1/incidents/INC-1", { token: null })).arrayBuffer();

    const res = await foghorn.api("/metrics", { token: null });
    assert.equal(res.status, 200);
    assert.match(res.headers.get("content-type") ?? "", /^text\/plain/);
    const after = await res.text();
    assert.match(after, /# TYPE foghorn_http_requests_total counter/);
    assert.equal(line(after, created) - line(before, created), 3);
    assert.equal(line(after, refused) - line(before, refused), 1);
    assert.equal(line(after, unauthenticated) - line(before, unauthenticated), 1);
    assert.match(after, /foghorn_http_request_duration_seconds_bucket\{/);
  });

  test("x-request-id is echoed, or generated, on every kind of response", async () => {
    const mine = "req-7f3a-incident-core";
    const ok = await foghorn.api("/api/v1/me", { headers: { "x-request-id": mine } });
    assert.equal(ok.status, 200);
    assert.equal(ok.headers.get("x-request-id"), mine);
    await ok.arrayBuffer();

    const refused = await foghorn.api("/api/v1/incidents", { body: {}, headers: { "x-request-id": mine } });
    assert.equal(refused.headers.get("x-request-id"), mine);
    assert.equal(((await refused.json()) as Json).request_id, mine, "the problem names the same request id");

    const anonymous = await foghorn.api("/api/v1/me", { token: null, headers: { "x-request-id": mine } });
    assert.equal(anonymous.status, 401);
    assert.equal(anonymous.headers.get("x-request-id"), mine);
    assert.equal(((await anonymous.json()) as Json).request_id, mine);

    const generated = await foghorn.api("/api/v1/incidents/INC-123456");
    const id = generated.headers.get("x-request-id") ?? "";
    assert.match(id, /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    assert.equal(((await generated.json()) as Json).request_id, id);
    const other = await foghorn.api("/healthz", { token: null });
    assert.notEqual(other.headers.get("x-request-id"), id, "each request gets its own id");
    assert.match(other.headers.get("x-request-id") ?? "", /^[0-9a-f-]{36}$/);
    await other.arrayBuffer();
  });
});
