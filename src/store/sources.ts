import { inArray } from "drizzle-orm";
import type { Db } from "./db.ts";
import { healthChecks, integrations } from "./schema/index.ts";

/** Display names of alert sources (integrations and health checks), used as the actor on timelines. */
export async function sourceNames(db: Db, ids: readonly string[]): Promise<Map<string, string>> {
  if (ids.length === 0) return new Map();
  // One after the other: on PGlite a transaction is one connection.
  const a = await db
    .select({ id: integrations.id, name: integrations.name })
    .from(integrations)
    .where(inArray(integrations.id, [...ids]));
  const b = await db
    .select({ id: healthChecks.id, name: healthChecks.name })
    .from(healthChecks)
    .where(inArray(healthChecks.id, [...ids]));
  return new Map([
    ...a.map((r) => [r.id, r.name] as const),
    ...b.map((r) => [r.id, `health check ${r.name}`] as const),
  ]);
}
