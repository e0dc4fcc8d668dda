// Live updates across replicas (issue 11 part 1): two Foghorn servers, each with its own connection pool, on
// one PostgreSQL database. A browser's event stream on replica A shows what was done through replica B
// within a second (PostgreSQL LISTEN/NOTIFY), and when A's listening connection is cut, A reconnects by
// itself and tells its browsers to reload (changes may have been missed meanwhile).
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { sql } from "drizzle-orm";
import pino from "pino";
import { loadConfig } from "#config/load.ts";
import { openDb } from "#store/db.ts";
import { LISTENER_APPLICATION_NAME } from "#store/notify.ts";
import { executeRows } from "#store/rows.ts";
import { testBackends } from "#store/testing.ts";
import { type RunningFoghorn, startFoghorn } from "../../src/main.ts";
import { startTestFoghorn, TEST_ADMIN_TOKEN, type TestFoghorn } from "../helpers/foghorn.ts";
import { type SseMessage, SseReader } from "../helpers/sse.ts";

type Json = Record<string, unknown>;
const auth = { authorization: `Bearer ${TEST_ADMIN_TOKEN}` };

/** The next matching message, or a failure once `ms` have passed. */
async function within(stream: SseReader, ms: number, match: (m: SseMessage) => boolean, what: string) {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new Error(`${what}: not within ${ms} ms; seen ${JSON.stringify(stream.seen)}`)),
      ms,
    );
  });
  try {
    return await Promise.race([stream.next(match), late]);
  } finally {
    clearTimeout(timer);
  }
}

async function openStream(url: string) {
  const abort = new AbortController();
  const res = await fetch(`${url}/api/v1/events`, { headers: auth, signal: abort.signal });
  assert.equal(res.status, 200);
  const stream = new SseReader(res);
  assert.equal((await stream.next()).event, "hello");
  return { stream, abort };
}

async function declare(url: string, title: string): Promise<Json> {
  const res = await fetch(`${url}/api/v1/incidents`, {
    method: "POST",
    headers: { ...auth, "content-type": "application/json" },
    body: JSON.stringify({ title, severity: "SEV2" }),
  });
  const body = (await res.json()) as Json;
  assert.equal(res.status, 201, JSON.stringify(body));
  return body;
}

const backend = (await testBackends()).find((b) => b.kind === "postgres");

describe("live updates across replicas (postgres)", {
  skip: backend ? backend.skip : "PostgreSQL only",
}, () => {
  let a: TestFoghorn;
  let b: RunningFoghorn;
  before(async () => {
    a = await startTestFoghorn("postgres");
    const url = a.database.url as string;
    // Replica B: the same database through a pool of its own, the same wiring as `foghorn serve`.
    const config = loadConfig({
      env: { PORT: "0", FOGHORN_LOG_LEVEL: "silent", FOGHORN_BOOTSTRAP_TOKEN: TEST_ADMIN_TOKEN },
      cwd: process.cwd(),
      configPath: undefined,
    });
    const database = Object.assign(await openDb({ databaseUrl: url, poolSize: 4 }), { url });
    b = await startFoghorn(config, pino({ level: "silent" }), {
      database,
      stdout: { write: () => true },
    });
  });
  after(async () => {
    await b?.stop();
    await a?.close();
  });

  test("an incident declared through B, and its acknowledgement, reach a browser on A within 1 s", async () => {
    const { stream, abort } = await openStream(a.url);
    try {
      const incident = await declare(b.url, "Checkout is down (declared on B)");
      const seen = await within(
        stream,
        1000,
        (m) => m.event === "incident" && (JSON.parse(m.data) as Json).id === incident.id,
        "the declaration on A",
      );
      assert.deepEqual(JSON.parse(seen.data), {
        type: "incident",
        id: incident.id,
        kind: "incident.declared",
        at: incident.created_at,
      });
      const acked = await fetch(`${b.url}/api/v1/incidents/${incident.id}/status`, {
        method: "POST",
        headers: { ...auth, "content-type": "application/json" },
        body: JSON.stringify({ status: "acknowledged" }),
      });
      assert.equal(acked.status, 200, await acked.text());
      await within(
        stream,
        1000,
        (m) =>
          m.event === "incident" &&
          (JSON.parse(m.data) as Json).id === incident.id &&
          (JSON.parse(m.data) as Json).kind === "incident.status_changed",
        "the acknowledgement on A",
      );
      // A's own change is announced on A once (from its own feed), not a second time through PostgreSQL.
      const own = await declare(a.url, "Search is slow (declared on A)");
      await within(stream, 1000, (m) => (JSON.parse(m.data || "{}") as Json).id === own.id, "A's own change");
      const marker = await declare(b.url, "Marker (declared on B)");
      await within(stream, 1000, (m) => (JSON.parse(m.data || "{}") as Json).id === marker.id, "the marker");
      const ownEvents = stream.seen.filter(
        (m) => m.event === "incident" && (JSON.parse(m.data) as Json).id === own.id,
      );
      assert.equal(ownEvents.length, 1, "no echo of A's own change");
    } finally {
      abort.abort();
    }
  });

  test("a maintenance window or a deleted integration made through A applies on B at once, not after its caches expire", async () => {
    const api = async (url: string, path: string, body?: unknown, method = body ? "POST" : "GET") => {
      const res = await fetch(`${url}${path}`, {
        method,
        headers: { ...auth, ...(body ? { "content-type": "application/json" } : {}) },
        ...(body ? { body: JSON.stringify(body) } : {}),
      });
      return { status: res.status, body: (await res.json().catch(() => null)) as Json };
    };
    assert.equal((await api(a.url, "/api/v1/services", { name: "cached" })).status, 201);
    const integration = await api(a.url, "/api/v1/services/cached/integrations", { kind: "alertmanager" });
    const hook = new URL(String(integration.body.url)).pathname;
    const post = (name: string) =>
      fetch(`${b.url}${hook}`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({
          version: "4",
          groupKey: `{}:{alertname="${name}"}`,
          status: "firing",
          receiver: "foghorn",
          groupLabels: { alertname: name },
          commonLabels: { alertname: name, severity: "critical" },
          commonAnnotations: { summary: name },
          externalURL: "http://alertmanager.example:9093",
          alerts: [
            {
              status: "firing",
              labels: { alertname: name, severity: "critical" },
              annotations: { summary: name },
              startsAt: "2026-12-05T00:00:00Z",
              endsAt: "0001-01-01T00:00:00Z",
              generatorURL: "",
              fingerprint: `${name}-0`,
            },
          ],
        }),
      });
    const applied = async (name: string) => {
      for (const started = Date.now(); Date.now() - started < 5000; ) {
        const list = await api(b.url, "/api/v1/alerts?service=cached");
        const found = (list.body.items as Json[]).find((x) => x.summary === name);
        if (found) return found;
        await new Promise((r) => setTimeout(r, 50));
      }
      throw new Error(`alert ${name} was not applied within 5 s`);
    };
    // B applies a first alert: its caches now hold the service (no maintenance) and the integration.
    assert.equal((await post("BeforeWindow")).status, 202);
    assert.ok((await applied("BeforeWindow")).incident, "outside a window, an alert opens an incident");
    const now = Date.now();
    const window = await api(a.url, "/api/v1/services/cached/maintenance", {
      starts_at: new Date(now - 60_000).toISOString(),
      ends_at: new Date(now + 3_600_000).toISOString(),
    });
    assert.equal(window.status, 201, JSON.stringify(window.body));
    // Well inside the 5 s the caches would keep the old settings, with room for the notification to travel.
    await new Promise((r) => setTimeout(r, 300));
    assert.equal((await post("InWindow")).status, 202);
    const muted = await applied("InWindow");
    assert.equal(muted.incident, null, "an alert in the window opens no incident on B");
    assert.equal(muted.suppressed, true);
    // Deleting the integration through A: B stops accepting its key at once (it cached the key for 30 s).
    assert.equal(
      (await api(a.url, `/api/v1/integrations/${integration.body.id}`, undefined, "DELETE")).status,
      204,
    );
    await new Promise((r) => setTimeout(r, 300));
    assert.equal((await post("AfterDelete")).status, 404);
  });

  test("A's listening connection cut: A reconnects, its browsers get a reload, and B's changes flow again", async () => {
    const { stream, abort } = await openStream(a.url);
    try {
      // Cut every change-feed connection of this database (A's and B's), as a PostgreSQL restart would.
      const admin = await openDb({ databaseUrl: a.database.url as string, poolSize: 1 });
      try {
        const cut = await executeRows(
          admin.db,
          sql`select pg_terminate_backend(pid) as cut from pg_stat_activity
              where datname = current_database() and application_name = ${LISTENER_APPLICATION_NAME}`,
        );
        assert.equal(cut.length, 2, "A and B each listen");
      } finally {
        await admin.close();
      }
      await within(stream, 5000, (m) => m.event === "reload", "a reload after the reconnect");
      const incident = await declare(b.url, "After the reconnect (declared on B)");
      await within(
        stream,
        1000,
        (m) => m.event === "incident" && (JSON.parse(m.data) as Json).id === incident.id,
        "B's change after the reconnect",
      );
    } finally {
      abort.abort();
    }
  });
});
