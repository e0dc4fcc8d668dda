import { isValidTimeZone } from "../../../../src/domain/alert/maintenance.ts";
import {
  formatLocal,
  instantOfLocal,
  parseLocal,
  wallClockAt,
} from "../../../../src/domain/schedule/wall-clock.ts";
import { DAY } from "../../../../src/domain/time.ts";

// Times in a schedule's own zone. Schedules hand off at local wall-clock times, so the UI shows and reads
// times in the schedule's zone (labelled with it), never silently in the viewer's. The wall-clock maths is
// the server's own pure module (src/domain/schedule/wall-clock.ts), so both sides agree across DST.

export { DAY };

export function browserZone(): string {
  try {
    return Intl.DateTimeFormat().resolvedOptions().timeZone || "UTC";
  } catch {
    return "UTC";
  }
}

/** Every IANA zone the browser knows, with `extra` (the current value) always included. */
export function timeZoneList(...extra: string[]): string[] {
  let zones: string[] = [];
  try {
    zones = Intl.supportedValuesOf("timeZone");
  } catch {
    zones = [];
  }
  return [...new Set([...zones, "UTC", ...extra.filter(Boolean)])].sort((a, b) => a.localeCompare(b));
}

const safeZone = (zone: string) => (isValidTimeZone(zone) ? zone : "UTC");

const formatters = new Map<string, Intl.DateTimeFormat>();
function formatter(zone: string, options: Intl.DateTimeFormatOptions): Intl.DateTimeFormat {
  const key = `${zone}|${JSON.stringify(options)}`;
  let f = formatters.get(key);
  if (!f) {
    f = new Intl.DateTimeFormat(undefined, { ...options, timeZone: safeZone(zone) });
    formatters.set(key, f);
  }
  return f;
}

const CLOCK: Intl.DateTimeFormatOptions = { hour: "2-digit", minute: "2-digit", hourCycle: "h23" };
const DAY_LABEL: Intl.DateTimeFormatOptions = { weekday: "short", day: "numeric", month: "short" };

/** "09:00" in the zone. */
export function clockIn(at: string | number, zone: string): string {
  return formatter(zone, CLOCK).format(new Date(at));
}

/** "Wed 2 Dec" in the zone. */
export function dayIn(at: string | number, zone: string): string {
  return formatter(zone, DAY_LABEL).format(new Date(at));
}

/** "Wed 2 Dec, 09:00" in the zone. */
export function whenIn(at: string | number, zone: string): string {
  return formatter(zone, { ...DAY_LABEL, ...CLOCK }).format(new Date(at));
}

/** "UTC+1", "GMT-5": the zone's offset at an instant, to label times with. */
export function offsetLabel(zone: string, at: number): string {
  try {
    const part = formatter(zone, { timeZoneName: "shortOffset" })
      .formatToParts(new Date(at))
      .find((p) => p.type === "timeZoneName");
    return part?.value.replace(/^GMT$/, "UTC").replace(/^GMT/, "UTC") ?? zone;
  } catch {
    return zone;
  }
}

/** "Europe/Berlin (UTC+1)". */
export function zoneLabel(zone: string, at: number): string {
  const offset = offsetLabel(zone, at);
  return zone === "UTC" || offset === zone ? zone : `${zone} (${offset})`;
}

/** The wall clock in the zone at an instant as a datetime-local value: "2026-12-02T09:00". */
export function toLocalInput(at: string | number, zone: string): string {
  return formatLocal(wallClockAt(new Date(at).getTime(), safeZone(zone)));
}

/**
 * A datetime-local value read in the zone, as an ISO instant ("2026-12-02T08:00:00.000Z"); the text itself
 * when it is not a date and time, so the server's message ("must be an ISO 8601 instant") is the one shown.
 */
export function fromLocalInput(local: string, zone: string): string {
  const naive = parseLocal(local.slice(0, 16));
  if (naive === undefined) return local;
  return new Date(instantOfLocal(naive, safeZone(zone))).toISOString();
}

/** Midnight (local to the zone) of the day containing `at`, as naive ms (see wall-clock.ts). */
export function localMidnightNaive(at: number, zone: string): number {
  const naive = wallClockAt(at, safeZone(zone));
  return Math.floor(naive / DAY) * DAY;
}

/** The instant a naive local time happens in the zone. */
export function instantOfNaive(naive: number, zone: string): number {
  return instantOfLocal(naive, safeZone(zone));
}

/** The next full hour in the zone after `at`, as a datetime-local value. */
export function nextHourInput(at: number, zone: string): string {
  const naive = wallClockAt(at, safeZone(zone));
  const HOUR = 3_600_000;
  return formatLocal(Math.floor(naive / HOUR) * HOUR + HOUR);
}

/** A datetime-local value moved by `hours` of wall-clock time. */
export function addHoursInput(local: string, hours: number): string {
  const naive = parseLocal(local.slice(0, 16));
  return naive === undefined ? local : formatLocal(naive + hours * 3_600_000);
}

/** "5 min", "1 h 30 min", "2 d" for a number of minutes. */
export function minutesWords(minutes: number): string {
  if (minutes < 60) return `${minutes} min`;
  const d = Math.floor(minutes / 1440);
  const h = Math.floor((minutes % 1440) / 60);
  const m = minutes % 60;
  return [d ? `${d} d` : "", h ? `${h} h` : "", m ? `${m} min` : ""].filter(Boolean).join(" ");
}
