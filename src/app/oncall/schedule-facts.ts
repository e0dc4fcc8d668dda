import type { Layer, Override, ScheduleSpec } from "#domain/schedule/types.ts";
import { scheduleWarnings } from "#domain/schedule/warnings.ts";
import type { Db } from "#store/db.ts";
import {
  findSchedule,
  findUsersById,
  listUsers,
  type ScheduleOverrideRow,
  type ScheduleRow,
  type UserRow,
} from "#store/directory.ts";
import type { AppContext } from "../context.ts";
import { AppError } from "../errors.ts";

// Stored schedules read back as the domain's values, and the lookups the schedule verbs share.

/**
 * The layers column as domain layers. The column is written only by createSchedule/updateSchedule from a
 * spec that validateScheduleSpec accepted, so its shape is the domain's `Layer[]`.
 */
function storedLayers(value: unknown[]): Layer[] {
  return value as Layer[];
}

/** A stored schedule as the domain's spec. */
export function storedSpec(row: ScheduleRow): ScheduleSpec {
  return { timeZone: row.timeZone, layers: storedLayers(row.layers) };
}

/** Override rows as the domain's overrides (their kind was checked when they were written). */
export function storedOverrides(
  rows: readonly Pick<
    ScheduleOverrideRow,
    "id" | "kind" | "userId" | "replacesUserId" | "startsAt" | "endsAt"
  >[],
): Override[] {
  return rows.map((r) => ({
    id: r.id,
    kind: r.kind === "add" || r.kind === "remove" ? r.kind : "replace",
    ...(r.userId ? { userId: r.userId } : {}),
    ...(r.replacesUserId ? { replacesUserId: r.replacesUserId } : {}),
    start: r.startsAt,
    end: r.endsAt,
  }));
}

/** A schedule by name or id; NOT_FOUND naming where to look. */
export async function loadSchedule(db: Db, ref: string): Promise<ScheduleRow> {
  const row = await findSchedule(db, ref);
  if (!row)
    throw new AppError(
      "NOT_FOUND",
      `Schedule "${ref}" does not exist; see GET /api/v1/schedules (foghorn schedule list)`,
    );
  return row;
}

/** Every user id a schedule's layers and these overrides name. */
export function userIdsOf(specs: readonly ScheduleSpec[], overrides: readonly Override[] = []): string[] {
  const ids = new Set<string>();
  for (const spec of specs) for (const layer of spec.layers) for (const id of layer.members) ids.add(id);
  for (const o of overrides) {
    if (o.userId) ids.add(o.userId);
    if (o.replacesUserId) ids.add(o.replacesUserId);
  }
  return [...ids];
}

/** The users with these ids, by id. */
export async function usersById(db: Db, ids: readonly string[]): Promise<Map<string, UserRow>> {
  return new Map((await findUsersById(db, ids)).map((u) => [u.id, u]));
}

/** A user id as a username; a user deleted since shows as their id. */
export function usernameOf(users: ReadonlyMap<string, UserRow>, id: string): string {
  return users.get(id)?.username ?? id;
}

/** A schedule's warnings in usernames (the domain speaks of user ids). */
export function scheduleWarningsFor(
  spec: ScheduleSpec,
  users: ReadonlyMap<string, UserRow>,
  now: Date,
): string[] {
  return scheduleWarnings(spec, new Set(users.keys()), now).map((w) =>
    w.replace(/member "([0-9a-f-]{36})"/g, (_, id: string) => `member "${usernameOf(users, id)}"`),
  );
}

/** What keeps each schedule from paging anyone now, for warnings on the policies and rules that page it. */
export async function scheduleProblemsNow(ctx: AppContext): Promise<(schedule: ScheduleRow) => string[]> {
  const users = new Map((await listUsers(ctx.db)).map((u) => [u.id, u]));
  const now = ctx.clock.now();
  return (schedule) => scheduleWarningsFor(storedSpec(schedule), users, now);
}
