import { sql } from "drizzle-orm";
import {
  boolean,
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
import { users } from "./auth.ts";
import { incidents } from "./incidents.ts";

/** How a person is reached: email address, Slack user id, phone number (sms/voice), webhook URL, console. */
export const contactMethods = pgTable(
  "contact_methods",
  {
    id: uuid("id").primaryKey(),
    userId: uuid("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    kind: text("kind").notNull(),
    address: text("address").notNull(),
    label: text("label").notNull().default(""),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull(),
  },
  (t) => [uniqueIndex("contact_methods_user_kind_address").on(t.userId, t.kind, t.address)],
);

/** A person's rule: "this contact method, N minutes after I am paged, while unacknowledged". */
export const notificationRules = pgTable(
  "notification_rules",
  {
    id: uuid("id").primaryKey(),
    userId: uuid("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    contactMethodId: uuid("contact_method_id")
      .notNull()
      .references(() => contactMethods.id, { onDelete: "cascade" }),
    delayMinutes: integer("delay_minutes").notNull(),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull(),
  },
  (t) => [uniqueIndex("notification_rules_method_delay").on(t.contactMethodId, t.delayMinutes)],
);

export const teams = pgTable(
  "teams",
  {
    id: uuid("id").primaryKey(),
    name: text("name").notNull(),
    description: text("description").notNull().default(""),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull(),
  },
  (t) => [uniqueIndex("teams_name_lower_key").on(sql`lower(${t.name})`)],
);

/** Team membership; a `manager` is who "notify the manager" means for the team. */
export const teamMembers = pgTable(
  "team_members",
  {
    teamId: uuid("team_id")
      .notNull()
      .references(() => teams.id, { onDelete: "cascade" }),
    userId: uuid("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    role: text("role").notNull().default("member"),
    addedAt: timestamp("added_at", { withTimezone: true }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.teamId, t.userId] }), index("team_members_user_idx").on(t.userId)],
);

/** A schedule: its zone and layers (domain/schedule ScheduleSpec layers, user ids) as one document. */
export const schedules = pgTable(
  "schedules",
  {
    id: uuid("id").primaryKey(),
    name: text("name").notNull(),
    description: text("description").notNull().default(""),
    timeZone: text("time_zone").notNull(),
    layers: jsonb("layers").$type<unknown[]>().notNull(),
    /** Secret part of the schedule's iCalendar feed URL (calendar apps cannot send tokens). */
    feedToken: text("feed_token").notNull(),
    /** The owning team: its managers may change the schedule (docs/access.md); null: any manager. */
    teamId: uuid("team_id").references(() => teams.id, { onDelete: "set null" }),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull(),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull(),
  },
  (t) => [uniqueIndex("schedules_name_lower_key").on(sql`lower(${t.name})`)],
);

export const scheduleOverrides = pgTable(
  "schedule_overrides",
  {
    id: uuid("id").primaryKey(),
    scheduleId: uuid("schedule_id")
      .notNull()
      .references(() => schedules.id, { onDelete: "cascade" }),
    kind: text("kind").notNull(),
    userId: uuid("user_id").references(() => users.id, { onDelete: "cascade" }),
    replacesUserId: uuid("replaces_user_id").references(() => users.id, { onDelete: "cascade" }),
    startsAt: timestamp("starts_at", { withTimezone: true }).notNull(),
    endsAt: timestamp("ends_at", { withTimezone: true }).notNull(),
    note: text("note").notNull().default(""),
    createdBy: text("created_by").notNull(),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull(),
  },
  (t) => [index("schedule_overrides_schedule_idx").on(t.scheduleId, t.endsAt)],
);

/** Ordered levels of targets with delays, repeated `repeat` more times; levels as one JSON document. */
export const escalationPolicies = pgTable(
  "escalation_policies",
  {
    id: uuid("id").primaryKey(),
    name: text("name").notNull(),
    description: text("description").notNull().default(""),
    repeat: integer("repeat").notNull().default(0),
    levels: jsonb("levels").$type<unknown[]>().notNull(),
    /** The owning team: its managers may change the policy (docs/access.md); null: any manager. */
    teamId: uuid("team_id").references(() => teams.id, { onDelete: "set null" }),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull(),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull(),
  },
  (t) => [uniqueIndex("escalation_policies_name_lower_key").on(sql`lower(${t.name})`)],
);

/** Round-robin position of a policy level: who gets the next page at that level. */
export const roundRobinCursors = pgTable(
  "round_robin_cursors",
  {
    policyId: uuid("policy_id")
      .notNull()
      .references(() => escalationPolicies.id, { onDelete: "cascade" }),
    level: integer("level").notNull(),
    position: integer("position").notNull(),
  },
  (t) => [primaryKey({ columns: [t.policyId, t.level] })],
);

/** Seed 003's matrix: conditions (severity, tags, unresolved for) → targets, evaluated on open incidents. */
export const escalationRules = pgTable(
  "escalation_rules",
  {
    id: uuid("id").primaryKey(),
    name: text("name").notNull(),
    enabled: boolean("enabled").notNull().default(true),
    severities: text("severities").array().notNull().default(sql`'{}'::text[]`),
    tags: text("tags").array().notNull().default(sql`'{}'::text[]`),
    unresolvedMinutes: integer("unresolved_minutes"),
    targets: jsonb("targets").$type<unknown[]>().notNull(),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull(),
  },
  (t) => [uniqueIndex("escalation_rules_name_lower_key").on(sql`lower(${t.name})`)],
);

export const escalationRuleFirings = pgTable(
  "escalation_rule_firings",
  {
    incidentId: uuid("incident_id")
      .notNull()
      .references(() => incidents.id, { onDelete: "cascade" }),
    ruleId: uuid("rule_id")
      .notNull()
      .references(() => escalationRules.id, { onDelete: "cascade" }),
    firedAt: timestamp("fired_at", { withTimezone: true }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.incidentId, t.ruleId] })],
);

/**
 * Where an incident's escalation stands: the fencing row. A step job runs only when (level, cycle) still
 * match and the state is active; acknowledging sets state = stopped in the ack's own transaction.
 */
export const incidentEscalations = pgTable(
  "incident_escalations",
  {
    incidentId: uuid("incident_id")
      .primaryKey()
      .references(() => incidents.id, { onDelete: "cascade" }),
    policyId: uuid("policy_id"),
    level: integer("level").notNull(),
    cycle: integer("cycle").notNull(),
    state: text("state").notNull(),
    nextAt: timestamp("next_at", { withTimezone: true }),
    lastReminderAt: timestamp("last_reminder_at", { withTimezone: true }),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull(),
  },
  (t) => [index("incident_escalations_active_idx").on(t.state)],
);

/**
 * One message to one contact method of one person. `dedup_key` makes "never twice for one step" a
 * constraint (page:<incident>:<level>:<cycle>:<user>:<contact method>). State: pending → sending (with a
 * deadline: the crash window) → sent | failed (retried while attempts remain, then dead) | cancelled.
 */
export const notifications = pgTable(
  "notifications",
  {
    id: uuid("id").primaryKey(),
    dedupKey: text("dedup_key").unique(),
    incidentId: uuid("incident_id").references(() => incidents.id, { onDelete: "cascade" }),
    userId: uuid("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    contactMethodId: uuid("contact_method_id")
      .notNull()
      .references(() => contactMethods.id, { onDelete: "cascade" }),
    reason: text("reason").notNull(),
    summary: text("summary").notNull(),
    state: text("state").notNull(),
    dueAt: timestamp("due_at", { withTimezone: true }).notNull(),
    deadline: timestamp("deadline", { withTimezone: true }),
    attempts: integer("attempts").notNull().default(0),
    lastError: text("last_error"),
    /** The bundle this was sent in: the stable delivery id receivers dedupe on. */
    deliveryId: uuid("delivery_id"),
    providerRef: jsonb("provider_ref").$type<Record<string, string>>(),
    /** Random secret of the one-click acknowledge/resolve link (/p/<token>); it only acts on this page. */
    linkToken: text("link_token"),
    /** Short code for SMS replies ("4 A7K"). */
    replyCode: text("reply_code"),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull(),
    sentAt: timestamp("sent_at", { withTimezone: true }),
  },
  (t) => [
    index("notifications_method_state_idx").on(t.contactMethodId, t.state, t.dueAt),
    // The throttle reads each method's last send (max sent_at) before every delivery: one index probe,
    // instead of a scan over every page the method was ever sent.
    index("notifications_method_sent_idx").on(t.contactMethodId, t.sentAt).where(sql`state = 'sent'`),
    index("notifications_incident_idx").on(t.incidentId),
    index("notifications_state_created_idx").on(t.state, t.createdAt),
    uniqueIndex("notifications_link_idx").on(t.linkToken),
  ],
);

/** The Slack message an incident was announced with (its thread gets every later change). */
export const chatAnnouncements = pgTable("chat_announcements", {
  incidentId: uuid("incident_id")
    .primaryKey()
    .references(() => incidents.id, { onDelete: "cascade" }),
  channel: text("channel").notNull(),
  ts: text("ts").notNull(),
  dedicatedChannel: text("dedicated_channel"),
  postedSeq: integer("posted_seq").notNull().default(0),
  createdAt: timestamp("created_at", { withTimezone: true }).notNull(),
});
