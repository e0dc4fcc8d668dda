// The incident metrics on /metrics, on both storage backends, through a real server: open incidents by
// severity, the MTTA/MTTR histograms from the rollups, alerts ingested, pages sent and failed, and the
// engine's queue; read at most every 30 s whatever the scrape rate.
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { sql } from "drizzle-orm";
import { ManualClock } from "#domain/time.ts";
import { testBackends } from "#store/testing.ts";
import { uniqueName } from "../helpers/factories.ts";
import { startTestFoghorn, type TestFoghorn } from "../helpers/foghorn.ts";
import {
  addContact,
  addPolicy,
  addService,
  addUser,
  permanent,
  RecordingChannel,
} from "../oncall/harness.ts";

type Json = Record<string, unknown>;

/** Every sample of the scrape, by its full name with labels as Prometheus prints it. */
function samples(text: string): Map<string, number> {
  const out = new Map<string, number>();
  for (const line of text.split("\n")) {
    if (!line || line.startsWith("#")) continue;
    const at = line.lastIndexOf(" ");
    out.set(line.slice(0, at), Number(line.slice(at + 1)));
  }
  return out;
}

const LE = ["60", "300", "900", "1800", "3600", "7200", "14400", "43200", "86400", "259200", "+Inf"];

for (const backend of await testBackends()) {
  describe(`incident metrics on /metrics (${backend.kind})`, { skip: backend.skip }, () => {
    let fh: TestFoghorn;
    const clock = new ManualClock("2026-03-02T09:00:00.000Z");
    const sms = new RecordingChannel("sms", clock);
    let paged: string;
    let quiet: string;

    before(async () => {
      fh = await startTestFoghorn(backend.kind, { clock, channels: { sms } });
      const alice = await addUser(fh.database.db, uniqueName("alice"));
      await addContact(fh.database.db, alice, "sms", "+4915100000123");
      const policy = await addPolicy(fh.database.db, uniqueName("p"), [
        { delayMinutes: 10, roundRobin: false, targets: [{ kind: "user", id: alice }] },
      ]);
      paged = await addService(fh.database.db, uniqueName("checkout"), policy);
      quiet = await addService(fh.database.db, uniqueName("batch"), null);
    });
    after(async () => {
      await fh?.close();
    });

    async function scrape(): Promise<{ text: string; values: Map<string, number> }> {
      const res = await fetch(`${fh.url}/metrics`);
      assert.equal(res.status, 200);
      assert.match(res.headers.get("content-type") ?? "", /^text\/plain/);
      const text = await res.text();
      return { text, values: samples(text) };
    }

    /** Scrapes every 30 s of the clock until `ready` holds (at most 50 times). */
    async function scrapeUntil(ready: (values: Map<string, number>) => boolean) {
      for (let i = 0; i < 50; i++) {
        clock.advance(30_000);
        const result = await scrape();
        if (ready(result.values)) return result;
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      assert.fail("the rollups did not catch up");
    }

    async function declare(title: string, severity: string, services: string[]): Promise<string> {
      const res = await fh.api("/api/v1/incidents", {
        body: { title, severity, affected_services: services },
      });
      const body = (await res.json()) as Json;
      assert.equal(res.status, 201, JSON.stringify(body));
      return String(body.id);
    }

    async function setStatus(id: string, status: string) {
      const res = await fh.api(`/api/v1/incidents/${id}/status`, { body: { status } });
      assert.equal(res.status, 200, await res.text());
    }

    test("a fresh installation: every severity at 0, empty histograms, nothing ingested or paged", async () => {
      const { text, values } = await scrape();
      for (const severity of ["SEV1", "SEV2", "SEV3", "SEV4"]) {
        assert.equal(values.get(`foghorn_incidents_open{severity="${severity}"}`), 0, severity);
        assert.equal(values.get(`foghorn_incident_ack_seconds_count{severity="${severity}"}`), 0);
        assert.equal(
          values.get(`foghorn_incident_resolve_seconds_bucket{severity="${severity}",le="+Inf"}`),
          0,
        );
      }
      assert.equal(values.get("foghorn_alerts_ingested_total"), 0);
      assert.equal(values.get('foghorn_pages_total{result="sent"}'), 0);
      assert.equal(values.get('foghorn_pages_total{result="failed"}'), 0);
      assert.ok((values.get("foghorn_engine_jobs_pending") ?? -1) >= 0);
      assert.equal(values.get("foghorn_engine_lag_seconds"), 0);
      assert.match(text, /^# TYPE foghorn_incident_ack_seconds histogram$/m);
      assert.match(text, /^# TYPE foghorn_pages_total counter$/m);
      assert.match(text, /^# TYPE foghorn_incidents_open gauge$/m);
      assert.match(text, /^# HELP foghorn_alerts_ingested_total Alerts opened from incoming alert events/m);
      // The process metrics are still there.
      assert.match(text, /^foghorn_process_process_cpu_seconds_total /m);
    });

    test("incidents, acknowledgements, resolutions, pages and alerts show up at the next read", async () => {
      clock.advance(60_000);
      const t1 = clock.now().getTime();
      const at = (ms: number) => clock.set(new Date(t1 + ms));
      // Checkout pages alice by SMS: the first page goes out, the second fails for good.
      const a = await declare("Checkout errors", "SEV1", [paged]);
      await fh.pagingIdle();
      at(45_000);
      await setStatus(a, "acknowledged"); // a: acknowledged after 45 s
      at(120_000); // past the one-message-a-minute throttle
      sms.failures.push(permanent());
      const b = await declare("Checkout slow", "SEV1", [paged]);
      await fh.pagingIdle();
      at(120_000 + 50_000);
      await setStatus(b, "acknowledged"); // b: acknowledged after 50 s
      at(180_000);
      const c = await declare("Batch late", "SEV3", [quiet]);
      at(2 * 3_600_000);
      await setStatus(a, "resolved"); // a: resolved after 2 h
      at(3 * 3_600_000);
      await setStatus(c, "resolved"); // c: resolved unacknowledged after 2 h 57 min

      // One alert on the quiet service: it opens an incident of its own.
      const integration = (await (
        await fh.api(`/api/v1/services/${quiet}/integrations`, { body: { kind: "pagerduty" } })
      ).json()) as { routing_key: string };
      for (const summary of ["Disk full on db1", "Disk full on db1"]) {
        const res = await fetch(`${fh.url}/v2/enqueue`, {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: JSON.stringify({
            routing_key: integration.routing_key,
            event_action: "trigger",
            dedup_key: "disk-full-db1",
            payload: { summary, source: "db1", severity: "warning" },
          }),
        });
        assert.equal(res.status, 202);
      }
      await fh.alertsIdle();
      await fh.pagingIdle();
      const alerts = (await (await fh.api(`/api/v1/alerts?service=${quiet}`)).json()) as {
        items: { incident: string | null; event_count: number }[];
      };
      assert.equal(alerts.items.length, 1, "two events for one key: one alert");
      assert.equal(alerts.items[0]?.event_count, 2);
      const alertIncident = (await (
        await fh.api(`/api/v1/incidents/${alerts.items[0]?.incident}`)
      ).json()) as {
        severity: string;
      };

      // The rollups catch up with the last writes within a refresh (a refresh running in the background
      // holds them meanwhile): read again every 30 s until they have.
      const { values } = await scrapeUntil(
        (v) =>
          v.get('foghorn_incident_resolve_seconds_count{severity="SEV3"}') === 1 &&
          v.get("foghorn_alerts_ingested_total") === 1 &&
          v.get('foghorn_pages_total{result="failed"}') === 1,
      );
      const open = (s: string) => values.get(`foghorn_incidents_open{severity="${s}"}`);
      const expectedOpen: Record<string, number> = { SEV1: 1, SEV2: 0, SEV3: 0, SEV4: 0 };
      expectedOpen[alertIncident.severity] = (expectedOpen[alertIncident.severity] ?? 0) + 1;
      for (const [s, n] of Object.entries(expectedOpen)) assert.equal(open(s), n, `open ${s}`);

      // SEV1: a acknowledged after 45 s and b after 50 s: both in le=60.
      const ack = (le: string) =>
        values.get(`foghorn_incident_ack_seconds_bucket{severity="SEV1",le="${le}"}`);
      assert.deepEqual(
        LE.map(ack),
        LE.map(() => 2),
      );
      assert.equal(values.get('foghorn_incident_ack_seconds_sum{severity="SEV1"}'), 95);
      assert.equal(values.get('foghorn_incident_ack_seconds_count{severity="SEV1"}'), 2);
      // SEV1 resolved: a after 2 h (in le=7200 and above).
      const resolve = (le: string) =>
        values.get(`foghorn_incident_resolve_seconds_bucket{severity="SEV1",le="${le}"}`);
      assert.deepEqual(LE.map(resolve), [0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 1]);
      assert.equal(values.get('foghorn_incident_resolve_seconds_sum{severity="SEV1"}'), 7200);
      // SEV3: c resolved after 2 h 57 min without an acknowledgement, which counts as one at resolution.
      for (const metric of ["foghorn_incident_ack_seconds", "foghorn_incident_resolve_seconds"]) {
        assert.equal(values.get(`${metric}_bucket{severity="SEV3",le="7200"}`), 0, metric);
        assert.equal(values.get(`${metric}_bucket{severity="SEV3",le="14400"}`), 1, metric);
        assert.equal(values.get(`${metric}_sum{severity="SEV3"}`), 2 * 3600 + 57 * 60, metric);
      }

      assert.equal(values.get("foghorn_alerts_ingested_total"), 1, "one alert, however many events");
      assert.equal(values.get('foghorn_pages_total{result="sent"}'), 1);
      assert.equal(values.get('foghorn_pages_total{result="failed"}'), 1);
      assert.equal(values.get("foghorn_incident_metrics_age_seconds"), 0);
    });

    test("read at most every 30 s: a scrape storm reads once, and a new incident shows after 30 s", async () => {
      clock.advance(60_000);
      const before = (await scrape()).values.get('foghorn_incidents_open{severity="SEV4"}') ?? -1;
      await declare("Typo on the status page", "SEV4", [quiet]);
      await fh.pagingIdle();
      // Had any of these scrapes read the database, it would count the new incident.
      const storm = await Promise.all(Array.from({ length: 50 }, () => scrape()));
      for (const { values } of storm)
        assert.equal(values.get('foghorn_incidents_open{severity="SEV4"}'), before, "the cached value");
      clock.advance(29_000);
      const stale = (await scrape()).values;
      assert.equal(stale.get('foghorn_incidents_open{severity="SEV4"}'), before);
      assert.equal(stale.get("foghorn_incident_metrics_age_seconds"), 29);
      clock.advance(1_000);
      const { values } = await scrape();
      assert.equal(values.get('foghorn_incidents_open{severity="SEV4"}'), before + 1);
      assert.equal(values.get("foghorn_incident_metrics_age_seconds"), 0);
    });

    test("the engine's queue: pending jobs and the lag of the oldest due one", async () => {
      // A job due 90 s ago that no runner handles: it waits, and the lag says for how long.
      const now = clock.now();
      await fh.database.db.execute(
        sql`insert into jobs (kind, payload, run_at, created_at)
          values ('test.unhandled', '{}'::jsonb, ${new Date(now.getTime() - 90_000).toISOString()}::timestamptz,
                  ${now.toISOString()}::timestamptz)`,
      );
      clock.advance(30_000);
      const { values } = await scrape();
      assert.equal(values.get("foghorn_engine_lag_seconds"), 120);
      assert.ok((values.get("foghorn_engine_jobs_pending") ?? 0) >= 1);
    });
  });
}
