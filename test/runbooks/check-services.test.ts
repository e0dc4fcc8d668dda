// "Check affected services" against real local HTTP servers, through the real prober, on both backends.
import assert from "node:assert/strict";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { after, before, describe, test } from "node:test";
import { createHealthCheck } from "#app/alerts/health-checks.ts";
import { checkAffectedServices } from "#app/incidents/check-services.ts";
import { getIncident } from "#app/incidents/get.ts";
import { getTimeline } from "#app/incidents/timeline.ts";
import { createHealthCheckProber } from "#integrations/http-check/prober.ts";
import { createGuardedFetch } from "#integrations/net/ssrf.ts";
import { openTestDb, type TestDatabase, testBackends } from "#store/testing.ts";
import { appContext, declareTestIncident, expectAppError, uniqueName } from "../helpers/factories.ts";

async function listen(handler: Parameters<typeof createServer>[1]): Promise<{ server: Server; url: string }> {
  const server = createServer(handler);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

/** The real prober; its SSRF guard allows loopback, where these services run (security.outboundAllow). */
const probeHealthCheck = createHealthCheckProber(createGuardedFetch({ allow: ["127.0.0.1"] }));

for (const backend of await testBackends()) {
  describe(`check affected services (${backend.kind})`, { skip: backend.skip }, () => {
    let database: TestDatabase;
    let healthy: { server: Server; url: string };
    let failing: { server: Server; url: string };
    let refusedUrl: string;
    before(async () => {
      database = await openTestDb(backend.kind);
      healthy = await listen((_req, res) => res.writeHead(200, { "content-type": "text/plain" }).end("ok"));
      failing = await listen((_req, res) => res.writeHead(500).end("boom"));
      const closed = await listen(() => {});
      refusedUrl = `${closed.url}/healthz`;
      await new Promise((resolve) => closed.server.close(resolve));
    });
    after(async () => {
      await database?.close();
      healthy?.server.close();
      failing?.server.close();
    });

    test("every check of every affected service runs; each result is evidence on the timeline", async () => {
      const ctx = appContext(database.db, { actor: "nina" });
      const checkout = uniqueName("checkout");
      const payments = uniqueName("payments");
      const search = uniqueName("search");
      const incident = await declareTestIncident(ctx, { affected_services: [checkout, payments, search] });
      await createHealthCheck(ctx, checkout, { name: "api", url: `${healthy.url}/healthz` });
      await createHealthCheck(ctx, payments, { name: "api", url: `${failing.url}/healthz` });
      await createHealthCheck(ctx, payments, { name: "db", url: refusedUrl, timeout_ms: 2000 });
      const unrelated = uniqueName("other");
      await declareTestIncident(ctx, { affected_services: [unrelated] });
      await createHealthCheck(ctx, unrelated, { name: "api", url: `${failing.url}/x` });

      const result = await checkAffectedServices(ctx, incident.id, probeHealthCheck);
      assert.equal(result.incident_id, incident.id);
      assert.deepEqual(result.summary, { checks: 3, healthy: 1, failing: 2, without_checks: 1 });
      const byService = new Map(result.services.map((s) => [s.service, s]));
      const ok = byService.get(checkout)?.checks[0];
      assert.equal(ok?.ok, true);
      assert.equal(ok?.status_code, 200);
      assert.match(ok?.caption ?? "", new RegExp(`^${checkout} / api: healthy, 200 in \\d+ ms$`));
      const pay = byService.get(payments)?.checks ?? [];
      assert.deepEqual(pay.map((c) => [c.name, c.ok, c.status_code]).sort(), [
        ["api", false, 500],
        ["db", false, null],
      ]);
      assert.match(pay.find((c) => c.name === "api")?.caption ?? "", /: down: expected status 2xx, got 500/);
      assert.match(pay.find((c) => c.name === "db")?.caption ?? "", /: down: .*refused/i);
      assert.deepEqual(byService.get(search), {
        service: search,
        note: "no health checks configured",
        checks: [],
      });

      const detail = await getIncident(ctx, incident.id);
      const evidence = detail.evidence.filter((e) => e.kind === "health_check");
      assert.equal(evidence.length, 3);
      assert.deepEqual(
        evidence.map((e) => e.url).sort(),
        [`${healthy.url}/healthz`, `${failing.url}/healthz`, refusedUrl].sort(),
      );
      assert.ok(evidence.every((e) => e.added_by === "nina"));
      const { events } = await getTimeline(ctx, incident.id);
      const added = events.filter((e) => e.kind === "evidence.added");
      assert.equal(added.length, 3);
      assert.deepEqual(added.map((e) => e.data.caption).sort(), evidence.map((e) => e.caption).sort());
    });

    test("an incident whose services have no checks is answered, not refused; no services is refused", async () => {
      const ctx = appContext(database.db);
      const incident = await declareTestIncident(ctx);
      const result = await checkAffectedServices(ctx, incident.id, probeHealthCheck);
      assert.deepEqual(result.summary, { checks: 0, healthy: 0, failing: 0, without_checks: 1 });
      assert.equal(result.services[0]?.note, "no health checks configured");
      const { events } = await getTimeline(ctx, incident.id);
      assert.equal(events.filter((e) => e.kind === "evidence.added").length, 0);

      const bare = await declareTestIncident(ctx, { affected_services: [] });
      await expectAppError(checkAffectedServices(ctx, bare.id, probeHealthCheck), "INVALID_INPUT");
      await expectAppError(checkAffectedServices(ctx, "INC-999999", probeHealthCheck), "NOT_FOUND");
    });
  });
}
