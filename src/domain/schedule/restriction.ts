/**
 * Restriction windows ("business hours only"): local times on listed weekdays during which a layer covers.
 * Each window's edges are local times turned into instants by the same DST rule as hand-offs, so a window
 * that opens at a time skipped by spring-forward opens when the clock allows, and a repeated hour counts once.
 */

import { DAY, MINUTE } from "../time.ts";
import type { Restriction } from "./types.ts";
import { instantOfLocal, isoWeekday, localDayStart, parseHHMM, wallClockAt } from "./wall-clock.ts";

/** An interval of instants, epoch ms, start inclusive, end exclusive. */
export interface Interval {
  start: number;
  end: number;
}

interface ParsedRestriction {
  days: ReadonlySet<number>;
  start: number;
  end: number;
}

function parseRestrictions(restrictions: readonly Restriction[]): ParsedRestriction[] {
  return restrictions.map((r) => {
    const start = parseHHMM(r.start);
    const end = parseHHMM(r.end);
    if (start === undefined || end === undefined)
      throw new RangeError(
        `restriction ${JSON.stringify(r.start)}–${JSON.stringify(r.end)} is not HH:MM–HH:MM`,
      );
    return { days: new Set(r.days), start: start * MINUTE, end: end * MINUTE };
  });
}

/** The windows opening on local days firstDay..lastDay (naive midnights), unsorted, possibly empty ones. */
function windowsOpeningOn(
  parsed: readonly ParsedRestriction[],
  timeZone: string,
  firstDay: number,
  lastDay: number,
): Interval[] {
  const windows: Interval[] = [];
  for (let day = firstDay; day <= lastDay; day += DAY) {
    const weekday = isoWeekday(day);
    for (const r of parsed) {
      if (!r.days.has(weekday)) continue;
      // end <= start: the window runs past midnight into the next day (equal: a full 24 hours).
      const closes = r.end > r.start ? day + r.end : day + DAY + r.end;
      windows.push({ start: instantOfLocal(day + r.start, timeZone), end: instantOfLocal(closes, timeZone) });
    }
  }
  return windows;
}

// A window lasts at most 24 local hours, so one that opened the day before can still be open; and during
// a repeated (fall-back) hour the wall clock trails the latest local time already shown, so one opening on
// the next local day can already be open. One day either side of the wall clock's date covers both.
const MARGIN = DAY;

/** The union of the restriction windows within [from, to) (epoch ms), sorted, merged and clipped. */
export function restrictionWindows(
  restrictions: readonly Restriction[],
  timeZone: string,
  from: number,
  to: number,
): Interval[] {
  if (from >= to) return [];
  const parsed = parseRestrictions(restrictions);
  const firstDay = localDayStart(wallClockAt(from, timeZone)) - MARGIN;
  const lastDay = localDayStart(wallClockAt(to, timeZone)) + MARGIN;
  const windows = windowsOpeningOn(parsed, timeZone, firstDay, lastDay)
    .map((w) => ({ start: Math.max(w.start, from), end: Math.min(w.end, to) }))
    .filter((w) => w.start < w.end)
    .sort((a, b) => a.start - b.start);
  const merged: Interval[] = [];
  for (const w of windows) {
    const last = merged.at(-1);
    if (last && w.start <= last.end) last.end = Math.max(last.end, w.end);
    else merged.push({ ...w });
  }
  return merged;
}

/** True when `at` (epoch ms) lies inside at least one restriction window. */
export function insideRestrictions(
  restrictions: readonly Restriction[],
  timeZone: string,
  at: number,
): boolean {
  const day = localDayStart(wallClockAt(at, timeZone));
  const windows = windowsOpeningOn(parseRestrictions(restrictions), timeZone, day - MARGIN, day + MARGIN);
  return windows.some((w) => w.start <= at && at < w.end);
}
