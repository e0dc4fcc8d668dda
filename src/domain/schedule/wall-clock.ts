/**
 * Local wall-clock arithmetic for schedules. A local time is held as "naive" milliseconds: the wall clock
 * read as if it were UTC (2026-03-29T02:30 local → Date.UTC(2026, 2, 29, 2, 30)), so adding a day or a
 * shift length is plain addition and never crosses a DST change. Turning a naive time into an instant is
 * `localToInstant`'s job (gaps move forward, repeated times use the first occurrence); Intl is the only
 * source of zone rules.
 */

import { localToInstant } from "../alert/maintenance.ts";
import { DAY, MINUTE, SECOND } from "../time.ts";
import type { IsoWeekday } from "./types.ts";

const LOCAL_RE = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})$/;
const HHMM_RE = /^([01]\d|2[0-3]):([0-5]\d)$/;

/** Minutes after midnight for "HH:MM" (00:00–23:59); undefined for anything else. */
export function parseHHMM(text: string): number | undefined {
  const m = typeof text === "string" ? HHMM_RE.exec(text) : null;
  return m ? Number(m[1]) * 60 + Number(m[2]) : undefined;
}

/** Naive ms for "YYYY-MM-DDTHH:MM" (a real calendar date, 24-hour time); undefined for anything else. */
export function parseLocal(text: string): number | undefined {
  const m = typeof text === "string" ? LOCAL_RE.exec(text) : null;
  if (!m) return undefined;
  const [y, mo, d, h, mi] = m.slice(1).map(Number) as [number, number, number, number, number];
  if (h > 23 || mi > 59) return undefined;
  const date = new Date(0);
  date.setUTCFullYear(y, mo - 1, d);
  if (date.getUTCFullYear() !== y || date.getUTCMonth() !== mo - 1 || date.getUTCDate() !== d)
    return undefined;
  return date.getTime() + (h * 60 + mi) * MINUTE;
}

const pad = (n: number, width = 2) => String(n).padStart(width, "0");

/** "YYYY-MM-DDTHH:MM" for a naive time (seconds dropped: schedule times are whole minutes). */
export function formatLocal(naive: number): string {
  const d = new Date(naive);
  return `${pad(d.getUTCFullYear(), 4)}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}T${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}`;
}

/** Midnight of the naive time's local date. */
export function localDayStart(naive: number): number {
  return Math.floor(naive / DAY) * DAY;
}

/** The ISO weekday of a naive time's local date (1970-01-01 was a Thursday). */
export function isoWeekday(naive: number): IsoWeekday {
  const days = Math.floor(naive / DAY);
  // The expression is an integer in 1..7 by construction.
  return (((((days + 3) % 7) + 7) % 7) + 1) as IsoWeekday;
}

// Building a DateTimeFormat costs far more than using one; zones are few, so keep one per zone.
const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat("en-US", {
      timeZone,
      hourCycle: "h23",
      year: "numeric",
      month: "numeric",
      day: "numeric",
      hour: "numeric",
      minute: "numeric",
      second: "numeric",
    });
    formatters.set(timeZone, f);
  }
  return f;
}

/** The wall clock in `timeZone` at the instant `epochMs`, as naive ms. Throws RangeError for an unknown zone. */
export function wallClockAt(epochMs: number, timeZone: string): number {
  // Zone offsets are whole seconds: format the second, carry the milliseconds over.
  const whole = Math.floor(epochMs / SECOND) * SECOND;
  const p: Record<string, number> = {};
  for (const part of formatterFor(timeZone).formatToParts(whole)) p[part.type] = Number(part.value);
  const date = new Date(0);
  date.setUTCFullYear(p.year ?? 1970, (p.month ?? 1) - 1, p.day ?? 1);
  date.setUTCHours(p.hour ?? 0, p.minute ?? 0, p.second ?? 0, epochMs - whole);
  return date.getTime();
}

// Hand-offs and restriction edges are asked for again and again (every onCallAt, every page of a
// calendar), and each conversion costs several Intl calls; remember recent ones. Bounded so a long-lived
// process cannot grow it without limit; clearing it only costs recomputation.
const instants = new Map<string, number>();
const MAX_REMEMBERED = 50_000;

/** The instant (epoch ms) at which `timeZone` first shows the naive local time, by the DST rule of localToInstant. */
export function instantOfLocal(naive: number, timeZone: string): number {
  const key = `${timeZone} ${naive}`;
  const known = instants.get(key);
  if (known !== undefined) return known;
  const at = localToInstant(formatLocal(naive), timeZone).getTime();
  if (instants.size >= MAX_REMEMBERED) instants.clear();
  instants.set(key, at);
  return at;
}

const WEEKDAY_NAMES = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"] as const;

/** "Sat 2026-12-05 17:00": the wall clock in `timeZone` at an instant, for messages and notices. */
export function describeLocal(at: Date, timeZone: string): string {
  const naive = wallClockAt(at.getTime(), timeZone);
  return `${WEEKDAY_NAMES[isoWeekday(naive) - 1]} ${formatLocal(naive).replace("T", " ")}`;
}
