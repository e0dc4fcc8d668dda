import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { finalShifts, onCallAt, userShifts } from "./on-call.ts";
import type { Layer, Override, ScheduleSpec } from "./types.ts";

// All in Europe/Berlin in January 2026 (CET, UTC+1); 2026-01-05 is a Monday.
const TZ = "Europe/Berlin";

const weekly24x7: Layer = {
  name: "Weekly",
  start: "2026-01-05T09:00",
  rotation: { kind: "weekly", handoffTime: "09:00" },
  members: ["alice", "bob"],
};
const businessHours: Layer = {
  name: "Business hours",
  start: "2026-01-05T09:00",
  rotation: { kind: "daily", handoffTime: "09:00" },
  members: ["carol", "dave"],
  restrictions: [{ days: [1, 2, 3, 4, 5], start: "09:00", end: "17:00" }],
};
const weekend: Layer = {
  name: "Weekend",
  start: "2026-01-03T00:00",
  rotation: { kind: "weekly", handoffTime: "00:00" },
  members: ["erin"],
  restrictions: [{ days: [6, 7], start: "00:00", end: "00:00" }],
};

const who = (spec: ScheduleSpec, iso: string, overrides: Override[] = []) =>
  onCallAt(spec, overrides, new Date(iso)).map((e) => e.userId);

type Case = [string, string[], string];
function expectTable(spec: ScheduleSpec, cases: Case[], overrides: Override[] = []): void {
  for (const [iso, expected, why] of cases)
    test(`${iso}: ${expected.join(", ") || "nobody"} (${why})`, () =>
      assert.deepEqual(who(spec, iso, overrides), expected));
}

describe("restrictions", () => {
  describe("business hours Mon–Fri 09:00–17:00 over a 24/7 weekly layer", () => {
    expectTable({ timeZone: TZ, layers: [weekly24x7, businessHours] }, [
      ["2026-01-05T08:59:00Z", ["carol"], "Monday 09:59"],
      ["2026-01-05T15:59:00Z", ["carol"], "Monday 16:59"],
      [
        "2026-01-05T16:00:00Z",
        ["alice"],
        "Monday 17:00: the window has closed, the weekly layer shows through",
      ],
      ["2026-01-06T07:59:00Z", ["alice"], "Tuesday 08:59"],
      ["2026-01-06T08:00:00Z", ["dave"], "Tuesday 09:00: the window opens on the next business-hours shift"],
      ["2026-01-10T10:00:00Z", ["alice"], "Saturday is not a listed day"],
    ]);
  });
  describe("an overnight window Friday 22:00–06:00 alone", () => {
    const spec: ScheduleSpec = {
      timeZone: TZ,
      layers: [{ ...weekly24x7, restrictions: [{ days: [5], start: "22:00", end: "06:00" }] }],
    };
    expectTable(spec, [
      ["2026-01-08T22:00:00Z", [], "Thursday 23:00 is not in the window"],
      ["2026-01-09T20:59:00Z", [], "Friday 21:59"],
      ["2026-01-09T21:00:00Z", ["alice"], "Friday 22:00: the window opens"],
      ["2026-01-10T04:59:00Z", ["alice"], "Saturday 05:59: still Friday's window"],
      ["2026-01-10T05:00:00Z", [], "Saturday 06:00: closed"],
      ["2026-01-10T22:00:00Z", [], "Saturday 23:00: Saturday is not listed"],
    ]);
  });
  test("outside every window with nothing below, the timeline shows the gap", () => {
    const spec: ScheduleSpec = { timeZone: TZ, layers: [businessHours] };
    const shifts = finalShifts(spec, [], new Date("2026-01-09T00:00Z"), new Date("2026-01-13T00:00Z"));
    assert.deepEqual(
      shifts.map((s) => [s.start.toISOString(), s.userIds]),
      [
        ["2026-01-09T00:00:00.000Z", []],
        ["2026-01-09T08:00:00.000Z", ["carol"]],
        ["2026-01-09T16:00:00.000Z", []],
        // The daily rotation keeps turning at the weekend (dave Saturday, carol Sunday, outside the window).
        ["2026-01-12T08:00:00.000Z", ["dave"]],
        ["2026-01-12T16:00:00.000Z", []],
      ],
    );
  });
});

describe("layer precedence", () => {
  describe("a weekend layer above a weekly layer wins at weekends only", () => {
    expectTable({ timeZone: TZ, layers: [weekly24x7, weekend] }, [
      ["2026-01-09T22:59:00Z", ["alice"], "Friday 23:59"],
      ["2026-01-09T23:00:00Z", ["erin"], "Saturday 00:00"],
      ["2026-01-11T22:59:00Z", ["erin"], "Sunday 23:59"],
      ["2026-01-11T23:00:00Z", ["alice"], "Monday 00:00: the weekly layer shows through again"],
    ]);
  });
  describe("the same layers the other way round: the weekly layer always has someone, so it always wins", () => {
    expectTable({ timeZone: TZ, layers: [weekend, weekly24x7] }, [
      ["2026-01-10T12:00:00Z", ["alice"], "Saturday"],
    ]);
  });
  describe("before a higher layer starts, the lower one shows through", () => {
    const later: Layer = { ...weekend, start: "2026-01-17T00:00" };
    expectTable({ timeZone: TZ, layers: [weekly24x7, later] }, [
      ["2026-01-10T12:00:00Z", ["alice"], "Saturday before the weekend layer starts"],
      ["2026-01-17T12:00:00Z", ["erin"], "Saturday after"],
    ]);
  });
  test("the entry says which layer put the person on call", () => {
    assert.deepEqual(
      onCallAt({ timeZone: TZ, layers: [weekly24x7, weekend] }, [], new Date("2026-01-10T12:00Z")),
      [{ userId: "erin", layer: 1, source: "rotation" }],
    );
  });
});

describe("overrides", () => {
  const spec: ScheduleSpec = { timeZone: TZ, layers: [weekly24x7] };
  // alice until Monday 2026-01-12 09:00 CET (08:00Z), then bob.
  const o = (kind: Override["kind"], fields: Partial<Override>, start: string, end: string): Override => ({
    id: `${kind}-${start}`,
    kind,
    ...fields,
    start: new Date(start),
    end: new Date(end),
  });
  const acrossHandoff = ["2026-01-10T00:00Z", "2026-01-14T00:00Z"] as const;

  describe("replace alice with zoe across alice's hand-off to bob", () => {
    expectTable(
      spec,
      [
        ["2026-01-09T23:59:00Z", ["alice"], "before the override"],
        ["2026-01-10T00:00:00Z", ["zoe"], "the override starts"],
        ["2026-01-12T07:59:00Z", ["zoe"], "still alice's shift"],
        ["2026-01-12T08:00:00Z", ["bob"], "bob's shift: alice is not on call, so there is nobody to replace"],
      ],
      [o("replace", { userId: "zoe", replacesUserId: "alice" }, ...acrossHandoff)],
    );
  });
  describe("replace whoever is on call with zoe", () => {
    expectTable(
      spec,
      [
        ["2026-01-10T00:00:00Z", ["zoe"], "instead of alice"],
        ["2026-01-13T23:59:00Z", ["zoe"], "instead of bob"],
        ["2026-01-14T00:00:00Z", ["bob"], "the end is exclusive"],
      ],
      [o("replace", { userId: "zoe" }, ...acrossHandoff)],
    );
  });
  test("a replace without replacesUserId also covers a gap", () => {
    const gappy: ScheduleSpec = { timeZone: TZ, layers: [businessHours] };
    const overrides = [o("replace", { userId: "zoe" }, "2026-01-10T00:00Z", "2026-01-11T00:00Z")];
    assert.deepEqual(who(gappy, "2026-01-10T12:00Z", overrides), ["zoe"]);
  });
  describe("add zoe next to whoever is on call", () => {
    expectTable(
      spec,
      [
        ["2026-01-10T00:00:00Z", ["alice", "zoe"], "alongside alice"],
        ["2026-01-12T08:00:00Z", ["bob", "zoe"], "alongside bob after the hand-off"],
      ],
      [o("add", { userId: "zoe" }, ...acrossHandoff)],
    );
  });
  describe("remove alice", () => {
    expectTable(
      spec,
      [
        ["2026-01-10T00:00:00Z", [], "nobody: removing does not bring a lower layer back"],
        ["2026-01-12T08:00:00Z", ["bob"], "bob is not affected"],
      ],
      [o("remove", { replacesUserId: "alice" }, ...acrossHandoff)],
    );
  });
  test("overrides apply in the given order", () => {
    const add = o("add", { userId: "zoe" }, ...acrossHandoff);
    const remove = o("remove", { replacesUserId: "zoe" }, ...acrossHandoff);
    assert.deepEqual(who(spec, "2026-01-11T00:00Z", [add, remove]), ["alice"]);
    assert.deepEqual(who(spec, "2026-01-11T00:00Z", [remove, add]), ["alice", "zoe"]);
  });
  test("a replacement takes the replaced person's place; replacing someone with themselves changes nothing", () => {
    const add = o("add", { userId: "zoe" }, ...acrossHandoff);
    const swap = o("replace", { userId: "yves", replacesUserId: "alice" }, ...acrossHandoff);
    const self = o("replace", { userId: "alice", replacesUserId: "alice" }, ...acrossHandoff);
    assert.deepEqual(who(spec, "2026-01-11T00:00Z", [add, swap]), ["yves", "zoe"]);
    assert.deepEqual(who(spec, "2026-01-11T00:00Z", [self]), ["alice"]);
  });
  test("replacing alice with someone already on call leaves that person on call once", () => {
    const add = o("add", { userId: "zoe" }, ...acrossHandoff);
    const swap = o("replace", { userId: "zoe", replacesUserId: "alice" }, ...acrossHandoff);
    assert.deepEqual(who(spec, "2026-01-11T00:00Z", [add, swap]), ["zoe"]);
  });
  test("an override entry says it came from an override", () => {
    assert.deepEqual(
      onCallAt(spec, [o("add", { userId: "zoe" }, ...acrossHandoff)], new Date("2026-01-11T00:00Z")),
      [
        { userId: "alice", layer: 0, source: "rotation" },
        { userId: "zoe", layer: null, source: "override" },
      ],
    );
  });
  test("the merged timeline shows the override spanning the hand-off", () => {
    const shifts = finalShifts(
      spec,
      [o("replace", { userId: "zoe", replacesUserId: "alice" }, ...acrossHandoff)],
      new Date("2026-01-09T00:00Z"),
      new Date("2026-01-15T00:00Z"),
    );
    assert.deepEqual(
      shifts.map((s) => [s.start.toISOString(), s.end.toISOString(), s.userIds]),
      [
        ["2026-01-09T00:00:00.000Z", "2026-01-10T00:00:00.000Z", ["alice"]],
        ["2026-01-10T00:00:00.000Z", "2026-01-12T08:00:00.000Z", ["zoe"]],
        ["2026-01-12T08:00:00.000Z", "2026-01-15T00:00:00.000Z", ["bob"]],
      ],
    );
  });
});

describe("finalShifts and userShifts", () => {
  const spec: ScheduleSpec = { timeZone: TZ, layers: [weekly24x7, businessHours] };
  test("segments are consecutive, cover the range exactly and never repeat their neighbour", () => {
    const from = new Date("2026-01-04T12:34Z");
    const to = new Date("2026-02-01T00:00Z");
    const shifts = finalShifts(spec, [], from, to);
    assert.equal(shifts[0]?.start.getTime(), from.getTime());
    assert.equal(shifts.at(-1)?.end.getTime(), to.getTime());
    for (let i = 1; i < shifts.length; i++) {
      assert.equal(shifts[i]?.start.getTime(), shifts[i - 1]?.end.getTime());
      assert.notDeepEqual(shifts[i]?.userIds, shifts[i - 1]?.userIds);
    }
    assert.deepEqual(shifts[0]?.userIds, [], "nobody before the layers start on Monday 09:00");
  });
  test("an empty or reversed range has no segments", () => {
    assert.deepEqual(finalShifts(spec, [], new Date("2026-01-05Z"), new Date("2026-01-05Z")), []);
    assert.deepEqual(finalShifts(spec, [], new Date("2026-01-06Z"), new Date("2026-01-05Z")), []);
  });
  test("a user's periods merge across a change of who else is on call", () => {
    const overrides: Override[] = [
      {
        id: "o1",
        kind: "add",
        userId: "zoe",
        start: new Date("2026-01-06T20:00Z"),
        end: new Date("2026-01-06T22:00Z"),
      },
    ];
    const periods = userShifts(
      spec,
      overrides,
      "alice",
      new Date("2026-01-05T00:00Z"),
      new Date("2026-01-07T00:00Z"),
    );
    assert.deepEqual(
      periods.map((p) => [p.start.toISOString(), p.end.toISOString()]),
      [
        ["2026-01-05T16:00:00.000Z", "2026-01-06T08:00:00.000Z"],
        ["2026-01-06T16:00:00.000Z", "2026-01-07T00:00:00.000Z"],
      ],
    );
  });
});
