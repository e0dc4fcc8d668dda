CREATE TABLE "metric_alert_days" (
	"day" date NOT NULL,
	"service_id" uuid NOT NULL,
	"alerts" integer NOT NULL,
	"noise" integer NOT NULL,
	CONSTRAINT "metric_alert_days_service_id_day_pk" PRIMARY KEY("service_id","day")
);
--> statement-breakpoint
CREATE TABLE "metric_dirty_days" (
	"kind" text NOT NULL,
	"day" date NOT NULL,
	CONSTRAINT "metric_dirty_days_kind_day_pk" PRIMARY KEY("kind","day")
);
--> statement-breakpoint
CREATE TABLE "metric_incident_days" (
	"day" date NOT NULL,
	"scope" text NOT NULL,
	"severity" text NOT NULL,
	"type_id" uuid NOT NULL,
	"incidents" integer NOT NULL,
	"acknowledged" integer NOT NULL,
	"ack_sum_seconds" bigint NOT NULL,
	"ack_hist" integer[] NOT NULL,
	"resolved" integer NOT NULL,
	"resolve_sum_seconds" bigint NOT NULL,
	"resolve_hist" integer[] NOT NULL,
	"sla_decided" integer NOT NULL,
	"sla_met" integer NOT NULL,
	"updates_required" integer NOT NULL,
	"updates_on_time" integer NOT NULL,
	"postmortems_decided" integer NOT NULL,
	"postmortems_on_time" integer NOT NULL,
	"postmortems_late" integer NOT NULL,
	"action_items_open" integer NOT NULL,
	"action_items_overdue" integer NOT NULL,
	"action_items_done" integer NOT NULL,
	"valid_until" timestamp with time zone,
	CONSTRAINT "metric_incident_days_scope_day_severity_type_id_pk" PRIMARY KEY("scope","day","severity","type_id")
);
--> statement-breakpoint
CREATE TABLE "metric_incident_weeks" (
	"week" date NOT NULL,
	"scope" text NOT NULL,
	"severity" text NOT NULL,
	"type_id" uuid NOT NULL,
	"incidents" integer NOT NULL,
	"acknowledged" integer NOT NULL,
	"ack_sum_seconds" bigint NOT NULL,
	"ack_hist" integer[] NOT NULL,
	"resolved" integer NOT NULL,
	"resolve_sum_seconds" bigint NOT NULL,
	"resolve_hist" integer[] NOT NULL,
	"sla_decided" integer NOT NULL,
	"sla_met" integer NOT NULL,
	"updates_required" integer NOT NULL,
	"updates_on_time" integer NOT NULL,
	"postmortems_decided" integer NOT NULL,
	"postmortems_on_time" integer NOT NULL,
	"postmortems_late" integer NOT NULL,
	"action_items_open" integer NOT NULL,
	"action_items_overdue" integer NOT NULL,
	"action_items_done" integer NOT NULL,
	CONSTRAINT "metric_incident_weeks_scope_week_severity_type_id_pk" PRIMARY KEY("scope","week","severity","type_id")
);
--> statement-breakpoint
CREATE TABLE "metric_page_weeks" (
	"week" date NOT NULL,
	"scope" text NOT NULL,
	"severity" text NOT NULL,
	"type_id" uuid NOT NULL,
	"user_id" uuid NOT NULL,
	"sent" integer NOT NULL,
	"off_hours" integer NOT NULL,
	"failed" integer NOT NULL,
	CONSTRAINT "metric_page_weeks_scope_week_severity_type_id_user_id_pk" PRIMARY KEY("scope","week","severity","type_id","user_id")
);
--> statement-breakpoint
CREATE TABLE "metric_outage_weeks" (
	"week" date NOT NULL,
	"service_id" uuid NOT NULL,
	"severity" text NOT NULL,
	"spans" "bytea" NOT NULL,
	"max_end" timestamp with time zone NOT NULL,
	CONSTRAINT "metric_outage_weeks_severity_week_service_id_pk" PRIMARY KEY("severity","week","service_id")
);
--> statement-breakpoint
CREATE TABLE "metric_page_days" (
	"day" date NOT NULL,
	"scope" text NOT NULL,
	"severity" text NOT NULL,
	"type_id" uuid NOT NULL,
	"user_id" uuid NOT NULL,
	"sent" integer NOT NULL,
	"off_hours" integer NOT NULL,
	"failed" integer NOT NULL,
	CONSTRAINT "metric_page_days_scope_day_severity_type_id_user_id_pk" PRIMARY KEY("scope","day","severity","type_id","user_id")
);
--> statement-breakpoint
CREATE TABLE "metric_rollup_state" (
	"id" integer PRIMARY KEY NOT NULL,
	"policy_hash" text NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "services" ADD COLUMN "team_id" uuid;--> statement-breakpoint
CREATE INDEX "metric_alert_days_day_idx" ON "metric_alert_days" USING btree ("day");--> statement-breakpoint
CREATE INDEX "metric_incident_days_valid_idx" ON "metric_incident_days" USING btree ("valid_until");--> statement-breakpoint
ALTER TABLE "services" ADD CONSTRAINT "services_team_id_teams_id_fk" FOREIGN KEY ("team_id") REFERENCES "public"."teams"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
-- Rollup invalidation (store/schema/metrics.ts): every write that can change a metric marks its UTC day
-- dirty in the same transaction, here rather than in each use case, so no write path can forget.
CREATE FUNCTION metric_mark_day(k text, at timestamptz) RETURNS void LANGUAGE sql AS $$
  INSERT INTO metric_dirty_days (kind, day) VALUES (k, (at AT TIME ZONE 'UTC')::date) ON CONFLICT DO NOTHING
$$;--> statement-breakpoint
CREATE FUNCTION metric_mark_incident(incident uuid) RETURNS void LANGUAGE sql AS $$
  INSERT INTO metric_dirty_days (kind, day)
    SELECT 'incident', (created_at AT TIME ZONE 'UTC')::date FROM incidents WHERE id = incident
  ON CONFLICT DO NOTHING
$$;--> statement-breakpoint
CREATE FUNCTION metric_incidents_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP <> 'INSERT' THEN PERFORM metric_mark_day('incident', OLD.created_at); END IF;
  IF TG_OP <> 'DELETE' THEN PERFORM metric_mark_day('incident', NEW.created_at); END IF;
  -- Pages are counted by the severity, type and services of the incident they were for.
  IF TG_OP = 'UPDATE' AND (OLD.severity IS DISTINCT FROM NEW.severity OR OLD.type_id IS DISTINCT FROM NEW.type_id
      OR OLD.service_names IS DISTINCT FROM NEW.service_names) THEN
    INSERT INTO metric_dirty_days (kind, day)
      SELECT DISTINCT 'page', (coalesce(sent_at, created_at) AT TIME ZONE 'UTC')::date
      FROM notifications WHERE incident_id = NEW.id
    ON CONFLICT DO NOTHING;
  END IF;
  RETURN NULL;
END $$;--> statement-breakpoint
CREATE TRIGGER metric_incidents_insert_delete AFTER INSERT OR DELETE ON incidents
  FOR EACH ROW EXECUTE FUNCTION metric_incidents_changed();--> statement-breakpoint
CREATE TRIGGER metric_incidents_update AFTER UPDATE ON incidents FOR EACH ROW
  WHEN (OLD.severity IS DISTINCT FROM NEW.severity OR OLD.status IS DISTINCT FROM NEW.status
    OR OLD.acknowledged_at IS DISTINCT FROM NEW.acknowledged_at OR OLD.mitigated_at IS DISTINCT FROM NEW.mitigated_at
    OR OLD.resolved_at IS DISTINCT FROM NEW.resolved_at OR OLD.type_id IS DISTINCT FROM NEW.type_id
    OR OLD.service_names IS DISTINCT FROM NEW.service_names OR OLD.created_at IS DISTINCT FROM NEW.created_at)
  EXECUTE FUNCTION metric_incidents_changed();--> statement-breakpoint
CREATE FUNCTION metric_incident_child_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'DELETE' THEN PERFORM metric_mark_incident(OLD.incident_id);
  ELSE PERFORM metric_mark_incident(NEW.incident_id); END IF;
  RETURN NULL;
END $$;--> statement-breakpoint
CREATE TRIGGER metric_status_updates_changed AFTER INSERT OR DELETE ON status_updates
  FOR EACH ROW EXECUTE FUNCTION metric_incident_child_changed();--> statement-breakpoint
CREATE TRIGGER metric_postmortems_insert_delete AFTER INSERT OR DELETE ON postmortems
  FOR EACH ROW EXECUTE FUNCTION metric_incident_child_changed();--> statement-breakpoint
CREATE TRIGGER metric_postmortems_update AFTER UPDATE ON postmortems FOR EACH ROW
  WHEN (OLD.published_at IS DISTINCT FROM NEW.published_at OR OLD.status IS DISTINCT FROM NEW.status)
  EXECUTE FUNCTION metric_incident_child_changed();--> statement-breakpoint
CREATE FUNCTION metric_alerts_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP <> 'INSERT' THEN PERFORM metric_mark_day('alert', OLD.created_at); END IF;
  IF TG_OP <> 'DELETE' THEN PERFORM metric_mark_day('alert', NEW.created_at); END IF;
  RETURN NULL;
END $$;--> statement-breakpoint
CREATE TRIGGER metric_alerts_insert_delete AFTER INSERT OR DELETE ON alerts
  FOR EACH ROW EXECUTE FUNCTION metric_alerts_changed();--> statement-breakpoint
CREATE TRIGGER metric_alerts_update AFTER UPDATE ON alerts FOR EACH ROW
  WHEN (OLD.incident_id IS DISTINCT FROM NEW.incident_id OR OLD.service_id IS DISTINCT FROM NEW.service_id
    OR OLD.suppressed IS DISTINCT FROM NEW.suppressed)
  EXECUTE FUNCTION metric_alerts_changed();--> statement-breakpoint
CREATE FUNCTION metric_notifications_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP <> 'INSERT' THEN PERFORM metric_mark_day('page', coalesce(OLD.sent_at, OLD.created_at)); END IF;
  IF TG_OP <> 'DELETE' THEN PERFORM metric_mark_day('page', coalesce(NEW.sent_at, NEW.created_at)); END IF;
  RETURN NULL;
END $$;--> statement-breakpoint
CREATE TRIGGER metric_notifications_insert_delete AFTER INSERT OR DELETE ON notifications
  FOR EACH ROW EXECUTE FUNCTION metric_notifications_changed();--> statement-breakpoint
CREATE TRIGGER metric_notifications_update AFTER UPDATE ON notifications FOR EACH ROW
  WHEN (OLD.state IS DISTINCT FROM NEW.state OR OLD.sent_at IS DISTINCT FROM NEW.sent_at)
  EXECUTE FUNCTION metric_notifications_changed();--> statement-breakpoint
-- A service changing team moves its incidents and pages between team scopes: recompute their days.
CREATE FUNCTION metric_services_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO metric_dirty_days (kind, day)
    SELECT DISTINCT 'incident', (i.created_at AT TIME ZONE 'UTC')::date
    FROM incident_services s JOIN incidents i ON i.id = s.incident_id WHERE s.service_id = NEW.id
  ON CONFLICT DO NOTHING;
  INSERT INTO metric_dirty_days (kind, day)
    SELECT DISTINCT 'page', (coalesce(n.sent_at, n.created_at) AT TIME ZONE 'UTC')::date
    FROM incident_services s JOIN notifications n ON n.incident_id = s.incident_id WHERE s.service_id = NEW.id
  ON CONFLICT DO NOTHING;
  RETURN NULL;
END $$;--> statement-breakpoint
CREATE TRIGGER metric_services_team AFTER UPDATE ON services FOR EACH ROW
  WHEN (OLD.team_id IS DISTINCT FROM NEW.team_id) EXECUTE FUNCTION metric_services_changed();--> statement-breakpoint
-- Action items count in their incident's day (open, overdue, done as they stand).
CREATE TRIGGER metric_action_items_insert_delete AFTER INSERT OR DELETE ON action_items
  FOR EACH ROW EXECUTE FUNCTION metric_incident_child_changed();--> statement-breakpoint
CREATE TRIGGER metric_action_items_update AFTER UPDATE ON action_items FOR EACH ROW
  WHEN (OLD.status IS DISTINCT FROM NEW.status OR OLD.due_at IS DISTINCT FROM NEW.due_at)
  EXECUTE FUNCTION metric_incident_child_changed();--> statement-breakpoint
-- Off hours are counted in the person's time zone: a new zone recounts their pages.
CREATE FUNCTION metric_users_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO metric_dirty_days (kind, day)
    SELECT DISTINCT 'page', (coalesce(sent_at, created_at) AT TIME ZONE 'UTC')::date
    FROM notifications WHERE user_id = NEW.id
  ON CONFLICT DO NOTHING;
  RETURN NULL;
END $$;--> statement-breakpoint
CREATE TRIGGER metric_users_time_zone AFTER UPDATE ON users FOR EACH ROW
  WHEN (OLD.time_zone IS DISTINCT FROM NEW.time_zone) EXECUTE FUNCTION metric_users_changed();--> statement-breakpoint
-- The page rollup reads a day's pages by when they were sent (failed ones: created).
CREATE INDEX notifications_metric_day_idx ON notifications ((coalesce(sent_at, created_at)));--> statement-breakpoint
-- Recomputing a day or week replaces its rows across every scope (the primary keys lead with the scope,
-- which is what the report reads by).
CREATE INDEX metric_incident_days_day_idx ON metric_incident_days (day);--> statement-breakpoint
CREATE INDEX metric_incident_weeks_week_idx ON metric_incident_weeks (week);--> statement-breakpoint
CREATE INDEX metric_page_days_day_idx ON metric_page_days (day);--> statement-breakpoint
CREATE INDEX metric_page_weeks_week_idx ON metric_page_weeks (week);--> statement-breakpoint
-- Existing installations: compute every day that has data once.
INSERT INTO metric_dirty_days (kind, day)
  SELECT DISTINCT 'incident', (created_at AT TIME ZONE 'UTC')::date FROM incidents
  UNION SELECT DISTINCT 'alert', (created_at AT TIME ZONE 'UTC')::date FROM alerts
  UNION SELECT DISTINCT 'page', (coalesce(sent_at, created_at) AT TIME ZONE 'UTC')::date FROM notifications
ON CONFLICT DO NOTHING;
