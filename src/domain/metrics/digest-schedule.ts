/**
 * When the weekly digest is due, and which days it covers. Each week (Monday to Sunday on the configured
 * zone's calendar) has one occurrence: `weekday` at `hour`:00 local time; DST gaps and repeats follow
 * localToInstant (a time in a gap moves to the end of the gap, a repeated time is its first occurrence).
 * The week is named by its Monday's local date ("2026-03-09"), which is the digest's idempotency key: moving
 * the weekday or hour within a week does not make a second digest.
 */

import {
  formatLocal,
  instantOfLocal,
  isoWeekday,
  localDayStart,
  wallClockAt,
} from "../schedule/wall-clock.ts";
import { DAY, HOUR } from "../time.ts";

export const DIGEST_WEEKDAYS = [
  "monday",
  "tuesday",
  "wednesday",
  "thursday",
  "friday",
  "saturday",
  "sunday",
] as const;
export type DigestWeekday = (typeof DIGEST_WEEKDAYS)[number];

export interface DigestTiming {
  weekday: DigestWeekday;
  /** 0–23, local time. */
  hour: number;
  /** IANA zone. */
  timeZone: string;
}

export interface DigestOccurrence {
  /** The local date of the Monday of the occurrence's week, YYYY-MM-DD: one digest per key. */
  week: string;
  /** When it is due. */
  at: Date;
  /** The days it covers: the seven full UTC days before `at` (from inclusive, to exclusive, YYYY-MM-DD). */
  from: string;
  to: string;
}

const WEEK_RE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** The occurrence of the week whose Monday (local date) is `week`. Throws RangeError for a bad key. */
export function digestOccurrence(week: string, timing: DigestTiming): DigestOccurrence {
  const m = WEEK_RE.exec(week);
  const monday = m ? Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])) : Number.NaN;
  if (!m || Number.isNaN(monday) || formatLocal(monday).slice(0, 10) !== week || isoWeekday(monday) !== 1)
    throw new RangeError(`not a Monday date: ${JSON.stringify(week)}`);
  const dayIndex = DIGEST_WEEKDAYS.indexOf(timing.weekday);
  const at = new Date(instantOfLocal(monday + dayIndex * DAY + timing.hour * HOUR, timing.timeZone));
  return { week, at, ...digestRange(at) };
}

/** The seven full UTC days before `at`: to = the UTC midnight at or before it, from = seven days earlier. */
export function digestRange(at: Date): { from: string; to: string } {
  const to = Math.floor(at.getTime() / DAY) * DAY;
  const day = (ms: number) => new Date(ms).toISOString().slice(0, 10);
  return { from: day(to - 7 * DAY), to: day(to) };
}

/** The Monday (local date, YYYY-MM-DD) of the week holding the instant `at` in `timeZone`. */
export function weekOf(at: Date, timeZone: string): string {
  const today = localDayStart(wallClockAt(at.getTime(), timeZone));
  return formatLocal(today - (isoWeekday(today) - 1) * DAY).slice(0, 10);
}

function shiftWeek(week: string, weeks: number): string {
  const m = WEEK_RE.exec(week);
  const ms = Date.UTC(Number(m?.[1]), Number(m?.[2]) - 1, Number(m?.[3])) + weeks * 7 * DAY;
  return new Date(ms).toISOString().slice(0, 10);
}

/** The last occurrence at or before `now` and the first one after it. */
export function digestOccurrencesAround(
  now: Date,
  timing: DigestTiming,
): { previous: DigestOccurrence; next: DigestOccurrence } {
  const week = weekOf(now, timing.timeZone);
  const current = digestOccurrence(week, timing);
  if (current.at.getTime() <= now.getTime())
    return { previous: current, next: digestOccurrence(shiftWeek(week, 1), timing) };
  return { previous: digestOccurrence(shiftWeek(week, -1), timing), next: current };
}

/** The occurrence of the week after `week`. */
export function nextDigestOccurrence(week: string, timing: DigestTiming): DigestOccurrence {
  return digestOccurrence(shiftWeek(week, 1), timing);
}
