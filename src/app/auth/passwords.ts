import { randomBytes } from "node:crypto";
import * as argon2 from "argon2";
import { z } from "zod";
import { deleteSessionsOfUser, findUserByUsername, setUserPasswordHash } from "#store/auth.ts";
import { withTransaction } from "#store/db.ts";
import { recordAudit } from "../audit/record.ts";
import type { AppContext } from "../context.ts";
import { AppError } from "../errors.ts";
import { parseInput } from "../validation.ts";

/** Web passwords: at least this many characters (a passphrase beats complexity rules), at most 1024. */
export const PASSWORD_MIN_LENGTH = 12;
export const PASSWORD_MAX_LENGTH = 1024;

/**
 * argon2id with OWASP's minimum parameters (19 MiB, 2 passes, 1 lane): about 50 ms per hash here, cheap
 * enough for a login and expensive enough for an offline guesser. Parameters live in the PHC string, so
 * raising them later keeps old hashes verifiable.
 */
const HASH_OPTIONS = { type: argon2.argon2id, memoryCost: 19_456, timeCost: 2, parallelism: 1 } as const;

export const newPassword = z
  .string({ error: "is required" })
  .min(PASSWORD_MIN_LENGTH, { error: `must be at least ${PASSWORD_MIN_LENGTH} characters` })
  .max(PASSWORD_MAX_LENGTH, { error: `must be at most ${PASSWORD_MAX_LENGTH} characters` })
  .describe(`the new password, ${PASSWORD_MIN_LENGTH}–${PASSWORD_MAX_LENGTH} characters`);

/** The refusal for a password that is too short or too long, as the API and the CLI report it. */
export function checkNewPassword(password: string): string | undefined {
  const result = newPassword.safeParse(password);
  return result.success ? undefined : result.error.issues[0]?.message;
}

export function hashPassword(password: string): Promise<string> {
  return argon2.hash(password, HASH_OPTIONS);
}

/** False for a wrong password and for a hash that is not an argon2 PHC string. */
export async function verifyPassword(hash: string, password: string): Promise<boolean> {
  try {
    return await argon2.verify(hash, password);
  } catch {
    return false;
  }
}

let dummyHash: Promise<string> | undefined;

/**
 * Checks a password against a user's hash; for an unknown user or one without a password, against a
 * dummy hash, so that the answer takes as long whether or not the username exists.
 */
export async function checkPassword(hash: string | null | undefined, password: string): Promise<boolean> {
  if (hash) return verifyPassword(hash, password);
  dummyHash ??= hashPassword(randomBytes(16).toString("hex"));
  await verifyPassword(await dummyHash, password);
  return false;
}

export const SetPasswordInput = z.object({ password: newPassword }).strict();
export type SetPasswordInput = z.input<typeof SetPasswordInput>;

/** Where a password change comes from: the session to keep (the one that made the change), for the audit. */
export interface PasswordChangeOrigin {
  /** sha256 of the caller's session cookie; that session stays signed in when it is the user's own. */
  keepSessionHash?: string | undefined;
  ip?: string | undefined;
  requestId?: string | undefined;
}

/**
 * Sets a user's web password (admins for anyone, users for themselves, Foghorn itself offline). Every
 * other open session of that user ends: whoever knew the old password is signed out; the session that
 * made the change (origin.keepSessionHash, when it is that user's) stays. Audited as user.password_change.
 */
export async function setPassword(
  ctx: AppContext,
  username: string,
  input: unknown,
  origin: PasswordChangeOrigin = {},
) {
  const req = parseInput(SetPasswordInput, input);
  if (ctx.actor.kind === "user" && ctx.actor.name !== username && ctx.actor.role !== "admin") {
    throw new AppError("FORBIDDEN", "Only an admin may set another user's password");
  }
  const hash = await hashPassword(req.password);
  const signedOut = await withTransaction(ctx.db, async (tx) => {
    const user = await findUserByUsername(tx, username);
    if (!user)
      throw new AppError("NOT_FOUND", `User "${username}" does not exist`, [
        { field: "username", message: "no such user" },
      ]);
    await setUserPasswordHash(tx, user.id, hash);
    const ended = await deleteSessionsOfUser(tx, user.id, origin.keepSessionHash);
    await recordAudit(tx, {
      at: ctx.clock.now(),
      actor: ctx.actor,
      action: "user.password_change",
      targetType: "user",
      targetId: user.username,
      after: { sessions_ended: ended },
      ...(origin.ip ? { ip: origin.ip } : {}),
      ...(origin.requestId ? { requestId: origin.requestId } : {}),
    });
    return ended;
  });
  ctx.log.info({ user: username, by: ctx.actor.name, sessions_ended: signedOut }, "password set");
  return { username, sessions_ended: signedOut };
}
