/**
 * The on-call schedule model. Times people type are LOCAL wall-clock times in the schedule's IANA zone
 * ("YYYY-MM-DDTHH:MM", "HH:MM"); times the system records (overrides, results) are instants.
 */

/** ISO weekday: Monday = 1 … Sunday = 7. */
export type IsoWeekday = 1 | 2 | 3 | 4 | 5 | 6 | 7;

/**
 * How a layer hands off. Hand-offs sit on a local wall-clock grid: every day (daily), every week on
 * `handoffWeekday` (weekly) or every `shiftMinutes` (custom, counted from `handoffTime` on the layer's
 * start date), always at `handoffTime`. Across DST a shift therefore lasts 23 or 25 elapsed hours.
 */
export interface Rotation {
  kind: "daily" | "weekly" | "custom";
  /** "HH:MM", 24-hour, local to the schedule's zone. */
  handoffTime: string;
  /** Weekly only; defaults to the weekday of the layer's start. */
  handoffWeekday?: IsoWeekday;
  /** Custom only: the shift length in local minutes (720 = 12 h, 4320 = 3 days); 15 to 86 400 (60 days). */
  shiftMinutes?: number;
}

/**
 * A window in which a layer covers, local to the schedule's zone. `end <= start` crosses midnight: the
 * window opens on a listed day and closes on the next day (`end == start` is a whole 24 hours).
 */
export interface Restriction {
  days: IsoWeekday[];
  start: string;
  end: string;
}

export interface Layer {
  name: string;
  /** "YYYY-MM-DDTHH:MM" local: member 0 is on call from then. Before it the layer has nobody. */
  start: string;
  rotation: Rotation;
  /** User ids in rotation order; a user may appear more than once. */
  members: string[];
  /** When given and non-empty, the layer covers only inside these windows. */
  restrictions?: Restriction[];
}

export interface ScheduleSpec {
  timeZone: string;
  /** Later layers win where they have someone on call; lower layers show through their gaps. */
  layers: Layer[];
}

/**
 * A change to who is on call for [start, end). Applied after the layers, in the given order:
 * - add: `userId` joins whoever is on call;
 * - remove: `replacesUserId` goes off call (without it: everyone goes off, leaving nobody);
 * - replace: `userId` takes `replacesUserId`'s place, only while that person is on call (without
 *   `replacesUserId`: `userId` alone is on call, even through a gap).
 */
export interface Override {
  id: string;
  kind: "add" | "remove" | "replace";
  userId?: string;
  replacesUserId?: string;
  start: Date;
  end: Date;
}

/** One person on call at an instant: from a layer's rotation, or put there by an override. */
export interface OnCallEntry {
  userId: string;
  /** The layer index for a rotation entry; null for an override. */
  layer: number | null;
  source: "rotation" | "override";
}

/** A stretch of the merged timeline with the same people on call; `userIds: []` is a gap. */
export interface Shift {
  start: Date;
  end: Date;
  userIds: string[];
}

/** A layer's own shift (restrictions applied, overrides not). */
export interface LayerShift {
  start: Date;
  end: Date;
  userId: string;
  layer: number;
}

/** A period during which one user is on call (start inclusive, end exclusive). */
export interface OnCallPeriod {
  start: Date;
  end: Date;
}

/** A problem with a schedule, at a dotted path into the spec ("layers.0.rotation.handoffTime"). */
export interface SpecProblem {
  path: string;
  message: string;
}
