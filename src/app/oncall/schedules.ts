import { randomUUID } from "node:crypto";
import { onCallAt } from "#domain/schedule/on-call.ts";
import type { Layer } from "#domain/schedule/types.ts";
import { withTransaction } from "#store/db.ts";
import {
  deleteSchedule,
  findSchedule,
  findTargetReferences,
  findUsersByUsername,
  insertSchedule,
  listScheduleOverrides,
  listSchedules,
  listUsers,
  type ScheduleRow,
  type UserRow,
  updateSchedule as updateScheduleRow,
} from "#store/directory.ts";
import { randomSecret } from "../auth/secrets.ts";
import type { AppContext } from "../context.ts";
import { parseInput } from "../validation.ts";
import { scheduleCalendarUrl } from "./calendar.ts";
import {
  assertCanManageOwned,
  invalidInput,
  iso,
  nameTaken,
  refuseWhileTargeted,
  resolveOwningTeam,
  teamNamesById,
} from "./internal.ts";
import {
  loadSchedule,
  scheduleWarningsFor,
  storedOverrides,
  storedSpec,
  usernameOf,
} from "./schedule-facts.ts";
import { ScheduleInput, toScheduleSpec } from "./schedule-input.ts";

// Schedules: a time zone and layers of rotations. The rotation rules are the domain's (src/domain/schedule);
// the body's shape and its translation are schedule-input.ts; this file stores and shows them.

/** The bodies of POST and PUT: the whole schedule (schedule-input.ts). */
export const CreateScheduleBody = ScheduleInput;
export const ReplaceScheduleBody = ScheduleInput;

const DAY_NAMES = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"] as const;
const dayName = (d: number) => DAY_NAMES[d - 1] ?? String(d);

/** A stored layer in the body's shape (usernames, day names), so GET → PUT round-trips. */
function layerView(layer: Layer, users: ReadonlyMap<string, UserRow>) {
  const r = layer.rotation;
  return {
    name: layer.name,
    start: layer.start,
    rotation: {
      kind: r.kind,
      handoff_time: r.handoffTime,
      ...(r.handoffWeekday !== undefined ? { handoff_weekday: dayName(r.handoffWeekday) } : {}),
      ...(r.shiftMinutes !== undefined ? { shift_minutes: r.shiftMinutes } : {}),
    },
    members: layer.members.map((id) => usernameOf(users, id)),
    ...(layer.restrictions?.length
      ? {
          restrictions: layer.restrictions.map((w) => ({
            days: w.days.map(dayName),
            start: w.start,
            end: w.end,
          })),
        }
      : {}),
  };
}

async function viewsOf(ctx: AppContext, rows: readonly ScheduleRow[]) {
  const now = ctx.clock.now();
  const users = new Map((await listUsers(ctx.db)).map((u) => [u.id, u]));
  const overrides = await listScheduleOverrides(
    ctx.db,
    rows.map((r) => r.id),
    now,
    new Date(now.getTime() + 1),
  );
  const teams = await teamNamesById(
    ctx,
    rows.map((r) => r.teamId),
  );
  return rows.map((row) => {
    const spec = storedSpec(row);
    const active = storedOverrides(overrides.filter((o) => o.scheduleId === row.id));
    return {
      id: row.id,
      name: row.name,
      description: row.description,
      time_zone: row.timeZone,
      /** The owning team's name; null: none (any manager may change it). */
      team: row.teamId ? (teams.get(row.teamId) ?? null) : null,
      layers: spec.layers.map((l) => layerView(l, users)),
      on_call_now: onCallAt(spec, active, now).map((e) => usernameOf(users, e.userId)),
      calendar_url: scheduleCalendarUrl(ctx, row),
      warnings: scheduleWarningsFor(spec, users, now),
      created_at: iso(row.createdAt),
      updated_at: iso(row.updatedAt),
    };
  });
}

/** Every schedule with who is on call now and its warnings, by name. */
export async function listScheduleViews(ctx: AppContext) {
  return { items: await viewsOf(ctx, await listSchedules(ctx.db)) };
}

/** One schedule: layers with usernames, who is on call now, its calendar URL and warnings (gaps). */
export async function getSchedule(ctx: AppContext, ref: string) {
  const [view] = await viewsOf(ctx, [await loadSchedule(ctx.db, ref)]);
  if (!view) throw new Error("schedule view missing");
  return view;
}

/** Parses a whole schedule body and turns usernames into user ids (unknown ones are field errors). */
async function specFromBody(ctx: AppContext, input: unknown) {
  const req = parseInput(ScheduleInput, input);
  const names = req.layers.flatMap((l) => l.members);
  const ids = new Map<string, string>();
  for (const u of await findUsersByUsername(ctx.db, names)) {
    ids.set(u.username, u.id);
    ids.set(u.username.toLowerCase(), u.id);
  }
  const result = toScheduleSpec(req, ids);
  if ("errors" in result) throw invalidInput(result.errors);
  return { req, spec: result.spec };
}

/** Creates a schedule; it gets its own calendar feed secret. */
export async function createSchedule(ctx: AppContext, input: unknown) {
  const { req, spec } = await specFromBody(ctx, input);
  const team = await resolveOwningTeam(ctx, req.team);
  const now = ctx.clock.now();
  const row = await insertSchedule(ctx.db, {
    id: randomUUID(),
    name: req.name,
    teamId: team?.id ?? null,
    description: req.description ?? "",
    timeZone: spec.timeZone,
    layers: spec.layers,
    feedToken: randomSecret(),
    createdAt: now,
    updatedAt: now,
  });
  if (!row) throw nameTaken("Schedule", req.name);
  ctx.log.info({ schedule: row.name, by: ctx.actor.name }, "schedule created");
  return getSchedule(ctx, row.id);
}

/** Replaces a schedule's name, description, zone and layers; its overrides and calendar URL stay. */
export async function replaceSchedule(ctx: AppContext, ref: string, input: unknown) {
  const schedule = await loadSchedule(ctx.db, ref);
  await assertCanManageOwned(ctx, schedule.teamId, `Schedule ${schedule.name}`);
  const { req, spec } = await specFromBody(ctx, input);
  const team = await resolveOwningTeam(ctx, req.team);
  await withTransaction(ctx.db, async (tx) => {
    const other = await findSchedule(tx, req.name);
    if (other && other.id !== schedule.id) throw nameTaken("Schedule", req.name);
    await updateScheduleRow(tx, schedule.id, {
      name: req.name,
      description: req.description ?? "",
      timeZone: spec.timeZone,
      layers: spec.layers,
      ...(team !== undefined ? { teamId: team?.id ?? null } : {}),
      updatedAt: ctx.clock.now(),
    });
  });
  ctx.log.info({ schedule: req.name, by: ctx.actor.name }, "schedule replaced");
  return getSchedule(ctx, schedule.id);
}

/** Deletes a schedule and its overrides; refused while an escalation policy or rule pages it. */
export async function removeSchedule(ctx: AppContext, ref: string): Promise<void> {
  const schedule = await loadSchedule(ctx.db, ref);
  await assertCanManageOwned(ctx, schedule.teamId, `Schedule ${schedule.name}`);
  await withTransaction(ctx.db, async (tx) => {
    refuseWhileTargeted(
      `Schedule ${schedule.name}`,
      await findTargetReferences(tx, { kind: "schedule", id: schedule.id }),
      "remove it from them first",
    );
    await deleteSchedule(tx, schedule.id);
  });
  ctx.log.info({ schedule: schedule.name, by: ctx.actor.name }, "schedule deleted");
}
