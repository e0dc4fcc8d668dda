import { z } from "zod";
import { formatHumanId } from "#domain/incident/human-id.ts";
import { decideTransition, INCIDENT_STATUSES, type IncidentStatus } from "#domain/incident/status.ts";
import { insertAlertLog, resolveOpenAlertsOfIncident } from "#store/alerts.ts";
import { type Db, withTransaction } from "#store/db.ts";
import type { IncidentInsert, IncidentRow } from "#store/incidents.ts";
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
    const incident = await lockIncident(tx, ref, ctx.actor);
    await transitionLockedIncident(ctx, tx, incident, req.status, now, {
      after: req.note ? [{ kind: "note.added", data: { text: req.note } }] : [],
    });
    return incident.number;
  });
  ctx.log.info({ incident: number, status: req.status }, "incident status changed");
  publishIncidentChange(ctx.events, number, "incident.status_changed", now);
  return incidentAfterChange(ctx, formatHumanId(number));
}

/**
 * The status change itself, on an incident the caller has locked in its transaction: decides the move
 * (INVALID_TRANSITION naming the allowed next statuses), resolves the alerts on `resolved`, and appends
 * incident.status_changed (with `reason` when given) followed by `after`, applying the stage timestamps
 * and `patch`. Publishing a postmortem reuses it to move the incident to `postmortem` in its own transaction.
 */
export async function transitionLockedIncident(
  ctx: AppContext,
  tx: Db,
  incident: IncidentRow,
  to: IncidentStatus,
  now: Date,
  opts: { reason?: string; after?: NewTimelineEvent[]; patch?: Partial<IncidentInsert> } = {},
): Promise<IncidentRow> {
  const from = incident.status as IncidentStatus;
  const decision = decideTransition(from, to, incident, now);
  if (!decision.ok) {
    const allowed = decision.allowed.length ? decision.allowed.join(", ") : "none";
    throw new AppError(
      "INVALID_TRANSITION",
      `${formatHumanId(incident.number)} is ${from} and cannot move to ${to}` +
        (from === to ? " (it already is)" : "") +
        `. Allowed next statuses: ${allowed}.`,
      [{ field: "status", message: `allowed next statuses: ${allowed}` }],
      { current_status: from, allowed_next_statuses: decision.allowed },
    );
  }
  // Resolving an incident resolves its alerts, as PagerDuty does: a later trigger for the same key then opens
  // a new incident instead of being counted into this resolved one.
  const resolvedAlerts = to === "resolved" ? await resolveOpenAlertsOfIncident(tx, incident.id, now) : [];
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
        to,
        ...(decision.reopened ? { reopened: true } : {}),
        ...(opts.reason ? { reason: opts.reason } : {}),
        ...(resolvedAlerts.length ? { alerts_resolved: resolvedAlerts.map((a) => `ALR-${a.number}`) } : {}),
      },
    },
    ...(opts.after ?? []),
  ];
  return applyChange(tx, incident, events, ctx.actor.name, now, {
    status: to,
    ...decision.stamps,
    ...opts.patch,
  });
}
