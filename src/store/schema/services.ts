import { sql } from "drizzle-orm";
import { jsonb, pgTable, text, timestamp, uniqueIndex, uuid } from "drizzle-orm/pg-core";
import { escalationPolicies, teams } from "./oncall.ts";

/** A service that incidents affect; created by name on first use. Names are unique case-insensitively. */
export const services = pgTable(
  "services",
  {
    id: uuid("id").primaryKey(),
    name: text("name").notNull(),
    description: text("description").notNull().default(""),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull(),
    /** Alert severity → incident severity overrides (critical/error/warning/info → SEV1..SEV4); null: defaults. */
    severityMap: jsonb("severity_map"),
    /** What an incident becomes once all its alerts resolved: mitigating | resolved | none; null: configured default. */
    onAlertsResolved: text("on_alerts_resolved"),
    /** Who is paged for this service's incidents; null: nobody is paged (a warning says so). */
    escalationPolicyId: uuid("escalation_policy_id").references(() => escalationPolicies.id),
    /** The team that owns the service (metrics' team filter; issue 10's team scoping); null: no team. */
    teamId: uuid("team_id").references(() => teams.id, { onDelete: "set null" }),
  },
  (t) => [uniqueIndex("services_name_lower_key").on(sql`lower(${t.name})`)],
);
