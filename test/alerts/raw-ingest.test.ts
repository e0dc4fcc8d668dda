// Alert webhooks on the raw connection (http/raw-ingest.ts): a connection that opens with an Alertmanager
// or PagerDuty Events v2 POST is answered without node:http and Fastify, in this process or by a status
// worker process. What a sender sees must not change: the same 202 (status, headers, body) as the Fastify
// route, every event stored exactly once, and every error worded by the Fastify route, on a connection
// that keeps working afterwards. On PostgreSQL the worker stores events itself (its own connections): the
// same must hold, and a rate limit must still count every event of its integration in one place.
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { sql } from "drizzle-orm";
import type { StorageKind } from "#store/db.ts";
import { executeRows } from "#store/rows.ts";
import { testBackends } from "#store/testing.ts";
import { startTestFoghorn, type TestFoghorn } from "../helpers/foghorn.ts";
import { type Answer, comparable, converse, until } from "../helpers/raw-http.ts";
import {
  alertsOf,
  apiOk,
  createIntegration,
  createService,
  fixture,
  fixtureText,
  incidentsOf,
  type Json,
  waitFor,
} from "./harness.ts";

const post = (path: string, body: string, extra = "") =>
  `POST ${path} HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n${extra}` +
  `Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`;
const get = (path: string) => `GET ${path} HTTP/1.1\r\nHost: localhost\r\n\r\n`;

/** The Alertmanager fixture as a group of its own (its group key and fingerprints made unique). */
function group(name: string): string {
  const body = fixture("alertmanager-webhook-firing.json");
  body.groupKey = `{}:{alertname="${name}"}`;
  for (const [i, alert] of (body.alerts as Json[]).entries()) alert.fingerprint = `${name}-${i}`;
  return JSON.stringify(body);
}

function pagerDuty(routingKey: string, dedupKey: string): string {
  const body = fixture("pagerduty-v2-trigger.json");
  body.routing_key = routingKey;
  body.dedup_key = dedupKey;
  return JSON.stringify(body);
}

/** The total events an alert of `service` has received (1 for the one that opened it, +1 per repeat). */
async function eventCount(foghorn: TestFoghorn, service: string): Promise<number> {
  await foghorn.alertsIdle();
  return (await alertsOf(foghorn, service)).reduce((n, a) => n + Number(a.event_count), 0);
}

const postgres = (await testBackends()).find((b) => b.kind === "postgres");
const setups: { kind: StorageKind; workers: number; skip?: string | undefined }[] = [
  { kind: "pglite", workers: 0 },
  { kind: "pglite", workers: 1 },
  ...(postgres ? [{ kind: "postgres" as const, workers: 1, skip: postgres.skip }] : []),
];

/** Waits until the raw path has counted `n` events since `before` (a worker reports its own a tick later). */
async function rawCounted(foghorn: TestFoghorn, before: number, n: number): Promise<void> {
  await until(() => foghorn.statusWorkers.rawEvents - before >= n, `${n} events counted as raw`);
  assert.equal(foghorn.statusWorkers.rawEvents - before, n);
}

for (const { kind, workers, skip } of setups)
  describe(`alert webhooks answered raw (${kind}, server.statusWorkers: ${workers})`, { skip }, () => {
    let foghorn: TestFoghorn;
    before(async () => {
      foghorn = await startTestFoghorn(kind, {
        configure: (config) => {
          config.server.statusWorkers = workers;
        },
      });
      if (workers > 0) await until(() => foghorn.statusWorkers.ready === workers, "the worker is ready");
    });
    after(async () => {
      await foghorn?.close();
    });

    test("the 202 is the Fastify route's, and each event is stored once", async () => {
      const service = await createService(foghorn, "raw");
      const { routing_key: key } = await createIntegration(foghorn, service, "alertmanager");
      const path = `/webhooks/alertmanager/${key}`;
      // A connection that opens with the webhook is answered raw; one that opened with another request
      // belongs to node:http, so its webhook goes through Fastify.
      const rawBefore = foghorn.statusWorkers.rawEvents;
      const [raw, again] = await converse(foghorn.url, [
        { send: post(path, group("RawOne")), expect: 1 },
        { send: post(path, group("RawOne")), expect: 1 },
      ]);
      await rawCounted(foghorn, rawBefore, 2);
      const [, viaFastify] = await converse(foghorn.url, [
        { send: get("/readyz"), expect: 1 },
        { send: post(path, group("RawOne")), expect: 1 },
      ]);
      assert.equal(foghorn.statusWorkers.rawEvents - rawBefore, 2);
      for (const answer of [raw, again, viaFastify] as Answer[]) {
        assert.equal(answer.status, 202, answer.body);
        assert.match(answer.headers["x-request-id"] ?? "", /^[0-9a-f-]{36}$/);
      }
      assert.deepEqual(comparable(raw as Answer), comparable(viaFastify as Answer));
      assert.deepEqual(JSON.parse((raw as Answer).body), {
        status: "accepted",
        dedup_key: '{}:{alertname="RawOne"}',
        alerts: 2,
      });
      // One alert group, three events: the first opened it, two repeats (on PostgreSQL the processor
      // applies them after their commit).
      await foghorn.alertsIdle();
      const alerts = await alertsOf(foghorn, service);
      assert.equal(alerts.length, 1);
      assert.equal(await eventCount(foghorn, service), 3);
    });

    test("many connections at once: every 202 is a stored event", async () => {
      const service = await createService(foghorn, "rawmany");
      const { routing_key: key } = await createIntegration(foghorn, service, "alertmanager", {
        rate_limit_per_minute: 0,
      });
      const rawBefore = foghorn.statusWorkers.rawEvents;
      const answers = await Promise.all(
        Array.from({ length: 24 }, (_, c) =>
          converse(
            foghorn.url,
            Array.from({ length: 5 }, (_, i) => ({
              send: post(`/webhooks/alertmanager/${key}`, group(`Many${c}x${i % 2}`)),
              expect: 1,
            })),
          ),
        ),
      );
      await rawCounted(foghorn, rawBefore, 120);
      const statuses = answers.flat().map((a) => a.status);
      assert.deepEqual(new Set(statuses), new Set([202]));
      assert.equal(statuses.length, 120);
      await foghorn.alertsIdle();
      assert.equal((await alertsOf(foghorn, service)).length, 48);
      assert.equal(await eventCount(foghorn, service), 120);
      // Counted in the request metrics like the Fastify route's answers.
      const metrics = await (await foghorn.api("/metrics")).text();
      const line = metrics
        .split("\n")
        .find((l) =>
          l.startsWith(
            'foghorn_http_requests_total{method="POST",route="/webhooks/alertmanager/:key",status="202"}',
          ),
        );
      assert.ok(line && Number(line.split(" ").at(-1)) >= 120, line);
    });

    test("stored and refused events sent at once each get their own answer", async () => {
      // A worker sends the events it read in one tick together and gets their results together: each
      // answer must still be its own event's (a mix-up would turn a 503 into a 202 for an unstored event).
      const service = await createService(foghorn, "rawmixed");
      const open = await createIntegration(foghorn, service, "alertmanager", { rate_limit_per_minute: 0 });
      const limited = await createIntegration(foghorn, service, "alertmanager", { rate_limit_per_minute: 1 });
      const answers = await Promise.all(
        Array.from({ length: 16 }, (_, c) =>
          converse(foghorn.url, [
            {
              send: post(
                `/webhooks/alertmanager/${c % 2 ? limited.routing_key : open.routing_key}`,
                group(`Mixed${c}`),
              ),
              expect: 1,
            },
          ]),
        ),
      );
      const statuses = answers.map(([a]) => a?.status);
      const limitedAnswers = statuses.filter((_, c) => c % 2 === 1);
      assert.deepEqual(
        statuses.filter((_, c) => c % 2 === 0),
        Array(8).fill(202),
      );
      assert.equal(limitedAnswers.filter((s) => s === 202).length, 1, `limited: ${limitedAnswers}`);
      assert.equal(limitedAnswers.filter((s) => s === 503).length, 7, `limited: ${limitedAnswers}`);
      // Every 202, and only those, is an alert.
      assert.equal(await eventCount(foghorn, service), 9);
    });

    test("errors are the Fastify route's words, and the connection keeps working", async () => {
      const service = await createService(foghorn, "rawerr");
      const { routing_key: key } = await createIntegration(foghorn, service, "alertmanager");
      const path = `/webhooks/alertmanager/${key}`;
      const wrongVersion = JSON.stringify({ ...fixture("alertmanager-webhook-firing.json"), version: "3" });
      const answers = await converse(foghorn.url, [
        { send: post(path, "{not json"), expect: 1 },
        { send: post(path, wrongVersion), expect: 1 },
        { send: post("/webhooks/alertmanager/NoSuchKeyNoSuchKeyNoSuchKey0000", group("Lost")), expect: 1 },
        { send: post(path, group("AfterErrors")), expect: 1 },
      ]);
      assert.deepEqual(
        answers.map((a) => a.status),
        [400, 422, 404, 202],
      );
      assert.match(answers[0]?.body ?? "", /INVALID_JSON/);
      assert.match(answers[1]?.body ?? "", /format version \\"4\\"/);
      assert.match(answers[2]?.body ?? "", /No integration has this routing key/);
      for (const a of answers.slice(0, 3)) assert.match(a.headers["content-type"] ?? "", /problem\+json/);
      await foghorn.alertsIdle();
      assert.equal((await alertsOf(foghorn, service)).length, 1);
    });

    test("over the rate limit Alertmanager gets 503 with Retry-After, PagerDuty 429", async () => {
      const service = await createService(foghorn, "rawrate");
      const am = await createIntegration(foghorn, service, "alertmanager", { rate_limit_per_minute: 1 });
      const pd = await createIntegration(foghorn, service, "pagerduty", { rate_limit_per_minute: 1 });
      const [amFirst, amSecond] = await converse(foghorn.url, [
        { send: post(`/webhooks/alertmanager/${am.routing_key}`, group("Limited1")), expect: 1 },
        { send: post(`/webhooks/alertmanager/${am.routing_key}`, group("Limited2")), expect: 1 },
      ]);
      assert.equal(amFirst?.status, 202);
      assert.equal(amSecond?.status, 503);
      assert.ok(Number(amSecond?.headers["retry-after"]) >= 1);
      const [pdFirst, pdSecond] = await converse(foghorn.url, [
        { send: post("/v2/enqueue", pagerDuty(pd.routing_key, "pd-1")), expect: 1 },
        { send: post("/v2/enqueue", pagerDuty(pd.routing_key, "pd-2")), expect: 1 },
      ]);
      assert.equal(pdFirst?.status, 202);
      assert.deepEqual(JSON.parse(pdFirst?.body ?? ""), {
        status: "success",
        message: "Event processed",
        dedup_key: "pd-1",
      });
      assert.equal(pdSecond?.status, 429);
      assert.equal(JSON.parse(pdSecond?.body ?? "").status, "throttle event");
      assert.equal(await eventCount(foghorn, service), 2);
    });

    test("bodies the raw path does not read go to node:http: chunked, too large, PagerDuty errors", async () => {
      const service = await createService(foghorn, "rawother");
      const am = await createIntegration(foghorn, service, "alertmanager");
      const pd = await createIntegration(foghorn, service, "pagerduty");
      const body = group("Chunked");
      const chunked =
        `POST /webhooks/alertmanager/${am.routing_key} HTTP/1.1\r\nHost: localhost\r\n` +
        `Transfer-Encoding: chunked\r\n\r\n${Buffer.byteLength(body).toString(16)}\r\n${body}\r\n0\r\n\r\n`;
      const invalidPd = JSON.stringify({ routing_key: pd.routing_key, event_action: "explode" });
      const answers = await converse(foghorn.url, [
        { send: chunked, expect: 1 },
        { send: post("/v2/enqueue", invalidPd), expect: 1 },
        { send: post("/v2/enqueue", `{"pad":"${"x".repeat(600 * 1024)}"}`), expect: 1 },
      ]);
      assert.deepEqual(
        answers.map((a) => a.status),
        [202, 400, 413],
      );
      assert.equal(JSON.parse(answers[1]?.body ?? "").status, "invalid event");
      assert.equal(JSON.parse(answers[2]?.body ?? "").message, "Event object is too large");
      assert.equal(await eventCount(foghorn, service), 1);
      assert.deepEqual(
        (await alertsOf(foghorn, service)).map((a) => a.dedup_key),
        ['{}:{alertname="Chunked"}'],
      );
      // The captured Alertmanager body as sent, byte for byte, is taken raw as well.
      const [captured] = await converse(foghorn.url, [
        {
          send: post(
            `/webhooks/alertmanager/${am.routing_key}`,
            fixtureText("alertmanager-webhook-firing.json"),
          ),
          expect: 1,
        },
      ]);
      assert.equal(captured?.status, 202);
    });

    if (kind === "postgres") {
      test("the worker commits through connections of its own, and its events are applied", async () => {
        const service = await createService(foghorn, "rawdirect");
        const rawBefore = foghorn.statusWorkers.rawEvents;
        const { routing_key: key } = await createIntegration(foghorn, service, "alertmanager", {
          rate_limit_per_minute: 0,
        });
        const [answer] = await converse(foghorn.url, [
          { send: post(`/webhooks/alertmanager/${key}`, group("Direct")), expect: 1 },
        ]);
        assert.equal(answer?.status, 202);
        // Seen as the worker's in pg_stat_activity: how an operator tells its connections apart.
        const rows = await executeRows(
          foghorn.database.db,
          sql`select count(*)::int as n from pg_stat_activity
              where datname = current_database() and application_name = 'foghorn status worker'`,
        );
        assert.ok(Number(rows[0]?.n) >= 1, "the worker holds a connection");
        // Applied by the main process's processor: the alert opened an incident.
        const incidents = await waitFor("the incident", async () => {
          const found = await incidentsOf(foghorn, service);
          return found.length > 0 ? found : undefined;
        });
        assert.equal(incidents.length, 1);
        await rawCounted(foghorn, rawBefore, 1);
      });

      test("an integration given a rate limit is counted by the main process at once", async () => {
        // The worker cached the integration as unlimited; the change must reach it (not after 30 s), and
        // from then on its events go to the main process, which counts them in one place.
        const service = await createService(foghorn, "rawnowlimited");
        const integration = await createIntegration(foghorn, service, "alertmanager", {
          rate_limit_per_minute: 0,
        });
        const path = `/webhooks/alertmanager/${integration.routing_key}`;
        const [first] = await converse(foghorn.url, [{ send: post(path, group("Before")), expect: 1 }]);
        assert.equal(first?.status, 202);
        await apiOk(
          foghorn,
          `/api/v1/integrations/${integration.id}`,
          {
            method: "PATCH",
            body: { rate_limit_per_minute: 1 },
          },
          200,
        );
        await until(async () => {
          const [probe] = await converse(foghorn.url, [{ send: post(path, group("Probe")), expect: 1 }]);
          return probe?.status === 503;
        }, "the limit applies");
        const answers = await converse(foghorn.url, [
          { send: post(path, group("After1")), expect: 1 },
          { send: post(path, group("After2")), expect: 1 },
        ]);
        assert.deepEqual(
          answers.map((a) => a.status),
          [503, 503],
        );
      });
    }
  });
