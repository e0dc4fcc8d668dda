// How Insights writes its figures, as the CLI and the digest do: durations "42s", "4m 12s", "2h 05m",
// "3d 04h" (smaller units cut, not rounded); shares "93.5 %"; nothing counted: "—" (never 0 % or 100 %).

export const NONE = "—";

const pad = (n: number) => String(n).padStart(2, "0");

export function duration(seconds: number | null | undefined): string {
  if (seconds === null || seconds === undefined || !Number.isFinite(seconds)) return NONE;
  const s = Math.max(0, Math.round(seconds));
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m ${pad(s % 60)}s`;
  if (s < 86400) return `${Math.floor(s / 3600)}h ${pad(Math.floor((s % 3600) / 60))}m`;
  return `${Math.floor(s / 86400)}d ${pad(Math.floor((s % 86400) / 3600))}h`;
}

/** Axis ticks: the shortest exact unit ("30s", "5m", "2h", "1d 12h"). */
export function durationTick(seconds: number): string {
  const s = Math.round(seconds);
  if (s < 60) return `${s}s`;
  if (s < 3600) return s % 60 ? `${Math.floor(s / 60)}m ${s % 60}s` : `${s / 60}m`;
  if (s < 86400)
    return s % 3600 ? `${Math.floor(s / 3600)}h ${Math.round((s % 3600) / 60)}m` : `${s / 3600}h`;
  return s % 86400 ? `${Math.floor(s / 86400)}d ${Math.round((s % 86400) / 3600)}h` : `${s / 86400}d`;
}

export function percent(ratio: number | null | undefined, digits = 1): string {
  if (ratio === null || ratio === undefined || !Number.isFinite(ratio)) return NONE;
  const value = ratio * 100;
  // 99.96 % must not read as 100.0 %, nor 0.04 % as 0.0 %: those two only when exact.
  let text = value.toFixed(digits);
  if (text === (100).toFixed(digits) && value < 100) text = (100 - 10 ** -digits).toFixed(digits);
  if (Number(text) === 0 && value > 0) text = (10 ** -digits).toFixed(digits);
  return `${text} %`;
}

export function count(n: number): string {
  return n.toLocaleString("en-US");
}

/** "Mar 4" / "Mar 4, 2026" for a UTC day. */
export function dayLabel(day: string, withYear = false): string {
  const d = new Date(`${day}T00:00:00Z`);
  return d.toLocaleDateString("en-US", {
    month: "short",
    day: "numeric",
    ...(withYear ? { year: "numeric" } : {}),
    timeZone: "UTC",
  });
}
