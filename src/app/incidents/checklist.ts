import { z } from "zod";
import { checklistOf, checklistState } from "#domain/incident/checklist.ts";
import { formatHumanId } from "#domain/incident/human-id.ts";
import { deleteIncidentTask, insertIncidentTask, listIncidentTasks } from "#store/checklist.ts";
import { withTransaction } from "#store/db.ts";
import type { IncidentRow } from "#store/incidents.ts";
import type { AppContext } from "../context.ts";
import { AppError } from "../errors.ts";
import { publishIncidentChange } from "../events.ts";
import { parseInput } from "../validation.ts";
import { applyChange, loadIncident, lockIncident } from "./internal.ts";

// The incident's checklist (seed 001's five-minute triage unless its type brought its own): tasks due at
// a minute after declaration, ticked and unticked by responders, each tick a timeline event.

async function checklistView(ctx: AppContext, incident: IncidentRow) {
  const ticks = await listIncidentTasks(ctx.db, incident.id);
  const now = ctx.clock.now();
  // Once resolved the clock stops: a task is overdue only if it was still open when the incident ended.
  const asOf = incident.resolvedAt && incident.resolvedAt < now ? incident.resolvedAt : now;
  const states = checklistState(
    checklistOf(incident.checklist),
    incident.createdAt,
    new Map(ticks.map((t) => [t.taskKey, { by: t.doneBy, at: t.doneAt }])),
    asOf,
  );
  const tasks = states.map((s) => ({
    key: s.task.key,
    title: s.task.title,
    details: s.task.details,
    due_minute: s.task.due_minute,
    due_at: s.dueAt.toISOString(),
    done: s.done !== null,
    done_by: s.done?.by ?? null,
    done_at: s.done?.at.toISOString() ?? null,
    overdue: s.overdue,
  }));
  return {
    incident_id: formatHumanId(incident.number),
    declared_at: incident.createdAt.toISOString(),
    done: tasks.filter((t) => t.done).length,
    total: tasks.length,
    overdue: tasks.filter((t) => t.overdue).length,
    tasks,
  };
}
export type ChecklistView = Awaited<ReturnType<typeof checklistView>>;

/** The incident's checklist: each task with its due time, who ticked it and when, and whether it is overdue. */
export async function getChecklist(ctx: AppContext, ref: string): Promise<ChecklistView> {
  return checklistView(ctx, await loadIncident(ctx.db, ref, ctx.actor));
}

export const SetTaskInput = z
  .object({ done: z.boolean({ error: "must be true (tick the task) or false (untick it)" }) })
  .strict();
export type SetTaskInput = z.input<typeof SetTaskInput>;

/**
 * Ticks (done: true) or unticks (done: false) one task by its key, with a task.completed or task.reopened
 * timeline event in the same transaction. Ticking a ticked task (or unticking an open one) changes nothing.
 */
export async function setChecklistTask(ctx: AppContext, ref: string, key: string, input: unknown) {
  const req = parseInput(SetTaskInput, input);
  const now = ctx.clock.now();
  const result = await withTransaction(ctx.db, async (tx) => {
    const incident = await lockIncident(tx, ref, ctx.actor);
    const tasks = checklistOf(incident.checklist);
    const task = tasks.find((t) => t.key === key);
    if (!task) {
      const keys = tasks.map((t) => t.key);
      throw new AppError(
        "NOT_FOUND",
        `${formatHumanId(incident.number)} has no checklist task "${key}"; its tasks are ${keys.join(", ") || "none"}`,
        [],
        { task_keys: keys },
      );
    }
    const changed = req.done
      ? await insertIncidentTask(tx, {
          incidentId: incident.id,
          taskKey: key,
          doneBy: ctx.actor.name,
          doneAt: now,
        })
      : await deleteIncidentTask(tx, incident.id, key);
    const kind = req.done ? ("task.completed" as const) : ("task.reopened" as const);
    if (changed)
      await applyChange(tx, incident, [{ kind, data: { key, title: task.title } }], ctx.actor.name, now);
    return { number: incident.number, changed, kind };
  });
  if (result.changed) publishIncidentChange(ctx.events, result.number, result.kind, now);
  const view = await getChecklist(ctx, formatHumanId(result.number));
  return { ...view, changed: result.changed };
}
