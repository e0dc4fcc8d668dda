import type { Sketch } from "./sketch.ts";
import type { Compliance, DurationStats } from "./types.ts";

/** Exact mean, nearest-rank median and p90 of durations in seconds. */
export function durationStats(_seconds: readonly number[]): DurationStats {
  throw new Error("not implemented");
}

/** The same from rollups: the exact sum and count give the mean; the sketch gives median and p90 (±1 %). */
export function sketchStats(_count: number, _sumSeconds: number, _sketch: Sketch): DurationStats {
  throw new Error("not implemented");
}

export function compliance(_met: number, _total: number): Compliance {
  throw new Error("not implemented");
}
