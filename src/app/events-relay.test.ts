// ChangeRelay: the change feed shared between processes (PostgreSQL NOTIFY in production, a fake bus here).
import assert from "node:assert/strict";
import { test } from "node:test";
import { silentLogger } from "./context.ts";
import { type ChangeEvent, ChangeRelay, decodeRelayed, encodeRelayed, LocalChangeFeed } from "./events.ts";

const AT = "2026-03-02T09:00:00.000Z";

/** Two processes' feeds on one bus that delivers every payload to every relay (as NOTIFY does). */
function twoReplicas(maxBytes = 7999) {
  const relays: ChangeRelay[] = [];
  const sent: string[] = [];
  const calls: number[] = [];
  const make = () => {
    const feed = new LocalChangeFeed(silentLogger);
    const relay = new ChangeRelay(
      feed,
      {
        maxBytes,
        async send(payloads) {
          sent.push(...payloads);
          calls.push(payloads.length);
          for (const payload of payloads) for (const r of relays) r.receive(payload);
        },
      },
      { log: silentLogger, now: () => new Date(AT) },
    );
    relays.push(relay);
    relay.start();
    const seen: ChangeEvent[] = [];
    feed.subscribe((e) => seen.push(e));
    return { feed, relay, seen };
  };
  return { a: make(), b: make(), sent, calls };
}

test("a change published on B reaches A's listeners once, and B's own listeners once (no echo)", async () => {
  const { a, b, sent } = twoReplicas();
  const event: ChangeEvent = { type: "incident", id: "INC-7", kind: "incident.declared", at: AT };
  b.feed.publish(event);
  await b.relay.stop();
  assert.deepEqual(a.seen, [event]);
  assert.deepEqual(b.seen, [event]);
  assert.equal(sent.length, 1);
  assert.deepEqual(JSON.parse(sent[0] as string), { o: b.relay.origin, e: event });
});

test("sends keep their order; a burst goes out in one round trip after the one in flight", async () => {
  const { a, b, calls } = twoReplicas();
  for (let i = 1; i <= 20; i++)
    b.feed.publish({ type: "incident", id: `INC-${i}`, kind: "note.added", at: AT });
  await b.relay.stop();
  assert.deepEqual(
    a.seen.map((e) => (e.type === "incident" ? e.id : e.type)),
    Array.from({ length: 20 }, (_, i) => `INC-${i + 1}`),
  );
  assert.deepEqual(calls, [1, 19]);
});

test("a payload too large for the transport goes out as a reload", () => {
  const huge: ChangeEvent = { type: "incident", id: "x".repeat(9000), kind: "note.added", at: AT };
  const payload = encodeRelayed("me", huge, 7999);
  assert.ok(Buffer.byteLength(payload) < 8000);
  assert.deepEqual(decodeRelayed(payload, "someone else"), { type: "reload", at: AT });
});

test("decode: our own origin, malformed payloads and non-events are dropped; unknown kinds become a reload", () => {
  const ok = encodeRelayed("b", { type: "status_page", at: AT }, 7999);
  assert.deepEqual(decodeRelayed(ok, "a"), { type: "status_page", at: AT });
  assert.equal(decodeRelayed(ok, "b"), undefined);
  const sources = encodeRelayed("b", { type: "alert_sources", at: AT }, 7999);
  assert.deepEqual(decodeRelayed(sources, "a"), { type: "alert_sources", at: AT });
  assert.equal(decodeRelayed("not json", "a"), undefined);
  assert.equal(decodeRelayed("null", "a"), undefined);
  assert.equal(decodeRelayed(JSON.stringify({ o: "b", e: { type: "incident" } }), "a"), undefined);
  assert.deepEqual(decodeRelayed(JSON.stringify({ o: "b", e: { type: "future_thing", at: AT } }), "a"), {
    type: "reload",
    at: AT,
  });
});

test("resync tells this process's listeners to reload; a failed send is logged, never thrown", async () => {
  const feed = new LocalChangeFeed(silentLogger);
  const warnings: string[] = [];
  const relay = new ChangeRelay(
    feed,
    {
      maxBytes: 7999,
      send: async () => {
        throw new Error("connection refused");
      },
    },
    {
      log: { ...silentLogger, warn: (_o: unknown, msg?: string) => void warnings.push(String(msg)) },
      now: () => new Date(AT),
    },
  );
  relay.start();
  const seen: ChangeEvent[] = [];
  feed.subscribe((e) => seen.push(e));
  feed.publish({ type: "status_page", at: AT });
  relay.resync();
  await relay.stop();
  assert.deepEqual(seen, [
    { type: "status_page", at: AT },
    { type: "reload", at: AT },
  ]);
  assert.deepEqual(warnings, ["change not shared"]);
});
