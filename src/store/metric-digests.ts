import { sql } from "drizzle-orm";
import type { Db } from "./db.ts";
import { executeRows, toDate } from "./rows.ts";

// The weekly digests sent (schema/metric-digests.ts): claim a week, mark each destination, complete.

export interface DigestClaim {
  emailSentAt: Date | null;
  slackSentAt: Date | null;
}

/**
 * Claims the week's digest until `until`: creates its row when missing; answers null when it is complete
 * or another run holds an unexpired claim. One statement each, so two runs cannot both win.
 */
export async function claimDigestWeek(
  db: Db,
  week: { week: string; from: string; to: string },
  now: Date,
  until: Date,
): Promise<DigestClaim | null> {
  await db.execute(sql`
    insert into metric_digests (week, range_from, range_to, created_at)
    values (${week.week}, ${week.from}::date, ${week.to}::date, ${now.toISOString()}::timestamptz)
    on conflict (week) do nothing`);
  const rows = await executeRows(
    db,
    sql`update metric_digests set claimed_until = ${until.toISOString()}::timestamptz
        where week = ${week.week} and completed_at is null
          and (claimed_until is null or claimed_until <= ${now.toISOString()}::timestamptz)
        returning email_sent_at, slack_sent_at`,
  );
  const row = rows[0];
  if (!row) return null;
  return { emailSentAt: toDate(row.email_sent_at), slackSentAt: toDate(row.slack_sent_at) };
}

/** Records that one destination has the week's digest. */
export async function markDigestSent(db: Db, week: string, destination: "email" | "slack", now: Date) {
  const at = now.toISOString();
  if (destination === "email")
    await db.execute(sql`update metric_digests set email_sent_at = ${at}::timestamptz where week = ${week}`);
  else
    await db.execute(sql`update metric_digests set slack_sent_at = ${at}::timestamptz where week = ${week}`);
}

/** Every destination has it: done for good. */
export async function completeDigestWeek(db: Db, week: string, now: Date): Promise<void> {
  await db.execute(
    sql`update metric_digests set completed_at = ${now.toISOString()}::timestamptz, claimed_until = null
        where week = ${week}`,
  );
}

/** A run that failed lets the next one (its retry) claim the week at once. */
export async function releaseDigestWeek(db: Db, week: string): Promise<void> {
  await db.execute(sql`update metric_digests set claimed_until = null where week = ${week}`);
}

/** True when the week's digest went out to every destination. */
export async function digestWeekCompleted(db: Db, week: string): Promise<boolean> {
  const rows = await executeRows(
    db,
    sql`select 1 from metric_digests where week = ${week} and completed_at is not null`,
  );
  return rows.length > 0;
}
