/**
 * Property test: random schedules compared against a brute-force oracle that walks 2026 minute by minute.
 *
 * The oracle shares no code with the implementation. It reads the wall clock of every minute from Intl,
 * keeps the latest local time shown so far (so a repeated fall-back hour counts once), and decides:
 * - a hand-off at local time h happens at the first minute whose local time (so far) is at or after h;
 * - a layer's member index is the number of hand-off times after the layer's start reached so far;
 * - a restriction window covers the minutes whose local time (so far) lies inside it.
 * The implementation turns local times into instants instead (localToInstant and arithmetic); every
 * minute of the year must agree, for the merged timeline, each layer, one user, and sampled onCallAt.
 */

import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { DAY, MINUTE } from "../time.ts";
import { layerShifts } from "./layer.ts";
import { finalShifts, onCallAt, userShifts } from "./on-call.ts";
import type {
  IsoWeekday,
  Layer,
  OnCallEntry,
  Override,
  Restriction,
  Rotation,
  ScheduleSpec,
} from "./types.ts";
import { validateScheduleSpec } from "./validate.ts";

const YEAR_START = Date.UTC(2026, 0, 1);
const YEAR_END = Date.UTC(2027, 0, 1);
const MINUTES = (YEAR_END - YEAR_START) / MINUTE;

// ---- the oracle's own clock reading: every minute of 2026, through Intl ----

const latestLocal = new Map<string, Float64Array>();

/** For each minute of 2026: the latest local wall-clock time (naive ms) the zone has shown up to that minute. */
function latestLocalTimes(timeZone: string): Float64Array {
  const known = latestLocal.get(timeZone);
  if (known) return known;
  const format = new Intl.DateTimeFormat("en-US", {
    timeZone,
    hourCycle: "h23",
    year: "numeric",
    month: "numeric",
    day: "numeric",
    hour: "2-digit",
    minute: "2-digit",
  });
  const re = /^(\d+)\/(\d+)\/(\d+), (\d+):(\d+)$/;
  const out = new Float64Array(MINUTES);
  let latest = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < MINUTES; i++) {
    const m = re.exec(format.format(YEAR_START + i * MINUTE));
    if (!m) throw new Error(`unexpected Intl output for ${timeZone}`);
    const wall = Date.UTC(Number(m[3]), Number(m[1]) - 1, Number(m[2]), Number(m[4]), Number(m[5]));
    latest = Math.max(latest, wall);
    out[i] = latest;
  }
  latestLocal.set(timeZone, out);
  return out;
}

// ---- the oracle's rules, written plainly ----

const hm = (text: string) => (Number(text.slice(0, 2)) * 60 + Number(text.slice(3, 5))) * MINUTE;
const naiveOf = (local: string) =>
  Date.UTC(
    Number(local.slice(0, 4)),
    Number(local.slice(5, 7)) - 1,
    Number(local.slice(8, 10)),
    Number(local.slice(11, 13)),
    Number(local.slice(14, 16)),
  );
const midnight = (naive: number) => naive - (((naive % DAY) + DAY) % DAY);
const weekdayOf = (naive: number) => new Date(naive).getUTCDay() || 7;

function rotationLength(r: Rotation): number {
  return r.kind === "daily" ? DAY : r.kind === "weekly" ? 7 * DAY : (r.shiftMinutes ?? 0) * MINUTE;
}

/** The first hand-off time strictly after the layer's start, found by stepping. */
function firstHandoffAfter(layer: Layer, start: number): number {
  const length = rotationLength(layer.rotation);
  let g = midnight(start) + hm(layer.rotation.handoffTime);
  if (layer.rotation.kind === "daily") while (g <= start) g += DAY;
  else if (layer.rotation.kind === "weekly") {
    const weekday = layer.rotation.handoffWeekday ?? weekdayOf(start);
    while (weekdayOf(g) !== weekday || g <= start) g += DAY;
  } else {
    while (g > start) g -= length;
    while (g <= start) g += length;
  }
  return g;
}

function insideWindow(restrictions: readonly Restriction[], local: number): boolean {
  for (const back of [0, 1]) {
    const day = midnight(local) - back * DAY;
    for (const r of restrictions) {
      if (!(r.days as number[]).includes(weekdayOf(day))) continue;
      const open = day + hm(r.start);
      const close = hm(r.end) > hm(r.start) ? day + hm(r.end) : day + DAY + hm(r.end);
      if (open <= local && local < close) return true;
    }
  }
  return false;
}

/** For each minute: the index into layer.members of who the layer has on call, or -1 for nobody. */
function oracleLayer(layer: Layer, latest: Float64Array): Int32Array {
  const out = new Int32Array(MINUTES).fill(-1);
  const start = naiveOf(layer.start);
  const length = rotationLength(layer.rotation);
  let next = firstHandoffAfter(layer, start);
  let handoffs = 0;
  for (let i = 0; i < MINUTES; i++) {
    const local = latest[i] ?? 0;
    if (local < start) continue;
    while (next <= local) {
      handoffs++;
      next += length;
    }
    if (layer.members.length === 0) continue;
    if (layer.restrictions?.length && !insideWindow(layer.restrictions, local)) continue;
    out[i] = handoffs % layer.members.length;
  }
  return out;
}

interface Oracle {
  at(minute: number): OnCallEntry[];
  layers: Int32Array[];
  latest: Float64Array;
}

function oracleFor(spec: ScheduleSpec, overrides: readonly Override[]): Oracle {
  const latest = latestLocalTimes(spec.timeZone);
  const layers = spec.layers.map((layer) => oracleLayer(layer, latest));
  const at = (minute: number): OnCallEntry[] => {
    let set: OnCallEntry[] = [];
    for (let l = layers.length - 1; l >= 0; l--) {
      const index = layers[l]?.[minute] ?? -1;
      const userId = spec.layers[l]?.members[index];
      if (index >= 0 && userId !== undefined) {
        set = [{ userId, layer: l, source: "rotation" }];
        break;
      }
    }
    const t = YEAR_START + minute * MINUTE;
    for (const o of overrides) {
      if (!(o.start.getTime() <= t && t < o.end.getTime())) continue;
      const mine: OnCallEntry = { userId: o.userId ?? "", layer: null, source: "override" };
      const has = (id: string | undefined) => set.some((e) => e.userId === id);
      if (o.kind === "add") {
        if (!has(o.userId)) set = [...set, mine];
      } else if (o.kind === "remove") {
        set = o.replacesUserId === undefined ? [] : set.filter((e) => e.userId !== o.replacesUserId);
      } else if (o.userId === o.replacesUserId) {
        // replacing someone with themselves changes nothing
      } else if (o.replacesUserId === undefined) {
        set = [mine];
      } else if (has(o.replacesUserId)) {
        const keepNewcomerWhereHeIs = has(o.userId);
        set = set.flatMap((e) => (e.userId !== o.replacesUserId ? [e] : keepNewcomerWhereHeIs ? [] : [mine]));
      }
    }
    return set;
  };
  return { at, layers, latest };
}

/** Runs of equal values over the year's minutes, as [start ISO, end ISO, value]. */
function runs<T>(valueAt: (minute: number) => T, key: (v: T) => string): [string, string, T][] {
  const out: [string, string, T][] = [];
  let startMinute = 0;
  let current = valueAt(0);
  let currentKey = key(current);
  const iso = (minute: number) => new Date(YEAR_START + minute * MINUTE).toISOString();
  for (let i = 1; i <= MINUTES; i++) {
    const value = i < MINUTES ? valueAt(i) : undefined;
    const k = value === undefined ? "\u0000end" : key(value);
    if (k !== currentKey) {
      out.push([iso(startMinute), iso(i), current]);
      if (value !== undefined) {
        startMinute = i;
        current = value;
        currentKey = k;
      }
    }
  }
  return out;
}

// ---- random schedules ----

/** mulberry32: a small seeded PRNG, so a failing seed can be replayed. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const ZONES = ["Europe/Berlin", "America/New_York", "Australia/Lord_Howe", "UTC", "Asia/Kolkata"];
// Local days with a DST change in 2026 (gap or repeated hour), where hand-offs and windows are interesting.
const CHANGE_DAYS: Record<string, string[]> = {
  "Europe/Berlin": ["2026-03-29", "2026-10-25"],
  "America/New_York": ["2026-03-08", "2026-11-01"],
  "Australia/Lord_Howe": ["2026-04-05", "2026-10-04"],
  UTC: ["2026-06-01"],
  "Asia/Kolkata": ["2026-06-01"],
};
// Local times inside or at the edge of each zone's gap and repeated hour.
const CHANGE_TIMES: Record<string, string[]> = {
  "Europe/Berlin": ["02:00", "02:15", "02:30", "02:59", "03:00"],
  "America/New_York": ["01:00", "01:30", "01:59", "02:00", "02:30", "03:00"],
  "Australia/Lord_Howe": ["01:30", "01:45", "02:00", "02:15", "02:30"],
  UTC: ["00:00"],
  "Asia/Kolkata": ["05:30"],
};
const TIMES = ["00:00", "09:00", "17:00", "22:00", "23:30"];
const CUSTOM_MINUTES = [30, 45, 90, 360, 720, 1440, 2880, 4320, 10080, 86400];

function randomSpec(random: () => number, timeZone: string): { spec: ScheduleSpec; overrides: Override[] } {
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;
  const int = (lo: number, hi: number) => lo + Math.floor(random() * (hi - lo + 1));
  const pad = (n: number) => String(n).padStart(2, "0");
  const time = () => {
    const r = random();
    if (r < 0.5) return pick(CHANGE_TIMES[timeZone] ?? []);
    return r < 0.8 ? pick(TIMES) : `${pad(int(0, 23))}:${pad(int(0, 59))}`;
  };
  const weekday = () => int(1, 7) as IsoWeekday;

  const layers: Layer[] = [];
  for (let l = int(1, 3); l > 0; l--) {
    const kind = pick(["daily", "weekly", "custom"] as const);
    const rotation: Rotation = { kind, handoffTime: time() };
    if (kind === "weekly" && random() < 0.5) rotation.handoffWeekday = weekday();
    if (kind === "custom") rotation.shiftMinutes = random() < 0.8 ? pick(CUSTOM_MINUTES) : int(15, 86400);
    const r = random();
    const startDay =
      r < 0.3
        ? pick(CHANGE_DAYS[timeZone] ?? [])
        : r < 0.6
          ? `${int(2019, 2025)}-${pad(int(1, 12))}-${pad(int(1, 28))}`
          : `2026-${pad(int(1, 12))}-${pad(int(1, 28))}`;
    const members = Array.from({ length: random() < 0.1 ? 0 : int(1, 4) }, () => pick(["a", "b", "c", "d"]));
    const layer: Layer = { name: `L${l}`, start: `${startDay}T${time()}`, rotation, members };
    if (random() < 0.5) {
      layer.restrictions = Array.from({ length: int(1, 2) }, () => ({
        days: [...new Set(Array.from({ length: int(1, 5) }, weekday))],
        start: time(),
        end: time(),
      }));
    }
    layers.push(layer);
  }

  const overrides: Override[] = [];
  for (let n = int(0, 3); n > 0; n--) {
    const kind = pick(["add", "remove", "replace"] as const);
    const start = YEAR_START + int(0, MINUTES - 1) * MINUTE;
    const end = Math.min(YEAR_END, start + int(30, 10 * 24 * 60) * MINUTE);
    const o: Override = { id: `o${n}`, kind, start: new Date(start), end: new Date(end) };
    if (kind !== "remove") o.userId = pick(["a", "b", "e"]);
    if (kind !== "add" && random() < 0.75) o.replacesUserId = pick(["a", "b", "c"]);
    overrides.push(o);
  }
  return { spec: { timeZone, layers }, overrides };
}

// ---- the comparisons ----

const asRows = (shifts: { start: Date; end: Date }[], value: (i: number) => unknown) =>
  shifts.map((s, i) => [s.start.toISOString(), s.end.toISOString(), value(i)]);

function firstDifference(actual: unknown[][], expected: unknown[][]): string {
  const i = actual.findIndex((row, k) => JSON.stringify(row) !== JSON.stringify(expected[k]));
  const at = i < 0 ? Math.min(actual.length, expected.length) : i;
  return `segment ${at}: got ${JSON.stringify(actual[at])}, oracle ${JSON.stringify(expected[at])}`;
}

function checkSpec(seed: number): void {
  const random = prng(seed);
  const { spec, overrides } = randomSpec(random, ZONES[seed % ZONES.length] ?? "UTC");
  const context = `seed ${seed}: ${JSON.stringify({ spec, overrides })}`;
  assert.deepEqual(validateScheduleSpec(spec), [], context);
  const oracle = oracleFor(spec, overrides);
  const from = new Date(YEAR_START);
  const to = new Date(YEAR_END);

  // The merged timeline, every minute of the year.
  // The oracle's answer for every minute, once: who is on call (ids joined by commas).
  const users: string[] = new Array(MINUTES);
  for (let m = 0; m < MINUTES; m++)
    users[m] = oracle
      .at(m)
      .map((e) => e.userId)
      .join(",");
  const expected = runs(
    (m) => users[m] ?? "",
    (key) => key,
  ).map(([s, e, key]) => [s, e, key === "" ? [] : key.split(",")]);
  const shifts = finalShifts(spec, overrides, from, to);
  const actual = asRows(shifts, (i) => shifts[i]?.userIds);
  assert.ok(
    JSON.stringify(actual) === JSON.stringify(expected),
    `finalShifts, ${firstDifference(actual, expected)}\n${context}`,
  );

  // Each layer on its own.
  spec.layers.forEach((layer, l) => {
    const members = oracle.layers[l] ?? new Int32Array();
    const want = runs(
      (m) => layer.members[members[m] ?? -1] ?? "",
      (id) => id,
    )
      .filter(([, , id]) => id !== "")
      .map(([s, e, id]) => [s, e, id]);
    const got = layerShifts(layer, spec.timeZone, from, to, l);
    const gotRows = asRows(got, (i) => got[i]?.userId);
    assert.ok(
      JSON.stringify(gotRows) === JSON.stringify(want),
      `layer ${l}, ${firstDifference(gotRows, want)}\n${context}`,
    );
  });

  // One user's periods.
  const wantA = runs((m) => (users[m] ?? "").split(",").includes("a"), String)
    .filter(([, , on]) => on)
    .map(([s, e]) => [s, e]);
  const gotA = userShifts(spec, overrides, "a", from, to).map((p) => [
    p.start.toISOString(),
    p.end.toISOString(),
  ]);
  assert.ok(
    JSON.stringify(gotA) === JSON.stringify(wantA),
    `userShifts("a"), ${firstDifference(gotA, wantA)}\n${context}`,
  );

  // onCallAt at random instants (anywhere within a minute), and around every change the oracle saw.
  const samples: number[] = [];
  for (let k = 0; k < 120; k++) samples.push(YEAR_START + Math.floor(random() * (YEAR_END - YEAR_START)));
  const edges = expected.slice(1).map(([s]) => Date.parse(String(s)));
  for (let k = 0; k < 120 && edges.length > 0; k++) {
    const edge = edges[Math.floor(random() * edges.length)] ?? YEAR_START;
    samples.push(edge, edge - 1);
  }
  // Every minute where the clock repeats or jumps: there the wall clock alone gives the wrong shift.
  for (let m = 1; m < MINUTES; m++) {
    const step = (oracle.latest[m] ?? 0) - (oracle.latest[m - 1] ?? 0);
    if (step !== MINUTE) samples.push(YEAR_START + m * MINUTE, YEAR_START + m * MINUTE - 1);
  }
  for (const t of samples) {
    const want = oracle.at(Math.floor((t - YEAR_START) / MINUTE));
    assert.deepEqual(
      onCallAt(spec, overrides, new Date(t)),
      want,
      `onCallAt(${new Date(t).toISOString()})\n${context}`,
    );
  }
}

describe("property: schedules agree with a minute-by-minute oracle over 2026", () => {
  // Seeds cycle through the zones (seed % 5); each compares every minute of the year.
  for (let seed = 1; seed <= 10; seed++)
    test(`seed ${seed} (${ZONES[seed % ZONES.length]})`, () => checkSpec(seed));
});
