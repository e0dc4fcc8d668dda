import { randomUUID } from "node:crypto";
import { z } from "zod";
import { isValidTimeZone, localToInstant } from "#domain/alert/maintenance.ts";
import { deleteMaintenanceWindow, insertMaintenanceWindow } from "#store/alerts.ts";
import type { AppContext } from "../context.ts";
import { AppError } from "../errors.ts";
import { parseInput } from "../validation.ts";
import { alertSourcesChanged } from "./process.ts";
import { findManagedService } from "./services.ts";

const when = z
  .string()
  .trim()
  .min(1)
  .max(40)
  .describe(
    "A local date-time in time_zone (2026-12-24T22:00), or an instant with an offset (2026-12-24T21:00Z)",
  );

export const CreateMaintenanceInput = z
  .object({
    starts_at: when,
    ends_at: when,
    time_zone: z.string().max(64).default("UTC"),
    reason: z.string().max(500).optional(),
  })
  .strict();

const LOCAL = /^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2})?$/;

/**
 * A date-time as people type it: a local "2026-12-24T22:00" (or with a space) read in `zone`, or an
 * instant with an offset taken as given. Undefined when it is neither. Shared by every verb that takes
 * times (maintenance windows here, the status page's scheduled maintenance).
 */
export function readDateTime(value: string, zone: string): Date | undefined {
  const at = LOCAL.test(value) ? safeLocal(value.replace(" ", "T"), zone) : new Date(value);
  return at && !Number.isNaN(at.getTime()) ? at : undefined;
}

/** What is said about a date-time that readDateTime could not read. */
export const DATE_TIME_EXPECTED = "expected 2026-12-24T22:00 or an ISO 8601 instant";

/** readDateTime, or INVALID_INPUT naming the field. */
export function toInstant(value: string, zone: string, field: string): Date {
  const at = readDateTime(value, zone);
  if (!at)
    throw new AppError(
      "INVALID_INPUT",
      `${field} "${value}" is not a date-time; use 2026-12-24T22:00 (local) or ISO 8601`,
      [{ field, message: DATE_TIME_EXPECTED }],
    );
  return at;
}

function safeLocal(value: string, zone: string): Date | undefined {
  try {
    return localToInstant(value, zone);
  } catch {
    return undefined;
  }
}

/**
 * Schedules a maintenance window on a service: its alerts are recorded but open no incident and page no one
 * while it lasts. Local times are read in the window's time zone (a time skipped by DST moves to the first
 * instant after the gap; a repeated one means its first occurrence).
 */
export async function createMaintenanceWindow(ctx: AppContext, serviceName: string, input: unknown) {
  const service = await findManagedService(ctx, serviceName);
  const req = parseInput(CreateMaintenanceInput, input);
  if (!isValidTimeZone(req.time_zone))
    throw new AppError(
      "INVALID_INPUT",
      `time_zone "${req.time_zone}" is not an IANA time zone such as Europe/Berlin`,
      [{ field: "time_zone", message: "expected an IANA time zone such as Europe/Berlin or UTC" }],
    );
  const startsAt = toInstant(req.starts_at, req.time_zone, "starts_at");
  const endsAt = toInstant(req.ends_at, req.time_zone, "ends_at");
  if (endsAt <= startsAt)
    throw new AppError("INVALID_INPUT", "ends_at must be after starts_at", [
      { field: "ends_at", message: "must be after starts_at" },
    ]);
  const row = await insertMaintenanceWindow(ctx.db, {
    id: randomUUID(),
    serviceId: service.id,
    startsAt,
    endsAt,
    timeZone: req.time_zone,
    reason: req.reason ?? "",
    createdBy: ctx.actor.name,
    createdAt: ctx.clock.now(),
  });
  alertSourcesChanged(ctx);
  ctx.log.info({ service: service.name, starts: startsAt, ends: endsAt }, "maintenance window scheduled");
  const now = ctx.clock.now();
  return {
    id: row.id,
    service: service.name,
    starts_at: row.startsAt.toISOString(),
    ends_at: row.endsAt.toISOString(),
    time_zone: row.timeZone,
    reason: row.reason,
    active: row.startsAt <= now && now < row.endsAt,
    created_by: row.createdBy,
  };
}

export async function removeMaintenanceWindow(
  ctx: AppContext,
  serviceName: string,
  id: string,
): Promise<void> {
  const service = await findManagedService(ctx, serviceName);
  const ok = /^[0-9a-f-]{36}$/i.test(id) && (await deleteMaintenanceWindow(ctx.db, service.id, id));
  if (!ok) throw new AppError("NOT_FOUND", `Service ${service.name} has no maintenance window ${id}`);
  alertSourcesChanged(ctx);
}
