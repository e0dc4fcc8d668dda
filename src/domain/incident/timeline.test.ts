import assert from "node:assert/strict";
import { describe, test } from "node:test";
import {
  canonicalJson,
  hashTimelineEvent,
  type StoredTimelineEvent,
  type TimelineKind,
  verifyTimelineChain,
} from "./timeline.ts";

const INCIDENT = "0b9f3c2e-6d1a-4a53-9d8e-2f1c7a5b4e10";

/** A correctly chained timeline of `kinds`, one minute apart. */
function chain(kinds: TimelineKind[], incidentId = INCIDENT): StoredTimelineEvent[] {
  const events: StoredTimelineEvent[] = [];
  let prevHash: string | null = null;
  kinds.forEach((kind, i) => {
    const content = {
      incidentId,
      seq: i + 1,
      kind,
      actor: i % 2 ? "bob" : "alice",
      at: new Date(Date.UTC(2026, 2, 2, 9, i)),
      data: { n: i, text: `event ${i + 1}`, nested: { list: [i, "x"] } },
      prevHash,
    };
    const hash = hashTimelineEvent(content);
    events.push({ ...content, hash });
    prevHash = hash;
  });
  return events;
}

const KINDS: TimelineKind[] = [
  "incident.declared",
  "incident.status_changed",
  "note.added",
  "evidence.added",
  "role.assigned",
  "incident.status_changed",
];

/** Recomputes an event's hash after an edit, as someone covering their tracks would. */
function rehash(event: StoredTimelineEvent): StoredTimelineEvent {
  return { ...event, hash: hashTimelineEvent(event) };
}

function head(events: StoredTimelineEvent[]): string | null {
  return events.at(-1)?.hash ?? null;
}

describe("timeline hash chain", () => {
  test("an intact chain verifies, with its length and head", () => {
    const events = chain(KINDS);
    assert.deepEqual(verifyTimelineChain(events, head(events)), {
      ok: true,
      count: 6,
      head: head(events),
    });
    assert.deepEqual(verifyTimelineChain(events), { ok: true, count: 6, head: head(events) });
  });

  test("an empty timeline verifies against an empty head, and not against a recorded one", () => {
    assert.deepEqual(verifyTimelineChain([], null), { ok: true, count: 0, head: null });
    const verdict = verifyTimelineChain([], "0".repeat(64));
    assert.equal(verdict.ok, false);
  });

  test("every event's hash links to the previous one", () => {
    const events = chain(KINDS);
    assert.equal(events[0]?.prevHash, null);
    for (let i = 1; i < events.length; i++) assert.equal(events[i]?.prevHash, events[i - 1]?.hash);
    assert.equal(new Set(events.map((e) => e.hash)).size, events.length);
  });

  const edits: [string, (e: StoredTimelineEvent) => StoredTimelineEvent][] = [
    ["data", (e) => ({ ...e, data: { ...e.data, text: "rewritten" } })],
    ["actor", (e) => ({ ...e, actor: "mallory" })],
    ["time", (e) => ({ ...e, at: new Date(e.at.getTime() + 1) })],
    ["kind", (e) => ({ ...e, kind: "note.added" === e.kind ? "evidence.added" : "note.added" })],
    ["incident", (e) => ({ ...e, incidentId: "4a8e2d55-1c0b-4f7e-8a3d-9b6c5e4f3a21" })],
  ];
  for (const [field, edit] of edits) {
    test(`an edited ${field} is found at the edited event`, () => {
      const events = chain(KINDS);
      const target = events[2];
      assert.ok(target);
      events[2] = edit(target);
      const verdict = verifyTimelineChain(events, head(events));
      assert.equal(verdict.ok, false);
      assert.ok(!verdict.ok);
      assert.equal(verdict.seq, 3);
      assert.match(verdict.problem, /edited/);
    });
  }

  test("an edit with a recomputed hash is found at the next event", () => {
    const events = chain(KINDS);
    const target = events[2];
    assert.ok(target);
    events[2] = rehash({ ...target, data: { text: "nothing happened" } });
    const verdict = verifyTimelineChain(events, head(chain(KINDS)));
    assert.ok(!verdict.ok);
    assert.equal(verdict.seq, 4);
    assert.match(verdict.problem, /prev_hash/);
  });

  test("an edit of the last event with a recomputed hash is found through the recorded head", () => {
    const original = chain(KINDS);
    const events = [...original];
    const last = events.at(-1);
    assert.ok(last);
    events[events.length - 1] = rehash({ ...last, actor: "mallory" });
    assert.equal(verifyTimelineChain(events).ok, true, "without the head the rewrite is self-consistent");
    assert.equal(verifyTimelineChain(events, head(original)).ok, false);
  });

  test("a removed middle event is reported as missing", () => {
    const events = chain(KINDS);
    events.splice(3, 1);
    const verdict = verifyTimelineChain(events, head(chain(KINDS)));
    assert.ok(!verdict.ok);
    assert.equal(verdict.seq, 5);
    assert.match(verdict.problem, /expected event #4, found #5/);
    assert.equal(verdict.count, 5);
  });

  test("a removed first event is reported", () => {
    const events = chain(KINDS).slice(1);
    const verdict = verifyTimelineChain(events);
    assert.ok(!verdict.ok);
    assert.match(verdict.problem, /expected event #1, found #2/);
  });

  test("a removed last event is found through the recorded head", () => {
    const original = chain(KINDS);
    const truncated = original.slice(0, -1);
    assert.equal(verifyTimelineChain(truncated).ok, true, "a prefix alone is a valid chain");
    const verdict = verifyTimelineChain(truncated, head(original));
    assert.ok(!verdict.ok);
    assert.equal(verdict.seq, 6);
    assert.match(verdict.problem, /removed/);
  });

  test("events appended after the recorded head are reported as added, not as removed", () => {
    const events = chain(KINDS);
    const recordedHead = events[3]?.hash ?? null;
    const verdict = verifyTimelineChain(events, recordedHead);
    assert.ok(!verdict.ok);
    assert.equal(verdict.seq, 5);
    assert.match(verdict.problem, /after #4, the recorded head, were added/);
  });

  test("a reordered pair is found", () => {
    for (let i = 0; i + 1 < KINDS.length; i++) {
      const events = chain(KINDS);
      const a = events[i];
      const b = events[i + 1];
      assert.ok(a && b);
      events[i] = b;
      events[i + 1] = a;
      const verdict = verifyTimelineChain(events, head(chain(KINDS)));
      assert.ok(!verdict.ok, `swapping #${i + 1} and #${i + 2}`);
      assert.equal(verdict.seq, i + 2);
    }
  });

  test("a reordered pair renumbered to look sequential is found", () => {
    const events = chain(KINDS);
    const a = events[1];
    const b = events[2];
    assert.ok(a && b);
    events[1] = { ...b, seq: 2 };
    events[2] = { ...a, seq: 3 };
    assert.equal(verifyTimelineChain(events, head(chain(KINDS))).ok, false);
  });

  test("an event spliced in from another incident's timeline is found", () => {
    const ours = chain(KINDS);
    const theirs = chain(KINDS, "4a8e2d55-1c0b-4f7e-8a3d-9b6c5e4f3a21");
    const foreign = theirs[2];
    assert.ok(foreign);
    ours[2] = foreign;
    assert.equal(verifyTimelineChain(ours, head(ours)).ok, false);
  });
});

describe("canonical JSON", () => {
  test("object keys are sorted at every level, so key order does not change the hash", () => {
    assert.equal(
      canonicalJson({ b: 1, a: { d: [1, { z: 1, y: 2 }], c: null } }),
      '{"a":{"c":null,"d":[1,{"y":2,"z":1}]},"b":1}',
    );
    const base = {
      incidentId: INCIDENT,
      seq: 1,
      kind: "note.added" as const,
      actor: "a",
      at: new Date(0),
      prevHash: null,
    };
    assert.equal(
      hashTimelineEvent({ ...base, data: { x: 1, y: "2" } }),
      hashTimelineEvent({ ...base, data: { y: "2", x: 1 } }),
    );
  });

  test("dates become ISO strings and undefined members are left out, as JSON storage does", () => {
    assert.equal(
      canonicalJson({ at: new Date("2026-03-02T09:00:00Z"), gone: undefined }),
      '{"at":"2026-03-02T09:00:00.000Z"}',
    );
    assert.equal(canonicalJson([undefined, 1]), "[null,1]");
    const stored = JSON.parse(JSON.stringify({ at: new Date(0), gone: undefined, list: [undefined] }));
    assert.equal(
      canonicalJson(stored),
      canonicalJson({ at: new Date(0), gone: undefined, list: [undefined] }),
    );
  });

  test("scalars", () => {
    assert.deepEqual([null, true, 0, -1.5, 'a"b', "é"].map(canonicalJson), [
      "null",
      "true",
      "0",
      "-1.5",
      '"a\\"b"',
      '"é"',
    ]);
  });
});
