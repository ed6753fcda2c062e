/**
 * The database schema (drizzle). PostgreSQL is a query cache and the off-chain system of record
 * for what never goes on chain (sessions, readings before minting, API keys, the audit log); the
 * chain stays the source of truth for balances, orders and certificates.
 *
 * Units, the same everywhere: energy in integer Wh, money in THBC base units (6 decimals), prices
 * in THBC base units per kWh. Those columns are `bigint` read as JS `bigint` (mode "bigint") so no
 * value above 2^53 is ever rounded. Migrations: `npm run db:generate` writes db/migrations/.
 */
import { sql } from "drizzle-orm";
import {
  bigint,
  boolean,
  check,
  index,
  integer,
  jsonb,
  pgEnum,
  pgTable,
  primaryKey,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from "drizzle-orm/pg-core";
import { BRIDGE_DEPOSIT_STATES, BRIDGE_WITHDRAWAL_STATES } from "../lib/bridge-states";

// 1. ENUMS ------------------------------------------------------------------------------------

export const userRole = pgEnum("user_role", ["prosumer", "consumer", "admin"]);
export const userStatus = pgEnum("user_status", ["active", "suspended"]);
export const meterType = pgEnum("meter_type", ["solar", "wind", "battery", "consumption"]);
export const meterStatus = pgEnum("meter_status", ["pending", "active", "suspended"]);
/**
 * `covered`: a delayed reading older than one already accepted. It is kept (acknowledged, with its
 * signature) but never sent: the newer reading's registers already count its energy, so its
 * interval is 0 Wh and the chain would refuse it as stale anyway.
 */
export const readingState = pgEnum("reading_state", [
  "pending",
  "submitted",
  "confirmed",
  "failed",
  "covered",
]);
export const orderSide = pgEnum("order_side", ["buy", "sell"]);
/** pending: created, transaction not yet confirmed; open/partially_filled: on the book. */
export const orderStatus = pgEnum("order_status", [
  "pending",
  "open",
  "partially_filled",
  "filled",
  "cancelled",
  "expired",
  "failed",
]);
/** issued: awaiting admin validation; validated: tradable; retired/revoked: final. */
export const ercStatus = pgEnum("erc_status", ["issued", "validated", "retired", "revoked"]);
/** A THB bridge withdrawal: burned and waiting, paid out on the THB chain, or re-minted. */
export const bridgeWithdrawalState = pgEnum("bridge_withdrawal_state", [
  "pending",
  "completed",
  "refunded",
]);

/**
 * The bridge service's own progress on a THB deposit (server/bridge/README.md): seen in the THB
 * mempool → confirming n/k → attested → submitted → minted (the Deposit PDA exists); or
 * invalid_memo / rejected (never minted), reorged (left the THB chain unconfirmed), failed (gave up).
 */
export const bridgeServiceDepositState = pgEnum("bridge_service_deposit_state", BRIDGE_DEPOSIT_STATES);
/**
 * The bridge service's progress on a withdrawal: pending → paying (THB payout sent) → paid (payout
 * confirmed) → submitted (complete_withdrawal sent) → completed; or refunding → refunded (a
 * destination it cannot pay); failed (gave up).
 */
export const bridgeServiceWithdrawalState = pgEnum("bridge_service_withdrawal_state", BRIDGE_WITHDRAWAL_STATES);

export type UserRole = (typeof userRole.enumValues)[number];
export type UserStatus = (typeof userStatus.enumValues)[number];
export type MeterType = (typeof meterType.enumValues)[number];
export type MeterStatus = (typeof meterStatus.enumValues)[number];
export type ReadingState = (typeof readingState.enumValues)[number];
export type OrderSide = (typeof orderSide.enumValues)[number];
export type OrderStatus = (typeof orderStatus.enumValues)[number];
export type ErcStatus = (typeof ercStatus.enumValues)[number];
export type BridgeWithdrawalState = (typeof bridgeWithdrawalState.enumValues)[number];
export type BridgeServiceDepositState = (typeof bridgeServiceDepositState.enumValues)[number];
export type BridgeServiceWithdrawalState = (typeof bridgeServiceWithdrawalState.enumValues)[number];

// Column helpers: one place decides how times and amounts are stored.
const createdAt = () => timestamp("created_at", { withTimezone: true }).notNull().defaultNow();
const updatedAt = () =>
  timestamp("updated_at", { withTimezone: true })
    .notNull()
    .defaultNow()
    .$onUpdate(() => new Date());
const tstz = (name: string) => timestamp(name, { withTimezone: true });
const wh = (name: string) => bigint(name, { mode: "bigint" });
const thbc = (name: string) => bigint(name, { mode: "bigint" });

// 2. USERS AND METERS -------------------------------------------------------------------------

export const users = pgTable(
  "users",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    /** base58 Ed25519 public key of the user's wallet. */
    walletAddress: text("wallet_address").notNull().unique(),
    role: userRole("role").notNull().default("consumer"),
    name: text("name"),
    status: userStatus("status").notNull().default("active"),
    /** Registry `User` PDA once registered on chain. */
    pdaAddress: text("pda_address").unique(),
    lastSignInAt: tstz("last_sign_in_at"),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    check("users_wallet_len", sql`char_length(${t.walletAddress}) between 32 and 44`),
    check("users_name_len", sql`${t.name} is null or char_length(${t.name}) <= 80`),
  ],
);

export const meters = pgTable(
  "meters",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    /** The device's own id, as it appears in signed readings. */
    meterId: text("meter_id").notNull().unique(),
    ownerId: uuid("owner_id")
      .notNull()
      .references(() => users.id, { onDelete: "restrict" }),
    /** base58 Ed25519 public key the meter signs readings with. One key, one meter. */
    publicKey: text("public_key").notNull().unique(),
    type: meterType("type").notNull(),
    zone: text("zone").notNull(),
    ratedCapacityW: integer("rated_capacity_w").notNull(),
    status: meterStatus("status").notNull().default("pending"),
    pdaAddress: text("pda_address").unique(),
    /** Mirrors of the on-chain trackers (Wh minted as GRID, Wh certified as ERC). */
    settledNetGenWh: wh("settled_net_gen_wh")
      .notNull()
      .default(sql`0`),
    claimedErcGenWh: wh("claimed_erc_gen_wh")
      .notNull()
      .default(sql`0`),
    lastReadingAt: tstz("last_reading_at"),
    /** Chain clock when the Registry last activated the meter: its first reading may not be older. */
    activatedAt: tstz("activated_at"),
    txSignature: text("tx_signature"),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    index("meters_owner_idx").on(t.ownerId),
    index("meters_zone_idx").on(t.zone),
    check("meters_meter_id_len", sql`char_length(${t.meterId}) between 1 and 64`),
    check("meters_capacity_pos", sql`${t.ratedCapacityW} > 0`),
    check("meters_trackers_nonneg", sql`${t.settledNetGenWh} >= 0 and ${t.claimedErcGenWh} >= 0`),
  ],
);

/**
 * One signed reading per meter and timestamp. Stored `minted=false`, state `pending` by the
 * gateway; the mint poller moves it to submitted → confirmed (or failed with a reason).
 */
export const meterReadings = pgTable(
  "meter_readings",
  {
    id: bigint("id", { mode: "number" }).primaryKey().generatedAlwaysAsIdentity(),
    /** References meters.meter_id (the device id the reading is signed with). */
    meterId: text("meter_id")
      .notNull()
      .references(() => meters.meterId, { onDelete: "restrict" }),
    /** The meter's cumulative registers (Wh) as signed: what the chain takes differences of. */
    productionRegisterWh: wh("production_register_wh").notNull(),
    consumptionRegisterWh: wh("consumption_register_wh").notNull(),
    /**
     * Energy of the interval ending at this reading: its registers minus the previous stored
     * reading's (of the same activation). 0 for a baseline: the first reading after activation.
     */
    productionWh: wh("production_wh").notNull(),
    consumptionWh: wh("consumption_wh").notNull(),
    /** The reading's own timestamp (whole seconds, as signed by the meter). */
    readingAt: tstz("reading_at").notNull(),
    /** base58 of the meter's 64-byte Ed25519 signature over the canonical reading bytes. */
    meterSignature: text("meter_signature").notNull(),
    state: readingState("state").notNull().default("pending"),
    minted: boolean("minted").notNull().default(false),
    txSignature: text("tx_signature"),
    failureReason: text("failure_reason"),
    attempts: integer("attempts").notNull().default(0),
    /** Lease for the mint poller: a reading being worked on is skipped by other runs until then. */
    lockedUntil: tstz("locked_until"),
    receivedAt: tstz("received_at").notNull().defaultNow(),
    updatedAt: updatedAt(),
  },
  (t) => [
    uniqueIndex("meter_readings_meter_ts_uq").on(t.meterId, t.readingAt),
    index("meter_readings_state_idx").on(t.state, t.receivedAt),
    index("meter_readings_reading_at_idx").on(t.readingAt),
    check("meter_readings_amounts_nonneg", sql`${t.productionWh} >= 0 and ${t.consumptionWh} >= 0`),
    check(
      "meter_readings_registers_nonneg",
      sql`${t.productionRegisterWh} >= 0 and ${t.consumptionRegisterWh} >= 0`,
    ),
    check("meter_readings_attempts_nonneg", sql`${t.attempts} >= 0`),
  ],
);

// 3. CERTIFICATES, ORDERS, TRADES ---------------------------------------------------------------

export const ercCertificates = pgTable(
  "erc_certificates",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    /** On-chain certificate id. */
    certificateId: text("certificate_id").notNull().unique(),
    meterId: text("meter_id")
      .notNull()
      .references(() => meters.meterId, { onDelete: "restrict" }),
    ownerId: uuid("owner_id")
      .notNull()
      .references(() => users.id, { onDelete: "restrict" }),
    volumeWh: wh("volume_wh").notNull(),
    retiredWh: wh("retired_wh")
      .notNull()
      .default(sql`0`),
    /** Volume locked by open green sell orders. */
    lockedWh: wh("locked_wh")
      .notNull()
      .default(sql`0`),
    status: ercStatus("status").notNull().default("issued"),
    beneficiary: text("beneficiary"),
    generationStart: tstz("generation_start"),
    generationEnd: tstz("generation_end"),
    pdaAddress: text("pda_address").unique(),
    txSignature: text("tx_signature"),
    issuedAt: tstz("issued_at").notNull().defaultNow(),
    validatedAt: tstz("validated_at"),
    retiredAt: tstz("retired_at"),
    revokedAt: tstz("revoked_at"),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    index("erc_owner_idx").on(t.ownerId),
    index("erc_meter_idx").on(t.meterId),
    check("erc_volume_pos", sql`${t.volumeWh} > 0`),
    check(
      "erc_retired_range",
      sql`${t.retiredWh} >= 0 and ${t.lockedWh} >= 0 and ${t.retiredWh} + ${t.lockedWh} <= ${t.volumeWh}`,
    ),
  ],
);

export const orders = pgTable(
  "orders",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    userId: uuid("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "restrict" }),
    side: orderSide("side").notNull(),
    amountWh: wh("amount_wh").notNull(),
    filledWh: wh("filled_wh")
      .notNull()
      .default(sql`0`),
    /** Limit price, THBC base units per kWh. */
    pricePerKwh: thbc("price_per_kwh").notNull(),
    status: orderStatus("status").notNull().default("pending"),
    expiresAt: tstz("expires_at"),
    /** Sell: backed by an ERC; buy: accepts only green fills. */
    green: boolean("green").notNull().default(false),
    ercCertificateId: uuid("erc_certificate_id").references(() => ercCertificates.id, {
      onDelete: "restrict",
    }),
    pdaAddress: text("pda_address").unique(),
    txSignature: text("tx_signature"),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    // The matcher's scan: open orders of one side by price, then time.
    index("orders_book_idx").on(t.status, t.side, t.pricePerKwh, t.createdAt),
    index("orders_user_idx").on(t.userId, t.createdAt),
    check("orders_amount_pos", sql`${t.amountWh} > 0`),
    check("orders_filled_range", sql`${t.filledWh} >= 0 and ${t.filledWh} <= ${t.amountWh}`),
    check("orders_price_pos", sql`${t.pricePerKwh} > 0`),
    check(
      "orders_erc_only_green_sell",
      sql`${t.ercCertificateId} is null or (${t.side} = 'sell' and ${t.green})`,
    ),
    check(
      "orders_green_sell_has_erc",
      sql`not (${t.side} = 'sell' and ${t.green}) or ${t.ercCertificateId} is not null`,
    ),
  ],
);

export const trades = pgTable(
  "trades",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    buyOrderId: uuid("buy_order_id")
      .notNull()
      .references(() => orders.id, { onDelete: "restrict" }),
    sellOrderId: uuid("sell_order_id")
      .notNull()
      .references(() => orders.id, { onDelete: "restrict" }),
    buyerId: uuid("buyer_id")
      .notNull()
      .references(() => users.id, { onDelete: "restrict" }),
    sellerId: uuid("seller_id")
      .notNull()
      .references(() => users.id, { onDelete: "restrict" }),
    amountWh: wh("amount_wh").notNull(),
    /** Execution (maker) price, THBC base units per kWh. */
    pricePerKwh: thbc("price_per_kwh").notNull(),
    /** What the buyer paid for the energy, THBC base units: ceil(amount_wh × price / 1000). */
    totalPrice: thbc("total_price").notNull(),
    /** Platform fee, THBC base units. */
    fee: thbc("fee")
      .notNull()
      .default(sql`0`),
    green: boolean("green").notNull().default(false),
    executedAt: tstz("executed_at").notNull().defaultNow(),
    txSignature: text("tx_signature").notNull(),
  },
  (t) => [
    // One match transaction fills one pair once: the indexer can insert idempotently.
    uniqueIndex("trades_tx_pair_uq").on(t.txSignature, t.buyOrderId, t.sellOrderId),
    index("trades_executed_idx").on(t.executedAt),
    index("trades_buyer_idx").on(t.buyerId, t.executedAt),
    index("trades_seller_idx").on(t.sellerId, t.executedAt),
    check("trades_amount_pos", sql`${t.amountWh} > 0`),
    check("trades_price_pos", sql`${t.pricePerKwh} > 0`),
    check("trades_money_nonneg", sql`${t.totalPrice} >= 0 and ${t.fee} >= 0`),
    check("trades_no_self_trade", sql`${t.buyerId} <> ${t.sellerId}`),
    check("trades_distinct_orders", sql`${t.buyOrderId} <> ${t.sellOrderId}`),
  ],
);

// 4. AUTH, API KEYS, AUDIT --------------------------------------------------------------------

/**
 * Sign-in challenges. A row is consumed (consumed_at set) exactly once by a conditional UPDATE;
 * consumed rows are kept until they expire so a replay reports AUTH_NONCE_USED, not "unknown".
 */
export const authNonces = pgTable(
  "auth_nonces",
  {
    nonce: text("nonce").primaryKey(),
    walletAddress: text("wallet_address").notNull(),
    issuedAt: tstz("issued_at").notNull(),
    expiresAt: tstz("expires_at").notNull(),
    consumedAt: tstz("consumed_at"),
    ip: text("ip"),
  },
  (t) => [
    index("auth_nonces_expires_idx").on(t.expiresAt),
    check("auth_nonces_expiry_after_issue", sql`${t.expiresAt} > ${t.issuedAt}`),
  ],
);

/** Server-side sessions: the cookie's JWT only names a row here, so revoking a row ends it. */
export const sessions = pgTable(
  "sessions",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    userId: uuid("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    createdAt: createdAt(),
    expiresAt: tstz("expires_at").notNull(),
    revokedAt: tstz("revoked_at"),
    ip: text("ip"),
    userAgent: text("user_agent"),
  },
  (t) => [index("sessions_user_idx").on(t.userId)],
);

/** B2B keys for grid operators. Only a SHA-256 of the secret is stored; `prefix` is displayable. */
export const apiKeys = pgTable(
  "api_keys",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    name: text("name").notNull(),
    prefix: text("prefix").notNull().unique(),
    keyHash: text("key_hash").notNull().unique(),
    scopes: text("scopes")
      .array()
      .notNull()
      .default(sql`'{}'::text[]`),
    createdBy: uuid("created_by").references(() => users.id, { onDelete: "set null" }),
    expiresAt: tstz("expires_at"),
    revokedAt: tstz("revoked_at"),
    lastUsedAt: tstz("last_used_at"),
    createdAt: createdAt(),
  },
  (t) => [check("api_keys_hash_len", sql`char_length(${t.keyHash}) = 64`)],
);

export const auditLog = pgTable(
  "audit_log",
  {
    id: bigint("id", { mode: "number" }).primaryKey().generatedAlwaysAsIdentity(),
    /** The signed-in user who acted; null for the system (crons) or an API key. */
    actorId: uuid("actor_id").references(() => users.id, { onDelete: "set null" }),
    /** Human-readable actor: a wallet, `system:<job>` or `api_key:<prefix>`. */
    actor: text("actor").notNull(),
    /** Dotted verb, e.g. `auth.sign_in`, `user.set_role`. */
    action: text("action").notNull(),
    targetType: text("target_type"),
    targetId: text("target_id"),
    details: jsonb("details").$type<Record<string, unknown>>().notNull().default({}),
    ip: text("ip"),
    at: tstz("at").notNull().defaultNow(),
  },
  (t) => [
    index("audit_log_at_idx").on(t.at),
    index("audit_log_actor_idx").on(t.actorId, t.at),
    index("audit_log_target_idx").on(t.targetType, t.targetId),
  ],
);

// 5. CHAIN-DERIVED (the indexer fills these from program events; `npm run reindex` rebuilds them) ---

/** The last transaction the indexer replayed, per program (catch-up resumes after it). */
export const indexerCursors = pgTable("indexer_cursors", {
  program: text("program").primaryKey(),
  lastSignature: text("last_signature").notNull(),
  lastSlot: bigint("last_slot", { mode: "number" }).notNull(),
  updatedAt: updatedAt(),
});

/**
 * Chain transactions the indexer could not apply. Indexing goes on past them; the admin console
 * lists them with *Retry*. One row per (signature, program).
 */
export const indexerDeadLetters = pgTable(
  "indexer_dead_letters",
  {
    id: bigint("id", { mode: "number" }).primaryKey().generatedAlwaysAsIdentity(),
    signature: text("signature").notNull(),
    program: text("program").notNull(),
    slot: bigint("slot", { mode: "number" }).notNull(),
    error: text("error").notNull(),
    attempts: integer("attempts").notNull().default(1),
    firstFailedAt: tstz("first_failed_at").notNull().defaultNow(),
    lastFailedAt: tstz("last_failed_at").notNull().defaultNow(),
    /** Set when a retry applied it; resolved rows stay for the record. */
    resolvedAt: tstz("resolved_at"),
  },
  (t) => [
    uniqueIndex("indexer_dead_letters_sig_program_uq").on(t.signature, t.program),
    index("indexer_dead_letters_open_idx").on(t.resolvedAt, t.lastFailedAt),
    check("indexer_dead_letters_attempts_pos", sql`${t.attempts} >= 1`),
  ],
);

/** Oracle PriceUpdated events: reference prices, THBC base units per kWh. One row per sequence. */
export const prices = pgTable(
  "prices",
  {
    sequence: bigint("sequence", { mode: "number" }).primaryKey(),
    retailPrice: thbc("retail_price").notNull(),
    feedInPrice: thbc("feed_in_price").notNull(),
    feeder: text("feeder").notNull(),
    /** Chain clock of the update. */
    publishedAt: tstz("published_at").notNull(),
    slot: bigint("slot", { mode: "number" }).notNull(),
    txSignature: text("tx_signature").notNull(),
  },
  (t) => [index("prices_published_idx").on(t.publishedAt)],
);

/** Registry BalanceSettled events: GRID minted to a meter owner (1 base unit = 1 Wh). */
export const mints = pgTable(
  "mints",
  {
    id: bigint("id", { mode: "number" }).primaryKey().generatedAlwaysAsIdentity(),
    txSignature: text("tx_signature").notNull(),
    /** The Meter PDA (base58); meter_id is resolved through meters.pda_address when known. */
    meterPda: text("meter_pda").notNull(),
    meterId: text("meter_id"),
    ownerWallet: text("owner_wallet").notNull(),
    destination: text("destination").notNull(),
    amountWh: wh("amount_wh").notNull(),
    /** The meter's settled_net_gen after this mint. */
    settledNetGenWh: wh("settled_net_gen_wh").notNull(),
    slot: bigint("slot", { mode: "number" }).notNull(),
    mintedAt: tstz("minted_at"),
  },
  (t) => [
    // One settle per meter per transaction: replaying a transaction inserts nothing.
    uniqueIndex("mints_tx_meter_uq").on(t.txSignature, t.meterPda),
    index("mints_owner_idx").on(t.ownerWallet, t.slot),
    index("mints_meter_idx").on(t.meterId, t.slot),
    check("mints_amount_pos", sql`${t.amountWh} > 0`),
  ],
);

/**
 * The counter example program's accounts, from its CounterIncremented events (proof that a new
 * program is one list entry plus its handler file). `count` only grows, so replays keep the max.
 */
export const counters = pgTable("counters", {
  pda: text("pda").primaryKey(),
  authority: text("authority").notNull(),
  count: bigint("count", { mode: "bigint" }).notNull(),
  lastSignature: text("last_signature").notNull(),
  lastSlot: bigint("last_slot", { mode: "number" }).notNull(),
  updatedAt: updatedAt(),
});

/** 32-byte THB-side values (deposit ids, THB transaction references, THB destinations): lowercase hex. */
const hex32 = (column: unknown) => sql`${column} ~ '^[0-9a-f]{64}$'`;

/**
 * THB bridge Deposited events: THBC minted against an attested THB deposit, one row per deposit
 * id (the chain mints each id once, so a replay inserts nothing). `minted_at` is the block time,
 * filled in by the first pass that knows it (a live notification carries none).
 */
export const bridgeDeposits = pgTable(
  "bridge_deposits",
  {
    /** The bridge's 32-byte deposit id (hex); its Deposit PDA is `deposit_pda`. */
    depositId: text("deposit_id").primaryKey(),
    depositPda: text("deposit_pda").notNull().unique(),
    recipientWallet: text("recipient_wallet").notNull(),
    recipientToken: text("recipient_token").notNull(),
    /** THBC base units (6 decimals). */
    amount: thbc("amount").notNull(),
    /** The THB-chain deposit transaction (hex). */
    thbTxRef: text("thb_tx_ref").notNull(),
    signature: text("signature").notNull(),
    slot: bigint("slot", { mode: "number" }).notNull(),
    mintedAt: tstz("minted_at"),
  },
  (t) => [
    index("bridge_deposits_recipient_idx").on(t.recipientWallet, t.slot),
    index("bridge_deposits_signature_idx").on(t.signature),
    check("bridge_deposits_amount_pos", sql`${t.amount} > 0`),
    check("bridge_deposits_hex", sql`${hex32(t.depositId)} and ${hex32(t.thbTxRef)}`),
  ],
);

/**
 * THB bridge withdrawals, one row per Withdrawal PDA: WithdrawalRequested (burned, pending), then
 * WithdrawalCompleted (paid out on the THB chain) or WithdrawalRefunded (re-minted) — never both,
 * as on chain. Each event fills its own columns, so the row comes out the same whatever order
 * the events are applied in (a dead-letter retry or `applySignatures` may apply a later one
 * first): a settled row never goes back to pending.
 */
export const bridgeWithdrawals = pgTable(
  "bridge_withdrawals",
  {
    withdrawalPda: text("withdrawal_pda").primaryKey(),
    /** The Bridge's withdrawal counter at the request (the PDA's seed). */
    withdrawalId: bigint("withdrawal_id", { mode: "bigint" }).notNull().unique(),
    holderWallet: text("holder_wallet").notNull(),
    /** THBC base units burned at the request (and re-minted by a refund). */
    amount: thbc("amount").notNull(),
    /** Where the THB go (hex); null until the request itself is applied. */
    thbDestination: text("thb_destination"),
    state: bridgeWithdrawalState("state").notNull().default("pending"),
    /** The THB payout transaction (hex) of a completed withdrawal. */
    thbTxRef: text("thb_tx_ref"),
    /** A refund: true when attestors rejected it, false when it timed out. */
    refundAttested: boolean("refund_attested"),
    requestedSignature: text("requested_signature"),
    requestedSlot: bigint("requested_slot", { mode: "number" }),
    requestedAt: tstz("requested_at"),
    settledSignature: text("settled_signature"),
    settledSlot: bigint("settled_slot", { mode: "number" }),
    settledAt: tstz("settled_at"),
  },
  (t) => [
    index("bridge_withdrawals_holder_idx").on(t.holderWallet, t.withdrawalId),
    index("bridge_withdrawals_state_idx").on(t.state, t.withdrawalId),
    check("bridge_withdrawals_amount_pos", sql`${t.amount} > 0`),
    check(
      "bridge_withdrawals_settled",
      sql`(${t.state} = 'pending') = (${t.settledSignature} is null)`,
    ),
    check(
      "bridge_withdrawals_kind",
      sql`(${t.state} = 'completed') = (${t.thbTxRef} is not null) and (${t.state} = 'refunded') = (${t.refundAttested} is not null)`,
    ),
    check(
      "bridge_withdrawals_hex",
      sql`(${t.thbDestination} is null or ${hex32(t.thbDestination)}) and (${t.thbTxRef} is null or ${hex32(t.thbTxRef)})`,
    ),
  ],
);

/**
 * The Bridge account's settings as its events left them (BridgeInitialized, LimitsSet, PausedSet,
 * AttestorsSet, AdminTransferProposed / AdminTransferred), for the admin console. Each group of
 * columns carries the slot of the event that set it and only a newer or same-slot event replaces
 * it, so a replay of an older event changes nothing. Null: no event for that group applied yet.
 */
export const bridgeConfig = pgTable("bridge_config", {
  /** The Bridge PDA (one row per deployment). */
  bridge: text("bridge").primaryKey(),
  thbcMint: text("thbc_mint"),
  /** The cluster tag attestations are bound to (hex). */
  clusterTag: text("cluster_tag"),
  admin: text("admin"),
  /** The proposed admin of a two-step hand-over; null when none. */
  pendingAdmin: text("pending_admin"),
  adminSlot: bigint("admin_slot", { mode: "number" }),
  attestorCount: integer("attestor_count"),
  threshold: integer("threshold"),
  attestorsSlot: bigint("attestors_slot", { mode: "number" }),
  maxPerDeposit: thbc("max_per_deposit"),
  maxPerDay: thbc("max_per_day"),
  withdrawalTimeoutSecs: bigint("withdrawal_timeout_secs", { mode: "number" }),
  limitsSlot: bigint("limits_slot", { mode: "number" }),
  paused: boolean("paused"),
  pausedSlot: bigint("paused_slot", { mode: "number" }),
  updatedAt: updatedAt(),
});

// THE BRIDGE SERVICE (server/bridge) ---------------------------------------------------------
// The service's own records, written only by it (the chain mirrors above stay the indexer's).

/**
 * One row per THB transfer to the bridge's deposit address. `deposit_id` is derived from the THB
 * chain id and the transfer id, so every retry and every second service names the same Deposit
 * PDA and the program mints it once.
 */
export const bridgeServiceDeposits = pgTable(
  "bridge_service_deposits",
  {
    /** The THB transfer id (hex), also the deposit's thb_tx_ref. */
    thbTransferId: text("thb_transfer_id").primaryKey(),
    thbChainId: text("thb_chain_id").notNull(),
    depositId: text("deposit_id").notNull().unique(),
    depositPda: text("deposit_pda").notNull(),
    thbFrom: text("thb_from"),
    memo: text("memo").notNull(),
    /** The memo as a Solana wallet; null when it is not one (invalid_memo). */
    recipientWallet: text("recipient_wallet"),
    /** THB base units = THBC base units (both 6 decimals). */
    amount: thbc("amount").notNull(),
    state: bridgeServiceDepositState("state").notNull().default("seen"),
    thbHeight: bigint("thb_height", { mode: "number" }),
    confirmations: integer("confirmations").notNull().default(0),
    confirmationsRequired: integer("confirmations_required").notNull(),
    /** The attestor's Ed25519 signature over the attestation digest (hex). */
    attestation: text("attestation"),
    /** The last `deposit` transaction sent (recorded before the send). */
    txSignature: text("tx_signature"),
    attempts: integer("attempts").notNull().default(0),
    lastError: text("last_error"),
    lastErrorAt: tstz("last_error_at"),
    nextAttemptAt: tstz("next_attempt_at").notNull().defaultNow(),
    lockedUntil: tstz("locked_until"),
    seenAt: tstz("seen_at").notNull().defaultNow(),
    confirmedAt: tstz("confirmed_at"),
    attestedAt: tstz("attested_at"),
    submittedAt: tstz("submitted_at"),
    mintedAt: tstz("minted_at"),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    index("bridge_service_deposits_recipient_idx").on(t.recipientWallet, t.seenAt),
    index("bridge_service_deposits_state_idx").on(t.state, t.nextAttemptAt),
    check("bridge_service_deposits_amount_pos", sql`${t.amount} > 0`),
    check("bridge_service_deposits_hex", sql`${hex32(t.thbTransferId)} and ${hex32(t.depositId)}`),
    check(
      "bridge_service_deposits_recipient",
      sql`(${t.state} = 'invalid_memo') = (${t.recipientWallet} is null)`,
    ),
  ],
);

/** One row per Withdrawal PDA the service found pending on chain. */
export const bridgeServiceWithdrawals = pgTable(
  "bridge_service_withdrawals",
  {
    withdrawalPda: text("withdrawal_pda").primaryKey(),
    withdrawalId: bigint("withdrawal_id", { mode: "bigint" }).notNull().unique(),
    holderWallet: text("holder_wallet").notNull(),
    amount: thbc("amount").notNull(),
    /** The THB destination as a THB-chain address (base58 of the 32 bytes on chain). */
    thbDestination: text("thb_destination").notNull(),
    state: bridgeServiceWithdrawalState("state").notNull().default("pending"),
    /** The THB payout transfer (hex): its memo names the Withdrawal PDA. */
    payoutTransferId: text("payout_transfer_id"),
    payoutConfirmations: integer("payout_confirmations").notNull().default(0),
    confirmationsRequired: integer("confirmations_required").notNull(),
    /** The last complete_withdrawal / refund_withdrawal transaction sent (recorded before the send). */
    txSignature: text("tx_signature"),
    attempts: integer("attempts").notNull().default(0),
    lastError: text("last_error"),
    lastErrorAt: tstz("last_error_at"),
    nextAttemptAt: tstz("next_attempt_at").notNull().defaultNow(),
    lockedUntil: tstz("locked_until"),
    seenAt: tstz("seen_at").notNull().defaultNow(),
    paidAt: tstz("paid_at"),
    submittedAt: tstz("submitted_at"),
    resolvedAt: tstz("resolved_at"),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    index("bridge_service_withdrawals_holder_idx").on(t.holderWallet, t.withdrawalId),
    index("bridge_service_withdrawals_state_idx").on(t.state, t.nextAttemptAt),
    check("bridge_service_withdrawals_amount_pos", sql`${t.amount} > 0`),
    check(
      "bridge_service_withdrawals_payout_hex",
      sql`${t.payoutTransferId} is null or ${hex32(t.payoutTransferId)}`,
    ),
  ],
);

/** The service's scan positions (e.g. the THB height below which every deposit is final). */
export const bridgeServiceCursors = pgTable("bridge_service_cursors", {
  name: text("name").primaryKey(),
  height: bigint("height", { mode: "number" }).notNull(),
  updatedAt: updatedAt(),
});

// THE TRADING MARKET'S CHAIN MIRRORS (server/indexer/handlers/trading.ts) --------------------
// Written only by the indexer, emptied and rebuilt by `npm run reindex`.

/**
 * A Trading order's life: open (nothing filled) → partial → filled, or ended by an event:
 * cancelled (by its owner), closed (filled, paid out by anyone's close_order) or expired_closed
 * (closed after its expiry). An ended state never goes back.
 */
export const tradingOrderState = pgEnum("trading_order_state", [
  "open",
  "partial",
  "filled",
  "cancelled",
  "closed",
  "expired_closed",
]);
export type TradingOrderState = (typeof tradingOrderState.enumValues)[number];

/**
 * One row per Order PDA, from OrderCreated, OrderFilled, OrderCancelled and OrderClosed. Each
 * event fills only its own columns and `filled_wh` only grows (the largest fill total seen), so the
 * row is the same whatever order the events are applied in: a fill or a cancel applied before the
 * creation leaves the creation's columns null until it comes. `state` and `locked` are computed by
 * PostgreSQL from the other columns (generated), never written: `locked` is what the unfilled
 * remainder holds in the market's vault (a sell's remaining Wh, a buy's ceil(remaining × limit /
 * 1000) THBC; 0 once ended; null until the creation is known). A client order id reused after the
 * order closed re-creates the same PDA: the mirror keeps one row per PDA, so the app never reuses one.
 */
export const tradingOrders = pgTable(
  "trading_orders",
  {
    orderPda: text("order_pda").primaryKey(),
    owner: text("owner").notNull(),
    side: orderSide("side").notNull(),
    clientOrderId: bigint("client_order_id", { mode: "bigint" }),
    amountWh: wh("amount_wh"),
    filledWh: wh("filled_wh").notNull().default(sql`0`),
    /** THBC base units per kWh. */
    limitPrice: thbc("limit_price"),
    /** What create_order moved into the vault (GRID Wh for a sell, THBC for a buy). */
    createdLocked: bigint("created_locked", { mode: "bigint" }),
    /** The Oracle's retail price the band was checked against at creation. */
    referencePrice: thbc("reference_price"),
    expiresAt: tstz("expires_at"),
    /** Set by OrderCancelled / OrderClosed; `state` follows it. */
    endedAs: tradingOrderState("ended_as"),
    state: tradingOrderState("state").generatedAlwaysAs(
      sql`case when ended_as is not null then ended_as when amount_wh is not null and filled_wh >= amount_wh then 'filled'::trading_order_state when filled_wh > 0 then 'partial'::trading_order_state else 'open'::trading_order_state end`,
    ),
    locked: bigint("locked", { mode: "bigint" }).generatedAlwaysAs(
      sql`case when ended_as is not null then 0::bigint when amount_wh is null or limit_price is null then null when side = 'sell' then amount_wh - filled_wh else div((amount_wh - filled_wh)::numeric * limit_price + 999, 1000)::bigint end`,
    ),
    createdSignature: text("created_signature"),
    createdSlot: bigint("created_slot", { mode: "number" }),
    /** Block time of the creation (null until a pass that knows it). */
    createdAt: tstz("created_at"),
    /** What cancel / close paid out: to the owner (GRID, THBC) and the fee to the fee destination. */
    paidGrid: wh("paid_grid"),
    paidThbc: thbc("paid_thbc"),
    feePaid: thbc("fee_paid"),
    endedSignature: text("ended_signature"),
    endedSlot: bigint("ended_slot", { mode: "number" }),
    endedAt: tstz("ended_at"),
    /** The newest slot of any event applied to the order. */
    lastSlot: bigint("last_slot", { mode: "number" }).notNull(),
  },
  (t) => [
    index("trading_orders_owner_idx").on(t.owner, t.createdSlot),
    // The book: open orders of one side by price.
    index("trading_orders_book_idx")
      .on(t.side, t.limitPrice, t.createdSlot)
      .where(sql`ended_as is null`),
    check("trading_orders_amounts", sql`${t.filledWh} >= 0 and (${t.amountWh} is null or ${t.amountWh} > 0)`),
    check(
      "trading_orders_ended",
      sql`(${t.endedAs} is null or ${t.endedAs} in ('cancelled', 'closed', 'expired_closed')) and (${t.endedAs} is null) = (${t.endedSignature} is null)`,
    ),
  ],
);

/**
 * One row per OrderFilled: (signature, the fill's index among the transaction's OrderFilled
 * events). The fee is paid by the seller (`fee_payer`) out of `cost`; `released_to_buyer` is what
 * the fill freed of the buyer's lock (price improvement and rounding).
 */
export const tradingFills = pgTable(
  "trading_fills",
  {
    signature: text("signature").notNull(),
    fillIndex: integer("fill_index").notNull(),
    buyOrder: text("buy_order").notNull(),
    sellOrder: text("sell_order").notNull(),
    buyer: text("buyer").notNull(),
    seller: text("seller").notNull(),
    /** The order created first, whose limit is the price. */
    makerOrder: text("maker_order").notNull(),
    amountWh: wh("amount_wh").notNull(),
    /** THBC base units per kWh. */
    price: thbc("price").notNull(),
    /** floor(amount_wh × price / 1000) THBC. */
    cost: thbc("cost").notNull(),
    fee: thbc("fee").notNull(),
    feePayer: text("fee_payer").notNull(),
    releasedToBuyer: thbc("released_to_buyer").notNull(),
    /** Both orders' filled totals after this fill. */
    buyFilledWh: wh("buy_filled_wh").notNull(),
    sellFilledWh: wh("sell_filled_wh").notNull(),
    slot: bigint("slot", { mode: "number" }).notNull(),
    /** Block time; null until a pass that knows it. */
    filledAt: tstz("filled_at"),
  },
  (t) => [
    primaryKey({ columns: [t.signature, t.fillIndex] }),
    index("trading_fills_slot_idx").on(t.slot),
    index("trading_fills_buyer_idx").on(t.buyer, t.slot),
    index("trading_fills_seller_idx").on(t.seller, t.slot),
    index("trading_fills_buy_order_idx").on(t.buyOrder),
    index("trading_fills_sell_order_idx").on(t.sellOrder),
    check("trading_fills_amounts", sql`${t.amountWh} > 0 and ${t.cost} > 0 and ${t.fee} >= 0 and ${t.fee} <= ${t.cost}`),
  ],
);

/**
 * The Market account's settings as its events left them (MarketInitialized, MarketParamsChanged,
 * ParamsAuthorityTransferProposed / ParamsAuthorityTransferred, MarketPauseChanged). As in
 * bridge_config, each group carries the slot of the event that set it and only a same-slot or
 * newer event replaces it. Null: no event for that group applied yet.
 */
export const tradingMarket = pgTable("trading_market", {
  /** The Market PDA. */
  market: text("market").primaryKey(),
  gridMint: text("grid_mint"),
  thbcMint: text("thbc_mint"),
  paramsAuthority: text("params_authority"),
  /** The proposed params authority of a two-step hand-over; null when none. */
  pendingParamsAuthority: text("pending_params_authority"),
  authoritySlot: bigint("authority_slot", { mode: "number" }),
  emergencyAuthority: text("emergency_authority"),
  feeDestination: text("fee_destination"),
  minOrderWh: wh("min_order_wh"),
  maxOracleAgeSecs: integer("max_oracle_age_secs"),
  feeBps: integer("fee_bps"),
  priceBandBps: integer("price_band_bps"),
  configSlot: bigint("config_slot", { mode: "number" }),
  paused: boolean("paused"),
  pausedSlot: bigint("paused_slot", { mode: "number" }),
  updatedAt: updatedAt(),
});

// THE MATCHER (server/market/matcher) ------------------------------------------------------
// Its own records, written only by it (the trading mirrors above stay the indexer's).

export const matcherRunState = pgEnum("matcher_run_state", ["running", "completed", "failed", "abandoned"]);
export type MatcherRunState = (typeof matcherRunState.enumValues)[number];

/** One transaction the matcher signed: recorded before it is sent, its outcome after. */
export interface MatcherAttempt {
  kind: "match" | "close";
  signature: string;
  /** match: the fills (buy, sell, Wh); close: the orders. */
  fills?: { buy: string; sell: string; amountWh: string }[];
  orders?: string[];
  outcome: "sent" | "confirmed" | "refused" | "failed";
  error?: string;
  at: string;
}

/**
 * One matcher pass that had something to do (fills to propose, orders to close) or failed, while
 * holding the lease. `attempts` lists every transaction it signed, recorded before the send; a
 * pass killed mid-batch stays `running` until the next leader marks it `abandoned` (its lease ran
 * out); the chain, re-read by every pass, says what its last transaction did.
 */
export const matcherRuns = pgTable(
  "matcher_runs",
  {
    id: bigint("id", { mode: "number" }).primaryKey().generatedAlwaysAsIdentity(),
    holder: text("holder").notNull(),
    trigger: text("trigger").notNull(),
    state: matcherRunState("state").notNull().default("running"),
    ordersLoaded: integer("orders_loaded").notNull().default(0),
    fillsProposed: integer("fills_proposed").notNull().default(0),
    fillsSettled: integer("fills_settled").notNull().default(0),
    fillsRefused: integer("fills_refused").notNull().default(0),
    whSettled: wh("wh_settled").notNull().default(sql`0`),
    matchTransactions: integer("match_transactions").notNull().default(0),
    ordersClosed: integer("orders_closed").notNull().default(0),
    closesRefused: integer("closes_refused").notNull().default(0),
    attempts: jsonb("attempts").$type<MatcherAttempt[]>().notNull().default([]),
    error: text("error"),
    leaseUntil: tstz("lease_until").notNull(),
    startedAt: tstz("started_at").notNull().defaultNow(),
    finishedAt: tstz("finished_at"),
  },
  (t) => [
    index("matcher_runs_state_idx").on(t.state, t.leaseUntil),
    check("matcher_runs_counts", sql`${t.fillsSettled} >= 0 and ${t.fillsRefused} >= 0 and ${t.whSettled} >= 0`),
  ],
);

/** The matcher's leader lease: one row per lease name; a pass matches only while it holds it. */
export const matcherLease = pgTable("matcher_lease", {
  name: text("name").primaryKey(),
  holder: text("holder").notNull(),
  expiresAt: tstz("expires_at").notNull(),
  acquiredAt: tstz("acquired_at").notNull().defaultNow(),
});

export type User = typeof users.$inferSelect;
export type NewUser = typeof users.$inferInsert;
export type Meter = typeof meters.$inferSelect;
export type MeterReading = typeof meterReadings.$inferSelect;
export type Order = typeof orders.$inferSelect;
export type Trade = typeof trades.$inferSelect;
export type ErcCertificate = typeof ercCertificates.$inferSelect;
export type AuthNonce = typeof authNonces.$inferSelect;
export type Session = typeof sessions.$inferSelect;
export type ApiKey = typeof apiKeys.$inferSelect;
export type AuditLogEntry = typeof auditLog.$inferSelect;
export type IndexerCursor = typeof indexerCursors.$inferSelect;
export type IndexerDeadLetter = typeof indexerDeadLetters.$inferSelect;
export type Price = typeof prices.$inferSelect;
export type Mint = typeof mints.$inferSelect;
export type Counter = typeof counters.$inferSelect;
export type BridgeDeposit = typeof bridgeDeposits.$inferSelect;
export type BridgeWithdrawal = typeof bridgeWithdrawals.$inferSelect;
export type BridgeConfigRow = typeof bridgeConfig.$inferSelect;
export type BridgeServiceDeposit = typeof bridgeServiceDeposits.$inferSelect;
export type BridgeServiceWithdrawal = typeof bridgeServiceWithdrawals.$inferSelect;
export type TradingOrder = typeof tradingOrders.$inferSelect;
export type TradingFill = typeof tradingFills.$inferSelect;
export type TradingMarketRow = typeof tradingMarket.$inferSelect;
export type MatcherRun = typeof matcherRuns.$inferSelect;
