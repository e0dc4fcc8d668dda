import { and, eq, inArray, isNull, lt, or, sql } from "drizzle-orm";
import type { Db } from "./db.ts";
import { executeRows, toDate, toInt } from "./rows.ts";
import { loginDevices, loginThrottle } from "./schema/index.ts";

/** One throttle counter after an attempt was counted. */
export interface ThrottleCount {
  key: string;
  failures: number;
  windowStart: Date;
  blockedUntil: Date | null;
}

/**
 * Counts one attempt against each key, atomically (one upsert per key, so every replica sees the same
 * counts): a key whose window has passed starts again at 1. A key whose count goes over `limit` is blocked
 * until its window ends. Answers the counts after this attempt.
 */
export async function countAttempt(
  db: Db,
  keys: readonly { key: string; limit: number }[],
  now: Date,
  windowMs: number,
): Promise<ThrottleCount[]> {
  const out: ThrottleCount[] = [];
  const windowStartCutoff = new Date(now.getTime() - windowMs);
  for (const { key, limit } of keys) {
    const rows = await executeRows(
      db,
      sql`insert into login_throttle (key, failures, window_start, blocked_until)
          values (${key}, 1, ${now.toISOString()}::timestamptz,
                  case when 1 > ${limit}::int then ${now.toISOString()}::timestamptz + ${windowMs}::int * interval '1 millisecond' end)
          on conflict (key) do update set
            failures = case when login_throttle.window_start <= ${windowStartCutoff.toISOString()}::timestamptz
                            then 1 else login_throttle.failures + 1 end,
            window_start = case when login_throttle.window_start <= ${windowStartCutoff.toISOString()}::timestamptz
                                then excluded.window_start else login_throttle.window_start end,
            blocked_until = case
              when login_throttle.window_start <= ${windowStartCutoff.toISOString()}::timestamptz
                then (case when 1 > ${limit}::int then excluded.window_start + ${windowMs}::int * interval '1 millisecond' end)
              when login_throttle.failures + 1 > ${limit}::int
                then login_throttle.window_start + ${windowMs}::int * interval '1 millisecond'
              else login_throttle.blocked_until end
          returning key, failures, window_start, blocked_until`,
    );
    const row = rows[0];
    if (!row) continue;
    out.push({
      key: String(row.key),
      failures: toInt(row.failures),
      windowStart: toDate(row.window_start) ?? now,
      blockedUntil: toDate(row.blocked_until),
    });
  }
  return out;
}

/** Takes back one counted attempt (it succeeded) from each key; never below zero. */
export async function uncountAttempt(db: Db, keys: readonly string[]): Promise<void> {
  if (keys.length === 0) return;
  await db
    .update(loginThrottle)
    .set({ failures: sql`greatest(${loginThrottle.failures} - 1, 0)` })
    .where(inArray(loginThrottle.key, [...keys]));
}

/** Forgets keys altogether (a successful sign-in clears its account+address counter). */
export async function clearThrottle(db: Db, keys: readonly string[]): Promise<void> {
  if (keys.length === 0) return;
  await db.delete(loginThrottle).where(inArray(loginThrottle.key, [...keys]));
}

/** Housekeeping: counters whose window and block have both passed. */
export async function deleteStaleThrottle(db: Db, now: Date, windowMs: number): Promise<void> {
  await db
    .delete(loginThrottle)
    .where(
      and(
        lt(loginThrottle.windowStart, new Date(now.getTime() - windowMs)),
        or(isNull(loginThrottle.blockedUntil), lt(loginThrottle.blockedUntil, now)),
      ),
    );
}

export type LoginDeviceRow = typeof loginDevices.$inferSelect;

/** The known browser with this cookie hash, if any. */
export async function findLoginDevice(db: Db, tokenHash: string): Promise<LoginDeviceRow | undefined> {
  const [row] = await db.select().from(loginDevices).where(eq(loginDevices.tokenHash, tokenHash));
  return row;
}

export async function insertLoginDevice(db: Db, row: typeof loginDevices.$inferInsert): Promise<void> {
  await db.insert(loginDevices).values(row);
}

export async function touchLoginDevice(db: Db, tokenHash: string, at: Date): Promise<void> {
  await db.update(loginDevices).set({ lastUsedAt: at }).where(eq(loginDevices.tokenHash, tokenHash));
}

/** Forgets browsers not used to sign in since `before` (they are throttled like strangers again). */
export async function deleteLoginDevicesUnusedSince(db: Db, before: Date): Promise<void> {
  await db.delete(loginDevices).where(lt(loginDevices.lastUsedAt, before));
}
