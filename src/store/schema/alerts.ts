import { sql } from "drizzle-orm";
import {
  bigint,
  boolean,
  index,
  integer,
  jsonb,
  pgSequence,
  pgTable,
  primaryKey,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from "drizzle-orm/pg-core";
import { incidents } from "./incidents.ts";
import { services } from "./services.ts";

/**
 * Where alerts come from: a sender (Alertmanager, Grafana, anything speaking PagerDuty Events v2, a generic
 * JSON webhook) or a heartbeat, each tied to one service and identified by its routing key.
 */
export const integrations = pgTable(
  "integrations",
  {
    id: uuid("id").primaryKey(),
    serviceId: uuid("service_id")
      .notNull()
      .references(() => services.id),
    kind: text("kind").notNull(),
    name: text("name").notNull(),
    /** 32 characters, as PagerDuty's integration keys: the secret in the sender's URL or body. */
    routingKey: text("routing_key").notNull().unique(),
    /** Kind-specific settings: the generic mapping, Grafana's HMAC secret, a heartbeat's interval. */
    config: jsonb("config").notNull().default({}),
    /** Events per minute before 429 (503 for Alertmanager/Grafana); null: the configured default. */
    rateLimitPerMinute: integer("rate_limit_per_minute"),
    /** The last event (or heartbeat ping) received. */
    lastEventAt: timestamp("last_event_at", { withTimezone: true }),
    createdBy: text("created_by").notNull(),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull(),
  },
  (t) => [index("integrations_service_idx").on(t.serviceId)],
);

/**
 * The durable inbox: an event is acknowledged to its sender only once its row here has committed. Rows are
 * applied in id order by the alert processor and deleted in the same transaction that applies them, so each
 * acknowledged event takes effect exactly once. A row that keeps failing is kept with dead_at set.
 */
export const alertInbox = pgTable(
  "alert_inbox",
  {
    id: bigint("id", { mode: "number" }).primaryKey().generatedAlwaysAsIdentity(),
    /** The integration or health check the event came through; dedup is scoped to it. */
    sourceId: uuid("source_id").notNull(),
    /** The integration's kind (pagerduty, alertmanager, …) or "healthcheck". */
    sourceKind: text("source_kind").notNull(),
    serviceId: uuid("service_id").notNull(),
    /** "alert" (an AlertEvent) or "change" (a ChangeEvent). */
    kind: text("kind").notNull(),
    /** The event as JSON text: stored and read back whole, never queried, so text (cheaper than jsonb on PGlite). */
    event: text("event").notNull(),
    /**
     * The alert event's dedup key when it came as JSON text from the raw fast path: the processor finds its
     * alert, and recognises an identical repeat, without parsing `event` (app/alerts/process.ts applyText).
     */
    dedupKey: text("dedup_key"),
    receivedAt: timestamp("received_at", { withTimezone: true }).notNull(),
    attempts: integer("attempts").notNull().default(0),
    lastError: text("last_error"),
    deadAt: timestamp("dead_at", { withTimezone: true }),
  },
  (t) => [
    // A group commit counts an identical repeat on its open alert only when no earlier event of the same key
    // is still waiting here (store/inbox.ts insertInboxRows).
    index("alert_inbox_key_idx").on(t.sourceId, t.dedupKey).where(sql`dead_at is null`),
  ],
);

/** Allocates the n of ALR-<n>. */
export const alertNumberSeq = pgSequence("alert_number_seq", { startWith: 1 });

/**
 * One alert: the open instance of a dedup key within its source. A trigger for a key whose alert resolved
 * opens a new row; repeats only bump event_count and last_event_at.
 */
export const alerts = pgTable(
  "alerts",
  {
    id: uuid("id").primaryKey(),
    number: integer("number").notNull().unique().default(sql`nextval('alert_number_seq')`),
    sourceId: uuid("source_id").notNull(),
    /** pagerduty | alertmanager | grafana | generic | heartbeat | healthcheck */
    sourceKind: text("source_kind").notNull(),
    serviceId: uuid("service_id")
      .notNull()
      .references(() => services.id),
    dedupKey: text("dedup_key").notNull(),
    /** triggered | acknowledged | resolved */
    status: text("status").notNull(),
    summary: text("summary").notNull(),
    source: text("source").notNull().default(""),
    severity: text("severity"),
    component: text("component"),
    group: text("group"),
    class: text("class"),
    client: text("client"),
    clientUrl: text("client_url"),
    details: jsonb("details").notNull().default({}),
    links: jsonb("links").notNull().default([]),
    images: jsonb("images").notNull().default([]),
    /** Hash of summary, severity, details, links and images as last written: a repeat that matches it rewrites none of them. */
    contentDigest: text("content_digest"),
    /**
     * Digest of the JSON text of the trigger last applied to this open alert (app/alerts/process.ts
     * applyText); null when the last event applied was anything else. An event with the very same text can
     * only count a repeat, so a group commit on PostgreSQL counts it here without storing it in the inbox.
     */
    lastTriggerDigest: text("last_trigger_digest"),
    eventCount: integer("event_count").notNull().default(1),
    truncatedAlerts: integer("truncated_alerts").notNull().default(0),
    /** Opened during a maintenance window: recorded, but no incident and no page. */
    suppressed: boolean("suppressed").notNull().default(false),
    incidentId: uuid("incident_id").references(() => incidents.id, { onDelete: "set null" }),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull(),
    lastEventAt: timestamp("last_event_at", { withTimezone: true }).notNull(),
    acknowledgedAt: timestamp("acknowledged_at", { withTimezone: true }),
    resolvedAt: timestamp("resolved_at", { withTimezone: true }),
  },
  (t) => [
    // At most one open alert per key and source: the dedup rule, enforced by the database.
    uniqueIndex("alerts_open_key").on(t.sourceId, t.dedupKey).where(sql`status <> 'resolved'`),
    index("alerts_created_idx").on(t.createdAt, t.number),
    index("alerts_service_idx").on(t.serviceId, t.createdAt),
    index("alerts_incident_idx").on(t.incidentId),
    index("alerts_key_idx").on(t.sourceId, t.dedupKey, t.createdAt),
  ],
);

/** The members of a grouped alert (Alertmanager/Grafana), tracked by fingerprint. */
export const alertMembers = pgTable(
  "alert_members",
  {
    alertId: uuid("alert_id")
      .notNull()
      .references(() => alerts.id, { onDelete: "cascade" }),
    fingerprint: text("fingerprint").notNull(),
    status: text("status").notNull(),
    labels: jsonb("labels").notNull().default({}),
    annotations: jsonb("annotations").notNull().default({}),
    startsAt: timestamp("starts_at", { withTimezone: true }),
    endsAt: timestamp("ends_at", { withTimezone: true }),
    generatorUrl: text("generator_url"),
    extra: jsonb("extra").notNull().default({}),
    /** Hash of what is stored (memberDigest): an identical repeat writes nothing. Null: write next time. */
    digest: text("digest"),
    /** When the member last changed (not when it was last repeated: the alert's last_event_at says that). */
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.alertId, t.fingerprint] })],
);

/** What happened to each event that changed something or was dropped: the integration's log. */
export const alertLog = pgTable(
  "alert_log",
  {
    id: bigint("id", { mode: "number" }).primaryKey().generatedAlwaysAsIdentity(),
    sourceId: uuid("source_id").notNull(),
    alertId: uuid("alert_id"),
    at: timestamp("at", { withTimezone: true }).notNull(),
    action: text("action").notNull(),
    /** opened | attached | acknowledged | resolved | changed | dropped | suppressed | failed */
    outcome: text("outcome").notNull(),
    message: text("message").notNull(),
  },
  (t) => [index("alert_log_source_idx").on(t.sourceId, t.id)],
);

/** PagerDuty change events (deploys, config changes), shown on the service and on nearby incidents. */
export const changeEvents = pgTable(
  "change_events",
  {
    id: uuid("id").primaryKey(),
    integrationId: uuid("integration_id").notNull(),
    serviceId: uuid("service_id")
      .notNull()
      .references(() => services.id),
    summary: text("summary").notNull(),
    source: text("source"),
    at: timestamp("at", { withTimezone: true }).notNull(),
    details: jsonb("details").notNull().default({}),
    links: jsonb("links").notNull().default([]),
    receivedAt: timestamp("received_at", { withTimezone: true }).notNull(),
  },
  (t) => [index("change_events_service_idx").on(t.serviceId, t.at)],
);

/** HTTP health checks of a service (seed 001's triage step). */
export const healthChecks = pgTable(
  "health_checks",
  {
    id: uuid("id").primaryKey(),
    serviceId: uuid("service_id")
      .notNull()
      .references(() => services.id),
    name: text("name").notNull(),
    url: text("url").notNull(),
    method: text("method").notNull().default("GET"),
    intervalSeconds: integer("interval_seconds").notNull(),
    timeoutMs: integer("timeout_ms").notNull(),
    /** "2xx", or a comma-separated list of codes such as "200,204". */
    expectedStatus: text("expected_status").notNull().default("2xx"),
    keyword: text("keyword"),
    jsonPath: text("json_path"),
    jsonEquals: text("json_equals"),
    /** Consecutive failures before an alert opens (damps flapping); one pass resolves it. */
    failureThreshold: integer("failure_threshold").notNull().default(3),
    /** passing | failing | unknown */
    state: text("state").notNull().default("unknown"),
    consecutiveFailures: integer("consecutive_failures").notNull().default(0),
    lastCheckedAt: timestamp("last_checked_at", { withTimezone: true }),
    lastLatencyMs: integer("last_latency_ms"),
    lastError: text("last_error"),
    nextCheckAt: timestamp("next_check_at", { withTimezone: true }).notNull(),
    createdBy: text("created_by").notNull(),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull(),
  },
  (t) => [
    uniqueIndex("health_checks_service_name_key").on(t.serviceId, sql`lower(${t.name})`),
    index("health_checks_due_idx").on(t.nextCheckAt),
  ],
);

export const healthCheckResults = pgTable(
  "health_check_results",
  {
    id: bigint("id", { mode: "number" }).primaryKey().generatedAlwaysAsIdentity(),
    checkId: uuid("check_id")
      .notNull()
      .references(() => healthChecks.id, { onDelete: "cascade" }),
    at: timestamp("at", { withTimezone: true }).notNull(),
    ok: boolean("ok").notNull(),
    statusCode: integer("status_code"),
    latencyMs: integer("latency_ms").notNull(),
    error: text("error"),
  },
  (t) => [index("health_check_results_check_idx").on(t.checkId, t.at)],
);

/** While a window is active, the service's alerts are recorded but open no incident and page no one. */
export const maintenanceWindows = pgTable(
  "maintenance_windows",
  {
    id: uuid("id").primaryKey(),
    serviceId: uuid("service_id")
      .notNull()
      .references(() => services.id),
    startsAt: timestamp("starts_at", { withTimezone: true }).notNull(),
    endsAt: timestamp("ends_at", { withTimezone: true }).notNull(),
    /** The IANA zone the window was entered in, to show it as entered. */
    timeZone: text("time_zone").notNull(),
    reason: text("reason").notNull().default(""),
    createdBy: text("created_by").notNull(),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull(),
  },
  (t) => [index("maintenance_windows_service_idx").on(t.serviceId, t.endsAt)],
);
