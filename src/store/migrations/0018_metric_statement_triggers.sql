-- Rows inserted or deleted mark their days dirty once per statement instead of once per row. A group commit
-- inserts its alerts, incidents and pages in one statement each; the row triggers ran a PL/pgSQL call and an
-- INSERT … ON CONFLICT for every row, ~11 % of an opening's cost on PGlite (bench/README.md). Updates keep
-- their row triggers (0010): their WHEN clauses compare OLD and NEW, which a statement trigger cannot, and
-- skip the common updates (a repeat's count) without a call.
-- Transition tables are named changed_rows for both events, so one function serves INSERT and DELETE, and
-- one serves incidents, alerts and pages (the kind as the trigger's argument).
DROP TRIGGER metric_incidents_insert_delete ON incidents;--> statement-breakpoint
DROP TRIGGER metric_alerts_insert_delete ON alerts;--> statement-breakpoint
DROP TRIGGER metric_notifications_insert_delete ON notifications;--> statement-breakpoint
DROP TRIGGER metric_status_updates_changed ON status_updates;--> statement-breakpoint
DROP TRIGGER metric_postmortems_insert_delete ON postmortems;--> statement-breakpoint
DROP TRIGGER metric_action_items_insert_delete ON action_items;--> statement-breakpoint
-- TG_ARGV[0]: the kind of day the rows count in; pages by when they were sent (failed ones: created).
CREATE FUNCTION metric_rows_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_ARGV[0] = 'page' THEN
    INSERT INTO metric_dirty_days (kind, day)
      SELECT DISTINCT 'page', (coalesce(sent_at, created_at) AT TIME ZONE 'UTC')::date FROM changed_rows
    ON CONFLICT DO NOTHING;
  ELSE
    INSERT INTO metric_dirty_days (kind, day)
      SELECT DISTINCT TG_ARGV[0], (created_at AT TIME ZONE 'UTC')::date FROM changed_rows
    ON CONFLICT DO NOTHING;
  END IF;
  RETURN NULL;
END $$;--> statement-breakpoint
CREATE TRIGGER metric_incidents_insert AFTER INSERT ON incidents REFERENCING NEW TABLE AS changed_rows
  FOR EACH STATEMENT EXECUTE FUNCTION metric_rows_changed('incident');--> statement-breakpoint
CREATE TRIGGER metric_incidents_delete AFTER DELETE ON incidents REFERENCING OLD TABLE AS changed_rows
  FOR EACH STATEMENT EXECUTE FUNCTION metric_rows_changed('incident');--> statement-breakpoint
CREATE TRIGGER metric_alerts_insert AFTER INSERT ON alerts REFERENCING NEW TABLE AS changed_rows
  FOR EACH STATEMENT EXECUTE FUNCTION metric_rows_changed('alert');--> statement-breakpoint
CREATE TRIGGER metric_alerts_delete AFTER DELETE ON alerts REFERENCING OLD TABLE AS changed_rows
  FOR EACH STATEMENT EXECUTE FUNCTION metric_rows_changed('alert');--> statement-breakpoint
CREATE TRIGGER metric_notifications_insert AFTER INSERT ON notifications REFERENCING NEW TABLE AS changed_rows
  FOR EACH STATEMENT EXECUTE FUNCTION metric_rows_changed('page');--> statement-breakpoint
CREATE TRIGGER metric_notifications_delete AFTER DELETE ON notifications REFERENCING OLD TABLE AS changed_rows
  FOR EACH STATEMENT EXECUTE FUNCTION metric_rows_changed('page');--> statement-breakpoint
-- Status updates, postmortems and action items count in their incident's day. An incident deleted with its
-- children (cascade) is gone when they are: its own trigger marked its day.
CREATE FUNCTION metric_incident_child_rows_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO metric_dirty_days (kind, day)
    SELECT DISTINCT 'incident', (i.created_at AT TIME ZONE 'UTC')::date
    FROM incidents i WHERE i.id IN (SELECT incident_id FROM changed_rows)
  ON CONFLICT DO NOTHING;
  RETURN NULL;
END $$;--> statement-breakpoint
CREATE TRIGGER metric_status_updates_insert AFTER INSERT ON status_updates REFERENCING NEW TABLE AS changed_rows
  FOR EACH STATEMENT EXECUTE FUNCTION metric_incident_child_rows_changed();--> statement-breakpoint
CREATE TRIGGER metric_status_updates_delete AFTER DELETE ON status_updates REFERENCING OLD TABLE AS changed_rows
  FOR EACH STATEMENT EXECUTE FUNCTION metric_incident_child_rows_changed();--> statement-breakpoint
CREATE TRIGGER metric_postmortems_insert AFTER INSERT ON postmortems REFERENCING NEW TABLE AS changed_rows
  FOR EACH STATEMENT EXECUTE FUNCTION metric_incident_child_rows_changed();--> statement-breakpoint
CREATE TRIGGER metric_postmortems_delete AFTER DELETE ON postmortems REFERENCING OLD TABLE AS changed_rows
  FOR EACH STATEMENT EXECUTE FUNCTION metric_incident_child_rows_changed();--> statement-breakpoint
CREATE TRIGGER metric_action_items_insert AFTER INSERT ON action_items REFERENCING NEW TABLE AS changed_rows
  FOR EACH STATEMENT EXECUTE FUNCTION metric_incident_child_rows_changed();--> statement-breakpoint
CREATE TRIGGER metric_action_items_delete AFTER DELETE ON action_items REFERENCING OLD TABLE AS changed_rows
  FOR EACH STATEMENT EXECUTE FUNCTION metric_incident_child_rows_changed();
