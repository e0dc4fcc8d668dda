/**
 * Uptime bars: per component, 90 days in the page's time zone, from the spans the component spent in each
 * status (incident-derived spans and hand-set spans alike).
 *
 * A day runs from local midnight to the next local midnight in the page's zone, so a DST day is 23 or 25
 * hours long. Each day is clipped to the time there is data for: from `since` (the component's start) to
 * `now` (today counts only up to now). Within that window, at every instant the worst status of the spans
 * covering it counts (overlapping spans never count twice), and uptime is Atlassian's rule:
 *
 *   uptime = 1 − (major outage seconds + 0.3 × partial outage seconds) / seconds with data
 *
 * Degraded performance and maintenance count as up. The 90-day figure weighs each day by its seconds with
 * data, so a half day (today, or the component's first day) weighs half.
 */
import { isValidTimeZone } from "../alert/maintenance.ts";
import { formatLocal, instantOfLocal, localDayStart, wallClockAt } from "../schedule/wall-clock.ts";
import { DAY } from "../time.ts";
import { componentStatusRank } from "./status.ts";
import type { ComponentStatus, UptimeDay } from "./types.ts";

/** A span during which a component had `status`; `end` null: still ongoing at `now`. */
export interface StatusInterval {
  start: Date;
  end: Date | null;
  status: ComponentStatus;
  /** The public incident behind it, when there is one (shown in the day's tooltip). */
  incident?: { id: string; name: string };
}

export interface UptimeInput {
  intervals: readonly StatusInterval[];
  now: Date;
  /** IANA zone in which days begin. */
  timeZone: string;
  /** Data starts here (the component's start date or creation); days wholly before it have no data. */
  since: Date | null;
  /** Number of days, ending today; 90 by default. */
  days?: number;
}

/** Partial outage counts at this weight (Atlassian's rule); major outage fully, anything else not at all. */
export const PARTIAL_OUTAGE_WEIGHT = 0.3;

interface Span {
  start: number;
  end: number;
  status: ComponentStatus;
  incident?: { id: string; name: string };
}

/** The local days (start and end instants, YYYY-MM-DD) of the `count` days ending with the one holding `now`. */
export function localDays(
  now: Date,
  timeZone: string,
  count: number,
): { date: string; start: number; end: number }[] {
  const zone = isValidTimeZone(timeZone) ? timeZone : "UTC";
  const today = localDayStart(wallClockAt(now.getTime(), zone));
  const days: { date: string; start: number; end: number }[] = [];
  for (let i = count - 1; i >= 0; i--) {
    const naive = today - i * DAY;
    days.push({
      date: formatLocal(naive).slice(0, 10),
      start: instantOfLocal(naive, zone),
      end: instantOfLocal(naive + DAY, zone),
    });
  }
  return days;
}

export function uptimeDays(input: UptimeInput): { days: UptimeDay[]; uptime90: number | null } {
  const now = input.now.getTime();
  const since = input.since ? input.since.getTime() : Number.NEGATIVE_INFINITY;
  const spans: Span[] = [];
  for (const i of input.intervals) {
    const start = i.start.getTime();
    const end = Math.min(i.end ? i.end.getTime() : now, now);
    if (!(end > start)) continue;
    spans.push({ start, end, status: i.status, ...(i.incident ? { incident: i.incident } : {}) });
  }

  let weighted = 0;
  let total = 0;
  const days: UptimeDay[] = localDays(input.now, input.timeZone, Math.max(0, input.days ?? 90)).map((day) => {
    const from = Math.max(day.start, since);
    const to = Math.min(day.end, now);
    if (!(to > from))
      return { date: day.date, worst: null, majorSeconds: 0, partialSeconds: 0, uptime: null, incidents: [] };

    const inDay = spans.filter((s) => s.start < to && s.end > from);
    let worst: ComponentStatus = "operational";
    const incidents = new Map<string, { id: string; name: string }>();
    const cuts = new Set<number>([from, to]);
    for (const s of inDay) {
      if (componentStatusRank(s.status) > componentStatusRank(worst)) worst = s.status;
      if (s.incident && !incidents.has(s.incident.id))
        incidents.set(s.incident.id, { id: s.incident.id, name: s.incident.name });
      cuts.add(Math.max(s.start, from));
      cuts.add(Math.min(s.end, to));
    }
    // Between consecutive cut points the set of covering spans is constant: the worst of them counts.
    const points = [...cuts].sort((a, b) => a - b);
    let majorMs = 0;
    let partialMs = 0;
    for (let k = 0; k + 1 < points.length; k++) {
      const a = points[k] as number;
      const b = points[k + 1] as number;
      let here: ComponentStatus = "operational";
      for (const s of inDay)
        if (s.start <= a && s.end >= b && componentStatusRank(s.status) > componentStatusRank(here))
          here = s.status;
      if (here === "major_outage") majorMs += b - a;
      else if (here === "partial_outage") partialMs += b - a;
    }
    const down = majorMs + PARTIAL_OUTAGE_WEIGHT * partialMs;
    weighted += down;
    total += to - from;
    return {
      date: day.date,
      worst,
      majorSeconds: majorMs / 1000,
      partialSeconds: partialMs / 1000,
      uptime: 1 - down / (to - from),
      incidents: [...incidents.values()],
    };
  });
  return { days, uptime90: total > 0 ? 1 - weighted / total : null };
}
