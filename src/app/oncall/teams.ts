import { randomUUID } from "node:crypto";
import { z } from "zod";
import { withTransaction } from "#store/db.ts";
import {
  deleteTeam,
  deleteTeamMember,
  findTargetReferences,
  findTeam,
  findUsersByUsername,
  insertTeam,
  listContactMethods,
  listTeamMembers,
  listTeams,
  type TeamMemberRow,
  type TeamRow,
  updateTeam,
  upsertTeamMember,
} from "#store/directory.ts";
import { canManageTeamResource } from "../auth/authorize.ts";
import type { AppContext } from "../context.ts";
import { AppError } from "../errors.ts";
import { handle } from "../incidents/schemas.ts";
import { parseInput } from "../validation.ts";
import {
  description,
  directoryName,
  invalidInput,
  isAdmin,
  iso,
  loadUser,
  nameTaken,
  refuseWhileTargeted,
} from "./internal.ts";

// Teams: groups of people a policy level or rule can page at once; a manager is who "the manager" means.

export const TEAM_ROLES = ["member", "manager"] as const;
const teamRole = z.enum(TEAM_ROLES, { error: `must be one of ${TEAM_ROLES.join(", ")}` });

const memberInput = z.object({ username: handle, role: teamRole.default("member") }).strict();

export const CreateTeamInput = z
  .object({
    name: directoryName,
    description: description.optional(),
    members: z.array(memberInput).max(500).optional(),
  })
  .strict();

export const UpdateTeamInput = z
  .object({ name: directoryName.optional(), description: description.optional() })
  .strict();

export const TeamMemberInput = z.object({ role: teamRole.default("member") }).strict();

async function loadTeam(ctx: AppContext, ref: string): Promise<TeamRow> {
  const team = await findTeam(ctx.db, ref);
  if (!team)
    throw new AppError(
      "NOT_FOUND",
      `Team "${ref}" does not exist; see GET /api/v1/teams (foghorn team list)`,
    );
  return team;
}

/** Who in the team cannot be paged, and a team that pages no one. */
async function teamWarnings(ctx: AppContext, team: TeamRow, members: readonly TeamMemberRow[]) {
  if (members.length === 0) return [`team ${team.name} has no members: paging it pages no one`];
  const reachable = new Set(
    (
      await listContactMethods(
        ctx.db,
        members.map((m) => m.userId),
      )
    ).map((c) => c.userId),
  );
  const unreachable = members.filter((m) => !reachable.has(m.userId)).map((m) => m.username);
  const warnings = unreachable.map((u) => `${u} has no contact method and cannot be paged`);
  if (unreachable.length === members.length)
    warnings.unshift(`no member of team ${team.name} has a contact method: paging it pages no one`);
  return warnings;
}

async function teamView(ctx: AppContext, team: TeamRow, members: readonly TeamMemberRow[]) {
  return {
    id: team.id,
    name: team.name,
    description: team.description,
    created_at: iso(team.createdAt),
    members: members.map((m) => ({
      username: m.username,
      display_name: m.displayName,
      role: m.role,
      added_at: iso(m.addedAt),
    })),
    warnings: await teamWarnings(ctx, team, members),
  };
}

/** Every team with its members and warnings, by name. */
export async function listTeamsWithMembers(ctx: AppContext) {
  const teams = await listTeams(ctx.db);
  const members = await listTeamMembers(
    ctx.db,
    teams.map((t) => t.id),
  );
  const items = [];
  for (const t of teams)
    items.push(
      await teamView(
        ctx,
        t,
        members.filter((m) => m.teamId === t.id),
      ),
    );
  return { items };
}

/** One team (by name or id) with its members and warnings. */
export async function getTeam(ctx: AppContext, ref: string) {
  const team = await loadTeam(ctx, ref);
  return teamView(ctx, team, await listTeamMembers(ctx.db, [team.id]));
}

/** Creates a team, optionally with members (every unknown username is a field error). */
export async function createTeam(ctx: AppContext, input: unknown) {
  const req = parseInput(CreateTeamInput, input);
  const members = req.members ?? [];
  const users = await findUsersByUsername(
    ctx.db,
    members.map((m) => m.username),
  );
  const byName = new Map(users.map((u) => [u.username.toLowerCase(), u]));
  const unknown = members.flatMap((m, i) =>
    byName.has(m.username.toLowerCase())
      ? []
      : [{ field: `members.${i}.username`, message: `no user "${m.username}"; see foghorn user list` }],
  );
  if (unknown.length) throw invalidInput(unknown);
  const now = ctx.clock.now();
  // A manager who creates a team joins it (else they could not change it afterwards); admins need not.
  const creator =
    !isAdmin(ctx) &&
    ctx.actor.userId &&
    !members.some((m) => m.username.toLowerCase() === ctx.actor.name.toLowerCase())
      ? ctx.actor.userId
      : undefined;
  const team = await withTransaction(ctx.db, async (tx) => {
    const row = await insertTeam(tx, {
      id: randomUUID(),
      name: req.name,
      description: req.description ?? "",
      createdAt: now,
    });
    if (!row) throw nameTaken("Team", req.name);
    for (const m of members) {
      const user = byName.get(m.username.toLowerCase());
      if (user) await upsertTeamMember(tx, { teamId: row.id, userId: user.id, role: m.role, addedAt: now });
    }
    if (creator)
      await upsertTeamMember(tx, { teamId: row.id, userId: creator, role: "member", addedAt: now });
    return row;
  });
  ctx.log.info({ team: team.name, by: ctx.actor.name }, "team created");
  return getTeam(ctx, team.id);
}

/** Teams: a manager changes only teams they belong to; admins change any. */
function assertCanManageTeam(ctx: AppContext, team: { id: string; name: string }): void {
  if (canManageTeamResource(ctx.actor, team.id)) return;
  throw new AppError(
    "FORBIDDEN",
    `You are not a member of team ${team.name}; only its members with the manager role, or an admin, may change it`,
  );
}

/** Renames a team or changes its description. */
export async function updateTeamSettings(ctx: AppContext, ref: string, input: unknown) {
  const req = parseInput(UpdateTeamInput, input);
  const team = await loadTeam(ctx, ref);
  assertCanManageTeam(ctx, team);
  await withTransaction(ctx.db, async (tx) => {
    if (req.name !== undefined) {
      const other = await findTeam(tx, req.name);
      if (other && other.id !== team.id) throw nameTaken("Team", req.name);
    }
    const changes = {
      ...(req.name !== undefined ? { name: req.name } : {}),
      ...(req.description !== undefined ? { description: req.description } : {}),
    };
    if (Object.keys(changes).length) await updateTeam(tx, team.id, changes);
  });
  return getTeam(ctx, team.id);
}

/** Adds a person to a team, or changes their role in it. */
export async function setTeamMember(ctx: AppContext, ref: string, username: string, input: unknown) {
  const req = parseInput(TeamMemberInput, input ?? {});
  const team = await loadTeam(ctx, ref);
  assertCanManageTeam(ctx, team);
  const user = await loadUser(ctx.db, username);
  await upsertTeamMember(ctx.db, {
    teamId: team.id,
    userId: user.id,
    role: req.role,
    addedAt: ctx.clock.now(),
  });
  return getTeam(ctx, team.id);
}

/** Takes a person out of a team; NOT_FOUND when they are not in it. */
export async function removeTeamMember(ctx: AppContext, ref: string, username: string): Promise<void> {
  const team = await loadTeam(ctx, ref);
  assertCanManageTeam(ctx, team);
  const user = await loadUser(ctx.db, username);
  if (!(await deleteTeamMember(ctx.db, team.id, user.id)))
    throw new AppError("NOT_FOUND", `${user.username} is not a member of team ${team.name}`);
}

/** Deletes a team; refused while an escalation policy or rule pages it. */
export async function removeTeam(ctx: AppContext, ref: string): Promise<void> {
  const team = await loadTeam(ctx, ref);
  assertCanManageTeam(ctx, team);
  await withTransaction(ctx.db, async (tx) => {
    refuseWhileTargeted(
      `Team ${team.name}`,
      await findTargetReferences(tx, { kind: "team", id: team.id }),
      "remove it from them first",
    );
    await deleteTeam(tx, team.id);
  });
  ctx.log.info({ team: team.name, by: ctx.actor.name }, "team deleted");
}
