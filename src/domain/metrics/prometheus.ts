import { bucketValue } from "./sketch.ts";

/**
 * The `le` bounds (seconds) of the Prometheus MTTA/MTTR histograms (foghorn_incident_ack_seconds,
 * foghorn_incident_resolve_seconds): 1 min, 5 min, 15 min, 30 min, 1 h, 2 h, 4 h, 12 h, 1 d, 3 d, then +Inf.
 */
export const DURATION_LE_BOUNDS = [60, 300, 900, 1800, 3600, 7200, 14400, 43200, 86400, 259200] as const;

/** A histogram as Prometheus exposes it: cumulative counts per bound (+Inf is `count`), the sum and the count. */
export interface LeHistogram {
  /** Cumulative: buckets[i] counts the durations ≤ bounds[i]. */
  buckets: number[];
  count: number;
  sum: number;
}

/**
 * Folds sketch buckets (bucket index → count, as summed from the rollups' flat arrays) into `le` buckets:
 * each sketch bucket counts under the first bound at or above its value (sketch.ts bucketValue), so a
 * duration within 1 % of a bound may land on either side of it. `sum` is the exact sum of the durations
 * (the rollups' *_sum_seconds), not rebuilt from the sketch.
 */
export function leHistogram(
  sketchCounts: Iterable<readonly [bucket: number, count: number]>,
  sum: number,
  bounds: readonly number[] = DURATION_LE_BOUNDS,
): LeHistogram {
  const perBound = bounds.map(() => 0);
  let count = 0;
  for (const [bucket, n] of sketchCounts) {
    if (!(n > 0)) continue;
    count += n;
    const value = bucketValue(bucket);
    const index = bounds.findIndex((le) => value <= le);
    if (index >= 0) perBound[index] = (perBound[index] ?? 0) + n;
  }
  let running = 0;
  const buckets = perBound.map((n) => (running += n));
  return { buckets, count, sum };
}
