import { z } from "zod";
import { isValidTimeZone } from "#domain/alert/maintenance.ts";
import { maintenanceStatusAt, newPublicId } from "#domain/status-page/status.ts";
import type { MaintenanceStatus } from "#domain/status-page/types.ts";
import { HOUR } from "#domain/time.ts";
import { type Db, withTransaction } from "#store/db.ts";
import { enqueueJobs, type NewJob } from "#store/jobs.ts";
import {
  deleteMaintenance,
  findMaintenance,
  getStatusSettings,
  insertMaintenance,
  insertMaintenanceUpdate,
  listMaintenances as listMaintenanceRows,
  listMaintenanceUpdates,
  listStatusComponents,
  lockMaintenance,
  type StatusComponentRow,
  type StatusMaintenanceRow,
  type StatusMaintenanceUpdateRow,
  updateMaintenance as updateMaintenanceRow,
} from "#store/status-page.ts";
import { DATE_TIME_EXPECTED, readDateTime } from "../alerts/maintenance.ts";
import type { AppContext } from "../context.ts";
import { AppError, type FieldError } from "../errors.ts";
import { publishStatusPageChange } from "../events.ts";
import { parseInput, text } from "../validation.ts";
import { enqueueStatusNotification, STATUS_JOB } from "./notify.ts";

// Scheduled maintenance on the status page: planned work on some components, announced to subscribers,
// with its own clock (a reminder 60 min before, "in progress" at its start, "completed" at its end) and
// updates posted by hand (verifying, completed early).

/** How long before a maintenance's start subscribers are reminded of it. */
export const REMINDER_BEFORE_MS = HOUR;

export const AUTO_STARTED_TEXT = "Scheduled maintenance is now in progress.";
export const AUTO_COMPLETED_TEXT = "Scheduled maintenance has been completed.";
const SCHEDULED_TEXT = "Scheduled maintenance.";

const HAND_SET_STATUSES = ["in_progress", "verifying", "completed"] as const;
const STATES = ["upcoming", "active", "past", "all"] as const;

const when = (what: string) =>
  z
    .string({ error: `must be a date-time (${what}), e.g. 2026-12-24T22:00 or 2026-12-24T21:00Z` })
    .trim()
    .min(1, { error: "must not be empty" })
    .max(40, { error: "must be at most 40 characters" })
    .describe(
      `${what}: a local date-time read in time_zone (2026-12-24T22:00), or an instant with an offset (2026-12-24T21:00Z)`,
    );

const componentIds = z
  .array(z.string({ error: "must be component ids" }).trim().min(1).max(40), {
    error: "must be a list of component ids",
  })
  .max(100, { error: "at most 100 components" })
  .describe("The affected components' ids (a group's id stands for its components)");

const maintenanceFields = {
  body: z
    .string({ error: "must be a string (what will happen and what users will notice)" })
    .trim()
    .max(10_000, { error: "must be at most 10000 characters" })
    .optional(),
  time_zone: z
    .string({ error: "must be an IANA time zone such as Europe/Berlin" })
    .trim()
    .max(64)
    .optional()
    .describe("The zone local times are read in; default: the page's time zone"),
  component_ids: componentIds.optional(),
  remind_prior: z
    .boolean({ error: "must be true or false" })
    .optional()
    .describe("Remind subscribers 60 minutes before it starts (default true)"),
};

export const CreateMaintenanceInput = z
  .object({
    title: text(200, "the maintenance's title"),
    scheduled_for: when("when it starts"),
    scheduled_until: when("when it ends"),
    ...maintenanceFields,
    notify: z
      .boolean({ error: "must be true or false" })
      .optional()
      .describe("Tell subscribers it was scheduled (default true)"),
  })
  .strict();
export type CreateMaintenanceInput = z.input<typeof CreateMaintenanceInput>;

export const UpdateMaintenanceInput = z
  .object({
    title: text(200, "the maintenance's title").optional(),
    scheduled_for: when("when it starts").optional(),
    scheduled_until: when("when it ends").optional(),
    ...maintenanceFields,
  })
  .strict();
export type UpdateMaintenanceInput = z.input<typeof UpdateMaintenanceInput>;

export const PostMaintenanceUpdateInput = z
  .object({
    body: text(10_000, "the update's text"),
    status: z
      .enum(HAND_SET_STATUSES, { error: `must be one of ${HAND_SET_STATUSES.join(", ")}` })
      .optional()
      .describe("Set the maintenance's status by hand (e.g. verifying, or completed early)"),
  })
  .strict();

export const ListMaintenancesQuery = z
  .object({
    state: z
      .enum(STATES, { error: `must be one of ${STATES.join(", ")}` })
      .default("all")
      .describe("upcoming (scheduled), active (in progress or verifying), past (completed) or all"),
    limit: z.coerce
      .number({ error: "must be a number from 1 to 500" })
      .int({ error: "must be a whole number" })
      .min(1, { error: "must be at least 1" })
      .max(500, { error: "must be at most 500" })
      .default(100),
  })
  .strict();

// PostgreSQL timestamps end at 9999-12-31; beyond, the insert would fail rather than the input.
const LAST_INSTANT = Date.parse("9999-12-31T23:59:59.999Z");
const FIRST_INSTANT = Date.parse("0001-01-01T00:00:00.000Z");

/** Reads the given times in `zone`; every problem (zone, format, order) is collected into `errors`. */
function readTimes(
  given: {
    scheduled_for?: string | undefined;
    scheduled_until?: string | undefined;
    time_zone?: string | undefined;
  },
  defaultZone: string,
  errors: FieldError[],
): { scheduledFor?: Date; scheduledUntil?: Date } {
  const zone = given.time_zone ?? defaultZone;
  if (given.time_zone !== undefined && !isValidTimeZone(given.time_zone)) {
    errors.push({ field: "time_zone", message: "must be an IANA time zone such as Europe/Berlin or UTC" });
    return {};
  }
  const read = (field: "scheduled_for" | "scheduled_until"): Date | undefined => {
    const value = given[field];
    if (value === undefined) return undefined;
    const at = readDateTime(value, zone);
    if (!at) errors.push({ field, message: `"${value}" is not a date-time: ${DATE_TIME_EXPECTED}` });
    else if (at.getTime() < FIRST_INSTANT || at.getTime() > LAST_INSTANT)
      errors.push({ field, message: "must be between the years 0001 and 9999" });
    else return at;
    return undefined;
  };
  const scheduledFor = read("scheduled_for");
  const scheduledUntil = read("scheduled_until");
  return { ...(scheduledFor ? { scheduledFor } : {}), ...(scheduledUntil ? { scheduledUntil } : {}) };
}

function invalid(errors: FieldError[]): AppError {
  return new AppError(
    "INVALID_INPUT",
    `The request is invalid: ${errors.map((e) => `${e.field}: ${e.message}`).join("; ")}`,
    errors,
  );
}

/**
 * The affected component ids for the ids given: a group's id stands for its components; unknown ids are
 * errors naming each one.
 */
function resolveComponentIds(
  ids: readonly string[],
  components: readonly StatusComponentRow[],
  errors: FieldError[],
): string[] {
  const byId = new Map(components.map((c) => [c.id, c]));
  const out: string[] = [];
  const unknown: string[] = [];
  for (const id of ids) {
    const c = byId.get(id);
    if (!c) unknown.push(id);
    else if (c.isGroup) out.push(...components.filter((x) => x.groupId === c.id).map((x) => x.id));
    else out.push(c.id);
  }
  if (unknown.length)
    errors.push({
      field: "component_ids",
      message: `no component with id ${unknown.map((u) => `"${u}"`).join(", ")}; list them with foghorn status component list`,
    });
  return [...new Set(out)];
}

/**
 * The maintenance's own clock, as jobs keyed by maintenance, step and time: a reminder 60 min before it
 * starts (when wanted and still ahead), its start and its end. A job keyed by an older time finds the
 * times changed and does nothing, so rescheduling needs no clean-up.
 */
export function maintenanceClockJobs(
  m: Pick<StatusMaintenanceRow, "id" | "scheduledFor" | "scheduledUntil" | "remindPrior">,
  now: Date,
): NewJob[] {
  const job = (step: "remind" | "start" | "complete", at: Date, runAt: Date): NewJob => ({
    kind: STATUS_JOB.maintenance,
    key: `${m.id}:${step}:${at.toISOString()}`,
    payload: { v: 1, maintenance_id: m.id, step, at: at.toISOString() },
    runAt,
  });
  const jobs: NewJob[] = [];
  const remindAt = new Date(m.scheduledFor.getTime() - REMINDER_BEFORE_MS);
  if (m.remindPrior && remindAt.getTime() > now.getTime()) jobs.push(job("remind", m.scheduledFor, remindAt));
  jobs.push(job("start", m.scheduledFor, m.scheduledFor));
  jobs.push(job("complete", m.scheduledUntil, m.scheduledUntil));
  return jobs;
}

function statusOf(m: StatusMaintenanceRow, now: Date): MaintenanceStatus {
  return maintenanceStatusAt({ ...m, manualStatus: m.manualStatus as MaintenanceStatus | null }, now);
}

export function maintenanceView(
  m: StatusMaintenanceRow,
  extra: { components: readonly StatusComponentRow[]; updates: readonly StatusMaintenanceUpdateRow[] },
  now: Date,
) {
  const byId = new Map(extra.components.map((c) => [c.id, c]));
  // Component ids are not foreign keys: a deleted component just drops out.
  const present = m.componentIds.filter((id) => byId.has(id));
  return {
    id: m.id,
    title: m.title,
    body: m.body,
    status: statusOf(m, now),
    manual_status: m.manualStatus as MaintenanceStatus | null,
    scheduled_for: m.scheduledFor.toISOString(),
    scheduled_until: m.scheduledUntil.toISOString(),
    component_ids: present,
    components: present.map((id) => ({ id, name: byId.get(id)?.name ?? id })),
    remind_prior: m.remindPrior,
    reminded_at: m.remindedAt ? m.remindedAt.toISOString() : null,
    created_by: m.createdBy,
    created_at: m.createdAt.toISOString(),
    updated_at: m.updatedAt.toISOString(),
    updates: extra.updates.map((u) => ({
      id: u.id,
      status: u.status as MaintenanceStatus,
      body: u.body,
      created_by: u.createdBy,
      created_at: u.createdAt.toISOString(),
    })),
  };
}
export type MaintenanceView = ReturnType<typeof maintenanceView>;

async function views(db: Db, rows: readonly StatusMaintenanceRow[], now: Date): Promise<MaintenanceView[]> {
  const components = await listStatusComponents(db);
  const updates = await listMaintenanceUpdates(
    db,
    rows.map((r) => r.id),
  );
  return rows.map((m) => maintenanceView(m, { components, updates: updates.get(m.id) ?? [] }, now));
}

function notFound(id: string): AppError {
  return new AppError(
    "NOT_FOUND",
    `The status page has no scheduled maintenance "${id}"; list them with GET /api/v1/status-page/maintenances (foghorn status maintenance list)`,
  );
}

async function viewOf(ctx: AppContext, id: string): Promise<MaintenanceView> {
  const row = await findMaintenance(ctx.db, id);
  if (!row) throw notFound(id);
  const [view] = await views(ctx.db, [row], ctx.clock.now());
  if (!view) throw notFound(id);
  return view;
}

/** The maintenances in a state (default all), upcoming and active ones soonest first, the others newest first. */
export async function listMaintenances(ctx: AppContext, input: unknown) {
  const q = parseInput(ListMaintenancesQuery, input ?? {}, "query");
  const now = ctx.clock.now();
  const wanted: Record<(typeof STATES)[number], readonly MaintenanceStatus[]> = {
    upcoming: ["scheduled"],
    active: ["in_progress", "verifying"],
    past: ["completed"],
    all: ["scheduled", "in_progress", "verifying", "completed"],
  };
  let rows = (await listMaintenanceRows(ctx.db)).filter((m) => wanted[q.state].includes(statusOf(m, now)));
  if (q.state === "upcoming" || q.state === "active") rows = rows.reverse();
  return { maintenances: await views(ctx.db, rows.slice(0, q.limit), now) };
}

/** One maintenance with its updates, newest first. */
export async function getMaintenance(ctx: AppContext, id: string) {
  return viewOf(ctx, id.trim());
}

/**
 * Schedules a maintenance: times are ISO 8601 instants or local times read in time_zone (default the
 * page's). Writes its first update ("scheduled"), starts its clock, and (notify, default true) tells
 * subscribers, all in one transaction.
 */
export async function createMaintenance(ctx: AppContext, input: unknown) {
  const req = parseInput(CreateMaintenanceInput, input);
  const now = ctx.clock.now();
  const settings = await getStatusSettings(ctx.db);
  const id = await withTransaction(ctx.db, async (tx) => {
    const errors: FieldError[] = [];
    const times = readTimes(req, settings.timeZone, errors);
    const components = await listStatusComponents(tx);
    const ids = resolveComponentIds(req.component_ids ?? [], components, errors);
    const { scheduledFor, scheduledUntil } = times;
    if (scheduledFor && scheduledUntil && scheduledUntil <= scheduledFor)
      errors.push({ field: "scheduled_until", message: "must be after scheduled_for" });
    else if (scheduledUntil && scheduledUntil <= now)
      errors.push({
        field: "scheduled_until",
        message: "is in the past: a maintenance that already ended cannot be scheduled",
      });
    if (errors.length || !scheduledFor || !scheduledUntil) throw invalid(errors);
    const notify = req.notify ?? true;
    const row = await insertMaintenance(tx, {
      id: newPublicId(),
      title: req.title,
      body: req.body ?? "",
      scheduledFor,
      scheduledUntil,
      manualStatus: null,
      componentIds: ids,
      remindPrior: req.remind_prior ?? true,
      remindedAt: null,
      notifiedStatus: notify ? "scheduled" : null,
      createdBy: ctx.actor.name,
      createdAt: now,
      updatedAt: now,
    });
    const updateId = newPublicId();
    await insertMaintenanceUpdate(tx, {
      id: updateId,
      maintenanceId: row.id,
      status: "scheduled",
      body: row.body || SCHEDULED_TEXT,
      createdBy: ctx.actor.name,
      createdAt: now,
    });
    await enqueueJobs(tx, maintenanceClockJobs(row, now), now);
    if (notify)
      await enqueueStatusNotification(
        tx,
        { kind: "maintenance_scheduled", maintenanceId: row.id, updateId },
        now,
      );
    return row.id;
  });
  publishStatusPageChange(ctx.events, now);
  ctx.log.info({ maintenance: id, by: ctx.actor.name }, "maintenance scheduled");
  return viewOf(ctx, id);
}

/**
 * Changes a maintenance: title, text, components, reminder, times. Until it starts both times may move
 * (the reminder is then due again); once started only its end; once completed neither. The clock follows.
 */
export async function editMaintenance(ctx: AppContext, ref: string, input: unknown) {
  const req = parseInput(UpdateMaintenanceInput, input);
  if (Object.keys(req).length === 0)
    throw new AppError(
      "INVALID_INPUT",
      `Nothing to change: give at least one of ${Object.keys(UpdateMaintenanceInput.shape).join(", ")}`,
    );
  const now = ctx.clock.now();
  const settings = await getStatusSettings(ctx.db);
  const id = await withTransaction(ctx.db, async (tx) => {
    const m = await lockMaintenance(tx, ref.trim());
    if (!m) throw notFound(ref);
    const errors: FieldError[] = [];
    const times = readTimes(req, settings.timeZone, errors);
    const ids =
      req.component_ids === undefined
        ? undefined
        : resolveComponentIds(req.component_ids, await listStatusComponents(tx), errors);
    if (errors.length) throw invalid(errors);
    const scheduledFor = times.scheduledFor ?? m.scheduledFor;
    const scheduledUntil = times.scheduledUntil ?? m.scheduledUntil;
    const forChanged = scheduledFor.getTime() !== m.scheduledFor.getTime();
    const untilChanged = scheduledUntil.getTime() !== m.scheduledUntil.getTime();
    const status = statusOf(m, now);
    if ((forChanged || untilChanged) && status === "completed")
      throw new AppError(
        "INVALID_TRANSITION",
        `Maintenance "${m.title}" has completed; its times can no longer change (schedule a new one instead)`,
        [
          {
            field: forChanged ? "scheduled_for" : "scheduled_until",
            message: "the maintenance has completed",
          },
        ],
      );
    if (forChanged && status !== "scheduled")
      throw new AppError(
        "INVALID_TRANSITION",
        `Maintenance "${m.title}" has started; only scheduled_until can change now (to extend or shorten it)`,
        [{ field: "scheduled_for", message: "the maintenance has started; change scheduled_until instead" }],
      );
    if (scheduledUntil <= scheduledFor)
      throw invalid([
        {
          field: times.scheduledUntil ? "scheduled_until" : "scheduled_for",
          message: `scheduled_until (${scheduledUntil.toISOString()}) must be after scheduled_for (${scheduledFor.toISOString()})`,
        },
      ]);
    const patch: Partial<StatusMaintenanceRow> = { updatedAt: now };
    if (req.title !== undefined) patch.title = req.title;
    if (req.body !== undefined) patch.body = req.body;
    if (ids !== undefined) patch.componentIds = ids;
    if (req.remind_prior !== undefined) patch.remindPrior = req.remind_prior;
    if (forChanged) {
      patch.scheduledFor = scheduledFor;
      patch.remindedAt = null; // remind again before the new start
    }
    if (untilChanged) patch.scheduledUntil = scheduledUntil;
    const row = await updateMaintenanceRow(tx, m.id, patch);
    if (forChanged || untilChanged || (req.remind_prior === true && !m.remindPrior))
      await enqueueJobs(tx, maintenanceClockJobs(row, now), now);
    return row.id;
  });
  publishStatusPageChange(ctx.events, now);
  return viewOf(ctx, id);
}

/** Cancels a maintenance: it disappears from the page with its updates; its clock finds nothing to do. */
export async function cancelMaintenance(ctx: AppContext, ref: string): Promise<void> {
  const now = ctx.clock.now();
  const deleted = await deleteMaintenance(ctx.db, ref.trim());
  if (!deleted) throw notFound(ref);
  publishStatusPageChange(ctx.events, now);
  ctx.log.info({ maintenance: ref, by: ctx.actor.name }, "maintenance cancelled");
}

/**
 * Posts an update on a maintenance and tells subscribers. With a status, that status is set by hand
 * (verifying; completed ends it early; in_progress starts it early).
 */
export async function postMaintenanceUpdate(ctx: AppContext, ref: string, input: unknown) {
  const req = parseInput(PostMaintenanceUpdateInput, input);
  const now = ctx.clock.now();
  const id = await withTransaction(ctx.db, async (tx) => {
    const m = await lockMaintenance(tx, ref.trim());
    if (!m) throw notFound(ref);
    const current = statusOf(m, now);
    if (req.status !== undefined && current === "completed")
      throw new AppError(
        "INVALID_TRANSITION",
        `Maintenance "${m.title}" has completed; its status can no longer change (post the update without a status to add a note)`,
        [{ field: "status", message: "the maintenance has completed" }],
      );
    const status = req.status ?? current;
    const updateId = newPublicId();
    await insertMaintenanceUpdate(tx, {
      id: updateId,
      maintenanceId: m.id,
      status,
      body: req.body,
      createdBy: ctx.actor.name,
      createdAt: now,
    });
    await updateMaintenanceRow(tx, m.id, {
      ...(req.status !== undefined ? { manualStatus: req.status } : {}),
      notifiedStatus: status,
      updatedAt: now,
    });
    await enqueueStatusNotification(tx, { kind: "maintenance_update", maintenanceId: m.id, updateId }, now);
    return m.id;
  });
  publishStatusPageChange(ctx.events, now);
  return viewOf(ctx, id);
}

const ClockPayload = z.object({
  maintenance_id: z.string(),
  step: z.enum(["remind", "start", "complete"]),
  at: z.string(),
});

/**
 * One tick of a maintenance's clock (the engine's status.maintenance job). Under the maintenance's row
 * lock it acts only when the job still applies: the maintenance exists, its time is still the job's, it is
 * where the step expects it, and subscribers were not already told (reminded_at, notified_status). The
 * automatic update, the notification and the fence are written in one transaction. Returns what it did.
 */
export async function runMaintenanceClock(
  ctx: AppContext,
  payload: unknown,
): Promise<"reminded" | "started" | "completed" | "nothing"> {
  const parsed = ClockPayload.safeParse(payload);
  if (!parsed.success) {
    ctx.log.warn({ payload }, "status.maintenance job with an unreadable payload; dropped");
    return "nothing";
  }
  const { maintenance_id: id, step, at } = parsed.data;
  const now = ctx.clock.now();
  const done = await withTransaction(ctx.db, async (tx) => {
    const m = await lockMaintenance(tx, id);
    if (!m) return "nothing" as const; // cancelled
    const status = statusOf(m, now);
    const told = m.notifiedStatus;
    if (step === "remind") {
      if (!m.remindPrior || m.remindedAt || m.scheduledFor.toISOString() !== at || status !== "scheduled")
        return "nothing" as const;
      await updateMaintenanceRow(tx, m.id, { remindedAt: now });
      await enqueueStatusNotification(tx, { kind: "maintenance_reminder", maintenanceId: m.id }, now);
      return "reminded" as const;
    }
    const starting = step === "start";
    const time = starting ? m.scheduledFor : m.scheduledUntil;
    if (time.toISOString() !== at) return "nothing" as const; // rescheduled since
    if (
      starting &&
      (status !== "in_progress" || told === "in_progress" || told === "verifying" || told === "completed")
    )
      return "nothing" as const;
    if (!starting && (status !== "completed" || told === "completed")) return "nothing" as const;
    const updateStatus = starting ? "in_progress" : "completed";
    const updateId = newPublicId();
    await insertMaintenanceUpdate(tx, {
      id: updateId,
      maintenanceId: m.id,
      status: updateStatus,
      body: starting ? AUTO_STARTED_TEXT : AUTO_COMPLETED_TEXT,
      createdBy: ctx.actor.name,
      createdAt: now,
    });
    await updateMaintenanceRow(tx, m.id, { notifiedStatus: updateStatus, updatedAt: now });
    await enqueueStatusNotification(
      tx,
      { kind: starting ? "maintenance_started" : "maintenance_completed", maintenanceId: m.id, updateId },
      now,
    );
    return starting ? ("started" as const) : ("completed" as const);
  });
  if (done !== "nothing") {
    publishStatusPageChange(ctx.events, now);
    ctx.log.info({ maintenance: id, step: done }, "maintenance clock");
  }
  return done;
}
