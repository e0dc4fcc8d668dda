/** A source of the current instant. Domain code never calls Date.now(): it receives a Clock or a `now`. */
export interface Clock {
  now(): Date;
}

/** A clock that never moves unless told to; for tests and simulations. */
export class ManualClock implements Clock {
  #now: Date;
  constructor(start: Date | string) {
    this.#now = new Date(start);
  }
  now(): Date {
    return new Date(this.#now);
  }
  set(at: Date | string): void {
    this.#now = new Date(at);
  }
  advance(ms: number): void {
    this.#now = new Date(this.#now.getTime() + ms);
  }
}

export const SECOND = 1000;
export const MINUTE = 60 * SECOND;
export const HOUR = 60 * MINUTE;
export const DAY = 24 * HOUR;

/** Formats a duration in milliseconds as a short human string: "45s", "14m", "2h 5m", "3d 4h". */
export function formatDuration(ms: number): string {
  const negative = ms < 0;
  let rest = Math.floor(Math.abs(ms) / SECOND);
  const d = Math.floor(rest / 86400);
  rest -= d * 86400;
  const h = Math.floor(rest / 3600);
  rest -= h * 3600;
  const m = Math.floor(rest / 60);
  const s = rest - m * 60;
  let out: string;
  if (d > 0) out = h > 0 ? `${d}d ${h}h` : `${d}d`;
  else if (h > 0) out = m > 0 ? `${h}h ${m}m` : `${h}h`;
  else if (m > 0) out = `${m}m`;
  else out = `${s}s`;
  return negative ? `-${out}` : out;
}

/** Parses "90s", "15m", "2h", "1d", "1h30m" into milliseconds; undefined when the text is not a duration. */
export function parseDuration(text: string): number | undefined {
  const trimmed = text.trim();
  if (trimmed === "") return undefined;
  const re = /(\d+)\s*(ms|s|m|h|d|w)/gy;
  let total = 0;
  let matched = 0;
  for (const match of trimmed.replace(/\s+/g, "").matchAll(re)) {
    const n = Number(match[1]);
    const unit = match[2];
    const factor =
      unit === "ms"
        ? 1
        : unit === "s"
          ? SECOND
          : unit === "m"
            ? MINUTE
            : unit === "h"
              ? HOUR
              : unit === "d"
                ? DAY
                : 7 * DAY;
    total += n * factor;
    matched += match[0].length;
  }
  return matched === trimmed.replace(/\s+/g, "").length ? total : undefined;
}
