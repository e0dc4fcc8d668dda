import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { Sketch } from "./sketch.ts";
import { compliance, durationStats, sketchStats } from "./stats.ts";

describe("durationStats", () => {
  test("five incidents acknowledged after 1, 2, 3, 5 and 15 minutes", () => {
    // mean (60+120+180+300+900)/5 = 312 s; median = 3rd of 5 = 180 s; p90 = ceil(4.5) = 5th = 900 s.
    assert.deepEqual(durationStats([300, 60, 900, 180, 120]), {
      count: 5,
      meanSeconds: 312,
      medianSeconds: 180,
      p90Seconds: 900,
    });
  });

  test("ten durations: median is the 5th, p90 the 9th", () => {
    const values = [10, 20, 30, 40, 50, 60, 70, 80, 90, 100];
    assert.deepEqual(durationStats(values), {
      count: 10,
      meanSeconds: 55,
      medianSeconds: 50,
      p90Seconds: 90,
    });
  });

  test("one duration is its own mean, median and p90", () => {
    assert.deepEqual(durationStats([42]), { count: 1, meanSeconds: 42, medianSeconds: 42, p90Seconds: 42 });
  });

  test("none: nulls, never zeros", () => {
    assert.deepEqual(durationStats([]), {
      count: 0,
      meanSeconds: null,
      medianSeconds: null,
      p90Seconds: null,
    });
  });

  test("does not reorder the caller's array", () => {
    const values = [3, 1, 2];
    durationStats(values);
    assert.deepEqual(values, [3, 1, 2]);
  });
});

describe("sketchStats", () => {
  test("exact mean from sum and count; median and p90 within 1 % from the sketch", () => {
    const values = [300, 60, 900, 180, 120];
    const sketch = new Sketch();
    for (const v of values) sketch.add(v);
    const s = sketchStats(5, 1560, sketch);
    assert.equal(s.count, 5);
    assert.equal(s.meanSeconds, 312);
    assert.ok(Math.abs((s.medianSeconds as number) - 180) / 180 <= 0.01);
    assert.ok(Math.abs((s.p90Seconds as number) - 900) / 900 <= 0.01);
  });

  test("nothing counted: nulls", () => {
    assert.deepEqual(sketchStats(0, 0, new Sketch()), {
      count: 0,
      meanSeconds: null,
      medianSeconds: null,
      p90Seconds: null,
    });
  });
});

describe("compliance", () => {
  test("a share with its parts", () => {
    assert.deepEqual(compliance(3, 4), { met: 3, total: 4, ratio: 0.75 });
    assert.deepEqual(compliance(0, 2), { met: 0, total: 2, ratio: 0 });
  });

  test("nothing counted is null, not 0 % or 100 %", () => {
    assert.deepEqual(compliance(0, 0), { met: 0, total: 0, ratio: null });
  });
});
