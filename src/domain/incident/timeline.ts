import { createHash } from "node:crypto";

import type { TimelineKind } from "./timeline-kinds.ts";

export { TIMELINE_KINDS, type TimelineKind } from "./timeline-kinds.ts";

/** The content of a timeline event that its hash covers. */
export interface TimelineEventContent {
  incidentId: string;
  seq: number;
  kind: TimelineKind;
  actor: string;
  at: Date;
  data: Record<string, unknown>;
  prevHash: string | null;
}

/** JSON with object keys sorted at every level, so the same content always hashes the same. */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== "object") return JSON.stringify(value) ?? "null";
  if (value instanceof Date) return JSON.stringify(value.toISOString());
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(",")}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(",")}}`;
}

/**
 * The tamper-evident link: sha256 over the event's content and the previous event's hash. Changing,
 * removing or reordering any earlier event changes every later hash.
 */
export function hashTimelineEvent(event: TimelineEventContent): string {
  const body = canonicalJson({
    incident_id: event.incidentId,
    seq: event.seq,
    kind: event.kind,
    actor: event.actor,
    at: event.at.toISOString(),
    data: event.data,
    prev_hash: event.prevHash,
  });
  return createHash("sha256").update(body).digest("hex");
}

export interface StoredTimelineEvent extends TimelineEventContent {
  hash: string;
}

export type ChainVerdict =
  | { ok: true; count: number; head: string | null }
  | { ok: false; count: number; seq: number; problem: string };

/** Walks an incident's events in seq order and reports the first break in the chain. */
export function verifyTimelineChain(
  events: readonly StoredTimelineEvent[],
  expectedHead?: string | null,
): ChainVerdict {
  let prev: string | null = null;
  let expectedSeq = 1;
  for (const event of events) {
    if (event.seq !== expectedSeq) {
      return {
        ok: false,
        count: events.length,
        seq: event.seq,
        problem: `expected event #${expectedSeq}, found #${event.seq} (an event is missing)`,
      };
    }
    if (event.prevHash !== prev) {
      return {
        ok: false,
        count: events.length,
        seq: event.seq,
        problem: "its prev_hash does not match the previous event's hash",
      };
    }
    if (hashTimelineEvent(event) !== event.hash) {
      return {
        ok: false,
        count: events.length,
        seq: event.seq,
        problem: "its content no longer matches its hash (edited after it was written)",
      };
    }
    prev = event.hash;
    expectedSeq += 1;
  }
  if (expectedHead !== undefined && expectedHead !== prev) {
    const recorded = events.findIndex((e) => e.hash === expectedHead);
    if (recorded >= 0) {
      return {
        ok: false,
        count: events.length,
        seq: recorded + 2,
        problem: `events after #${recorded + 1}, the recorded head, were added without updating the incident`,
      };
    }
    return {
      ok: false,
      count: events.length,
      seq: expectedSeq,
      problem: "the chain ends early: later events were removed",
    };
  }
  return { ok: true, count: events.length, head: prev };
}
