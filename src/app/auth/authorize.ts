import { roleAtLeast } from "#domain/auth/access.ts";
import type { Actor, AppContext } from "../context.ts";
import { AppError } from "../errors.ts";

/**
 * Checks that sit on top of the per-operation access level (http/openapi.ts assertAllowed): team scoping
 * and private incidents. docs/access.md is the user-facing matrix; keep the two in step.
 */

/** Foghorn itself, or a user with the admin role. */
export function isAdmin(actor: Actor): boolean {
  return actor.kind === "system" || actor.role === "admin";
}

/**
 * May this actor change a service, schedule or escalation policy owned by `teamId`? Admins: always.
 * Managers: when it has no team or the team is one of theirs. Everyone else: no.
 */
export function canManageTeamResource(actor: Actor, teamId: string | null | undefined): boolean {
  if (isAdmin(actor)) return true;
  if (!roleAtLeast(actor.role, "manager")) return false;
  return teamId == null || (actor.teamIds ?? []).includes(teamId);
}

/** Throws FORBIDDEN unless canManageTeamResource; `what` names the thing ("service checkout"). */
export function assertCanManageTeamResource(
  ctx: Pick<AppContext, "actor">,
  teamId: string | null | undefined,
  what: string,
  teamName?: string,
): void {
  if (canManageTeamResource(ctx.actor, teamId)) return;
  throw new AppError(
    "FORBIDDEN",
    teamName
      ? `${what} belongs to team ${teamName}; only its members with the manager role, or an admin, may change it`
      : `You may not change ${what}; it needs the manager role`,
  );
}

/** What decides who sees a private incident: its flag, its declarer and the people holding its roles. */
export interface IncidentVisibility {
  private: boolean;
  createdBy: string;
  /** Usernames holding any role on the incident (commander, communications lead, scribe, responders). */
  people: readonly string[];
}

/**
 * May this actor see the incident? Public incidents: everyone signed in. Private ones: admins, the system,
 * the declarer and the people holding a role on it. Callers answer 404 (not 403) when this is false, so a
 * private incident's existence is not revealed.
 */
export function canSeeIncident(actor: Actor, incident: IncidentVisibility): boolean {
  if (!incident.private || isAdmin(actor)) return true;
  return actor.name === incident.createdBy || incident.people.includes(actor.name);
}
