import { z } from "zod";
import { formatHumanId } from "#domain/incident/human-id.ts";
import { decidePostmortemMove, POSTMORTEM_STATUSES } from "#domain/postmortem/status.ts";
import { withTransaction } from "#store/db.ts";
import { updatePostmortem } from "#store/postmortems.ts";
import type { AppContext } from "../context.ts";
import { AppError } from "../errors.ts";
import { publishIncidentChange } from "../events.ts";
import { transitionLockedIncident } from "../incidents/change-status.ts";
import { applyChange, type NewTimelineEvent } from "../incidents/internal.ts";
import { parseInput } from "../validation.ts";
import { postmortemStatusOf, postmortemView } from "./internal.ts";
import { lockForEdit } from "./save.ts";

export const ChangePostmortemStatusInput = z
  .object({
    status: z.enum(POSTMORTEM_STATUSES, { error: `must be one of ${POSTMORTEM_STATUSES.join(", ")}` }),
  })
  .strict();
export type ChangePostmortemStatusInput = z.input<typeof ChangePostmortemStatusInput>;

/**
 * Moves a postmortem draft → in_review → published (in_review → draft to rework; published → draft to
 * correct). Publishing moves the incident to `postmortem` and sets its closed_at in the same transaction, so
 * the two never disagree; an incident that is not resolved refuses it and nothing changes.
 */
export async function changePostmortemStatus(ctx: AppContext, ref: string, input: unknown) {
  const req = parseInput(ChangePostmortemStatusInput, input);
  const now = ctx.clock.now();
  const { number, view } = await withTransaction(ctx.db, async (tx) => {
    const { incident, row } = await lockForEdit(tx, ref, ctx.actor);
    const id = formatHumanId(incident.number);
    const from = postmortemStatusOf(row);
    const move = decidePostmortemMove(from, req.status);
    if (!move.ok) {
      const allowed = move.allowed.join(", ");
      throw new AppError(
        "INVALID_TRANSITION",
        `The postmortem of ${id} is ${from}: ${move.reason}. Allowed next statuses: ${allowed}.`,
        [{ field: "status", message: `allowed next statuses: ${allowed}` }],
        { current_status: from, allowed_next_statuses: move.allowed },
      );
    }
    const event: NewTimelineEvent = { kind: "postmortem.status_changed", data: { from, to: req.status } };
    const publishing = req.status === "published";
    let current = incident;
    if (publishing && incident.status !== "postmortem") {
      if (incident.status !== "resolved") {
        throw new AppError(
          "INVALID_TRANSITION",
          `${id} is ${incident.status}: resolve it before publishing its postmortem (publishing moves it to postmortem)`,
          [{ field: "status", message: `the incident must be resolved first (it is ${incident.status})` }],
          { incident_status: incident.status },
        );
      }
      current = await transitionLockedIncident(ctx, tx, incident, "postmortem", now, {
        reason: "postmortem published",
        after: [event],
        patch: { closedAt: now },
      });
    } else {
      await applyChange(tx, incident, [event], ctx.actor.name, now);
    }
    const updated = await updatePostmortem(tx, incident.id, {
      status: req.status,
      version: row.version + 1,
      updatedAt: now,
      ...(publishing ? { publishedAt: now, publishedBy: ctx.actor.name } : {}),
    });
    return { number: incident.number, view: await postmortemView(ctx, tx, current, updated) };
  });
  ctx.log.info({ incident: number, status: req.status }, "postmortem status changed");
  publishIncidentChange(
    ctx.events,
    number,
    req.status === "published" ? "incident.status_changed" : "postmortem.status_changed",
    now,
  );
  return view;
}
