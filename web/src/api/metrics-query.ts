import type { MetricSection } from "../../../src/app/metrics/types.ts";

// The query of GET /api/v1/metrics and of each section's CSV (no fetch here: the URL logic is tested in
// node, test/web/insights.test.ts).

/** The API's query parameters (`from`/`to` are UTC days, `to` exclusive; `days` instead of them). */
export interface MetricsParams {
  days?: number;
  from?: string;
  to?: string;
  service?: string;
  team?: string;
  /** Comma-separated: "SEV1,SEV2". */
  severity?: string;
  type?: string;
}

export function metricsQuery(params: MetricsParams): URLSearchParams {
  const q = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) {
    if (value !== undefined && value !== "") q.set(key, String(value));
  }
  return q;
}

/** A section's CSV with the same filters (the server names the file foghorn-<section>-<from>-<to>.csv). */
export function metricsCsvUrl(section: MetricSection, params: MetricsParams): string {
  const q = metricsQuery(params);
  q.set("format", "csv");
  return `/api/v1/metrics/${section}?${q.toString()}`;
}
