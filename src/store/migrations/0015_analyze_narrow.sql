-- No planner statistics for wide JSON columns that no query filters on. ANALYZE read and summarised every
-- sampled value of them: on PGlite, where ANALYZE runs on the one thread that serves requests, that was
-- most of a table's ANALYZE (alert_members 81 -> 11 ms, timeline_events 28 -> 12 ms, alerts 28 -> 17 ms at
-- 2,000 alerts), a stall every alert sender waited behind (bench/README.md).
ALTER TABLE "alerts" ALTER COLUMN "details" SET STATISTICS 0, ALTER COLUMN "links" SET STATISTICS 0,
  ALTER COLUMN "images" SET STATISTICS 0;--> statement-breakpoint
ALTER TABLE "alert_members" ALTER COLUMN "labels" SET STATISTICS 0, ALTER COLUMN "annotations" SET STATISTICS 0,
  ALTER COLUMN "extra" SET STATISTICS 0;--> statement-breakpoint
ALTER TABLE "timeline_events" ALTER COLUMN "data" SET STATISTICS 0;--> statement-breakpoint
ALTER TABLE "alert_inbox" ALTER COLUMN "event" SET STATISTICS 0;--> statement-breakpoint
ALTER TABLE "jobs" ALTER COLUMN "payload" SET STATISTICS 0;
