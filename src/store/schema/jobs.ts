import { sql } from "drizzle-orm";
import { bigint, index, integer, jsonb, pgTable, text, timestamp, uniqueIndex } from "drizzle-orm/pg-core";

/**
 * The engine's due-jobs table (ARCHITECTURE.md "The engine"). A use case enqueues in its own transaction;
 * the runner claims due rows with FOR UPDATE SKIP LOCKED and a lease. A finished job is deleted; a job that
 * failed max_attempts times stays as `dead` (shown in the UI and in metrics).
 * State: pending (waiting for run_at) → running (claimed until locked_until) → deleted | pending (retry) | dead.
 */
export const jobs = pgTable(
  "jobs",
  {
    id: bigint("id", { mode: "number" }).primaryKey().generatedAlwaysAsIdentity(),
    kind: text("kind").notNull(),
    /** What makes a duplicate: at most one pending job per (kind, key). Null: never deduplicated. */
    key: text("key"),
    payload: jsonb("payload").$type<Record<string, unknown>>().notNull(),
    state: text("state").notNull().default("pending"),
    runAt: timestamp("run_at", { withTimezone: true }).notNull(),
    attempts: integer("attempts").notNull().default(0),
    maxAttempts: integer("max_attempts").notNull().default(10),
    lockedBy: text("locked_by"),
    lockedUntil: timestamp("locked_until", { withTimezone: true }),
    lastError: text("last_error"),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull(),
  },
  (t) => [
    uniqueIndex("jobs_pending_key").on(t.kind, t.key).where(sql`state = 'pending' and key is not null`),
    index("jobs_due_idx").on(t.runAt).where(sql`state = 'pending'`),
    index("jobs_lease_idx").on(t.lockedUntil).where(sql`state = 'running'`),
  ],
);
