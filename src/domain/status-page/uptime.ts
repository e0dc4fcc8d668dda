/**
 * Uptime bars: per component, 90 days in the page's time zone, from the spans the component spent in each
 * status (incident-derived spans and hand-set spans alike).
 *
 * CONTRACT STUB: owned by the rendering work; the exported signatures are used by the snapshot reader.
 */
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

export function uptimeDays(input: UptimeInput): { days: UptimeDay[]; uptime90: number | null } {
  void input;
  return { days: [], uptime90: null };
}
