CREATE TABLE "indexer_cursors" (
	"program" text PRIMARY KEY NOT NULL,
	"last_signature" text NOT NULL,
	"last_slot" bigint NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "mints" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "mints_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"tx_signature" text NOT NULL,
	"meter_pda" text NOT NULL,
	"meter_id" text,
	"owner_wallet" text NOT NULL,
	"destination" text NOT NULL,
	"amount_wh" bigint NOT NULL,
	"settled_net_gen_wh" bigint NOT NULL,
	"slot" bigint NOT NULL,
	"minted_at" timestamp with time zone,
	CONSTRAINT "mints_amount_pos" CHECK ("mints"."amount_wh" > 0)
);
--> statement-breakpoint
CREATE TABLE "prices" (
	"sequence" bigint PRIMARY KEY NOT NULL,
	"retail_price" bigint NOT NULL,
	"feed_in_price" bigint NOT NULL,
	"feeder" text NOT NULL,
	"published_at" timestamp with time zone NOT NULL,
	"slot" bigint NOT NULL,
	"tx_signature" text NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX "mints_tx_meter_uq" ON "mints" USING btree ("tx_signature","meter_pda");--> statement-breakpoint
CREATE INDEX "mints_owner_idx" ON "mints" USING btree ("owner_wallet","slot");--> statement-breakpoint
CREATE INDEX "mints_meter_idx" ON "mints" USING btree ("meter_id","slot");--> statement-breakpoint
CREATE INDEX "prices_published_idx" ON "prices" USING btree ("published_at");