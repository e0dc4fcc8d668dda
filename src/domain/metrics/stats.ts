import { nearestRank, type Sketch } from "./sketch.ts";
import type { Compliance, DurationStats } from "./types.ts";

/** Exact mean, nearest-rank median and p90 of durations in seconds. */
export function durationStats(seconds: readonly number[]): DurationStats {
  const n = seconds.length;
  if (n === 0) return { count: 0, meanSeconds: null, medianSeconds: null, p90Seconds: null };
  const sorted = [...seconds].sort((a, b) => a - b);
  let sum = 0;
  for (const s of sorted) sum += s;
  return {
    count: n,
    meanSeconds: sum / n,
    medianSeconds: sorted[nearestRank(0.5, n) - 1] as number,
    p90Seconds: sorted[nearestRank(0.9, n) - 1] as number,
  };
}

/** The same from rollups: the exact sum and count give the mean; the sketch gives median and p90 (±1 %). */
export function sketchStats(count: number, sumSeconds: number, sketch: Sketch): DurationStats {
  if (count <= 0) return { count: 0, meanSeconds: null, medianSeconds: null, p90Seconds: null };
  return {
    count,
    meanSeconds: sumSeconds / count,
    medianSeconds: sketch.quantile(0.5),
    p90Seconds: sketch.quantile(0.9),
  };
}

export function compliance(met: number, total: number): Compliance {
  return { met, total, ratio: total > 0 ? met / total : null };
}
