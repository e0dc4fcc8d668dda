import assert from "node:assert/strict";
import { describe, test } from "node:test";
import {
  digestOccurrence,
  digestOccurrencesAround,
  digestRange,
  nextDigestOccurrence,
  weekOf,
} from "./digest-schedule.ts";

const berlin = { weekday: "monday", hour: 9, timeZone: "Europe/Berlin" } as const;

describe("weekly digest schedule", () => {
  test("Monday 09:00 Berlin: winter is 08:00Z, summer 07:00Z; it covers the seven UTC days before", () => {
    const winter = digestOccurrence("2026-03-09", berlin);
    assert.equal(winter.at.toISOString(), "2026-03-09T08:00:00.000Z");
    assert.deepEqual([winter.from, winter.to], ["2026-03-02", "2026-03-09"]);
    assert.equal(digestOccurrence("2026-06-01", berlin).at.toISOString(), "2026-06-01T07:00:00.000Z");
  });

  test("the week after a DST change is still at 09:00 local", () => {
    // Berlin moves to summer time on Sunday 2026-03-29.
    const next = nextDigestOccurrence("2026-03-23", berlin);
    assert.equal(next.week, "2026-03-30");
    assert.equal(next.at.toISOString(), "2026-03-30T07:00:00.000Z");
  });

  test("an hour in the spring-forward gap moves to the end of the gap", () => {
    const at = digestOccurrence("2026-03-23", { weekday: "sunday", hour: 2, timeZone: "Europe/Berlin" }).at;
    assert.equal(
      at.toISOString(),
      "2026-03-29T01:00:00.000Z",
      "03:00 CEST, the first instant after 02:00 CET",
    );
  });

  test("a zone ahead of UTC: Monday 09:00 Auckland is Sunday 20:00Z, covering Sunday to Saturday UTC", () => {
    const o = digestOccurrence("2026-03-09", { weekday: "monday", hour: 9, timeZone: "Pacific/Auckland" });
    assert.equal(o.at.toISOString(), "2026-03-08T20:00:00.000Z");
    assert.deepEqual([o.from, o.to], ["2026-03-01", "2026-03-08"]);
  });

  test("previous and next around now", () => {
    const friday = { weekday: "friday", hour: 17, timeZone: "UTC" } as const;
    const before = digestOccurrencesAround(new Date("2026-03-13T16:59:59Z"), friday);
    assert.equal(before.previous.at.toISOString(), "2026-03-06T17:00:00.000Z");
    assert.equal(before.next.at.toISOString(), "2026-03-13T17:00:00.000Z");
    const at = digestOccurrencesAround(new Date("2026-03-13T17:00:00Z"), friday);
    assert.equal(at.previous.at.toISOString(), "2026-03-13T17:00:00.000Z", "due now counts as the last one");
    assert.equal(at.next.at.toISOString(), "2026-03-20T17:00:00.000Z");
    assert.equal(at.previous.week, "2026-03-09");
  });

  test("the week is the local calendar's: Sunday 23:30 in New York is already Monday in UTC", () => {
    assert.equal(weekOf(new Date("2026-03-16T03:30:00Z"), "America/New_York"), "2026-03-09");
    assert.equal(weekOf(new Date("2026-03-16T03:30:00Z"), "UTC"), "2026-03-16");
  });

  test("a week key must be a Monday", () => {
    assert.throws(() => digestOccurrence("2026-03-10", berlin), RangeError);
    assert.throws(() => digestOccurrence("2026-02-30", berlin), RangeError);
    assert.throws(() => digestOccurrence("next week", berlin), RangeError);
  });

  test("digestRange: the seven full UTC days before an instant", () => {
    assert.deepEqual(digestRange(new Date("2026-03-09T00:00:00Z")), { from: "2026-03-02", to: "2026-03-09" });
    assert.deepEqual(digestRange(new Date("2026-03-09T23:59:59Z")), { from: "2026-03-02", to: "2026-03-09" });
  });
});
