import { parseSeverity, SEVERITIES, type Severity } from "#domain/incident/severity.ts";
import { DAY } from "#domain/time.ts";
import type { AppContext } from "../context.ts";
import { AppError, type FieldError } from "../errors.ts";
import { unstorableStrings } from "../validation.ts";
import type { MetricsFilter } from "./types.ts";

/** Days in the range when neither `from` nor `days` is given: the last 30 days, today included. */
export const DEFAULT_METRICS_DAYS = 30;
/** The longest range a report covers (about ten years). */
export const MAX_METRICS_DAYS = 3660;

const DAY_RE = /^(\d{4})-(\d{2})-(\d{2})$/;
const INSTANT_RE = /^(\d{4})-(\d{2})-(\d{2})T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/;

/** UTC midnight of a YYYY-MM-DD date or of an ISO instant's UTC day; undefined when it is neither. */
function parseDayOrInstant(text: string): Date | undefined {
  const day = DAY_RE.exec(text);
  if (day) {
    const ms = Date.UTC(Number(day[1]), Number(day[2]) - 1, Number(day[3]));
    return new Date(ms).toISOString().slice(0, 10) === text ? new Date(ms) : undefined;
  }
  if (!INSTANT_RE.test(text)) return undefined;
  const ms = Date.parse(text);
  // Date.parse rolls 2026-02-30 over to March; the date part must be a real one.
  const datePart = text.slice(0, 10);
  const check = Date.UTC(Number(text.slice(0, 4)), Number(text.slice(5, 7)) - 1, Number(text.slice(8, 10)));
  if (Number.isNaN(ms) || new Date(check).toISOString().slice(0, 10) !== datePart) return undefined;
  return new Date(Math.floor(ms / DAY) * DAY);
}

const isoDay = (d: Date) => d.toISOString().slice(0, 10);

/**
 * Reads a filter from query parameters / CLI flags: from, to (YYYY-MM-DD or an ISO instant, rounded down to
 * the UTC day; `to` exclusive), days (instead of from: the N days ending today), service, team, severity
 * (comma-separated, aliases accepted), type. Defaults: the last 30 days including today. Every bad value
 * is one field error of one AppError("validation").
 *
 * With `to` and `days`, the range is the N days before `to`. Blank values count as not given. The range
 * is at most MAX_METRICS_DAYS days. Names are trimmed; type "none" (any case) means incidents without a type.
 */
export function parseMetricsFilter(
  ctx: Pick<AppContext, "clock" | "policy">,
  input: Readonly<Record<string, string | undefined>>,
): MetricsFilter {
  const fields: FieldError[] = [];
  const value = (name: string): string | undefined => {
    const raw: unknown = input[name];
    const text = Array.isArray(raw) ? raw.join(",") : raw === undefined || raw === null ? "" : String(raw);
    const trimmed = text.trim();
    return trimmed === "" ? undefined : trimmed;
  };

  const today = new Date(Math.floor(ctx.clock.now().getTime() / DAY) * DAY);
  const dateField = (name: "from" | "to"): Date | undefined => {
    const text = value(name);
    if (text === undefined) return undefined;
    const parsed = parseDayOrInstant(text);
    if (!parsed)
      fields.push({
        field: name,
        message: `"${text}" is not a date; use YYYY-MM-DD (UTC) or an ISO instant such as 2026-03-01T00:00:00Z`,
      });
    return parsed;
  };
  const fromText = value("from");
  const toText = value("to");
  let from = dateField("from");
  const to = dateField("to") ?? new Date(today.getTime() + DAY);

  const daysText = value("days");
  let days: number | undefined;
  if (daysText !== undefined) {
    if (!/^\d+$/.test(daysText) || Number(daysText) < 1 || Number(daysText) > MAX_METRICS_DAYS)
      fields.push({
        field: "days",
        message: `"${daysText}" is not a number of days; use a whole number from 1 to ${MAX_METRICS_DAYS}`,
      });
    else if (fromText !== undefined)
      fields.push({ field: "days", message: "give either from or days, not both" });
    else days = Number(daysText);
  }
  if (fromText === undefined) from = new Date(to.getTime() - (days ?? DEFAULT_METRICS_DAYS) * DAY);

  const rangeKnown = from !== undefined && (toText === undefined || parseDayOrInstant(toText) !== undefined);
  if (rangeKnown && from !== undefined) {
    if (to.getTime() <= from.getTime())
      fields.push({
        field: "to",
        message: `must be after from (${isoDay(from)}); to is exclusive, so one day is from=D&to=D+1`,
      });
    else if ((to.getTime() - from.getTime()) / DAY > MAX_METRICS_DAYS)
      fields.push({
        field: fromText !== undefined ? "from" : "to",
        message: `the range is ${(to.getTime() - from.getTime()) / DAY} days; at most ${MAX_METRICS_DAYS} are allowed`,
      });
  }

  const severities: Severity[] = [];
  const severityText = value("severity");
  if (severityText !== undefined) {
    const unknown: string[] = [];
    let accepted: string[] = [];
    for (const item of severityText.split(",")) {
      if (item.trim() === "") continue;
      const parsed = parseSeverity(item, ctx.policy.priorityScheme);
      if (parsed.ok) {
        if (!severities.includes(parsed.severity)) severities.push(parsed.severity);
      } else {
        unknown.push(item.trim());
        accepted = parsed.accepted;
      }
    }
    if (unknown.length > 0)
      fields.push({
        field: "severity",
        message: `unknown severit${unknown.length > 1 ? "ies" : "y"} ${unknown.map((u) => `"${u}"`).join(", ")}; use a comma-separated list of ${accepted.join(", ")}`,
      });
    severities.sort((a, b) => SEVERITIES.indexOf(a) - SEVERITIES.indexOf(b));
  }

  const service = value("service") ?? null;
  const team = value("team") ?? null;
  const typeText = value("type") ?? null;
  const type = typeText !== null && typeText.toLowerCase() === "none" ? "none" : typeText;
  fields.push(...unstorableStrings({ service, team, type }));

  if (fields.length > 0 || from === undefined)
    throw new AppError(
      "INVALID_INPUT",
      `The query is invalid: ${fields.map((f) => `${f.field}: ${f.message}`).join("; ")}`,
      fields,
    );
  return { from, to, service, team, severities, type };
}
