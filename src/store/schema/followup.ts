import { sql } from "drizzle-orm";
import {
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
import { incidents } from "./incidents.ts";
import { services } from "./services.ts";

/**
 * A custom incident field (text, number or select). Values live in incidents.custom_fields keyed by `key`;
 * keys are lower-case slugs and never change once used.
 */
export const customFields = pgTable(
  "custom_fields",
  {
    id: uuid("id").primaryKey(),
    key: text("key").notNull(),
    label: text("label").notNull(),
    /** text | number | select */
    kind: text("kind").notNull(),
    /** The allowed values of a select field, in display order; empty for text and number. */
    options: text("options").array().notNull().default(sql`'{}'::text[]`),
    description: text("description").notNull().default(""),
    position: integer("position").notNull().default(0),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull(),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull(),
  },
  (t) => [uniqueIndex("custom_fields_key_key").on(t.key)],
);

/**
 * An incident type ("Security breach", "Database"): defaults applied when an incident is declared with it.
 * `checklist` null means the built-in triage checklist (seed 001); an array replaces it (empty: none).
 */
export const incidentTypes = pgTable(
  "incident_types",
  {
    id: uuid("id").primaryKey(),
    name: text("name").notNull(),
    description: text("description").notNull().default(""),
    /** Default severity (canonical SEV1..SEV4), or null: the declarer must give one. */
    severity: text("severity"),
    /** Default affected services, by name. */
    services: text("services").array().notNull().default(sql`'{}'::text[]`),
    /** Default role holders: [{ role, person }]. */
    roles: jsonb("roles").$type<unknown[]>().notNull().default(sql`'[]'::jsonb`),
    /** Checklist tasks: [{ key, title, due_minute, details[] }], or null for the built-in triage checklist. */
    checklist: jsonb("checklist").$type<unknown[]>(),
    /** Default custom field values: { key: value }. */
    fieldDefaults: jsonb("field_defaults")
      .$type<Record<string, unknown>>()
      .notNull()
      .default(sql`'{}'::jsonb`),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull(),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull(),
  },
  (t) => [uniqueIndex("incident_types_name_lower_key").on(sql`lower(${t.name})`)],
);

/** A ticked checklist task of an incident; unticking deletes the row (the timeline keeps both events). */
export const incidentTasks = pgTable(
  "incident_tasks",
  {
    incidentId: uuid("incident_id")
      .notNull()
      .references(() => incidents.id, { onDelete: "cascade" }),
    taskKey: text("task_key").notNull(),
    doneBy: text("done_by").notNull(),
    doneAt: timestamp("done_at", { withTimezone: true }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.incidentId, t.taskKey] })],
);

/** A service's runbook (seed 001's sections), the current text; every saved text is in runbook_versions. */
export const runbooks = pgTable("runbooks", {
  id: uuid("id").primaryKey(),
  serviceId: uuid("service_id")
    .notNull()
    .unique()
    .references(() => services.id, { onDelete: "cascade" }),
  title: text("title").notNull(),
  body: text("body").notNull(),
  version: integer("version").notNull(),
  /** Where it came from: "ui", "api", or the imported file's path. */
  source: text("source").notNull().default("api"),
  createdAt: timestamp("created_at", { withTimezone: true }).notNull(),
  updatedBy: text("updated_by").notNull(),
  updatedAt: timestamp("updated_at", { withTimezone: true }).notNull(),
});

/** Every saved text of a runbook, version 1 onwards; the highest is the current one. */
export const runbookVersions = pgTable(
  "runbook_versions",
  {
    runbookId: uuid("runbook_id")
      .notNull()
      .references(() => runbooks.id, { onDelete: "cascade" }),
    version: integer("version").notNull(),
    title: text("title").notNull(),
    body: text("body").notNull(),
    savedBy: text("saved_by").notNull(),
    savedAt: timestamp("saved_at", { withTimezone: true }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.runbookId, t.version] })],
);

/**
 * An incident's postmortem (SPEC §3): the written sections as structured text; the header, timeline and
 * action items are rendered from the incident's live data, so there is one list of action items.
 * status: draft → in_review → published.
 */
export const postmortems = pgTable(
  "postmortems",
  {
    incidentId: uuid("incident_id")
      .primaryKey()
      .references(() => incidents.id, { onDelete: "cascade" }),
    status: text("status").notNull().default("draft"),
    author: text("author").notNull(),
    reviewers: text("reviewers").array().notNull().default(sql`'{}'::text[]`),
    /** { summary, impact: { customers, symptom, data_integrity, revenue }, root_cause, five_whys[], … }. */
    sections: jsonb("sections").$type<Record<string, unknown>>().notNull(),
    /** Sections last filled by an AI draft and not edited since, with the model and time; null: none. */
    aiDraft: jsonb("ai_draft").$type<Record<string, unknown>>(),
    /** Bumped on every save; a save names the version it edited, so two editors never overwrite each other. */
    version: integer("version").notNull().default(1),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull(),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull(),
    publishedAt: timestamp("published_at", { withTimezone: true }),
    publishedBy: text("published_by"),
  },
  (t) => [index("postmortems_status_idx").on(t.status)],
);

/** When the overdue-postmortem reminder last went out for an incident (with or without a postmortem row). */
export const postmortemReminders = pgTable("postmortem_reminders", {
  incidentId: uuid("incident_id")
    .primaryKey()
    .references(() => incidents.id, { onDelete: "cascade" }),
  lastSentAt: timestamp("last_sent_at", { withTimezone: true }).notNull(),
  count: integer("count").notNull().default(1),
});
