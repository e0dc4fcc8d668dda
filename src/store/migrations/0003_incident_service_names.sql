ALTER TABLE "incidents" ADD COLUMN "service_names" text[] DEFAULT '{}'::text[] NOT NULL;--> statement-breakpoint
UPDATE "incidents" i SET "service_names" = coalesce(
  (SELECT array_agg(s.name ORDER BY lower(s.name) COLLATE "C")
     FROM incident_services x JOIN services s ON s.id = x.service_id WHERE x.incident_id = i.id),
  '{}'::text[]);
