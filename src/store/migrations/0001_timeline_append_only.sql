-- The timeline is append-only: no UPDATE, DELETE or TRUNCATE, from any code path (SPEC §1).
CREATE FUNCTION foghorn_timeline_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'timeline_events is append-only: % is not allowed', TG_OP USING ERRCODE = 'insufficient_privilege';
END;
$$;
--> statement-breakpoint
CREATE TRIGGER timeline_events_append_only BEFORE UPDATE OR DELETE ON timeline_events
  FOR EACH ROW EXECUTE FUNCTION foghorn_timeline_append_only();
--> statement-breakpoint
CREATE TRIGGER timeline_events_no_truncate BEFORE TRUNCATE ON timeline_events
  FOR EACH STATEMENT EXECUTE FUNCTION foghorn_timeline_append_only();
