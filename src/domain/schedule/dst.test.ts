import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { HOUR } from "../time.ts";
import { finalShifts, onCallAt } from "./on-call.ts";
import type { Rotation, ScheduleSpec } from "./types.ts";

/** The instants in (from, to) at which the person on call changes. */
function handoffsBetween(spec: ScheduleSpec, from: number, to: number): string[] {
  return finalShifts(spec, [], new Date(from), new Date(to))
    .slice(1)
    .map((s) => s.start.toISOString());
}

function alternating(timeZone: string, start: string, rotation: Rotation): ScheduleSpec {
  return { timeZone, layers: [{ name: "Primary", start, rotation, members: ["a", "b"] }] };
}

describe("daily hand-offs on DST change days", () => {
  // [zone, hand-off time, layer start (a few days before), the day's hand-off instant, why]
  const cases: [string, string, string, string, string][] = [
    [
      "Europe/Berlin",
      "02:30",
      "2026-03-26T02:30",
      "2026-03-29T01:00:00Z",
      "02:30 does not exist: 03:00 CEST",
    ],
    [
      "Europe/Berlin",
      "02:00",
      "2026-03-26T02:00",
      "2026-03-29T01:00:00Z",
      "02:00 does not exist: 03:00 CEST",
    ],
    [
      "Europe/Berlin",
      "03:00",
      "2026-03-26T03:00",
      "2026-03-29T01:00:00Z",
      "03:00 CEST, the first time after the gap",
    ],
    ["Europe/Berlin", "09:00", "2026-03-26T09:00", "2026-03-29T07:00:00Z", "09:00 stays 09:00 local (CEST)"],
    [
      "Europe/Berlin",
      "02:30",
      "2026-10-22T02:30",
      "2026-10-25T00:30:00Z",
      "02:30 occurs twice: the first (CEST)",
    ],
    ["Europe/Berlin", "09:00", "2026-10-22T09:00", "2026-10-25T08:00:00Z", "09:00 stays 09:00 local (CET)"],
    [
      "America/New_York",
      "02:30",
      "2026-03-05T02:30",
      "2026-03-08T07:00:00Z",
      "02:30 does not exist: 03:00 EDT",
    ],
    ["America/New_York", "09:00", "2026-03-05T09:00", "2026-03-08T13:00:00Z", "09:00 EDT"],
    [
      "America/New_York",
      "01:30",
      "2026-10-29T01:30",
      "2026-11-01T05:30:00Z",
      "01:30 occurs twice: the first (EDT)",
    ],
    ["America/New_York", "09:00", "2026-10-29T09:00", "2026-11-01T14:00:00Z", "09:00 EST"],
    [
      "Australia/Lord_Howe",
      "02:15",
      "2026-10-01T02:15",
      "2026-10-03T15:30:00Z",
      "30-minute gap: 02:30 (+11)",
    ],
    ["Australia/Lord_Howe", "09:00", "2026-10-01T09:00", "2026-10-03T22:00:00Z", "09:00 (+11)"],
    [
      "Australia/Lord_Howe",
      "01:45",
      "2026-04-02T01:45",
      "2026-04-04T14:45:00Z",
      "01:45 occurs twice: the first (+11)",
    ],
    ["Australia/Lord_Howe", "09:00", "2026-04-02T09:00", "2026-04-04T22:30:00Z", "09:00 (+10:30)"],
  ];
  for (const [zone, handoffTime, start, expected, why] of cases) {
    test(`${zone} daily ${handoffTime}: hand-off at ${expected} (${why})`, () => {
      const spec = alternating(zone, start, { kind: "daily", handoffTime });
      const at = Date.parse(expected);
      // Exactly one hand-off within 12 hours either side: none at a repeated local time's second occurrence.
      assert.deepEqual(handoffsBetween(spec, at - 12 * HOUR, at + 12 * HOUR), [new Date(at).toISOString()]);
      const before = onCallAt(spec, [], new Date(at - 1))[0]?.userId;
      const after = onCallAt(spec, [], new Date(at))[0]?.userId;
      assert.notEqual(before, after);
    });
  }
});

test("Berlin daily 09:00 is 08:00Z in winter and 07:00Z in summer, every day across both changes", () => {
  const spec = alternating("Europe/Berlin", "2026-03-20T09:00", { kind: "daily", handoffTime: "09:00" });
  const handoffs = handoffsBetween(spec, Date.parse("2026-03-25T12:00Z"), Date.parse("2026-04-01T12:00Z"));
  assert.deepEqual(handoffs, [
    "2026-03-26T08:00:00.000Z",
    "2026-03-27T08:00:00.000Z",
    "2026-03-28T08:00:00.000Z",
    "2026-03-29T07:00:00.000Z",
    "2026-03-30T07:00:00.000Z",
    "2026-03-31T07:00:00.000Z",
    "2026-04-01T07:00:00.000Z",
  ]);
});

test("a 12-hour rotation at 09:00/21:00 stays on those local times across Berlin's spring-forward", () => {
  const spec = alternating("Europe/Berlin", "2026-03-20T09:00", {
    kind: "custom",
    handoffTime: "09:00",
    shiftMinutes: 720,
  });
  const handoffs = handoffsBetween(spec, Date.parse("2026-03-28T12:00Z"), Date.parse("2026-03-30T12:00Z"));
  assert.deepEqual(handoffs, [
    "2026-03-28T20:00:00.000Z",
    "2026-03-29T07:00:00.000Z",
    "2026-03-29T19:00:00.000Z",
    "2026-03-30T07:00:00.000Z",
  ]);
});

test("a weekly Sunday 02:30 hand-off in Berlin happens at 03:00 CEST on the spring-forward Sunday", () => {
  const spec = alternating("Europe/Berlin", "2026-03-01T02:30", { kind: "weekly", handoffTime: "02:30" });
  const handoffs = handoffsBetween(spec, Date.parse("2026-03-25T00:00Z"), Date.parse("2026-04-02T00:00Z"));
  assert.deepEqual(handoffs, ["2026-03-29T01:00:00.000Z"]);
});

test("in New York's repeated hour, 01:30 EST (the second 01:30) is not a second hand-off", () => {
  const spec = alternating("America/New_York", "2026-10-29T01:30", { kind: "daily", handoffTime: "01:30" });
  const first = onCallAt(spec, [], new Date("2026-11-01T05:30:00Z"))[0]?.userId;
  const second = onCallAt(spec, [], new Date("2026-11-01T06:30:00Z"))[0]?.userId;
  assert.equal(second, first);
  // The next hand-off is 01:30 EST on 2026-11-02, 25 hours after the first one.
  assert.notEqual(onCallAt(spec, [], new Date("2026-11-02T06:30:00Z"))[0]?.userId, first);
  assert.equal(onCallAt(spec, [], new Date("2026-11-02T06:29:00Z"))[0]?.userId, first);
});

test("a layer whose start is inside a gap starts at the first instant that exists", () => {
  const spec = alternating("Europe/Berlin", "2026-03-29T02:30", { kind: "daily", handoffTime: "02:30" });
  assert.deepEqual(onCallAt(spec, [], new Date("2026-03-29T00:59:59Z")), []);
  assert.deepEqual(
    onCallAt(spec, [], new Date("2026-03-29T01:00:00Z")).map((e) => e.userId),
    ["a"],
  );
});
