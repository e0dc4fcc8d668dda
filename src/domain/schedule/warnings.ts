/** Warnings for schedules that are valid but can leave an alert with no one to page. */

import { DAY, MINUTE } from "../time.ts";
import { finalShifts } from "./on-call.ts";
import type { ScheduleSpec } from "./types.ts";
import { validateScheduleSpec } from "./validate.ts";
import { describeLocal } from "./wall-clock.ts";

/** How far ahead scheduleWarnings looks for gaps. */
export const GAP_HORIZON = 14 * DAY;

/** "64 h", "90 min", "2 h 30 min": a gap's length for a warning. */
function formatGap(ms: number): string {
  const minutes = Math.round(ms / MINUTE);
  const h = Math.floor(minutes / 60);
  const m = minutes % 60;
  if (h === 0) return `${m} min`;
  return m === 0 ? `${h} h` : `${h} h ${m} min`;
}

/**
 * Readable warnings for a schedule that can page no one: no layers, a layer without members, a member who
 * is not a known user, and the first time in the next 14 days (from `now`, overrides not counted) when
 * nobody is on call, in the schedule's zone. A spec that validateScheduleSpec refuses gets its problems instead.
 */
export function scheduleWarnings(spec: ScheduleSpec, knownUserIds: ReadonlySet<string>, now: Date): string[] {
  const problems = validateScheduleSpec(spec);
  if (problems.length > 0) return problems.map((p) => `${p.path}: ${p.message}`);
  if (spec.layers.length === 0) return ["the schedule has no layers, so nobody is ever on call; add a layer"];

  const warnings: string[] = [];
  for (const layer of spec.layers) {
    if (layer.members.length === 0)
      warnings.push(
        `layer "${layer.name}" has no members, so it never puts anyone on call; add members or remove it`,
      );
    for (const id of new Set(layer.members))
      if (!knownUserIds.has(id))
        warnings.push(
          `layer "${layer.name}": member "${id}" is not a known user and cannot be paged; replace or remove them`,
        );
  }
  // With no members anywhere the warnings above already say it all.
  if (spec.layers.every((l) => l.members.length === 0)) return warnings;

  const horizon = new Date(now.getTime() + GAP_HORIZON);
  const gaps = finalShifts(spec, [], now, horizon).filter((s) => s.userIds.length === 0);
  const [first] = gaps;
  if (first) {
    const reachesHorizon = first.end.getTime() >= horizon.getTime();
    const length = formatGap(first.end.getTime() - first.start.getTime());
    const more =
      gaps.length > 1
        ? ` (and ${gaps.length - 1} more gap${gaps.length > 2 ? "s" : ""} in the next 14 days)`
        : "";
    warnings.push(
      `nobody is on call from ${describeLocal(first.start, spec.timeZone)} (${spec.timeZone}) ` +
        `for ${reachesHorizon ? "at least " : ""}${length}${more}; add a layer or members to cover it`,
    );
  }
  return warnings;
}
