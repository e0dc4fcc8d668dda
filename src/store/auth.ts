import { and, desc, eq, isNull, lte, ne, sql } from "drizzle-orm";
import type { Db } from "./db.ts";
import { apiTokens, sessions, setupTokens, teamMembers, users } from "./schema/index.ts";

/** The ids of the teams a user belongs to, as one column of the user's row (team scoping). */
const teamIdsOfUser = sql<
  string[]
>`coalesce((select array_agg(${teamMembers.teamId}::text) from ${teamMembers} where ${teamMembers.userId} = ${users.id}), '{}')`;

export type UserRow = typeof users.$inferSelect;
export type ApiTokenRow = typeof apiTokens.$inferSelect;
export type SessionRow = typeof sessions.$inferSelect;
export type SetupTokenRow = typeof setupTokens.$inferSelect;

export async function countUsers(db: Db): Promise<number> {
  const [row] = await db.select({ n: sql<number>`count(*)::int` }).from(users);
  return Number(row?.n ?? 0);
}

export async function insertUser(db: Db, user: typeof users.$inferInsert): Promise<void> {
  await db.insert(users).values(user);
}

export async function findUserByUsername(db: Db, username: string): Promise<UserRow | undefined> {
  const [row] = await db.select().from(users).where(eq(users.username, username));
  return row;
}

export async function insertApiToken(db: Db, token: typeof apiTokens.$inferInsert): Promise<void> {
  await db.insert(apiTokens).values(token);
}

/** The live token with this hash and its user; revoked tokens are not found. */
export async function findTokenByHash(
  db: Db,
  tokenHash: string,
): Promise<{ token: ApiTokenRow; user: UserRow; teamIds: string[] } | undefined> {
  const [row] = await db
    .select({ token: apiTokens, user: users, teamIds: teamIdsOfUser })
    .from(apiTokens)
    .innerJoin(users, eq(users.id, apiTokens.userId))
    .where(and(eq(apiTokens.tokenHash, tokenHash), isNull(apiTokens.revokedAt)));
  return row;
}

export async function touchApiToken(db: Db, tokenId: string, at: Date): Promise<void> {
  await db.update(apiTokens).set({ lastUsedAt: at }).where(eq(apiTokens.id, tokenId));
}

export async function setUserPasswordHash(db: Db, userId: string, passwordHash: string): Promise<void> {
  await db.update(users).set({ passwordHash }).where(eq(users.id, userId));
}

export async function insertSession(db: Db, session: typeof sessions.$inferInsert): Promise<void> {
  await db.insert(sessions).values(session);
}

/** The session with this cookie hash and its user, expired or not (the caller checks expires_at). */
export async function findSessionByHash(
  db: Db,
  tokenHash: string,
): Promise<{ session: SessionRow; user: UserRow; teamIds: string[] } | undefined> {
  const [row] = await db
    .select({ session: sessions, user: users, teamIds: teamIdsOfUser })
    .from(sessions)
    .innerJoin(users, eq(users.id, sessions.userId))
    .where(eq(sessions.tokenHash, tokenHash));
  return row;
}

export async function deleteSessionByHash(db: Db, tokenHash: string): Promise<boolean> {
  const rows = await db
    .delete(sessions)
    .where(eq(sessions.tokenHash, tokenHash))
    .returning({ id: sessions.id });
  return rows.length > 0;
}

/**
 * Ends every session of a user (after a password change) but the one whose cookie hash is `exceptHash`
 * (the session that changed it); returns how many ended.
 */
export async function deleteSessionsOfUser(db: Db, userId: string, exceptHash?: string): Promise<number> {
  const rows = await db
    .delete(sessions)
    .where(and(eq(sessions.userId, userId), exceptHash ? ne(sessions.tokenHash, exceptHash) : undefined))
    .returning({ id: sessions.id });
  return rows.length;
}

/** Records that a session was used now (the idle timeout counts from here). */
export async function touchSession(db: Db, sessionId: string, at: Date): Promise<void> {
  await db.update(sessions).set({ lastSeenAt: at }).where(eq(sessions.id, sessionId));
}

/** API tokens with their owner's username, newest first: one user's (userId) or everyone's. */
export async function listApiTokens(
  db: Db,
  userId?: string,
): Promise<(ApiTokenRow & { username: string })[]> {
  const rows = await db
    .select({ token: apiTokens, username: users.username })
    .from(apiTokens)
    .innerJoin(users, eq(users.id, apiTokens.userId))
    .where(userId ? eq(apiTokens.userId, userId) : undefined)
    .orderBy(desc(apiTokens.createdAt), desc(apiTokens.id));
  return rows.map((r) => ({ ...r.token, username: r.username }));
}

/** One token (revoked or not) with its owner's username. */
export async function findApiTokenById(
  db: Db,
  id: string,
): Promise<(ApiTokenRow & { username: string }) | undefined> {
  const [row] = await db
    .select({ token: apiTokens, username: users.username })
    .from(apiTokens)
    .innerJoin(users, eq(users.id, apiTokens.userId))
    .where(eq(apiTokens.id, id));
  return row ? { ...row.token, username: row.username } : undefined;
}

/** Revokes a live token; false when it was already revoked (or does not exist). */
export async function revokeApiToken(db: Db, id: string, at: Date): Promise<boolean> {
  const rows = await db
    .update(apiTokens)
    .set({ revokedAt: at })
    .where(and(eq(apiTokens.id, id), isNull(apiTokens.revokedAt)))
    .returning({ id: apiTokens.id });
  return rows.length > 0;
}

/** Housekeeping: removes sessions and setup tokens whose expiry has passed. */
export async function deleteExpiredSessions(db: Db, now: Date): Promise<void> {
  await db.delete(sessions).where(lte(sessions.expiresAt, now));
  await db.delete(setupTokens).where(lte(setupTokens.expiresAt, now));
}

export async function insertSetupToken(db: Db, token: typeof setupTokens.$inferInsert): Promise<void> {
  await db.insert(setupTokens).values(token);
}

/** Takes a setup token out of the table (single use): the row if it existed, expired or not. */
export async function consumeSetupToken(db: Db, tokenHash: string): Promise<SetupTokenRow | undefined> {
  const [row] = await db.delete(setupTokens).where(eq(setupTokens.tokenHash, tokenHash)).returning();
  return row;
}

export async function findUserById(db: Db, id: string): Promise<UserRow | undefined> {
  const [row] = await db.select().from(users).where(eq(users.id, id));
  return row;
}
