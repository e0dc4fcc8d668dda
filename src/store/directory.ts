import { and, asc, eq, gt, inArray, isNull, lt, type SQL, sql } from "drizzle-orm";
import type { AnyPgColumn } from "drizzle-orm/pg-core";
import type { Db } from "./db.ts";
import {
  apiTokens,
  contactMethods,
  escalationPolicies,
  escalationRules,
  notificationRules,
  scheduleOverrides,
  schedules,
  services,
  teamMembers,
  teams,
  users,
} from "./schema/index.ts";
import { openContactRow, sealContactRow } from "./secret-box.ts";

// The on-call directory: who can be paged (people, contact methods, notification rules, teams) and how
// (schedules, overrides, escalation policies and rules). The engine reads these; the API writes them.

export type UserRow = typeof users.$inferSelect;
export type ContactMethodRow = typeof contactMethods.$inferSelect;
export type NotificationRuleRow = typeof notificationRules.$inferSelect;
export type TeamRow = typeof teams.$inferSelect;
export type ScheduleRow = typeof schedules.$inferSelect;
export type ScheduleOverrideRow = typeof scheduleOverrides.$inferSelect;
export type EscalationPolicyRow = typeof escalationPolicies.$inferSelect;
export type EscalationRuleRow = typeof escalationRules.$inferSelect;

export interface TeamMemberRow {
  teamId: string;
  userId: string;
  username: string;
  displayName: string;
  role: string;
  addedAt: Date;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** True for a UUID: only those may be compared with a uuid column (anything else fails the query). */
export function isUuid(value: string): boolean {
  return UUID.test(value);
}

// PostgreSQL text cannot hold U+0000: a query carrying one fails. No stored name contains one, so such a
// name (a path parameter, say) simply matches nothing.
const storable = (text: string) => !text.includes("\u0000");

/** `ref` as an id (when it is a UUID) or a name, case-insensitively. */
function nameOrId(id: AnyPgColumn, name: AnyPgColumn, ref: string): SQL {
  if (!storable(ref)) return sql`false`;
  const byName = sql`lower(${name}) = lower(${ref})`;
  return isUuid(ref) ? sql`(${id} = ${ref}::uuid or ${byName})` : byName;
}

function lowerIn(column: AnyPgColumn, names: readonly string[]): SQL {
  const lowered = [...new Set(names.filter(storable).map((n) => n.toLowerCase()))];
  return lowered.length ? inArray(sql`lower(${column})`, lowered) : sql`false`;
}

const byName = (column: AnyPgColumn) => sql`lower(${column}) collate "C"`;

// ---- people ----

export async function listUsers(db: Db): Promise<UserRow[]> {
  return db.select().from(users).orderBy(byName(users.username));
}

/** The users with these usernames (case-insensitive); unknown names are left out. */
export async function findUsersByUsername(db: Db, usernames: readonly string[]): Promise<UserRow[]> {
  if (usernames.length === 0) return [];
  return db.select().from(users).where(lowerIn(users.username, usernames));
}

export async function findUsersById(db: Db, ids: readonly string[]): Promise<UserRow[]> {
  if (ids.length === 0) return [];
  return db
    .select()
    .from(users)
    .where(inArray(users.id, [...new Set(ids)]));
}

export async function updateUser(
  db: Db,
  id: string,
  patch: Partial<Pick<UserRow, "displayName" | "timeZone" | "role">>,
): Promise<UserRow> {
  const [row] = await db.update(users).set(patch).where(eq(users.id, id)).returning();
  if (!row) throw new Error(`user ${id} vanished during update`);
  return row;
}

// ---- contact methods and notification rules ----

/** Inserts a contact method; undefined when the person already has this kind and address. */
export async function insertContactMethod(
  db: Db,
  row: typeof contactMethods.$inferInsert,
): Promise<ContactMethodRow | undefined> {
  const [inserted] = await db
    .insert(contactMethods)
    .values(sealContactRow(row))
    .onConflictDoNothing()
    .returning();
  return openContactRow(inserted);
}

/** The contact methods of these people, oldest first. */
export async function listContactMethods(db: Db, userIds: readonly string[]): Promise<ContactMethodRow[]> {
  if (userIds.length === 0) return [];
  const rows = await db
    .select()
    .from(contactMethods)
    .where(inArray(contactMethods.userId, [...new Set(userIds)]))
    .orderBy(asc(contactMethods.createdAt), asc(contactMethods.kind), asc(contactMethods.address));
  return rows.map(openContactRow);
}

export async function findContactMethodById(db: Db, id: string): Promise<ContactMethodRow | undefined> {
  if (!isUuid(id)) return undefined;
  const [row] = await db.select().from(contactMethods).where(eq(contactMethods.id, id));
  return openContactRow(row);
}

/** Deletes a contact method and (by cascade) its notification rules. */
export async function deleteContactMethod(db: Db, id: string): Promise<boolean> {
  const rows = await db
    .delete(contactMethods)
    .where(eq(contactMethods.id, id))
    .returning({ id: contactMethods.id });
  return rows.length > 0;
}

/** Inserts a notification rule; undefined when that contact method already has a rule at that delay. */
export async function insertNotificationRule(
  db: Db,
  row: typeof notificationRules.$inferInsert,
): Promise<NotificationRuleRow | undefined> {
  const [inserted] = await db.insert(notificationRules).values(row).onConflictDoNothing().returning();
  return inserted;
}

/** The notification rules of these people, soonest first. */
export async function listNotificationRules(
  db: Db,
  userIds: readonly string[],
): Promise<NotificationRuleRow[]> {
  if (userIds.length === 0) return [];
  return db
    .select()
    .from(notificationRules)
    .where(inArray(notificationRules.userId, [...new Set(userIds)]))
    .orderBy(asc(notificationRules.delayMinutes), asc(notificationRules.createdAt));
}

export async function findNotificationRuleById(db: Db, id: string): Promise<NotificationRuleRow | undefined> {
  if (!isUuid(id)) return undefined;
  const [row] = await db.select().from(notificationRules).where(eq(notificationRules.id, id));
  return row;
}

export async function deleteNotificationRule(db: Db, id: string): Promise<boolean> {
  const rows = await db
    .delete(notificationRules)
    .where(eq(notificationRules.id, id))
    .returning({ id: notificationRules.id });
  return rows.length > 0;
}

// ---- teams ----

/** Inserts a team; undefined when the name is taken (case-insensitively). */
export async function insertTeam(db: Db, row: typeof teams.$inferInsert): Promise<TeamRow | undefined> {
  const [inserted] = await db.insert(teams).values(row).onConflictDoNothing().returning();
  return inserted;
}

/** A team by name (case-insensitive) or id. */
export async function findTeam(db: Db, ref: string): Promise<TeamRow | undefined> {
  const [row] = await db
    .select()
    .from(teams)
    .where(nameOrId(teams.id, teams.name, ref))
    .limit(1);
  return row;
}

export async function findTeamsById(db: Db, ids: readonly string[]): Promise<TeamRow[]> {
  if (ids.length === 0) return [];
  return db
    .select()
    .from(teams)
    .where(inArray(teams.id, [...new Set(ids)]));
}

export async function listTeams(db: Db): Promise<TeamRow[]> {
  return db.select().from(teams).orderBy(byName(teams.name));
}

export async function updateTeam(
  db: Db,
  id: string,
  patch: Partial<Pick<TeamRow, "name" | "description">>,
): Promise<TeamRow> {
  const [row] = await db.update(teams).set(patch).where(eq(teams.id, id)).returning();
  if (!row) throw new Error(`team ${id} vanished during update`);
  return row;
}

export async function deleteTeam(db: Db, id: string): Promise<boolean> {
  const rows = await db.delete(teams).where(eq(teams.id, id)).returning({ id: teams.id });
  return rows.length > 0;
}

/** Adds a member, or changes the role of one already there. */
export async function upsertTeamMember(db: Db, row: typeof teamMembers.$inferInsert): Promise<void> {
  await db
    .insert(teamMembers)
    .values(row)
    .onConflictDoUpdate({ target: [teamMembers.teamId, teamMembers.userId], set: { role: row.role } });
}

export async function deleteTeamMember(db: Db, teamId: string, userId: string): Promise<boolean> {
  const rows = await db
    .delete(teamMembers)
    .where(and(eq(teamMembers.teamId, teamId), eq(teamMembers.userId, userId)))
    .returning({ userId: teamMembers.userId });
  return rows.length > 0;
}

/** The members of these teams with their usernames; managers first, then by username. */
export async function listTeamMembers(db: Db, teamIds: readonly string[]): Promise<TeamMemberRow[]> {
  if (teamIds.length === 0) return [];
  return db
    .select({
      teamId: teamMembers.teamId,
      userId: teamMembers.userId,
      username: users.username,
      displayName: users.displayName,
      role: teamMembers.role,
      addedAt: teamMembers.addedAt,
    })
    .from(teamMembers)
    .innerJoin(users, eq(users.id, teamMembers.userId))
    .where(inArray(teamMembers.teamId, [...new Set(teamIds)]))
    .orderBy(sql`${teamMembers.role} = 'manager' desc`, byName(users.username));
}

/** The teams a person belongs to, with their role in each. */
export async function listTeamsOfUser(db: Db, userId: string): Promise<{ name: string; role: string }[]> {
  return db
    .select({ name: teams.name, role: teamMembers.role })
    .from(teamMembers)
    .innerJoin(teams, eq(teams.id, teamMembers.teamId))
    .where(eq(teamMembers.userId, userId))
    .orderBy(byName(teams.name));
}

// ---- schedules and overrides ----

/** Inserts a schedule; undefined when the name is taken (case-insensitively). */
export async function insertSchedule(
  db: Db,
  row: typeof schedules.$inferInsert,
): Promise<ScheduleRow | undefined> {
  const [inserted] = await db.insert(schedules).values(row).onConflictDoNothing().returning();
  return inserted;
}

/** A schedule by name (case-insensitive) or id. */
export async function findSchedule(db: Db, ref: string): Promise<ScheduleRow | undefined> {
  const [row] = await db
    .select()
    .from(schedules)
    .where(nameOrId(schedules.id, schedules.name, ref))
    .limit(1);
  return row;
}

export async function findSchedulesById(db: Db, ids: readonly string[]): Promise<ScheduleRow[]> {
  if (ids.length === 0) return [];
  return db
    .select()
    .from(schedules)
    .where(inArray(schedules.id, [...new Set(ids)]));
}

export async function listSchedules(db: Db): Promise<ScheduleRow[]> {
  return db.select().from(schedules).orderBy(byName(schedules.name));
}

export async function updateSchedule(
  db: Db,
  id: string,
  patch: Partial<Omit<typeof schedules.$inferInsert, "id" | "createdAt">>,
): Promise<ScheduleRow> {
  const [row] = await db.update(schedules).set(patch).where(eq(schedules.id, id)).returning();
  if (!row) throw new Error(`schedule ${id} vanished during update`);
  return row;
}

/** Deletes a schedule and (by cascade) its overrides. */
export async function deleteSchedule(db: Db, id: string): Promise<boolean> {
  const rows = await db.delete(schedules).where(eq(schedules.id, id)).returning({ id: schedules.id });
  return rows.length > 0;
}

export async function insertScheduleOverride(
  db: Db,
  row: typeof scheduleOverrides.$inferInsert,
): Promise<ScheduleOverrideRow> {
  const [inserted] = await db.insert(scheduleOverrides).values(row).returning();
  if (!inserted) throw new Error("insert into schedule_overrides returned no row");
  return inserted;
}

/** The overrides of these schedules that overlap [from, to), in the order they apply: as they were made. */
export async function listScheduleOverrides(
  db: Db,
  scheduleIds: readonly string[],
  from: Date,
  to: Date,
): Promise<ScheduleOverrideRow[]> {
  if (scheduleIds.length === 0) return [];
  return db
    .select()
    .from(scheduleOverrides)
    .where(
      and(
        inArray(scheduleOverrides.scheduleId, [...new Set(scheduleIds)]),
        lt(scheduleOverrides.startsAt, to),
        gt(scheduleOverrides.endsAt, from),
      ),
    )
    .orderBy(asc(scheduleOverrides.createdAt), asc(scheduleOverrides.id));
}

export async function deleteScheduleOverride(db: Db, scheduleId: string, id: string): Promise<boolean> {
  if (!isUuid(id)) return false;
  const rows = await db
    .delete(scheduleOverrides)
    .where(and(eq(scheduleOverrides.id, id), eq(scheduleOverrides.scheduleId, scheduleId)))
    .returning({ id: scheduleOverrides.id });
  return rows.length > 0;
}

// ---- escalation policies ----

/** Inserts a policy; undefined when the name is taken (case-insensitively). */
export async function insertEscalationPolicy(
  db: Db,
  row: typeof escalationPolicies.$inferInsert,
): Promise<EscalationPolicyRow | undefined> {
  const [inserted] = await db.insert(escalationPolicies).values(row).onConflictDoNothing().returning();
  return inserted;
}

/** A policy by name (case-insensitive) or id. */
export async function findEscalationPolicy(db: Db, ref: string): Promise<EscalationPolicyRow | undefined> {
  const [row] = await db
    .select()
    .from(escalationPolicies)
    .where(nameOrId(escalationPolicies.id, escalationPolicies.name, ref))
    .limit(1);
  return row;
}

/** Locks a policy row for the caller's transaction (a delete against services pointing at it meanwhile). */
export async function lockEscalationPolicy(db: Db, id: string): Promise<EscalationPolicyRow | undefined> {
  const [row] = await db.select().from(escalationPolicies).where(eq(escalationPolicies.id, id)).for("update");
  return row;
}

export async function findEscalationPoliciesById(
  db: Db,
  ids: readonly string[],
): Promise<EscalationPolicyRow[]> {
  if (ids.length === 0) return [];
  return db
    .select()
    .from(escalationPolicies)
    .where(inArray(escalationPolicies.id, [...new Set(ids)]));
}

export async function listEscalationPolicies(db: Db): Promise<EscalationPolicyRow[]> {
  return db.select().from(escalationPolicies).orderBy(byName(escalationPolicies.name));
}

export async function updateEscalationPolicy(
  db: Db,
  id: string,
  patch: Partial<Omit<typeof escalationPolicies.$inferInsert, "id" | "createdAt">>,
): Promise<EscalationPolicyRow> {
  const [row] = await db
    .update(escalationPolicies)
    .set(patch)
    .where(eq(escalationPolicies.id, id))
    .returning();
  if (!row) throw new Error(`escalation policy ${id} vanished during update`);
  return row;
}

export async function deleteEscalationPolicy(db: Db, id: string): Promise<boolean> {
  const rows = await db
    .delete(escalationPolicies)
    .where(eq(escalationPolicies.id, id))
    .returning({ id: escalationPolicies.id });
  return rows.length > 0;
}

/** Service names by the policy they use (policies no service uses are absent). */
export async function listServicesByPolicy(db: Db): Promise<Map<string, string[]>> {
  const rows = await db
    .select({ policyId: services.escalationPolicyId, name: services.name })
    .from(services)
    .where(sql`${services.escalationPolicyId} is not null`)
    .orderBy(byName(services.name));
  const out = new Map<string, string[]>();
  for (const r of rows) if (r.policyId) out.set(r.policyId, [...(out.get(r.policyId) ?? []), r.name]);
  return out;
}

// ---- escalation rules ----

/** Inserts a rule; undefined when the name is taken (case-insensitively). */
export async function insertEscalationRule(
  db: Db,
  row: typeof escalationRules.$inferInsert,
): Promise<EscalationRuleRow | undefined> {
  const [inserted] = await db.insert(escalationRules).values(row).onConflictDoNothing().returning();
  return inserted;
}

/** A rule by name (case-insensitive) or id. */
export async function findEscalationRule(db: Db, ref: string): Promise<EscalationRuleRow | undefined> {
  const [row] = await db
    .select()
    .from(escalationRules)
    .where(nameOrId(escalationRules.id, escalationRules.name, ref))
    .limit(1);
  return row;
}

/** Every rule, by name; `enabledOnly` for the engine's evaluation. */
export async function listEscalationRules(db: Db, enabledOnly = false): Promise<EscalationRuleRow[]> {
  return db
    .select()
    .from(escalationRules)
    .where(enabledOnly ? eq(escalationRules.enabled, true) : undefined)
    .orderBy(byName(escalationRules.name));
}

export async function updateEscalationRule(
  db: Db,
  id: string,
  patch: Partial<Omit<typeof escalationRules.$inferInsert, "id" | "createdAt">>,
): Promise<EscalationRuleRow> {
  const [row] = await db.update(escalationRules).set(patch).where(eq(escalationRules.id, id)).returning();
  if (!row) throw new Error(`escalation rule ${id} vanished during update`);
  return row;
}

export async function deleteEscalationRule(db: Db, id: string): Promise<boolean> {
  const rows = await db
    .delete(escalationRules)
    .where(eq(escalationRules.id, id))
    .returning({ id: escalationRules.id });
  return rows.length > 0;
}

// ---- who refers to a target ----

/**
 * The names of the policies and rules that page this user, schedule or team (targets live in JSON:
 * `levels[].targets[]` and `targets[]`, matched by jsonb containment).
 */
export async function findTargetReferences(
  db: Db,
  target: { kind: string; id: string },
): Promise<{ policies: string[]; rules: string[] }> {
  const one = JSON.stringify([{ kind: target.kind, id: target.id }]);
  const inLevels = JSON.stringify([{ targets: [{ kind: target.kind, id: target.id }] }]);
  const policies = await db
    .select({ name: escalationPolicies.name })
    .from(escalationPolicies)
    .where(sql`${escalationPolicies.levels} @> ${inLevels}::jsonb`)
    .orderBy(byName(escalationPolicies.name));
  const rules = await db
    .select({ name: escalationRules.name })
    .from(escalationRules)
    .where(sql`${escalationRules.targets} @> ${one}::jsonb`)
    .orderBy(byName(escalationRules.name));
  return { policies: policies.map((p) => p.name), rules: rules.map((r) => r.name) };
}

// ---- personal calendar feed tokens ----

/**
 * Personal calendar feeds use api_tokens rows under this name. Their stored hash is an HMAC (not the
 * sha256 bearer tokens use), so a feed secret can never authenticate an API request.
 */
export const CALENDAR_TOKEN_NAME = "calendar feed";

/** Revokes every live calendar feed token of a person (before a new one is issued). */
export async function revokeCalendarTokens(db: Db, userId: string, at: Date): Promise<void> {
  await db
    .update(apiTokens)
    .set({ revokedAt: at })
    .where(
      and(eq(apiTokens.userId, userId), eq(apiTokens.name, CALENDAR_TOKEN_NAME), isNull(apiTokens.revokedAt)),
    );
}

/** True when the person has a live calendar feed token with this hash. */
export async function calendarTokenExists(db: Db, userId: string, tokenHash: string): Promise<boolean> {
  const rows = await db
    .select({ id: apiTokens.id })
    .from(apiTokens)
    .where(
      and(
        eq(apiTokens.userId, userId),
        eq(apiTokens.name, CALENDAR_TOKEN_NAME),
        eq(apiTokens.tokenHash, tokenHash),
        isNull(apiTokens.revokedAt),
      ),
    );
  return rows.length > 0;
}
