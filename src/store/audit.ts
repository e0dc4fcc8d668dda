import { and, desc, eq, gte, lt, or, type SQL, sql } from "drizzle-orm";
import type { Db } from "./db.ts";
import { auditLog } from "./schema/index.ts";

export type AuditRow = typeof auditLog.$inferSelect;
export type NewAuditRow = typeof auditLog.$inferInsert;

/** Appends entries to the audit log (the table refuses UPDATE and DELETE). */
export async function insertAuditEntries(db: Db, rows: readonly NewAuditRow[]): Promise<void> {
  if (rows.length === 0) return;
  await db.insert(auditLog).values([...rows]);
}

/** What the audit log can be filtered by (all optional, AND-ed). */
export interface AuditFilter {
  /** The actor's name, ignoring case. */
  actor?: string;
  /** The action starts with this (`service.` for every service change). */
  actionPrefix?: string;
  targetType?: string;
  targetId?: string;
  /** Entries at or after. */
  since?: Date;
  /** Entries before. */
  until?: Date;
}

/** A keyset position: entries strictly older than this one (newest first is `at desc, id desc`). */
export interface AuditPosition {
  at: Date;
  id: number;
}

function auditConditions(filter: AuditFilter, before?: AuditPosition): SQL[] {
  const where: SQL[] = [];
  if (filter.actor) where.push(sql`lower(${auditLog.actorName}) = lower(${filter.actor})`);
  if (filter.actionPrefix) where.push(sql`starts_with(${auditLog.action}, ${filter.actionPrefix})`);
  if (filter.targetType) where.push(eq(auditLog.targetType, filter.targetType));
  if (filter.targetId) where.push(eq(auditLog.targetId, filter.targetId));
  if (filter.since) where.push(gte(auditLog.at, filter.since));
  if (filter.until) where.push(lt(auditLog.at, filter.until));
  if (before)
    where.push(
      or(lt(auditLog.at, before.at), and(eq(auditLog.at, before.at), lt(auditLog.id, before.id))) as SQL,
    );
  return where;
}

/** Audit entries matching `filter`, newest first, after `before` when given; at most `limit`. */
export async function listAuditEntries(
  db: Db,
  filter: AuditFilter,
  page: { before?: AuditPosition; limit: number },
): Promise<AuditRow[]> {
  const where = auditConditions(filter, page.before);
  return db
    .select()
    .from(auditLog)
    .where(where.length ? and(...where) : undefined)
    .orderBy(desc(auditLog.at), desc(auditLog.id))
    .limit(page.limit);
}
