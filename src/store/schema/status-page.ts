import { sql } from "drizzle-orm";
import {
  boolean,
  check,
  date,
  index,
  integer,
  jsonb,
  pgTable,
  primaryKey,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from "drizzle-orm/pg-core";
import { services } from "./services.ts";

/**
 * The public status page's settings: one row (id = 1), created with defaults by the migration. Everything
 * here is public except `webhookSecretHint`-like material, of which there is none: secrets live elsewhere.
 */
export const statusPageSettings = pgTable(
  "status_page_settings",
  {
    id: integer("id").primaryKey().default(1),
    name: text("name").notNull().default("Status"),
    /** The page's public URL (custom domain or <publicUrl>/status); null: derived from server.publicUrl. */
    url: text("url"),
    logoUrl: text("logo_url"),
    /** Accent colour, #rrggbb. */
    brandColor: text("brand_color").notNull().default("#2563eb"),
    /** IANA zone the page shows times in, and in which uptime days begin. */
    timeZone: text("time_zone").notNull().default("UTC"),
    /** Host name (no port) on which `/` serves the page, e.g. status.example.com; null: none. */
    customDomain: text("custom_domain"),
    /** [{ label, url }] shown in the footer. */
    footerLinks: jsonb("footer_links")
      .$type<{ label: string; url: string }[]>()
      .notNull()
      .default(sql`'[]'::jsonb`),
    /** Show the names of an incident's responders on public incidents (off: nothing internal leaks). */
    showResponders: boolean("show_responders").notNull().default(false),
    /** Incident severity → the status it gives the components of its services while open. */
    componentStatusBySeverity: jsonb("component_status_by_severity")
      .$type<Record<string, string>>()
      .notNull()
      .default(
        sql`'{"SEV1":"major_outage","SEV2":"partial_outage","SEV3":"degraded_performance","SEV4":"operational"}'::jsonb`,
      ),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [check("status_page_settings_singleton", sql`${t.id} = 1`)],
);

/**
 * A component shown on the status page ("API", "Checkout"), or a group of them (`isGroup`). Ids are
 * 12-character lower-case alphanumerics, as in Atlassian Statuspage; clients treat them as opaque.
 */
export const statusComponents = pgTable(
  "status_components",
  {
    id: text("id").primaryKey(),
    name: text("name").notNull(),
    description: text("description"),
    /** The group it is shown in; null: top level. A group never has a group. */
    groupId: text("group_id"),
    isGroup: boolean("is_group").notNull().default(false),
    position: integer("position").notNull().default(0),
    /** Show the 90-day uptime bar. */
    showcase: boolean("showcase").notNull().default(true),
    onlyShowIfDegraded: boolean("only_show_if_degraded").notNull().default(false),
    /** First day uptime is counted from (days before show "no data"); null: from creation. */
    startDate: date("start_date", { mode: "string" }),
    /** A status set by hand; it wins over what incidents and maintenance say until cleared (null). */
    manualStatus: text("manual_status"),
    manualStatusBy: text("manual_status_by"),
    manualStatusAt: timestamp("manual_status_at", { withTimezone: true }),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull(),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull(),
  },
  (t) => [
    uniqueIndex("status_components_name_key").on(sql`lower(${t.name})`),
    index("status_components_group_idx").on(t.groupId, t.position),
  ],
);

/** Which services a component stands for: an open incident on any of them sets the component's status. */
export const statusComponentServices = pgTable(
  "status_component_services",
  {
    componentId: text("component_id")
      .notNull()
      .references(() => statusComponents.id, { onDelete: "cascade" }),
    serviceId: uuid("service_id")
      .notNull()
      .references(() => services.id, { onDelete: "cascade" }),
  },
  (t) => [
    primaryKey({ columns: [t.componentId, t.serviceId] }),
    index("status_component_services_service_idx").on(t.serviceId),
  ],
);

/**
 * Every change of a component's hand-set status (set or cleared), append-only: the uptime history of
 * the hours a component was marked down by hand. Incident-derived status is computed from incidents.
 */
export const statusComponentChanges = pgTable(
  "status_component_changes",
  {
    id: uuid("id").primaryKey(),
    componentId: text("component_id")
      .notNull()
      .references(() => statusComponents.id, { onDelete: "cascade" }),
    /** The hand-set status from `at` on; null: cleared (back to what incidents say). */
    manualStatus: text("manual_status"),
    changedBy: text("changed_by").notNull(),
    at: timestamp("at", { withTimezone: true }).notNull(),
  },
  (t) => [index("status_component_changes_component_idx").on(t.componentId, t.at)],
);

/**
 * A scheduled maintenance. Its status follows its times (scheduled → in_progress → completed) unless set
 * by hand (`manualStatus`, e.g. verifying, or completed early). Ids as for components.
 */
export const statusMaintenances = pgTable(
  "status_maintenances",
  {
    id: text("id").primaryKey(),
    title: text("title").notNull(),
    /** What will happen and what users will notice (plain text). */
    body: text("body").notNull().default(""),
    scheduledFor: timestamp("scheduled_for", { withTimezone: true }).notNull(),
    scheduledUntil: timestamp("scheduled_until", { withTimezone: true }).notNull(),
    /** Status set by hand (in_progress | verifying | completed); null: derived from the times. */
    manualStatus: text("manual_status"),
    /** Affected component ids (no FK: a deleted component just drops out). */
    componentIds: text("component_ids").array().notNull().default(sql`'{}'::text[]`),
    /** Remind subscribers 60 min before it starts. */
    remindPrior: boolean("remind_prior").notNull().default(true),
    remindedAt: timestamp("reminded_at", { withTimezone: true }),
    /** The last status subscribers were told about (scheduled | in_progress | completed …). */
    notifiedStatus: text("notified_status"),
    createdBy: text("created_by").notNull(),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull(),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull(),
  },
  (t) => [index("status_maintenances_scheduled_idx").on(t.scheduledFor)],
);

/** A maintenance's public updates (the automatic "started"/"completed" ones too), newest last. */
export const statusMaintenanceUpdates = pgTable(
  "status_maintenance_updates",
  {
    id: text("id").primaryKey(),
    maintenanceId: text("maintenance_id")
      .notNull()
      .references(() => statusMaintenances.id, { onDelete: "cascade" }),
    status: text("status").notNull(),
    body: text("body").notNull(),
    createdBy: text("created_by").notNull(),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull(),
  },
  (t) => [index("status_maintenance_updates_idx").on(t.maintenanceId, t.createdAt)],
);

/**
 * Someone who wants to hear about incidents and maintenance: an email address (double opt-in), a webhook
 * URL (JSON, signed with `secret`) or a Slack incoming webhook URL.
 */
export const statusSubscribers = pgTable(
  "status_subscribers",
  {
    id: uuid("id").primaryKey(),
    /** email | webhook | slack */
    kind: text("kind").notNull(),
    /** The email address or URL. */
    target: text("target").notNull(),
    /** Where a webhook or Slack subscriber is told it was disabled; for email subscribers the address. */
    contactEmail: text("contact_email"),
    /** Only these components' incidents and maintenance; empty: everything. */
    componentIds: text("component_ids").array().notNull().default(sql`'{}'::text[]`),
    /** Webhook signing secret (HMAC-SHA256), shown once at creation. Null for email and Slack. */
    secret: text("secret"),
    /** sha256 of the confirmation token mailed for double opt-in; null once confirmed. */
    confirmTokenHash: text("confirm_token_hash"),
    confirmedAt: timestamp("confirmed_at", { withTimezone: true }),
    /** sha256 of the unsubscribe token put in every message's one-click unsubscribe link. */
    unsubscribeTokenHash: text("unsubscribe_token_hash").notNull(),
    consecutiveFailures: integer("consecutive_failures").notNull().default(0),
    lastError: text("last_error"),
    disabledAt: timestamp("disabled_at", { withTimezone: true }),
    disabledReason: text("disabled_reason"),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull(),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull(),
  },
  (t) => [
    uniqueIndex("status_subscribers_target_key").on(t.kind, sql`lower(${t.target})`),
    uniqueIndex("status_subscribers_confirm_key").on(t.confirmTokenHash),
    uniqueIndex("status_subscribers_unsubscribe_key").on(t.unsubscribeTokenHash),
  ],
);
