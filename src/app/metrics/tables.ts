import type { MetricSection, MetricsReport, SectionTable } from "./types.ts";

type Cell = string | number | null;

const duration = (prefix: string) => [
  `${prefix}_count`,
  `${prefix}_mean_seconds`,
  `${prefix}_median_seconds`,
  `${prefix}_p90_seconds`,
];

/** One section of a report as a table (CSV, CLI). Durations in seconds, ratios 0…1. */
export function sectionTable(report: MetricsReport, section: MetricSection): SectionTable {
  switch (section) {
    case "response-times":
      return {
        columns: ["severity", "incidents", ...duration("mtta"), ...duration("mttr")],
        rows: report.response_times.map((r) => [
          r.severity,
          r.incidents,
          r.mtta.count,
          r.mtta.mean_seconds,
          r.mtta.median_seconds,
          r.mtta.p90_seconds,
          r.mttr.count,
          r.mttr.mean_seconds,
          r.mttr.median_seconds,
          r.mttr.p90_seconds,
        ]),
      };
    case "frequency":
      return {
        columns: ["week", "SEV1", "SEV2", "SEV3", "SEV4", "total"],
        rows: report.frequency.map((w) => [w.week, w.SEV1, w.SEV2, w.SEV3, w.SEV4, w.total]),
      };
    case "trend":
      return {
        columns: ["week", "incidents", "mtta_median_seconds", "mttr_median_seconds", "sla_ratio"],
        rows: report.trend.map((w) => [
          w.week,
          w.incidents,
          w.mtta_median_seconds,
          w.mttr_median_seconds,
          w.sla_ratio,
        ]),
      };
    case "sla":
      return {
        columns: ["severity", "target_minutes", "met", "total", "ratio"],
        rows: report.sla.map((r) => [
          r.severity,
          r.target_minutes,
          r.compliance.met,
          r.compliance.total,
          r.compliance.ratio,
        ]),
      };
    case "update-compliance":
      return {
        columns: ["severity", "cadence_minutes", "on_time", "required", "ratio"],
        rows: report.update_compliance.map((r) => [
          r.severity,
          r.cadence_minutes,
          r.compliance.met,
          r.compliance.total,
          r.compliance.ratio,
        ]),
      };
    case "postmortem-compliance":
      return {
        columns: ["severity", "due_hours", "on_time", "decided", "ratio", "late", "missing"],
        rows: report.postmortem_compliance.map((r) => [
          r.severity,
          r.due_hours,
          r.compliance.met,
          r.compliance.total,
          r.compliance.ratio,
          r.late,
          r.missing,
        ]),
      };
    case "action-items":
      return {
        columns: ["open", "overdue", "done"],
        rows: [[report.action_items.open, report.action_items.overdue, report.action_items.done]],
      };
    case "alerts":
      return {
        columns: ["service", "alerts", "noise", "noise_ratio"],
        rows: report.alerts.by_service.map((s) => [s.service, s.alerts, s.noise, s.noise_ratio]),
      };
    case "oncall-load":
      return {
        columns: ["user", "name", "sent", "off_hours", "failed", "off_hours_ratio"],
        rows: report.oncall_load.people.map((p) => [
          p.user,
          p.name,
          p.sent,
          p.off_hours,
          p.failed,
          p.off_hours_ratio,
        ]),
      };
    case "uptime":
      return {
        columns: ["component", "group", "uptime_percent", "major_outage_minutes", "partial_outage_minutes"],
        rows: report.uptime.map((u) => [
          u.component,
          u.group,
          u.uptime_percent,
          u.major_outage_minutes,
          u.partial_outage_minutes,
        ]),
      };
    default: {
      const unknown: never = section;
      throw new Error(`unknown metrics section ${String(unknown)}`);
    }
  }
}

// A spreadsheet runs a cell starting with one of these as a formula (OWASP "CSV injection").
const FORMULA_START = /^[=+\-@\t\r]/;

function csvCell(cell: Cell): string {
  if (cell === null) return "";
  let text: string;
  if (typeof cell === "number") {
    // Numbers are written as numbers, negative ones included; NaN/Infinity have no CSV form.
    if (!Number.isFinite(cell)) return "";
    text = String(cell);
  } else {
    text = FORMULA_START.test(cell) ? `'${cell}` : cell;
  }
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** RFC 4180 CSV of a table (CRLF, quoted where needed, formula-leading cells prefixed with '). */
export function toCsv(table: SectionTable): string {
  const lines = [table.columns, ...table.rows].map((row) => row.map(csvCell).join(","));
  return `${lines.join("\r\n")}\r\n`;
}
