CREATE TABLE "status_component_changes" (
	"id" uuid PRIMARY KEY NOT NULL,
	"component_id" text NOT NULL,
	"manual_status" text,
	"changed_by" text NOT NULL,
	"at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "status_component_services" (
	"component_id" text NOT NULL,
	"service_id" uuid NOT NULL,
	CONSTRAINT "status_component_services_component_id_service_id_pk" PRIMARY KEY("component_id","service_id")
);
--> statement-breakpoint
CREATE TABLE "status_components" (
	"id" text PRIMARY KEY NOT NULL,
	"name" text NOT NULL,
	"description" text,
	"group_id" text,
	"is_group" boolean DEFAULT false NOT NULL,
	"position" integer DEFAULT 0 NOT NULL,
	"showcase" boolean DEFAULT true NOT NULL,
	"only_show_if_degraded" boolean DEFAULT false NOT NULL,
	"start_date" date,
	"manual_status" text,
	"manual_status_by" text,
	"manual_status_at" timestamp with time zone,
	"created_at" timestamp with time zone NOT NULL,
	"updated_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "status_maintenance_updates" (
	"id" text PRIMARY KEY NOT NULL,
	"maintenance_id" text NOT NULL,
	"status" text NOT NULL,
	"body" text NOT NULL,
	"created_by" text NOT NULL,
	"created_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "status_maintenances" (
	"id" text PRIMARY KEY NOT NULL,
	"title" text NOT NULL,
	"body" text DEFAULT '' NOT NULL,
	"scheduled_for" timestamp with time zone NOT NULL,
	"scheduled_until" timestamp with time zone NOT NULL,
	"manual_status" text,
	"component_ids" text[] DEFAULT '{}'::text[] NOT NULL,
	"remind_prior" boolean DEFAULT true NOT NULL,
	"reminded_at" timestamp with time zone,
	"notified_status" text,
	"created_by" text NOT NULL,
	"created_at" timestamp with time zone NOT NULL,
	"updated_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "status_page_settings" (
	"id" integer PRIMARY KEY DEFAULT 1 NOT NULL,
	"name" text DEFAULT 'Status' NOT NULL,
	"url" text,
	"logo_url" text,
	"brand_color" text DEFAULT '#2563eb' NOT NULL,
	"time_zone" text DEFAULT 'UTC' NOT NULL,
	"custom_domain" text,
	"footer_links" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"show_responders" boolean DEFAULT false NOT NULL,
	"component_status_by_severity" jsonb DEFAULT '{"SEV1":"major_outage","SEV2":"partial_outage","SEV3":"degraded_performance","SEV4":"operational"}'::jsonb NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "status_page_settings_singleton" CHECK ("status_page_settings"."id" = 1)
);
--> statement-breakpoint
CREATE TABLE "status_subscribers" (
	"id" uuid PRIMARY KEY NOT NULL,
	"kind" text NOT NULL,
	"target" text NOT NULL,
	"contact_email" text,
	"component_ids" text[] DEFAULT '{}'::text[] NOT NULL,
	"secret" text,
	"confirm_token_hash" text,
	"confirmed_at" timestamp with time zone,
	"unsubscribe_token_hash" text NOT NULL,
	"consecutive_failures" integer DEFAULT 0 NOT NULL,
	"last_error" text,
	"disabled_at" timestamp with time zone,
	"disabled_reason" text,
	"created_at" timestamp with time zone NOT NULL,
	"updated_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
ALTER TABLE "incidents" ADD COLUMN "public_title" text;--> statement-breakpoint
ALTER TABLE "status_component_changes" ADD CONSTRAINT "status_component_changes_component_id_status_components_id_fk" FOREIGN KEY ("component_id") REFERENCES "public"."status_components"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "status_component_services" ADD CONSTRAINT "status_component_services_component_id_status_components_id_fk" FOREIGN KEY ("component_id") REFERENCES "public"."status_components"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "status_component_services" ADD CONSTRAINT "status_component_services_service_id_services_id_fk" FOREIGN KEY ("service_id") REFERENCES "public"."services"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "status_maintenance_updates" ADD CONSTRAINT "status_maintenance_updates_maintenance_id_status_maintenances_id_fk" FOREIGN KEY ("maintenance_id") REFERENCES "public"."status_maintenances"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "status_component_changes_component_idx" ON "status_component_changes" USING btree ("component_id","at");--> statement-breakpoint
CREATE INDEX "status_component_services_service_idx" ON "status_component_services" USING btree ("service_id");--> statement-breakpoint
CREATE UNIQUE INDEX "status_components_name_key" ON "status_components" USING btree (lower("name"));--> statement-breakpoint
CREATE INDEX "status_components_group_idx" ON "status_components" USING btree ("group_id","position");--> statement-breakpoint
CREATE INDEX "status_maintenance_updates_idx" ON "status_maintenance_updates" USING btree ("maintenance_id","created_at");--> statement-breakpoint
CREATE INDEX "status_maintenances_scheduled_idx" ON "status_maintenances" USING btree ("scheduled_for");--> statement-breakpoint
CREATE UNIQUE INDEX "status_subscribers_target_key" ON "status_subscribers" USING btree ("kind",lower("target"));--> statement-breakpoint
CREATE UNIQUE INDEX "status_subscribers_confirm_key" ON "status_subscribers" USING btree ("confirm_token_hash");--> statement-breakpoint
CREATE UNIQUE INDEX "status_subscribers_unsubscribe_key" ON "status_subscribers" USING btree ("unsubscribe_token_hash");--> statement-breakpoint
INSERT INTO "status_page_settings" ("id") VALUES (1) ON CONFLICT DO NOTHING;