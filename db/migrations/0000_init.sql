CREATE TYPE "public"."erc_status" AS ENUM('issued', 'validated', 'retired', 'revoked');--> statement-breakpoint
CREATE TYPE "public"."meter_status" AS ENUM('pending', 'active', 'suspended');--> statement-breakpoint
CREATE TYPE "public"."meter_type" AS ENUM('solar', 'wind', 'battery', 'consumption');--> statement-breakpoint
CREATE TYPE "public"."order_side" AS ENUM('buy', 'sell');--> statement-breakpoint
CREATE TYPE "public"."order_status" AS ENUM('pending', 'open', 'partially_filled', 'filled', 'cancelled', 'expired', 'failed');--> statement-breakpoint
CREATE TYPE "public"."reading_state" AS ENUM('pending', 'submitted', 'confirmed', 'failed');--> statement-breakpoint
CREATE TYPE "public"."user_role" AS ENUM('prosumer', 'consumer', 'admin');--> statement-breakpoint
CREATE TYPE "public"."user_status" AS ENUM('active', 'suspended');--> statement-breakpoint
CREATE TABLE "api_keys" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"name" text NOT NULL,
	"prefix" text NOT NULL,
	"key_hash" text NOT NULL,
	"scopes" text[] DEFAULT '{}'::text[] NOT NULL,
	"created_by" uuid,
	"expires_at" timestamp with time zone,
	"revoked_at" timestamp with time zone,
	"last_used_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "api_keys_prefix_unique" UNIQUE("prefix"),
	CONSTRAINT "api_keys_key_hash_unique" UNIQUE("key_hash"),
	CONSTRAINT "api_keys_hash_len" CHECK (char_length("api_keys"."key_hash") = 64)
);
--> statement-breakpoint
CREATE TABLE "audit_log" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "audit_log_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"actor_id" uuid,
	"actor" text NOT NULL,
	"action" text NOT NULL,
	"target_type" text,
	"target_id" text,
	"details" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"ip" text,
	"at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "auth_nonces" (
	"nonce" text PRIMARY KEY NOT NULL,
	"wallet_address" text NOT NULL,
	"issued_at" timestamp with time zone NOT NULL,
	"expires_at" timestamp with time zone NOT NULL,
	"consumed_at" timestamp with time zone,
	"ip" text,
	CONSTRAINT "auth_nonces_expiry_after_issue" CHECK ("auth_nonces"."expires_at" > "auth_nonces"."issued_at")
);
--> statement-breakpoint
CREATE TABLE "erc_certificates" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"certificate_id" text NOT NULL,
	"meter_id" text NOT NULL,
	"owner_id" uuid NOT NULL,
	"volume_wh" bigint NOT NULL,
	"retired_wh" bigint DEFAULT 0 NOT NULL,
	"locked_wh" bigint DEFAULT 0 NOT NULL,
	"status" "erc_status" DEFAULT 'issued' NOT NULL,
	"beneficiary" text,
	"generation_start" timestamp with time zone,
	"generation_end" timestamp with time zone,
	"pda_address" text,
	"tx_signature" text,
	"issued_at" timestamp with time zone DEFAULT now() NOT NULL,
	"validated_at" timestamp with time zone,
	"retired_at" timestamp with time zone,
	"revoked_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "erc_certificates_certificate_id_unique" UNIQUE("certificate_id"),
	CONSTRAINT "erc_certificates_pda_address_unique" UNIQUE("pda_address"),
	CONSTRAINT "erc_volume_pos" CHECK ("erc_certificates"."volume_wh" > 0),
	CONSTRAINT "erc_retired_range" CHECK ("erc_certificates"."retired_wh" >= 0 and "erc_certificates"."locked_wh" >= 0 and "erc_certificates"."retired_wh" + "erc_certificates"."locked_wh" <= "erc_certificates"."volume_wh")
);
--> statement-breakpoint
CREATE TABLE "meter_readings" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "meter_readings_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"meter_id" text NOT NULL,
	"production_wh" bigint NOT NULL,
	"consumption_wh" bigint NOT NULL,
	"reading_at" timestamp with time zone NOT NULL,
	"meter_signature" text NOT NULL,
	"state" "reading_state" DEFAULT 'pending' NOT NULL,
	"minted" boolean DEFAULT false NOT NULL,
	"tx_signature" text,
	"failure_reason" text,
	"attempts" integer DEFAULT 0 NOT NULL,
	"locked_until" timestamp with time zone,
	"received_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "meter_readings_amounts_nonneg" CHECK ("meter_readings"."production_wh" >= 0 and "meter_readings"."consumption_wh" >= 0),
	CONSTRAINT "meter_readings_attempts_nonneg" CHECK ("meter_readings"."attempts" >= 0)
);
--> statement-breakpoint
CREATE TABLE "meters" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"meter_id" text NOT NULL,
	"owner_id" uuid NOT NULL,
	"public_key" text NOT NULL,
	"type" "meter_type" NOT NULL,
	"zone" text NOT NULL,
	"rated_capacity_w" integer NOT NULL,
	"status" "meter_status" DEFAULT 'pending' NOT NULL,
	"pda_address" text,
	"settled_net_gen_wh" bigint DEFAULT 0 NOT NULL,
	"claimed_erc_gen_wh" bigint DEFAULT 0 NOT NULL,
	"last_reading_at" timestamp with time zone,
	"tx_signature" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "meters_meter_id_unique" UNIQUE("meter_id"),
	CONSTRAINT "meters_public_key_unique" UNIQUE("public_key"),
	CONSTRAINT "meters_pda_address_unique" UNIQUE("pda_address"),
	CONSTRAINT "meters_meter_id_len" CHECK (char_length("meters"."meter_id") between 1 and 64),
	CONSTRAINT "meters_capacity_pos" CHECK ("meters"."rated_capacity_w" > 0),
	CONSTRAINT "meters_trackers_nonneg" CHECK ("meters"."settled_net_gen_wh" >= 0 and "meters"."claimed_erc_gen_wh" >= 0)
);
--> statement-breakpoint
CREATE TABLE "orders" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"user_id" uuid NOT NULL,
	"side" "order_side" NOT NULL,
	"amount_wh" bigint NOT NULL,
	"filled_wh" bigint DEFAULT 0 NOT NULL,
	"price_per_kwh" bigint NOT NULL,
	"status" "order_status" DEFAULT 'pending' NOT NULL,
	"expires_at" timestamp with time zone,
	"green" boolean DEFAULT false NOT NULL,
	"erc_certificate_id" uuid,
	"pda_address" text,
	"tx_signature" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "orders_pda_address_unique" UNIQUE("pda_address"),
	CONSTRAINT "orders_amount_pos" CHECK ("orders"."amount_wh" > 0),
	CONSTRAINT "orders_filled_range" CHECK ("orders"."filled_wh" >= 0 and "orders"."filled_wh" <= "orders"."amount_wh"),
	CONSTRAINT "orders_price_pos" CHECK ("orders"."price_per_kwh" > 0),
	CONSTRAINT "orders_erc_only_green_sell" CHECK ("orders"."erc_certificate_id" is null or ("orders"."side" = 'sell' and "orders"."green")),
	CONSTRAINT "orders_green_sell_has_erc" CHECK (not ("orders"."side" = 'sell' and "orders"."green") or "orders"."erc_certificate_id" is not null)
);
--> statement-breakpoint
CREATE TABLE "sessions" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"user_id" uuid NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"expires_at" timestamp with time zone NOT NULL,
	"revoked_at" timestamp with time zone,
	"ip" text,
	"user_agent" text
);
--> statement-breakpoint
CREATE TABLE "trades" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"buy_order_id" uuid NOT NULL,
	"sell_order_id" uuid NOT NULL,
	"buyer_id" uuid NOT NULL,
	"seller_id" uuid NOT NULL,
	"amount_wh" bigint NOT NULL,
	"price_per_kwh" bigint NOT NULL,
	"total_price" bigint NOT NULL,
	"fee" bigint DEFAULT 0 NOT NULL,
	"green" boolean DEFAULT false NOT NULL,
	"executed_at" timestamp with time zone DEFAULT now() NOT NULL,
	"tx_signature" text NOT NULL,
	CONSTRAINT "trades_amount_pos" CHECK ("trades"."amount_wh" > 0),
	CONSTRAINT "trades_price_pos" CHECK ("trades"."price_per_kwh" > 0),
	CONSTRAINT "trades_money_nonneg" CHECK ("trades"."total_price" >= 0 and "trades"."fee" >= 0),
	CONSTRAINT "trades_no_self_trade" CHECK ("trades"."buyer_id" <> "trades"."seller_id"),
	CONSTRAINT "trades_distinct_orders" CHECK ("trades"."buy_order_id" <> "trades"."sell_order_id")
);
--> statement-breakpoint
CREATE TABLE "users" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"wallet_address" text NOT NULL,
	"role" "user_role" DEFAULT 'consumer' NOT NULL,
	"name" text,
	"status" "user_status" DEFAULT 'active' NOT NULL,
	"pda_address" text,
	"last_sign_in_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "users_wallet_address_unique" UNIQUE("wallet_address"),
	CONSTRAINT "users_pda_address_unique" UNIQUE("pda_address"),
	CONSTRAINT "users_wallet_len" CHECK (char_length("users"."wallet_address") between 32 and 44),
	CONSTRAINT "users_name_len" CHECK ("users"."name" is null or char_length("users"."name") <= 80)
);
--> statement-breakpoint
ALTER TABLE "api_keys" ADD CONSTRAINT "api_keys_created_by_users_id_fk" FOREIGN KEY ("created_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "audit_log" ADD CONSTRAINT "audit_log_actor_id_users_id_fk" FOREIGN KEY ("actor_id") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "erc_certificates" ADD CONSTRAINT "erc_certificates_meter_id_meters_meter_id_fk" FOREIGN KEY ("meter_id") REFERENCES "public"."meters"("meter_id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "erc_certificates" ADD CONSTRAINT "erc_certificates_owner_id_users_id_fk" FOREIGN KEY ("owner_id") REFERENCES "public"."users"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "meter_readings" ADD CONSTRAINT "meter_readings_meter_id_meters_meter_id_fk" FOREIGN KEY ("meter_id") REFERENCES "public"."meters"("meter_id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "meters" ADD CONSTRAINT "meters_owner_id_users_id_fk" FOREIGN KEY ("owner_id") REFERENCES "public"."users"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "orders" ADD CONSTRAINT "orders_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "orders" ADD CONSTRAINT "orders_erc_certificate_id_erc_certificates_id_fk" FOREIGN KEY ("erc_certificate_id") REFERENCES "public"."erc_certificates"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "sessions" ADD CONSTRAINT "sessions_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "trades" ADD CONSTRAINT "trades_buy_order_id_orders_id_fk" FOREIGN KEY ("buy_order_id") REFERENCES "public"."orders"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "trades" ADD CONSTRAINT "trades_sell_order_id_orders_id_fk" FOREIGN KEY ("sell_order_id") REFERENCES "public"."orders"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "trades" ADD CONSTRAINT "trades_buyer_id_users_id_fk" FOREIGN KEY ("buyer_id") REFERENCES "public"."users"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "trades" ADD CONSTRAINT "trades_seller_id_users_id_fk" FOREIGN KEY ("seller_id") REFERENCES "public"."users"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "audit_log_at_idx" ON "audit_log" USING btree ("at");--> statement-breakpoint
CREATE INDEX "audit_log_actor_idx" ON "audit_log" USING btree ("actor_id","at");--> statement-breakpoint
CREATE INDEX "audit_log_target_idx" ON "audit_log" USING btree ("target_type","target_id");--> statement-breakpoint
CREATE INDEX "auth_nonces_expires_idx" ON "auth_nonces" USING btree ("expires_at");--> statement-breakpoint
CREATE INDEX "erc_owner_idx" ON "erc_certificates" USING btree ("owner_id");--> statement-breakpoint
CREATE INDEX "erc_meter_idx" ON "erc_certificates" USING btree ("meter_id");--> statement-breakpoint
CREATE UNIQUE INDEX "meter_readings_meter_ts_uq" ON "meter_readings" USING btree ("meter_id","reading_at");--> statement-breakpoint
CREATE INDEX "meter_readings_state_idx" ON "meter_readings" USING btree ("state","received_at");--> statement-breakpoint
CREATE INDEX "meter_readings_reading_at_idx" ON "meter_readings" USING btree ("reading_at");--> statement-breakpoint
CREATE INDEX "meters_owner_idx" ON "meters" USING btree ("owner_id");--> statement-breakpoint
CREATE INDEX "meters_zone_idx" ON "meters" USING btree ("zone");--> statement-breakpoint
CREATE INDEX "orders_book_idx" ON "orders" USING btree ("status","side","price_per_kwh","created_at");--> statement-breakpoint
CREATE INDEX "orders_user_idx" ON "orders" USING btree ("user_id","created_at");--> statement-breakpoint
CREATE INDEX "sessions_user_idx" ON "sessions" USING btree ("user_id");--> statement-breakpoint
CREATE UNIQUE INDEX "trades_tx_pair_uq" ON "trades" USING btree ("tx_signature","buy_order_id","sell_order_id");--> statement-breakpoint
CREATE INDEX "trades_executed_idx" ON "trades" USING btree ("executed_at");--> statement-breakpoint
CREATE INDEX "trades_buyer_idx" ON "trades" USING btree ("buyer_id","executed_at");--> statement-breakpoint
CREATE INDEX "trades_seller_idx" ON "trades" USING btree ("seller_id","executed_at");