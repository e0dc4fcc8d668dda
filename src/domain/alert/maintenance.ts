/**
 * Maintenance windows on a service: alerts that arrive during a window are recorded but open no incident
 * and page no one. A window is stored as two instants, but people enter it as local wall-clock times in an
 * IANA time zone ("Saturday 02:00 Berlin time"), so this module also turns local times into instants.
 * Only Intl is used (no time-zone library): the runtime's ICU data is the single source of zone rules.
 */

import { DAY, SECOND } from "../time.ts";

/** A window as instants; start inclusive, end exclusive. */
export interface MaintenanceWindow {
  startsAt: Date;
  endsAt: Date;
}

export type WindowState = "scheduled" | "active" | "ended";

/** True when `at` falls inside any window (start inclusive, end exclusive, so back-to-back windows never overlap). */
export function inMaintenance(windows: readonly MaintenanceWindow[], at: Date): boolean {
  const t = at.getTime();
  return windows.some((w) => w.startsAt.getTime() <= t && t < w.endsAt.getTime());
}

/** Where a window stands at `now`; a window whose end is not after its start is never active. */
export function windowState(window: MaintenanceWindow, now: Date): WindowState {
  const t = now.getTime();
  if (t < window.startsAt.getTime()) return "scheduled";
  if (t < window.endsAt.getTime()) return "active";
  return "ended";
}

/** True when the runtime knows `timeZone` (an IANA name such as "Europe/Berlin", or "UTC"). */
export function isValidTimeZone(timeZone: string): boolean {
  if (typeof timeZone !== "string" || timeZone.trim() === "") return false;
  try {
    formatterFor(timeZone);
    return true;
  } catch {
    return false;
  }
}

const LOCAL_RE = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2}))?$/;

/**
 * The instant at which the wall clock in `timeZone` shows `local` ("2026-03-29T02:30" or
 * "2026-03-29T02:30:15"). Throws RangeError for malformed input or an unknown zone.
 *
 * DST: a local time that does not exist (spring-forward gap) moves to the first instant after the gap,
 * i.e. the transition itself (Berlin 2026-03-29T02:30 → 03:00 local = 01:00Z), so a window typed into the
 * gap starts as soon as the clock allows rather than an hour late. A local time that occurs twice
 * (fall-back overlap) uses the first occurrence (Berlin 2026-10-25T02:30 → 00:30Z), so a window never
 * starts later than the person meant.
 */
export function localToInstant(local: string, timeZone: string): Date {
  const m = LOCAL_RE.exec(local);
  if (!m) throw new RangeError(`invalid local time ${JSON.stringify(local)}: expected YYYY-MM-DDTHH:MM[:SS]`);
  const [y, mo, d, h, mi, s] = m.slice(1).map((part) => Number(part ?? 0)) as [
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  const naive = utcMs(y, mo, d, h, mi, s);
  const back = new Date(naive);
  if (
    h > 23 ||
    mi > 59 ||
    s > 59 ||
    back.getUTCFullYear() !== y ||
    back.getUTCMonth() !== mo - 1 ||
    back.getUTCDate() !== d
  )
    throw new RangeError(`invalid local time ${JSON.stringify(local)}: no such date or time`);
  if (!isValidTimeZone(timeZone)) throw new RangeError(`unknown time zone ${JSON.stringify(timeZone)}`);

  // The offsets a day either side bracket any single transition near this local time (the same approach
  // as Temporal's reference implementation); each candidate is kept only if it really shows `local`.
  const before = offsetAt(timeZone, naive - DAY);
  const after = offsetAt(timeZone, naive + DAY);
  const candidates = [naive - before, naive - after].filter((t) => offsetAt(timeZone, t) === naive - t);
  if (candidates.length > 0) return new Date(Math.min(...candidates));

  // In a gap: `naive - after` still shows the old offset, `naive - before` already the new one. The
  // transition lies between them; find it to the second (zone rules never change mid-second).
  let lo = Math.floor((naive - after) / SECOND);
  let hi = Math.floor((naive - before) / SECOND);
  if (lo >= hi) return new Date(naive - before);
  const old = offsetAt(timeZone, lo * SECOND);
  while (hi - lo > 1) {
    const mid = Math.floor((lo + hi) / 2);
    if (offsetAt(timeZone, mid * SECOND) === old) lo = mid;
    else hi = mid;
  }
  return new Date(hi * SECOND);
}

/** Date.UTC, but without its mapping of years 0–99 onto 1900–1999. */
function utcMs(y: number, mo: number, d: number, h: number, mi: number, s: number): number {
  const date = new Date(0);
  date.setUTCFullYear(y, mo - 1, d);
  date.setUTCHours(h, mi, s, 0);
  return date.getTime();
}

// Building a DateTimeFormat is far slower than using one; zones are few, so keep one per zone.
const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat("en-US", {
      timeZone,
      hourCycle: "h23",
      era: "short",
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

/** The zone's UTC offset in ms at the instant `epochMs` (wall clock read as UTC, minus the instant). */
function offsetAt(timeZone: string, epochMs: number): number {
  const whole = Math.floor(epochMs / SECOND) * SECOND;
  const p: Record<string, string> = {};
  for (const part of formatterFor(timeZone).formatToParts(whole)) p[part.type] = part.value;
  const year = p.era === "BC" || p.era === "B" ? 1 - Number(p.year) : Number(p.year);
  const wall = utcMs(
    year,
    Number(p.month),
    Number(p.day),
    Number(p.hour),
    Number(p.minute),
    Number(p.second),
  );
  return wall - whole;
}
