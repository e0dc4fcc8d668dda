import { sectionTable, toCsv } from "#app/metrics/tables.ts";
import {
  type ComplianceView,
  type DurationView,
  METRIC_SECTIONS,
  type MetricSection,
  type MetricsReport,
} from "#app/metrics/types.ts";
import type { CommandContext, CommandNode, CommandSpec, FlagSpec } from "../command.ts";
import { CliError, usageError } from "../errors.ts";
import type { Output } from "../output.ts";
import { closest } from "../suggest.ts";
import type { Cell } from "../table.ts";
import { metricsDigestCommand } from "./metrics-digest.ts";

// `foghorn metrics [SECTION]`: the metrics report of GET /api/v1/metrics as a summary, one section as a
// table, its CSV (the same bytes as the API's ?format=csv), or the API's JSON. Definitions: docs/metrics.md.

/**
 * Commands under `foghorn metrics` (`metrics digest`): a first word naming one runs it instead of a section.
 * Kept in this list so each lives in its own file and adds one entry here.
 */
const SUBCOMMANDS: readonly CommandNode[] = [metricsDigestCommand];

const FILTER_FLAGS: readonly FlagSpec[] = [
  {
    name: "from",
    type: "string",
    value: "DATE",
    description: "First day, YYYY-MM-DD (UTC); default: 30 days ago",
  },
  {
    name: "to",
    type: "string",
    value: "DATE",
    description: "Day after the last one, YYYY-MM-DD (exclusive); default: tomorrow, so today is included",
  },
  {
    name: "days",
    type: "string",
    value: "N",
    description: "Instead of --from: the N days ending with --to (default 30)",
  },
  {
    name: "service",
    type: "string",
    value: "NAME",
    description: "Only incidents, alerts and pages of a service",
  },
  {
    name: "team",
    type: "string",
    value: "TEAM",
    description: "Only those of a team's services (foghorn service set NAME --team TEAM)",
  },
  {
    name: "severity",
    type: "string",
    multiple: true,
    value: "SEV",
    description: "Only these severities (repeat or comma-separate: SEV1,SEV2)",
  },
  {
    name: "type",
    type: "string",
    value: "TYPE",
    description: 'Only incidents of an incident type; "none": declared without a type',
  },
];

const CSV_FLAG: FlagSpec = {
  name: "csv",
  type: "boolean",
  description: "Print the section as CSV (RFC 4180; durations in seconds, ratios 0…1), e.g. > sla.csv",
};

/** API parameter → the flag the user typed, so a refused value reads in their words. */
const FIELD_FLAGS: Record<string, string> = Object.fromEntries(
  FILTER_FLAGS.map((f) => [f.name, `--${f.name}`]),
);

function filterQuery(ctx: CommandContext): Record<string, string | undefined> {
  const a = ctx.args;
  const severities = a.strings("severity");
  return {
    from: a.string("from"),
    to: a.string("to"),
    days: a.string("days"),
    service: a.string("service"),
    team: a.string("team"),
    severity: severities.length ? severities.join(",") : undefined,
    type: a.string("type"),
  };
}

function readSection(word: string | undefined): MetricSection | undefined {
  if (word === undefined) return undefined;
  const section = word.trim().toLowerCase().replace(/_/g, "-");
  if ((METRIC_SECTIONS as readonly string[]).includes(section)) return section as MetricSection;
  const guess = closest(section, [...METRIC_SECTIONS, ...SUBCOMMANDS.map((c) => c.name)]);
  throw usageError(
    `unknown metrics section "${word}"; ${guess ? `did you mean "${guess}"? ` : ""}` +
      `the sections are ${METRIC_SECTIONS.join(", ")}`,
  );
}

// ---- how figures look in a terminal ----

const NONE = "—";

/** "42s", "4m 12s", "2h 05m", "3d 04h"; null → "—". */
export function humanDuration(seconds: number | null | undefined): string {
  if (seconds === null || seconds === undefined || !Number.isFinite(seconds)) return NONE;
  const total = Math.round(seconds);
  const pad = (n: number) => String(n).padStart(2, "0");
  if (total < 60) return `${total}s`;
  if (total < 3600) return `${Math.floor(total / 60)}m ${pad(total % 60)}s`;
  if (total < 86400) return `${Math.floor(total / 3600)}h ${pad(Math.floor((total % 3600) / 60))}m`;
  return `${Math.floor(total / 86400)}d ${pad(Math.floor((total % 86400) / 3600))}h`;
}

/** A target in whole minutes: "5m", "1h", "1h 30m", "2d". */
function humanMinutes(minutes: number | null): string {
  if (minutes === null) return NONE;
  if (minutes < 60) return `${minutes}m`;
  if (minutes % 1440 === 0) return `${minutes / 1440}d`;
  const h = Math.floor(minutes / 60);
  return minutes % 60 ? `${h}h ${minutes % 60}m` : `${h}h`;
}

/** A share 0…1 as "93.5 %"; null (nothing counted) → "—". */
export function humanRatio(ratio: number | null | undefined): string {
  if (ratio === null || ratio === undefined || !Number.isFinite(ratio)) return NONE;
  return `${(ratio * 100).toFixed(1)} %`;
}

function count(n: number): string {
  return n.toLocaleString("en-US");
}

function compliance(c: ComplianceView): [string, string, string] {
  return [count(c.met), count(c.total), humanRatio(c.ratio)];
}

function durations(d: DurationView): string[] {
  return [humanDuration(d.mean_seconds), humanDuration(d.median_seconds), humanDuration(d.p90_seconds)];
}

/** "2026-04-25 – 2026-05-24 (30 days)": `to` is exclusive, so the last day shown is the one before it. */
function rangeText(range: MetricsReport["range"]): string {
  const last = new Date(`${range.to}T00:00:00Z`);
  last.setUTCDate(last.getUTCDate() - 1);
  const lastDay = Number.isNaN(last.getTime()) ? range.to : last.toISOString().slice(0, 10);
  return `${range.from} – ${lastDay} (${range.days} day${range.days === 1 ? "" : "s"})`;
}

function filtersText(filters: MetricsReport["filters"]): string {
  const parts = [
    filters.service ? `service ${filters.service}` : "",
    filters.team ? `team ${filters.team}` : "",
    filters.severity.length ? filters.severity.join(", ") : "",
    filters.type ? (filters.type === "none" ? "no incident type" : `type ${filters.type}`) : "",
  ].filter(Boolean);
  return parts.length ? parts.join(" · ") : "all incidents";
}

/**
 * A section's table cell as a person reads it, by its column's unit (app/metrics/tables.ts names them):
 * `*_seconds` durations, `*_minutes` and `*_hours` spans, `*ratio` shares 0…1, `*_percent` percentages.
 */
function humanCell(column: string, value: string | number | null): string {
  if (value === null) return NONE;
  if (typeof value === "string") return value;
  if (column.endsWith("_seconds")) return humanDuration(value);
  if (column.endsWith("_minutes"))
    return Number.isInteger(value) ? humanMinutes(value) : humanDuration(value * 60);
  if (column.endsWith("_hours")) return `${Number(value.toFixed(2))}h`;
  if (column.endsWith("_percent")) return `${Number(value.toFixed(3))} %`;
  if (column === "ratio" || column.endsWith("_ratio")) return humanRatio(value);
  return Number.isInteger(value) ? count(value) : String(Number(value.toFixed(2)));
}

/** A column as a table header, units left to the cells: `mtta_median_seconds` → `MTTA MEDIAN`. */
function humanHeader(column: string): string {
  if (column === "ratio") return "COMPLIANCE";
  return column
    .replace(/_(seconds|minutes|hours|percent)$/, "")
    .replace(/_ratio$/, " %")
    .replace(/_/g, " ")
    .toUpperCase();
}

function printSectionTable(out: Output, report: MetricsReport, section: MetricSection): void {
  const table = sectionTable(report, section);
  out.print(`${out.color.bold(section)}  ${rangeText(report.range)} · ${filtersText(report.filters)}`);
  if (table.rows.length === 0) {
    out.print(out.color.dim("  Nothing in this range."));
    return;
  }
  out.table(
    table.columns.map(humanHeader),
    table.rows.map((row) => table.columns.map((column, i) => humanCell(column, row[i] ?? null))),
  );
}

function heading(out: Output, title: string, note = ""): void {
  out.print("");
  out.print(`${out.color.bold(title)}${note ? `  ${out.color.dim(note)}` : ""}`);
}

/** The whole report in one screen: response times, compliance, action items, top 5s, uptime. */
function printSummary(out: Output, r: MetricsReport): void {
  const c = out.color;
  out.print(`${c.bold("Metrics")}  ${rangeText(r.range)} · ${filtersText(r.filters)}`);
  const sev = (s: string): Cell => (s === "all" ? { text: "all", paint: c.bold } : s);

  const all = r.response_times.find((row) => row.severity === "all");
  const incidents = all?.incidents ?? 0;
  heading(
    out,
    "Response times",
    `${count(incidents)} incident${incidents === 1 ? "" : "s"}; median and p90 within 1 %`,
  );
  out.table(
    ["SEVERITY", "INCIDENTS", "MTTA MEAN", "MTTA MEDIAN", "MTTA P90", "MTTR MEAN", "MTTR MEDIAN", "MTTR P90"],
    r.response_times.map((row) => [
      sev(row.severity),
      count(row.incidents),
      ...durations(row.mtta),
      ...durations(row.mttr),
    ]),
  );

  heading(out, "SLA", "acknowledged within the severity's target");
  out.table(
    ["SEVERITY", "TARGET", "MET", "COUNTED", "COMPLIANCE"],
    r.sla.map((row) => [sev(row.severity), humanMinutes(row.target_minutes), ...compliance(row.compliance)]),
  );

  heading(out, "Status updates", "required updates posted on time, resolved incidents");
  out.table(
    ["SEVERITY", "EVERY", "ON TIME", "REQUIRED", "COMPLIANCE"],
    r.update_compliance.map((row) => [
      sev(row.severity),
      humanMinutes(row.cadence_minutes),
      ...compliance(row.compliance),
    ]),
  );

  heading(out, "Postmortems", "published within the due time");
  if (r.postmortem_compliance.length === 0) out.print(c.dim("  No severity requires a postmortem."));
  else
    out.table(
      ["SEVERITY", "DUE", "ON TIME", "DECIDED", "LATE", "MISSING", "COMPLIANCE"],
      r.postmortem_compliance.map((row) => {
        const [met, total, ratio] = compliance(row.compliance);
        return [
          sev(row.severity),
          row.due_hours === null ? NONE : `${row.due_hours}h`,
          met,
          total,
          count(row.late),
          count(row.missing),
          ratio,
        ];
      }),
    );

  const ai = r.action_items;
  heading(out, "Action items");
  out.print(
    `  ${count(ai.open)} open (${ai.overdue ? c.red(`${count(ai.overdue)} overdue`) : "0 overdue"}), ${count(ai.done)} done`,
  );

  const al = r.alerts;
  heading(
    out,
    "Alerts",
    `${count(al.total)} alerts, ${count(al.noise)} noise (${humanRatio(al.noise_ratio)})`,
  );
  if (al.by_service.length === 0) out.print(c.dim("  No alerts in this range."));
  else
    out.table(
      ["SERVICE", "ALERTS", "NOISE", "NOISE %"],
      top5(al.by_service, (s) => s.alerts).map((s) => [
        s.service,
        count(s.alerts),
        count(s.noise),
        humanRatio(s.noise_ratio),
      ]),
    );
  moreNote(out, al.by_service.length, "alerts");

  const load = r.oncall_load;
  heading(
    out,
    "On-call load",
    `${count(load.sent)} pages, ${count(load.off_hours)} off hours, ${count(load.failed)} failed`,
  );
  if (load.people.length === 0) out.print(c.dim("  No pages in this range."));
  else
    out.table(
      ["PERSON", "NAME", "PAGES", "OFF HOURS", "OFF HOURS %", "FAILED"],
      top5(load.people, (p) => p.sent).map((p) => [
        p.user,
        p.name,
        count(p.sent),
        count(p.off_hours),
        humanRatio(p.off_hours_ratio),
        count(p.failed),
      ]),
    );
  moreNote(out, load.people.length, "oncall-load");

  heading(out, "Uptime", "status page components");
  if (r.uptime.length === 0) out.print(c.dim("  No status page components."));
  else
    out.table(
      ["COMPONENT", "GROUP", "UPTIME", "MAJOR OUTAGE", "PARTIAL OUTAGE"],
      r.uptime.map((u) => [
        u.component,
        u.group ?? NONE,
        u.uptime_percent === null ? NONE : `${Number(u.uptime_percent.toFixed(3))} %`,
        humanDuration(u.major_outage_minutes * 60),
        humanDuration(u.partial_outage_minutes * 60),
      ]),
    );
}

function top5<T>(items: readonly T[], size: (item: T) => number): T[] {
  return [...items].sort((a, b) => size(b) - size(a)).slice(0, 5);
}

function moreNote(out: Output, total: number, section: MetricSection): void {
  if (total > 5) out.print(out.color.dim(`  … ${total - 5} more: foghorn metrics ${section}`));
}

/** A refusal whose field errors the detail does not spell out ("Service "x" does not exist") as one line. */
async function oneLineErrors<T>(request: Promise<T>): Promise<T> {
  try {
    return await request;
  } catch (error) {
    if (error instanceof CliError && error.details.length)
      throw new CliError(error.exitCode, `${error.message} (${error.details.join("; ")})`);
    throw error;
  }
}

export const metricsCommand: CommandSpec = {
  kind: "command",
  name: "metrics",
  summary: "Response times, SLA, update and postmortem compliance, alert noise, on-call load, uptime",
  description:
    "Without SECTION: a summary of every figure. With one: its table, --csv for a spreadsheet or --json\n" +
    "for scripts. Incidents created in the range count (UTC days; --to is exclusive); the default is the\n" +
    "last 30 days including today. Durations read 4m 12s / 2h 05m, shares 93.5 %, and — means nothing was\n" +
    "counted. Medians and p90s are within 1 %. Definitions: docs/metrics.md.\n" +
    `Sections: ${METRIC_SECTIONS.join(", ")}.`,
  args: [
    {
      name: "SECTION",
      description: `One part of the report: ${METRIC_SECTIONS.join(", ")}`,
      optional: true,
    },
  ],
  flags: [...FILTER_FLAGS, CSV_FLAG],
  connects: true,
  subcommands: SUBCOMMANDS,
  examples: [
    "foghorn metrics --days 90 --severity SEV1,SEV2",
    "foghorn metrics response-times --service checkout --from 2026-01-01",
    "foghorn metrics frequency --days 365 --csv > frequency.csv",
    "foghorn metrics oncall-load --team payments --json | jq '.oncall_load.people[0]'",
  ],
  async run(ctx) {
    const section = readSection(ctx.args.optionalArg("SECTION"));
    const csv = ctx.args.boolean("csv");
    if (csv && ctx.out.json) throw usageError("--csv and --json exclude each other; pick one");
    if (csv && !section)
      throw usageError(
        `--csv prints one section; name it, e.g. foghorn metrics sla --csv (sections: ${METRIC_SECTIONS.join(", ")})`,
      );
    const options = { query: filterQuery(ctx), fieldNames: FIELD_FLAGS };
    const get = <T>(path: string) => oneLineErrors(ctx.api().get<T>(path, options));
    if (ctx.out.json) {
      ctx.out.printJson(await get<unknown>(section ? `/api/v1/metrics/${section}` : "/api/v1/metrics"));
      return 0;
    }
    const report = await get<MetricsReport>("/api/v1/metrics");
    if (csv && section) ctx.out.raw(toCsv(sectionTable(report, section)));
    else if (section) printSectionTable(ctx.out, report, section);
    else printSummary(ctx.out, report);
    return 0;
  },
};
