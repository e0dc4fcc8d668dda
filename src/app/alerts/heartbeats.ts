import { and, eq, sql } from "drizzle-orm";
import type { AlertEvent } from "#domain/alert/event.ts";
import { formatDuration, SECOND } from "#domain/time.ts";
import { updateIntegration } from "#store/alerts.ts";
import { alerts, integrations } from "#store/schema/index.ts";
import type { AppContext } from "../context.ts";
import type { AlertIntake } from "./intake.ts";

export const HEARTBEAT_KEY = "heartbeat";

interface HeartbeatConfig {
  interval_seconds: number;
  grace_seconds?: number;
}

function heartbeatEvent(
  action: "trigger" | "resolve",
  summary: string,
  details: Record<string, unknown>,
): AlertEvent {
  return {
    action,
    dedupKey: HEARTBEAT_KEY,
    summary,
    source: "heartbeat",
    severity: "critical",
    occurredAt: null,
    details,
    links: [],
    images: [],
  };
}

/** A ping: records it and resolves the "missed" alert if one is open. Resolves after the commit. */
export async function pingHeartbeat(ctx: AppContext, intake: AlertIntake, routingKey: string): Promise<void> {
  const integration = await intake.integration(routingKey, ["heartbeat"]);
  const now = ctx.clock.now();
  // Recorded at once, so the sweep never sees an old ping while the resolve waits in the inbox.
  await updateIntegration(ctx.db, integration.id, { lastEventAt: now });
  await intake.accept(integration, [heartbeatEvent("resolve", `${integration.name}: ping received`, {})]);
}

/**
 * Opens an alert for every heartbeat whose last ping (or creation) is older than its interval plus grace,
 * unless one is open already. Returns how many it opened.
 */
export async function checkHeartbeats(ctx: AppContext, intake: AlertIntake): Promise<number> {
  const now = ctx.clock.now();
  const rows = await ctx.db
    .select()
    .from(integrations)
    .where(
      and(
        eq(integrations.kind, "heartbeat"),
        sql`not exists (select 1 from ${alerts} a where a.source_id = ${integrations.id}
              and a.dedup_key = ${HEARTBEAT_KEY} and a.status <> 'resolved')`,
        // Nor one still waiting to be applied: each sweep would otherwise add another trigger.
        sql`not exists (select 1 from alert_inbox q where q.source_id = ${integrations.id} and q.dead_at is null)`,
      ),
    );
  let opened = 0;
  for (const row of rows) {
    const config = row.config as HeartbeatConfig;
    const last = row.lastEventAt ?? row.createdAt;
    const allowed = (config.interval_seconds + (config.grace_seconds ?? 0)) * SECOND;
    const silence = now.getTime() - last.getTime();
    if (silence <= allowed) continue;
    const summary = `Heartbeat ${row.name} missed: no ping for ${formatDuration(silence)} (expected every ${formatDuration(config.interval_seconds * SECOND)})`;
    await intake.accept(row, [
      heartbeatEvent("trigger", summary, {
        last_ping_at: row.lastEventAt?.toISOString() ?? null,
        interval_seconds: config.interval_seconds,
      }),
    ]);
    ctx.log.warn({ integration: row.id, silenceMs: silence }, "heartbeat missed");
    opened++;
  }
  return opened;
}
