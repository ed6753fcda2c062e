ALTER TYPE "public"."reading_state" ADD VALUE 'covered';--> statement-breakpoint
CREATE TABLE "indexer_dead_letters" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "indexer_dead_letters_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"signature" text NOT NULL,
	"program" text NOT NULL,
	"slot" bigint NOT NULL,
	"error" text NOT NULL,
	"attempts" integer DEFAULT 1 NOT NULL,
	"first_failed_at" timestamp with time zone DEFAULT now() NOT NULL,
	"last_failed_at" timestamp with time zone DEFAULT now() NOT NULL,
	"resolved_at" timestamp with time zone,
	CONSTRAINT "indexer_dead_letters_attempts_pos" CHECK ("indexer_dead_letters"."attempts" >= 1)
);
--> statement-breakpoint
ALTER TABLE "meter_readings" ADD COLUMN "production_register_wh" bigint DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "meter_readings" ALTER COLUMN "production_register_wh" DROP DEFAULT;--> statement-breakpoint
ALTER TABLE "meter_readings" ADD COLUMN "consumption_register_wh" bigint DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "meter_readings" ALTER COLUMN "consumption_register_wh" DROP DEFAULT;--> statement-breakpoint
ALTER TABLE "meters" ADD COLUMN "activated_at" timestamp with time zone;--> statement-breakpoint
CREATE UNIQUE INDEX "indexer_dead_letters_sig_program_uq" ON "indexer_dead_letters" USING btree ("signature","program");--> statement-breakpoint
CREATE INDEX "indexer_dead_letters_open_idx" ON "indexer_dead_letters" USING btree ("resolved_at","last_failed_at");--> statement-breakpoint
ALTER TABLE "meter_readings" ADD CONSTRAINT "meter_readings_registers_nonneg" CHECK ("meter_readings"."production_register_wh" >= 0 and "meter_readings"."consumption_register_wh" >= 0);