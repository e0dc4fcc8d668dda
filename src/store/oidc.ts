import { eq, lte } from "drizzle-orm";
import type { UserRow } from "./auth.ts";
import type { Db } from "./db.ts";
import { oidcStates, users } from "./schema/index.ts";

export type OidcStateRow = typeof oidcStates.$inferSelect;

export async function insertOidcState(db: Db, row: typeof oidcStates.$inferInsert): Promise<void> {
  await db.insert(oidcStates).values(row);
}

/** Takes an OpenID Connect sign-in in flight out of the table (single use): the row, expired or not. */
export async function takeOidcState(db: Db, stateHash: string): Promise<OidcStateRow | undefined> {
  const [row] = await db.delete(oidcStates).where(eq(oidcStates.stateHash, stateHash)).returning();
  return row;
}

/** Housekeeping: removes sign-ins that were started and never finished. */
export async function deleteExpiredOidcStates(db: Db, now: Date): Promise<void> {
  await db.delete(oidcStates).where(lte(oidcStates.expiresAt, now));
}

export async function findUserByExternalId(db: Db, externalId: string): Promise<UserRow | undefined> {
  const [row] = await db.select().from(users).where(eq(users.externalId, externalId));
  return row;
}

/** Links a user to an OpenID Connect identity and/or sets the role its groups map to. */
export async function updateOidcUser(
  db: Db,
  userId: string,
  changes: { role?: string; externalId?: string },
): Promise<void> {
  if (changes.role === undefined && changes.externalId === undefined) return;
  await db.update(users).set(changes).where(eq(users.id, userId));
}
