import type { AppContext } from "../context.ts";
import type { MetricsFilter, MetricsReport } from "./types.ts";

/** The whole report for a filter (refreshes stale rollups first). Unknown service/team/type: AppError not_found. */
export async function metricsReport(_ctx: AppContext, _filter: MetricsFilter): Promise<MetricsReport> {
  throw new Error("not implemented");
}
