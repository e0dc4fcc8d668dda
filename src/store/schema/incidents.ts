import { sql } from "drizzle-orm";
import {
  boolean,
  index,
  integer,
  jsonb,
  pgSequence,
  pgTable,
  primaryKey,
  text,
  timestamp,
  uuid,
} from "drizzle-orm/pg-core";
import { services } from "./services.ts";

/** Allocates the n of INC-<n>; never reused, gaps allowed (a rolled-back declare burns a number). */
export const incidentNumberSeq = pgSequence("incident_number_seq", { startWith: 1 });

/**
 * The incident's current state. Every change to it is explained by a timeline event written in the same
 * transaction; last_event_seq/last_event_hash are the head of that event chain.
 */
export const incidents = pgTable(
  "incidents",
  {
    id: uuid("id").primaryKey(),
    number: integer("number").notNull().unique().default(sql`nextval('incident_number_seq')`),
    title: text("title").notNull(),
    description: text("description").notNull().default(""),
    severity: text("severity").notNull(),
    status: text("status").notNull(),
    commander: text("commander"),
    tags: text("tags").array().notNull().default(sql`'{}'::text[]`),
    relatedAlerts: text("related_alerts").array().notNull().default(sql`'{}'::text[]`),
    /** The affected services' names, sorted; a copy of incident_services kept in the same transaction so
     * the incident list reads one row per incident (services are never renamed). */
    serviceNames: text("service_names").array().notNull().default(sql`'{}'::text[]`),
    impact: text("impact").notNull().default(""),
    rootCause: text("root_cause").notNull().default(""),
    resolution: text("resolution").notNull().default(""),
    createdBy: text("created_by").notNull(),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull(),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull(),
    acknowledgedAt: timestamp("acknowledged_at", { withTimezone: true }),
    mitigatedAt: timestamp("mitigated_at", { withTimezone: true }),
    resolvedAt: timestamp("resolved_at", { withTimezone: true }),
    closedAt: timestamp("closed_at", { withTimezone: true }),
    /** The incident type it was declared with (incident_types.id); null: none. No FK: types can be deleted. */
    typeId: uuid("type_id"),
    /** Custom field values by field key: { "customer_tier": "gold", "orders_lost": 12 }. */
    customFields: jsonb("custom_fields")
      .$type<Record<string, string | number>>()
      .notNull()
      .default(sql`'{}'::jsonb`),
    /** The incident's own checklist (from its type); null: the built-in triage checklist (seed 001). */
    checklist: jsonb("checklist").$type<unknown[]>(),
    /** Where an imported incident came from (a markdown incident folder); re-importing it updates nothing. */
    sourceRef: text("source_ref").unique(),
    /** The name the public status page shows; null: the title. Set it when the title is internal jargon. */
    publicTitle: text("public_title"),
    /** A private incident is seen only by the people holding a role on it, its declarer and admins: it is
     * left out of lists, search, metrics drill-downs, exports, chat announcements and the status page. */
    private: boolean("private").notNull().default(false),
    lastEventSeq: integer("last_event_seq").notNull().default(0),
    lastEventHash: text("last_event_hash"),
  },
  // Plain ascending indexes: scanned backwards they serve `order by created_at desc, number desc`
  // (NULLS FIRST by default). A `desc nulls last` index would not match that order and is ignored.
  (t) => [
    index("incidents_created_idx").on(t.createdAt, t.number),
    index("incidents_status_created_idx").on(t.status, t.createdAt, t.number),
    index("incidents_severity_created_idx").on(t.severity, t.createdAt, t.number),
    index("incidents_commander_created_idx").on(t.commander, t.createdAt, t.number),
    index("incidents_custom_fields_idx").using("gin", sql`${t.customFields} jsonb_path_ops`),
  ],
);

export const incidentServices = pgTable(
  "incident_services",
  {
    incidentId: uuid("incident_id")
      .notNull()
      .references(() => incidents.id, { onDelete: "cascade" }),
    serviceId: uuid("service_id")
      .notNull()
      .references(() => services.id),
    addedAt: timestamp("added_at", { withTimezone: true }).notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.incidentId, t.serviceId] }),
    index("incident_services_service_idx").on(t.serviceId, t.incidentId),
  ],
);

/** Who holds which response role. Single-holder roles are replaced in app code; responders accumulate. */
export const incidentRoles = pgTable(
  "incident_roles",
  {
    incidentId: uuid("incident_id")
      .notNull()
      .references(() => incidents.id, { onDelete: "cascade" }),
    role: text("role").notNull(),
    person: text("person").notNull(),
    assignedBy: text("assigned_by").notNull(),
    assignedAt: timestamp("assigned_at", { withTimezone: true }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.incidentId, t.role, t.person] })],
);
