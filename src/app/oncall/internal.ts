import { z } from "zod";
import { isValidTimeZone } from "#domain/alert/maintenance.ts";
import { type EscalationTarget, TARGET_KINDS, type TargetKind } from "#domain/escalation/policy.ts";
import type { Db } from "#store/db.ts";
import {
  findSchedule,
  findSchedulesById,
  findTeam,
  findTeamsById,
  findUsersById,
  findUsersByUsername,
  listContactMethods,
  listTeamMembers,
  type ScheduleRow,
  type UserRow,
} from "#store/directory.ts";
import {
  isAdmin as actorIsAdmin,
  assertCanManageTeamResource,
  canManageTeamResource,
} from "../auth/authorize.ts";
import type { AppContext } from "../context.ts";
import { AppError, type FieldError } from "../errors.ts";

// Pieces the on-call directory's verbs share: names, permissions, looking people and targets up.

/**
 * Names of teams, schedules, policies and rules: unique case-insensitively. No commas or colons, so the
 * CLI's `schedule:primary,alice` target lists stay unambiguous.
 */
export const directoryName = z
  .string({ error: "must be a string" })
  .trim()
  .min(1, { error: "must not be empty" })
  .max(100, { error: "must be at most 100 characters" })
  .regex(/^[\p{L}\p{N}][\p{L}\p{N} ._/-]*$/u, {
    error: "may contain letters, digits, space and . _ - / only (e.g. payments-primary)",
  });

export const description = z.string().max(2000, { error: "must be at most 2000 characters" });

/** An IANA time zone; the message says what to write. */
export const timeZone = z
  .string({ error: "must be a string" })
  .trim()
  .refine(isValidTimeZone, { error: "must be an IANA time zone; use an IANA name such as Europe/Berlin" })
  .describe("IANA time zone, e.g. Europe/Berlin or UTC");

/** `{"type":"schedule","name":"primary"}`: who a level or rule pages; `name` is a username, name or id. */
export const targetInput = z
  .object({
    type: z.enum(TARGET_KINDS, { error: `must be one of ${TARGET_KINDS.join(", ")}` }),
    name: z
      .string({ error: "is required (a username, or a team or schedule name)" })
      .trim()
      .min(1, { error: "must not be empty" })
      .max(100),
  })
  .strict();
export type TargetInput = z.output<typeof targetInput>;

/** An admin, or Foghorn itself (offline commands). */
export function isAdmin(ctx: AppContext): boolean {
  return actorIsAdmin(ctx.actor);
}

/** FORBIDDEN unless the actor is `username` or an admin. */
export function requireSelfOrAdmin(ctx: AppContext, user: UserRow, what: string): void {
  if (isAdmin(ctx) || ctx.actor.name.toLowerCase() === user.username.toLowerCase()) return;
  throw new AppError("FORBIDDEN", `Only ${user.username} or an admin may ${what}`);
}

/** FORBIDDEN unless the actor is an admin; `what` completes "Only an admin may …". */
export function requireAdmin(ctx: AppContext, what: string): void {
  if (!isAdmin(ctx)) throw new AppError("FORBIDDEN", `Only an admin may ${what}`);
}

/** A user by username (case-insensitive); NOT_FOUND naming how to find one. */
export async function loadUser(db: Db, username: string): Promise<UserRow> {
  const [user] = await findUsersByUsername(db, [username]);
  if (!user)
    throw new AppError(
      "NOT_FOUND",
      `User "${username}" does not exist; see GET /api/v1/users (foghorn user list)`,
    );
  return user;
}

/** INVALID_INPUT listing every field, worded like parseInput's refusals. */
export function invalidInput(fields: FieldError[]): AppError {
  const summary = fields.map((f) => `${f.field}: ${f.message}`).join("; ");
  return new AppError("INVALID_INPUT", `The request is invalid: ${summary}`, fields);
}

/** The conflict of a name that is taken, in one wording for every kind of thing. */
export function nameTaken(what: string, name: string): AppError {
  return new AppError("CONFLICT", `${what} "${name}" already exists; names are unique ignoring case`, [
    { field: "name", message: "already exists; names are unique ignoring case" },
  ]);
}

/**
 * Resolves target inputs to stored targets (ids). Every unknown name is a field error naming its path
 * (`levels.1.targets.0`), all of them at once.
 */
export async function resolveTargetNames(
  db: Db,
  inputs: readonly { path: string; target: TargetInput }[],
): Promise<{ targets: EscalationTarget[]; errors: FieldError[] }> {
  const usernames = inputs.filter((i) => i.target.type === "user").map((i) => i.target.name);
  const users = new Map((await findUsersByUsername(db, usernames)).map((u) => [u.username.toLowerCase(), u]));
  const targets: EscalationTarget[] = [];
  const errors: FieldError[] = [];
  for (const { path, target } of inputs) {
    const id = await targetId(db, target, users);
    if (id) targets.push({ kind: target.type, id });
    else errors.push({ field: `${path}.name`, message: unknownTarget(target) });
  }
  return { targets, errors };
}

async function targetId(db: Db, t: TargetInput, users: Map<string, UserRow>): Promise<string | undefined> {
  if (t.type === "user") return users.get(t.name.toLowerCase())?.id;
  if (t.type === "team") return (await findTeam(db, t.name))?.id;
  return (await findSchedule(db, t.name))?.id;
}

function unknownTarget(t: TargetInput): string {
  const list: Record<TargetKind, string> = {
    user: "foghorn user list",
    team: "foghorn team list",
    schedule: "foghorn schedule list",
  };
  return `no ${t.type} "${t.name}"; pick one from ${list[t.type]}`;
}

/** What the directory knows about a set of targets: their names and what makes them page no one. */
export interface TargetFacts {
  name(target: EscalationTarget): string | null;
  /** Problems of the target itself ("team payments has no members"), empty when it can be paged. */
  problems(target: EscalationTarget): string[];
}

/**
 * Loads names and cheap health facts of every target at once: people without a contact method, teams
 * without members, schedules without layers; `scheduleProblems` adds the schedule's own warnings.
 */
export async function loadTargetFacts(
  db: Db,
  targets: readonly EscalationTarget[],
  scheduleProblems: (schedule: ScheduleRow) => string[] = () => [],
): Promise<TargetFacts> {
  const ids = (kind: TargetKind) => targets.filter((t) => t.kind === kind).map((t) => t.id);
  const users = await findUsersById(db, ids("user"));
  const teams = await findTeamsById(db, ids("team"));
  const schedules = await findSchedulesById(db, ids("schedule"));
  const members = await listTeamMembers(
    db,
    teams.map((t) => t.id),
  );
  const reachable = new Set(
    (await listContactMethods(db, [...users.map((u) => u.id), ...members.map((m) => m.userId)])).map(
      (c) => c.userId,
    ),
  );
  const names = new Map<string, string>();
  const problems = new Map<string, string[]>();
  const key = (t: EscalationTarget) => `${t.kind}:${t.id}`;
  for (const u of users) {
    names.set(`user:${u.id}`, u.username);
    if (!reachable.has(u.id))
      problems.set(`user:${u.id}`, [`${u.username} has no contact method and cannot be paged`]);
  }
  for (const t of teams) {
    names.set(`team:${t.id}`, t.name);
    const of = members.filter((m) => m.teamId === t.id);
    if (of.length === 0) problems.set(`team:${t.id}`, [`team ${t.name} has no members: it pages no one`]);
    else if (!of.some((m) => reachable.has(m.userId)))
      problems.set(`team:${t.id}`, [`no member of team ${t.name} has a contact method: it pages no one`]);
  }
  for (const s of schedules) {
    names.set(`schedule:${s.id}`, s.name);
    const found = scheduleProblems(s).map((p) => `schedule ${s.name}: ${p}`);
    if (found.length) problems.set(`schedule:${s.id}`, found);
  }
  return {
    name: (t) => names.get(key(t)) ?? null,
    problems: (t) =>
      names.has(key(t)) ? (problems.get(key(t)) ?? []) : [`a ${t.kind} that no longer exists (${t.id})`],
  };
}

/** A stored target as the API shows it: `{type, id, name}` (name null when it was deleted). */
export function targetView(t: EscalationTarget, facts: TargetFacts) {
  return { type: t.kind, id: t.id, name: facts.name(t) };
}

/** Reads targets stored as JSON (written by this module, so only the shape is checked). */
export function storedTargets(value: unknown): EscalationTarget[] {
  if (!Array.isArray(value)) return [];
  return value.flatMap((t) =>
    t && typeof t === "object" && "kind" in t && "id" in t && TARGET_KINDS.includes(t.kind)
      ? [{ kind: t.kind as TargetKind, id: String(t.id) }]
      : [],
  );
}

/** Refuses a deletion while policies or rules still page the target, naming them. */
export function refuseWhileTargeted(
  what: string,
  refs: { policies: string[]; rules: string[] },
  fix: string,
): void {
  const parts = [
    refs.policies.length ? `escalation policies ${refs.policies.join(", ")}` : "",
    refs.rules.length ? `escalation rules ${refs.rules.join(", ")}` : "",
  ].filter(Boolean);
  if (parts.length)
    throw new AppError("CONFLICT", `${what} is still paged by ${parts.join(" and ")}; ${fix}`, [], {
      escalation_policies: refs.policies,
      escalation_rules: refs.rules,
    });
}

export const iso = (d: Date): string => d.toISOString();

/** `team` on a schedule or policy body: the owning team's name or id; null: no team (any manager). */
export const owningTeamInput = z
  .string({ error: "must be a team's name or id, or null" })
  .trim()
  .min(1, { error: "must not be empty; null clears the team" })
  .max(100)
  .nullable()
  .optional()
  .describe(
    "The team that owns it (managers of other teams may not change it): a team's name or id; null: none",
  );

/**
 * Resolves a body's `team` to the team to store: undefined (left out: unchanged), null (none) or the team.
 * INVALID_INPUT for an unknown team; FORBIDDEN when a manager names a team they do not belong to.
 */
export async function resolveOwningTeam(
  ctx: AppContext,
  ref: string | null | undefined,
): Promise<{ id: string; name: string } | null | undefined> {
  if (ref === undefined || ref === null) return ref;
  const team = await findTeam(ctx.db, ref);
  if (!team)
    throw invalidInput([
      { field: "team", message: `no team "${ref}"; pick one from foghorn team list (GET /api/v1/teams)` },
    ]);
  assertCanManageTeamResource(ctx, team.id, `Team ${team.name}'s resources`, team.name);
  return team;
}

/** Team scoping: FORBIDDEN (naming the owning team) unless the actor may change a thing owned by `teamId`. */
export async function assertCanManageOwned(
  ctx: AppContext,
  teamId: string | null,
  what: string,
): Promise<void> {
  if (canManageTeamResource(ctx.actor, teamId)) return;
  const [team] = await findTeamsById(ctx.db, teamId ? [teamId] : []);
  assertCanManageTeamResource(ctx, teamId, what, team?.name);
}

/** Team names by id, for views that show the owning team. */
export async function teamNamesById(
  ctx: AppContext,
  ids: readonly (string | null)[],
): Promise<Map<string, string>> {
  const wanted = ids.filter((id): id is string => id !== null);
  return new Map((await findTeamsById(ctx.db, wanted)).map((t) => [t.id, t.name]));
}
