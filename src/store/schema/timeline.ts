import { integer, jsonb, pgTable, primaryKey, text, timestamp, uuid } from "drizzle-orm/pg-core";
import { incidents } from "./incidents.ts";

/**
 * Append-only: a trigger (migration 0001) refuses UPDATE and DELETE. `hash` chains each event to the
 * previous one of the same incident (domain/incident/timeline.ts).
 */
export const timelineEvents = pgTable(
  "timeline_events",
  {
    incidentId: uuid("incident_id")
      .notNull()
      .references(() => incidents.id),
    seq: integer("seq").notNull(),
    kind: text("kind").notNull(),
    actor: text("actor").notNull(),
    at: timestamp("at", { withTimezone: true }).notNull(),
    data: jsonb("data").$type<Record<string, unknown>>().notNull(),
    prevHash: text("prev_hash"),
    hash: text("hash").notNull(),
  },
  (t) => [primaryKey({ columns: [t.incidentId, t.seq] })],
);
