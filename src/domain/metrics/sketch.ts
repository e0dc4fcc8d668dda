/**
 * Log-bucket sketch of durations (DDSketch's mapping): a duration of v seconds falls in bucket
 * ceil(log_γ v), and a bucket stands for 2γ^i / (γ + 1), so any quantile read back is within
 * (γ − 1) / (γ + 1) ≈ 1 % of the true nearest-rank value. Durations under 1 s share bucket 0 (value 0…1 s).
 * Sketches add: merging two is adding their counts per bucket, which is what lets a year be read from
 * 365 daily rollups.
 */
export const SKETCH_GAMMA = 1.02;

export function bucketOf(_seconds: number): number {
  throw new Error("not implemented");
}

export function bucketValue(_bucket: number): number {
  throw new Error("not implemented");
}

export class Sketch {
  add(_seconds: number, _n = 1): void {
    throw new Error("not implemented");
  }
  /** Adds a flat [bucket, count, …] array (as stored). */
  mergeFlat(_flat: readonly number[]): void {
    throw new Error("not implemented");
  }
  /** Flat [bucket, count, …], buckets ascending. */
  toFlat(): number[] {
    throw new Error("not implemented");
  }
  get count(): number {
    throw new Error("not implemented");
  }
  /** Nearest-rank quantile (0 < q ≤ 1): the value of the bucket holding the ceil(q·n)-th smallest; null when empty. */
  quantile(_q: number): number | null {
    throw new Error("not implemented");
  }
}
