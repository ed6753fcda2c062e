CREATE TYPE "public"."trading_order_state" AS ENUM('open', 'partial', 'filled', 'cancelled', 'closed', 'expired_closed');--> statement-breakpoint
CREATE TABLE "trading_fills" (
	"signature" text NOT NULL,
	"fill_index" integer NOT NULL,
	"buy_order" text NOT NULL,
	"sell_order" text NOT NULL,
	"buyer" text NOT NULL,
	"seller" text NOT NULL,
	"maker_order" text NOT NULL,
	"amount_wh" bigint NOT NULL,
	"price" bigint NOT NULL,
	"cost" bigint NOT NULL,
	"fee" bigint NOT NULL,
	"fee_payer" text NOT NULL,
	"released_to_buyer" bigint NOT NULL,
	"buy_filled_wh" bigint NOT NULL,
	"sell_filled_wh" bigint NOT NULL,
	"slot" bigint NOT NULL,
	"filled_at" timestamp with time zone,
	CONSTRAINT "trading_fills_signature_fill_index_pk" PRIMARY KEY("signature","fill_index"),
	CONSTRAINT "trading_fills_amounts" CHECK ("trading_fills"."amount_wh" > 0 and "trading_fills"."cost" > 0 and "trading_fills"."fee" >= 0 and "trading_fills"."fee" <= "trading_fills"."cost")
);
--> statement-breakpoint
CREATE TABLE "trading_market" (
	"market" text PRIMARY KEY NOT NULL,
	"grid_mint" text,
	"thbc_mint" text,
	"params_authority" text,
	"pending_params_authority" text,
	"authority_slot" bigint,
	"emergency_authority" text,
	"fee_destination" text,
	"min_order_wh" bigint,
	"max_oracle_age_secs" integer,
	"fee_bps" integer,
	"price_band_bps" integer,
	"config_slot" bigint,
	"paused" boolean,
	"paused_slot" bigint,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "trading_orders" (
	"order_pda" text PRIMARY KEY NOT NULL,
	"owner" text NOT NULL,
	"side" "order_side" NOT NULL,
	"client_order_id" bigint,
	"amount_wh" bigint,
	"filled_wh" bigint DEFAULT 0 NOT NULL,
	"limit_price" bigint,
	"created_locked" bigint,
	"reference_price" bigint,
	"expires_at" timestamp with time zone,
	"ended_as" "trading_order_state",
	"state" "trading_order_state" GENERATED ALWAYS AS (case when ended_as is not null then ended_as when amount_wh is not null and filled_wh >= amount_wh then 'filled'::trading_order_state when filled_wh > 0 then 'partial'::trading_order_state else 'open'::trading_order_state end) STORED,
	"locked" bigint GENERATED ALWAYS AS (case when ended_as is not null then 0::bigint when amount_wh is null or limit_price is null then null when side = 'sell' then amount_wh - filled_wh else div((amount_wh - filled_wh)::numeric * limit_price + 999, 1000)::bigint end) STORED,
	"created_signature" text,
	"created_slot" bigint,
	"created_at" timestamp with time zone,
	"paid_grid" bigint,
	"paid_thbc" bigint,
	"fee_paid" bigint,
	"ended_signature" text,
	"ended_slot" bigint,
	"ended_at" timestamp with time zone,
	"last_slot" bigint NOT NULL,
	CONSTRAINT "trading_orders_amounts" CHECK ("trading_orders"."filled_wh" >= 0 and ("trading_orders"."amount_wh" is null or "trading_orders"."amount_wh" > 0)),
	CONSTRAINT "trading_orders_ended" CHECK (("trading_orders"."ended_as" is null or "trading_orders"."ended_as" in ('cancelled', 'closed', 'expired_closed')) and ("trading_orders"."ended_as" is null) = ("trading_orders"."ended_signature" is null))
);
--> statement-breakpoint
CREATE INDEX "trading_fills_slot_idx" ON "trading_fills" USING btree ("slot");--> statement-breakpoint
CREATE INDEX "trading_fills_buyer_idx" ON "trading_fills" USING btree ("buyer","slot");--> statement-breakpoint
CREATE INDEX "trading_fills_seller_idx" ON "trading_fills" USING btree ("seller","slot");--> statement-breakpoint
CREATE INDEX "trading_fills_buy_order_idx" ON "trading_fills" USING btree ("buy_order");--> statement-breakpoint
CREATE INDEX "trading_fills_sell_order_idx" ON "trading_fills" USING btree ("sell_order");--> statement-breakpoint
CREATE INDEX "trading_orders_owner_idx" ON "trading_orders" USING btree ("owner","created_slot");--> statement-breakpoint
CREATE INDEX "trading_orders_book_idx" ON "trading_orders" USING btree ("side","limit_price","created_slot") WHERE ended_as is null;