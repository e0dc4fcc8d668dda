import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { isOffHours } from "./off-hours.ts";

const off = (iso: string, zone: string) => isOffHours(new Date(iso), zone);

describe("off hours", () => {
  test("UTC: 09:00 is working time, 18:00 is off hours, weekends are off", () => {
    assert.equal(off("2026-03-04T09:00:00Z", "UTC"), false); // Wednesday
    assert.equal(off("2026-03-04T08:59:59Z", "UTC"), true);
    assert.equal(off("2026-03-04T17:59:59Z", "UTC"), false);
    assert.equal(off("2026-03-04T18:00:00Z", "UTC"), true);
    assert.equal(off("2026-03-07T12:00:00Z", "UTC"), true); // Saturday
    assert.equal(off("2026-03-08T12:00:00Z", "UTC"), true); // Sunday
  });

  test("Europe/Berlin across the March DST change (CET +1 → CEST +2 on 2026-03-29)", () => {
    // Monday before: 08:00Z is 09:00 CET.
    assert.equal(off("2026-03-23T07:30:00Z", "Europe/Berlin"), true); // 08:30 CET
    assert.equal(off("2026-03-23T08:00:00Z", "Europe/Berlin"), false); // 09:00 CET
    assert.equal(off("2026-03-27T16:59:00Z", "Europe/Berlin"), false); // Fri 17:59 CET
    assert.equal(off("2026-03-27T17:00:00Z", "Europe/Berlin"), true); // Fri 18:00 CET
    // Monday after: 07:00Z is already 09:00 CEST, 16:00Z is 18:00 CEST.
    assert.equal(off("2026-03-30T06:30:00Z", "Europe/Berlin"), true); // 08:30 CEST
    assert.equal(off("2026-03-30T07:00:00Z", "Europe/Berlin"), false); // 09:00 CEST
    assert.equal(off("2026-03-30T15:59:00Z", "Europe/Berlin"), false); // 17:59 CEST
    assert.equal(off("2026-03-30T16:00:00Z", "Europe/Berlin"), true); // 18:00 CEST
  });

  test("America/New_York across the March and November DST changes", () => {
    // EST (−5) before 2026-03-08, EDT (−4) after.
    assert.equal(off("2026-03-02T13:00:00Z", "America/New_York"), true); // Mon 08:00 EST
    assert.equal(off("2026-03-02T14:00:00Z", "America/New_York"), false); // Mon 09:00 EST
    assert.equal(off("2026-03-09T12:59:00Z", "America/New_York"), true); // Mon 08:59 EDT
    assert.equal(off("2026-03-09T13:00:00Z", "America/New_York"), false); // Mon 09:00 EDT
    // Back to EST on 2026-11-01.
    assert.equal(off("2026-10-30T21:59:00Z", "America/New_York"), false); // Fri 17:59 EDT
    assert.equal(off("2026-10-30T22:00:00Z", "America/New_York"), true); // Fri 18:00 EDT
    assert.equal(off("2026-11-06T22:30:00Z", "America/New_York"), false); // Fri 17:30 EST
    assert.equal(off("2026-11-06T23:00:00Z", "America/New_York"), true); // Fri 18:00 EST
  });

  test("the person's weekday, not UTC's", () => {
    // Sunday 20:30 UTC is Monday 09:30 in Auckland (NZDT, +13).
    assert.equal(off("2026-03-08T20:30:00Z", "Pacific/Auckland"), false);
    // Saturday 02:00 UTC is still Friday 21:00 in New York: off hours by the hour, not the day.
    assert.equal(off("2026-03-07T02:00:00Z", "America/New_York"), true);
    // Monday 02:00 UTC is Sunday 22:00 in New York (EDT).
    assert.equal(off("2026-03-09T02:00:00Z", "America/New_York"), true);
  });

  test("an unknown time zone reads as UTC instead of failing", () => {
    assert.equal(off("2026-03-04T10:00:00Z", "Mars/Olympus"), false);
    assert.equal(off("2026-03-04T20:00:00Z", ""), true);
  });
});
