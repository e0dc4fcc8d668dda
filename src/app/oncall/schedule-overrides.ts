import { randomUUID } from "node:crypto";
import { z } from "zod";
import { validateOverride } from "#domain/schedule/validate.ts";
import { DAY } from "#domain/time.ts";
import {
  deleteScheduleOverride,
  findUsersByUsername,
  insertScheduleOverride,
  listScheduleOverrides,
  type ScheduleOverrideRow,
  type UserRow,
} from "#store/directory.ts";
import type { AppContext } from "../context.ts";
import { AppError, type FieldError } from "../errors.ts";
import { handle, isoInstant } from "../incidents/schemas.ts";
import { parseInput } from "../validation.ts";
import { invalidInput, iso } from "./internal.ts";
import { loadSchedule, usernameOf, usersById } from "./schedule-facts.ts";

// Overrides: "bob covers for alice on Saturday", "carol joins for the launch", "alice is off on Tuesday".

export const OVERRIDE_KINDS = ["add", "remove", "replace"] as const;

const instant = isoInstant("must be an ISO 8601 instant with an offset, e.g. 2026-12-12T09:00:00+01:00");

export const CreateOverrideInput = z
  .object({
    kind: z
      .enum(OVERRIDE_KINDS, { error: `must be one of ${OVERRIDE_KINDS.join(", ")}` })
      .describe("add: user joins; remove: replaces goes off call; replace: user takes replaces' place"),
    user: handle.optional().describe("Who comes on call (add, replace)"),
    replaces: handle.optional().describe("Who goes off call (remove, replace)"),
    start: instant,
    end: instant,
    note: z.string().trim().max(500).optional(),
  })
  .strict();

export const ListOverridesQuery = z
  .object({
    from: instant.optional().describe("Overrides that end after this instant; default now"),
    to: instant.optional().describe("…and start before this one; default a year after from"),
  })
  .strict();

/** The domain's problem paths in the API's words. */
const FIELD_OF: Record<string, string> = { userId: "user", replacesUserId: "replaces" };

/** An override as the API shows it: people by username, instants in ISO 8601. */
export function overrideView(o: ScheduleOverrideRow, users: ReadonlyMap<string, UserRow>) {
  return {
    id: o.id,
    kind: o.kind,
    user: o.userId ? usernameOf(users, o.userId) : null,
    replaces: o.replacesUserId ? usernameOf(users, o.replacesUserId) : null,
    start: iso(o.startsAt),
    end: iso(o.endsAt),
    note: o.note,
    created_by: o.createdBy,
    created_at: iso(o.createdAt),
  };
}

/** Adds an override to a schedule; every problem (unknown people, end before start) at once. */
export async function createOverride(ctx: AppContext, ref: string, input: unknown) {
  const req = parseInput(CreateOverrideInput, input);
  const schedule = await loadSchedule(ctx.db, ref);
  const named = [req.user, req.replaces].filter((n): n is string => n !== undefined);
  const found = new Map((await findUsersByUsername(ctx.db, named)).map((u) => [u.username.toLowerCase(), u]));
  const errors: FieldError[] = [];
  const idOf = (field: "user" | "replaces") => {
    const name = req[field];
    if (name === undefined) return undefined;
    const user = found.get(name.toLowerCase());
    if (!user) errors.push({ field, message: `no user "${name}"; see foghorn user list` });
    return user?.id;
  };
  const userId = idOf("user");
  const replacesUserId = idOf("replaces");
  if (req.kind === "replace" && req.replaces === undefined)
    errors.push({ field: "replaces", message: "is required: who goes off call while user takes over" });
  if (req.kind === "remove" && req.replaces === undefined)
    errors.push({ field: "replaces", message: "is required: who goes off call" });
  const start = new Date(req.start);
  const end = new Date(req.end);
  for (const p of validateOverride({
    id: "",
    kind: req.kind,
    ...(req.user !== undefined ? { userId: userId ?? req.user } : {}),
    ...(req.replaces !== undefined ? { replacesUserId: replacesUserId ?? req.replaces } : {}),
    start,
    end,
  })) {
    const field = FIELD_OF[p.path] ?? p.path;
    if (!errors.some((e) => e.field === field)) errors.push({ field, message: p.message });
  }
  if (errors.length) throw invalidInput(errors);
  const row = await insertScheduleOverride(ctx.db, {
    id: randomUUID(),
    scheduleId: schedule.id,
    kind: req.kind,
    userId: userId ?? null,
    replacesUserId: replacesUserId ?? null,
    startsAt: start,
    endsAt: end,
    note: req.note ?? "",
    createdBy: ctx.actor.name,
    createdAt: ctx.clock.now(),
  });
  ctx.log.info({ schedule: schedule.name, kind: req.kind, by: ctx.actor.name }, "schedule override added");
  const users = await usersById(
    ctx.db,
    [userId, replacesUserId].filter((id): id is string => !!id),
  );
  return { ...overrideView(row, users), schedule: schedule.name };
}

/** A schedule's overrides that have not ended (or within from/to), by start. */
export async function listOverrides(ctx: AppContext, ref: string, query: unknown) {
  const q = parseInput(ListOverridesQuery, query ?? {}, "query");
  const schedule = await loadSchedule(ctx.db, ref);
  const from = q.from ? new Date(q.from) : ctx.clock.now();
  const to = q.to ? new Date(q.to) : new Date(from.getTime() + 365 * DAY);
  const rows = await listScheduleOverrides(ctx.db, [schedule.id], from, to);
  const ids = rows.flatMap((r) => [r.userId, r.replacesUserId]).filter((id): id is string => !!id);
  const users = await usersById(ctx.db, ids);
  const byStart = [...rows].sort((a, b) => a.startsAt.getTime() - b.startsAt.getTime());
  return { items: byStart.map((r) => overrideView(r, users)) };
}

/** Removes one of a schedule's overrides. */
export async function removeOverride(ctx: AppContext, ref: string, id: string): Promise<void> {
  const schedule = await loadSchedule(ctx.db, ref);
  if (!(await deleteScheduleOverride(ctx.db, schedule.id, id)))
    throw new AppError("NOT_FOUND", `Schedule ${schedule.name} has no override ${id}`);
  ctx.log.info({ schedule: schedule.name, override: id, by: ctx.actor.name }, "schedule override removed");
}
