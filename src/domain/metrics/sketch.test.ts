import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { bucketOf, bucketValue, nearestRank, SKETCH_GAMMA, Sketch } from "./sketch.ts";

/** A small seeded generator (mulberry32) so the "random" data is the same on every run. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function exactQuantile(values: number[], q: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[nearestRank(q, sorted.length) - 1] as number;
}

describe("sketch buckets", () => {
  test("durations up to 1 s share bucket 0, which reads back as 0 s", () => {
    for (const v of [0, 0.2, 0.999, 1, -5]) assert.equal(bucketOf(v), 0, String(v));
    assert.equal(bucketValue(0), 0);
  });

  test("a bucket's value is within 1 % of every duration it holds", () => {
    const bound = (SKETCH_GAMMA - 1) / (SKETCH_GAMMA + 1);
    for (const v of [1.001, 1.5, 2, 59, 60, 61, 300, 3599.9, 3600, 86_400, 31_536_000]) {
      const b = bucketOf(v);
      assert.ok(b >= 1);
      const error = Math.abs(bucketValue(b) - v) / v;
      assert.ok(error <= bound + 1e-12, `${v} s → bucket ${b} reads ${bucketValue(b)} (${error})`);
    }
  });

  test("a year of seconds needs under 900 buckets", () => {
    assert.ok(bucketOf(366 * 86_400) < 900);
  });
});

describe("nearest rank", () => {
  test("ceil(q·n), without floating-point surprises", () => {
    assert.equal(nearestRank(0.5, 5), 3);
    assert.equal(nearestRank(0.5, 4), 2);
    assert.equal(nearestRank(0.9, 10), 9); // 0.9 × 10 is 9.000000000000002 in floating point
    assert.equal(nearestRank(0.9, 5), 5);
    assert.equal(nearestRank(0.9, 1), 1);
    assert.equal(nearestRank(1, 7), 7);
    assert.throws(() => nearestRank(0, 3), RangeError);
  });
});

describe("Sketch", () => {
  test("an empty sketch has no quantiles", () => {
    const s = new Sketch();
    assert.equal(s.count, 0);
    assert.equal(s.quantile(0.5), null);
    assert.deepEqual(s.toFlat(), []);
  });

  test("flat form is [bucket, count, …] with buckets ascending, and round-trips", () => {
    const s = new Sketch();
    s.add(3600);
    s.add(60, 2);
    s.add(0);
    s.add(60);
    const flat = s.toFlat();
    assert.deepEqual(flat, [0, 1, bucketOf(60), 3, bucketOf(3600), 1]);
    assert.equal(s.count, 5);
    assert.deepEqual(Sketch.fromFlat(flat).toFlat(), flat);
  });

  test("merging two sketches equals one sketch of all the values (a year from daily rollups)", () => {
    const next = random(7);
    const all = new Sketch();
    const merged = new Sketch();
    for (let day = 0; day < 30; day++) {
      const daily = new Sketch();
      for (let i = 0; i < 20; i++) {
        const v = Math.exp(next() * 10);
        daily.add(v);
        all.add(v);
      }
      merged.mergeFlat(daily.toFlat());
    }
    assert.deepEqual(merged.toFlat(), all.toFlat());
    assert.equal(merged.count, 600);
  });

  test("a malformed stored array is refused", () => {
    assert.throws(() => new Sketch().mergeFlat([1, 2, 3]), RangeError);
    assert.throws(() => new Sketch().mergeFlat([1.5, 2]), RangeError);
  });

  test("quantiles of a handful of known durations", () => {
    const s = new Sketch();
    for (const v of [60, 120, 180, 300, 900]) s.add(v);
    // nearest rank: median = 3rd smallest (180 s), p90 = 5th (900 s), within 1 %.
    assert.ok(Math.abs((s.quantile(0.5) as number) - 180) / 180 < 0.01);
    assert.ok(Math.abs((s.quantile(0.9) as number) - 900) / 900 < 0.01);
    assert.ok(Math.abs((s.quantile(1) as number) - 900) / 900 < 0.01);
  });

  test("quantiles of random durations are within 1 % of the exact nearest-rank value", () => {
    for (const seed of [1, 2, 3, 4, 5]) {
      const next = random(seed);
      const values: number[] = [];
      const s = new Sketch();
      const n = 500 + Math.floor(next() * 5000);
      for (let i = 0; i < n; i++) {
        // Log-normal-ish: seconds to days, like acknowledgement and resolution times.
        const v = Math.exp(1 + next() * 6 + next() * 5);
        values.push(v);
        s.add(v);
      }
      for (const q of [0.01, 0.25, 0.5, 0.75, 0.9, 0.99, 1]) {
        const exact = exactQuantile(values, q);
        const read = s.quantile(q) as number;
        assert.ok(
          Math.abs(read - exact) / exact <= 0.01,
          `seed ${seed} q ${q}: sketch ${read}, exact ${exact}`,
        );
      }
    }
  });
});
