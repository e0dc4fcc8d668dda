import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { isAppError } from "../errors.ts";
import { parseInput } from "../validation.ts";
import { type ParsedScheduleInput, ScheduleInput, toScheduleSpec } from "./schedule-input.ts";

const body = () => ({
  name: "payments-primary",
  description: "Who answers for payments",
  time_zone: "Europe/Berlin",
  layers: [
    {
      name: "Weekly",
      start: "2026-01-05T09:00",
      rotation: { kind: "weekly", handoff_time: "09:00", handoff_weekday: "fri" },
      members: ["alice", "Bob"],
    },
    {
      name: "Business hours",
      start: "2026-01-05T09:00",
      rotation: { kind: "custom", handoff_time: "09:00", shift_minutes: 720 },
      members: ["carol"],
      restrictions: [{ days: ["mon", "tue", "wed", "thu", "fri"], start: "09:00", end: "17:00" }],
    },
  ],
});

/** The field errors the API would answer with for this body. */
function fieldErrors(input: unknown): { field: string; message: string }[] {
  try {
    parseInput(ScheduleInput, input);
  } catch (error) {
    if (isAppError(error)) return error.fields;
    throw error;
  }
  return [];
}

const users = new Map([
  ["alice", "u-alice"],
  ["bob", "u-bob"],
  ["carol", "u-carol"],
]);

describe("ScheduleInput", () => {
  test("a good body parses and becomes the domain spec, usernames as user ids", () => {
    const parsed = parseInput(ScheduleInput, body());
    assert.deepEqual(toScheduleSpec(parsed, users), {
      spec: {
        timeZone: "Europe/Berlin",
        layers: [
          {
            name: "Weekly",
            start: "2026-01-05T09:00",
            rotation: { kind: "weekly", handoffTime: "09:00", handoffWeekday: 5 },
            members: ["u-alice", "u-bob"],
          },
          {
            name: "Business hours",
            start: "2026-01-05T09:00",
            rotation: { kind: "custom", handoffTime: "09:00", shiftMinutes: 720 },
            members: ["u-carol"],
            restrictions: [{ days: [1, 2, 3, 4, 5], start: "09:00", end: "17:00" }],
          },
        ],
      },
    });
  });

  test("the hand-off weekday may also be a number, 1 = Monday", () => {
    const b = body();
    Object.assign(b.layers[0]?.rotation ?? {}, { handoff_weekday: 7 });
    const result = toScheduleSpec(parseInput(ScheduleInput, b), users);
    assert.ok("spec" in result);
    assert.equal(result.spec.layers[0]?.rotation.handoffWeekday, 7);
  });

  // [what is wrong, change to a good body, field, part of the message]
  const cases: [string, (b: ReturnType<typeof body>) => void, string, string][] = [
    [
      "camelCase field",
      (b) => Object.assign(b.layers[0]?.rotation ?? {}, { handoffTime: "09:00" }),
      "layers.0.rotation",
      'unknown field "handoffTime"; remove it',
    ],
    ["unknown zone", (b) => (b.time_zone = "Berlin"), "time_zone", "IANA"],
    [
      "12-hour clock",
      (b) => Object.assign(b.layers[0]?.rotation ?? {}, { handoff_time: "9am" }),
      "layers.0.rotation.handoff_time",
      '"09:00"',
    ],
    [
      "start with an offset",
      (b) => Object.assign(b.layers[0] ?? {}, { start: "2026-01-05T09:00+01:00" }),
      "layers.0.start",
      "no offset",
    ],
    [
      "unknown kind",
      (b) => Object.assign(b.layers[0]?.rotation ?? {}, { kind: "monthly" }),
      "layers.0.rotation.kind",
      "daily, weekly or custom",
    ],
    [
      "weekday spelled out",
      (b) => Object.assign(b.layers[0]?.rotation ?? {}, { handoff_weekday: "friday" }),
      "layers.0.rotation.handoff_weekday",
      "mon, tue",
    ],
    [
      "restriction day spelled out",
      (b) => Object.assign(b.layers[1]?.restrictions?.[0] ?? {}, { days: ["monday"] }),
      "layers.1.restrictions.0.days.0",
      "mon, tue, wed",
    ],
    [
      "restriction without days",
      (b) => Object.assign(b.layers[1]?.restrictions?.[0] ?? {}, { days: [] }),
      "layers.1.restrictions.0.days",
      "at least one day",
    ],
    [
      "shift of 10 minutes",
      (b) => Object.assign(b.layers[1]?.rotation ?? {}, { shift_minutes: 10 }),
      "layers.1.rotation.shift_minutes",
      "at least 15",
    ],
    [
      "custom without a length",
      (b) => Object.assign(b.layers[1]?.rotation ?? {}, { shift_minutes: undefined }),
      "layers.1.rotation.shift_minutes",
      "720 for 12 hours",
    ],
    [
      "a length on a weekly rotation",
      (b) => Object.assign(b.layers[0]?.rotation ?? {}, { shift_minutes: 60 }),
      "layers.0.rotation.shift_minutes",
      'use kind "custom"',
    ],
    [
      "a weekday on a custom rotation",
      (b) => Object.assign(b.layers[1]?.rotation ?? {}, { handoff_weekday: "mon" }),
      "layers.1.rotation.handoff_weekday",
      "weekly rotations only",
    ],
    ["empty schedule name", (b) => (b.name = " "), "name", "must not be empty"],
    ["missing layers", (b) => Object.assign(b, { layers: undefined }), "layers", "is required"],
  ];
  for (const [what, change, field, fragment] of cases) {
    test(`${what} → ${field}`, () => {
      const b = body();
      change(b);
      const errors = fieldErrors(b);
      // Only that field is reported (the shared name rule may give two reasons for one name).
      assert.deepEqual([...new Set(errors.map((e) => e.field))], [field], JSON.stringify(errors));
      assert.ok(
        errors.some((e) => e.message.includes(fragment)),
        JSON.stringify(errors),
      );
    });
  }

  test("every problem is reported at once, each once, in wire names", () => {
    const b = body();
    b.time_zone = "Mars/Olympus";
    Object.assign(b.layers[0]?.rotation ?? {}, { handoff_time: "25:00", shift_minutes: 60 });
    Object.assign(b.layers[1]?.rotation ?? {}, { shift_minutes: undefined });
    assert.deepEqual(
      fieldErrors(b).map((e) => e.field),
      [
        "time_zone",
        "layers.0.rotation.handoff_time",
        "layers.0.rotation.shift_minutes",
        "layers.1.rotation.shift_minutes",
      ],
    );
  });
});

describe("toScheduleSpec", () => {
  test("an unknown username is an error naming it, at its place; a username matches whatever its case", () => {
    const b = body();
    b.layers[1]?.members.push("mallory");
    const result = toScheduleSpec(parseInput(ScheduleInput, b) as ParsedScheduleInput, users);
    assert.deepEqual(result, {
      errors: [
        {
          field: "layers.1.members.1",
          message:
            'no user "mallory"; check the spelling or create the user first (GET /api/v1/users lists them)',
        },
      ],
    });
  });
});
