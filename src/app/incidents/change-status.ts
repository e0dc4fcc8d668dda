import { z } from "zod";
import { formatHumanId } from "#domain/incident/human-id.ts";
import { decideTransition, INCIDENT_STATUSES, type IncidentStatus } from "#domain/incident/status.ts";
import { insertAlertLog, resolveOpenAlertsOfIncident } from "#store/alerts.ts";
import { withTransaction } from "#store/db.ts";
import type { AppContext } from "../context.ts";
import { AppError } from "../errors.ts";
import { publishIncidentChange } from "../events.ts";
import { parseInput } from "../validation.ts";
import { incidentAfterChange } from "./get.ts";
import { applyChange, lockIncident, type NewTimelineEvent } from "./internal.ts";
import { longText } from "./schemas.ts";

export const ChangeStatusInput = z
  .object({
    status: z.enum(INCIDENT_STATUSES, { error: `must be one of ${INCIDENT_STATUSES.join(", ")}` }),
    note: longText(10_000).optional(),
  })
  .strict();
export type ChangeStatusInput = z.input<typeof ChangeStatusInput>;

/**
 * Moves an incident along its lifecycle (SPEC §1). A refused move is INVALID_TRANSITION naming the
 * allowed next statuses. The status change, its stage timestamps and the optional note commit together.
 */
export async function changeIncidentStatus(ctx: AppContext, ref: string, input: unknown) {
  const req = parseInput(ChangeStatusInput, input);
  const now = ctx.clock.now();
  const number = await withTransaction(ctx.db, async (tx) => {
    const incident = await lockIncident(tx, ref);
    const from = incident.status as IncidentStatus;
    const decision = decideTransition(from, req.status, incident, now);
    if (!decision.ok) {
      const allowed = decision.allowed.length ? decision.allowed.join(", ") : "none";
      throw new AppError(
        "INVALID_TRANSITION",
        `${formatHumanId(incident.number)} is ${from} and cannot move to ${req.status}` +
          (from === req.status ? " (it already is)" : "") +
          `. Allowed next statuses: ${allowed}.`,
        [{ field: "status", message: `allowed next statuses: ${allowed}` }],
        { current_status: from, allowed_next_statuses: decision.allowed },
      );
    }
    // Resolving an incident resolves its alerts, as PagerDuty does: a later trigger for the same key then opens
    // a new incident instead of being counted into this resolved one.
    const resolvedAlerts =
      req.status === "resolved" ? await resolveOpenAlertsOfIncident(tx, incident.id, now) : [];
    await insertAlertLog(
      tx,
      resolvedAlerts.map((a) => ({
        sourceId: a.sourceId,
        alertId: a.id,
        at: now,
        action: "resolve",
        outcome: "resolved",
        message: `alert ALR-${a.number} resolved with ${formatHumanId(incident.number)} by ${ctx.actor.name}`,
      })),
    );
    const events: NewTimelineEvent[] = [
      {
        kind: "incident.status_changed",
        data: {
          from,
          to: req.status,
          ...(decision.reopened ? { reopened: true } : {}),
          ...(resolvedAlerts.length ? { alerts_resolved: resolvedAlerts.map((a) => `ALR-${a.number}`) } : {}),
        },
      },
    ];
    if (req.note) events.push({ kind: "note.added", data: { text: req.note } });
    await applyChange(tx, incident, events, ctx.actor.name, now, { status: req.status, ...decision.stamps });
    return incident.number;
  });
  ctx.log.info({ incident: number, status: req.status }, "incident status changed");
  publishIncidentChange(ctx.events, number, "incident.status_changed", now);
  return incidentAfterChange(ctx, formatHumanId(number));
}
