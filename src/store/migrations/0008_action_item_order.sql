DROP INDEX "action_items_incident_idx";--> statement-breakpoint
ALTER TABLE "action_items" ADD COLUMN "seq" bigint NOT NULL GENERATED ALWAYS AS IDENTITY (sequence name "action_items_seq_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1);--> statement-breakpoint
CREATE INDEX "action_items_incident_idx" ON "action_items" USING btree ("incident_id","created_at","seq");