/**
 * Who may do what (docs/access.md has the matrix as a table). Every API operation declares one access
 * level; a request is allowed when both the user's role and, for a bearer token, the token's scope allow
 * that level. Team scoping (a manager changes only their teams' services, schedules and policies) and
 * private incidents (seen only by their responders and admins) are checked by the use cases on top.
 */

/** A user's role, least to most powerful. */
export const USER_ROLES = ["viewer", "responder", "manager", "admin"] as const;
export type UserRole = (typeof USER_ROLES)[number];

/**
 * What an operation needs:
 * - read: look at incidents, alerts, schedules, configuration (secrets masked);
 * - self: change one's own account (contact methods, notification rules, password, own tokens); the use
 *   case refuses another user's unless the caller is an admin;
 * - respond: run incidents (declare, acknowledge, update, notes, status updates, postmortems, action items,
 *   maintenance updates, retry a page);
 * - manage: configure services, integrations, schedules, escalation policies and rules, teams, the status
 *   page, incident types, runbooks (team-scoped for managers);
 * - admin: users and roles, other people's tokens, the audit log, sign-in settings, demo data;
 * - ingest: send alerts with a token (the only thing an ingest-only token may do).
 */
export const ACCESS_LEVELS = ["read", "self", "respond", "manage", "admin", "ingest"] as const;
export type AccessLevel = (typeof ACCESS_LEVELS)[number];

/** An API token's scope, chosen at creation; a session is unscoped (its user's role alone decides). */
export const TOKEN_SCOPES = ["read", "write", "admin", "ingest"] as const;
export type TokenScope = (typeof TOKEN_SCOPES)[number];

const ROLE_LEVELS: Record<UserRole, readonly AccessLevel[]> = {
  viewer: ["read", "self"],
  responder: ["read", "self", "respond", "ingest"],
  manager: ["read", "self", "respond", "manage", "ingest"],
  admin: ACCESS_LEVELS,
};

const SCOPE_LEVELS: Record<TokenScope, readonly AccessLevel[]> = {
  read: ["read"],
  ingest: ["ingest"],
  write: ["read", "self", "respond", "manage", "ingest"],
  admin: ACCESS_LEVELS,
};

export function isUserRole(value: unknown): value is UserRole {
  return typeof value === "string" && (USER_ROLES as readonly string[]).includes(value);
}

export function isTokenScope(value: unknown): value is TokenScope {
  return typeof value === "string" && (TOKEN_SCOPES as readonly string[]).includes(value);
}

/** Does this role allow this level? An unknown role (a row from a newer version) allows only reading. */
export function roleAllows(role: string | undefined, level: AccessLevel): boolean {
  if (!isUserRole(role)) return level === "read";
  return ROLE_LEVELS[role].includes(level);
}

/** Does this token scope allow this level? No scope (a session) restricts nothing. */
export function scopeAllows(scope: string | undefined, level: AccessLevel): boolean {
  if (scope === undefined) return true;
  if (!isTokenScope(scope)) return false;
  return SCOPE_LEVELS[scope].includes(level);
}

/** The least role that allows a level: the error message names it ("needs the manager role"). */
export function leastRoleFor(level: AccessLevel): UserRole {
  return USER_ROLES.find((r) => ROLE_LEVELS[r].includes(level)) ?? "admin";
}

/** The scopes that allow a level: the error message for a too-narrow token names them. */
export function scopesFor(level: AccessLevel): TokenScope[] {
  return TOKEN_SCOPES.filter((s) => SCOPE_LEVELS[s].includes(level));
}

/** Compares roles: is `role` at least `least`? */
export function roleAtLeast(role: string | undefined, least: UserRole): boolean {
  if (!isUserRole(role)) return false;
  return USER_ROLES.indexOf(role) >= USER_ROLES.indexOf(least);
}
