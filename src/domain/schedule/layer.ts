/** One layer on its own: its rotation, cut to its restriction windows, before any other layer or override. */

import { type Interval, insideRestrictions, restrictionWindows } from "./restriction.ts";
import { rotationGrid, rotationShifts, shiftIndexAt } from "./rotation.ts";
import type { Layer, LayerShift } from "./types.ts";

/** A stretch of one layer with one person on call, epoch ms. */
export interface Coverage {
  start: number;
  end: number;
  userId: string;
}

function memberAt(layer: Layer, n: number): string | undefined {
  const count = layer.members.length;
  return layer.members[((n % count) + count) % count];
}

const restricted = (layer: Layer) => (layer.restrictions?.length ?? 0) > 0;

/** Who the layer has on call at `at` (epoch ms): undefined before its start, outside its windows, or with no members. */
export function layerUserAt(layer: Layer, timeZone: string, at: number): string | undefined {
  if (layer.members.length === 0) return undefined;
  const grid = rotationGrid(layer, timeZone);
  if (at < grid.startsAt) return undefined;
  if (restricted(layer) && !insideRestrictions(layer.restrictions ?? [], timeZone, at)) return undefined;
  return memberAt(layer, shiftIndexAt(grid, at));
}

/** The layer's coverage within [from, to) (epoch ms): sorted, disjoint, consecutive stretches of one user merged. */
export function layerCoverage(layer: Layer, timeZone: string, from: number, to: number): Coverage[] {
  if (layer.members.length === 0 || from >= to) return [];
  const shifts = rotationShifts(rotationGrid(layer, timeZone), from, to);
  const windows: Interval[] = restricted(layer)
    ? restrictionWindows(layer.restrictions ?? [], timeZone, from, to)
    : [{ start: from, end: to }];
  const out: Coverage[] = [];
  // Both lists are sorted and disjoint: walk them together and keep the overlaps.
  let w = 0;
  for (const shift of shifts) {
    const userId = memberAt(layer, shift.n);
    if (userId === undefined) continue;
    while (w < windows.length && (windows[w]?.end ?? 0) <= shift.start) w++;
    for (let i = w; i < windows.length; i++) {
      const window = windows[i];
      if (!window || window.start >= shift.end) break;
      const start = Math.max(shift.start, window.start);
      const end = Math.min(shift.end, window.end);
      if (start >= end) continue;
      const last = out.at(-1);
      if (last && last.userId === userId && last.end === start) last.end = end;
      else out.push({ start, end, userId });
    }
  }
  return out;
}

/**
 * A layer's own shifts in [from, to), restrictions applied, for a calendar that shows layers. Consecutive
 * shifts of the same person (a one-member layer, or a member listed twice in a row) are one entry.
 * `layerIndex` is only copied into the result.
 */
export function layerShifts(
  layer: Layer,
  timeZone: string,
  from: Date,
  to: Date,
  layerIndex = 0,
): LayerShift[] {
  return layerCoverage(layer, timeZone, from.getTime(), to.getTime()).map((c) => ({
    start: new Date(c.start),
    end: new Date(c.end),
    userId: c.userId,
    layer: layerIndex,
  }));
}
