ALTER TABLE "alert_members" ADD COLUMN "digest" text;--> statement-breakpoint
ALTER TABLE "alerts" SET (fillfactor = 70);
