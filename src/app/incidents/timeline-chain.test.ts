// Property tests of the tamper-evident timeline: chains built the way the use cases build them
// (chainEvents), checked by the domain's verifyTimelineChain. These live in app/ because domain/ may not
// import npm packages other than zod, fast-check included (ARCHITECTURE.md).
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import fc from "fast-check";
import {
  canonicalJson,
  type StoredTimelineEvent,
  TIMELINE_KINDS,
  verifyTimelineChain,
} from "#domain/incident/timeline.ts";
import { chainEvents, type NewTimelineEvent } from "./internal.ts";

const jsonData = fc.dictionary(
  fc.string({ maxLength: 8 }),
  fc.oneof(
    fc.string({ maxLength: 20 }),
    fc.integer(),
    fc.boolean(),
    fc.constant(null),
    fc.array(fc.oneof(fc.string({ maxLength: 5 }), fc.integer()), { maxLength: 3 }),
  ),
  { maxKeys: 4, noNullPrototype: true },
);

const newEvent: fc.Arbitrary<NewTimelineEvent> = fc.record({
  kind: fc.constantFrom(...TIMELINE_KINDS),
  data: jsonData,
});

/** A chain written in batches, as a sequence of verbs would write it, each batch at its own time. */
const chainArb = fc
  .record({
    incidentId: fc.uuid(),
    batches: fc.array(
      fc.record({
        events: fc.array(newEvent, { minLength: 1, maxLength: 3 }),
        actor: fc.constantFrom("alice", "bob", "foghorn"),
        gapMs: fc.integer({ min: 0, max: 3_600_000 }),
      }),
      { minLength: 1, maxLength: 6 },
    ),
  })
  .map(({ incidentId, batches }) => {
    const events: StoredTimelineEvent[] = [];
    let at = Date.UTC(2026, 2, 2, 9);
    for (const batch of batches) {
      at += batch.gapMs;
      const last = events.at(-1);
      const head = { incidentId, lastEventSeq: last?.seq ?? 0, lastEventHash: last?.hash ?? null };
      events.push(...chainEvents(head, batch.events, batch.actor, new Date(at)));
    }
    return events;
  });

const FIELDS = ["incidentId", "seq", "kind", "actor", "at", "data", "prevHash", "hash"] as const;
type Field = (typeof FIELDS)[number];

/** Replaces one field of an event with a different value (different as stored: canonical JSON differs). */
function mutate(event: StoredTimelineEvent, field: Field, seed: number, text: string): StoredTimelineEvent {
  switch (field) {
    case "incidentId":
      return {
        ...event,
        incidentId: `${event.incidentId.slice(0, -1)}${event.incidentId.endsWith("0") ? "1" : "0"}`,
      };
    case "seq":
      return { ...event, seq: event.seq + (seed === 0 ? 1 : seed) };
    case "kind": {
      const i = TIMELINE_KINDS.indexOf(event.kind);
      const kind =
        TIMELINE_KINDS[(i + 1 + (Math.abs(seed) % (TIMELINE_KINDS.length - 1))) % TIMELINE_KINDS.length];
      assert.ok(kind && kind !== event.kind);
      return { ...event, kind };
    }
    case "actor":
      return { ...event, actor: text === event.actor ? `${text}x` : text };
    case "at":
      return { ...event, at: new Date(event.at.getTime() + (seed === 0 ? 1 : seed)) };
    case "data": {
      const data = { ...event.data, [text]: seed };
      return canonicalJson(data) === canonicalJson(event.data)
        ? { ...event, data: { ...data, [text]: seed + 1 } }
        : { ...event, data };
    }
    case "prevHash":
      return { ...event, prevHash: event.prevHash === null ? "0".repeat(64) : null };
    case "hash":
      return { ...event, hash: `${event.hash.slice(0, -1)}${event.hash.endsWith("0") ? "1" : "0"}` };
  }
}

const head = (events: readonly StoredTimelineEvent[]) => events.at(-1)?.hash ?? null;

describe("timeline chain properties", () => {
  test("a chain built by the use cases always verifies", () => {
    fc.assert(
      fc.property(chainArb, (events) => {
        const verdict = verifyTimelineChain(events, head(events));
        assert.deepEqual(verdict, { ok: true, count: events.length, head: head(events) });
        for (const [i, e] of events.entries()) assert.equal(e.seq, i + 1);
      }),
      { numRuns: 200 },
    );
  });

  test("any single-field change of any event is detected", () => {
    fc.assert(
      fc.property(
        chainArb,
        fc.nat(),
        fc.constantFrom(...FIELDS),
        fc.integer({ min: -1_000_000, max: 1_000_000 }),
        fc.string({ maxLength: 10 }),
        (events, which, field, seed, text) => {
          const recordedHead = head(events);
          const index = which % events.length;
          const target = events[index];
          assert.ok(target);
          const tampered = [...events];
          tampered[index] = mutate(target, field, seed, text);
          const verdict = verifyTimelineChain(tampered, recordedHead);
          assert.equal(verdict.ok, false, `changing ${field} of event #${index + 1} went unnoticed`);
        },
      ),
      { numRuns: 1000 },
    );
  });

  test("removing any one event, or swapping any two neighbours, is detected", () => {
    fc.assert(
      fc.property(chainArb, fc.nat(), fc.boolean(), (events, which, remove) => {
        const recordedHead = head(events);
        const index = which % events.length;
        const tampered = [...events];
        if (remove) tampered.splice(index, 1);
        else {
          fc.pre(events.length >= 2);
          const j = index === events.length - 1 ? index - 1 : index + 1;
          const a = tampered[index];
          const b = tampered[j];
          assert.ok(a && b);
          tampered[index] = b;
          tampered[j] = a;
        }
        assert.equal(verifyTimelineChain(tampered, recordedHead).ok, false);
      }),
      { numRuns: 500 },
    );
  });
});
