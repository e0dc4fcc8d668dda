import type { Db } from "./db.ts";
import { auditLog } from "./schema/index.ts";

export type AuditRow = typeof auditLog.$inferSelect;
export type NewAuditRow = typeof auditLog.$inferInsert;

/** Appends entries to the audit log (the table refuses UPDATE and DELETE). */
export async function insertAuditEntries(db: Db, rows: readonly NewAuditRow[]): Promise<void> {
  if (rows.length === 0) return;
  await db.insert(auditLog).values([...rows]);
}
