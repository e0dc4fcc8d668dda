/**
 * Who is on call: the layers merged (a later layer wins wherever it has someone; where it has nobody, the
 * next lower layer shows through, as in PagerDuty), then the overrides applied in their given order.
 */

import { layerCoverage, layerUserAt } from "./layer.ts";
import type { OnCallEntry, OnCallPeriod, Override, ScheduleSpec, Shift } from "./types.ts";

const overrideEntry = (userId: string): OnCallEntry => ({ userId, layer: null, source: "override" });

/** One override applied to the people on call (each user appears once). See `Override` for the meaning. */
function applyOverride(entries: readonly OnCallEntry[], o: Override): readonly OnCallEntry[] {
  switch (o.kind) {
    case "add": {
      const userId = o.userId;
      if (userId === undefined || entries.some((e) => e.userId === userId)) return entries;
      return [...entries, overrideEntry(userId)];
    }
    case "remove":
      return o.replacesUserId === undefined ? [] : entries.filter((e) => e.userId !== o.replacesUserId);
    case "replace": {
      const userId = o.userId;
      if (userId === undefined || userId === o.replacesUserId) return entries;
      if (o.replacesUserId === undefined) return [overrideEntry(userId)];
      if (!entries.some((e) => e.userId === o.replacesUserId)) return entries;
      const already = entries.some((e) => e.userId === userId);
      // The newcomer takes the replaced person's place in the list, unless already on call.
      return entries.flatMap((e) =>
        e.userId !== o.replacesUserId ? [e] : already ? [] : [overrideEntry(userId)],
      );
    }
  }
}

const isActive = (o: Override, at: number) => o.start.getTime() <= at && at < o.end.getTime();

/** Who is on call at `at`: usually one entry; empty when nobody is. */
export function onCallAt(spec: ScheduleSpec, overrides: readonly Override[], at: Date): OnCallEntry[] {
  const t = at.getTime();
  let entries: readonly OnCallEntry[] = [];
  for (let i = spec.layers.length - 1; i >= 0; i--) {
    const layer = spec.layers[i];
    const userId = layer && layerUserAt(layer, spec.timeZone, t);
    if (userId !== undefined) {
      entries = [{ userId, layer: i, source: "rotation" }];
      break;
    }
  }
  for (const o of overrides) if (isActive(o, t)) entries = applyOverride(entries, o);
  return [...entries];
}

const sameUsers = (a: readonly string[], b: readonly string[]) =>
  a.length === b.length && a.every((id, i) => id === b[i]);

/**
 * The merged timeline over [from, to): consecutive segments covering the whole range, gaps included with
 * `userIds: []`, neighbouring segments always different.
 */
export function finalShifts(
  spec: ScheduleSpec,
  overrides: readonly Override[],
  from: Date,
  to: Date,
): Shift[] {
  const lo = from.getTime();
  const hi = to.getTime();
  if (!(lo < hi)) return [];
  const coverage = spec.layers.map((layer) => layerCoverage(layer, spec.timeZone, lo, hi));
  const relevant = overrides.filter(
    (o) => o.start.getTime() < Math.min(o.end.getTime(), hi) && o.end.getTime() > lo,
  );
  // Nothing changes between two consecutive edges of any layer stretch or override.
  const edges = new Set([lo, hi]);
  for (const stretches of coverage) for (const c of stretches) edges.add(c.start).add(c.end);
  for (const o of relevant)
    for (const t of [o.start.getTime(), o.end.getTime()]) if (lo < t && t < hi) edges.add(t);
  const cuts = [...edges].sort((a, b) => a - b);

  const next = coverage.map(() => 0);
  const shifts: Shift[] = [];
  for (let i = 0; i + 1 < cuts.length; i++) {
    const start = cuts[i] ?? lo;
    const end = cuts[i + 1] ?? hi;
    let entries: readonly OnCallEntry[] = [];
    for (let layer = coverage.length - 1; layer >= 0; layer--) {
      const stretches = coverage[layer] ?? [];
      let k = next[layer] ?? 0;
      while (k < stretches.length && (stretches[k]?.end ?? 0) <= start) k++;
      next[layer] = k;
      const c = stretches[k];
      if (entries.length === 0 && c && c.start <= start)
        entries = [{ userId: c.userId, layer, source: "rotation" }];
    }
    for (const o of relevant) if (isActive(o, start)) entries = applyOverride(entries, o);
    const userIds = entries.map((e) => e.userId);
    const last = shifts.at(-1);
    if (last && sameUsers(last.userIds, userIds)) last.end = new Date(end);
    else shifts.push({ start: new Date(start), end: new Date(end), userIds });
  }
  return shifts;
}

/** The periods in [from, to) during which `userId` is on call, merged (for a personal calendar and hand-off notices). */
export function userShifts(
  spec: ScheduleSpec,
  overrides: readonly Override[],
  userId: string,
  from: Date,
  to: Date,
): OnCallPeriod[] {
  const periods: OnCallPeriod[] = [];
  for (const shift of finalShifts(spec, overrides, from, to)) {
    if (!shift.userIds.includes(userId)) continue;
    const last = periods.at(-1);
    if (last && last.end.getTime() === shift.start.getTime()) last.end = shift.end;
    else periods.push({ start: shift.start, end: shift.end });
  }
  return periods;
}
