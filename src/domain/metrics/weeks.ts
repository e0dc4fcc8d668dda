import { DAY } from "../time.ts";

const DAY_RE = /^(\d{4})-(\d{2})-(\d{2})$/;

function parseDay(day: string): number {
  const m = DAY_RE.exec(day);
  const ms = m ? Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])) : Number.NaN;
  if (!m || new Date(ms).toISOString().slice(0, 10) !== day)
    throw new RangeError(`not a YYYY-MM-DD date: ${JSON.stringify(day)}`);
  return ms;
}

const formatDay = (ms: number) => new Date(ms).toISOString().slice(0, 10);

/** Monday 00:00 UTC of the ISO week holding the instant `ms`. */
function mondayOf(ms: number): number {
  const days = Math.floor(ms / DAY);
  // 1970-01-01 was a Thursday: (days + 3) mod 7 is 0 on Mondays.
  return (days - ((((days + 3) % 7) + 7) % 7)) * DAY;
}

/** ISO weeks (Monday 00:00 UTC) for per-week series. Days are "YYYY-MM-DD" UTC dates. */
export function weekStartOf(day: string): string {
  return formatDay(mondayOf(parseDay(day)));
}

/** Every week start from the week holding `fromDay` to the one holding the day before `toDay` (exclusive). */
export function weeksBetween(fromDay: string, toDay: string): string[] {
  const from = parseDay(fromDay);
  const to = parseDay(toDay);
  if (to <= from) return [];
  const out: string[] = [];
  for (let week = mondayOf(from); week < to; week += 7 * DAY) out.push(formatDay(week));
  return out;
}
