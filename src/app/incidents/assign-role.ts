import { z } from "zod";
import { formatHumanId } from "#domain/incident/human-id.ts";
import { INCIDENT_ROLES, isSingleHolderRole, parseRole } from "#domain/incident/roles.ts";
import { withTransaction } from "#store/db.ts";
import { deleteIncidentRole, insertIncidentRole, listIncidentRoles } from "#store/incidents.ts";
import type { AppContext } from "../context.ts";
import { AppError } from "../errors.ts";
import { publishIncidentChange } from "../events.ts";
import { parseInput } from "../validation.ts";
import { incidentAfterChange } from "./get.ts";
import { applyChange, lockIncident, type NewTimelineEvent } from "./internal.ts";
import { handle } from "./schemas.ts";

export const AssignRoleInput = z
  .object({
    role: z
      .string()
      .transform((s, ctx) => {
        const role = parseRole(s);
        if (!role) {
          ctx.addIssue({ code: "custom", message: `must be one of ${INCIDENT_ROLES.join(", ")}` });
          return z.NEVER;
        }
        return role;
      })
      .describe(`one of ${INCIDENT_ROLES.join(", ")}`),
    person: handle,
    remove: z.boolean().default(false).describe("true to take the role away from the person"),
  })
  .strict();
export type AssignRoleInput = z.input<typeof AssignRoleInput>;

/**
 * Gives a person a response role, or takes it away. Commander, communications lead and scribe have one
 * holder (a new one replaces the old); responders accumulate. The commander is the incident's assignee.
 */
export async function assignRole(ctx: AppContext, ref: string, input: unknown) {
  const req = parseInput(AssignRoleInput, input);
  const now = ctx.clock.now();
  const { number, kind } = await withTransaction(ctx.db, async (tx) => {
    const incident = await lockIncident(tx, ref, ctx.actor);
    const roles = await listIncidentRoles(tx, incident.id);
    const holders = roles.filter((r) => r.role === req.role).map((r) => r.person);
    const events: NewTimelineEvent[] = [];
    if (req.remove) {
      if (!holders.includes(req.person)) {
        throw new AppError(
          "CONFLICT",
          `${req.person} is not ${req.role} of ${formatHumanId(incident.number)}`,
          [{ field: "person", message: `current holders: ${holders.join(", ") || "none"}` }],
        );
      }
      await deleteIncidentRole(tx, incident.id, req.role, req.person);
      events.push({ kind: "role.removed", data: { role: req.role, person: req.person } });
    } else if (!holders.includes(req.person)) {
      if (isSingleHolderRole(req.role) && holders.length) {
        await deleteIncidentRole(tx, incident.id, req.role);
      }
      await insertIncidentRole(tx, {
        incidentId: incident.id,
        role: req.role,
        person: req.person,
        assignedBy: ctx.actor.name,
        assignedAt: now,
      });
      events.push({
        kind: "role.assigned",
        data: {
          role: req.role,
          person: req.person,
          ...(isSingleHolderRole(req.role) && holders[0] ? { replaced: holders[0] } : {}),
        },
      });
    }
    if (events.length) {
      const commander = req.role !== "commander" ? incident.commander : req.remove ? null : req.person;
      await applyChange(tx, incident, events, ctx.actor.name, now, { commander });
    }
    return { number: incident.number, kind: events[0]?.kind };
  });
  if (kind) publishIncidentChange(ctx.events, number, kind, now);
  return incidentAfterChange(ctx, formatHumanId(number));
}
