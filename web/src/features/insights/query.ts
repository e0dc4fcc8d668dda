import type { MetricsParams } from "../../api/metrics-query.ts";

// The Insights filters live in the URL (shareable, survive reload):
//   ?range=7d|30d|90d|1y            a preset ending today (default 30d), or
//   ?from=2026-01-01&to=2026-03-31  a custom range of UTC days, both INCLUSIVE as the date fields show them
//   service=checkout team=payments type=database severity=SEV1,SEV2
// The API's `to` is exclusive, so apiParams adds a day to the custom `to`.

export const RANGE_PRESETS = [
  { value: "7d", label: "7 days", days: 7 },
  { value: "30d", label: "30 days", days: 30 },
  { value: "90d", label: "90 days", days: 90 },
  { value: "1y", label: "1 year", days: 365 },
] as const;
export type RangePreset = (typeof RANGE_PRESETS)[number]["value"];
export const DEFAULT_RANGE: RangePreset = "30d";

export const SEVERITY_LIST = ["SEV1", "SEV2", "SEV3", "SEV4"] as const;

export interface InsightsQuery {
  /** A preset, or "custom" when the URL names a from date. */
  range: RangePreset | "custom";
  from: string;
  /** Inclusive (the last day shown). */
  to: string;
  service: string;
  team: string;
  type: string;
  severities: string[];
}

const DAY = /^\d{4}-\d{2}-\d{2}$/;

export function isDay(value: string): boolean {
  return DAY.test(value) && !Number.isNaN(Date.parse(`${value}T00:00:00Z`));
}

/** YYYY-MM-DD plus n days (UTC). */
export function addDays(day: string, n: number): string {
  const d = new Date(`${day}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + n);
  return d.toISOString().slice(0, 10);
}

export function readInsightsQuery(search: URLSearchParams): InsightsQuery {
  const from = search.get("from") ?? "";
  const to = search.get("to") ?? "";
  const range = search.get("range") ?? "";
  const preset = RANGE_PRESETS.find((p) => p.value === range)?.value;
  const severities = (search.get("severity") ?? "")
    .split(",")
    .map((s) => s.trim().toUpperCase())
    .filter((s, i, all) => (SEVERITY_LIST as readonly string[]).includes(s) && all.indexOf(s) === i);
  return {
    range: isDay(from) && !preset ? "custom" : (preset ?? DEFAULT_RANGE),
    from: isDay(from) ? from : "",
    to: isDay(to) ? to : "",
    service: search.get("service") ?? "",
    team: search.get("team") ?? "",
    type: search.get("type") ?? "",
    severities: SEVERITY_LIST.filter((s) => severities.includes(s)),
  };
}

export function apiParams(query: InsightsQuery): MetricsParams {
  const params: MetricsParams = {};
  if (query.range === "custom") {
    params.from = query.from;
    if (query.to) params.to = addDays(query.to, 1);
  } else {
    params.days = RANGE_PRESETS.find((p) => p.value === query.range)?.days ?? 30;
  }
  if (query.service) params.service = query.service;
  if (query.team) params.team = query.team;
  if (query.type) params.type = query.type;
  if (query.severities.length) params.severity = query.severities.join(",");
  return params;
}

/** Sets some parameters (null or "" removes one); the default range is left out of the URL. */
export function withInsightsParams(
  search: URLSearchParams,
  changes: Record<string, string | null>,
): URLSearchParams {
  const next = new URLSearchParams(search);
  for (const [key, value] of Object.entries(changes)) {
    if (value === null || value === "") next.delete(key);
    else next.set(key, value);
  }
  if (next.get("range") === DEFAULT_RANGE) next.delete("range");
  return next;
}

export function hasInsightsFilters(query: InsightsQuery): boolean {
  return Boolean(query.service || query.team || query.type || query.severities.length);
}
