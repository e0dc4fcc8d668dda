ALTER TABLE "incidents" ADD COLUMN "source_ref" text;--> statement-breakpoint
ALTER TABLE "action_items" ADD COLUMN "issue_repository" text;--> statement-breakpoint
ALTER TABLE "action_items" ADD COLUMN "issue_number" integer;--> statement-breakpoint
ALTER TABLE "action_items" ADD COLUMN "issue_url" text;--> statement-breakpoint
ALTER TABLE "action_items" ADD COLUMN "filed_at" timestamp with time zone;--> statement-breakpoint
CREATE INDEX "action_items_issue_idx" ON "action_items" USING btree ("issue_repository","issue_number");--> statement-breakpoint
ALTER TABLE "incidents" ADD CONSTRAINT "incidents_source_ref_unique" UNIQUE("source_ref");