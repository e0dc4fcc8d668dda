CREATE TABLE "metric_digests" (
	"week" text PRIMARY KEY NOT NULL,
	"range_from" date NOT NULL,
	"range_to" date NOT NULL,
	"claimed_until" timestamp with time zone,
	"email_sent_at" timestamp with time zone,
	"slack_sent_at" timestamp with time zone,
	"completed_at" timestamp with time zone,
	"created_at" timestamp with time zone NOT NULL
);
