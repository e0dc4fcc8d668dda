import { and, asc, eq } from "drizzle-orm";
import type { Db } from "./db.ts";
import { actionItems, evidence, statusUpdates } from "./schema/index.ts";

export type EvidenceRow = typeof evidence.$inferSelect;
export type StatusUpdateRow = typeof statusUpdates.$inferSelect;
export type ActionItemRow = typeof actionItems.$inferSelect;

export async function insertEvidence(db: Db, row: EvidenceRow): Promise<void> {
  await db.insert(evidence).values(row);
}

export async function listEvidence(db: Db, incidentId: string): Promise<EvidenceRow[]> {
  return db.select().from(evidence).where(eq(evidence.incidentId, incidentId)).orderBy(asc(evidence.addedAt));
}

export async function insertStatusUpdate(db: Db, row: StatusUpdateRow): Promise<void> {
  await db.insert(statusUpdates).values(row);
}

export async function listStatusUpdates(db: Db, incidentId: string): Promise<StatusUpdateRow[]> {
  return db
    .select()
    .from(statusUpdates)
    .where(eq(statusUpdates.incidentId, incidentId))
    .orderBy(asc(statusUpdates.createdAt));
}

export type NewActionItem = typeof actionItems.$inferInsert;

/** Inserts an action item and answers its `seq` (insertion order), the one column the database assigns. */
export async function insertActionItem(db: Db, values: NewActionItem): Promise<number> {
  const [row] = await db.insert(actionItems).values(values).returning({ seq: actionItems.seq });
  if (!row) throw new Error("insert into action_items returned no row");
  return row.seq;
}

export async function listActionItems(db: Db, incidentId: string): Promise<ActionItemRow[]> {
  return db
    .select()
    .from(actionItems)
    .where(eq(actionItems.incidentId, incidentId))
    .orderBy(asc(actionItems.createdAt), asc(actionItems.seq));
}

export async function lockActionItem(
  db: Db,
  incidentId: string,
  id: string,
): Promise<ActionItemRow | undefined> {
  const [row] = await db
    .select()
    .from(actionItems)
    .where(and(eq(actionItems.incidentId, incidentId), eq(actionItems.id, id)))
    .for("update");
  return row;
}

export async function updateActionItem(
  db: Db,
  id: string,
  patch: Partial<ActionItemRow>,
): Promise<ActionItemRow> {
  const [row] = await db.update(actionItems).set(patch).where(eq(actionItems.id, id)).returning();
  if (!row) throw new Error(`action item ${id} vanished during update`);
  return row;
}
