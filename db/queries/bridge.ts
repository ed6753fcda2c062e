/**
 * The THB bridge's mirrors: deposits, withdrawals and the Bridge's settings. The writers are the
 * indexer's (server/indexer/handlers/thb-bridge.ts) and nobody else's; every one is an upsert
 * keyed by what the chain makes unique (the deposit id, the Withdrawal PDA, the Bridge PDA), so
 * applying a transaction twice, or events out of order, leaves the same rows. The readers serve
 * the `bridge` router and the admin console.
 */
import { desc, eq, sql, type SQL } from "drizzle-orm";
import type { Db } from "../client";
import {
  bridgeConfig,
  bridgeDeposits,
  bridgeWithdrawals,
  type BridgeConfigRow,
  type BridgeDeposit,
  type BridgeWithdrawal,
} from "../schema";

/** Chain block time (unix seconds) as a Date; null when the pass did not know it. */
const dateOf = (unix: number | null) => (unix == null ? null : new Date(unix * 1000));

// ---------- deposits ----------

export interface ChainDeposit {
  /** 32 bytes, lowercase hex. */
  depositId: string;
  depositPda: string;
  recipientWallet: string;
  recipientToken: string;
  amount: bigint;
  thbTxRef: string;
  signature: string;
  slot: number;
  /** Block time (unix seconds), null on the live path. */
  blockTime: number | null;
}

/** One row per deposit id; a replay only fills in the block time if it was missing. */
export async function recordBridgeDeposit(db: Db, p: ChainDeposit): Promise<void> {
  await db
    .insert(bridgeDeposits)
    .values({
      depositId: p.depositId,
      depositPda: p.depositPda,
      recipientWallet: p.recipientWallet,
      recipientToken: p.recipientToken,
      amount: p.amount,
      thbTxRef: p.thbTxRef,
      signature: p.signature,
      slot: p.slot,
      mintedAt: dateOf(p.blockTime),
    })
    .onConflictDoUpdate({
      target: bridgeDeposits.depositId,
      set: { mintedAt: sql`coalesce(${bridgeDeposits.mintedAt}, excluded.minted_at)` },
    });
}

// ---------- withdrawals ----------

interface ChainWithdrawalBase {
  withdrawalPda: string;
  withdrawalId: bigint;
  holderWallet: string;
  amount: bigint;
  signature: string;
  slot: number;
  blockTime: number | null;
}

/** WithdrawalRequested: inserts the pending row, or fills the request's columns of a row a later event created. */
export async function recordWithdrawalRequested(
  db: Db,
  p: ChainWithdrawalBase & { thbDestination: string },
): Promise<void> {
  const w = bridgeWithdrawals;
  await db
    .insert(w)
    .values({
      withdrawalPda: p.withdrawalPda,
      withdrawalId: p.withdrawalId,
      holderWallet: p.holderWallet,
      amount: p.amount,
      thbDestination: p.thbDestination,
      state: "pending",
      requestedSignature: p.signature,
      requestedSlot: p.slot,
      requestedAt: dateOf(p.blockTime),
    })
    .onConflictDoUpdate({
      target: w.withdrawalPda,
      set: {
        thbDestination: sql`coalesce(${w.thbDestination}, excluded.thb_destination)`,
        requestedSignature: sql`coalesce(${w.requestedSignature}, excluded.requested_signature)`,
        requestedSlot: sql`coalesce(${w.requestedSlot}, excluded.requested_slot)`,
        requestedAt: sql`coalesce(${w.requestedAt}, excluded.requested_at)`,
      },
    });
}

/**
 * WithdrawalCompleted / WithdrawalRefunded: pending → settled, once. A replay of the same
 * settlement only fills in a missing block time; anything else on a settled row changes nothing.
 */
async function recordWithdrawalSettled(
  db: Db,
  p: ChainWithdrawalBase & ({ state: "completed"; thbTxRef: string } | { state: "refunded"; attested: boolean }),
): Promise<void> {
  const w = bridgeWithdrawals;
  await db
    .insert(w)
    .values({
      withdrawalPda: p.withdrawalPda,
      withdrawalId: p.withdrawalId,
      holderWallet: p.holderWallet,
      amount: p.amount,
      state: p.state,
      thbTxRef: p.state === "completed" ? p.thbTxRef : null,
      refundAttested: p.state === "refunded" ? p.attested : null,
      settledSignature: p.signature,
      settledSlot: p.slot,
      settledAt: dateOf(p.blockTime),
    })
    .onConflictDoUpdate({
      target: w.withdrawalPda,
      set: {
        state: sql`excluded.state`,
        thbTxRef: sql`excluded.thb_tx_ref`,
        refundAttested: sql`excluded.refund_attested`,
        settledSignature: sql`excluded.settled_signature`,
        settledSlot: sql`excluded.settled_slot`,
        settledAt: sql`coalesce(${w.settledAt}, excluded.settled_at)`,
      },
      setWhere: sql`${w.state} = 'pending' or ${w.settledSignature} = excluded.settled_signature`,
    });
}

export const recordWithdrawalCompleted = (db: Db, p: ChainWithdrawalBase & { thbTxRef: string }) =>
  recordWithdrawalSettled(db, { ...p, state: "completed" });

export const recordWithdrawalRefunded = (db: Db, p: ChainWithdrawalBase & { attested: boolean }) =>
  recordWithdrawalSettled(db, { ...p, state: "refunded" });

// ---------- the Bridge's settings ----------

/**
 * What one event says about the Bridge, by group. Each group given replaces the stored one only
 * when its event is at the same or a later slot than the one that set it.
 */
export interface BridgeConfigChange {
  bridge: string;
  slot: number;
  /** Fixed at initialize. */
  mint?: { thbcMint: string; clusterTag: string };
  admin?: { admin: string; pendingAdmin: string | null };
  attestors?: { attestorCount: number; threshold: number };
  limits?: { maxPerDeposit: bigint; maxPerDay: bigint; withdrawalTimeoutSecs: number };
  paused?: boolean;
}

export async function applyBridgeConfig(db: Db, c: BridgeConfigChange): Promise<void> {
  const t = bridgeConfig;
  const values: typeof t.$inferInsert = { bridge: c.bridge };
  const set: Partial<Record<keyof BridgeConfigRow, SQL>> = { updatedAt: sql`now()` };
  /** Each column of a group takes the new value when the group's event is not older than the stored one. */
  const group = (slot: keyof BridgeConfigRow, columns: (keyof BridgeConfigRow)[]) => {
    const slotColumn = t[slot];
    const newer = sql`(${slotColumn} is null or excluded.${sql.identifier(slotColumn.name)} >= ${slotColumn})`;
    for (const key of [...columns, slot]) {
      const column = t[key];
      set[key] = sql`case when ${newer} then excluded.${sql.identifier(column.name)} else ${column} end`;
    }
  };
  if (c.mint) {
    Object.assign(values, c.mint);
    set.thbcMint = sql`coalesce(${t.thbcMint}, excluded.thbc_mint)`;
    set.clusterTag = sql`coalesce(${t.clusterTag}, excluded.cluster_tag)`;
  }
  if (c.admin) {
    Object.assign(values, { ...c.admin, adminSlot: c.slot });
    group("adminSlot", ["admin", "pendingAdmin"]);
  }
  if (c.attestors) {
    Object.assign(values, { ...c.attestors, attestorsSlot: c.slot });
    group("attestorsSlot", ["attestorCount", "threshold"]);
  }
  if (c.limits) {
    Object.assign(values, { ...c.limits, limitsSlot: c.slot });
    group("limitsSlot", ["maxPerDeposit", "maxPerDay", "withdrawalTimeoutSecs"]);
  }
  if (c.paused !== undefined) {
    Object.assign(values, { paused: c.paused, pausedSlot: c.slot });
    group("pausedSlot", ["paused"]);
  }
  await db.insert(t).values(values).onConflictDoUpdate({ target: t.bridge, set });
}

// ---------- readers ----------

export async function getBridgeConfig(db: Db, p: { bridge: string }): Promise<BridgeConfigRow | undefined> {
  const [row] = await db.select().from(bridgeConfig).where(eq(bridgeConfig.bridge, p.bridge));
  return row;
}

/** A wallet's deposits, newest first. */
export async function listDepositsOfWallet(db: Db, p: { wallet: string; limit: number }): Promise<BridgeDeposit[]> {
  const d = bridgeDeposits;
  return db
    .select()
    .from(d)
    .where(eq(d.recipientWallet, p.wallet))
    .orderBy(desc(d.slot), desc(d.depositId))
    .limit(p.limit);
}

/** A wallet's withdrawals, newest first. */
export async function listWithdrawalsOfWallet(
  db: Db,
  p: { wallet: string; limit: number },
): Promise<BridgeWithdrawal[]> {
  const w = bridgeWithdrawals;
  return db.select().from(w).where(eq(w.holderWallet, p.wallet)).orderBy(desc(w.withdrawalId)).limit(p.limit);
}
