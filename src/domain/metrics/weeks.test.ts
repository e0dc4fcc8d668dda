import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { weekStartOf, weeksBetween } from "./weeks.ts";

describe("weekStartOf", () => {
  test("the Monday of the ISO week", () => {
    assert.equal(weekStartOf("2026-03-02"), "2026-03-02"); // a Monday
    assert.equal(weekStartOf("2026-03-08"), "2026-03-02"); // Sunday belongs to the week before
    assert.equal(weekStartOf("2026-03-04"), "2026-03-02");
    assert.equal(weekStartOf("2024-02-29"), "2024-02-26"); // leap day
  });

  test("across a year boundary", () => {
    assert.equal(weekStartOf("2026-01-01"), "2025-12-29"); // Thursday: ISO week 1 of 2026
    assert.equal(weekStartOf("2027-01-01"), "2026-12-28"); // Friday
    assert.equal(weekStartOf("2021-01-03"), "2020-12-28"); // Sunday, ISO week 53 of 2020
    assert.equal(weekStartOf("2024-12-31"), "2024-12-30");
  });

  test("refuses what is not a calendar date", () => {
    assert.throws(() => weekStartOf("2026-02-30"), RangeError);
    assert.throws(() => weekStartOf("2026-3-1"), RangeError);
  });
});

describe("weeksBetween", () => {
  test("every week touching [from, to), across new year", () => {
    assert.deepEqual(weeksBetween("2025-12-25", "2026-01-13"), [
      "2025-12-22",
      "2025-12-29",
      "2026-01-05",
      "2026-01-12",
    ]);
  });

  test("`to` is exclusive: a range ending on a Monday stops at the week before", () => {
    assert.deepEqual(weeksBetween("2026-01-05", "2026-01-12"), ["2026-01-05"]);
    assert.deepEqual(weeksBetween("2026-01-05", "2026-01-06"), ["2026-01-05"]);
  });

  test("an empty range has no weeks", () => {
    assert.deepEqual(weeksBetween("2026-01-05", "2026-01-05"), []);
    assert.deepEqual(weeksBetween("2026-01-06", "2026-01-05"), []);
  });

  test("a year is 53 week starts when it touches 53 ISO weeks", () => {
    const weeks = weeksBetween("2026-01-01", "2027-01-01");
    assert.equal(weeks[0], "2025-12-29");
    assert.equal(weeks.at(-1), "2026-12-28");
    assert.equal(weeks.length, 53);
  });
});
