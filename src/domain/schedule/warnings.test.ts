import assert from "node:assert/strict";
import { describe, test } from "node:test";
import type { Layer, ScheduleSpec } from "./types.ts";
import { scheduleWarnings } from "./warnings.ts";

const known = new Set(["alice", "bob", "carol"]);
const allWeek: Layer = {
  name: "Primary",
  start: "2026-01-05T09:00",
  rotation: { kind: "weekly", handoffTime: "09:00" },
  members: ["alice", "bob"],
};
const businessHours: Layer = {
  name: "Business hours",
  start: "2026-01-05T09:00",
  rotation: { kind: "daily", handoffTime: "09:00" },
  members: ["carol"],
  restrictions: [{ days: [1, 2, 3, 4, 5], start: "09:00", end: "17:00" }],
};
const berlin = (...layers: Layer[]): ScheduleSpec => ({ timeZone: "Europe/Berlin", layers });

describe("scheduleWarnings", () => {
  test("a schedule covered around the clock by known users has no warnings", () => {
    assert.deepEqual(
      scheduleWarnings(berlin(allWeek, businessHours), known, new Date("2026-06-01T00:00Z")),
      [],
    );
  });

  test("no layers at all", () => {
    assert.deepEqual(scheduleWarnings(berlin(), known, new Date("2026-06-01T00:00Z")), [
      "the schedule has no layers, so nobody is ever on call; add a layer",
    ]);
  });

  test("a layer with no members, and a member who is not a known user (named once)", () => {
    const warnings = scheduleWarnings(
      berlin(
        allWeek,
        { ...businessHours, members: ["carol", "mallory", "mallory"] },
        { ...allWeek, name: "Empty", members: [] },
      ),
      known,
      new Date("2026-06-01T00:00Z"),
    );
    assert.deepEqual(warnings, [
      'layer "Business hours": member "mallory" is not a known user and cannot be paged; replace or remove them',
      'layer "Empty" has no members, so it never puts anyone on call; add members or remove it',
    ]);
  });

  test("business hours only: the first gap, in the schedule's zone, with its length and how many follow", () => {
    // Friday 2026-12-04 12:00 CET; the next 14 days have a weekend gap and nightly gaps.
    const [warning] = scheduleWarnings(berlin(businessHours), known, new Date("2026-12-04T11:00Z"));
    assert.equal(
      warning,
      "nobody is on call from Fri 2026-12-04 17:00 (Europe/Berlin) for 64 h (and 9 more gaps in the next 14 days); add a layer or members to cover it",
    );
  });

  test("a gap across spring-forward is measured in elapsed hours", () => {
    // From Friday 13:00 CET until the layer starts on Monday 09:00 CEST: 67 hours, not 68.
    const [warning] = scheduleWarnings(
      berlin({ ...allWeek, start: "2026-03-30T09:00" }),
      known,
      new Date("2026-03-27T12:00Z"),
    );
    assert.match(warning ?? "", /^nobody is on call from Fri 2026-03-27 13:00 \(Europe\/Berlin\) for 67 h;/);
  });

  test("a gap that runs past the 14 days says 'at least'", () => {
    const [warning] = scheduleWarnings(
      berlin({ ...allWeek, start: "2026-07-01T09:00" }),
      known,
      new Date("2026-06-01T00:00Z"),
    );
    assert.match(warning ?? "", /from Mon 2026-06-01 02:00 \(Europe\/Berlin\) for at least 336 h;/);
  });

  test("a gap shorter than an hour or with minutes is written in minutes", () => {
    const spec: ScheduleSpec = {
      timeZone: "UTC",
      layers: [{ ...allWeek, restrictions: [{ days: [1, 2, 3, 4, 5, 6, 7], start: "00:00", end: "22:30" }] }],
    };
    const [warning] = scheduleWarnings(spec, known, new Date("2026-06-01T12:00Z"));
    assert.match(warning ?? "", /from Mon 2026-06-01 22:30 \(UTC\) for 1 h 30 min \(and 13 more gaps/);
  });

  test("an invalid spec gets its problems instead of a guess", () => {
    const warnings = scheduleWarnings({ timeZone: "Mars/Olympus", layers: [allWeek] }, known, new Date());
    assert.deepEqual(warnings, [
      'timeZone: must be an IANA time zone such as "Europe/Berlin", "America/New_York" or "UTC"',
    ]);
  });
});
