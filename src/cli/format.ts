import { formatDuration } from "#domain/time.ts";
import type { Colors } from "./output.ts";
import type { Cell } from "./table.ts";

// How incident values look in a terminal: coloured severities and statuses, short durations.

export function severityCell(severity: string, c: Colors): Cell {
  const paint =
    severity === "SEV1"
      ? (s: string) => c.bold(c.red(s))
      : severity === "SEV2"
        ? c.red
        : severity === "SEV3"
          ? c.yellow
          : c.dim;
  return { text: severity, paint };
}

export function statusCell(status: string, c: Colors): Cell {
  const paints: Record<string, (s: string) => string> = {
    triggered: (s) => c.bold(c.red(s)),
    acknowledged: c.yellow,
    investigating: c.yellow,
    mitigating: c.cyan,
    resolved: c.green,
    postmortem: c.dim,
  };
  return { text: status, paint: paints[status] ?? ((s: string) => s) };
}

/** Applies a cell's colour to its text, for use outside tables. */
export function paint(cell: Cell): string {
  return typeof cell === "string" ? cell : (cell.paint ?? ((s: string) => s))(cell.text);
}

/** "45m", "2h 5m", "3d 4h". */
export function duration(seconds: number): string {
  return formatDuration(seconds * 1000);
}

/** "in 12m" for a future instant, "5m ago" for a past one. */
export function relative(iso: string, now: Date): string {
  const ms = new Date(iso).getTime() - now.getTime();
  return ms >= 0 ? `in ${formatDuration(ms)}` : `${formatDuration(-ms)} ago`;
}

/** "2026-05-24 14:02 UTC": minutes are what responders talk in. */
export function timestamp(iso: string): string {
  return `${iso.slice(0, 10)} ${iso.slice(11, 16)} UTC`;
}

export function orDash(value: string | null | undefined): string {
  return value === null || value === undefined || value === "" ? "-" : value;
}
