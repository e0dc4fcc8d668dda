import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { DAY, MINUTE } from "../time.ts";
import { layerShifts } from "./layer.ts";
import { onCallAt } from "./on-call.ts";
import type { Layer, Rotation, ScheduleSpec } from "./types.ts";

const oneLayer = (timeZone: string, start: string, rotation: Rotation, members: string[]): ScheduleSpec => ({
  timeZone,
  layers: [{ name: "Primary", start, rotation, members }],
});

/** Who is on call at an instant, by user id. */
const who = (spec: ScheduleSpec, iso: string) => onCallAt(spec, [], new Date(iso)).map((e) => e.userId);

// [instant, who is on call, why]
type Expectation = [string, string[], string];

function expectTable(spec: ScheduleSpec, cases: Expectation[]): void {
  for (const [iso, expected, why] of cases) {
    test(`${iso}: ${expected.join(", ") || "nobody"} (${why})`, () =>
      assert.deepEqual(who(spec, iso), expected));
  }
}

describe("daily rotation, Europe/Berlin, hand-off 09:00", () => {
  const spec = oneLayer("Europe/Berlin", "2026-01-05T09:00", { kind: "daily", handoffTime: "09:00" }, [
    "alice",
    "bob",
    "carol",
  ]);
  expectTable(spec, [
    ["2026-01-05T07:59:59.999Z", [], "before the layer starts nobody is on call"],
    ["2026-01-05T08:00:00Z", ["alice"], "member 0 starts at the layer start, 09:00 CET"],
    ["2026-01-06T07:59:59.999Z", ["alice"], "a shift ends just before the next hand-off"],
    ["2026-01-06T08:00:00Z", ["bob"], "the hand-off instant belongs to the next person"],
    ["2026-01-07T12:00:00Z", ["carol"], "third day"],
    ["2026-01-08T08:00:00Z", ["alice"], "the rotation wraps around"],
    ["2026-07-01T06:59:00Z", ["carol"], "summer: 08:59 CEST is still the previous day's shift"],
    ["2026-07-01T07:00:00Z", ["alice"], "summer: hand-off at 09:00 CEST = 07:00Z (177 days after the start)"],
  ]);
});

describe("weekly rotation, America/New_York", () => {
  describe("hand-off on the start's weekday (Monday 09:00)", () => {
    const spec = oneLayer("America/New_York", "2026-01-05T09:00", { kind: "weekly", handoffTime: "09:00" }, [
      "alice",
      "bob",
    ]);
    expectTable(spec, [
      ["2026-01-05T14:00:00Z", ["alice"], "Monday 09:00 EST"],
      ["2026-01-10T12:00:00Z", ["alice"], "the weekend of the first week"],
      ["2026-01-12T13:59:59Z", ["alice"], "a second before the hand-off"],
      ["2026-01-12T14:00:00Z", ["bob"], "next Monday 09:00 EST"],
      ["2026-01-19T14:00:00Z", ["alice"], "wraps around"],
      ["2026-03-09T13:00:00Z", ["bob"], "after spring-forward the hand-off is 09:00 EDT = 13:00Z (week 9)"],
    ]);
  });
  describe("hand-off on Fridays, layer starting on a Monday", () => {
    const spec = oneLayer(
      "America/New_York",
      "2026-01-05T09:00",
      { kind: "weekly", handoffTime: "17:00", handoffWeekday: 5 },
      ["alice", "bob"],
    );
    expectTable(spec, [
      ["2026-01-05T14:00:00Z", ["alice"], "member 0 covers the short first shift from the start"],
      ["2026-01-09T21:59:00Z", ["alice"], "Friday 16:59"],
      ["2026-01-09T22:00:00Z", ["bob"], "Friday 17:00 EST"],
      ["2026-01-16T22:00:00Z", ["alice"], "the following Friday"],
    ]);
  });
});

describe("custom rotations", () => {
  describe("12 hours at 09:00 and 21:00 Berlin time", () => {
    const spec = oneLayer(
      "Europe/Berlin",
      "2026-01-05T09:00",
      { kind: "custom", handoffTime: "09:00", shiftMinutes: 720 },
      ["day", "night"],
    );
    expectTable(spec, [
      ["2026-01-05T08:00:00Z", ["day"], "09:00 CET"],
      ["2026-01-05T19:59:00Z", ["day"], "20:59 CET"],
      ["2026-01-05T20:00:00Z", ["night"], "21:00 CET"],
      ["2026-01-06T08:00:00Z", ["day"], "09:00 CET next morning"],
      ["2026-03-28T20:00:00Z", ["night"], "21:00 CET the evening before spring-forward"],
      ["2026-03-29T06:59:00Z", ["night"], "the night shift lasts 11 hours of elapsed time"],
      ["2026-03-29T07:00:00Z", ["day"], "09:00 CEST"],
    ]);
  });
  describe("3 days at midnight UTC", () => {
    const spec = oneLayer(
      "UTC",
      "2026-01-01T00:00",
      { kind: "custom", handoffTime: "00:00", shiftMinutes: 4320 },
      ["a", "b"],
    );
    expectTable(spec, [
      ["2026-01-01T00:00:00Z", ["a"], "start"],
      ["2026-01-03T23:59:59Z", ["a"], "end of day 3"],
      ["2026-01-04T00:00:00Z", ["b"], "after 72 hours"],
      ["2026-01-07T00:00:00Z", ["a"], "after 144 hours"],
    ]);
  });
});

describe("the shift index comes from arithmetic, not from walking since the start", () => {
  test("a daily rotation started in 2000 is on the right person in 2026", () => {
    const spec = oneLayer("UTC", "2000-01-01T00:00", { kind: "daily", handoffTime: "00:00" }, [
      "a",
      "b",
      "c",
    ]);
    const days = (Date.UTC(2026, 5, 1) - Date.UTC(2000, 0, 1)) / DAY;
    assert.deepEqual(who(spec, "2026-06-01T12:00:00Z"), [["a", "b", "c"][days % 3]]);
  });
  test("a 15-minute rotation started in 2001 in Berlin counts local quarter hours", () => {
    const spec = oneLayer(
      "Europe/Berlin",
      "2001-01-01T00:00",
      { kind: "custom", handoffTime: "00:00", shiftMinutes: 15 },
      ["a", "b", "c", "d", "e", "f", "g"],
    );
    // 10:07Z on 2026-07-01 is 12:07 CEST: hand-off n is at local start + 15 n minutes.
    const n = Math.floor((Date.UTC(2026, 6, 1, 12, 7) - Date.UTC(2001, 0, 1)) / (15 * MINUTE));
    assert.deepEqual(who(spec, "2026-07-01T10:07:00Z"), [["a", "b", "c", "d", "e", "f", "g"][n % 7]]);
  });
});

describe("a start off the hand-off grid", () => {
  const spec = oneLayer("UTC", "2026-01-05T15:00", { kind: "daily", handoffTime: "09:00" }, ["alice", "bob"]);
  expectTable(spec, [
    ["2026-01-05T14:59:00Z", [], "before the start"],
    ["2026-01-05T15:00:00Z", ["alice"], "member 0 from the start"],
    ["2026-01-06T08:59:00Z", ["alice"], "a short first shift, until the first 09:00"],
    ["2026-01-06T09:00:00Z", ["bob"], "then the regular hand-offs"],
  ]);
});

describe("layerShifts", () => {
  const layer: Layer = {
    name: "Primary",
    start: "2026-01-05T09:00",
    rotation: { kind: "daily", handoffTime: "09:00" },
    members: ["alice", "alice", "bob"],
  };
  test("lists the layer's shifts clipped to the range, a member listed twice in a row as one shift", () => {
    const shifts = layerShifts(layer, "UTC", new Date("2026-01-05T00:00Z"), new Date("2026-01-09T00:00Z"), 2);
    assert.deepEqual(
      shifts.map((s) => [s.start.toISOString(), s.end.toISOString(), s.userId, s.layer]),
      [
        ["2026-01-05T09:00:00.000Z", "2026-01-07T09:00:00.000Z", "alice", 2],
        ["2026-01-07T09:00:00.000Z", "2026-01-08T09:00:00.000Z", "bob", 2],
        ["2026-01-08T09:00:00.000Z", "2026-01-09T00:00:00.000Z", "alice", 2],
      ],
    );
  });
  test("a layer without members has no shifts", () => {
    assert.deepEqual(
      layerShifts({ ...layer, members: [] }, "UTC", new Date("2026-01-05Z"), new Date("2026-02-05Z")),
      [],
    );
  });
});
