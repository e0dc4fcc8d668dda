// Bad input over HTTP: every refusal is an RFC 9457 problem that says what was wrong, and no malformed
// request, however odd, gets a 500.
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import fc from "fast-check";
import { testBackends } from "#store/testing.ts";
import { T0 } from "../helpers/factories.ts";
import { ManualClock, startTestFoghorn, type TestFoghorn } from "../helpers/foghorn.ts";

type Json = Record<string, unknown>;

async function problemOf(res: Response, status: number, code: string): Promise<Json> {
  const text = await res.text();
  assert.equal(res.status, status, text);
  assert.match(res.headers.get("content-type") ?? "", /^application\/problem\+json/);
  const problem = JSON.parse(text) as Json;
  assert.equal(problem.code, code);
  assert.equal(problem.status, status);
  return problem;
}

const fieldsOf = (problem: Json) =>
  ((problem.errors ?? []) as { field: string; message: string }[]).map((e) => e.field);

/** Strings that have broken parsers and databases before. */
const nastyString = fc.oneof(
  fc.string({ maxLength: 30 }),
  fc.string({ unit: "binary", maxLength: 30 }),
  fc.constantFrom(
    "",
    " ",
    "\u0000",
    "a\u0000b",
    "\ud800",
    "x\udfffy",
    "INC-1",
    "INC-99999999999",
    "P0",
    "SEV1",
    "critical",
    "https://grafana.example.com/d/x",
    "javascript:alert(1)",
    "a".repeat(600),
    "9".repeat(40),
    "-1",
    "1e400",
    "2026-02-30T00:00:00Z",
    "0000-01-01T00:00:00Z",
    "9999-12-31T23:59:59-14:00",
    "2026-03-02T09:00:00Z",
    "__proto__",
    "constructor",
    "null",
    "%00",
    "' or 1=1 --",
    "@alice",
  ),
);

const nastyValue: fc.Arbitrary<unknown> = fc.oneof(
  nastyString,
  fc.integer(),
  fc.double(),
  fc.boolean(),
  fc.constant(null),
  fc.array(nastyString, { maxLength: 4 }),
  fc.dictionary(nastyString, nastyString, { maxKeys: 3 }),
);

/** Bodies shaped like the route's input, with any field given any value, plus JSON that is not an object. */
function bodiesFor(fields: readonly string[]): fc.Arbitrary<unknown> {
  return fc.oneof(
    {
      weight: 4,
      arbitrary: fc.dictionary(fc.constantFrom(...fields, "unknown_field"), nastyValue, {
        maxKeys: fields.length + 1,
      }),
    },
    { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 2 }) },
  );
}

const POST_AND_PATCH: { method: "POST" | "PATCH"; path: string; fields: string[] }[] = [
  {
    method: "POST",
    path: "/api/v1/incidents",
    fields: ["title", "description", "severity", "affected_services", "assignee", "related_alerts", "tags"],
  },
  {
    method: "PATCH",
    path: "/api/v1/incidents/{id}",
    fields: [
      "title",
      "description",
      "severity",
      "tags",
      "impact",
      "root_cause",
      "resolution",
      "add_services",
      "remove_services",
    ],
  },
  { method: "POST", path: "/api/v1/incidents/{id}/status", fields: ["status", "note"] },
  { method: "POST", path: "/api/v1/incidents/{id}/roles", fields: ["role", "person", "remove"] },
  { method: "POST", path: "/api/v1/incidents/{id}/notes", fields: ["text"] },
  { method: "POST", path: "/api/v1/incidents/{id}/evidence", fields: ["kind", "url", "caption"] },
  {
    method: "POST",
    path: "/api/v1/incidents/{id}/status-updates",
    fields: ["message", "status", "visibility"],
  },
  {
    method: "POST",
    path: "/api/v1/incidents/{id}/action-items",
    fields: ["title", "description", "owner", "priority", "due_at"],
  },
  {
    method: "PATCH",
    path: "/api/v1/incidents/{id}/action-items/{itemId}",
    fields: ["title", "description", "owner", "priority", "due_at", "status"],
  },
  { method: "POST", path: "/api/v1/tokens", fields: ["name", "username", "expires_in_days"] },
];

// A few dozen bodies per route keeps the suite fast; FUZZ_RUNS=1000 digs deeper by hand.
/** Routes that read no body still parse one when sent; they get the raw-body fuzz. */
const RAW_ROUTES: { method: "POST" | "PATCH"; path: string }[] = [
  ...POST_AND_PATCH,
  { method: "POST", path: "/api/v1/incidents/{id}/action-items/{itemId}/complete" },
];

const RUNS = Number(process.env.FUZZ_RUNS ?? 40);

/** Percent-encodes the UTF-8 bytes of any string (encodeURIComponent throws on a lone surrogate). */
const pathSegment = (s: string) =>
  [...Buffer.from(s, "utf8")].map((b) => `%${b.toString(16).padStart(2, "0")}`).join("");

for (const backend of await testBackends()) {
  describe(`bad input over HTTP (${backend.kind})`, { skip: backend.skip }, () => {
    let foghorn: TestFoghorn;
    let incidentId = "";
    let itemId = "";
    before(async () => {
      foghorn = await startTestFoghorn(backend.kind, { clock: new ManualClock(T0) });
      const incident = (await (
        await foghorn.api("/api/v1/incidents", { body: { title: "Fuzz target", severity: "low" } })
      ).json()) as Json;
      incidentId = String(incident.id);
      const item = (await (
        await foghorn.api(`/api/v1/incidents/${incidentId}/action-items`, { body: { title: "Fuzz item" } })
      ).json()) as Json;
      itemId = String(item.id);
    });
    after(async () => {
      await foghorn?.close();
    });
    const url = (path: string) => path.replace("{id}", incidentId).replace("{itemId}", itemId);

    test("an unknown field is a 422 that names it", async () => {
      const res = await foghorn.api("/api/v1/incidents", {
        body: { title: "x", severity: "low", priority: "P1" },
      });
      const problem = await problemOf(res, 422, "INVALID_INPUT");
      const errors = problem.errors as { field: string; message: string }[];
      assert.equal(errors.length, 1);
      assert.match(errors[0]?.message ?? "", /unknown field "priority"/);
      assert.match(String(problem.detail), /priority/);
    });

    test("several invalid fields are all listed in errors", async () => {
      const res = await foghorn.api("/api/v1/incidents", {
        body: {
          title: "",
          severity: "urgent",
          affected_services: "checkout",
          assignee: "two words",
          extra: 1,
        },
      });
      const problem = await problemOf(res, 422, "INVALID_INPUT");
      assert.deepEqual([...new Set(fieldsOf(problem))].sort(), [
        "(body)",
        "affected_services",
        "assignee",
        "severity",
        "title",
      ]);
      const missing = await problemOf(
        await foghorn.api("/api/v1/incidents", { body: {} }),
        422,
        "INVALID_INPUT",
      );
      assert.deepEqual(fieldsOf(missing).sort(), ["severity", "title"]);
      const evidence = await problemOf(
        await foghorn.api(`/api/v1/incidents/${incidentId}/evidence`, {
          body: { kind: "video", url: "ftp://x", caption: 5 },
        }),
        422,
        "INVALID_INPUT",
      );
      assert.deepEqual(fieldsOf(evidence).sort(), ["caption", "kind", "url"]);
    });

    test("invalid JSON is a 400, and an empty JSON body too", async () => {
      const broken = await foghorn.api("/api/v1/incidents", { body: '{"title": "x", severity: }' });
      const problem = await problemOf(broken, 400, "INVALID_JSON");
      assert.match(String(problem.detail), /not valid JSON/);
      await problemOf(
        await foghorn.api("/api/v1/incidents", { body: "", headers: { "content-type": "application/json" } }),
        400,
        "INVALID_JSON",
      );
      await problemOf(
        await foghorn.api("/api/v1/incidents", { body: '{"__proto__": {"admin": true}}' }),
        400,
        "INVALID_JSON",
      );
    });

    test("a body over 1 MiB is a 413", async () => {
      const big = JSON.stringify({ title: "x", severity: "low", description: "d".repeat(1024 * 1024) });
      const problem = await problemOf(
        await foghorn.api("/api/v1/incidents", { body: big }),
        413,
        "PAYLOAD_TOO_LARGE",
      );
      assert.match(String(problem.detail), /1048576 bytes/);
      const justUnder = JSON.stringify({ text: "n".repeat(1024 * 1024 - 20) });
      assert.ok(Buffer.byteLength(justUnder) <= 1024 * 1024);
      const res = await foghorn.api(`/api/v1/incidents/${incidentId}/notes`, { body: justUnder });
      await problemOf(res, 422, "INVALID_INPUT"); // read in full, then refused as a too-long note
    });

    test("a body that is not JSON is a 415", async () => {
      for (const type of ["text/plain", "application/x-www-form-urlencoded", "application/xml"]) {
        const res = await foghorn.api("/api/v1/incidents", {
          body: "title=x&severity=low",
          headers: { "content-type": type },
        });
        const problem = await problemOf(res, 415, "UNSUPPORTED_MEDIA_TYPE");
        assert.match(String(problem.detail), /application\/json/);
      }
    });

    test("an unknown route is a 404 problem", async () => {
      for (const [method, path] of [
        ["GET", "/api/v1/incident"],
        ["GET", "/api/v2/incidents"],
        ["DELETE", "/api/v1/incidents"],
        ["GET", "/nowhere"],
      ] as const) {
        const problem = await problemOf(await foghorn.api(path, { method }), 404, "NOT_FOUND");
        assert.match(String(problem.detail), new RegExp(`No route ${method} ${path}`));
      }
    });

    test("text the database cannot store (NUL, unpaired surrogates) is a 422 naming the field", async () => {
      const cases: [string, string, Json, string][] = [
        ["POST", "/api/v1/incidents", { title: "a\u0000b", severity: "low" }, "title"],
        ["POST", "/api/v1/incidents", { title: "t", severity: "low", description: "\u0000" }, "description"],
        [
          "POST",
          "/api/v1/incidents",
          { title: "t", severity: "low", related_alerts: ["ok", "x\u0000"] },
          "related_alerts.1",
        ],
        ["POST", "/api/v1/incidents", { title: "x\ud800", severity: "low" }, "title"],
        ["PATCH", "/api/v1/incidents/{id}", { impact: "\udfff" }, "impact"],
        ["POST", "/api/v1/incidents/{id}/status", { status: "acknowledged", note: "a\u0000" }, "note"],
        ["POST", "/api/v1/incidents/{id}/notes", { text: "a\u0000b" }, "text"],
        ["POST", "/api/v1/incidents/{id}/notes", { text: "a\ud800b" }, "text"],
        [
          "POST",
          "/api/v1/incidents/{id}/evidence",
          { url: "https://example.com", caption: "\u0000" },
          "caption",
        ],
        ["POST", "/api/v1/incidents/{id}/status-updates", { message: "a\u0000" }, "message"],
        ["POST", "/api/v1/incidents/{id}/action-items", { title: "t", description: "\u0000" }, "description"],
        ["PATCH", "/api/v1/incidents/{id}/action-items/{itemId}", { title: "\ud83d" }, "title"],
        ["POST", "/api/v1/tokens", { name: "a\u0000" }, "name"],
      ];
      for (const [method, path, payload, field] of cases) {
        const res = await foghorn.api(url(path), { method, body: payload });
        const problem = await problemOf(res, 422, "INVALID_INPUT");
        assert.deepEqual(fieldsOf(problem), [field], `${method} ${path} ${JSON.stringify(payload)}`);
      }
      for (const [query, field] of [
        ["q=a%00b", "q"],
        ["service=x%00", "service"],
        ["status=open&severity=%00", "severity"],
      ]) {
        const problem = await problemOf(
          await foghorn.api(`/api/v1/incidents?${query}`),
          422,
          "INVALID_INPUT",
        );
        assert.deepEqual(fieldsOf(problem), [field], query);
      }
      const undecodable = await foghorn.api("/api/v1/incidents?q=%ED%A0%80%FF");
      await undecodable.arrayBuffer();
      assert.ok(undecodable.status < 500, `${undecodable.status} for bytes that are not UTF-8`);
      const timeline = (await (await foghorn.api(`/api/v1/incidents/${incidentId}/timeline`)).json()) as Json;
      assert.equal((timeline.events as Json[]).length, 2, "nothing was written");
    });

    for (const route of POST_AND_PATCH) {
      test(`fuzz: ${route.method} ${route.path} never answers 5xx`, async () => {
        await fc.assert(
          fc.asyncProperty(bodiesFor(route.fields), async (payload) => {
            const res = await foghorn.api(url(route.path), {
              method: route.method,
              body: JSON.stringify(payload),
            });
            const text = await res.text();
            assert.ok(res.status < 500, `${res.status} for ${JSON.stringify(payload)}: ${text}`);
            if (res.status >= 400)
              assert.match(res.headers.get("content-type") ?? "", /^application\/problem\+json/);
          }),
          { numRuns: RUNS },
        );
      });
    }

    test("fuzz: raw bodies that are not JSON never answer 5xx", async () => {
      await fc.assert(
        fc.asyncProperty(
          fc.string({ unit: "binary", maxLength: 60 }),
          fc.constantFrom(...RAW_ROUTES),
          async (raw, route) => {
            const res = await foghorn.api(url(route.path), {
              method: route.method,
              body: raw,
              headers: { "content-type": "application/json" },
            });
            await res.arrayBuffer();
            assert.ok(res.status < 500, `${res.status} for ${JSON.stringify(raw)}`);
          },
        ),
        { numRuns: RUNS },
      );
    });

    test("fuzz: list query parameters and incident ids never answer 5xx", async () => {
      const params = [
        "sort",
        "status",
        "severity",
        "service",
        "assignee",
        "created_after",
        "created_before",
        "q",
        "limit",
        "cursor",
        "page",
      ];
      await fc.assert(
        fc.asyncProperty(
          fc.dictionary(fc.constantFrom(...params), nastyString, { maxKeys: 4 }),
          nastyString,
          async (query, id) => {
            const qs = new URLSearchParams(query as Record<string, string>).toString();
            const list = await foghorn.api(`/api/v1/incidents?${qs}`);
            await list.arrayBuffer();
            assert.ok(list.status < 500, `${list.status} for ?${qs}`);
            const one = await foghorn.api(`/api/v1/incidents/${pathSegment(id)}/timeline`);
            await one.arrayBuffer();
            assert.ok(one.status < 500, `${one.status} for id ${JSON.stringify(id)}`);
          },
        ),
        { numRuns: RUNS },
      );
    });
  });
}
