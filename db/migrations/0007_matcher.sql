CREATE TYPE "public"."matcher_run_state" AS ENUM('running', 'completed', 'failed', 'abandoned');--> statement-breakpoint
CREATE TABLE "matcher_lease" (
	"name" text PRIMARY KEY NOT NULL,
	"holder" text NOT NULL,
	"expires_at" timestamp with time zone NOT NULL,
	"acquired_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "matcher_runs" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "matcher_runs_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"holder" text NOT NULL,
	"trigger" text NOT NULL,
	"state" "matcher_run_state" DEFAULT 'running' NOT NULL,
	"orders_loaded" integer DEFAULT 0 NOT NULL,
	"fills_proposed" integer DEFAULT 0 NOT NULL,
	"fills_settled" integer DEFAULT 0 NOT NULL,
	"fills_refused" integer DEFAULT 0 NOT NULL,
	"wh_settled" bigint DEFAULT 0 NOT NULL,
	"match_transactions" integer DEFAULT 0 NOT NULL,
	"orders_closed" integer DEFAULT 0 NOT NULL,
	"closes_refused" integer DEFAULT 0 NOT NULL,
	"attempts" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"error" text,
	"lease_until" timestamp with time zone NOT NULL,
	"started_at" timestamp with time zone DEFAULT now() NOT NULL,
	"finished_at" timestamp with time zone,
	CONSTRAINT "matcher_runs_counts" CHECK ("matcher_runs"."fills_settled" >= 0 and "matcher_runs"."fills_refused" >= 0 and "matcher_runs"."wh_settled" >= 0)
);
--> statement-breakpoint
CREATE INDEX "matcher_runs_state_idx" ON "matcher_runs" USING btree ("state","lease_until");