import { randomUUID } from "node:crypto";
import { type CheckOutcome, healthCheckCaption } from "#domain/incident/health-evidence.ts";
import { formatHumanId } from "#domain/incident/human-id.ts";
import { withTransaction } from "#store/db.ts";
import { listHealthChecks } from "#store/health-checks.ts";
import { listIncidentServiceNames } from "#store/incidents.ts";
import { insertEvidence } from "#store/records.ts";
import type { Prober } from "../alerts/health-checks.ts";
import type { AppContext } from "../context.ts";
import { AppError } from "../errors.ts";
import { publishIncidentChange } from "../events.ts";
import { applyChange, loadIncident, lockIncident, type NewTimelineEvent } from "./internal.ts";

export const NO_CHECKS = "no health checks configured";

/**
 * Seed 001's triage step "check affected services": runs every HTTP health check of every affected service
 * at once, then attaches each result to the incident as health_check evidence (with its evidence.added
 * timeline event) in one transaction. The probes run before that transaction: none is held across the
 * network. A service without checks is reported as such, not as an error.
 */
export async function checkAffectedServices(ctx: AppContext, ref: string, probe: Prober | undefined) {
  if (!probe) throw new AppError("UNAVAILABLE", "Health checks cannot be run by this server");
  const incident = await loadIncident(ctx.db, ref, ctx.actor);
  const services = await listIncidentServiceNames(ctx.db, incident.id);
  if (services.length === 0)
    throw new AppError(
      "INVALID_INPUT",
      `${formatHumanId(incident.number)} has no affected services to check; add one first (foghorn incident update ${formatHumanId(incident.number)} --add-service NAME)`,
    );
  const serviceIds = new Set(services.map((s) => s.id));
  const checks = (await listHealthChecks(ctx.db)).filter((c) => serviceIds.has(c.serviceId));
  const startedAt = ctx.clock.now();
  const probed = await Promise.all(
    checks.map(async (check) => {
      const result = await probe(check);
      const service = services.find((s) => s.id === check.serviceId)?.name ?? "";
      const outcome: CheckOutcome = {
        service,
        check: check.name,
        ok: result.ok,
        statusCode: result.statusCode,
        latencyMs: Math.round(result.latencyMs),
        error: result.error,
      };
      return { check, outcome, evidenceId: randomUUID(), caption: healthCheckCaption(outcome) };
    }),
  );

  const now = ctx.clock.now();
  if (probed.length > 0) {
    await withTransaction(ctx.db, async (tx) => {
      const locked = await lockIncident(tx, ref, ctx.actor);
      const events: NewTimelineEvent[] = [];
      for (const p of probed) {
        await insertEvidence(tx, {
          id: p.evidenceId,
          incidentId: locked.id,
          kind: "health_check",
          url: p.check.url,
          caption: p.caption,
          addedBy: ctx.actor.name,
          addedAt: now,
        });
        events.push({
          kind: "evidence.added",
          data: { evidence_id: p.evidenceId, kind: "health_check", url: p.check.url, caption: p.caption },
        });
      }
      await applyChange(tx, locked, events, ctx.actor.name, now);
    });
    publishIncidentChange(ctx.events, incident.number, "evidence.added", now);
  }

  const results = services.map((s) => {
    const mine = probed.filter((p) => p.check.serviceId === s.id);
    return {
      service: s.name,
      note: mine.length === 0 ? NO_CHECKS : null,
      checks: mine.map((p) => ({
        name: p.check.name,
        url: p.check.url,
        ok: p.outcome.ok,
        status_code: p.outcome.statusCode,
        latency_ms: p.outcome.latencyMs,
        error: p.outcome.error,
        caption: p.caption,
        evidence_id: p.evidenceId,
      })),
    };
  });
  const all = probed.map((p) => p.outcome);
  return {
    incident_id: formatHumanId(incident.number),
    checked_at: startedAt.toISOString(),
    services: results,
    summary: {
      checks: all.length,
      healthy: all.filter((o) => o.ok).length,
      failing: all.filter((o) => !o.ok).length,
      without_checks: results.filter((r) => r.note !== null).length,
    },
  };
}
