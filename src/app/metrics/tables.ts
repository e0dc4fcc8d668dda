import type { MetricSection, MetricsReport, SectionTable } from "./types.ts";

/** One section of a report as a table (CSV, CLI). Durations in seconds, ratios 0…1. */
export function sectionTable(_report: MetricsReport, _section: MetricSection): SectionTable {
  throw new Error("not implemented");
}

/** RFC 4180 CSV of a table (CRLF, quoted where needed, formula-leading cells prefixed with '). */
export function toCsv(_table: SectionTable): string {
  throw new Error("not implemented");
}
