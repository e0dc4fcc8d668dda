import { z } from "zod";
import { layerShifts } from "#domain/schedule/layer.ts";
import { finalShifts, onCallAt } from "#domain/schedule/on-call.ts";
import type { Override, ScheduleSpec } from "#domain/schedule/types.ts";
import { DAY } from "#domain/time.ts";
import type { Db } from "#store/db.ts";
import { listScheduleOverrides, listSchedules, type ScheduleRow, type UserRow } from "#store/directory.ts";
import type { AppContext } from "../context.ts";
import { isoInstant } from "../incidents/schemas.ts";
import { parseInput } from "../validation.ts";
import { invalidInput, iso } from "./internal.ts";
import {
  loadSchedule,
  storedOverrides,
  storedSpec,
  userIdsOf,
  usernameOf,
  usersById,
} from "./schedule-facts.ts";

// Who is on call: at an instant, over a range (final and per-layer shifts), and across every schedule.

const instant = isoInstant("must be an ISO 8601 instant with an offset, e.g. 2026-12-07T09:00:00Z");

/** How far ahead "on call until" looks for the next hand-off. */
const UNTIL_HORIZON = 90 * DAY;
/** The longest range GET …/shifts answers. */
export const MAX_SHIFT_RANGE_DAYS = 90;

export const OnCallQuery = z.object({ at: instant.optional().describe("Default: now") }).strict();

export const ScheduleShiftsQuery = z
  .object({
    from: instant.optional().describe("Default: now"),
    to: instant
      .optional()
      .describe(`Default: days after from; at most ${MAX_SHIFT_RANGE_DAYS} days after it`),
    days: z.coerce
      .number({ error: `must be a whole number of days, 1–${MAX_SHIFT_RANGE_DAYS}` })
      .int({ error: `must be a whole number of days, 1–${MAX_SHIFT_RANGE_DAYS}` })
      .min(1, { error: `must be 1–${MAX_SHIFT_RANGE_DAYS}` })
      .max(MAX_SHIFT_RANGE_DAYS, { error: `must be 1–${MAX_SHIFT_RANGE_DAYS}` })
      .optional()
      .describe("Instead of to: this many days after from (default 14)"),
  })
  .strict();

interface LoadedSchedule {
  row: ScheduleRow;
  spec: ScheduleSpec;
  overrides: Override[];
}

/** Schedules with their overrides overlapping [from, to). */
async function loadWithOverrides(
  db: Db,
  rows: readonly ScheduleRow[],
  from: Date,
  to: Date,
): Promise<LoadedSchedule[]> {
  const overrides = await listScheduleOverrides(
    db,
    rows.map((r) => r.id),
    from,
    to,
  );
  return rows.map((row) => ({
    row,
    spec: storedSpec(row),
    overrides: storedOverrides(overrides.filter((o) => o.scheduleId === row.id)),
  }));
}

function person(users: ReadonlyMap<string, UserRow>, id: string) {
  return { username: usernameOf(users, id), display_name: users.get(id)?.displayName ?? "" };
}

/** Who is on call in one schedule at `at`, and until when the same people are. */
function onCallView(s: LoadedSchedule, users: ReadonlyMap<string, UserRow>, at: Date) {
  const entries = onCallAt(s.spec, s.overrides, at);
  const [current] = finalShifts(s.spec, s.overrides, at, new Date(at.getTime() + UNTIL_HORIZON));
  const reachesHorizon = current ? current.end.getTime() >= at.getTime() + UNTIL_HORIZON : true;
  return {
    schedule: s.row.name,
    time_zone: s.row.timeZone,
    at: iso(at),
    on_call: entries.map((e) => ({
      ...person(users, e.userId),
      source: e.source,
      layer: e.layer === null ? null : (s.spec.layers[e.layer]?.name ?? null),
    })),
    until: current && !reachesHorizon ? iso(current.end) : null,
  };
}

/** Who is on call in a schedule at `at` (default now), overrides applied, with the layer they come from. */
export async function onCallNow(ctx: AppContext, ref: string, query: unknown) {
  const q = parseInput(OnCallQuery, query ?? {}, "query");
  const at = q.at ? new Date(q.at) : ctx.clock.now();
  const row = await loadSchedule(ctx.db, ref);
  const [loaded] = await loadWithOverrides(ctx.db, [row], at, new Date(at.getTime() + UNTIL_HORIZON));
  if (!loaded) throw new Error("schedule vanished");
  const users = await usersById(ctx.db, userIdsOf([loaded.spec], loaded.overrides));
  return onCallView(loaded, users, at);
}

/** Everyone on call at `at` (default now) across every schedule, by schedule name. */
export async function everyoneOnCall(ctx: AppContext, query: unknown) {
  const q = parseInput(OnCallQuery, query ?? {}, "query");
  const at = q.at ? new Date(q.at) : ctx.clock.now();
  const loaded = await loadWithOverrides(
    ctx.db,
    await listSchedules(ctx.db),
    at,
    new Date(at.getTime() + UNTIL_HORIZON),
  );
  const users = await usersById(
    ctx.db,
    userIdsOf(
      loaded.map((s) => s.spec),
      loaded.flatMap((s) => s.overrides),
    ),
  );
  return { at: iso(at), items: loaded.map((s) => onCallView(s, users, at)) };
}

/**
 * The merged shifts over [from, to) (default now → +14 days, or `days`; at most 90 days) with usernames, gaps
 * included as `users: []`, and each layer's own shifts for a calendar that shows layers.
 */
export async function scheduleShifts(ctx: AppContext, ref: string, query: unknown) {
  const q = parseInput(ScheduleShiftsQuery, query ?? {}, "query");
  const from = q.from ? new Date(q.from) : ctx.clock.now();
  const to = q.to ? new Date(q.to) : new Date(from.getTime() + (q.days ?? 14) * DAY);
  if (to <= from) throw invalidInput([{ field: "to", message: "must be after from" }]);
  if (to.getTime() - from.getTime() > MAX_SHIFT_RANGE_DAYS * DAY)
    throw invalidInput([
      { field: "to", message: `must be at most ${MAX_SHIFT_RANGE_DAYS} days after from; ask in pieces` },
    ]);
  const row = await loadSchedule(ctx.db, ref);
  const [s] = await loadWithOverrides(ctx.db, [row], from, to);
  if (!s) throw new Error("schedule vanished");
  const users = await usersById(ctx.db, userIdsOf([s.spec], s.overrides));
  return {
    schedule: row.name,
    time_zone: row.timeZone,
    from: iso(from),
    to: iso(to),
    shifts: finalShifts(s.spec, s.overrides, from, to).map((shift) => ({
      start: iso(shift.start),
      end: iso(shift.end),
      users: shift.userIds.map((id) => usernameOf(users, id)),
    })),
    layers: s.spec.layers.map((layer, i) => ({
      name: layer.name,
      shifts: layerShifts(layer, s.spec.timeZone, from, to, i).map((shift) => ({
        start: iso(shift.start),
        end: iso(shift.end),
        user: usernameOf(users, shift.userId),
      })),
    })),
  };
}
