import { randomUUID } from "node:crypto";
import { z } from "zod";
import { type Clock, DAY } from "#domain/time.ts";
import {
  deleteExpiredSessions,
  deleteSessionByHash,
  findSessionByHash,
  findUserByUsername,
  insertSession,
  type UserRow,
} from "#store/auth.ts";
import type { Db } from "#store/db.ts";
import type { Actor, BaseContext } from "../context.ts";
import { AppError } from "../errors.ts";
import { parseInput } from "../validation.ts";
import { checkPassword, PASSWORD_MAX_LENGTH } from "./passwords.ts";
import { looksLikeSecret, randomSecret, secretsEqual, sha256Hex } from "./secrets.ts";

/** A web session lasts this long from sign-in, used or not; then the user signs in again. */
export const SESSION_TTL_MS = 14 * DAY;

/** The one answer to a failed sign-in: it does not tell whether the username exists. */
export const WRONG_CREDENTIALS = "Wrong username or password";

export const LoginInput = z
  .object({
    username: z.string({ error: "is required" }).min(1, { error: "is required" }).max(64),
    password: z
      .string({ error: "is required" })
      .min(1, { error: "is required" })
      .max(PASSWORD_MAX_LENGTH, { error: `must be at most ${PASSWORD_MAX_LENGTH} characters` }),
  })
  .strict();
export type LoginInput = z.input<typeof LoginInput>;

/** What the session endpoints answer: who is signed in, and the token to echo in X-CSRF-Token. */
export interface SessionView {
  username: string;
  role: string | null;
  csrf_token: string;
}

/** A session just created: the cookie secret (never stored as such) and when it ends. */
export interface NewSession {
  secret: string;
  expiresAt: Date;
  view: SessionView;
}

/** Starts a session for a user whose password was just checked (sign-in, first-run setup). */
export async function startSession(db: Db, now: Date, user: UserRow): Promise<NewSession> {
  const secret = randomSecret();
  const csrfToken = randomSecret();
  const expiresAt = new Date(now.getTime() + SESSION_TTL_MS);
  await deleteExpiredSessions(db, now);
  await insertSession(db, {
    id: randomUUID(),
    userId: user.id,
    tokenHash: sha256Hex(secret),
    csrfToken,
    createdAt: now,
    expiresAt,
  });
  return { secret, expiresAt, view: { username: user.username, role: user.role, csrf_token: csrfToken } };
}

/**
 * Signs in with username and password. A wrong password and an unknown user get the same answer after
 * the same work (an unknown user's password is checked against a dummy hash).
 */
export async function login(ctx: BaseContext, input: unknown): Promise<NewSession> {
  const req = parseInput(LoginInput, input);
  const user = await findUserByUsername(ctx.db, req.username);
  const ok = await checkPassword(user?.passwordHash, req.password);
  if (!user || !ok) {
    ctx.log.info({ user: req.username }, "sign-in refused");
    throw new AppError("UNAUTHENTICATED", WRONG_CREDENTIALS);
  }
  const session = await startSession(ctx.db, ctx.clock.now(), user);
  ctx.log.info({ user: user.username }, "signed in");
  return session;
}

/** Ends the session the cookie names, if it still exists. */
export async function logout(ctx: BaseContext, secret: string | undefined): Promise<void> {
  if (!secret || !looksLikeSecret(secret)) return;
  if (await deleteSessionByHash(ctx.db, sha256Hex(secret))) ctx.log.info({}, "signed out");
}

/** A live session, resolved from its cookie. */
export interface AuthenticatedSession {
  actor: Actor;
  csrfToken: string;
  view: SessionView;
}

/**
 * Resolves session cookies to actors. No cache: signing out (or a password change) must end the session
 * at once, and one indexed lookup per request is cheap.
 */
export class SessionAuthenticator {
  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
  ) {}

  async authenticate(secret: string): Promise<AuthenticatedSession | undefined> {
    if (!looksLikeSecret(secret)) return undefined;
    const found = await findSessionByHash(this.db, sha256Hex(secret));
    if (!found || found.session.expiresAt.getTime() <= this.clock.now().getTime()) return undefined;
    const { user, session, teamIds } = found;
    return {
      actor: { kind: "user", name: user.username, userId: user.id, role: user.role, teamIds },
      csrfToken: session.csrfToken,
      view: { username: user.username, role: user.role, csrf_token: session.csrfToken },
    };
  }
}

/** The CSRF check for cookie-authenticated changes: the header must equal the session's token. */
export function csrfTokenMatches(session: AuthenticatedSession, header: string | undefined): boolean {
  return secretsEqual(session.csrfToken, header);
}
