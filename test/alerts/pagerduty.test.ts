// PagerDuty Events API v2 (and v1, and change events) over HTTP, one test per rule of WIRE-FORMATS.md §4.1:
// what a sender built for PagerDuty sees, and what an admin then finds in Foghorn. Both storage backends.
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { HOUR, MINUTE } from "#domain/time.ts";
import { testBackends } from "#store/testing.ts";
import { T0 } from "../helpers/factories.ts";
import { ManualClock, startTestFoghorn, type TestFoghorn } from "../helpers/foghorn.ts";
import {
  alertsOf,
  apiOk,
  createIntegration,
  createService,
  fixture,
  incident,
  incidentsOf,
  type Json,
  json,
  onlyAlert,
  send,
  timelineKinds,
} from "./harness.ts";

const INVALID = { status: "invalid event", message: "Event object is invalid" } as const;

/** A trigger as a PagerDuty SDK sends it. */
function trigger(routingKey: string, dedupKey: string | undefined, summary = "Disk full on db-1"): Json {
  return {
    routing_key: routingKey,
    event_action: "trigger",
    ...(dedupKey === undefined ? {} : { dedup_key: dedupKey }),
    payload: { summary, source: "db-1.example.com", severity: "critical", component: "postgres" },
  };
}

const closing = (routingKey: string, action: "acknowledge" | "resolve", dedupKey: string): Json => ({
  routing_key: routingKey,
  event_action: action,
  dedup_key: dedupKey,
});

/** Asserts PagerDuty's 400 body exactly, with an entry of `errors` naming `field`; returns the errors. */
async function expectInvalid(res: Response, field: string): Promise<string[]> {
  const body = await json(res);
  assert.equal(res.status, 400, JSON.stringify(body));
  assert.deepEqual(Object.keys(body).sort(), ["errors", "message", "status"]);
  assert.equal(body.status, INVALID.status);
  assert.equal(body.message, INVALID.message);
  const errors = body.errors as string[];
  assert.ok(Array.isArray(errors) && errors.length > 0, "errors lists what is wrong");
  assert.ok(
    errors.some((e) => typeof e === "string" && e.startsWith(field)),
    `an error names ${field}: ${JSON.stringify(errors)}`,
  );
  return errors;
}

async function expectAccepted(res: Response, dedupKey: string): Promise<void> {
  const body = await json(res);
  assert.equal(res.status, 202, JSON.stringify(body));
  assert.deepEqual(body, { status: "success", message: "Event processed", dedup_key: dedupKey });
}

for (const backend of await testBackends()) {
  describe(`PagerDuty Events API over HTTP (${backend.kind})`, { skip: backend.skip }, () => {
    let foghorn: TestFoghorn;
    const clock = new ManualClock(T0);
    before(async () => {
      foghorn = await startTestFoghorn(backend.kind, { clock });
    });
    after(async () => {
      await foghorn?.close();
    });

    /** A fresh service with a PagerDuty integration: [service name, routing key, integration id]. */
    async function pagerduty(extra: Json = {}): Promise<[string, string, string]> {
      const service = await createService(foghorn, "pd");
      const integration = await createIntegration(foghorn, service, "pagerduty", extra);
      assert.equal(integration.routing_key.length, 32, "PagerDuty keys are 32 characters");
      assert.equal(integration.url, `${foghorn.url}/v2/enqueue`);
      return [service, integration.routing_key, integration.id];
    }

    test("the captured Alertmanager trigger gets 202 with exactly PagerDuty's body", async () => {
      const [service, key] = await pagerduty();
      const body = fixture("pagerduty-v2-trigger.json");
      assert.equal(String(body.routing_key).length, 33, "the fixture's key is a placeholder");
      body.routing_key = key;
      const res = await send(foghorn, "/v2/enqueue", body);
      assert.match(res.headers.get("content-type") ?? "", /^application\/json/);
      await expectAccepted(res, String(body.dedup_key));
      await foghorn.alertsIdle();
      const alert = await onlyAlert(foghorn, service);
      assert.equal(alert.dedup_key, body.dedup_key);
      assert.equal(alert.status, "triggered");
      assert.equal(alert.severity, "critical");
      assert.equal(alert.client, "Alertmanager");
      assert.match(String(alert.summary), /^\[FIRING:2\] BenchHighErrorRate/);
    });

    test("a routing_key that is not 32 characters is a 400 naming routing_key", async () => {
      const [service, key] = await pagerduty();
      const errors = await expectInvalid(
        await send(foghorn, "/v2/enqueue", trigger(`${key}x`, "k")),
        "routing_key",
      );
      assert.ok(
        errors.some((e) => e.includes("32")),
        "says how long a key is",
      );
      await expectInvalid(await send(foghorn, "/v2/enqueue", trigger(key.slice(1), "k")), "routing_key");
      await foghorn.alertsIdle();
      assert.deepEqual(await alertsOf(foghorn, service), []);
    });

    test("an event_action other than trigger, acknowledge or resolve is a 400", async () => {
      const [, key] = await pagerduty();
      await expectInvalid(
        await send(foghorn, "/v2/enqueue", { ...trigger(key, "k"), event_action: "escalate" }),
        "event_action",
      );
      const { event_action: _, ...without } = trigger(key, "k");
      await expectInvalid(await send(foghorn, "/v2/enqueue", without), "event_action");
    });

    for (const field of ["summary", "source", "severity"] as const) {
      test(`a trigger without payload.${field} is a 400 naming payload.${field}`, async () => {
        const [service, key] = await pagerduty();
        const body = trigger(key, "k");
        delete (body.payload as Json)[field];
        await expectInvalid(await send(foghorn, "/v2/enqueue", body), `payload.${field}`);
        await foghorn.alertsIdle();
        assert.deepEqual(await alertsOf(foghorn, service), []);
      });
    }

    test("a trigger with no payload at all is a 400 naming payload", async () => {
      const [, key] = await pagerduty();
      const { payload: _, ...without } = trigger(key, "k");
      await expectInvalid(await send(foghorn, "/v2/enqueue", without), "payload");
    });

    test("every problem of a body is reported at once", async () => {
      const [, key] = await pagerduty();
      const errors = await expectInvalid(
        await send(foghorn, "/v2/enqueue", { routing_key: key, event_action: "trigger", payload: {} }),
        "payload.summary",
      );
      for (const field of ["payload.summary", "payload.source", "payload.severity"])
        assert.ok(
          errors.some((e) => e.startsWith(field)),
          `${field} in ${JSON.stringify(errors)}`,
        );
    });

    test("a dedup_key of 256 characters is a 400; 255 is accepted", async () => {
      const [, key] = await pagerduty();
      await expectInvalid(await send(foghorn, "/v2/enqueue", trigger(key, "k".repeat(256))), "dedup_key");
      const longest = "k".repeat(255);
      await expectAccepted(await send(foghorn, "/v2/enqueue", trigger(key, longest)), longest);
    });

    test("a summary of 1025 characters is a 400; 1024 is accepted", async () => {
      const [, key] = await pagerduty();
      await expectInvalid(
        await send(foghorn, "/v2/enqueue", trigger(key, "long", "s".repeat(1025))),
        "payload.summary",
      );
      await expectAccepted(
        await send(foghorn, "/v2/enqueue", trigger(key, "long", "s".repeat(1024))),
        "long",
      );
    });

    test("a body that is not JSON is a 400 with PagerDuty's body", async () => {
      const res = await send(foghorn, "/v2/enqueue", '{"routing_key": "abc", "event_action": ');
      const body = await json(res);
      assert.equal(res.status, 400);
      assert.equal(body.status, INVALID.status);
      assert.equal(body.message, INVALID.message);
      assert.ok(
        (body.errors as string[]).some((e) => /JSON/.test(e)),
        JSON.stringify(body.errors),
      );
    });

    test("a body over 512 KB is refused with 413; just under is accepted", async () => {
      const [service, key] = await pagerduty();
      const sized = (bytes: number, dedupKey: string) => {
        const body = trigger(key, dedupKey);
        const base = Buffer.byteLength(JSON.stringify({ ...body, pad: "" }));
        return JSON.stringify({ ...body, pad: "x".repeat(bytes - base) });
      };
      const over = sized(512 * 1024 + 1, "too-big");
      assert.equal(Buffer.byteLength(over), 512 * 1024 + 1);
      const res = await send(foghorn, "/v2/enqueue", over);
      const body = await json(res);
      assert.equal(res.status, 413, JSON.stringify(body));
      assert.equal(body.status, "invalid event");
      assert.ok(Array.isArray(body.errors));
      await expectAccepted(await send(foghorn, "/v2/enqueue", sized(500 * 1024, "fits")), "fits");
      await foghorn.alertsIdle();
      assert.deepEqual(
        (await alertsOf(foghorn, service)).map((a) => a.dedup_key),
        ["fits"],
      );
    });

    test("a well-formed routing key that no integration has is a 400 naming routing_key", async () => {
      const unknown = "Z".repeat(32);
      const errors = await expectInvalid(
        await send(foghorn, "/v2/enqueue", trigger(unknown, "k")),
        "routing_key",
      );
      assert.ok(errors[0]?.includes("No integration"), errors[0]);
    });

    test("dedup is scoped to the routing key: the same dedup_key on two integrations is two alerts", async () => {
      const service = await createService(foghorn, "pd-two");
      const a = await createIntegration(foghorn, service, "pagerduty", { name: "primary" });
      const b = await createIntegration(foghorn, service, "pagerduty", { name: "secondary" });
      await expectAccepted(await send(foghorn, "/v2/enqueue", trigger(a.routing_key, "shared")), "shared");
      await expectAccepted(await send(foghorn, "/v2/enqueue", trigger(b.routing_key, "shared")), "shared");
      await foghorn.alertsIdle();
      const alerts = await alertsOf(foghorn, service);
      assert.equal(alerts.length, 2);
      assert.deepEqual(
        alerts.map((x) => [x.dedup_key, x.event_count, x.status]),
        [
          ["shared", 1, "triggered"],
          ["shared", 1, "triggered"],
        ],
      );
      assert.notEqual(alerts[0]?.incident, alerts[1]?.incident, "each alert opened its own incident");
      assert.equal((await incidentsOf(foghorn, service)).length, 2);
      // A resolve through one key leaves the other integration's alert alone.
      await expectAccepted(
        await send(foghorn, "/v2/enqueue", closing(a.routing_key, "resolve", "shared")),
        "shared",
      );
      await foghorn.alertsIdle();
      assert.deepEqual((await alertsOf(foghorn, service)).map((x) => x.status).sort(), [
        "resolved",
        "triggered",
      ]);
    });

    test("a repeated trigger is one alert with event_count 2 and one incident", async () => {
      const [service, key] = await pagerduty();
      await expectAccepted(await send(foghorn, "/v2/enqueue", trigger(key, "disk/db-1")), "disk/db-1");
      await foghorn.alertsIdle();
      clock.advance(MINUTE);
      await expectAccepted(
        await send(foghorn, "/v2/enqueue", trigger(key, "disk/db-1", "Disk 99% full on db-1")),
        "disk/db-1",
      );
      await foghorn.alertsIdle();
      const alert = await onlyAlert(foghorn, service);
      assert.equal(alert.event_count, 2);
      assert.equal(alert.summary, "Disk 99% full on db-1", "the latest trigger's summary wins");
      assert.equal(alert.last_event_at, clock.now().toISOString());
      const incidents = await incidentsOf(foghorn, service);
      assert.equal(incidents.length, 1);
      assert.equal(alert.incident, incidents[0]?.id);
      assert.equal(incidents[0]?.severity, "SEV1", "critical opens a SEV1");
      assert.equal(incidents[0]?.title, "Disk full on db-1");
      const opened = await incident(foghorn, alert.incident);
      assert.deepEqual(opened.related_alerts, [alert.id], "the incident names the alert that opened it");
      assert.deepEqual(opened.affected_services, [service]);
      assert.deepEqual(await timelineKinds(foghorn, alert.incident), ["incident.declared", "alert.attached"]);
    });

    test("details, links and images survive identical repeats and an acknowledge; a changed repeat replaces them", async () => {
      const [service, key] = await pagerduty();
      const rich = (summary: string, disk: string): Json => {
        const body = trigger(key, "rich", summary);
        (body.payload as Json).custom_details = { disk, mount: "/var/lib/postgresql" };
        body.links = [{ href: "https://runbooks.example.com/disk", text: "Runbook" }];
        return body;
      };
      for (const body of [rich("Disk full on db-1", "97%"), rich("Disk full on db-1", "97%")]) {
        await expectAccepted(await send(foghorn, "/v2/enqueue", body), "rich");
        await foghorn.alertsIdle();
      }
      await expectAccepted(await send(foghorn, "/v2/enqueue", closing(key, "acknowledge", "rich")), "rich");
      await foghorn.alertsIdle();
      const id = String((await onlyAlert(foghorn, service)).id);
      let alert = await apiOk(foghorn, `/api/v1/alerts/${id}`);
      assert.equal(alert.status, "acknowledged");
      assert.equal(alert.event_count, 3);
      assert.deepEqual(alert.details, { disk: "97%", mount: "/var/lib/postgresql" });
      assert.deepEqual(
        (alert.links as Json[]).map((l) => l.href),
        ["https://runbooks.example.com/disk"],
      );
      await expectAccepted(await send(foghorn, "/v2/enqueue", rich("Disk full on db-1", "99%")), "rich");
      await foghorn.alertsIdle();
      alert = await apiOk(foghorn, `/api/v1/alerts/${id}`);
      assert.deepEqual(alert.details, { disk: "99%", mount: "/var/lib/postgresql" });
      assert.equal(alert.status, "acknowledged", "a repeated trigger does not undo the acknowledge");
    });

    test("acknowledge acknowledges the alert and its incident", async () => {
      const [service, key] = await pagerduty();
      await send(foghorn, "/v2/enqueue", trigger(key, "ack-me"));
      await foghorn.alertsIdle();
      clock.advance(MINUTE);
      await expectAccepted(
        await send(foghorn, "/v2/enqueue", closing(key, "acknowledge", "ack-me")),
        "ack-me",
      );
      await foghorn.alertsIdle();
      const alert = await onlyAlert(foghorn, service);
      assert.equal(alert.status, "acknowledged");
      assert.equal(alert.acknowledged_at, clock.now().toISOString());
      const inc = await incident(foghorn, alert.incident);
      assert.equal(inc.status, "acknowledged");
      assert.deepEqual(await timelineKinds(foghorn, alert.incident), [
        "incident.declared",
        "alert.attached",
        "alert.acknowledged",
        "incident.status_changed",
      ]);
    });

    test("resolve resolves the alert and moves its incident to mitigating", async () => {
      const [service, key] = await pagerduty();
      await send(foghorn, "/v2/enqueue", trigger(key, "fix-me"));
      await foghorn.alertsIdle();
      clock.advance(MINUTE);
      await expectAccepted(await send(foghorn, "/v2/enqueue", closing(key, "resolve", "fix-me")), "fix-me");
      await foghorn.alertsIdle();
      const alert = await onlyAlert(foghorn, service);
      assert.equal(alert.status, "resolved");
      assert.equal(alert.resolved_at, clock.now().toISOString());
      assert.equal((await incident(foghorn, alert.incident)).status, "mitigating");
    });

    test("the captured Alertmanager resolve (with its full payload) resolves the captured trigger", async () => {
      const [service, key] = await pagerduty();
      const fire = fixture("pagerduty-v2-trigger.json");
      const resolve = fixture("pagerduty-v2-resolve.json");
      fire.routing_key = key;
      resolve.routing_key = key;
      await expectAccepted(await send(foghorn, "/v2/enqueue", fire), String(fire.dedup_key));
      await foghorn.alertsIdle();
      await expectAccepted(await send(foghorn, "/v2/enqueue", resolve), String(resolve.dedup_key));
      await foghorn.alertsIdle();
      const alert = await onlyAlert(foghorn, service);
      assert.equal(alert.status, "resolved");
      assert.equal((await incident(foghorn, alert.incident)).status, "mitigating");
    });

    test("acknowledge or resolve of an already resolved key is answered 202 but dropped, and logged", async () => {
      const [service, key, integrationId] = await pagerduty();
      await send(foghorn, "/v2/enqueue", trigger(key, "gone"));
      await foghorn.alertsIdle();
      await send(foghorn, "/v2/enqueue", closing(key, "resolve", "gone"));
      await foghorn.alertsIdle();
      clock.advance(MINUTE);
      const before = await onlyAlert(foghorn, service);
      const incidentBefore = await incident(foghorn, before.incident);
      const timelineBefore = await timelineKinds(foghorn, before.incident);

      await expectAccepted(await send(foghorn, "/v2/enqueue", closing(key, "acknowledge", "gone")), "gone");
      await expectAccepted(await send(foghorn, "/v2/enqueue", closing(key, "resolve", "gone")), "gone");
      await expectAccepted(
        await send(foghorn, "/v2/enqueue", closing(key, "resolve", "never-seen")),
        "never-seen",
      );
      await foghorn.alertsIdle();

      assert.deepEqual(await onlyAlert(foghorn, service), before, "the alert did not change");
      assert.deepEqual(await incident(foghorn, before.incident), incidentBefore, "nor its incident");
      assert.deepEqual(await timelineKinds(foghorn, before.incident), timelineBefore);
      const log = (await apiOk(foghorn, `/api/v1/integrations/${integrationId}`)).log as Json[];
      const dropped = log.filter((l) => l.outcome === "dropped");
      assert.deepEqual(
        dropped.map((l) => l.action).sort(),
        ["acknowledge", "resolve", "resolve"],
        JSON.stringify(log),
      );
      assert.ok(dropped.some((l) => String(l.message).includes('"never-seen"')));
      assert.ok(dropped.every((l) => l.at === clock.now().toISOString()));
    });

    test("a trigger after a resolve opens a new alert on the incident that is still open", async () => {
      const [service, key] = await pagerduty();
      await send(foghorn, "/v2/enqueue", trigger(key, "flappy"));
      await foghorn.alertsIdle();
      await send(foghorn, "/v2/enqueue", closing(key, "resolve", "flappy"));
      await foghorn.alertsIdle();
      clock.advance(MINUTE);
      await expectAccepted(await send(foghorn, "/v2/enqueue", trigger(key, "flappy")), "flappy");
      await foghorn.alertsIdle();
      const [newer, older] = await alertsOf(foghorn, service);
      assert.ok(newer && older);
      assert.equal(older.status, "resolved");
      assert.equal(newer.status, "triggered");
      assert.equal(newer.event_count, 1, "a new alert, not the old one counting up");
      assert.notEqual(newer.id, older.id);
      assert.equal(newer.incident, older.incident, "attached to the incident still being worked on");
      assert.equal((await incidentsOf(foghorn, service)).length, 1);
      const kinds = await timelineKinds(foghorn, newer.incident);
      assert.equal(kinds.filter((k) => k === "alert.attached").length, 2);
    });

    test("an incident resolved by hand resolves its alert: the key's next trigger opens a new alert and incident", async () => {
      // The processor keeps the alerts it wrote (app/alerts/open-alerts.ts): a resolve made elsewhere must
      // reach the next event of the key, or it would count up on the resolved alert and open nothing.
      const [service, key] = await pagerduty();
      for (let i = 0; i < 2; i++) {
        await expectAccepted(await send(foghorn, "/v2/enqueue", trigger(key, "by-hand")), "by-hand");
        await foghorn.alertsIdle();
      }
      const first = await onlyAlert(foghorn, service);
      const res = await foghorn.api(`/api/v1/incidents/${String(first.incident)}/status`, {
        body: { status: "resolved" },
      });
      assert.equal(res.status, 200, await res.text());
      assert.equal((await onlyAlert(foghorn, service)).status, "resolved");
      clock.advance(MINUTE);
      await expectAccepted(await send(foghorn, "/v2/enqueue", trigger(key, "by-hand")), "by-hand");
      await foghorn.alertsIdle();
      const [newer, older] = await alertsOf(foghorn, service);
      assert.ok(newer && older, "two alerts");
      assert.equal(older.id, first.id);
      assert.equal(older.status, "resolved");
      assert.equal(older.event_count, 2, "the resolved alert does not count the new trigger");
      assert.equal(newer.status, "triggered");
      assert.equal(newer.event_count, 1);
      const incidents = await incidentsOf(foghorn, service);
      assert.equal(incidents.length, 2, "the new alert opens a new incident: the first one is resolved");
      assert.notEqual(newer.incident, older.incident);
    });

    test("a trigger without dedup_key gets a generated key, returned in the 202 body", async () => {
      const [service, key] = await pagerduty();
      const res = await send(foghorn, "/v2/enqueue", trigger(key, undefined));
      const body = await json(res);
      assert.equal(res.status, 202);
      assert.deepEqual(Object.keys(body).sort(), ["dedup_key", "message", "status"]);
      const generated = String(body.dedup_key);
      assert.match(generated, /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
      // The key works for the follow-up resolve, as with PagerDuty.
      await foghorn.alertsIdle();
      await expectAccepted(await send(foghorn, "/v2/enqueue", closing(key, "resolve", generated)), generated);
      await foghorn.alertsIdle();
      const alert = await onlyAlert(foghorn, service);
      assert.deepEqual([alert.dedup_key, alert.status], [generated, "resolved"]);
    });

    test("an integration over its rate_limit_per_minute gets 429 with Retry-After", async () => {
      const [service, key] = await pagerduty({ rate_limit_per_minute: 2 });
      await expectAccepted(await send(foghorn, "/v2/enqueue", trigger(key, "r1")), "r1");
      await expectAccepted(await send(foghorn, "/v2/enqueue", trigger(key, "r2")), "r2");
      const res = await send(foghorn, "/v2/enqueue", trigger(key, "r3"));
      const body = await json(res);
      assert.equal(res.status, 429, JSON.stringify(body));
      const retryAfter = Number(res.headers.get("retry-after"));
      assert.ok(
        Number.isInteger(retryAfter) && retryAfter >= 1 && retryAfter <= 60,
        `Retry-After ${retryAfter}`,
      );
      assert.equal(body.status, "throttle event");
      assert.equal(typeof body.message, "string");
      assert.ok(Array.isArray(body.errors));
      await foghorn.alertsIdle();
      assert.deepEqual((await alertsOf(foghorn, service)).map((a) => a.dedup_key).sort(), ["r1", "r2"]);
      // The bucket refills at 2 per minute: half a minute later one more fits.
      clock.advance(30_000);
      await expectAccepted(await send(foghorn, "/v2/enqueue", trigger(key, "r3")), "r3");
    });

    test("a v1 body (service_key, incident_key, event_type, description) gets 200 with incident_key", async () => {
      const [service, key] = await pagerduty();
      const res = await send(foghorn, "/generic/2010-04-15/create_event.json", {
        service_key: key,
        incident_key: "v1/db-2",
        event_type: "trigger",
        description: "Replication lag on db-2",
        details: { lag_seconds: 120 },
        client: "Alertmanager",
      });
      const body = await json(res);
      assert.equal(res.status, 200, JSON.stringify(body));
      assert.deepEqual(body, { status: "success", message: "Event processed", incident_key: "v1/db-2" });
      await foghorn.alertsIdle();
      const alert = await onlyAlert(foghorn, service);
      assert.deepEqual(
        [alert.dedup_key, alert.summary, alert.status],
        ["v1/db-2", "Replication lag on db-2", "triggered"],
      );
      assert.deepEqual(alert.details, { lag_seconds: 120 });
      const resolved = await send(foghorn, "/generic/2010-04-15/create_event.json", {
        service_key: key,
        incident_key: "v1/db-2",
        event_type: "resolve",
      });
      assert.equal(resolved.status, 200);
      await foghorn.alertsIdle();
      assert.equal((await onlyAlert(foghorn, service)).status, "resolved");
    });

    test("a throttled v1 event gets 403 with Retry-After, which Alertmanager retries for v1", async () => {
      const [, key] = await pagerduty({ rate_limit_per_minute: 1 });
      const v1 = (incidentKey: string) =>
        send(foghorn, "/generic/2010-04-15/create_event.json", {
          service_key: key,
          incident_key: incidentKey,
          event_type: "trigger",
          description: "Replication lag on db-3",
        });
      assert.equal((await v1("v1/a")).status, 200);
      const throttled = await v1("v1/b");
      const body = await json(throttled);
      assert.equal(throttled.status, 403, JSON.stringify(body));
      assert.equal(body.status, "throttle event");
      assert.ok(Number(throttled.headers.get("retry-after")) >= 1);
    });

    test("a change event gets 202 and shows on incidents of its service within ±1 h, not 2 h away", async () => {
      const [service, key] = await pagerduty();
      const opened = clock.now();
      await send(foghorn, "/v2/enqueue", trigger(key, "after-deploy"));
      await foghorn.alertsIdle();
      const change = (summary: string, at: Date) =>
        send(foghorn, "/v2/change/enqueue", {
          routing_key: key,
          payload: {
            summary,
            source: "github-actions",
            timestamp: at.toISOString(),
            custom_details: { build: 42 },
          },
          links: [{ href: "https://ci.example.com/builds/42", text: "Build 42" }],
        });
      const res = await change("Deployed checkout v42", new Date(opened.getTime() - 30 * MINUTE));
      const body = await json(res);
      assert.equal(res.status, 202, JSON.stringify(body));
      assert.equal(body.status, "success");
      assert.equal(
        (await change("Deployed checkout v41", new Date(opened.getTime() - 2 * HOUR))).status,
        202,
      );
      assert.equal(
        (await change("Deployed checkout v43", new Date(opened.getTime() + 2 * HOUR))).status,
        202,
      );
      await foghorn.alertsIdle();

      const alert = await onlyAlert(foghorn, service);
      const view = await apiOk(foghorn, `/api/v1/incidents/${String(alert.incident)}/alerts`);
      assert.deepEqual(
        (view.items as Json[]).map((a) => a.id),
        [alert.id],
      );
      const changes = view.change_events as Json[];
      assert.deepEqual(
        changes.map((c) => [c.summary, c.source, c.at, c.service]),
        [
          [
            "Deployed checkout v42",
            "github-actions",
            new Date(opened.getTime() - 30 * MINUTE).toISOString(),
            service,
          ],
        ],
      );
      assert.deepEqual(changes[0]?.details, { build: 42 });
      assert.deepEqual(changes[0]?.links, [{ href: "https://ci.example.com/builds/42", text: "Build 42" }]);
    });

    test("a change event without a summary is a 400 with PagerDuty's body", async () => {
      const [, key] = await pagerduty();
      await expectInvalid(
        await send(foghorn, "/v2/change/enqueue", { routing_key: key, payload: { source: "ci" } }),
        "payload.summary",
      );
    });
  });
}
