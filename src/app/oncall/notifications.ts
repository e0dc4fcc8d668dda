import { z } from "zod";
import { formatHumanId } from "#domain/incident/human-id.ts";
import { maskAddress } from "#domain/mask.ts";
import { withTransaction } from "#store/db.ts";
import { findIncidentNumbersByIds } from "#store/incidents.ts";
import { enqueueJobs, jobCounts, listDeadJobs, retryDeadJob } from "#store/jobs.ts";
import {
  findContactMethod,
  findPeople,
  insertNotifications,
  JOB,
  listNotifications,
  type NotificationListRow,
  setNotificationState,
} from "#store/paging.ts";
import type { AppContext } from "../context.ts";
import { AppError } from "../errors.ts";
import { loadIncident, visibilityFilter } from "../incidents/internal.ts";
import { parseInput } from "../validation.ts";
import { planNotifications } from "./paging.ts";

export const NOTIFICATION_STATES = ["pending", "sending", "sent", "failed", "cancelled"] as const;

export const ListNotificationsQuery = z
  .object({
    incident: z.string().optional(),
    state: z
      .enum(NOTIFICATION_STATES, { error: `must be one of ${NOTIFICATION_STATES.join(", ")}` })
      .optional(),
    limit: z.coerce
      .number({ error: "must be a number from 1 to 500" })
      .int({ error: "must be a number from 1 to 500" })
      .min(1, { error: "must be a number from 1 to 500" })
      .max(500, { error: "must be a number from 1 to 500" })
      .default(100),
  })
  .strict();

function view(row: NotificationListRow, numbers: Map<string, number>) {
  const number = row.incidentId ? numbers.get(row.incidentId) : undefined;
  return {
    id: row.id,
    incident_id: number ? formatHumanId(number) : null,
    to: row.username,
    via: row.kind,
    address: maskAddress(row.kind, row.address),
    reason: row.reason,
    summary: row.summary,
    state: row.state,
    /** A failed notification is dead: it will not be retried unless someone retries it. */
    dead: row.state === "failed",
    due_at: row.dueAt.toISOString(),
    sent_at: row.sentAt?.toISOString() ?? null,
    attempts: row.attempts,
    last_error: row.lastError,
    delivery_id: row.deliveryId,
    created_at: row.createdAt.toISOString(),
  };
}

export type NotificationView = ReturnType<typeof view>;

/** Pages and other messages, newest first: an incident's, or all; `state=failed` lists the dead letters. */
export async function listNotificationsView(ctx: AppContext, query: unknown) {
  const q = parseInput(ListNotificationsQuery, query);
  const incident = q.incident ? await loadIncident(ctx.db, q.incident, ctx.actor) : undefined;
  const rows = await listNotifications(ctx.db, {
    ...(incident ? { incidentId: incident.id } : {}),
    ...(q.state ? { states: [q.state] } : {}),
    limit: q.limit,
  });
  const numbers = await findIncidentNumbersByIds(
    ctx.db,
    [...new Set(rows.map((r) => r.incidentId).filter((id): id is string => id !== null))],
    visibilityFilter(ctx.actor),
  );
  // Pages about private incidents the caller may not see are left out.
  const visible = rows.filter((r) => r.incidentId === null || numbers.has(r.incidentId));
  return { items: visible.map((r) => view(r, numbers)) };
}

/** Sends a dead notification again (after fixing the address or the channel's settings). */
export async function retryNotification(ctx: AppContext, id: string) {
  if (!/^[0-9a-f-]{36}$/i.test(id)) throw new AppError("NOT_FOUND", `No notification ${id}`);
  const now = ctx.clock.now();
  await withTransaction(ctx.db, async (tx) => {
    const [row] = await listNotifications(tx, { limit: 1, states: ["failed"], id });
    if (!row)
      throw new AppError(
        "CONFLICT",
        `Notification ${id} is not a failed one (only dead letters can be retried)`,
      );
    await setNotificationState(tx, [id], { state: "pending", dueAt: now, attempts: 0, lastError: null });
    await enqueueJobs(
      tx,
      [
        {
          kind: JOB.deliver,
          key: row.contactMethodId,
          payload: { contact_method_id: row.contactMethodId, v: 1 },
          runAt: now,
        },
      ],
      now,
    );
  });
  ctx.log.info({ notification: id, by: ctx.actor.name }, "dead notification retried");
  return { id, state: "pending" };
}

/** Sends a test message to one contact method, so a person can check their setup works. */
export async function sendTestNotification(ctx: AppContext, contactMethodId: string) {
  if (!/^[0-9a-f-]{36}$/i.test(contactMethodId))
    throw new AppError("NOT_FOUND", `No contact method ${contactMethodId}`);
  const method = await findContactMethod(ctx.db, contactMethodId);
  if (!method) throw new AppError("NOT_FOUND", `No contact method ${contactMethodId}`);
  const [person] = await findPeople(ctx.db, [method.userId]);
  if (!person) throw new AppError("NOT_FOUND", "The contact method's person no longer exists");
  if (ctx.actor.userId !== person.id && ctx.actor.role !== "admin")
    throw new AppError(
      "FORBIDDEN",
      "Only the person themself or an admin can send a test to a contact method",
    );
  const now = ctx.clock.now();
  const written = await withTransaction(ctx.db, async (tx) => {
    const { rows } = await planNotifications({ db: tx }, [{ ...person, via: "test" }], {
      incidentId: null,
      reason: "test",
      step: `test:${now.toISOString()}`,
      summary: `Test message from Foghorn for ${person.username}: this ${method.kind} contact method works.`,
      now,
    });
    const only = rows.filter((r) => r.contactMethodId === method.id).map((r) => ({ ...r, dueAt: now }));
    return insertNotifications(tx, only, now);
  });
  return { id: written[0]?.id ?? null, state: "pending", via: method.kind, to: person.username };
}

/** The job engine's queue: pending/running/dead counts, lag, and the dead jobs. */
export async function engineStatus(ctx: AppContext) {
  const now = ctx.clock.now();
  const [counts, dead] = await Promise.all([jobCounts(ctx.db, now), listDeadJobs(ctx.db, 50)]);
  return {
    pending: counts.pending,
    running: counts.running,
    dead: counts.dead,
    lag_seconds: Math.round(counts.lagSeconds * 10) / 10,
    dead_jobs: dead.map((j) => ({
      id: j.id,
      kind: j.kind,
      key: j.key,
      attempts: j.attempts,
      last_error: j.lastError,
      failed_at: j.runAt.toISOString(),
    })),
  };
}

export async function retryJob(ctx: AppContext, id: string) {
  const n = Number(id);
  if (!Number.isInteger(n) || n <= 0) throw new AppError("NOT_FOUND", `No job ${id}`);
  if (!(await retryDeadJob(ctx.db, n, ctx.clock.now())))
    throw new AppError("CONFLICT", `Job ${id} is not dead (only dead jobs can be retried)`);
  return { id: n, state: "pending" };
}
