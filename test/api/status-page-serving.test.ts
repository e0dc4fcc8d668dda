// The public status page as a visitor and a Statuspage client see it: paths, headers (ETag, 304, gzip,
// CORS, CSP), content after real changes, the status domain, and the promise that a page view issues no
// database query (over real HTTP through the fast path, and through Fastify's routes with inject()).
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { Agent, type IncomingHttpHeaders, request } from "node:http";
import type { AddressInfo } from "node:net";
import { after, before, describe, test } from "node:test";
import { gunzipSync } from "node:zlib";
import { AlertIntake } from "#app/alerts/intake.ts";
import { SessionAuthenticator } from "#app/auth/sessions.ts";
import { TokenAuthenticator } from "#app/auth/tokens.ts";
import { silentLogger } from "#app/context.ts";
import { LocalChangeFeed } from "#app/events.ts";
import { postStatusUpdate } from "#app/incidents/records.ts";
import { StatusPageCache } from "#app/status-page/cache.ts";
import { statusPageCss } from "#domain/status-page/render-html.ts";
import { STATUS_PAGE_ROUTES } from "#http/routes/status-page.ts";
import { buildServer } from "#http/server.ts";
import { openTestDb, type TestDatabase, testBackends } from "#store/testing.ts";
import { appContext, declareTestIncident, uniqueName } from "../helpers/factories.ts";
import { startTestFoghorn, type TestFoghorn } from "../helpers/foghorn.ts";

type Json = Record<string, unknown>;

interface Raw {
  status: number;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

const agent = new Agent({ keepAlive: true, maxSockets: 64 });

/** One request over a real socket, bytes as sent (no decompression, unlike fetch). */
function raw(url: string, headers: Record<string, string> = {}, method = "GET"): Promise<Raw> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method, headers, agent }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("end", () =>
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }),
      );
      res.on("error", reject);
    });
    req.on("error", reject);
    req.end();
  });
}

async function json(res: Response, status = 200): Promise<Json> {
  const text = await res.text();
  assert.equal(res.status, status, text);
  return JSON.parse(text) as Json;
}

const JSON_PATHS = STATUS_PAGE_ROUTES.filter((p) => p.endsWith(".json"));

for (const backend of await testBackends()) {
  describe(`status page over HTTP (${backend.kind})`, { skip: backend.skip }, () => {
    let foghorn: TestFoghorn;
    before(async () => {
      foghorn = await startTestFoghorn(backend.kind);
      await foghorn.statusPage.idle();
    });
    after(async () => {
      await foghorn?.close();
    });

    test("every public path answers, with the headers a browser and a Statuspage client need", async () => {
      const page = await raw(`${foghorn.url}/status`);
      assert.equal(page.status, 200);
      assert.equal(page.headers["content-type"], "text/html; charset=utf-8");
      assert.equal(page.headers["cache-control"], "public, max-age=10");
      assert.match(String(page.headers.etag), /^"[A-Za-z0-9_-]{43}"$/);
      assert.equal(page.headers["content-length"], String(page.body.length));
      assert.ok(page.headers["last-modified"]);
      assert.equal(
        new Date(String(page.headers["x-status-generated-at"])).toUTCString(),
        page.headers["last-modified"],
      );
      assert.equal(page.headers["x-content-type-options"], "nosniff");
      assert.ok(page.headers["referrer-policy"]);
      assert.equal(page.headers["access-control-allow-origin"], undefined, "no CORS on HTML");
      const csp = String(page.headers["content-security-policy"]);
      for (const part of [
        "default-src 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
        "base-uri 'none'",
      ])
        assert.ok(csp.includes(part), `CSP has ${part}: ${csp}`);
      const cssHash = createHash("sha256").update(statusPageCss, "utf8").digest("base64");
      assert.ok(csp.includes(`'sha256-${cssHash}'`), "the stylesheet's hash is allowed");
      assert.match(page.body.toString("utf8"), /^<!doctype html>/i);

      const slash = await raw(`${foghorn.url}/status/`);
      assert.equal(slash.status, 200);
      assert.deepEqual(slash.body, page.body);

      for (const path of [...JSON_PATHS, "/history.rss", "/history.atom"]) {
        const res = await raw(`${foghorn.url}${path}`);
        assert.equal(res.status, 200, path);
        assert.equal(res.headers["access-control-allow-origin"], "*", `${path} allows CORS`);
        // Data, not a page: the API's default policy (nothing may run or frame it) applies.
        assert.match(String(res.headers["content-security-policy"]), /frame-ancestors 'none'/, path);
        if (path.endsWith(".json")) {
          assert.match(String(res.headers["content-type"]), /^application\/json/, path);
          const body = JSON.parse(res.body.toString("utf8")) as Json;
          assert.equal((body.page as Json).url, `${foghorn.url}/status`, path);
        } else assert.match(String(res.headers["content-type"]), /^application\/(rss|atom)\+xml/, path);
      }

      const head = await raw(`${foghorn.url}/api/v2/summary.json`, {}, "HEAD");
      const get = await raw(`${foghorn.url}/api/v2/summary.json`);
      assert.equal(head.status, 200);
      assert.equal(head.body.length, 0);
      assert.equal(head.headers["content-length"], String(get.body.length));
      assert.equal(head.headers.etag, get.headers.etag);
    });

    test("conditional requests get 304, and gzip is sent to whoever accepts it", async () => {
      const first = await raw(`${foghorn.url}/api/v2/summary.json`);
      const etag = String(first.headers.etag);
      const again = await raw(`${foghorn.url}/api/v2/summary.json`, { "if-none-match": etag });
      assert.equal(again.status, 304);
      assert.equal(again.body.length, 0);
      assert.equal(again.headers.etag, etag);
      assert.equal(again.headers["cache-control"], "public, max-age=10");
      assert.equal(
        (await raw(`${foghorn.url}/api/v2/summary.json`, { "if-none-match": '"other"' })).status,
        200,
      );

      const page = await raw(`${foghorn.url}/status`);
      const zipped = await raw(`${foghorn.url}/status`, { "accept-encoding": "gzip, deflate, br" });
      assert.equal(zipped.headers["content-encoding"], "gzip");
      assert.equal(zipped.headers.vary, "Accept-Encoding");
      assert.ok(zipped.body.length < page.body.length);
      assert.deepEqual(gunzipSync(zipped.body), page.body);
      assert.notEqual(zipped.headers.etag, page.headers.etag, "each encoding has its own strong ETag");
      const refused = await raw(`${foghorn.url}/status`, { "accept-encoding": "gzip;q=0, identity" });
      assert.equal(refused.headers["content-encoding"], undefined);
      const revalidated = await raw(`${foghorn.url}/status`, {
        "accept-encoding": "gzip",
        "if-none-match": String(zipped.headers.etag),
      });
      assert.equal(revalidated.status, 304);
    });

    test("an incident's external updates show once posted; internal ones never", async () => {
      const service = uniqueName("checkout");
      await json(await foghorn.api("/api/v1/services", { body: { name: service } }), 201);
      const component = await json(
        await foghorn.api("/api/v1/status-page/components", {
          body: { name: "Checkout", services: [service] },
        }),
        201,
      );
      const incident = await json(
        await foghorn.api("/api/v1/incidents", {
          body: {
            title: "db-7 pgbouncer saturation",
            description: "internal",
            severity: "critical",
            affected_services: [service],
          },
        }),
        201,
      );
      await json(
        await foghorn.api(`/api/v1/incidents/${incident.id}/status-updates`, {
          body: { message: "SECRET: paging the DBA about db-7", visibility: "internal" },
        }),
        201,
      );
      await json(
        await foghorn.api(`/api/v1/incidents/${incident.id}/status-updates`, {
          body: { message: "Some payments fail. We are investigating.", visibility: "external" },
        }),
        201,
      );
      await foghorn.statusPage.idle();

      const unresolved = JSON.parse(
        (await raw(`${foghorn.url}/api/v2/incidents/unresolved.json`)).body.toString(),
      ) as {
        incidents: Json[];
      };
      const pub = unresolved.incidents.find((i) => i.name === "db-7 pgbouncer saturation");
      assert.ok(pub, "the incident is listed as unresolved");
      assert.equal(pub.status, "investigating");
      assert.equal(pub.impact, "critical");
      const summary = JSON.parse((await raw(`${foghorn.url}/api/v2/summary.json`)).body.toString()) as {
        components: Json[];
      };
      assert.equal(summary.components.find((c) => c.id === component.id)?.status, "major_outage");

      const page = (await raw(`${foghorn.url}/status`)).body.toString();
      assert.ok(page.includes("Some payments fail. We are investigating."));
      const detail = await raw(`${foghorn.url}/status/incidents/${pub.id}`);
      assert.equal(detail.status, 200);
      assert.ok(detail.body.toString().includes("Some payments fail."));
      for (const path of [
        "/status",
        `/status/incidents/${pub.id}`,
        "/api/v2/incidents.json",
        "/history.rss",
      ]) {
        const body = (await raw(`${foghorn.url}${path}`)).body.toString();
        assert.ok(!body.includes("SECRET"), `the internal update leaked into ${path}`);
        assert.ok(!body.includes(String(incident.id)), `the internal id leaked into ${path}`);
      }

      const missing = await raw(`${foghorn.url}/status/incidents/nosuchid0000`);
      assert.equal(missing.status, 404);
      assert.match(String(missing.headers["content-type"]), /^text\/html/);
    });

    test("on the status domain the page is at / too; elsewhere / stays the web UI", async () => {
      await json(
        await foghorn.api("/api/v1/status-page/settings", {
          method: "PATCH",
          body: { custom_domain: "status.example.test" },
        }),
      );
      await foghorn.statusPage.idle();
      try {
        const root = await raw(`${foghorn.url}/`, { host: "Status.Example.test:8443" });
        assert.equal(root.status, 200);
        assert.ok(root.headers["x-status-generated-at"], "/ on the status domain is the status page");
        assert.ok(root.headers["content-security-policy"]);
        const summary = JSON.parse((await raw(`${foghorn.url}/api/v2/summary.json`)).body.toString()) as {
          page: Json;
          incidents: Json[];
        };
        assert.equal(summary.page.url, "https://status.example.test");
        const incident = (
          JSON.parse((await raw(`${foghorn.url}/api/v2/incidents.json`)).body.toString()) as {
            incidents: Json[];
          }
        ).incidents[0];
        if (incident) {
          const onDomain = await raw(`${foghorn.url}/incidents/${incident.id}`, {
            host: "status.example.test",
          });
          assert.equal(onDomain.status, 200);
          assert.ok(onDomain.headers["x-status-generated-at"]);
        }
        const ui = await raw(`${foghorn.url}/`, { accept: "text/html" });
        assert.equal(ui.headers["x-status-generated-at"], undefined, "/ elsewhere is not the status page");
        const api = await raw(`${foghorn.url}/api/v1/me`, { host: "status.example.test" });
        assert.equal(api.status, 401, "the API is not the status page's, even on its domain");
      } finally {
        await json(
          await foghorn.api("/api/v1/status-page/settings", {
            method: "PATCH",
            body: { custom_domain: null },
          }),
        );
        await foghorn.statusPage.idle();
      }
    });

    test("the export endpoint returns every file for the root of a web server (signed-in only)", async () => {
      assert.equal((await foghorn.api("/api/v1/status-page/export", { token: null })).status, 401);
      const body = await json(await foghorn.api("/api/v1/status-page/export"));
      const files = body.files as Record<string, { content_type: string; body: string }>;
      assert.ok(files["/"]?.content_type.startsWith("text/html"));
      for (const path of [...JSON_PATHS, "/history.rss", "/history.atom"]) assert.ok(files[path], path);
      assert.ok(Date.parse(String(body.generated_at)) > 0);
    });
  });

  describe(`status page views issue no database query (${backend.kind})`, { skip: backend.skip }, () => {
    let database: TestDatabase;
    let cache: StatusPageCache;
    let app: ReturnType<typeof buildServer>;
    let url: string;
    before(async () => {
      database = await openTestDb(backend.kind);
      const ctx = appContext(database.db);
      const incident = await declareTestIncident(ctx, { title: "Payments degraded" });
      await postStatusUpdate(ctx, incident.id, { message: "Investigating.", visibility: "external" });
      const events = new LocalChangeFeed();
      cache = new StatusPageCache(
        { db: database.db, clock: ctx.clock, log: silentLogger, events, publicUrl: "https://f.example.com" },
        { refreshMs: 3_600_000 },
      );
      await cache.start();
      await cache.idle();
      // The same wiring as `foghorn serve`, without the background loops (which poll the database).
      app = buildServer({
        context: { ...ctx, events },
        authenticator: new TokenAuthenticator(database.db, ctx.clock),
        sessions: new SessionAuthenticator(database.db, ctx.clock),
        system: { version: "test", storage: backend.kind, ready: async () => {} },
        intake: new AlertIntake(database.db, ctx.clock, {
          defaultRateLimitPerMinute: 0,
          maxQueuedEvents: 10,
        }),
        bodyLimit: 1 << 20,
        trustProxy: false,
        logger: undefined,
        statusPage: cache,
        dbStatements: () => database.statementCount(),
      });
      const address = await app.listen({ host: "127.0.0.1", port: 0 });
      url = address;
      assert.equal((app.server.address() as AddressInfo).port > 0, true);
    });
    after(async () => {
      await cache?.stop();
      await app?.close();
      await database?.close();
    });

    const statements = async () => {
      const text = (await raw(`${url}/metrics`)).body.toString();
      const line = text.split("\n").find((l) => l.startsWith("foghorn_db_statements_total "));
      assert.ok(line, "the metric is exported");
      return Number(line.split(" ")[1]);
    };

    test("10,000 page views over HTTP and 1,000 through inject(): the statement counter does not move", async () => {
      const incidentId = (
        JSON.parse((await raw(`${url}/api/v2/incidents.json`)).body.toString()) as { incidents: Json[] }
      ).incidents[0]?.id;
      assert.ok(incidentId);
      const paths = ["/status", "/api/v2/summary.json", `/status/incidents/${incidentId}`, "/history.atom"];
      const before = await statements();
      let ok = 0;
      const worker = async (w: number) => {
        for (let i = w; i < 10_000; i += 32) {
          const res = await raw(
            `${url}${paths[i % paths.length]}`,
            i % 3 ? { "accept-encoding": "gzip" } : {},
          );
          if (res.status === 200) ok++;
        }
      };
      await Promise.all(Array.from({ length: 32 }, (_, w) => worker(w)));
      for (let i = 0; i < 1000; i++) {
        const res = await app.inject({ method: "GET", url: paths[i % paths.length] ?? "/status" });
        if (res.statusCode === 200) ok++;
      }
      assert.equal(ok, 11_000);
      assert.equal(await statements(), before, "no statement ran for any page view");
      assert.ok(before > 0, "the counter counts (the snapshot's read ran before)");
    });

    test("the fast path and Fastify's routes give the same answers", async () => {
      const incidentId = (
        JSON.parse((await raw(`${url}/api/v2/incidents.json`)).body.toString()) as { incidents: Json[] }
      ).incidents[0]?.id;
      const page = await raw(`${url}/status`);
      const cases: [string, Record<string, string>][] = [
        ["/status", {}],
        ["/status/", { "accept-encoding": "gzip" }],
        [`/status/incidents/${incidentId}`, {}],
        ["/status/incidents/nosuchid0000", {}],
        ["/api/v2/summary.json", { "accept-encoding": "gzip" }],
        ["/api/v2/scheduled-maintenances/upcoming.json", {}],
        ["/history.rss?x=1", {}],
        ["/status", { "if-none-match": String(page.headers.etag) }],
      ];
      const ignore = new Set(["date", "connection", "keep-alive", "x-request-id", "transfer-encoding"]);
      const pick = (h: Record<string, unknown>) =>
        Object.fromEntries(
          Object.entries(h)
            .filter(([k]) => !ignore.has(k.toLowerCase()))
            .map(([k, v]): [string, string] => [k.toLowerCase(), String(v)])
            .sort((a, b) => a[0].localeCompare(b[0])),
        );
      for (const [path, headers] of cases) {
        const http = await raw(`${url}${path}`, headers);
        const injected = await app.inject({ method: "GET", url: path, headers });
        assert.equal(injected.statusCode, http.status, path);
        assert.deepEqual(pick(injected.headers), pick(http.headers), path);
        assert.deepEqual(injected.rawPayload, http.body, path);
        assert.equal(http.headers["x-request-id"], undefined, `${path} was answered before Fastify`);
      }
      // Everything else still goes through Fastify.
      const other = await raw(`${url}/healthz`);
      assert.equal(other.status, 200);
      assert.ok(other.headers["x-request-id"]);
    });

    test("a rebuild shows new content without a restart", async () => {
      const ctx = appContext(database.db);
      ctx.clock.advance(60_000);
      const incident = await declareTestIncident(ctx, { title: "Search is slow" });
      await postStatusUpdate(ctx, incident.id, { message: "Looking.", visibility: "external" });
      assert.equal(await cache.refresh(), true);
      const list = JSON.parse((await raw(`${url}/api/v2/incidents.json`)).body.toString()) as {
        incidents: Json[];
      };
      assert.ok(list.incidents.some((i) => i.name === "Search is slow"));
    });
  });
}
