import { sql } from "drizzle-orm";
import {
  bigint,
  customType,
  date,
  index,
  integer,
  pgTable,
  primaryKey,
  text,
  timestamp,
  uuid,
} from "drizzle-orm/pg-core";

/** Raw bytes (PostgreSQL bytea). */
const bytea = customType<{ data: Uint8Array; driverData: Uint8Array }>({
  dataType: () => "bytea",
});

/**
 * Issue 9's rollups: per UTC day, the figures the metrics are made of, so a one-year range reads a few
 * thousand rows instead of a million incidents. Derived data only: every row can be recomputed from the
 * incidents, status updates, postmortems, alerts and notifications, and is whenever a trigger marks its day
 * dirty (metric_dirty_days) or its `valid_until` passes (a figure that changes with time alone, e.g. an
 * unacknowledged incident whose ack target is still ahead).
 *
 * `scope`: '*' (every incident), 's:<service id>' (incidents affecting that service) or 't:<team id>'
 * (incidents affecting any service of that team): an incident counts once per scope row, never twice.
 * `type_id`: the incident type, or the nil UUID for "no type" (a primary key column cannot be null).
 * Histograms (`*_hist`) are sparse log-bucket sketches (domain/metrics/sketch.ts) as flat
 * [bucket, count, bucket, count, …] arrays.
 * Migration 0010 also indexes the day (week) column of the day (week) tables by hand: recomputing a day
 * replaces its rows across every scope.
 */
export const metricIncidentDays = pgTable(
  "metric_incident_days",
  {
    day: date("day", { mode: "string" }).notNull(),
    scope: text("scope").notNull(),
    severity: text("severity").notNull(),
    typeId: uuid("type_id").notNull(),
    /** Incidents created this day (frequency). */
    incidents: integer("incidents").notNull(),
    /** MTTA: acknowledged incidents, the sum of their created → acknowledged seconds, and the sketch. */
    acknowledged: integer("acknowledged").notNull(),
    ackSumSeconds: bigint("ack_sum_seconds", { mode: "number" }).notNull(),
    ackHist: integer("ack_hist").array().notNull(),
    /** MTTR: resolved incidents, the sum of their created → resolved seconds, and the sketch. */
    resolved: integer("resolved").notNull(),
    resolveSumSeconds: bigint("resolve_sum_seconds", { mode: "number" }).notNull(),
    resolveHist: integer("resolve_hist").array().notNull(),
    /** SLA: incidents whose ack target is decided (acknowledged, or the target passed), and those met. */
    slaDecided: integer("sla_decided").notNull(),
    slaMet: integer("sla_met").notNull(),
    /** Update compliance (resolved incidents): status updates the cadence required, and those on time. */
    updatesRequired: integer("updates_required").notNull(),
    updatesOnTime: integer("updates_on_time").notNull(),
    /** Postmortem compliance: required postmortems whose due time passed or that were published; on time. */
    postmortemsDecided: integer("postmortems_decided").notNull(),
    postmortemsOnTime: integer("postmortems_on_time").notNull(),
    /** Published late (counted in decided, not in on time); decided − on time − late = still missing. */
    postmortemsLate: integer("postmortems_late").notNull(),
    /** The action items of these incidents as they stand (overdue: open and past due, also in open). */
    actionItemsOpen: integer("action_items_open").notNull(),
    actionItemsOverdue: integer("action_items_overdue").notNull(),
    actionItemsDone: integer("action_items_done").notNull(),
    /** When a figure of this row changes by time alone (the earliest pending deadline); null: never. */
    validUntil: timestamp("valid_until", { withTimezone: true }),
  },
  (t) => [
    primaryKey({ columns: [t.scope, t.day, t.severity, t.typeId] }),
    index("metric_incident_days_valid_idx").on(t.validUntil),
  ],
);

/**
 * The type_id of the "every type" rows of metric_incident_weeks and metric_page_weeks (the max UUID; the nil
 * UUID means "no type").
 */
export const ANY_TYPE_ID = "ffffffff-ffff-ffff-ffff-ffffffffffff";

/**
 * metric_incident_days summed per ISO week (`week`: its Monday), rewritten whenever one of its days is, so a
 * one-year report reads ~52 rows per severity instead of 365 (edge days of a range come from the days).
 * Besides one row per type, each (week, scope, severity) has a row with type_id ANY_TYPE_ID summing every
 * type: a report without a type filter merges no sketches across types.
 */
export const metricIncidentWeeks = pgTable(
  "metric_incident_weeks",
  {
    week: date("week", { mode: "string" }).notNull(),
    scope: text("scope").notNull(),
    severity: text("severity").notNull(),
    typeId: uuid("type_id").notNull(),
    incidents: integer("incidents").notNull(),
    acknowledged: integer("acknowledged").notNull(),
    ackSumSeconds: bigint("ack_sum_seconds", { mode: "number" }).notNull(),
    ackHist: integer("ack_hist").array().notNull(),
    resolved: integer("resolved").notNull(),
    resolveSumSeconds: bigint("resolve_sum_seconds", { mode: "number" }).notNull(),
    resolveHist: integer("resolve_hist").array().notNull(),
    slaDecided: integer("sla_decided").notNull(),
    slaMet: integer("sla_met").notNull(),
    updatesRequired: integer("updates_required").notNull(),
    updatesOnTime: integer("updates_on_time").notNull(),
    postmortemsDecided: integer("postmortems_decided").notNull(),
    postmortemsOnTime: integer("postmortems_on_time").notNull(),
    postmortemsLate: integer("postmortems_late").notNull(),
    actionItemsOpen: integer("action_items_open").notNull(),
    actionItemsOverdue: integer("action_items_overdue").notNull(),
    actionItemsDone: integer("action_items_done").notNull(),
  },
  (t) => [primaryKey({ columns: [t.scope, t.week, t.severity, t.typeId] })],
);

/** Alerts per service per UTC day of their creation, and noise: alerts that opened no incident. */
export const metricAlertDays = pgTable(
  "metric_alert_days",
  {
    day: date("day", { mode: "string" }).notNull(),
    serviceId: uuid("service_id").notNull(),
    alerts: integer("alerts").notNull(),
    noise: integer("noise").notNull(),
  },
  (t) => [primaryKey({ columns: [t.serviceId, t.day] }), index("metric_alert_days_day_idx").on(t.day)],
);

/**
 * Pages per person per UTC day (by when they were sent; a failed page by when it was created), with the
 * scope, severity and type of the incident paged for (as in metric_incident_days; a page without an
 * incident has severity '' and counts in scope '*' only). Off hours: outside 09:00–18:00 Monday–Friday in
 * the person's time zone (domain/metrics/off-hours.ts).
 */
export const metricPageDays = pgTable(
  "metric_page_days",
  {
    day: date("day", { mode: "string" }).notNull(),
    scope: text("scope").notNull(),
    severity: text("severity").notNull(),
    typeId: uuid("type_id").notNull(),
    userId: uuid("user_id").notNull(),
    sent: integer("sent").notNull(),
    offHours: integer("off_hours").notNull(),
    failed: integer("failed").notNull(),
  },
  (t) => [primaryKey({ columns: [t.scope, t.day, t.severity, t.typeId, t.userId] })],
);

/** metric_page_days summed per ISO week (its Monday), with ANY_TYPE_ID rows summing every type. */
export const metricPageWeeks = pgTable(
  "metric_page_weeks",
  {
    week: date("week", { mode: "string" }).notNull(),
    scope: text("scope").notNull(),
    severity: text("severity").notNull(),
    typeId: uuid("type_id").notNull(),
    userId: uuid("user_id").notNull(),
    sent: integer("sent").notNull(),
    offHours: integer("off_hours").notNull(),
    failed: integer("failed").notNull(),
  },
  (t) => [primaryKey({ columns: [t.scope, t.week, t.severity, t.typeId, t.userId] })],
);

/**
 * Outage spans for uptime: per ISO week of incident creation (its Monday), service and severity, the merged
 * [start, end, start, end, …] epoch-millisecond spans of the ENDED incidents created that week (as the
 * status page counts them: created → resolved, else closed, else last updated), rewritten whenever one of
 * the week's incident days is recomputed. Ongoing incidents are read live (few); which severities make which
 * component status, and which services make which component, are applied when the report reads, so
 * changing either recomputes nothing. `max_end` lets a range skip weeks whose spans all ended before it.
 */
export const metricOutageWeeks = pgTable(
  "metric_outage_weeks",
  {
    week: date("week", { mode: "string" }).notNull(),
    serviceId: uuid("service_id").notNull(),
    severity: text("severity").notNull(),
    /** Float64 little-endian pairs (binary: a year of a busy installation reads in milliseconds). */
    spans: bytea("spans").notNull(),
    maxEnd: timestamp("max_end", { withTimezone: true }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.severity, t.week, t.serviceId] })],
);

/**
 * Days whose rollups must be recomputed, written by triggers (migration 0010) in the same transaction as
 * the change, so no write path can forget. kind: 'incident' | 'alert' | 'page'.
 */
export const metricDirtyDays = pgTable(
  "metric_dirty_days",
  {
    kind: text("kind").notNull(),
    day: date("day", { mode: "string" }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.kind, t.day] })],
);

/**
 * One row (id 1): the fingerprint of the severity policy and rules the rollups were computed with; when
 * the configured policy differs at start-up, every day is marked dirty.
 */
export const metricRollupState = pgTable("metric_rollup_state", {
  id: integer("id").primaryKey(),
  policyHash: text("policy_hash").notNull(),
  updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().default(sql`now()`),
});
