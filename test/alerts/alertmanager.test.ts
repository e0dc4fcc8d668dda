// Alertmanager, Grafana and generic webhooks, heartbeats and HTTP health checks over HTTP: the real captured
// Alertmanager bodies (test/fixtures) and what an admin then sees in Foghorn. Both storage backends.
import assert from "node:assert/strict";
import { createHmac } from "node:crypto";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { after, before, describe, test } from "node:test";
import { HOUR, MINUTE, SECOND } from "#domain/time.ts";
import { testBackends } from "#store/testing.ts";
import { T0 } from "../helpers/factories.ts";
import { ManualClock, startTestFoghorn, type TestFoghorn } from "../helpers/foghorn.ts";
import {
  alertsOf,
  apiOk,
  createIntegration,
  createService,
  fixture,
  fixtureText,
  type Integration,
  incident,
  incidentsOf,
  type Json,
  json,
  onlyAlert,
  send,
  timelineKinds,
} from "./harness.ts";

const FIRING = "alertmanager-webhook-firing.json";
const RESOLVED = "alertmanager-webhook-resolved.json";
const GROUP_KEY = '{}:{alertname="BenchHighErrorRate", service="checkout"}';
const FINGERPRINTS = ["78855a1e43cd500b", "9308444aa7c8c85c"];

/** The firing fixture with its first alert resolved and the second still firing (a partial resolve). */
function partiallyResolved(): Json {
  const body = fixture(FIRING);
  const [first, second] = body.alerts as Json[];
  assert.ok(first && second);
  first.status = "resolved";
  first.endsAt = "2026-11-23T00:05:00.463Z";
  second.status = "firing";
  body.status = "firing";
  return body;
}

/** Asserts an RFC 9457 problem with this status and code; returns it. */
async function expectProblem(res: Response, status: number, code: string): Promise<Json> {
  assert.match(res.headers.get("content-type") ?? "", /^application\/problem\+json/);
  const problem = await json(res);
  assert.equal(res.status, status, JSON.stringify(problem));
  assert.equal(problem.status, status);
  assert.equal(problem.code, code);
  assert.equal(typeof problem.detail, "string");
  return problem;
}

const sign = (secret: string, text: string) => createHmac("sha256", secret).update(text).digest("hex");

/** The firing fixture as Grafana's webhook contact point would send it (version "1" plus Grafana's fields). */
function grafanaBody(): string {
  const body = fixture(FIRING);
  const alerts = body.alerts as Json[];
  for (const a of alerts) {
    a.values = { B: 7.31, C: 1 };
    a.silenceURL = "https://grafana.example.com/alerting/silence/new";
  }
  return JSON.stringify({
    ...body,
    version: "1",
    orgId: 1,
    title: "[FIRING:2] BenchHighErrorRate checkout",
    state: "alerting",
    message: "",
  });
}

/** A local HTTP endpoint for health checks, answering `status` (changeable). */
async function healthEndpoint(): Promise<{ server: Server; url: string; status: { code: number } }> {
  const status = { code: 500 };
  const server = createServer((_req, res) => {
    res.writeHead(status.code, { "content-type": "text/plain" });
    res.end(status.code === 200 ? "ok" : "broken");
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const { port } = server.address() as AddressInfo;
  return { server, url: `http://127.0.0.1:${port}/healthz`, status };
}

for (const backend of await testBackends()) {
  describe(`webhooks, heartbeats and health checks (${backend.kind})`, { skip: backend.skip }, () => {
    let foghorn: TestFoghorn;
    const clock = new ManualClock(T0);
    let endpoint: Awaited<ReturnType<typeof healthEndpoint>> | undefined;
    before(async () => {
      foghorn = await startTestFoghorn(backend.kind, { clock });
    });
    after(async () => {
      await foghorn?.close();
      if (endpoint) await new Promise((r) => endpoint?.server.close(r));
    });

    async function alertmanager(extra: Json = {}): Promise<[string, Integration]> {
      const service = await createService(foghorn, "am");
      const integration = await createIntegration(foghorn, service, "alertmanager", extra);
      assert.equal(integration.url, `${foghorn.url}/webhooks/alertmanager/${integration.routing_key}`);
      return [service, integration];
    }

    const post = (integration: Integration, body: unknown) =>
      send(foghorn, new URL(integration.url).pathname, body);

    async function expectAccepted(res: Response, alerts: number, groupKey = GROUP_KEY): Promise<void> {
      const body = await json(res);
      assert.equal(res.status, 202, JSON.stringify(body));
      assert.deepEqual(body, { status: "accepted", dedup_key: groupKey, alerts });
    }

    async function members(alertId: unknown): Promise<[string, string][]> {
      const alert = await apiOk(foghorn, `/api/v1/alerts/${String(alertId)}`);
      return (alert.members as Json[]).map((m) => [String(m.fingerprint), String(m.status)]);
    }

    test("the captured firing group opens one SEV1 incident with one alert of 2 members", async () => {
      const [service, integration] = await alertmanager();
      // Byte for byte as Alertmanager 0.25 sent it.
      await expectAccepted(await post(integration, fixtureText(FIRING)), 2);
      await foghorn.alertsIdle();
      const alert = await onlyAlert(foghorn, service);
      assert.equal(alert.status, "triggered");
      assert.equal(alert.dedup_key, GROUP_KEY);
      assert.equal(alert.source_kind, "alertmanager");
      assert.equal(alert.severity, "critical");
      assert.equal(alert.event_count, 1);
      assert.deepEqual(await members(alert.id), [
        [FINGERPRINTS[0], "firing"],
        [FINGERPRINTS[1], "firing"],
      ]);
      const incidents = await incidentsOf(foghorn, service);
      assert.equal(incidents.length, 1);
      assert.equal(incidents[0]?.id, alert.incident);
      assert.equal(incidents[0]?.severity, "SEV1");
      assert.equal(incidents[0]?.status, "triggered");
      const detail = await apiOk(foghorn, `/api/v1/alerts/${String(alert.id)}`);
      const links = (detail.links as Json[]).map((l) => l.href);
      assert.ok(links.includes("https://runbooks.example.com/checkout-runbook.md#high-error-rate"));
    });

    test("a repeated firing group counts up without a new incident or a second timeline entry", async () => {
      const [service, integration] = await alertmanager();
      await expectAccepted(await post(integration, fixtureText(FIRING)), 2);
      await foghorn.alertsIdle();
      clock.advance(MINUTE);
      await expectAccepted(await post(integration, fixtureText(FIRING)), 2);
      await foghorn.alertsIdle();
      const alert = await onlyAlert(foghorn, service);
      assert.equal(alert.event_count, 2);
      assert.equal(alert.status, "triggered");
      assert.equal((await incidentsOf(foghorn, service)).length, 1);
      const kinds = await timelineKinds(foghorn, alert.incident);
      assert.deepEqual(kinds, ["incident.declared", "alert.attached"]);
    });

    test("a repeat shows what changed in it (an annotation, the summary); an identical one only counts", async () => {
      const [service, integration] = await alertmanager();
      await post(integration, fixtureText(FIRING));
      await foghorn.alertsIdle();
      const changed = fixture(FIRING);
      const [first] = changed.alerts as Json[];
      assert.ok(first);
      (first.annotations as Json).description = "Now 12 % of requests fail.";
      (changed.commonAnnotations as Json).summary = "Checkout errors climbing";
      for (const body of [changed, changed]) {
        clock.advance(MINUTE);
        await expectAccepted(await post(integration, body), 2);
        await foghorn.alertsIdle();
      }
      const alert = await apiOk(foghorn, `/api/v1/alerts/${String((await onlyAlert(foghorn, service)).id)}`);
      assert.equal(alert.event_count, 3);
      assert.equal(
        alert.last_event_at,
        new Date(clock.now()).toISOString(),
        "the identical repeat is counted",
      );
      assert.match(String(alert.summary), /Checkout errors climbing/);
      const described = (alert.members as Json[]).map((m) => (m.annotations as Json).description);
      assert.ok(described.includes("Now 12 % of requests fail."), JSON.stringify(described));
      assert.equal(described.length, 2);
    });

    test("a partial resolve keeps the alert open, marks one member resolved, and says so once", async () => {
      const [service, integration] = await alertmanager();
      await post(integration, fixtureText(FIRING));
      await foghorn.alertsIdle();
      clock.advance(MINUTE);
      await expectAccepted(await post(integration, partiallyResolved()), 2);
      await foghorn.alertsIdle();
      const alert = await onlyAlert(foghorn, service);
      assert.equal(alert.status, "triggered");
      assert.deepEqual(await members(alert.id), [
        [FINGERPRINTS[0], "resolved"],
        [FINGERPRINTS[1], "firing"],
      ]);
      assert.equal((await incident(foghorn, alert.incident)).status, "triggered");
      assert.deepEqual(await timelineKinds(foghorn, alert.incident), [
        "incident.declared",
        "alert.attached",
        "alert.changed",
      ]);
      // The same partial state again changes nothing on the timeline.
      await post(integration, partiallyResolved());
      await foghorn.alertsIdle();
      assert.equal((await onlyAlert(foghorn, service)).event_count, 3);
      assert.deepEqual(await timelineKinds(foghorn, alert.incident), [
        "incident.declared",
        "alert.attached",
        "alert.changed",
      ]);
    });

    test("the captured resolved group resolves the alert and moves the incident to mitigating", async () => {
      const [service, integration] = await alertmanager();
      await post(integration, fixtureText(FIRING));
      await foghorn.alertsIdle();
      clock.advance(2 * SECOND);
      await expectAccepted(await post(integration, fixtureText(RESOLVED)), 2);
      await foghorn.alertsIdle();
      const alert = await onlyAlert(foghorn, service);
      assert.equal(alert.status, "resolved");
      assert.equal(alert.resolved_at, clock.now().toISOString());
      assert.deepEqual(await members(alert.id), [
        [FINGERPRINTS[0], "resolved"],
        [FINGERPRINTS[1], "resolved"],
      ]);
      const inc = await incident(foghorn, alert.incident);
      assert.equal(inc.status, "mitigating");
      const kinds = await timelineKinds(foghorn, alert.incident);
      assert.deepEqual(kinds.slice(-2), ["alert.resolved", "incident.status_changed"]);
    });

    test("truncatedAlerts is shown on the alert", async () => {
      const [service, integration] = await alertmanager();
      const body = fixture(FIRING);
      body.truncatedAlerts = 3;
      await expectAccepted(await post(integration, body), 2);
      await foghorn.alertsIdle();
      assert.equal((await onlyAlert(foghorn, service)).truncated_alerts, 3);
      // A later complete message says nothing is left out any more.
      await post(integration, fixtureText(FIRING));
      await foghorn.alertsIdle();
      assert.equal((await onlyAlert(foghorn, service)).truncated_alerts, 0);
    });

    test('a body with version "3" is a 422 problem naming the version field, and stores nothing', async () => {
      const [service, integration] = await alertmanager();
      const body = fixture(FIRING);
      body.version = "3";
      const problem = await expectProblem(await post(integration, body), 422, "INVALID_INPUT");
      const errors = problem.errors as Json[];
      assert.deepEqual(
        errors.map((e) => e.field),
        ["version"],
      );
      assert.match(String(errors[0]?.message), /"4"/);
      await foghorn.alertsIdle();
      assert.deepEqual(await alertsOf(foghorn, service), []);
    });

    test("an unknown routing key in the path is a 404 problem", async () => {
      await expectProblem(
        await send(foghorn, `/webhooks/alertmanager/${"n".repeat(32)}`, fixtureText(FIRING)),
        404,
        "NOT_FOUND",
      );
    });

    test("over its rate limit Alertmanager gets 503 with Retry-After, never 429 (which it would drop)", async () => {
      const [service, integration] = await alertmanager({ rate_limit_per_minute: 1 });
      await expectAccepted(await post(integration, fixtureText(FIRING)), 2);
      for (let i = 0; i < 3; i++) {
        const res = await post(integration, fixtureText(FIRING));
        await expectProblem(res, 503, "UNAVAILABLE");
        const retryAfter = Number(res.headers.get("retry-after"));
        assert.ok(Number.isInteger(retryAfter) && retryAfter >= 1, `Retry-After ${retryAfter}`);
      }
      await foghorn.alertsIdle();
      assert.equal((await onlyAlert(foghorn, service)).event_count, 1);
      clock.advance(MINUTE);
      await expectAccepted(await post(integration, fixtureText(RESOLVED)), 2);
    });

    test("during a maintenance window the alert is recorded as suppressed and opens no incident", async () => {
      const [service, integration] = await alertmanager();
      const now = clock.now().getTime();
      const window = await apiOk(foghorn, `/api/v1/services/${service}/maintenance`, {
        body: {
          starts_at: new Date(now - MINUTE).toISOString(),
          ends_at: new Date(now + HOUR).toISOString(),
          reason: "database upgrade",
        },
      });
      assert.equal(window.active, true);
      await expectAccepted(await post(integration, fixtureText(FIRING)), 2);
      await foghorn.alertsIdle();
      const alert = await onlyAlert(foghorn, service);
      assert.equal(alert.suppressed, true);
      assert.equal(alert.incident, null);
      assert.equal(alert.status, "triggered");
      assert.deepEqual(await incidentsOf(foghorn, service), []);
      const listed = (await apiOk(foghorn, "/api/v1/services")).items as Json[];
      const health = listed.find((s) => s.name === service)?.health as Json;
      assert.equal(health.status, "healthy", "planned maintenance does not mark the service down");
      // Its resolve during the window is recorded too, still without an incident.
      await post(integration, fixtureText(RESOLVED));
      await foghorn.alertsIdle();
      assert.equal((await onlyAlert(foghorn, service)).status, "resolved");
      assert.deepEqual(await incidentsOf(foghorn, service), []);
    });

    test("a window scheduled or cancelled between two alerts applies to the next one at once", async () => {
      const [service, integration] = await alertmanager();
      const group = (name: string): Json => ({ ...fixture(FIRING), groupKey: `${GROUP_KEY}/${name}` });
      await expectAccepted(await post(integration, group("before")), 2, `${GROUP_KEY}/before`);
      await foghorn.alertsIdle();
      const now = clock.now().getTime();
      const window = await apiOk(foghorn, `/api/v1/services/${service}/maintenance`, {
        body: { starts_at: new Date(now).toISOString(), ends_at: new Date(now + HOUR).toISOString() },
      });
      clock.advance(SECOND);
      await expectAccepted(await post(integration, group("during")), 2, `${GROUP_KEY}/during`);
      await foghorn.alertsIdle();
      await apiOk(
        foghorn,
        `/api/v1/services/${service}/maintenance/${String(window.id)}`,
        { method: "DELETE" },
        204,
      );
      clock.advance(SECOND);
      await expectAccepted(await post(integration, group("after")), 2, `${GROUP_KEY}/after`);
      await foghorn.alertsIdle();
      const suppressed = Object.fromEntries(
        (await alertsOf(foghorn, service)).map((a) => [String(a.dedup_key).split("/").at(-1), a.suppressed]),
      );
      assert.deepEqual(suppressed, { before: false, during: true, after: false });
    });

    describe("Grafana", () => {
      const secret = "grafana-hmac-secret-0123";
      const body = grafanaBody();

      for (const header of ["X-Grafana-Alerting-Signature", "X-Grafana-Alert-Signature"]) {
        test(`a body signed in ${header} is accepted`, async () => {
          const service = await createService(foghorn, "grafana");
          const integration = await createIntegration(foghorn, service, "grafana", {
            config: { hmac_secret: secret },
          });
          assert.deepEqual((integration as unknown as Json).config, { hmac_secret_set: true });
          const res = await send(foghorn, new URL(integration.url).pathname, body, {
            [header]: sign(secret, body),
          });
          assert.equal(res.status, 202, await res.clone().text());
          await foghorn.alertsIdle();
          const alert = await onlyAlert(foghorn, service);
          assert.equal(alert.source_kind, "grafana");
          assert.equal(alert.client, "Grafana");
          assert.equal((await incidentsOf(foghorn, service)).length, 1);
        });
      }

      test("a wrong secret or a missing signature is a 401, and nothing is stored", async () => {
        const service = await createService(foghorn, "grafana");
        const integration = await createIntegration(foghorn, service, "grafana", {
          config: { hmac_secret: secret },
        });
        const path = new URL(integration.url).pathname;
        const wrong = await send(foghorn, path, body, {
          "X-Grafana-Alerting-Signature": sign("another-secret-000", body),
        });
        const problem = await expectProblem(wrong, 401, "INVALID_SIGNATURE");
        assert.match(String(problem.detail), /does not match/);
        await expectProblem(await send(foghorn, path, body), 401, "INVALID_SIGNATURE");
        // Signed over other bytes (the body re-serialised) does not verify either.
        const reserialised = JSON.stringify(JSON.parse(body), null, 2);
        await expectProblem(
          await send(foghorn, path, reserialised, { "X-Grafana-Alerting-Signature": sign(secret, body) }),
          401,
          "INVALID_SIGNATURE",
        );
        await foghorn.alertsIdle();
        assert.deepEqual(await alertsOf(foghorn, service), []);
      });

      test("with a timestamp header: a fresh timestamp is accepted, an old one and an exact replay are refused", async () => {
        const service = await createService(foghorn, "grafana");
        const tsHeader = "X-Grafana-Alerting-Signature-Timestamp";
        const integration = await createIntegration(foghorn, service, "grafana", {
          config: { hmac_secret: secret, timestamp_header: tsHeader },
        });
        const path = new URL(integration.url).pathname;
        const signed = (seconds: number) => ({
          [tsHeader]: String(seconds),
          "X-Grafana-Alerting-Signature": sign(secret, `${seconds}:${body}`),
        });
        const now = Math.floor(clock.now().getTime() / 1000);

        const fresh = signed(now);
        assert.equal((await send(foghorn, path, body, fresh)).status, 202);
        const replay = await expectProblem(await send(foghorn, path, body, fresh), 401, "REPLAYED");
        assert.match(String(replay.detail), /replay/);

        const old = await expectProblem(
          await send(foghorn, path, body, signed(now - 10 * 60)),
          401,
          "INVALID_SIGNATURE",
        );
        assert.match(String(old.detail), /timestamp/);
        // Signed without the timestamp prefix (the plain variant) does not pass once one is configured.
        await expectProblem(
          await send(foghorn, path, body, {
            [tsHeader]: String(now),
            "X-Grafana-Alerting-Signature": sign(secret, body),
          }),
          401,
          "INVALID_SIGNATURE",
        );
        // A new delivery a second later, signed anew, is accepted.
        assert.equal((await send(foghorn, path, body, signed(now + 1))).status, 202);
        await foghorn.alertsIdle();
        const alert = await onlyAlert(foghorn, service);
        assert.equal(alert.event_count, 2, "the two accepted deliveries, nothing refused");
      });
    });

    describe("generic webhook", () => {
      const mapping = { summary: "$.title", severity: "$.level", dedup_key: "$.id", status: "$.state" };

      test("a mapped body opens an alert and incident, and its resolved state resolves them", async () => {
        const service = await createService(foghorn, "generic");
        const integration = await createIntegration(foghorn, service, "generic", { config: mapping });
        const path = new URL(integration.url).pathname;
        const res = await send(foghorn, path, {
          title: "Queue backlog over 10k",
          level: "critical",
          id: "queue/orders",
          state: "alerting",
          backlog: 12_345,
        });
        const accepted = await json(res);
        assert.equal(res.status, 202, JSON.stringify(accepted));
        assert.deepEqual(accepted, { status: "accepted", dedup_key: "queue/orders", alerts: 1 });
        await foghorn.alertsIdle();
        const alert = await onlyAlert(foghorn, service);
        assert.deepEqual(
          [alert.summary, alert.severity, alert.dedup_key, alert.status, alert.source_kind],
          ["Queue backlog over 10k", "critical", "queue/orders", "triggered", "generic"],
        );
        assert.equal((alert.details as Json).backlog, 12_345);
        const [opened] = await incidentsOf(foghorn, service);
        assert.equal(opened?.id, alert.incident);
        assert.equal(opened?.severity, "SEV1");

        clock.advance(MINUTE);
        const resolved = await send(foghorn, path, {
          title: "Queue backlog over 10k",
          level: "critical",
          id: "queue/orders",
          state: "resolved",
        });
        assert.equal(resolved.status, 202);
        await foghorn.alertsIdle();
        assert.equal((await onlyAlert(foghorn, service)).status, "resolved");
        assert.equal((await incident(foghorn, alert.incident)).status, "mitigating");
      });

      test("the dry run shows what a sample would become, and stores nothing", async () => {
        const service = await createService(foghorn, "generic");
        const integration = await createIntegration(foghorn, service, "generic", { config: mapping });
        const sample = {
          title: "Certificate expires in 3 days",
          level: "warn",
          id: "cert/api",
          state: "open",
        };
        const run = await apiOk(
          foghorn,
          `/api/v1/integrations/${integration.id}/dry-run`,
          { body: sample },
          200,
        );
        assert.equal(run.ok, true, JSON.stringify(run));
        const event = run.event as Json;
        assert.equal(event.action, "trigger");
        assert.equal(event.summary, "Certificate expires in 3 days");
        assert.equal(event.severity, "warning", '"warn" is read as warning');
        assert.equal(event.dedup_key, "cert/api");
        assert.equal(event.source, "");
        assert.deepEqual(run.matched, {
          summary: sample.title,
          severity: sample.level,
          dedup_key: sample.id,
          status: sample.state,
        });

        const broken = await apiOk(
          foghorn,
          `/api/v1/integrations/${integration.id}/dry-run`,
          { body: { level: "critical" } },
          200,
        );
        assert.equal(broken.ok, false);
        assert.deepEqual(
          (broken.errors as Json[]).map((e) => e.field),
          ["summary"],
        );
        await foghorn.alertsIdle();
        assert.deepEqual(await alertsOf(foghorn, service), []);
      });

      test("a mapping with an unknown key is refused when the integration is created", async () => {
        const service = await createService(foghorn, "generic");
        const res = await foghorn.api(`/api/v1/services/${service}/integrations`, {
          body: { kind: "generic", config: { ...mapping, severty: "$.level" } },
        });
        const problem = await expectProblem(res, 422, "INVALID_INPUT");
        assert.match(String(problem.detail), /severty/);
      });
    });

    test("heartbeat: a missed ping opens an alert and incident; the next ping resolves it", async () => {
      const service = await createService(foghorn, "cron");
      const integration = await createIntegration(foghorn, service, "heartbeat", {
        config: { interval_seconds: 60 },
      });
      assert.equal(integration.url, `${foghorn.url}/api/v1/heartbeats/${integration.routing_key}`);
      // Within interval + grace (60 + 30 s): nothing.
      clock.advance(80 * SECOND);
      await foghorn.sweep();
      await foghorn.alertsIdle();
      assert.deepEqual(await alertsOf(foghorn, service), []);

      clock.advance(40 * SECOND);
      await foghorn.sweep();
      await foghorn.alertsIdle();
      const alert = await onlyAlert(foghorn, service);
      assert.equal(alert.status, "triggered");
      assert.equal(alert.source_kind, "heartbeat");
      assert.match(String(alert.summary), /missed/);
      const incidents = await incidentsOf(foghorn, service);
      assert.equal(incidents.length, 1);
      assert.equal(incidents[0]?.id, alert.incident);
      // Another sweep while it is still missing opens nothing new.
      clock.advance(MINUTE);
      await foghorn.sweep();
      await foghorn.alertsIdle();
      assert.equal((await alertsOf(foghorn, service)).length, 1);

      const ping = await fetch(`${foghorn.url}/api/v1/heartbeats/${integration.routing_key}`);
      assert.equal(ping.status, 202);
      assert.deepEqual(await ping.json(), { status: "ok" });
      await foghorn.alertsIdle();
      assert.equal((await onlyAlert(foghorn, service)).status, "resolved");
      assert.equal((await incident(foghorn, alert.incident)).status, "mitigating");
      // Pinging on time keeps it quiet.
      clock.advance(MINUTE);
      await foghorn.sweep();
      await foghorn.alertsIdle();
      assert.equal((await alertsOf(foghorn, service)).length, 1);
      // An unknown heartbeat key is a 404.
      assert.equal((await fetch(`${foghorn.url}/api/v1/heartbeats/${"h".repeat(32)}`)).status, 404);
    });

    test("health check: failing past its threshold opens an alert, passing resolves it; health follows", async () => {
      endpoint = await healthEndpoint();
      const service = await createService(foghorn, "web");
      const health = async () =>
        ((await apiOk(foghorn, "/api/v1/services")).items as Json[]).find((s) => s.name === service)
          ?.health as Json;
      assert.equal((await health()).status, "healthy");
      await apiOk(foghorn, `/api/v1/services/${service}/health-checks`, {
        body: { name: "homepage", url: endpoint.url, interval_seconds: 30, failure_threshold: 2 },
      });

      await foghorn.sweep();
      await foghorn.alertsIdle();
      assert.deepEqual(await alertsOf(foghorn, service), [], "one failure is below the threshold");
      const once = await health();
      assert.equal(once.status, "down", "its only check fails");
      assert.ok(
        (once.reasons as string[]).some((r) => r.includes("homepage")),
        JSON.stringify(once),
      );

      clock.advance(31 * SECOND);
      await foghorn.sweep();
      await foghorn.alertsIdle();
      const alert = await onlyAlert(foghorn, service);
      assert.equal(alert.status, "triggered");
      assert.equal(alert.source_kind, "healthcheck");
      assert.equal(alert.severity, "error");
      assert.match(String(alert.summary), /homepage.*500/);
      const [opened] = await incidentsOf(foghorn, service);
      assert.equal(opened?.id, alert.incident);
      assert.equal(opened?.severity, "SEV2");
      const failing = await health();
      assert.equal(failing.status, "down");
      assert.ok(
        (failing.reasons as string[]).some((r) => r.includes("2 in a row")),
        JSON.stringify(failing),
      );

      endpoint.status.code = 200;
      clock.advance(31 * SECOND);
      await foghorn.sweep();
      await foghorn.alertsIdle();
      assert.equal((await onlyAlert(foghorn, service)).status, "resolved");
      assert.equal((await incident(foghorn, alert.incident)).status, "mitigating");
      assert.deepEqual(await health(), { status: "healthy", reasons: [] });
      const results = await apiOk(foghorn, `/api/v1/services/${service}/health-checks/homepage/results`);
      assert.deepEqual(
        (results.items as Json[]).map((r) => [r.ok, r.status_code]),
        [
          [true, 200],
          [false, 500],
          [false, 500],
        ],
      );
    });
  });
}
