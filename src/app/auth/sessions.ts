import { randomUUID } from "node:crypto";
import { z } from "zod";
import { type Clock, DAY, MINUTE } from "#domain/time.ts";
import {
  deleteExpiredSessions,
  deleteSessionByHash,
  findSessionByHash,
  findUserByUsername,
  insertSession,
  touchSession,
  type UserRow,
} from "#store/auth.ts";
import type { Db } from "#store/db.ts";
import { recordAudit } from "../audit/record.ts";
import type { Actor, BaseContext } from "../context.ts";
import { AppError } from "../errors.ts";
import { parseInput } from "../validation.ts";
import { checkPassword, PASSWORD_MAX_LENGTH } from "./passwords.ts";
import { looksLikeSecret, randomSecret, secretsEqual, sha256Hex } from "./secrets.ts";
import {
  type CountedAttempt,
  countSignInAttempt,
  DEFAULT_THROTTLE,
  isKnownDevice,
  LoginThrottledError,
  rememberDevice,
  signInSucceeded,
  type ThrottlePolicy,
} from "./throttle.ts";

/** A web session lasts this long from sign-in, used or not; then the user signs in again. */
export const SESSION_TTL_MS = 14 * DAY;

/** A session unused this long ends (config auth.sessionIdleMinutes; this is its default, 12 hours). */
export const DEFAULT_SESSION_IDLE_MS = 720 * MINUTE;

/** sessions.last_seen_at is written at most this often per session (not on every request). */
export const SESSION_TOUCH_MS = MINUTE;

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
export async function startSession(
  db: Db,
  now: Date,
  user: UserRow,
  method: "password" | "oidc" | "setup" = "password",
): Promise<NewSession> {
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
    lastSeenAt: now,
    expiresAt,
    method,
  });
  return { secret, expiresAt, view: { username: user.username, role: user.role, csrf_token: csrfToken } };
}

/** Where a sign-in comes from: the client address (req.ip), the device cookie, the request id. */
export interface SignInClient {
  ip: string;
  /** The `foghorn_device` cookie, when the browser sent one. */
  deviceSecret?: string | undefined;
  requestId?: string | undefined;
}

/** A password sign-in: the session, and the device cookie to (re)set so this browser is known next time. */
export interface PasswordSignIn extends NewSession {
  device: { secret: string; expiresAt: Date };
}

/**
 * Signs in with username and password. A wrong password and an unknown user get the same answer after
 * the same work (an unknown user's password is checked against a dummy hash), and are throttled alike
 * (app/auth/throttle.ts): over a limit the attempt is refused with LoginThrottledError before the password
 * is checked. Every sign-in and every failure is audited (never the password).
 */
export async function login(
  ctx: BaseContext,
  input: unknown,
  client: SignInClient = { ip: "unknown" },
  policy: ThrottlePolicy = DEFAULT_THROTTLE,
): Promise<PasswordSignIn> {
  const req = parseInput(LoginInput, input);
  const now = ctx.clock.now();
  const user = await findUserByUsername(ctx.db, req.username);
  const knownDevice = await isKnownDevice(ctx.db, client.deviceSecret, user?.id);
  const failed = (reason: string) =>
    recordAudit(ctx.db, {
      at: now,
      actor: { kind: "user", name: req.username },
      action: "session.sign_in_failed",
      targetType: "user",
      targetId: req.username,
      after: { username: req.username, reason },
      ip: client.ip,
      ...(client.requestId ? { requestId: client.requestId } : {}),
    });
  let attempt: CountedAttempt;
  try {
    attempt = await countSignInAttempt(
      ctx.db,
      now,
      { username: req.username, ip: client.ip, knownDevice },
      policy,
    );
  } catch (error) {
    if (error instanceof LoginThrottledError) {
      ctx.log.warn({ user: req.username, ip: client.ip }, "sign-in throttled");
      // Only the attempt that crossed the limit is audited: a flood must not flood the append-only log.
      if (error.firstRefusal) await failed("throttled");
    }
    throw error;
  }
  const ok = await checkPassword(user?.passwordHash, req.password);
  if (!user || !ok) {
    ctx.log.info({ user: req.username, ip: client.ip }, "sign-in refused");
    await failed("wrong_credentials");
    throw new AppError("UNAUTHENTICATED", WRONG_CREDENTIALS);
  }
  await signInSucceeded(ctx.db, now, attempt, policy);
  const session = await startSession(ctx.db, now, user);
  const device = await rememberDevice(ctx.db, now, user.id, client.deviceSecret);
  await recordAudit(ctx.db, {
    at: now,
    actor: { kind: "user", name: user.username, userId: user.id, role: user.role },
    action: "session.sign_in",
    targetType: "user",
    targetId: user.username,
    after: { method: "password", known_device: knownDevice },
    ip: client.ip,
    ...(client.requestId ? { requestId: client.requestId } : {}),
  });
  ctx.log.info({ user: user.username }, "signed in");
  return { ...session, device };
}

/** Ends the session the cookie names, if it still exists; audited as session.sign_out for `actor`. */
export async function logout(
  ctx: BaseContext,
  secret: string | undefined,
  audit?: { actor: Actor; ip?: string | undefined; requestId?: string | undefined },
): Promise<void> {
  if (!secret || !looksLikeSecret(secret)) return;
  if (await deleteSessionByHash(ctx.db, sha256Hex(secret))) {
    ctx.log.info({}, "signed out");
    if (audit)
      await recordAudit(ctx.db, {
        at: ctx.clock.now(),
        actor: audit.actor,
        action: "session.sign_out",
        targetType: "user",
        targetId: audit.actor.name,
        ...(audit.ip ? { ip: audit.ip } : {}),
        ...(audit.requestId ? { requestId: audit.requestId } : {}),
      });
  }
}

/** A live session, resolved from its cookie. */
export interface AuthenticatedSession {
  actor: Actor;
  csrfToken: string;
  /** sha256 of the cookie: which session this is (a password change keeps this one). */
  tokenHash: string;
  view: SessionView;
}

/** Why a cookie names no live session: unknown (signed out, password changed), too old, or unused too long. */
export type SessionEnd = "unknown" | "expired" | "idle";

/**
 * Resolves session cookies to actors. No cache: signing out (or a password change) must end the session
 * at once, and one indexed lookup per request is cheap. A session ends 14 days after sign-in, or earlier
 * when unused for `idleMs`; last_seen_at is written at most once a minute per session.
 */
export class SessionAuthenticator {
  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
    private readonly idleMs = DEFAULT_SESSION_IDLE_MS,
  ) {}

  /** The idle timeout in force, for messages. */
  get idleMinutes(): number {
    return Math.round(this.idleMs / MINUTE);
  }

  async authenticate(secret: string): Promise<AuthenticatedSession | undefined> {
    const result = await this.check(secret);
    return "ended" in result ? undefined : result;
  }

  /** The live session, or why there is none (an idle or expired session is deleted). */
  async check(secret: string): Promise<AuthenticatedSession | { ended: SessionEnd }> {
    if (!looksLikeSecret(secret)) return { ended: "unknown" };
    const hash = sha256Hex(secret);
    const found = await findSessionByHash(this.db, hash);
    if (!found) return { ended: "unknown" };
    const now = this.clock.now();
    const { user, session, teamIds } = found;
    if (session.expiresAt.getTime() <= now.getTime()) return { ended: "expired" };
    if (now.getTime() - session.lastSeenAt.getTime() >= this.idleMs) {
      await deleteSessionByHash(this.db, hash);
      return { ended: "idle" };
    }
    if (now.getTime() - session.lastSeenAt.getTime() >= SESSION_TOUCH_MS)
      await touchSession(this.db, session.id, now);
    return {
      actor: { kind: "user", name: user.username, userId: user.id, role: user.role, teamIds },
      csrfToken: session.csrfToken,
      tokenHash: hash,
      view: { username: user.username, role: user.role, csrf_token: session.csrfToken },
    };
  }
}

/** The CSRF check for cookie-authenticated changes: the header must equal the session's token. */
export function csrfTokenMatches(session: AuthenticatedSession, header: string | undefined): boolean {
  return secretsEqual(session.csrfToken, header);
}
