/**
 * What makes a schedule or an override well-formed. Every problem is reported at once, each at a dotted
 * path into the spec with a message that says what to write instead. The messages do not name the field
 * (the path does), so a transport can rename paths to its wire names and keep the messages.
 */

import { isValidTimeZone } from "../alert/maintenance.ts";
import type { Layer, Override, Restriction, ScheduleSpec, SpecProblem } from "./types.ts";
import { parseHHMM, parseLocal } from "./wall-clock.ts";

export const MAX_LAYERS = 20;
export const MAX_MEMBERS_PER_LAYER = 200;
/** Custom shift lengths, in minutes: 15 minutes to 60 days. */
export const MIN_SHIFT_MINUTES = 15;
export const MAX_SHIFT_MINUTES = 60 * 24 * 60;

const HHMM_HINT = 'must be a 24-hour time like "09:00" or "17:30"';
const KINDS = ["daily", "weekly", "custom"];
const isWeekday = (d: unknown) => typeof d === "number" && Number.isInteger(d) && d >= 1 && d <= 7;

function restrictionProblems(r: Restriction, path: string): SpecProblem[] {
  const problems: SpecProblem[] = [];
  if (!Array.isArray(r.days) || r.days.length === 0)
    problems.push({ path: `${path}.days`, message: "must list at least one day on which the window opens" });
  else
    r.days.forEach((d, i) => {
      if (!isWeekday(d))
        problems.push({ path: `${path}.days.${i}`, message: "must be a weekday, 1 (Monday) to 7 (Sunday)" });
    });
  if (parseHHMM(r.start) === undefined) problems.push({ path: `${path}.start`, message: HHMM_HINT });
  if (parseHHMM(r.end) === undefined)
    problems.push({
      path: `${path}.end`,
      message: `${HHMM_HINT}; an end at or before the start runs past midnight`,
    });
  return problems;
}

function layerProblems(layer: Layer, path: string): SpecProblem[] {
  const problems: SpecProblem[] = [];
  const { rotation } = layer;
  if (typeof layer.name !== "string" || layer.name.trim() === "")
    problems.push({ path: `${path}.name`, message: 'must not be empty; name the layer, e.g. "Primary"' });
  if (parseLocal(layer.start) === undefined)
    problems.push({
      path: `${path}.start`,
      message:
        'must be a local date and time like "2026-01-05T09:00" (the first hand-off, in the schedule\'s time zone)',
    });
  if (!KINDS.includes(rotation.kind))
    problems.push({ path: `${path}.rotation.kind`, message: "must be daily, weekly or custom" });
  if (parseHHMM(rotation.handoffTime) === undefined)
    problems.push({ path: `${path}.rotation.handoffTime`, message: HHMM_HINT });
  if (rotation.handoffWeekday !== undefined) {
    if (rotation.kind !== "weekly")
      problems.push({
        path: `${path}.rotation.handoffWeekday`,
        message: "is for weekly rotations only; remove it",
      });
    else if (!isWeekday(rotation.handoffWeekday))
      problems.push({ path: `${path}.rotation.handoffWeekday`, message: "must be 1 (Monday) to 7 (Sunday)" });
  }
  const minutes = rotation.shiftMinutes;
  if (rotation.kind === "custom") {
    if (minutes === undefined)
      problems.push({
        path: `${path}.rotation.shiftMinutes`,
        message: "is required for a custom rotation: the shift length in minutes, e.g. 720 for 12 hours",
      });
    else if (!Number.isInteger(minutes) || minutes < MIN_SHIFT_MINUTES || minutes > MAX_SHIFT_MINUTES)
      problems.push({
        path: `${path}.rotation.shiftMinutes`,
        message: `must be a whole number of minutes from ${MIN_SHIFT_MINUTES} to ${MAX_SHIFT_MINUTES} (60 days), e.g. 4320 for 3 days`,
      });
  } else if (minutes !== undefined)
    problems.push({
      path: `${path}.rotation.shiftMinutes`,
      message: 'is for custom rotations only; remove it, or use kind "custom"',
    });
  if (layer.members.length > MAX_MEMBERS_PER_LAYER)
    problems.push({ path: `${path}.members`, message: `must have at most ${MAX_MEMBERS_PER_LAYER} members` });
  layer.members.forEach((m, i) => {
    if (typeof m !== "string" || m === "")
      problems.push({ path: `${path}.members.${i}`, message: "must be a user" });
  });
  (layer.restrictions ?? []).forEach((r, i) => {
    problems.push(...restrictionProblems(r, `${path}.restrictions.${i}`));
  });
  return problems;
}

/** Every problem with a schedule spec; empty when the schedule functions can use it. */
export function validateScheduleSpec(spec: ScheduleSpec): SpecProblem[] {
  const problems: SpecProblem[] = [];
  if (!isValidTimeZone(spec.timeZone))
    problems.push({
      path: "timeZone",
      message: 'must be an IANA time zone such as "Europe/Berlin", "America/New_York" or "UTC"',
    });
  if (spec.layers.length > MAX_LAYERS)
    problems.push({
      path: "layers",
      message: `must have at most ${MAX_LAYERS} layers; merge or remove some`,
    });
  spec.layers.forEach((layer, i) => {
    problems.push(...layerProblems(layer, `layers.${i}`));
  });
  return problems;
}

/** Every problem with an override; empty when onCallAt and finalShifts apply it as documented on `Override`. */
export function validateOverride(o: Override): SpecProblem[] {
  const problems: SpecProblem[] = [];
  const start = o.start.getTime();
  const end = o.end.getTime();
  if (Number.isNaN(start)) problems.push({ path: "start", message: "must be a date and time" });
  if (Number.isNaN(end)) problems.push({ path: "end", message: "must be a date and time" });
  else if (!Number.isNaN(start) && end <= start)
    problems.push({ path: "end", message: "must be after the start" });
  if ((o.kind === "add" || o.kind === "replace") && !o.userId)
    problems.push({ path: "userId", message: `is required: who comes on call (${o.kind})` });
  if (o.kind === "remove" && o.userId !== undefined)
    problems.push({ path: "userId", message: "is not used by a remove; name who goes off call instead" });
  if (o.kind === "add" && o.replacesUserId !== undefined)
    problems.push({
      path: "replacesUserId",
      message: 'is not used by an add; use kind "replace" to swap people',
    });
  if (o.kind === "replace" && o.replacesUserId !== undefined && o.replacesUserId === o.userId)
    problems.push({
      path: "replacesUserId",
      message: "must be someone other than the person coming on call",
    });
  return problems;
}
