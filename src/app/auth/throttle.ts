import { MINUTE } from "#domain/time.ts";
import type { Db } from "#store/db.ts";
import {
  clearThrottle,
  countAttempt,
  deleteStaleThrottle,
  findLoginDevice,
  insertLoginDevice,
  touchLoginDevice,
  uncountAttempt,
} from "#store/login-throttle.ts";
import { AppError } from "../errors.ts";
import { looksLikeSecret, randomSecret, sha256Hex } from "./secrets.ts";

/**
 * Sign-in throttling, shared through the database so every replica counts the same attempts.
 *
 * Three counters per attempt, each over a fixed window:
 * - `ip:<address>`: one address guessing at many accounts;
 * - `user-ip:<name> <address>`: one address guessing one account's password;
 * - `user:<name>`: many addresses (a botnet) guessing one account.
 * An attempt is counted before the password is checked (so parallel guesses cannot slip past the limit) and
 * taken back when it succeeds. Unknown usernames are counted the same way: the answer never tells whether an
 * account exists.
 *
 * The per-account counter could let an attacker lock a real user out, so a browser that has signed in as
 * that user before (it carries the `foghorn_device` cookie, 256 random bits stored as sha256) skips it; it
 * stays subject to its own per-address counters.
 */
export interface ThrottlePolicy {
  windowMs: number;
  /** Attempts per window from one address, whatever the account (an office behind NAT shares one). */
  perIp: number;
  /** Attempts per window at one account from one address. */
  perUserIp: number;
  /** Attempts per window at one account from anywhere, for browsers that never signed in as it. */
  perUser: number;
}

export const DEFAULT_THROTTLE: ThrottlePolicy = {
  windowMs: 15 * MINUTE,
  perIp: 100,
  perUserIp: 10,
  perUser: 30,
};

/** A known browser is remembered this long after its last sign-in. */
export const DEVICE_TTL_MS = 365 * 24 * 60 * MINUTE;

/** The refusal when a counter is over its limit; the HTTP layer answers 429 with Retry-After. */
export class LoginThrottledError extends AppError {
  constructor(
    readonly retryAfterSeconds: number,
    readonly until: Date,
    /** True when this attempt is the one that went over the limit (it is audited; the ones after are not). */
    readonly firstRefusal: boolean,
  ) {
    const minutes = Math.max(1, Math.ceil(retryAfterSeconds / 60));
    super(
      "UNAUTHENTICATED",
      `Too many failed sign-ins; try again in ${minutes} minute${minutes === 1 ? "" : "s"} ` +
        `(after ${until.toISOString().slice(11, 16)} UTC). A browser that has signed in to this account ` +
        "before is not held back by attempts from elsewhere; an admin can also set a new password " +
        "(foghorn user set-password).",
      [],
      { retry_after: retryAfterSeconds },
    );
  }
}

export function throttleKeys(username: string, ip: string) {
  return { ip: `ip:${ip}`, userIp: `user-ip:${username} ${ip}`, user: `user:${username}` };
}

/** What a sign-in attempt was counted against, to take it back when it succeeds. */
export interface CountedAttempt {
  keys: ReturnType<typeof throttleKeys>;
  counted: string[];
}

/**
 * Counts a sign-in attempt; LoginThrottledError when any counter is over its limit (nothing else is done
 * then: the password is not even checked). `knownDevice`: the browser signed in as this user before.
 */
export async function countSignInAttempt(
  db: Db,
  now: Date,
  attempt: { username: string; ip: string; knownDevice: boolean },
  policy: ThrottlePolicy = DEFAULT_THROTTLE,
): Promise<CountedAttempt> {
  const keys = throttleKeys(attempt.username, attempt.ip);
  const limits = [
    { key: keys.ip, limit: policy.perIp },
    { key: keys.userIp, limit: policy.perUserIp },
    ...(attempt.knownDevice ? [] : [{ key: keys.user, limit: policy.perUser }]),
  ];
  const counts = await countAttempt(db, limits, now, policy.windowMs);
  let worst: { until: Date; first: boolean } | undefined;
  for (const c of counts) {
    const limit = limits.find((l) => l.key === c.key)?.limit ?? 0;
    if (c.failures <= limit) continue;
    const until = c.blockedUntil ?? new Date(c.windowStart.getTime() + policy.windowMs);
    if (!worst || until > worst.until) worst = { until, first: c.failures === limit + 1 };
  }
  if (worst) {
    const seconds = Math.max(1, Math.ceil((worst.until.getTime() - now.getTime()) / 1000));
    throw new LoginThrottledError(seconds, worst.until, worst.first);
  }
  return { keys, counted: limits.map((l) => l.key) };
}

/** The attempt succeeded: it does not count, and this address's counter for the account starts afresh. */
export async function signInSucceeded(
  db: Db,
  now: Date,
  attempt: CountedAttempt,
  policy: ThrottlePolicy = DEFAULT_THROTTLE,
): Promise<void> {
  await uncountAttempt(
    db,
    attempt.counted.filter((k) => k !== attempt.keys.userIp),
  );
  await clearThrottle(db, [attempt.keys.userIp]);
  await deleteStaleThrottle(db, now, policy.windowMs);
}

/** Is this device cookie one of this user's known browsers? */
export async function isKnownDevice(
  db: Db,
  deviceSecret: string | undefined,
  userId: string | undefined,
): Promise<boolean> {
  if (!deviceSecret || !userId || !looksLikeSecret(deviceSecret)) return false;
  const row = await findLoginDevice(db, sha256Hex(deviceSecret));
  return row?.userId === userId;
}

/**
 * After a successful sign-in: remembers the browser. Answers a new cookie secret when the browser had none
 * for this user (a browser remembers one user: signing in as another replaces it), else touches the row.
 */
export async function rememberDevice(
  db: Db,
  now: Date,
  userId: string,
  deviceSecret: string | undefined,
): Promise<{ secret: string; expiresAt: Date }> {
  const expiresAt = new Date(now.getTime() + DEVICE_TTL_MS);
  if (deviceSecret && looksLikeSecret(deviceSecret)) {
    const hash = sha256Hex(deviceSecret);
    const row = await findLoginDevice(db, hash);
    if (row?.userId === userId) {
      await touchLoginDevice(db, hash, now);
      return { secret: deviceSecret, expiresAt };
    }
  }
  const secret = randomSecret();
  await insertLoginDevice(db, { tokenHash: sha256Hex(secret), userId, createdAt: now, lastUsedAt: now });
  return { secret, expiresAt };
}
