import { randomUUID } from "node:crypto";
import { z } from "zod";
import { ACTION_ITEM_PRIORITIES } from "#domain/incident/action-item.ts";
import { formatHumanId } from "#domain/incident/human-id.ts";
import type { TimelineKind } from "#domain/incident/timeline.ts";
import { withTransaction } from "#store/db.ts";
import { insertActionItem, lockActionItem, updateActionItem as updateActionItemRow } from "#store/records.ts";
import type { AppContext } from "../context.ts";
import { AppError } from "../errors.ts";
import { publishIncidentChange } from "../events.ts";
import { parseInput, text } from "../validation.ts";
import { applyChange, lockIncident } from "./internal.ts";
import { handle, isoInstant, longText } from "./schemas.ts";
import { actionItemView } from "./views.ts";

const priority = z.enum(ACTION_ITEM_PRIORITIES, {
  error: `must be one of ${ACTION_ITEM_PRIORITIES.join(", ")}`,
});
const dueAt = isoInstant("must be an ISO 8601 date-time, e.g. 2026-06-01T00:00:00Z");

export const CreateActionItemInput = z
  .object({
    title: text(300, "title"),
    description: longText(10_000).default(""),
    owner: handle.optional(),
    priority: priority.default("medium"),
    due_at: dueAt.optional(),
  })
  .strict();
export type CreateActionItemInput = z.input<typeof CreateActionItemInput>;

export const UpdateActionItemInput = z
  .object({
    title: text(300, "title").optional(),
    description: longText(10_000).optional(),
    owner: handle.nullable().optional(),
    priority: priority.optional(),
    due_at: dueAt.nullable().optional(),
    status: z.enum(["open", "done"], { error: "must be open or done" }).optional(),
  })
  .strict();
export type UpdateActionItemInput = z.input<typeof UpdateActionItemInput>;

/** Records a follow-up task found during the incident. */
export async function createActionItem(ctx: AppContext, ref: string, input: unknown) {
  const req = parseInput(CreateActionItemInput, input);
  const now = ctx.clock.now();
  const { number, view } = await withTransaction(ctx.db, async (tx) => {
    const incident = await lockIncident(tx, ref, ctx.actor);
    const values = {
      id: randomUUID(),
      incidentId: incident.id,
      title: req.title,
      description: req.description,
      owner: req.owner ?? null,
      priority: req.priority,
      status: "open",
      dueAt: req.due_at ? new Date(req.due_at) : null,
      createdBy: ctx.actor.name,
      createdAt: now,
      updatedAt: now,
      completedAt: null,
      issueRepository: null,
      issueNumber: null,
      issueUrl: null,
      filedAt: null,
    };
    const row = { ...values, seq: await insertActionItem(tx, values) };
    await applyChange(
      tx,
      incident,
      [
        {
          kind: "action_item.created",
          data: { action_item_id: row.id, title: row.title, owner: row.owner, priority: row.priority },
        },
      ],
      ctx.actor.name,
      now,
    );
    return { number: incident.number, view: actionItemView(row, formatHumanId(incident.number), now) };
  });
  publishIncidentChange(ctx.events, number, "action_item.created", now);
  return view;
}

/**
 * Edits an action item; setting status done completes it (see completeActionItem). `eventData` adds to the
 * timeline event what the change came from (a GitHub issue closed: `{via: "github", issue, by}`).
 */
export async function updateActionItem(
  ctx: AppContext,
  ref: string,
  itemId: string,
  input: unknown,
  opts: { eventData?: Record<string, unknown> } = {},
) {
  const req = parseInput(UpdateActionItemInput, input);
  if (Object.keys(req).length === 0)
    throw new AppError("INVALID_INPUT", 'Nothing to update: give at least one field, e.g. {"owner": "bob"}');
  const now = ctx.clock.now();
  const { number, kind, view } = await withTransaction(ctx.db, async (tx) => {
    const incident = await lockIncident(tx, ref, ctx.actor);
    const item = await lockActionItem(tx, incident.id, parseItemId(itemId));
    if (!item)
      throw new AppError(
        "NOT_FOUND",
        `Action item ${itemId} does not exist on ${formatHumanId(incident.number)}`,
      );
    const patch = {
      ...(req.title !== undefined ? { title: req.title } : {}),
      ...(req.description !== undefined ? { description: req.description } : {}),
      ...(req.owner !== undefined ? { owner: req.owner } : {}),
      ...(req.priority !== undefined ? { priority: req.priority } : {}),
      ...(req.due_at !== undefined ? { dueAt: req.due_at === null ? null : new Date(req.due_at) } : {}),
      ...(req.status !== undefined
        ? { status: req.status, completedAt: req.status === "done" ? (item.completedAt ?? now) : null }
        : {}),
      updatedAt: now,
    };
    const row = await updateActionItemRow(tx, item.id, patch);
    const completed = req.status === "done" && item.status !== "done";
    const kind: TimelineKind = completed ? "action_item.completed" : "action_item.updated";
    const { updatedAt: _u, completedAt: _c, dueAt: _d, ...changed } = patch;
    await applyChange(
      tx,
      incident,
      [
        {
          kind,
          data: {
            action_item_id: item.id,
            title: row.title,
            ...changed,
            ...(req.due_at !== undefined ? { due_at: req.due_at } : {}),
            ...opts.eventData,
          },
        },
      ],
      ctx.actor.name,
      now,
    );
    return { number: incident.number, kind, view: actionItemView(row, formatHumanId(incident.number), now) };
  });
  publishIncidentChange(ctx.events, number, kind, now);
  return view;
}

/** Marks an action item done. */
export async function completeActionItem(
  ctx: AppContext,
  ref: string,
  itemId: string,
  opts: { eventData?: Record<string, unknown> } = {},
) {
  return updateActionItem(ctx, ref, itemId, { status: "done" }, opts);
}

function parseItemId(id: string): string {
  const parsed = z.uuid().safeParse(id);
  if (!parsed.success)
    throw new AppError(
      "INVALID_INPUT",
      `"${id}" is not an action item id (a UUID from the incident's action_items)`,
      [{ field: "item_id", message: "expected a UUID" }],
    );
  return parsed.data;
}
