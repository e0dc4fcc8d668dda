import { randomUUID } from "node:crypto";
import { z } from "zod";
import { USER_ROLES } from "#domain/auth/access.ts";
import { maskAddress } from "#domain/mask.ts";
import { insertUser } from "#store/auth.ts";
import { withTransaction } from "#store/db.ts";
import {
  type ContactMethodRow,
  findUsersByUsername,
  listContactMethods,
  listNotificationRules,
  listTeamsOfUser,
  listUsers,
  type NotificationRuleRow,
  type UserRow,
  updateUser,
} from "#store/directory.ts";
import type { AppContext } from "../context.ts";
import { AppError } from "../errors.ts";
import { handle } from "../incidents/schemas.ts";
import { parseInput } from "../validation.ts";
import { iso, loadUser, requireAdmin, requireSelfOrAdmin, timeZone } from "./internal.ts";

// People: who can sign in and be paged, with their time zone, contact methods and notification rules.

export { USER_ROLES };

const role = z
  .enum(USER_ROLES, { error: `must be one of ${USER_ROLES.join(", ")}` })
  .describe(
    "viewer: reads everything not private; responder: also runs incidents; manager: also configures services, schedules and policies (of their teams); admin: everything (docs/access.md)",
  );

export const CreateUserInput = z
  .object({
    username: handle,
    display_name: z.string().trim().max(200).optional(),
    role: role.default("responder"),
    time_zone: timeZone.default("UTC"),
  })
  .strict();

export const UpdateUserInput = z
  .object({
    display_name: z.string().trim().max(200).optional(),
    time_zone: timeZone.optional(),
    role: role.optional(),
  })
  .strict();

/**
 * What keeps a person from being paged, in words they can act on. With no notification rule every
 * contact method is notified at once; once rules exist, only the methods they name are used.
 */
export function personWarnings(
  username: string,
  methods: readonly ContactMethodRow[],
  rules: readonly NotificationRuleRow[],
): string[] {
  if (methods.length === 0)
    return [
      `${username} has no contact method and cannot be paged; add one (POST /api/v1/users/${username}/contact-methods, foghorn contact add)`,
    ];
  const warnings: string[] = [];
  if (rules.length > 0) {
    const used = new Set(rules.map((r) => r.contactMethodId));
    for (const m of methods)
      if (!used.has(m.id))
        warnings.push(
          `${m.kind} ${maskAddress(m.kind, m.address)} has no notification rule, so it is never used while other rules exist`,
        );
  }
  if (methods.every((m) => m.kind === "console"))
    warnings.push(`${username} has only console contact methods: pages reach the server log, not a person`);
  return warnings;
}

/** A contact method as the API shows it. */
export function contactMethodView(m: ContactMethodRow) {
  return {
    id: m.id,
    kind: m.kind,
    // A webhook URL may carry a key: shown whole only in the answer that added it (addContactMethod).
    address: maskAddress(m.kind, m.address),
    label: m.label,
    created_at: iso(m.createdAt),
  };
}

/** A notification rule as the API shows it, with its contact method's kind and address. */
export function notificationRuleView(r: NotificationRuleRow, methods: readonly ContactMethodRow[]) {
  const m = methods.find((c) => c.id === r.contactMethodId);
  return {
    id: r.id,
    contact_method_id: r.contactMethodId,
    kind: m?.kind ?? null,
    address: m ? maskAddress(m.kind, m.address) : null,
    delay_minutes: r.delayMinutes,
    created_at: iso(r.createdAt),
  };
}

function userSummary(
  u: UserRow,
  methods: readonly ContactMethodRow[],
  rules: readonly NotificationRuleRow[],
) {
  return {
    id: u.id,
    username: u.username,
    display_name: u.displayName,
    role: u.role,
    time_zone: u.timeZone,
    created_at: iso(u.createdAt),
    contact_methods: methods.length,
    warnings: personWarnings(u.username, methods, rules),
  };
}

/** Everyone, by username, with how many contact methods they have and what keeps them from being paged. */
export async function listPeople(ctx: AppContext) {
  const users = await listUsers(ctx.db);
  const ids = users.map((u) => u.id);
  const [methods, rules] = [await listContactMethods(ctx.db, ids), await listNotificationRules(ctx.db, ids)];
  return {
    items: users.map((u) =>
      userSummary(
        u,
        methods.filter((m) => m.userId === u.id),
        rules.filter((r) => r.userId === u.id),
      ),
    ),
  };
}

/** One person's on-call set-up: contact methods, notification rules, teams and warnings. */
export async function getPerson(ctx: AppContext, username: string) {
  const user = await loadUser(ctx.db, username);
  const methods = await listContactMethods(ctx.db, [user.id]);
  const rules = await listNotificationRules(ctx.db, [user.id]);
  return {
    ...userSummary(user, methods, rules),
    contact_methods: methods.map(contactMethodView),
    notification_rules: rules.map((r) => notificationRuleView(r, methods)),
    teams: await listTeamsOfUser(ctx.db, user.id),
  };
}

/** Adds a person (admins only); usernames are unique ignoring case. They sign in once given a password. */
export async function createPerson(ctx: AppContext, input: unknown) {
  const req = parseInput(CreateUserInput, input);
  requireAdmin(ctx, "add users");
  await withTransaction(ctx.db, async (tx) => {
    const [taken] = await findUsersByUsername(tx, [req.username]);
    if (taken)
      throw new AppError(
        "CONFLICT",
        `User "${taken.username}" already exists; usernames are unique ignoring case`,
        [{ field: "username", message: "already exists; usernames are unique ignoring case" }],
      );
    await insertUser(tx, {
      id: randomUUID(),
      username: req.username,
      displayName: req.display_name ?? "",
      role: req.role,
      timeZone: req.time_zone,
      createdAt: ctx.clock.now(),
    });
  });
  ctx.log.info({ user: req.username, role: req.role, by: ctx.actor.name }, "user created");
  return getPerson(ctx, req.username);
}

/** Changes a person's display name or time zone (themselves or an admin) or role (admins only). */
export async function updatePerson(ctx: AppContext, username: string, input: unknown) {
  const req = parseInput(UpdateUserInput, input);
  const user = await loadUser(ctx.db, username);
  requireSelfOrAdmin(ctx, user, "change this user's settings");
  if (req.role !== undefined && req.role !== user.role) {
    requireAdmin(ctx, "change a user's role");
    if (ctx.actor.name.toLowerCase() === user.username.toLowerCase())
      throw new AppError("CONFLICT", "You cannot change your own role; ask another admin", [
        { field: "role", message: "cannot change your own role" },
      ]);
  }
  const changes = {
    ...(req.display_name !== undefined ? { displayName: req.display_name } : {}),
    ...(req.time_zone !== undefined ? { timeZone: req.time_zone } : {}),
    ...(req.role !== undefined ? { role: req.role } : {}),
  };
  if (Object.keys(changes).length) await updateUser(ctx.db, user.id, changes);
  return getPerson(ctx, user.username);
}
