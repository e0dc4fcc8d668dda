import type { AppContext } from "../context.ts";
import type { MetricsFilter } from "./types.ts";

/**
 * Reads a filter from query parameters / CLI flags: from, to (YYYY-MM-DD or an ISO instant, rounded down to
 * the UTC day; `to` exclusive), days (instead of from: the N days ending today), service, team, severity
 * (comma-separated, aliases accepted), type. Defaults: the last 30 days including today. Every bad value
 * is one field error of one AppError("validation").
 */
export function parseMetricsFilter(
  _ctx: Pick<AppContext, "clock" | "policy">,
  _input: Readonly<Record<string, string | undefined>>,
): MetricsFilter {
  throw new Error("not implemented");
}
