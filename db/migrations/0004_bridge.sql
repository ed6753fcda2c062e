CREATE TYPE "public"."bridge_withdrawal_state" AS ENUM('pending', 'completed', 'refunded');--> statement-breakpoint
CREATE TABLE "bridge_config" (
	"bridge" text PRIMARY KEY NOT NULL,
	"thbc_mint" text,
	"cluster_tag" text,
	"admin" text,
	"pending_admin" text,
	"admin_slot" bigint,
	"attestor_count" integer,
	"threshold" integer,
	"attestors_slot" bigint,
	"max_per_deposit" bigint,
	"max_per_day" bigint,
	"withdrawal_timeout_secs" bigint,
	"limits_slot" bigint,
	"paused" boolean,
	"paused_slot" bigint,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "bridge_deposits" (
	"deposit_id" text PRIMARY KEY NOT NULL,
	"deposit_pda" text NOT NULL,
	"recipient_wallet" text NOT NULL,
	"recipient_token" text NOT NULL,
	"amount" bigint NOT NULL,
	"thb_tx_ref" text NOT NULL,
	"signature" text NOT NULL,
	"slot" bigint NOT NULL,
	"minted_at" timestamp with time zone,
	CONSTRAINT "bridge_deposits_deposit_pda_unique" UNIQUE("deposit_pda"),
	CONSTRAINT "bridge_deposits_amount_pos" CHECK ("bridge_deposits"."amount" > 0),
	CONSTRAINT "bridge_deposits_hex" CHECK ("bridge_deposits"."deposit_id" ~ '^[0-9a-f]{64}$' and "bridge_deposits"."thb_tx_ref" ~ '^[0-9a-f]{64}$')
);
--> statement-breakpoint
CREATE TABLE "bridge_withdrawals" (
	"withdrawal_pda" text PRIMARY KEY NOT NULL,
	"withdrawal_id" bigint NOT NULL,
	"holder_wallet" text NOT NULL,
	"amount" bigint NOT NULL,
	"thb_destination" text,
	"state" "bridge_withdrawal_state" DEFAULT 'pending' NOT NULL,
	"thb_tx_ref" text,
	"refund_attested" boolean,
	"requested_signature" text,
	"requested_slot" bigint,
	"requested_at" timestamp with time zone,
	"settled_signature" text,
	"settled_slot" bigint,
	"settled_at" timestamp with time zone,
	CONSTRAINT "bridge_withdrawals_withdrawal_id_unique" UNIQUE("withdrawal_id"),
	CONSTRAINT "bridge_withdrawals_amount_pos" CHECK ("bridge_withdrawals"."amount" > 0),
	CONSTRAINT "bridge_withdrawals_settled" CHECK (("bridge_withdrawals"."state" = 'pending') = ("bridge_withdrawals"."settled_signature" is null)),
	CONSTRAINT "bridge_withdrawals_kind" CHECK (("bridge_withdrawals"."state" = 'completed') = ("bridge_withdrawals"."thb_tx_ref" is not null) and ("bridge_withdrawals"."state" = 'refunded') = ("bridge_withdrawals"."refund_attested" is not null)),
	CONSTRAINT "bridge_withdrawals_hex" CHECK (("bridge_withdrawals"."thb_destination" is null or "bridge_withdrawals"."thb_destination" ~ '^[0-9a-f]{64}$') and ("bridge_withdrawals"."thb_tx_ref" is null or "bridge_withdrawals"."thb_tx_ref" ~ '^[0-9a-f]{64}$'))
);
--> statement-breakpoint
CREATE INDEX "bridge_deposits_recipient_idx" ON "bridge_deposits" USING btree ("recipient_wallet","slot");--> statement-breakpoint
CREATE INDEX "bridge_deposits_signature_idx" ON "bridge_deposits" USING btree ("signature");--> statement-breakpoint
CREATE INDEX "bridge_withdrawals_holder_idx" ON "bridge_withdrawals" USING btree ("holder_wallet","withdrawal_id");--> statement-breakpoint
CREATE INDEX "bridge_withdrawals_state_idx" ON "bridge_withdrawals" USING btree ("state","withdrawal_id");