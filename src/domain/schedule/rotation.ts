/**
 * Rotation arithmetic. Hand-off n of a layer happens at the local time `anchor + n × length` (naive ms),
 * turned into an instant by the DST rule: a local time in a spring-forward gap hands off at the first
 * instant after the gap, one that occurs twice hands off at its first occurrence. The shift at an instant
 * is found arithmetically from the wall clock and then corrected by a step or two where DST moved it, so
 * the cost does not grow with the years since the anchor.
 */

import { DAY, MINUTE } from "../time.ts";
import type { Layer, Rotation } from "./types.ts";
import {
  instantOfLocal,
  isoWeekday,
  localDayStart,
  parseHHMM,
  parseLocal,
  wallClockAt,
} from "./wall-clock.ts";

/** A layer's hand-off grid, resolved once per call. */
export interface RotationGrid {
  timeZone: string;
  /** Naive local time of hand-off 0: the last grid point at or before the layer's start. */
  anchor: number;
  /** One shift in local (wall-clock) milliseconds. */
  length: number;
  /** The layer's start as an instant (epoch ms); nobody is on call in the layer before it. */
  startsAt: number;
}

/** The local length of one shift in ms. Throws RangeError for a rotation validateScheduleSpec refuses. */
export function shiftLength(rotation: Rotation): number {
  switch (rotation.kind) {
    case "daily":
      return DAY;
    case "weekly":
      return 7 * DAY;
    case "custom": {
      const minutes = rotation.shiftMinutes;
      if (minutes === undefined || !Number.isInteger(minutes) || minutes < 15)
        throw new RangeError("a custom rotation needs shiftMinutes, a whole number of at least 15");
      return minutes * MINUTE;
    }
  }
}

/**
 * The grid of a layer: hand-offs at `handoffTime` (on `handoffWeekday` for weekly), member 0 owning the
 * shift that contains the layer's start. A start off the grid gives member 0 a shorter first shift.
 */
export function rotationGrid(layer: Layer, timeZone: string): RotationGrid {
  const start = parseLocal(layer.start);
  if (start === undefined)
    throw new RangeError(`layer start ${JSON.stringify(layer.start)} is not YYYY-MM-DDTHH:MM`);
  const handoff = parseHHMM(layer.rotation.handoffTime);
  if (handoff === undefined)
    throw new RangeError(`hand-off time ${JSON.stringify(layer.rotation.handoffTime)} is not HH:MM`);
  const length = shiftLength(layer.rotation);
  let first = localDayStart(start) + handoff * MINUTE;
  if (layer.rotation.kind === "weekly") {
    const weekday = layer.rotation.handoffWeekday ?? isoWeekday(start);
    first += (weekday - isoWeekday(start)) * DAY;
  }
  const anchor = first + Math.floor((start - first) / length) * length;
  return { timeZone, anchor, length, startsAt: instantOfLocal(start, timeZone) };
}

/** The instant (epoch ms) of hand-off n; non-decreasing in n (several may coincide inside a DST gap). */
export function handoffInstant(grid: RotationGrid, n: number): number {
  return instantOfLocal(grid.anchor + n * grid.length, grid.timeZone);
}

/** The index of the shift running at `at` (epoch ms, not before `grid.startsAt`): the last hand-off at or before it. */
export function shiftIndexAt(grid: RotationGrid, at: number): number {
  // The wall clock gives the answer except during a repeated (fall-back) hour: the clock shows an earlier
  // local time than it already showed, so hand-offs that already happened must be stepped over. The step
  // back only guards the invariant H(n) <= at < H(n + 1) should the zone data ever disagree with it.
  let n = Math.floor((wallClockAt(at, grid.timeZone) - grid.anchor) / grid.length);
  while (handoffInstant(grid, n + 1) <= at) n++;
  while (n > 0 && handoffInstant(grid, n) > at) n--;
  return n;
}

/** A shift of the rotation: index n, clipped to the requested range and to the layer's start. */
export interface RotationShift {
  start: number;
  end: number;
  n: number;
}

/** The rotation's shifts overlapping [from, to) (epoch ms), clipped to it; empty shifts (inside a gap) are skipped. */
export function rotationShifts(grid: RotationGrid, from: number, to: number): RotationShift[] {
  const lo = Math.max(from, grid.startsAt);
  const shifts: RotationShift[] = [];
  if (lo >= to) return shifts;
  let n = shiftIndexAt(grid, lo);
  let start = Math.max(lo, handoffInstant(grid, n));
  while (start < to) {
    const next = handoffInstant(grid, n + 1);
    const end = Math.min(next, to);
    if (end > start) shifts.push({ start, end, n });
    start = Math.max(start, next);
    n++;
  }
  return shifts;
}
