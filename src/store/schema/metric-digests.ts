import { date, pgTable, text, timestamp } from "drizzle-orm/pg-core";

/**
 * The weekly digests sent (app/metrics/digest.ts): one row per week, so the digest goes out once per week
 * whatever runs its job twice (a retry, a restart, a second replica). A run claims the row until
 * `claimed_until`, sends to each destination not yet marked sent, marks it, and completes the row.
 */
export const metricDigests = pgTable("metric_digests", {
  /** The local date (digest time zone) of the Monday of the week, YYYY-MM-DD. */
  week: text("week").primaryKey(),
  /** The UTC days it covers, `to` exclusive. */
  rangeFrom: date("range_from", { mode: "string" }).notNull(),
  rangeTo: date("range_to", { mode: "string" }).notNull(),
  /** A run is sending it until then (a run that died lets the next one take over after it). */
  claimedUntil: timestamp("claimed_until", { withTimezone: true }),
  emailSentAt: timestamp("email_sent_at", { withTimezone: true }),
  slackSentAt: timestamp("slack_sent_at", { withTimezone: true }),
  /** Every configured destination has it. */
  completedAt: timestamp("completed_at", { withTimezone: true }),
  createdAt: timestamp("created_at", { withTimezone: true }).notNull(),
});
