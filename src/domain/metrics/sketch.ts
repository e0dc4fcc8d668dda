/**
 * Log-bucket sketch of durations (DDSketch's mapping): a duration of v seconds falls in bucket
 * ceil(log_γ v), and a bucket stands for 2γ^i / (γ + 1), so any quantile read back is within
 * (γ − 1) / (γ + 1) ≈ 1 % of the true nearest-rank value. Durations under 1 s share bucket 0 (value 0…1 s).
 * Sketches add: merging two is adding their counts per bucket, which is what lets a year be read from
 * 365 daily rollups.
 *
 * Bucket 0 reads back as 0 s: the usual sub-second duration is an exact 0 (acknowledged on declaration),
 * and for the rest the error is under one second, which no display of these durations shows.
 * Negative durations (clock skew between writers) count as 0.
 */
export const SKETCH_GAMMA = 1.02;

const LOG_GAMMA = Math.log(SKETCH_GAMMA);

export function bucketOf(seconds: number): number {
  if (!(seconds > 1)) return 0; // also NaN
  if (seconds === Number.POSITIVE_INFINITY) throw new RangeError("a duration must be finite");
  return Math.max(1, Math.ceil(Math.log(seconds) / LOG_GAMMA));
}

export function bucketValue(bucket: number): number {
  if (bucket <= 0) return 0;
  return (2 * SKETCH_GAMMA ** bucket) / (SKETCH_GAMMA + 1);
}

/**
 * The 1-based rank of the nearest-rank q-quantile of n values: ceil(q·n), at least 1. q·n is rounded to
 * 1e-9 first so that 0.9 × 10 (= 9.000000000000002 in floating point) is rank 9, not 10.
 */
export function nearestRank(q: number, n: number): number {
  if (!(q > 0 && q <= 1)) throw new RangeError(`quantile must be in (0, 1], got ${q}`);
  const exact = Math.round(q * n * 1e9) / 1e9;
  return Math.min(n, Math.max(1, Math.ceil(exact)));
}

export class Sketch {
  readonly #counts = new Map<number, number>();
  #total = 0;

  /** A sketch holding a stored flat array. */
  static fromFlat(flat: readonly number[]): Sketch {
    const sketch = new Sketch();
    sketch.mergeFlat(flat);
    return sketch;
  }

  add(seconds: number, n = 1): void {
    if (!(n > 0)) return;
    this.#addToBucket(bucketOf(seconds), n);
  }

  /** Adds a flat [bucket, count, …] array (as stored). */
  mergeFlat(flat: readonly number[]): void {
    if (flat.length % 2 !== 0) throw new RangeError("a flat sketch has an even length: [bucket, count, …]");
    for (let i = 0; i < flat.length; i += 2) {
      const bucket = flat[i] as number;
      const count = flat[i + 1] as number;
      if (!Number.isInteger(bucket) || !Number.isFinite(count))
        throw new RangeError(`bad sketch entry [${bucket}, ${count}]`);
      if (count > 0) this.#addToBucket(bucket, count);
    }
  }

  /** Adds another sketch's counts. */
  merge(other: Sketch): void {
    this.mergeFlat(other.toFlat());
  }

  /** Flat [bucket, count, …], buckets ascending. */
  toFlat(): number[] {
    const out: number[] = [];
    for (const bucket of this.#sortedBuckets()) out.push(bucket, this.#counts.get(bucket) as number);
    return out;
  }

  get count(): number {
    return this.#total;
  }

  /** Nearest-rank quantile (0 < q ≤ 1): the value of the bucket holding the ceil(q·n)-th smallest; null when empty. */
  quantile(q: number): number | null {
    if (this.#total === 0) return null;
    const rank = nearestRank(q, this.#total);
    let seen = 0;
    let last = 0;
    for (const bucket of this.#sortedBuckets()) {
      seen += this.#counts.get(bucket) as number;
      last = bucket;
      if (seen >= rank) break;
    }
    return bucketValue(last);
  }

  #addToBucket(bucket: number, n: number): void {
    this.#counts.set(bucket, (this.#counts.get(bucket) ?? 0) + n);
    this.#total += n;
  }

  #sortedBuckets(): number[] {
    return [...this.#counts.keys()].sort((a, b) => a - b);
  }
}
