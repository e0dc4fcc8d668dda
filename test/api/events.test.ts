// Live changes: GET /api/v1/events streams a server-sent event for every committed incident change.

import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { AlertIntake } from "#app/alerts/intake.ts";
import { SessionAuthenticator } from "#app/auth/sessions.ts";
import { bootstrapAdmin, TokenAuthenticator } from "#app/auth/tokens.ts";
import { silentLogger } from "#app/context.ts";
import { type ChangeFeed, LocalChangeFeed } from "#app/events.ts";
import { DEFAULT_SEVERITY_POLICY } from "#domain/incident/severity.ts";
import { buildServer } from "#http/server.ts";
import { openTestDb } from "#store/testing.ts";
import { T0 } from "../helpers/factories.ts";
import { ManualClock, startTestFoghorn, TEST_ADMIN_PASSWORD, type TestFoghorn } from "../helpers/foghorn.ts";
import { type SseMessage, SseReader } from "../helpers/sse.ts";

type Json = Record<string, unknown>;

async function openStream(foghorn: TestFoghorn, headers: Record<string, string>) {
  const abort = new AbortController();
  const res = await fetch(`${foghorn.url}/api/v1/events`, { headers, signal: abort.signal });
  return { res, abort };
}

const incidentEvent = (id: unknown, kind: string) => (m: SseMessage) =>
  m.event === "incident" &&
  (JSON.parse(m.data) as Json).id === id &&
  (JSON.parse(m.data) as Json).kind === kind;

describe("the change feed as server-sent events (pglite)", () => {
  let foghorn: TestFoghorn;
  before(async () => {
    foghorn = await startTestFoghorn("pglite");
  });
  after(async () => {
    await foghorn?.close();
  });

  test("the stream says hello, then announces a declared incident and its status change", async () => {
    const { res, abort } = await openStream(foghorn, { authorization: `Bearer ${foghorn.token}` });
    try {
      assert.equal(res.status, 200);
      assert.match(res.headers.get("content-type") ?? "", /^text\/event-stream/);
      assert.equal(res.headers.get("cache-control"), "no-cache, no-transform");
      assert.ok(res.headers.get("x-request-id"));
      const stream = new SseReader(res);
      const hello = await stream.next();
      assert.deepEqual({ event: hello.event, data: hello.data }, { event: "hello", data: "{}" });

      const declared = await foghorn.api("/api/v1/incidents", {
        body: { title: "Live one", severity: "high" },
      });
      assert.equal(declared.status, 201);
      const incident = (await declared.json()) as Json;
      const event = await stream.next((m) => m.event === "incident");
      const data = JSON.parse(event.data) as Json;
      assert.deepEqual(Object.keys(data).sort(), ["at", "id", "kind", "type"]);
      assert.equal(data.type, "incident");
      assert.equal(data.id, incident.id);
      assert.equal(data.kind, "incident.declared");
      assert.equal(data.at, incident.created_at);

      const acked = await foghorn.api(`/api/v1/incidents/${incident.id}/status`, {
        body: { status: "acknowledged" },
      });
      assert.equal(acked.status, 200);
      await acked.arrayBuffer();
      await stream.next(incidentEvent(incident.id, "incident.status_changed"));

      const note = await foghorn.api(`/api/v1/incidents/${incident.id}/notes`, { body: { text: "looking" } });
      await note.arrayBuffer();
      await stream.next(incidentEvent(incident.id, "note.added"));

      const refused = await foghorn.api(`/api/v1/incidents/${incident.id}/status`, {
        body: { status: "postmortem" },
      });
      assert.equal(refused.status, 409);
      await refused.arrayBuffer();
      const later = await foghorn.api(`/api/v1/incidents/${incident.id}/evidence`, {
        body: { url: "https://grafana.example.com/d/1" },
      });
      await later.arrayBuffer();
      await stream.next(incidentEvent(incident.id, "evidence.added"));
      const kinds = stream.seen
        .filter((m) => m.event === "incident")
        .map((m) => (JSON.parse(m.data) as Json).kind);
      assert.deepEqual(
        kinds,
        ["incident.declared", "incident.status_changed", "note.added", "evidence.added"],
        "a refused change announces nothing",
      );
    } finally {
      abort.abort();
    }
  });

  test("the session cookie opens the stream too (a GET needs no CSRF token); no credentials is 401", async () => {
    const signIn = await foghorn.api("/api/v1/session", {
      token: null,
      body: { username: "admin", password: TEST_ADMIN_PASSWORD },
    });
    const session = signIn.headers.getSetCookie().find((c) => c.startsWith("foghorn_session="));
    const cookie = (session ?? "").split(";")[0] ?? "";
    await signIn.arrayBuffer();
    const { res, abort } = await openStream(foghorn, { cookie });
    try {
      assert.equal(res.status, 200);
      const stream = new SseReader(res);
      assert.equal((await stream.next()).event, "hello");
      const declared = await foghorn.api("/api/v1/incidents", {
        body: { title: "Via cookie", severity: "low" },
      });
      const incident = (await declared.json()) as Json;
      await stream.next(incidentEvent(incident.id, "incident.declared"));
    } finally {
      abort.abort();
    }
    const refused = await fetch(`${foghorn.url}/api/v1/events`);
    assert.equal(refused.status, 401);
    assert.match(refused.headers.get("content-type") ?? "", /^application\/problem\+json/);
    await refused.arrayBuffer();
  });

  test("every open stream hears every change", async () => {
    const streams = await Promise.all(
      [1, 2, 3].map(() => openStream(foghorn, { authorization: `Bearer ${foghorn.token}` })),
    );
    try {
      const readers = streams.map(({ res }) => new SseReader(res));
      await Promise.all(readers.map((r) => r.next((m) => m.event === "hello")));
      const declared = await foghorn.api("/api/v1/incidents", {
        body: { title: "Fan out", severity: "low" },
      });
      const incident = (await declared.json()) as Json;
      await Promise.all(readers.map((r) => r.next(incidentEvent(incident.id, "incident.declared"))));
    } finally {
      for (const { abort } of streams) abort.abort();
    }
  });
});

describe("shutting down with event streams open (pglite)", () => {
  test("app.close ends open streams instead of waiting for them", async () => {
    const foghorn = await startTestFoghorn("pglite");
    const { res } = await openStream(foghorn, { authorization: `Bearer ${foghorn.token}` });
    const stream = new SseReader(res);
    await stream.next((m) => m.event === "hello");
    const started = performance.now();
    await foghorn.close();
    assert.ok(performance.now() - started < 5_000, "the server stopped promptly");
    assert.equal(await stream.ended(), true, "the client sees the stream end");
  });
});

describe("an event stream's subscription (pglite)", () => {
  test("a client that disconnects is unsubscribed from the feed", async () => {
    const inner = new LocalChangeFeed();
    let subscribed!: () => void;
    let unsubscribed!: () => void;
    const onSubscribe = new Promise<void>((resolve) => {
      subscribed = resolve;
    });
    const onUnsubscribe = new Promise<void>((resolve) => {
      unsubscribed = resolve;
    });
    const events: ChangeFeed = {
      publish: (event) => inner.publish(event),
      subscribe(listener) {
        const off = inner.subscribe(listener);
        subscribed();
        return () => {
          off();
          unsubscribed();
        };
      },
    };
    const database = await openTestDb("pglite");
    const clock = new ManualClock(T0);
    const app = buildServer({
      context: {
        db: database.db,
        clock,
        log: silentLogger,
        policy: { severities: DEFAULT_SEVERITY_POLICY, priorityScheme: "p1-p4" },
        events,
      },
      authenticator: new TokenAuthenticator(database.db, clock),
      sessions: new SessionAuthenticator(database.db, clock),
      system: { version: "test", storage: "pglite", ready: async () => {} },
      intake: new AlertIntake(database.db, clock, { defaultRateLimitPerMinute: 0, maxQueuedEvents: 1000 }),
      bodyLimit: 1024 * 1024,
      trustProxy: false,
      logger: undefined,
    });
    try {
      const { token } = await bootstrapAdmin(database.db, clock);
      const url = await app.listen({ host: "127.0.0.1", port: 0 });
      const abort = new AbortController();
      const res = await fetch(`${url}/api/v1/events`, {
        headers: { authorization: `Bearer ${token}` },
        signal: abort.signal,
      });
      const stream = new SseReader(res);
      await stream.next((m) => m.event === "hello");
      await onSubscribe;
      assert.equal(inner.listenerCount, 1);
      abort.abort();
      await onUnsubscribe;
      assert.equal(inner.listenerCount, 0);
    } finally {
      await app.close();
      await database.close();
    }
  });
});
