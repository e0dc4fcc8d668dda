import { z } from "zod";
import type { IsoWeekday, Layer, Rotation, ScheduleSpec } from "#domain/schedule/types.ts";
import {
  MAX_LAYERS,
  MAX_MEMBERS_PER_LAYER,
  MAX_SHIFT_MINUTES,
  MIN_SHIFT_MINUTES,
  validateScheduleSpec,
} from "#domain/schedule/validate.ts";
import { parseHHMM, parseLocal } from "#domain/schedule/wall-clock.ts";
import type { FieldError } from "../errors.ts";
import { description, directoryName, owningTeamInput, timeZone } from "./internal.ts";

// The API body of a schedule (snake_case on the wire) and its translation to the domain's ScheduleSpec.
// Field formats are checked here with messages for the wire; the rules between fields (a weekday only on
// weekly rotations, a length only on custom ones) are the domain's validateScheduleSpec.

const DAY_NAMES = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"] as const;
type DayName = (typeof DAY_NAMES)[number];
const WEEKDAY_HINT = `must be a weekday: one of ${DAY_NAMES.join(", ")} (or 1 = Monday … 7 = Sunday)`;

const clockTime = z
  .string({ error: 'must be a 24-hour time like "09:00"' })
  .refine((v) => parseHHMM(v) !== undefined, {
    error: 'must be a 24-hour time like "09:00" or "17:30" (HH:MM)',
  });

const localDateTime = z
  .string({ error: 'must be a local date and time like "2026-01-05T09:00"' })
  .refine((v) => parseLocal(v) !== undefined, {
    error:
      'must be a local date and time like "2026-01-05T09:00" (no seconds, no offset: it is read in time_zone)',
  });

const weekday = z.union([z.enum(DAY_NAMES), z.int().min(1).max(7)], { error: WEEKDAY_HINT });

const RotationInput = z
  .object({
    kind: z.enum(["daily", "weekly", "custom"], { error: "must be daily, weekly or custom" }),
    handoff_time: clockTime,
    handoff_weekday: weekday.optional(),
    shift_minutes: z
      .int({ error: "must be a whole number of minutes, e.g. 720 for 12 hours" })
      .min(MIN_SHIFT_MINUTES, { error: `must be at least ${MIN_SHIFT_MINUTES} minutes` })
      .max(MAX_SHIFT_MINUTES, { error: `must be at most ${MAX_SHIFT_MINUTES} minutes (60 days)` })
      .optional(),
  })
  .strict();

const RestrictionInput = z
  .object({
    days: z
      .array(z.enum(DAY_NAMES, { error: `must be one of ${DAY_NAMES.join(", ")}` }), {
        error: 'must be a list of days, e.g. ["mon", "tue", "wed", "thu", "fri"]',
      })
      .min(1, { error: 'must list at least one day, e.g. ["mon", "tue", "wed", "thu", "fri"]' }),
    start: clockTime,
    end: clockTime.describe("HH:MM; at or before start means the window ends the next day"),
  })
  .strict();

const username = z
  .string({ error: "must be a username" })
  .trim()
  .min(1, { error: "must not be empty" })
  .max(64, { error: "must be at most 64 characters" });

const LayerInput = z
  .object({
    name: z
      .string({ error: 'must be a string, e.g. "Primary"' })
      .trim()
      .min(1, { error: 'must not be empty; name the layer, e.g. "Primary"' })
      .max(100, { error: "must be at most 100 characters" }),
    start: localDateTime.describe("the first hand-off, local to time_zone: member 0 is on call from then"),
    rotation: RotationInput,
    members: z
      .array(username, { error: 'must be a list of usernames, e.g. ["alice", "bob"]' })
      .max(MAX_MEMBERS_PER_LAYER, { error: `must have at most ${MAX_MEMBERS_PER_LAYER} members` }),
    restrictions: z
      .array(RestrictionInput, { error: "must be a list of windows" })
      .max(50, { error: "must have at most 50 windows" })
      .optional(),
  })
  .strict();

/** A domain path as the wire's ("layers.0.rotation.handoffTime" → "layers.0.rotation.handoff_time"). */
const wirePath = (path: string) => path.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);

// The casts are safe: the schema admits only integers 1–7 and the seven day names.
const dayNumber = (day: DayName | number): IsoWeekday =>
  typeof day === "number" ? (day as IsoWeekday) : ((DAY_NAMES.indexOf(day) + 1) as IsoWeekday);

/** The body as a spec whose members are whatever `member` makes of each username. */
function specOf(input: ParsedScheduleInput, member: (username: string) => string): ScheduleSpec {
  return {
    timeZone: input.time_zone,
    layers: input.layers.map((l): Layer => {
      const rotation: Rotation = { kind: l.rotation.kind, handoffTime: l.rotation.handoff_time };
      if (l.rotation.handoff_weekday !== undefined)
        rotation.handoffWeekday = dayNumber(l.rotation.handoff_weekday);
      if (l.rotation.shift_minutes !== undefined) rotation.shiftMinutes = l.rotation.shift_minutes;
      return {
        name: l.name,
        start: l.start,
        rotation,
        members: l.members.map(member),
        ...(l.restrictions
          ? {
              restrictions: l.restrictions.map((r) => ({
                days: r.days.map(dayNumber),
                start: r.start,
                end: r.end,
              })),
            }
          : {}),
      };
    }),
  };
}

const ScheduleBody = z
  .object({
    name: directoryName,
    description: description.optional(),
    time_zone: timeZone,
    layers: z
      .array(LayerInput, { error: "must be a list of layers" })
      .max(MAX_LAYERS, { error: `must have at most ${MAX_LAYERS} layers; merge or remove some` }),
    team: owningTeamInput,
  })
  .strict();

/** The body of a schedule create or replace: `{ name, description?, time_zone, layers: [...] }`. */
export const ScheduleInput = ScheduleBody.superRefine((input, ctx) => {
  // Runs when every field has the right type; a problem zod already reported (at or under its path) is not repeated.
  const reported = ctx.issues.map((i) => (i.path ?? []).join("."));
  for (const p of validateScheduleSpec(specOf(input, (u) => u))) {
    const path = wirePath(p.path);
    if (reported.some((r) => r === path || r.startsWith(`${path}.`) || path.startsWith(`${r}.`))) continue;
    ctx.addIssue({
      code: "custom",
      path: path.split(".").map((k) => (/^\d+$/.test(k) ? Number(k) : k)),
      message: p.message,
    });
  }
});
export type ScheduleInput = z.input<typeof ScheduleInput>;
export type ParsedScheduleInput = z.output<typeof ScheduleBody>;

/**
 * The parsed body as the domain's spec, usernames turned into user ids. `userIdsByUsername` is looked up
 * by the username as written, then lowercased (usernames are case-insensitive). Every unknown username
 * is an error at its place in the body.
 */
export function toScheduleSpec(
  input: ParsedScheduleInput,
  userIdsByUsername: ReadonlyMap<string, string>,
): { spec: ScheduleSpec } | { errors: FieldError[] } {
  const errors: FieldError[] = [];
  input.layers.forEach((layer, i) => {
    layer.members.forEach((name, j) => {
      if (!userIdsByUsername.has(name) && !userIdsByUsername.has(name.toLowerCase()))
        errors.push({
          field: `layers.${i}.members.${j}`,
          message: `no user "${name}"; check the spelling or create the user first (GET /api/v1/users lists them)`,
        });
    });
  });
  const spec = specOf(
    input,
    (name) => userIdsByUsername.get(name) ?? userIdsByUsername.get(name.toLowerCase()) ?? name,
  );
  for (const p of validateScheduleSpec(spec)) errors.push({ field: wirePath(p.path), message: p.message });
  return errors.length > 0 ? { errors } : { spec };
}
