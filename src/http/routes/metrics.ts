import type { FastifyInstance, FastifyRequest } from "fastify";
import { z } from "zod";
import type { AppContext } from "#app/context.ts";
import { AppError, type FieldError, isAppError } from "#app/errors.ts";
import { parseMetricsFilter } from "#app/metrics/filter.ts";
import { metricsReport } from "#app/metrics/report.ts";
import { sectionTable, toCsv } from "#app/metrics/tables.ts";
import {
  METRIC_SECTIONS,
  type MetricSection,
  type MetricsFilter,
  type MetricsReport,
} from "#app/metrics/types.ts";
import type { ApiRegistry } from "../openapi.ts";

// Metrics and insights (docs/metrics.md): the whole report, or one section as JSON or CSV. The filter's
// rules live in app/metrics/filter.ts; this file only reads the query, negotiates the format and names files.

const FILTER_PARAMS = new Set(["from", "to", "days", "service", "team", "severity", "type"]);
/** Parameters that may be repeated (`?severity=SEV1&severity=SEV2` is `SEV1,SEV2`). */
const LIST_PARAMS = new Set(["severity"]);

/** The query parameters, for the OpenAPI document (parseMetricsFilter does the checking). */
const MetricsQuery = z.object({
  from: z
    .string()
    .optional()
    .describe("First day, YYYY-MM-DD (UTC; an ISO instant is rounded down to its day); default: 30 days ago"),
  to: z.string().optional().describe("Day after the last one, YYYY-MM-DD (exclusive); default: tomorrow"),
  days: z
    .string()
    .optional()
    .describe("Instead of from: the N days ending with `to` (default: ending today)"),
  service: z.string().optional().describe("A service's name: only its incidents, alerts and pages"),
  team: z.string().optional().describe("A team's name: only the incidents, alerts and pages of its services"),
  severity: z.string().optional().describe("Comma-separated severities, e.g. SEV1,SEV2 (aliases accepted)"),
  type: z.string().optional().describe('An incident type\'s name; "none": incidents declared without a type'),
});

const ReportQuery = MetricsQuery.extend({
  format: z
    .enum(["json"])
    .optional()
    .describe("json only; CSV is per section (GET /api/v1/metrics/{section})"),
});

const SectionQuery = MetricsQuery.extend({
  format: z
    .enum(["json", "csv"])
    .optional()
    .describe("csv: the section as an RFC 4180 CSV download (same as Accept: text/csv); default json"),
});

type Query = Record<string, string | string[] | undefined>;

/** The report key of each section: `response-times` → `response_times`. */
const SECTION_KEYS: Record<MetricSection, keyof MetricsReport> = {
  "response-times": "response_times",
  frequency: "frequency",
  trend: "trend",
  sla: "sla",
  "update-compliance": "update_compliance",
  "postmortem-compliance": "postmortem_compliance",
  "action-items": "action_items",
  alerts: "alerts",
  "oncall-load": "oncall_load",
  uptime: "uptime",
};

function isSection(value: string): value is MetricSection {
  return (METRIC_SECTIONS as readonly string[]).includes(value);
}

/**
 * Reads the filter from the query: unknown and repeated parameters, a bad format and every bad value of
 * parseMetricsFilter are reported together, as one 422 listing each field.
 */
function readFilter(ctx: AppContext, req: FastifyRequest, csvAllowed: boolean) {
  const allowed = [...FILTER_PARAMS, "format"];
  const fields: FieldError[] = [];
  const input: Record<string, string | undefined> = {};
  for (const [name, value] of Object.entries((req.query ?? {}) as Query)) {
    if (!allowed.includes(name))
      fields.push({ field: name, message: `unknown parameter; use ${allowed.join(", ")}` });
    else if (Array.isArray(value) && !LIST_PARAMS.has(name))
      fields.push({ field: name, message: "given more than once; give it once" });
    else input[name] = Array.isArray(value) ? value.join(",") : value;
  }
  if (input.format !== undefined && input.format !== "json" && input.format !== "csv")
    fields.push({ field: "format", message: "must be json or csv" });
  else if (input.format === "csv" && !csvAllowed)
    fields.push({
      field: "format",
      message: `CSV is one section at a time: GET /api/v1/metrics/<section>?format=csv (${METRIC_SECTIONS.join(", ")})`,
    });
  let filter: MetricsFilter | undefined;
  try {
    filter = parseMetricsFilter(
      ctx,
      Object.fromEntries(Object.entries(input).filter(([name]) => FILTER_PARAMS.has(name))),
    );
  } catch (error) {
    if (!isAppError(error) || error.code !== "INVALID_INPUT" || error.fields.length === 0) throw error;
    fields.push(...error.fields);
  }
  if (fields.length || !filter)
    throw new AppError(
      "INVALID_INPUT",
      `The query is invalid: ${fields.map((f) => `${f.field}: ${f.message}`).join("; ")}`,
      fields,
    );
  return { filter, format: input.format };
}

/** CSV when asked by ?format=csv, or by an Accept header that prefers text/csv to JSON. */
function wantsCsv(format: string | undefined, accept: string | undefined): boolean {
  if (format !== undefined) return format === "csv";
  if (!accept) return false;
  let csv = 0;
  let json = 0;
  for (const part of accept.split(",")) {
    const [type = "", ...params] = part.split(";").map((s) => s.trim().toLowerCase());
    const qParam = params.find((p) => p.startsWith("q="));
    const q = qParam ? Number(qParam.slice(2)) : 1;
    if (!Number.isFinite(q)) continue;
    if (type === "text/csv") csv = Math.max(csv, q);
    if (type === "application/json") json = Math.max(json, q);
  }
  return csv > 0 && csv >= json;
}

export function registerMetricsRoutes(app: FastifyInstance, api: ApiRegistry): void {
  const tag = "Metrics";
  api.add(
    app,
    {
      method: "GET",
      url: "/api/v1/metrics",
      access: "read",
      tag,
      summary:
        "The metrics report: MTTA/MTTR, frequency, SLA, update and postmortem compliance, load, uptime",
      description:
        "Incidents created in [from, to) (UTC days), filtered by service, team, severity and type. Durations are " +
        "seconds, ratios 0…1 (null when nothing was counted). 422 lists every bad parameter; an unknown service, " +
        "team or type answers 404 naming it. One section as JSON or CSV: GET /api/v1/metrics/{section}. " +
        "Definitions: docs/metrics.md.",
      query: ReportQuery,
      success: 200,
      responseDescription:
        "range, filters, generated_at, response_times, frequency, trend, sla, update_compliance, " +
        "postmortem_compliance, action_items, alerts, oncall_load, uptime",
      notFound: "An unknown service, team or incident type (the problem names it)",
    },
    async (req, ctx) => {
      const { filter } = readFilter(ctx, req, false);
      return metricsReport(ctx, filter);
    },
  );
  api.add(
    app,
    {
      method: "GET",
      url: "/api/v1/metrics/:section",
      access: "read",
      tag,
      summary: "One section of the metrics report, as JSON or as a CSV download",
      description:
        `section: ${METRIC_SECTIONS.join(", ")}. JSON: {range, filters, generated_at, <section>} with the ` +
        "section under its snake_case key (oncall-load → oncall_load). CSV with ?format=csv or " +
        "Accept: text/csv, as an attachment named foghorn-<section>-<from>-<to>.csv (durations in seconds, ratios 0…1). " +
        "The same filters as GET /api/v1/metrics.",
      query: SectionQuery,
      success: 200,
      responseDescription: "The section (JSON), or its table as CSV",
      alsoProduces: ["text/csv"],
      notFound: "An unknown section (the problem lists them), service, team or incident type",
    },
    async (req, ctx, reply) => {
      const name = (req.params as { section?: string }).section ?? "";
      if (!isSection(name))
        throw new AppError(
          "NOT_FOUND",
          `There is no metrics section "${name}"; the sections are ${METRIC_SECTIONS.join(", ")}`,
          [],
          { sections: [...METRIC_SECTIONS] },
        );
      const { filter, format } = readFilter(ctx, req, true);
      const csv = wantsCsv(format, req.headers.accept);
      const report = await metricsReport(ctx, filter, { sections: [name] });
      reply.header("vary", "Accept");
      if (csv) {
        const file = `foghorn-${name}-${report.range.from}-${report.range.to}.csv`;
        reply.type("text/csv; charset=utf-8");
        reply.header("content-disposition", `attachment; filename="${file}"`);
        return toCsv(sectionTable(report, name));
      }
      const key = SECTION_KEYS[name];
      return {
        range: report.range,
        filters: report.filters,
        generated_at: report.generated_at,
        [key]: report[key],
      };
    },
  );
}
