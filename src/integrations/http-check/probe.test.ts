import assert from "node:assert/strict";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { after, before, describe, test } from "node:test";
import { createGuardedFetch } from "../net/ssrf.ts";
import { type HealthCheckSpec, MAX_BODY_BYTES, probe } from "./probe.ts";

/** The receivers run on loopback, which the SSRF guard refuses unless allowed (security.outboundAllow). */
const loopback = { fetch: createGuardedFetch({ allow: ["127.0.0.1"] }) };

type Handler = (req: IncomingMessage, res: ServerResponse) => void;

const json =
  (body: unknown): Handler =>
  (_req, res) => {
    res.writeHead(200, { "content-type": "application/json" });
    res.end(JSON.stringify(body));
  };

const routes: Record<string, Handler> = {
  "/ok": (_req, res) => res.end("status: all OK"),
  "/unavailable": (_req, res) => {
    res.statusCode = 503;
    res.end("OK but not really");
  },
  "/created": (_req, res) => {
    res.statusCode = 201;
    res.end();
  },
  "/json-ok": json({
    status: "ok",
    checks: { db: { state: "up", replicas: 2, primary: true } },
    items: [{ ok: "yes" }],
  }),
  "/json-degraded": json({ status: "degraded" }),
  "/html": (_req, res) => res.end("<html>OK</html>"),
  "/never": () => {},
  "/stalled-body": (_req, res) => res.write("partial"),
  "/redirect": (_req, res) => {
    res.writeHead(302, { location: "/ok" });
    res.end();
  },
  "/big": (_req, res) => {
    // "HEAD-MARK" in the first MiB, "TAIL-MARK" after it; 2 MiB in total.
    const first = Buffer.alloc(MAX_BODY_BYTES, "a");
    first.write("HEAD-MARK");
    res.write(first);
    res.end(Buffer.concat([Buffer.from("TAIL-MARK"), Buffer.alloc(MAX_BODY_BYTES - 9, "b")]));
  },
  "/method": (req, res) => res.end(`method ${req.method}`),
};

let server: Server;
let base = "";
let methods: string[] = [];

before(async () => {
  server = createServer((req, res) => {
    methods.push(req.method ?? "");
    const handler = routes[req.url ?? ""];
    if (handler) handler(req, res);
    else {
      res.statusCode = 404;
      res.end();
    }
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

after(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

const spec = (path: string, extra: Partial<HealthCheckSpec> = {}): HealthCheckSpec => ({
  url: `${base}${path}`,
  timeoutMs: 2000,
  expectedStatus: 200,
  ...extra,
});

const field = (path: string, equals: string) => ({ jsonField: { path, equals } });

describe("probe", () => {
  // [why, path, extra spec, expected statusCode, expected error (null: ok)]
  const table: [string, string, Partial<HealthCheckSpec>, number, string | null][] = [
    ["passing 200", "/ok", {}, 200, null],
    ["wrong status", "/unavailable", {}, 503, "expected status 200, got 503"],
    ["2xx accepts 201", "/created", { expectedStatus: "2xx" }, 201, null],
    ["2xx refuses 503", "/unavailable", { expectedStatus: "2xx" }, 503, "expected status 2xx, got 503"],
    ["list accepts a member", "/unavailable", { expectedStatus: [200, 503] }, 503, null],
    [
      "list refuses others",
      "/created",
      { expectedStatus: [200, 204] },
      201,
      "expected status one of 200, 204, got 201",
    ],
    ["status judged first", "/unavailable", { keyword: "OK" }, 503, "expected status 200, got 503"],
    ["keyword present", "/ok", { keyword: "all OK" }, 200, null],
    ["keyword missing", "/ok", { keyword: "healthy" }, 200, 'body does not contain "healthy"'],
    ["keyword is case-sensitive", "/ok", { keyword: "all ok" }, 200, 'body does not contain "all ok"'],
    ["JSON field matches", "/json-ok", field("$.status", "ok"), 200, null],
    ["dotted path", "/json-ok", field("checks.db.state", "up"), 200, null],
    ["array index", "/json-ok", field("$.items[0].ok", "yes"), 200, null],
    ["number as in JSON", "/json-ok", field("$.checks.db.replicas", "2"), 200, null],
    ["boolean as in JSON", "/json-ok", field("$.checks.db.primary", "true"), 200, null],
    [
      "JSON field mismatch",
      "/json-degraded",
      field("$.status", "ok"),
      200,
      '$.status is "degraded", expected "ok"',
    ],
    [
      "JSON field missing",
      "/json-ok",
      field("$.checks.cache.state", "up"),
      200,
      '$.checks.cache.state is missing, expected "up"',
    ],
    ["not JSON", "/html", field("$.status", "ok"), 200, "response is not JSON"],
    ["keyword and JSON", "/json-ok", { keyword: "up", ...field("$.status", "ok") }, 200, null],
    [
      "redirect not followed, 3xx refused",
      "/redirect",
      {},
      302,
      "expected status 200, got 302 (a redirect to /ok, not followed)",
    ],
    ["redirect not followed, 3xx accepted", "/redirect", { expectedStatus: 302 }, 302, null],
    ["> 1 MiB: first MiB judged", "/big", { keyword: "HEAD-MARK" }, 200, null],
    ["> 1 MiB: rest unread", "/big", { keyword: "TAIL-MARK" }, 200, 'body does not contain "TAIL-MARK"'],
    [
      "HEAD has no body to search",
      "/ok",
      { method: "HEAD", keyword: "OK" },
      200,
      'body does not contain "OK"',
    ],
  ];
  for (const [why, path, extra, statusCode, error] of table) {
    test(why, async () => {
      const result = await probe(spec(path, extra), loopback);
      assert.deepEqual(
        { ok: result.ok, statusCode: result.statusCode, error: result.error },
        { ok: error === null, statusCode, error },
      );
      assert.ok(result.latencyMs >= 0 && Number.isInteger(result.latencyMs));
    });
  }

  test("sends the configured method, GET by default", async () => {
    methods = [];
    assert.equal((await probe(spec("/method", { method: "HEAD" }), loopback)).ok, true);
    assert.equal((await probe(spec("/method"), loopback)).ok, true);
    assert.deepEqual(methods, ["HEAD", "GET"]);
  });

  test("a server that never answers times out", async () => {
    const result = await probe(spec("/never", { timeoutMs: 200 }), loopback);
    assert.deepEqual(result.error, "timed out after 200 ms");
    assert.equal(result.ok, false);
    assert.equal(result.statusCode, null);
    assert.ok(result.latencyMs >= 150 && result.latencyMs < 2000, `latency ${result.latencyMs}`);
  });

  test("a body that stalls times out, keeping the status that did arrive", async () => {
    const result = await probe(spec("/stalled-body", { timeoutMs: 200, keyword: "done" }), loopback);
    assert.deepEqual(
      { ok: result.ok, statusCode: result.statusCode, error: result.error },
      { ok: false, statusCode: 200, error: "timed out after 200 ms" },
    );
  });

  test("a closed port is refused", async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, "127.0.0.1", resolve));
    const { port } = closed.address() as AddressInfo;
    await new Promise((resolve) => closed.close(resolve));
    const result = await probe(
      { url: `http://127.0.0.1:${port}/`, timeoutMs: 2000, expectedStatus: 200 },
      loopback,
    );
    assert.deepEqual(result, {
      ...result,
      ok: false,
      statusCode: null,
      error: `connection refused (127.0.0.1:${port})`,
    });
  });

  test("URLs that cannot be checked are refused without a request", async () => {
    for (const [url, error] of [
      ["not a url", 'invalid URL "not a url"'],
      ["ftp://example.com/", 'unsupported protocol "ftp:": only http and https can be checked'],
    ] as const) {
      const result = await probe({ url, timeoutMs: 2000, expectedStatus: 200 });
      assert.deepEqual(
        { ok: result.ok, statusCode: result.statusCode, error: result.error },
        { ok: false, statusCode: null, error },
      );
    }
  });

  test("an internal address is refused without a request unless security.outboundAllow names it", async () => {
    methods = [];
    const result = await probe(spec("/ok"));
    assert.equal(result.ok, false);
    assert.equal(result.statusCode, null);
    assert.match(
      result.error ?? "",
      /^refused: 127\.0\.0\.1 is a loopback address .*add it to security\.outboundAllow .*health checks of internal services/,
    );
    assert.deepEqual(methods, [], "the server saw no request");
  });

  test("latency is measured with the injected clock", async () => {
    const ticks = [1000, 1250.4];
    const result = await probe(spec("/ok"), { ...loopback, now: () => ticks.shift() ?? 9999 });
    assert.equal(result.latencyMs, 250);
  });
});
