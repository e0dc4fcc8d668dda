// Metrics over HTTP, on both storage backends: the report an API client reads, one section as JSON or as a
// CSV download, every bad parameter named at once, 404s that say what exists; and a service's team, which
// the team filter follows.
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { sectionTable, toCsv } from "#app/metrics/tables.ts";
import { METRIC_SECTIONS, type MetricsReport } from "#app/metrics/types.ts";
import { MINUTE } from "#domain/time.ts";
import { testBackends } from "#store/testing.ts";
import { T0 } from "../helpers/factories.ts";
import { ManualClock, startTestFoghorn, type TestFoghorn } from "../helpers/foghorn.ts";

type Json = Record<string, unknown>;

/** Asserts an RFC 9457 problem with this status and code; returns its body. */
async function expectProblem(res: Response, status: number, code: string): Promise<Json> {
  const text = await res.text();
  assert.equal(res.status, status, text);
  assert.match(res.headers.get("content-type") ?? "", /^application\/problem\+json/);
  const problem = JSON.parse(text) as Json;
  assert.equal(problem.code, code);
  return problem;
}

/** The day of T0 (a Monday), as a one-day range. */
const DAY_RANGE = "from=2026-03-02&to=2026-03-03";

for (const backend of await testBackends()) {
  describe(`metrics over HTTP (${backend.kind})`, { skip: backend.skip }, () => {
    let foghorn: TestFoghorn;
    const clock = new ManualClock(T0);

    async function ok<T = Json>(path: string, init: Parameters<TestFoghorn["api"]>[1] = {}): Promise<T> {
      const res = await foghorn.api(path, init);
      const text = await res.text();
      assert.ok(res.status < 300, `${init.method ?? "GET"} ${path}: ${res.status} ${text}`);
      return JSON.parse(text) as T;
    }

    async function status(id: string, to: string): Promise<void> {
      await ok(`/api/v1/incidents/${id}/status`, { body: { status: to } });
    }

    before(async () => {
      foghorn = await startTestFoghorn(backend.kind, { clock });
      await ok("/api/v1/teams", { body: { name: "payments" } });
      await ok("/api/v1/services", { body: { name: "checkout" } });
      await ok("/api/v1/services/checkout", { method: "PATCH", body: { team: "payments" } });
      // SEV1 on checkout: acknowledged after 4 minutes (target 5: met), resolved after an hour.
      const sev1 = await ok<{ id: string }>("/api/v1/incidents", {
        body: { title: "Checkout down", severity: "SEV1", affected_services: ["checkout"] },
      });
      clock.advance(4 * MINUTE);
      await status(sev1.id, "acknowledged");
      clock.advance(56 * MINUTE);
      await status(sev1.id, "resolved");
      // SEV2 on search (no team): acknowledged after 20 minutes (target 15: missed), resolved after 2 hours.
      const sev2 = await ok<{ id: string }>("/api/v1/incidents", {
        body: { title: "Search slow", severity: "SEV2", affected_services: ["search"] },
      });
      clock.advance(20 * MINUTE);
      await status(sev2.id, "acknowledged");
      clock.advance(100 * MINUTE);
      await status(sev2.id, "resolved");
    });
    after(async () => {
      await foghorn?.close();
    });

    test("PATCH a service's team: the views show it, null clears it, an unknown team is a 422 naming the known ones", async () => {
      const shown = await ok<{ team: string | null }>("/api/v1/services/checkout");
      assert.equal(shown.team, "payments");
      const listed = await ok<{ items: { name: string; team: string | null }[] }>("/api/v1/services");
      assert.deepEqual(
        listed.items.map((s) => [s.name, s.team]),
        [
          ["checkout", "payments"],
          ["search", null],
        ],
      );

      const unknown = await expectProblem(
        await foghorn.api("/api/v1/services/search", { method: "PATCH", body: { team: "ghosts" } }),
        422,
        "INVALID_INPUT",
      );
      const [field] = unknown.errors as { field: string; message: string }[];
      assert.equal(field?.field, "team");
      assert.match(field?.message ?? "", /does not exist; known teams: payments/);
      assert.match(String(unknown.detail), /Team "ghosts" does not exist; known teams: payments/);
      const wrongType = await expectProblem(
        await foghorn.api("/api/v1/services/search", { method: "PATCH", body: { team: 7 } }),
        422,
        "INVALID_INPUT",
      );
      assert.deepEqual(
        (wrongType.errors as { field: string }[]).map((e) => e.field),
        ["team"],
      );
      await expectProblem(
        await foghorn.api("/api/v1/services/nowhere", { method: "PATCH", body: { team: "payments" } }),
        404,
        "NOT_FOUND",
      );

      const set = await ok<{ team: string | null }>("/api/v1/services/search", {
        method: "PATCH",
        body: { team: "PAYMENTS" },
      });
      assert.equal(set.team, "payments", "names match ignoring case; the view shows the team's own spelling");
      const cleared = await ok<{ team: string | null }>("/api/v1/services/search", {
        method: "PATCH",
        body: { team: null },
      });
      assert.equal(cleared.team, null);
    });

    test("GET /api/v1/metrics answers the whole report for the range and filters", async () => {
      const report = await ok<MetricsReport>(`/api/v1/metrics?${DAY_RANGE}`);
      assert.deepEqual(report.range, { from: "2026-03-02", to: "2026-03-03", days: 1 });
      assert.deepEqual(report.filters, { service: null, team: null, severity: [], type: null });
      for (const key of [
        "generated_at",
        "response_times",
        "frequency",
        "trend",
        "sla",
        "update_compliance",
        "postmortem_compliance",
        "action_items",
        "alerts",
        "oncall_load",
        "uptime",
      ])
        assert.ok(key in report, `the report has ${key}`);

      const times = new Map(report.response_times.map((r) => [r.severity, r]));
      assert.equal(times.get("all")?.incidents, 2);
      assert.equal(times.get("SEV1")?.mtta.mean_seconds, 240);
      assert.equal(times.get("SEV1")?.mttr.mean_seconds, 3600);
      assert.equal(times.get("SEV2")?.mtta.mean_seconds, 1200);
      assert.equal(times.get("all")?.mtta.mean_seconds, 720, "the mean is exact: (4 min + 20 min) / 2");
      const median = times.get("SEV1")?.mtta.median_seconds ?? 0;
      assert.ok(Math.abs(median - 240) <= 2.4, `the median is within 1 % (${median})`);

      const sla = new Map(report.sla.map((r) => [r.severity, r]));
      assert.deepEqual(sla.get("SEV1")?.compliance, { met: 1, total: 1, ratio: 1 });
      assert.deepEqual(sla.get("SEV2")?.compliance, { met: 0, total: 1, ratio: 0 });
      assert.deepEqual(sla.get("all")?.compliance, { met: 1, total: 2, ratio: 0.5 });
      assert.equal(sla.get("SEV1")?.target_minutes, 5);

      const week = report.frequency.find((w) => w.week === "2026-03-02");
      assert.deepEqual(
        week && [week.SEV1, week.SEV2, week.total],
        [1, 1, 2],
        "both incidents in T0's ISO week",
      );
    });

    test("filters: team (its services), service, severity; the report says which were applied", async () => {
      const team = await ok<MetricsReport>(`/api/v1/metrics?${DAY_RANGE}&team=payments`);
      assert.equal(team.filters.team, "payments");
      assert.equal(team.response_times.find((r) => r.severity === "all")?.incidents, 1);
      assert.equal(team.response_times.find((r) => r.severity === "SEV1")?.incidents, 1);

      // Moving a service to the team moves its past incidents into the team's figures, and back out.
      await ok("/api/v1/services/search", { method: "PATCH", body: { team: "payments" } });
      const moved = await ok<MetricsReport>(`/api/v1/metrics?${DAY_RANGE}&team=payments`);
      assert.equal(moved.response_times.find((r) => r.severity === "all")?.incidents, 2);
      await ok("/api/v1/services/search", { method: "PATCH", body: { team: null } });
      const back = await ok<MetricsReport>(`/api/v1/metrics?${DAY_RANGE}&team=payments`);
      assert.equal(back.response_times.find((r) => r.severity === "all")?.incidents, 1);

      const service = await ok<MetricsReport>(`/api/v1/metrics?${DAY_RANGE}&service=search`);
      assert.equal(service.response_times.find((r) => r.severity === "all")?.mtta.mean_seconds, 1200);

      const severity = await ok<MetricsReport>(`/api/v1/metrics?${DAY_RANGE}&severity=sev2&severity=SEV1`);
      assert.deepEqual(severity.filters.severity, ["SEV1", "SEV2"], "repeated and aliased, in order");

      const before = await ok<MetricsReport>("/api/v1/metrics?from=2026-02-01&to=2026-03-01");
      assert.equal(before.response_times.find((r) => r.severity === "all")?.incidents, 0);
      assert.equal(
        before.response_times.find((r) => r.severity === "all")?.mtta.median_seconds,
        null,
        "nothing counted is null, not 0",
      );
    });

    test("GET /api/v1/metrics/{section}: the section under its snake_case key", async () => {
      for (const section of METRIC_SECTIONS) {
        const body = await ok(`/api/v1/metrics/${section}?${DAY_RANGE}`);
        const key = section.replace(/-/g, "_");
        assert.deepEqual(Object.keys(body).sort(), [key, "filters", "generated_at", "range"].sort(), section);
      }
      const sla = await ok<{ sla: MetricsReport["sla"] }>(`/api/v1/metrics/sla?${DAY_RANGE}`);
      assert.deepEqual(sla.sla.find((r) => r.severity === "all")?.compliance, {
        met: 1,
        total: 2,
        ratio: 0.5,
      });
    });

    test("CSV by ?format=csv or Accept: text/csv, as a download named after the section and range", async () => {
      const report = await ok<MetricsReport>(`/api/v1/metrics?${DAY_RANGE}`);
      for (const section of ["sla", "response-times", "oncall-load"] as const) {
        const res = await foghorn.api(`/api/v1/metrics/${section}?${DAY_RANGE}&format=csv`);
        const text = await res.text();
        assert.equal(res.status, 200, text);
        assert.match(res.headers.get("content-type") ?? "", /^text\/csv; charset=utf-8/);
        assert.equal(
          res.headers.get("content-disposition"),
          `attachment; filename="foghorn-${section}-2026-03-02-2026-03-03.csv"`,
        );
        assert.equal(text, toCsv(sectionTable(report, section)), `${section}: the table of the JSON report`);
        assert.match(text, /\r\n/, "CRLF line ends");
      }
      const sla = await foghorn.api(`/api/v1/metrics/sla?${DAY_RANGE}`, { headers: { accept: "text/csv" } });
      const body = await sla.text();
      assert.match(sla.headers.get("content-type") ?? "", /^text\/csv/);
      assert.equal(sla.headers.get("vary"), "Accept");
      const [header, ...rows] = body.trimEnd().split("\r\n");
      assert.equal(header, sectionTable(report, "sla").columns.join(","));
      assert.ok(
        rows.some((r) => r.startsWith("SEV1,")),
        `a SEV1 row:\n${body}`,
      );

      const json = await foghorn.api(`/api/v1/metrics/sla?${DAY_RANGE}`, {
        headers: { accept: "application/json, text/csv;q=0.5" },
      });
      assert.match(json.headers.get("content-type") ?? "", /^application\/json/);
      const forced = await foghorn.api(`/api/v1/metrics/sla?${DAY_RANGE}&format=json`, {
        headers: { accept: "text/csv" },
      });
      assert.match(forced.headers.get("content-type") ?? "", /^application\/json/, "format wins over Accept");
      await forced.arrayBuffer();
    });

    test("bad parameters: one 422 naming every one of them", async () => {
      const problem = await expectProblem(
        await foghorn.api("/api/v1/metrics?from=2026-02-30&days=0&severity=SEV9&sevrity=SEV1&format=csv"),
        422,
        "INVALID_INPUT",
      );
      const fields = (problem.errors as { field: string; message: string }[]).map((e) => e.field).sort();
      assert.deepEqual(fields, ["days", "format", "from", "severity", "sevrity"]);
      assert.match(String(problem.detail), /sevrity: unknown parameter/);
      assert.match(String(problem.detail), /format: CSV is one section at a time/);

      const section = await expectProblem(
        await foghorn.api("/api/v1/metrics/sla?to=tomorrow&format=xml&service=a&service=b"),
        422,
        "INVALID_INPUT",
      );
      assert.deepEqual((section.errors as { field: string }[]).map((e) => e.field).sort(), [
        "format",
        "service",
        "to",
      ]);
    });

    test("404s: an unknown section lists the sections; an unknown service, team or type is named", async () => {
      const section = await expectProblem(await foghorn.api("/api/v1/metrics/mttr"), 404, "NOT_FOUND");
      assert.deepEqual(section.sections, [...METRIC_SECTIONS]);
      assert.match(String(section.detail), /"mttr".*response-times, frequency/);

      for (const [param, name] of [
        ["service", "nowhere"],
        ["team", "ghosts"],
        ["type", "meteor-strike"],
      ] as const) {
        const problem = await expectProblem(
          await foghorn.api(`/api/v1/metrics?${param}=${name}`),
          404,
          "NOT_FOUND",
        );
        assert.match(String(problem.detail), new RegExp(name), `${param}: ${problem.detail}`);
        const viaSection = await foghorn.api(`/api/v1/metrics/sla?${param}=${name}&format=csv`);
        assert.equal(viaSection.status, 404, "the CSV download says 404 too");
        await viaSection.arrayBuffer();
      }
    });

    test("the OpenAPI document describes both operations, their filters and the CSV", async () => {
      const doc = await ok<{ paths: Record<string, Record<string, Json>> }>("/api/v1/openapi.json");
      const report = doc.paths["/api/v1/metrics"]?.get;
      const section = doc.paths["/api/v1/metrics/{section}"]?.get;
      assert.ok(report && section);
      const names = (op: Json) =>
        (op.parameters as { name: string; in: string }[]).filter((p) => p.in === "query").map((p) => p.name);
      for (const name of ["from", "to", "days", "service", "team", "severity", "type"]) {
        assert.ok(names(report).includes(name), `report ?${name}`);
        assert.ok(names(section).includes(name), `section ?${name}`);
      }
      const ok200 = (section.responses as Record<string, { content: Record<string, unknown> }>)["200"];
      assert.deepEqual(Object.keys(ok200?.content ?? {}).sort(), ["application/json", "text/csv"]);
      assert.ok((report.responses as Json)["404"], "the report documents its 404");
    });
  });
}
