import assert from "node:assert/strict";
import { test } from "node:test";
import { DURATION_LE_BOUNDS, leHistogram } from "./prometheus.ts";
import { Sketch } from "./sketch.ts";

/** The sketch of some durations as bucket → count pairs (what the rollups store and the store sums). */
function pairs(seconds: number[]): [number, number][] {
  const sketch = new Sketch();
  for (const s of seconds) sketch.add(s);
  const flat = sketch.toFlat();
  const out: [number, number][] = [];
  for (let i = 0; i < flat.length; i += 2) out.push([flat[i] as number, flat[i + 1] as number]);
  return out;
}

test("durations fold into cumulative le buckets; +Inf is the count and the sum is passed through", () => {
  // 0 s (acknowledged on declaration), 45 s, 4 min, 20 min, 50 min, 5 h, 2 days, 10 days
  const durations = [0, 45, 240, 1200, 3000, 18_000, 172_800, 864_000];
  const h = leHistogram(pairs(durations), 1_059_285);
  assert.deepEqual(DURATION_LE_BOUNDS, [60, 300, 900, 1800, 3600, 7200, 14400, 43200, 86400, 259200]);
  assert.deepEqual(h.buckets, [2, 3, 3, 4, 5, 5, 5, 6, 6, 7]);
  assert.equal(h.count, 8, "the 10-day incident counts only in +Inf");
  assert.equal(h.sum, 1_059_285);
});

test("counts from many days add up per bucket", () => {
  const h = leHistogram(
    [[0, 3], [...(pairs([100])[0] as [number, number])], [...(pairs([100])[0] as [number, number])]] as [
      number,
      number,
    ][],
    200,
  );
  assert.deepEqual(h.buckets.slice(0, 2), [3, 5]);
  assert.equal(h.count, 5);
});

test("no durations: every bucket 0", () => {
  const h = leHistogram([], 0);
  assert.deepEqual(
    h.buckets,
    DURATION_LE_BOUNDS.map(() => 0),
  );
  assert.equal(h.count, 0);
});
