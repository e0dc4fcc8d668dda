ALTER TABLE "alerts" ADD COLUMN "last_trigger_digest" text;--> statement-breakpoint
CREATE INDEX "alert_inbox_key_idx" ON "alert_inbox" USING btree ("source_id","dedup_key") WHERE dead_at is null;--> statement-breakpoint
-- Every waiting alert event now carries its dedup key (the index above finds a key's waiting events).
UPDATE "alert_inbox" SET "dedup_key" = ("event"::json)->>'dedupKey' WHERE "kind" = 'alert' AND "dedup_key" IS NULL;
