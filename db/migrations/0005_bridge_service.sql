CREATE TYPE "public"."bridge_service_deposit_state" AS ENUM('seen', 'confirming', 'attested', 'submitted', 'minted', 'invalid_memo', 'rejected', 'reorged', 'failed');--> statement-breakpoint
CREATE TYPE "public"."bridge_service_withdrawal_state" AS ENUM('pending', 'paying', 'paid', 'submitted', 'completed', 'refunding', 'refunded', 'failed');--> statement-breakpoint
CREATE TABLE "bridge_service_cursors" (
	"name" text PRIMARY KEY NOT NULL,
	"height" bigint NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "bridge_service_deposits" (
	"thb_transfer_id" text PRIMARY KEY NOT NULL,
	"thb_chain_id" text NOT NULL,
	"deposit_id" text NOT NULL,
	"deposit_pda" text NOT NULL,
	"thb_from" text,
	"memo" text NOT NULL,
	"recipient_wallet" text,
	"amount" bigint NOT NULL,
	"state" "bridge_service_deposit_state" DEFAULT 'seen' NOT NULL,
	"thb_height" bigint,
	"confirmations" integer DEFAULT 0 NOT NULL,
	"confirmations_required" integer NOT NULL,
	"attestation" text,
	"tx_signature" text,
	"attempts" integer DEFAULT 0 NOT NULL,
	"last_error" text,
	"last_error_at" timestamp with time zone,
	"next_attempt_at" timestamp with time zone DEFAULT now() NOT NULL,
	"locked_until" timestamp with time zone,
	"seen_at" timestamp with time zone DEFAULT now() NOT NULL,
	"confirmed_at" timestamp with time zone,
	"attested_at" timestamp with time zone,
	"submitted_at" timestamp with time zone,
	"minted_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "bridge_service_deposits_deposit_id_unique" UNIQUE("deposit_id"),
	CONSTRAINT "bridge_service_deposits_amount_pos" CHECK ("bridge_service_deposits"."amount" > 0),
	CONSTRAINT "bridge_service_deposits_hex" CHECK ("bridge_service_deposits"."thb_transfer_id" ~ '^[0-9a-f]{64}$' and "bridge_service_deposits"."deposit_id" ~ '^[0-9a-f]{64}$'),
	CONSTRAINT "bridge_service_deposits_recipient" CHECK (("bridge_service_deposits"."state" = 'invalid_memo') = ("bridge_service_deposits"."recipient_wallet" is null))
);
--> statement-breakpoint
CREATE TABLE "bridge_service_withdrawals" (
	"withdrawal_pda" text PRIMARY KEY NOT NULL,
	"withdrawal_id" bigint NOT NULL,
	"holder_wallet" text NOT NULL,
	"amount" bigint NOT NULL,
	"thb_destination" text NOT NULL,
	"state" "bridge_service_withdrawal_state" DEFAULT 'pending' NOT NULL,
	"payout_transfer_id" text,
	"payout_confirmations" integer DEFAULT 0 NOT NULL,
	"confirmations_required" integer NOT NULL,
	"tx_signature" text,
	"attempts" integer DEFAULT 0 NOT NULL,
	"last_error" text,
	"last_error_at" timestamp with time zone,
	"next_attempt_at" timestamp with time zone DEFAULT now() NOT NULL,
	"locked_until" timestamp with time zone,
	"seen_at" timestamp with time zone DEFAULT now() NOT NULL,
	"paid_at" timestamp with time zone,
	"submitted_at" timestamp with time zone,
	"resolved_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "bridge_service_withdrawals_withdrawal_id_unique" UNIQUE("withdrawal_id"),
	CONSTRAINT "bridge_service_withdrawals_amount_pos" CHECK ("bridge_service_withdrawals"."amount" > 0),
	CONSTRAINT "bridge_service_withdrawals_payout_hex" CHECK ("bridge_service_withdrawals"."payout_transfer_id" is null or "bridge_service_withdrawals"."payout_transfer_id" ~ '^[0-9a-f]{64}$')
);
--> statement-breakpoint
CREATE INDEX "bridge_service_deposits_recipient_idx" ON "bridge_service_deposits" USING btree ("recipient_wallet","seen_at");--> statement-breakpoint
CREATE INDEX "bridge_service_deposits_state_idx" ON "bridge_service_deposits" USING btree ("state","next_attempt_at");--> statement-breakpoint
CREATE INDEX "bridge_service_withdrawals_holder_idx" ON "bridge_service_withdrawals" USING btree ("holder_wallet","withdrawal_id");--> statement-breakpoint
CREATE INDEX "bridge_service_withdrawals_state_idx" ON "bridge_service_withdrawals" USING btree ("state","next_attempt_at");