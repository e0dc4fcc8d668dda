import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { DAY, formatDuration, HOUR, ManualClock, MINUTE, parseDuration, SECOND } from "./time.ts";

describe("parseDuration", () => {
  const valid: [string, number][] = [
    ["0s", 0],
    ["250ms", 250],
    ["90s", 90 * SECOND],
    ["15m", 15 * MINUTE],
    ["2h", 2 * HOUR],
    ["1d", DAY],
    ["1w", 7 * DAY],
    ["1h30m", HOUR + 30 * MINUTE],
    ["1h 30m", HOUR + 30 * MINUTE],
    [" 5m ", 5 * MINUTE],
    ["2d4h", 2 * DAY + 4 * HOUR],
    ["1m1ms", MINUTE + 1],
    ["10 s", 10 * SECOND],
    ["1h1h", 2 * HOUR],
  ];
  for (const [text, ms] of valid) {
    test(`${JSON.stringify(text)} is ${ms} ms`, () => assert.equal(parseDuration(text), ms));
  }

  test("text that is not a duration is refused", () => {
    for (const text of [
      "",
      "   ",
      "5",
      "m",
      "5x",
      "1.5h",
      "-5m",
      "5m junk",
      "h1",
      "5 minutes",
      "1y",
      "5M",
      "PT5M",
    ]) {
      assert.equal(parseDuration(text), undefined, JSON.stringify(text));
    }
  });
});

describe("formatDuration", () => {
  const cases: [number, string][] = [
    [0, "0s"],
    [999, "0s"],
    [45 * SECOND, "45s"],
    [59 * SECOND + 999, "59s"],
    [MINUTE, "1m"],
    [14 * MINUTE + 59 * SECOND, "14m"],
    [HOUR, "1h"],
    [2 * HOUR + 5 * MINUTE, "2h 5m"],
    [DAY, "1d"],
    [3 * DAY + 4 * HOUR + 59 * MINUTE, "3d 4h"],
    [DAY + 5 * MINUTE, "1d"],
    [-90 * SECOND, "-1m"],
  ];
  for (const [ms, text] of cases) {
    test(`${ms} ms is ${text}`, () => assert.equal(formatDuration(ms), text));
  }

  test("whole units survive a round trip through parseDuration", () => {
    for (const ms of [
      0,
      45 * SECOND,
      14 * MINUTE,
      3 * HOUR,
      2 * HOUR + 5 * MINUTE,
      6 * DAY,
      3 * DAY + 4 * HOUR,
    ]) {
      assert.equal(parseDuration(formatDuration(ms).replace(" ", "")), ms, formatDuration(ms));
    }
  });
});

describe("ManualClock", () => {
  test("stands still until set or advanced", () => {
    const clock = new ManualClock("2026-03-02T09:00:00.000Z");
    assert.equal(clock.now().toISOString(), "2026-03-02T09:00:00.000Z");
    assert.equal(clock.now().toISOString(), "2026-03-02T09:00:00.000Z");
    clock.advance(90 * SECOND);
    assert.equal(clock.now().toISOString(), "2026-03-02T09:01:30.000Z");
    clock.set("2026-12-31T23:59:59.999Z");
    assert.equal(clock.now().toISOString(), "2026-12-31T23:59:59.999Z");
  });

  test("hands out copies: changing a returned Date does not move the clock", () => {
    const clock = new ManualClock(new Date("2026-03-02T09:00:00.000Z"));
    clock.now().setFullYear(1999);
    assert.equal(clock.now().toISOString(), "2026-03-02T09:00:00.000Z");
  });
});
