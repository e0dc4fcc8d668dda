ALTER TABLE "alert_members" ADD COLUMN "digest" text;--> statement-breakpoint
ALTER TABLE "alerts" ADD COLUMN "content_digest" text;--> statement-breakpoint
-- Room on each page for the updated version of a repeated alert: its count and timestamp change
-- (no index covers them), so the update stays on the page (HOT) instead of touching every index.
ALTER TABLE "alerts" SET (fillfactor = 70);
