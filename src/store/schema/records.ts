import { bigint, index, integer, pgTable, text, timestamp, uuid } from "drizzle-orm/pg-core";
import { incidents } from "./incidents.ts";

/** Links to metrics, logs, traces and screenshots attached to an incident. */
export const evidence = pgTable(
  "evidence",
  {
    id: uuid("id").primaryKey(),
    incidentId: uuid("incident_id")
      .notNull()
      .references(() => incidents.id, { onDelete: "cascade" }),
    kind: text("kind").notNull(),
    url: text("url").notNull(),
    caption: text("caption").notNull().default(""),
    addedBy: text("added_by").notNull(),
    addedAt: timestamp("added_at", { withTimezone: true }).notNull(),
  },
  (t) => [index("evidence_incident_idx").on(t.incidentId, t.addedAt)],
);

/** Seed 002's StatusUpdate: internal ones for responders, external ones for the public status page. */
export const statusUpdates = pgTable(
  "status_updates",
  {
    id: uuid("id").primaryKey(),
    incidentId: uuid("incident_id")
      .notNull()
      .references(() => incidents.id, { onDelete: "cascade" }),
    message: text("message").notNull(),
    status: text("status").notNull(),
    visibility: text("visibility").notNull(),
    createdBy: text("created_by").notNull(),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull(),
  },
  (t) => [index("status_updates_incident_idx").on(t.incidentId, t.createdAt)],
);

export const actionItems = pgTable(
  "action_items",
  {
    id: uuid("id").primaryKey(),
    /**
     * Insertion order: items added in the same instant (one transaction, an import, the demo) keep the order
     * they were added in, so "action item 2" means the same item on every read.
     */
    seq: bigint("seq", { mode: "number" }).generatedAlwaysAsIdentity(),
    incidentId: uuid("incident_id")
      .notNull()
      .references(() => incidents.id, { onDelete: "cascade" }),
    title: text("title").notNull(),
    description: text("description").notNull().default(""),
    owner: text("owner"),
    priority: text("priority").notNull(),
    status: text("status").notNull(),
    dueAt: timestamp("due_at", { withTimezone: true }),
    createdBy: text("created_by").notNull(),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull(),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull(),
    completedAt: timestamp("completed_at", { withTimezone: true }),
    /** The GitHub issue it was filed as ("owner/repo", number, html URL); null until filed. */
    issueRepository: text("issue_repository"),
    issueNumber: integer("issue_number"),
    issueUrl: text("issue_url"),
    filedAt: timestamp("filed_at", { withTimezone: true }),
  },
  (t) => [
    index("action_items_incident_idx").on(t.incidentId, t.createdAt, t.seq),
    // GitHub's "issue closed" webhook finds the item by repository and number.
    index("action_items_issue_idx").on(t.issueRepository, t.issueNumber),
  ],
);
