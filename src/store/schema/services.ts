import { sql } from "drizzle-orm";
import { pgTable, text, timestamp, uniqueIndex, uuid } from "drizzle-orm/pg-core";

/** A service that incidents affect; created by name on first use. Names are unique case-insensitively. */
export const services = pgTable(
  "services",
  {
    id: uuid("id").primaryKey(),
    name: text("name").notNull(),
    description: text("description").notNull().default(""),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull(),
  },
  (t) => [uniqueIndex("services_name_lower_key").on(sql`lower(${t.name})`)],
);
