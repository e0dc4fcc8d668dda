import type { MetricsReport } from "../../../src/app/metrics/types.ts";
import { request } from "./client.ts";
import { type MetricsParams, metricsQuery } from "./metrics-query.ts";

// GET /api/v1/metrics (src/http/routes/metrics.ts): the whole report; each section's CSV is a plain link
// (metricsCsvUrl). The shapes are the server's own (src/app/metrics/types.ts), so the two cannot drift.

export type {
  ComplianceView,
  DurationView,
  FrequencyWeek,
  MetricSection,
  MetricsReport,
  OnCallLoadView,
  PostmortemComplianceRow,
  ResponseTimesRow,
  SlaRow,
  TrendWeek,
  UpdateComplianceRow,
  UptimeRow,
} from "../../../src/app/metrics/types.ts";
export { type MetricsParams, metricsCsvUrl } from "./metrics-query.ts";

export const getMetrics = (params: MetricsParams, signal?: AbortSignal) => {
  const qs = metricsQuery(params).toString();
  return request<MetricsReport>(`/api/v1/metrics${qs ? `?${qs}` : ""}`, signal ? { signal } : {});
};
