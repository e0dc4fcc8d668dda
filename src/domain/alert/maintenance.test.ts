import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { DAY, MINUTE } from "../time.ts";
import { inMaintenance, isValidTimeZone, localToInstant, windowState } from "./maintenance.ts";

describe("localToInstant", () => {
  // [zone, local, expected instant, why]
  const cases: [string, string, string, string][] = [
    ["Europe/Berlin", "2026-01-15T09:00", "2026-01-15T08:00:00Z", "winter, CET +1"],
    ["Europe/Berlin", "2026-07-15T09:00", "2026-07-15T07:00:00Z", "summer, CEST +2"],
    ["Europe/Berlin", "2026-03-29T01:59:59", "2026-03-29T00:59:59Z", "last second before the gap"],
    ["Europe/Berlin", "2026-03-29T02:00", "2026-03-29T01:00:00Z", "gap start → 03:00 local"],
    ["Europe/Berlin", "2026-03-29T02:30", "2026-03-29T01:00:00Z", "gap → 03:00 local"],
    ["Europe/Berlin", "2026-03-29T02:59:59", "2026-03-29T01:00:00Z", "gap end → 03:00 local"],
    ["Europe/Berlin", "2026-03-29T03:00", "2026-03-29T01:00:00Z", "first local time after the gap"],
    ["Europe/Berlin", "2026-10-25T02:00", "2026-10-25T00:00:00Z", "overlap start, first occurrence"],
    ["Europe/Berlin", "2026-10-25T02:30", "2026-10-25T00:30:00Z", "overlap, first occurrence (CEST)"],
    ["Europe/Berlin", "2026-10-25T03:00", "2026-10-25T02:00:00Z", "after the overlap, CET"],
    ["America/New_York", "2026-01-15T09:00", "2026-01-15T14:00:00Z", "EST −5"],
    ["America/New_York", "2026-07-15T09:00", "2026-07-15T13:00:00Z", "EDT −4"],
    ["America/New_York", "2026-03-08T02:30", "2026-03-08T07:00:00Z", "gap → 03:00 EDT"],
    ["America/New_York", "2026-11-01T01:30", "2026-11-01T05:30:00Z", "overlap, first occurrence (EDT)"],
    ["America/New_York", "2026-11-01T02:00", "2026-11-01T07:00:00Z", "after the overlap, EST"],
    ["Australia/Lord_Howe", "2026-07-01T12:00", "2026-07-01T01:30:00Z", "winter +10:30"],
    ["Australia/Lord_Howe", "2026-01-01T12:00", "2026-01-01T01:00:00Z", "summer +11"],
    ["Australia/Lord_Howe", "2026-10-04T02:15", "2026-10-03T15:30:00Z", "30-minute gap → 02:30 local"],
    ["Australia/Lord_Howe", "2026-10-04T02:30", "2026-10-03T15:30:00Z", "first local time after the gap"],
    ["Australia/Lord_Howe", "2026-04-05T01:45", "2026-04-04T14:45:00Z", "30-minute overlap, first (+11)"],
    ["Australia/Lord_Howe", "2026-04-05T02:00", "2026-04-04T15:30:00Z", "after the overlap, +10:30"],
    ["UTC", "2026-03-29T02:30", "2026-03-29T02:30:00Z", "no offset"],
    ["UTC", "2024-02-29T23:59:59", "2024-02-29T23:59:59Z", "leap day"],
    ["UTC", "0050-06-01T09:00", "0050-06-01T09:00:00Z", "two-digit year is not 1950"],
    ["Asia/Kolkata", "2026-06-01T09:00", "2026-06-01T03:30:00Z", "+5:30, no DST"],
    ["Asia/Kolkata", "2026-01-01T00:00", "2025-12-31T18:30:00Z", "crosses the year backwards"],
  ];
  for (const [zone, local, expected, why] of cases) {
    test(`${zone} ${local} is ${expected} (${why})`, () => {
      assert.equal(localToInstant(local, zone).toISOString(), new Date(expected).toISOString());
    });
  }

  test("malformed local times are refused", () => {
    for (const bad of [
      "",
      "2026-03-29",
      "2026-03-29 02:30",
      "2026-3-29T02:30",
      "2026-02-30T10:00",
      "2026-13-01T10:00",
      "2026-01-01T24:00",
      "2026-01-01T10:60",
      "2026-01-01T10:00:60",
      "2026-01-01T10:00Z",
      "2026-01-01T10:00+01:00",
    ]) {
      assert.throws(() => localToInstant(bad, "UTC"), RangeError, bad);
    }
  });

  test("an unknown zone is refused", () => {
    assert.throws(() => localToInstant("2026-01-01T10:00", "Mars/Olympus_Mons"), /unknown time zone/);
  });

  test("Europe/Berlin, every local quarter hour of 2026, formats back to itself unless in the gap", () => {
    const zone = "Europe/Berlin";
    const fmt = new Intl.DateTimeFormat("sv-SE", {
      timeZone: zone,
      hourCycle: "h23",
      year: "numeric",
      month: "2-digit",
      day: "2-digit",
      hour: "2-digit",
      minute: "2-digit",
    });
    const gap = new Set(["2026-03-29T02:00", "2026-03-29T02:15", "2026-03-29T02:30", "2026-03-29T02:45"]);
    let checked = 0;
    let previous = Number.NEGATIVE_INFINITY;
    for (let naive = Date.UTC(2026, 0, 1); naive < Date.UTC(2027, 0, 1); naive += 15 * MINUTE) {
      const local = new Date(naive).toISOString().slice(0, 16);
      const instant = localToInstant(local, zone);
      if (gap.has(local)) {
        assert.equal(instant.toISOString(), "2026-03-29T01:00:00.000Z", local);
      } else {
        assert.equal(fmt.format(instant).replace(" ", "T"), local, local);
        // Later local times never map to earlier instants (the overlap picks the first occurrence).
        assert.ok(instant.getTime() >= previous, local);
      }
      previous = instant.getTime();
      checked++;
    }
    assert.equal(checked, 365 * 96);
  });
});

describe("isValidTimeZone", () => {
  const table: [string, boolean][] = [
    ["Europe/Berlin", true],
    ["America/New_York", true],
    ["Australia/Lord_Howe", true],
    ["Asia/Kolkata", true],
    ["UTC", true],
    ["", false],
    ["   ", false],
    ["Mars/Olympus_Mons", false],
    ["Europe/Berlinn", false],
    ["not a zone", false],
  ];
  for (const [zone, valid] of table) {
    test(`${JSON.stringify(zone)} → ${valid}`, () => assert.equal(isValidTimeZone(zone), valid));
  }
});

describe("maintenance windows", () => {
  const start = new Date("2026-05-01T22:00:00Z");
  const end = new Date("2026-05-02T02:00:00Z");
  const window = { startsAt: start, endsAt: end };
  const at = (offsetMs: number) => new Date(start.getTime() + offsetMs);

  const states: [string, Date, "scheduled" | "active" | "ended"][] = [
    ["a day before", at(-DAY), "scheduled"],
    ["a millisecond before the start", at(-1), "scheduled"],
    ["exactly at the start (inclusive)", start, "active"],
    ["in the middle", at(2 * 60 * MINUTE), "active"],
    ["a millisecond before the end", new Date(end.getTime() - 1), "active"],
    ["exactly at the end (exclusive)", end, "ended"],
    ["a day after", new Date(end.getTime() + DAY), "ended"],
  ];
  for (const [why, now, state] of states) {
    test(`${why}: ${state}`, () => {
      assert.equal(windowState(window, now), state);
      assert.equal(inMaintenance([window], now), state === "active");
    });
  }

  test("no windows: never in maintenance", () => assert.equal(inMaintenance([], start), false));

  test("any of several windows counts; back-to-back windows leave no hole", () => {
    const next = { startsAt: end, endsAt: new Date(end.getTime() + DAY) };
    const later = { startsAt: new Date(end.getTime() + 3 * DAY), endsAt: new Date(end.getTime() + 4 * DAY) };
    const windows = [later, window, next];
    assert.equal(inMaintenance(windows, end), true);
    assert.equal(inMaintenance(windows, new Date(end.getTime() + 2 * DAY)), false);
    assert.equal(inMaintenance(windows, new Date(end.getTime() + 3 * DAY)), true);
  });

  test("a window that ends before it starts is never active", () => {
    const inverted = { startsAt: end, endsAt: start };
    assert.equal(inMaintenance([inverted], at(60 * MINUTE)), false);
    assert.notEqual(windowState(inverted, at(60 * MINUTE)), "active");
    assert.notEqual(windowState(inverted, end), "active");
  });

  test("a window entered as local times spans the right instants across a DST change", () => {
    // 01:00–04:00 Berlin on the night clocks go forward is two real hours, not three.
    const dst = {
      startsAt: localToInstant("2026-03-29T01:00", "Europe/Berlin"),
      endsAt: localToInstant("2026-03-29T04:00", "Europe/Berlin"),
    };
    assert.equal(dst.endsAt.getTime() - dst.startsAt.getTime(), 2 * 60 * MINUTE);
    assert.equal(inMaintenance([dst], new Date("2026-03-29T01:59:00Z")), true);
    assert.equal(inMaintenance([dst], new Date("2026-03-29T02:00:00Z")), false);
  });
});
