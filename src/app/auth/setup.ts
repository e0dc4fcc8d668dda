import { randomUUID } from "node:crypto";
import { z } from "zod";
import { DAY } from "#domain/time.ts";
import {
  consumeSetupToken,
  deleteSessionsOfUser,
  findUserById,
  insertSetupToken,
  setUserPasswordHash,
} from "#store/auth.ts";
import { type Db, withTransaction } from "#store/db.ts";
import type { BaseContext } from "../context.ts";
import { AppError } from "../errors.ts";
import { parseInput } from "../validation.ts";
import { hashPassword, newPassword } from "./passwords.ts";
import { randomSecret, sha256Hex } from "./secrets.ts";
import { type NewSession, startSession } from "./sessions.ts";

/** A first-run setup link works once, within this time. */
export const SETUP_LINK_TTL_MS = DAY;

/** Creates a one-time setup secret for a user; only its sha256 is stored. Returns the secret. */
export async function createSetupToken(db: Db, now: Date, userId: string): Promise<string> {
  const secret = randomSecret();
  await insertSetupToken(db, {
    id: randomUUID(),
    userId,
    tokenHash: sha256Hex(secret),
    createdAt: now,
    expiresAt: new Date(now.getTime() + SETUP_LINK_TTL_MS),
  });
  return secret;
}

export const SetupInput = z
  .object({
    token: z
      .string({ error: "is required" })
      .min(1, { error: "is required" })
      .max(200)
      .describe("the token of the setup link"),
    password: newPassword,
  })
  .strict();
export type SetupInput = z.input<typeof SetupInput>;

const LINK_INVALID =
  "This setup link is not valid: it was already used, it expired (links last 24 hours), or it was " +
  "copied incompletely. Set the password with `foghorn user set-password admin` instead.";

/**
 * Completes first-run setup: the link's token sets the user's password, is used up, and the user is
 * signed in. The token is taken and the password written in one transaction, so a link works once.
 */
export async function completeSetup(ctx: BaseContext, input: unknown): Promise<NewSession> {
  const req = parseInput(SetupInput, input);
  const hash = await hashPassword(req.password);
  const now = ctx.clock.now();
  const result = await withTransaction(ctx.db, async (tx) => {
    const token = await consumeSetupToken(tx, sha256Hex(req.token));
    if (!token) return undefined;
    if (token.expiresAt.getTime() <= now.getTime()) return undefined; // used up all the same
    const user = await findUserById(tx, token.userId);
    if (!user) return undefined;
    await setUserPasswordHash(tx, user.id, hash);
    await deleteSessionsOfUser(tx, user.id);
    return startSession(tx, now, { ...user, passwordHash: hash });
  });
  if (!result) {
    ctx.log.info({}, "setup link refused");
    throw new AppError("UNAUTHENTICATED", LINK_INVALID);
  }
  ctx.log.info({ user: result.view.username }, "password set through the setup link; signed in");
  return result;
}
