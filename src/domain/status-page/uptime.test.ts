import assert from "node:assert/strict";
import { describe, test } from "node:test";
import type { UptimeDay } from "./types.ts";
import { type StatusInterval, uptimeDays } from "./uptime.ts";

const at = (iso: string) => new Date(iso);
const span = (start: string, end: string | null, status: StatusInterval["status"], incident?: string) => ({
  start: at(start),
  end: end ? at(end) : null,
  status,
  ...(incident ? { incident: { id: incident, name: `Incident ${incident}` } } : {}),
});
const close = (actual: number | null, expected: number) =>
  assert.ok(actual !== null && Math.abs(actual - expected) < 1e-12, `${actual} ≠ ${expected}`);
const day = (days: UptimeDay[], date: string): UptimeDay => {
  const found = days.find((d) => d.date === date);
  assert.ok(found, `no day ${date} in ${days.map((d) => d.date).join(", ")}`);
  return found;
};

describe("uptimeDays", () => {
  test("90 days by default, oldest first, ending today in the page's zone", () => {
    // 23:30 UTC on 10 March is already 11 March in Auckland (UTC+13).
    const { days } = uptimeDays({
      intervals: [],
      now: at("2026-03-10T23:30:00Z"),
      timeZone: "Pacific/Auckland",
      since: null,
    });
    assert.equal(days.length, 90);
    assert.equal(days.at(-1)?.date, "2026-03-11");
    assert.equal(days[0]?.date, "2025-12-12");
    assert.ok(days.every((d) => d.worst === "operational" && d.uptime === 1 && d.incidents.length === 0));
  });

  test("major counts fully, partial at 30 %, degraded and maintenance not at all", () => {
    const { days, uptime90 } = uptimeDays({
      intervals: [
        span("2026-03-09T10:00:00Z", "2026-03-09T11:00:00Z", "major_outage", "a"),
        span("2026-03-09T12:00:00Z", "2026-03-09T14:00:00Z", "partial_outage", "b"),
        span("2026-03-08T01:00:00Z", "2026-03-08T05:00:00Z", "degraded_performance"),
        span("2026-03-08T06:00:00Z", "2026-03-08T08:00:00Z", "under_maintenance"),
      ],
      now: at("2026-03-10T12:00:00Z"),
      timeZone: "UTC",
      since: null,
      days: 3,
    });
    assert.deepEqual(
      days.map((d) => d.date),
      ["2026-03-08", "2026-03-09", "2026-03-10"],
    );
    const d8 = day(days, "2026-03-08");
    assert.equal(d8.worst, "degraded_performance");
    assert.equal(d8.uptime, 1);
    const d9 = day(days, "2026-03-09");
    assert.equal(d9.worst, "major_outage");
    assert.equal(d9.majorSeconds, 3600);
    assert.equal(d9.partialSeconds, 7200);
    close(d9.uptime, 1 - (3600 + 0.3 * 7200) / 86400); // 0.9333…
    assert.deepEqual(d9.incidents, [
      { id: "a", name: "Incident a" },
      { id: "b", name: "Incident b" },
    ]);
    // Two full days and half of today: 5760 s of weighted downtime over 216000 s.
    close(uptime90, 1 - 5760 / 216000);
  });

  test("a DST day in Europe/Berlin is 23 or 25 hours long", () => {
    // 29 March 2026: 00:00 CET = 28T23:00Z to 00:00 CEST = 29T22:00Z, 82800 s.
    const spring = uptimeDays({
      intervals: [
        span("2026-03-28T22:30:00Z", "2026-03-28T23:30:00Z", "major_outage", "x"), // 23:30 → 00:30 local
      ],
      now: at("2026-03-30T10:00:00Z"),
      timeZone: "Europe/Berlin",
      since: null,
      days: 3,
    });
    const d28 = day(spring.days, "2026-03-28");
    const d29 = day(spring.days, "2026-03-29");
    assert.equal(d28.majorSeconds, 1800);
    close(d28.uptime, 1 - 1800 / 86400);
    assert.equal(d29.majorSeconds, 1800);
    close(d29.uptime, 1 - 1800 / 82800);
    assert.deepEqual(d28.incidents, [{ id: "x", name: "Incident x" }]);
    assert.deepEqual(d29.incidents, [{ id: "x", name: "Incident x" }]);

    // 25 October 2026: 24T22:00Z to 25T23:00Z, 90000 s.
    const autumn = uptimeDays({
      intervals: [span("2026-10-25T10:00:00Z", "2026-10-25T11:00:00Z", "major_outage")],
      now: at("2026-10-26T12:00:00Z"),
      timeZone: "Europe/Berlin",
      since: null,
      days: 2,
    });
    close(day(autumn.days, "2026-10-25").uptime, 1 - 3600 / 90000);
  });

  test("an ongoing interval counts up to now, and today only up to now", () => {
    const { days, uptime90 } = uptimeDays({
      intervals: [span("2026-03-10T06:00:00Z", null, "partial_outage", "live")],
      now: at("2026-03-10T12:00:00Z"),
      timeZone: "UTC",
      since: null,
      days: 2,
    });
    const today = day(days, "2026-03-10");
    assert.equal(today.worst, "partial_outage");
    assert.equal(today.partialSeconds, 21600);
    close(today.uptime, 1 - (0.3 * 21600) / 43200); // 0.85
    assert.deepEqual(today.incidents, [{ id: "live", name: "Incident live" }]);
    close(uptime90, 1 - (0.3 * 21600) / (86400 + 43200));
  });

  test("days before `since` have no data; the first day counts from `since`", () => {
    const { days, uptime90 } = uptimeDays({
      intervals: [span("2026-03-09T18:00:00Z", "2026-03-09T19:00:00Z", "major_outage")],
      now: at("2026-03-10T00:00:00Z"),
      timeZone: "UTC",
      since: at("2026-03-09T18:00:00Z"),
      days: 3,
    });
    assert.deepEqual(day(days, "2026-03-08"), {
      date: "2026-03-08",
      worst: null,
      majorSeconds: 0,
      partialSeconds: 0,
      uptime: null,
      incidents: [],
    });
    close(day(days, "2026-03-09").uptime, 1 - 3600 / 21600);
    // Today began at `now`: no time with data yet.
    assert.equal(day(days, "2026-03-10").uptime, null);
    close(uptime90, 1 - 3600 / 21600);
  });

  test("no data at all → uptime90 null", () => {
    const { days, uptime90 } = uptimeDays({
      intervals: [],
      now: at("2026-03-10T12:00:00Z"),
      timeZone: "UTC",
      since: at("2026-04-01T00:00:00Z"),
      days: 5,
    });
    assert.equal(days.length, 5);
    assert.ok(days.every((d) => d.uptime === null && d.worst === null));
    assert.equal(uptime90, null);
  });

  test("overlapping spans: the worst counts at each instant, never twice", () => {
    const { days } = uptimeDays({
      intervals: [
        span("2026-03-09T09:00:00Z", "2026-03-09T12:00:00Z", "partial_outage", "p"),
        span("2026-03-09T10:00:00Z", "2026-03-09T11:00:00Z", "major_outage", "m"),
        span("2026-03-09T10:30:00Z", "2026-03-09T11:30:00Z", "partial_outage", "p"),
      ],
      now: at("2026-03-10T00:00:00Z"),
      timeZone: "UTC",
      since: null,
      days: 2,
    });
    const d9 = day(days, "2026-03-09");
    assert.equal(d9.majorSeconds, 3600);
    assert.equal(d9.partialSeconds, 7200);
    close(d9.uptime, 1 - (3600 + 2160) / 86400);
    assert.deepEqual(
      d9.incidents.map((i) => i.id),
      ["p", "m"],
    );
  });

  test("a span across midnight is split between the days; spans after now are ignored", () => {
    const { days } = uptimeDays({
      intervals: [
        span("2026-03-08T23:00:00Z", "2026-03-09T02:00:00Z", "major_outage"),
        span("2026-03-10T13:00:00Z", "2026-03-10T14:00:00Z", "major_outage"),
      ],
      now: at("2026-03-10T12:00:00Z"),
      timeZone: "UTC",
      since: null,
      days: 3,
    });
    assert.equal(day(days, "2026-03-08").majorSeconds, 3600);
    assert.equal(day(days, "2026-03-09").majorSeconds, 7200);
    assert.equal(day(days, "2026-03-10").worst, "operational");
  });

  test("an unknown zone falls back to UTC instead of failing the page", () => {
    const { days } = uptimeDays({
      intervals: [],
      now: at("2026-03-10T23:30:00Z"),
      timeZone: "Mars/Olympus",
      since: null,
      days: 1,
    });
    assert.equal(days[0]?.date, "2026-03-10");
  });
});
