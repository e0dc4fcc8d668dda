import { and, eq } from "drizzle-orm";
import type { Db } from "./db.ts";
import { incidentTasks } from "./schema/index.ts";

// Ticks of an incident's checklist tasks: a row per done task; unticking deletes it.

export type IncidentTaskRow = typeof incidentTasks.$inferSelect;

/** The ticked tasks of one incident. */
export async function listIncidentTasks(db: Db, incidentId: string): Promise<IncidentTaskRow[]> {
  return db.select().from(incidentTasks).where(eq(incidentTasks.incidentId, incidentId));
}

/** Ticks a task; false when it was already ticked (the existing tick is kept as it was). */
export async function insertIncidentTask(db: Db, row: IncidentTaskRow): Promise<boolean> {
  const inserted = await db
    .insert(incidentTasks)
    .values(row)
    .onConflictDoNothing({ target: [incidentTasks.incidentId, incidentTasks.taskKey] })
    .returning({ key: incidentTasks.taskKey });
  return inserted.length > 0;
}

/** Unticks a task; false when it was not ticked. */
export async function deleteIncidentTask(db: Db, incidentId: string, taskKey: string): Promise<boolean> {
  const deleted = await db
    .delete(incidentTasks)
    .where(and(eq(incidentTasks.incidentId, incidentId), eq(incidentTasks.taskKey, taskKey)))
    .returning({ key: incidentTasks.taskKey });
  return deleted.length > 0;
}
