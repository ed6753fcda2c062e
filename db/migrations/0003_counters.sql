CREATE TABLE "counters" (
	"pda" text PRIMARY KEY NOT NULL,
	"authority" text NOT NULL,
	"count" bigint NOT NULL,
	"last_signature" text NOT NULL,
	"last_slot" bigint NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
