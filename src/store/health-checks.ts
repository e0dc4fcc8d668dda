import { and, asc, desc, eq, lte, sql } from "drizzle-orm";
import type { Db } from "./db.ts";
import { healthCheckResults, healthChecks } from "./schema/index.ts";

export type HealthCheckRow = typeof healthChecks.$inferSelect;

export async function insertHealthCheck(
  db: Db,
  row: typeof healthChecks.$inferInsert,
): Promise<HealthCheckRow> {
  const [inserted] = await db.insert(healthChecks).values(row).returning();
  if (!inserted) throw new Error("insert into health_checks returned no row");
  return inserted;
}

export async function listHealthChecks(db: Db): Promise<HealthCheckRow[]> {
  return db.select().from(healthChecks).orderBy(asc(healthChecks.createdAt));
}

export async function deleteHealthCheck(db: Db, serviceId: string, name: string): Promise<boolean> {
  const rows = await db
    .delete(healthChecks)
    .where(
      and(eq(healthChecks.serviceId, serviceId), sql`lower(${healthChecks.name}) = ${name.toLowerCase()}`),
    )
    .returning({ id: healthChecks.id });
  return rows.length > 0;
}

/**
 * Claims the checks that are due: moves their next_check_at one interval on in the same statement, so two
 * sweeps (or two replicas) never run the same check twice for one slot.
 */
export async function claimDueHealthChecks(db: Db, now: Date, limit: number): Promise<HealthCheckRow[]> {
  const due = db
    .select({ id: healthChecks.id })
    .from(healthChecks)
    .where(lte(healthChecks.nextCheckAt, now))
    .orderBy(asc(healthChecks.nextCheckAt))
    .limit(limit)
    .for("update", { skipLocked: true });
  return db
    .update(healthChecks)
    .set({
      nextCheckAt: sql`${now.toISOString()}::timestamptz + make_interval(secs => ${healthChecks.intervalSeconds})`,
    })
    .where(sql`${healthChecks.id} in (${due})`)
    .returning();
}

export async function recordHealthResult(
  db: Db,
  checkId: string,
  result: { at: Date; ok: boolean; statusCode: number | null; latencyMs: number; error: string | null },
  state: { state: string; consecutiveFailures: number },
): Promise<void> {
  await db.insert(healthCheckResults).values({ checkId, ...result });
  await db
    .update(healthChecks)
    .set({
      state: state.state,
      consecutiveFailures: state.consecutiveFailures,
      lastCheckedAt: result.at,
      lastLatencyMs: result.latencyMs,
      lastError: result.error,
    })
    .where(eq(healthChecks.id, checkId));
}

export async function listHealthResults(db: Db, checkId: string, limit: number) {
  return db
    .select()
    .from(healthCheckResults)
    .where(eq(healthCheckResults.checkId, checkId))
    .orderBy(desc(healthCheckResults.at))
    .limit(limit);
}

/** Results older than `before` are dropped (kept 7 days by the sweep). */
export async function pruneHealthResults(db: Db, before: Date): Promise<void> {
  await db.delete(healthCheckResults).where(lte(healthCheckResults.at, before));
}
