import assert from "node:assert/strict";
import { describe, test } from "node:test";
import type { Layer, Override, ScheduleSpec } from "./types.ts";
import { validateOverride, validateScheduleSpec } from "./validate.ts";

const layer: Layer = {
  name: "Primary",
  start: "2026-01-05T09:00",
  rotation: { kind: "daily", handoffTime: "09:00" },
  members: ["alice"],
};
const spec = (change: (s: ScheduleSpec, l: Layer) => void): ScheduleSpec => {
  const l = structuredClone(layer);
  const s: ScheduleSpec = { timeZone: "Europe/Berlin", layers: [l] };
  change(s, l);
  return s;
};

describe("validateScheduleSpec", () => {
  test("a good spec, one with no layers, and a layer with no members are valid", () => {
    assert.deepEqual(validateScheduleSpec(spec(() => {})), []);
    assert.deepEqual(validateScheduleSpec({ timeZone: "UTC", layers: [] }), []);
    assert.deepEqual(validateScheduleSpec(spec((_, l) => (l.members = []))), []);
  });

  // [what is wrong, the spec, the path reported, a part of the message]
  const cases: [string, ScheduleSpec, string, string][] = [
    ["unknown zone", spec((s) => (s.timeZone = "Europe/Atlantis")), "timeZone", "IANA time zone"],
    [
      "bad hand-off time",
      spec((_, l) => (l.rotation.handoffTime = "9:00")),
      "layers.0.rotation.handoffTime",
      '"09:00"',
    ],
    ["24:00", spec((_, l) => (l.rotation.handoffTime = "24:00")), "layers.0.rotation.handoffTime", "24-hour"],
    [
      "start not a local time",
      spec((_, l) => (l.start = "2026-01-05 09:00")),
      "layers.0.start",
      "2026-01-05T09:00",
    ],
    [
      "start on a day that does not exist",
      spec((_, l) => (l.start = "2026-02-30T09:00")),
      "layers.0.start",
      "local date",
    ],
    [
      "custom without a length",
      spec((_, l) => (l.rotation = { kind: "custom", handoffTime: "09:00" })),
      "layers.0.rotation.shiftMinutes",
      "720 for 12 hours",
    ],
    [
      "custom shorter than 15 minutes",
      spec((_, l) => (l.rotation = { kind: "custom", handoffTime: "09:00", shiftMinutes: 10 })),
      "layers.0.rotation.shiftMinutes",
      "from 15 to 86400",
    ],
    [
      "custom longer than 60 days",
      spec((_, l) => (l.rotation = { kind: "custom", handoffTime: "09:00", shiftMinutes: 86401 })),
      "layers.0.rotation.shiftMinutes",
      "60 days",
    ],
    [
      "shift length on a daily rotation",
      spec((_, l) => (l.rotation.shiftMinutes = 720)),
      "layers.0.rotation.shiftMinutes",
      'use kind "custom"',
    ],
    [
      "weekly weekday out of range",
      // @ts-expect-error: 8 is not a weekday, as a caller without types could send
      spec((_, l) => (l.rotation = { kind: "weekly", handoffTime: "09:00", handoffWeekday: 8 })),
      "layers.0.rotation.handoffWeekday",
      "1 (Monday) to 7 (Sunday)",
    ],
    [
      "weekday on a daily rotation",
      spec((_, l) => (l.rotation.handoffWeekday = 1)),
      "layers.0.rotation.handoffWeekday",
      "weekly rotations only",
    ],
    [
      "restriction with no days",
      spec((_, l) => (l.restrictions = [{ days: [], start: "09:00", end: "17:00" }])),
      "layers.0.restrictions.0.days",
      "at least one day",
    ],
    [
      "restriction with a bad end",
      spec((_, l) => (l.restrictions = [{ days: [1], start: "09:00", end: "5pm" }])),
      "layers.0.restrictions.0.end",
      "runs past midnight",
    ],
    ["empty layer name", spec((_, l) => (l.name = " ")), "layers.0.name", "must not be empty"],
    [
      "too many layers",
      spec((s) => (s.layers = Array.from({ length: 21 }, () => structuredClone(layer)))),
      "layers",
      "at most 20 layers",
    ],
    [
      "too many members",
      spec((_, l) => (l.members = Array.from({ length: 201 }, (_, i) => `u${i}`))),
      "layers.0.members",
      "at most 200",
    ],
  ];
  for (const [what, input, path, fragment] of cases) {
    test(`${what} → ${path}`, () => {
      const problems = validateScheduleSpec(input);
      assert.equal(problems.length, 1, JSON.stringify(problems));
      assert.equal(problems[0]?.path, path);
      assert.ok(problems[0]?.message.includes(fragment), problems[0]?.message);
    });
  }

  test("every problem is reported at once", () => {
    const problems = validateScheduleSpec(
      spec((s, l) => {
        s.timeZone = "nowhere";
        l.start = "soon";
        l.rotation = { kind: "custom", handoffTime: "noon" };
      }),
    );
    assert.deepEqual(
      problems.map((p) => p.path),
      ["timeZone", "layers.0.start", "layers.0.rotation.handoffTime", "layers.0.rotation.shiftMinutes"],
    );
  });
});

describe("validateOverride", () => {
  const base = { id: "o1", start: new Date("2026-01-01T00:00Z"), end: new Date("2026-01-02T00:00Z") };
  const cases: [string, Override, string[]][] = [
    ["a good replace", { ...base, kind: "replace", userId: "zoe", replacesUserId: "alice" }, []],
    ["replace whoever is on call", { ...base, kind: "replace", userId: "zoe" }, []],
    ["remove everyone", { ...base, kind: "remove" }, []],
    ["add without a user", { ...base, kind: "add" }, ["userId"]],
    [
      "add naming someone to replace",
      { ...base, kind: "add", userId: "zoe", replacesUserId: "alice" },
      ["replacesUserId"],
    ],
    ["remove with a newcomer", { ...base, kind: "remove", userId: "zoe" }, ["userId"]],
    [
      "replace with oneself",
      { ...base, kind: "replace", userId: "zoe", replacesUserId: "zoe" },
      ["replacesUserId"],
    ],
    [
      "end before start",
      { ...base, kind: "add", userId: "zoe", end: new Date("2025-12-31T00:00Z") },
      ["end"],
    ],
    ["end equal to start", { ...base, kind: "add", userId: "zoe", end: base.start }, ["end"]],
  ];
  for (const [what, o, paths] of cases)
    test(what, () =>
      assert.deepEqual(
        validateOverride(o).map((p) => p.path),
        paths,
      ),
    );
});
