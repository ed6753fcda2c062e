/**
 * The bridge service's own records (server/bridge): its progress on every THB deposit and every
 * withdrawal, the claims that keep two services off the same row, and what the Wallet page and
 * the admin queue read. The chain mirrors (bridge_deposits / bridge_withdrawals) stay the
 * indexer's; nothing here writes them.
 *
 * Claims: one statement picks due rows with `FOR UPDATE SKIP LOCKED` (a row another service is
 * claiming is passed over) and leases them until now() + lease; a dead service's lease expires.
 * A lease only spreads the work: exactly-once comes from the chain (the Deposit PDA, the
 * Withdrawal's status) and, for THB payouts, from the payout lock and the payout's memo marker.
 */
import { and, desc, eq, inArray, sql } from "drizzle-orm";
import type { Db } from "../client";
import { rowsOf } from "../rows";
import {
  bridgeDeposits,
  bridgeServiceCursors,
  bridgeServiceDeposits,
  bridgeServiceWithdrawals,
  type BridgeServiceDeposit,
  type BridgeServiceDepositState,
  type BridgeServiceWithdrawal,
  type BridgeServiceWithdrawalState,
} from "../schema";

const d = bridgeServiceDeposits;
const w = bridgeServiceWithdrawals;

/** States the service still works on (anything else is final until an admin retry). */
export const OPEN_DEPOSIT_STATES = ["seen", "confirming", "attested", "submitted"] as const satisfies readonly BridgeServiceDepositState[];
export const OPEN_WITHDRAWAL_STATES = ["pending", "paying", "paid", "submitted", "refunding"] as const satisfies readonly BridgeServiceWithdrawalState[];
/** States an admin retry may reset. */
export const RETRYABLE_DEPOSIT_STATES: readonly BridgeServiceDepositState[] = [...OPEN_DEPOSIT_STATES, "rejected", "failed"];
export const RETRYABLE_WITHDRAWAL_STATES: readonly BridgeServiceWithdrawalState[] = [...OPEN_WITHDRAWAL_STATES, "failed"];

// ---------- cursors ----------

export async function getBridgeCursor(db: Db, p: { name: string }): Promise<number | null> {
  const [row] = await db.select({ height: bridgeServiceCursors.height }).from(bridgeServiceCursors).where(eq(bridgeServiceCursors.name, p.name));
  return row?.height ?? null;
}

/** Moves a cursor forward only (two services may both advance it). */
export async function advanceBridgeCursor(db: Db, p: { name: string; height: number }): Promise<void> {
  await db
    .insert(bridgeServiceCursors)
    .values({ name: p.name, height: p.height })
    .onConflictDoUpdate({
      target: bridgeServiceCursors.name,
      set: { height: sql`greatest(${bridgeServiceCursors.height}, excluded.height)`, updatedAt: sql`now()` },
    });
}

// ---------- deposits ----------

/** A THB transfer to the deposit address as the scan saw it. */
export interface ObservedDeposit {
  thbTransferId: string;
  thbChainId: string;
  depositId: string;
  depositPda: string;
  thbFrom: string | null;
  memo: string;
  /** null: the memo is not a wallet (recorded as invalid_memo, never minted). */
  recipientWallet: string | null;
  amount: bigint;
  /** "seen" (mempool), "confirming" (in a block), "reorged" (dropped). */
  observed: "seen" | "confirming" | "reorged";
  thbHeight: number | null;
  confirmations: number;
  confirmationsRequired: number;
}

/**
 * Records what the scan saw. A new transfer is inserted (invalid_memo at once when its memo is no
 * wallet); a known one moves only while it is still before attestation (seen / confirming /
 * reorged): confirmations, height, and back from reorged when the transfer returned. Rows past
 * confirmation are never moved back by a scan.
 */
export async function observeDeposits(db: Db, p: { deposits: ObservedDeposit[] }): Promise<void> {
  if (p.deposits.length === 0) return;
  const stateOf = (o: ObservedDeposit): BridgeServiceDepositState => (o.recipientWallet === null ? "invalid_memo" : o.observed);
  const values = p.deposits.map((o) => ({
    thbTransferId: o.thbTransferId,
    thbChainId: o.thbChainId,
    depositId: o.depositId,
    depositPda: o.depositPda,
    thbFrom: o.thbFrom,
    memo: o.memo,
    recipientWallet: o.recipientWallet,
    amount: o.amount,
    state: stateOf(o),
    thbHeight: o.thbHeight,
    confirmations: o.confirmations,
    confirmationsRequired: o.confirmationsRequired,
    confirmedAt: o.recipientWallet !== null && o.confirmations >= o.confirmationsRequired ? new Date() : null,
  }));
  // In transfer-id order, so two services upserting overlapping batches lock rows in one order.
  values.sort((a, b) => (a.thbTransferId < b.thbTransferId ? -1 : a.thbTransferId > b.thbTransferId ? 1 : 0));
  const early = sql`${d.state} in ('seen', 'confirming', 'reorged')`;
  await db
    .insert(d)
    .values(values)
    .onConflictDoUpdate({
      target: d.thbTransferId,
      set: {
        state: sql`case when ${early} then excluded.state else ${d.state} end`,
        confirmations: sql`case when ${early} then excluded.confirmations else ${d.confirmations} end`,
        thbHeight: sql`case when ${early} then excluded.thb_height else ${d.thbHeight} end`,
        confirmationsRequired: sql`case when ${early} then excluded.confirmations_required else ${d.confirmationsRequired} end`,
        confirmedAt: sql`case when ${early} then coalesce(${d.confirmedAt}, excluded.confirmed_at) else ${d.confirmedAt} end`,
        // Only a real change counts as progress (the stuck flag reads updated_at).
        updatedAt: sql`case when ${early} and (${d.state} <> excluded.state or ${d.confirmations} <> excluded.confirmations) then now() else ${d.updatedAt} end`,
      },
    });
}

/** Open rows before attestation: the scan checks those it did not see (dropped → reorged). */
export async function listUnconfirmedDeposits(db: Db, p: { thbChainId: string; limit: number }): Promise<BridgeServiceDeposit[]> {
  return db
    .select()
    .from(d)
    .where(and(eq(d.thbChainId, p.thbChainId), inArray(d.state, ["seen", "confirming"]), sql`${d.confirmations} < ${d.confirmationsRequired}`))
    .orderBy(d.seenAt)
    .limit(p.limit);
}

/**
 * Leases confirmed deposits that are due (confirming with enough confirmations, attested,
 * submitted) and not leased by another service, oldest first.
 */
export async function claimDeposits(db: Db, p: { thbChainId: string; limit: number; leaseMs: number }): Promise<BridgeServiceDeposit[]> {
  const rows = await rowsOf<{ thb_transfer_id: string }>(
    db,
    sql`update bridge_service_deposits set locked_until = now() + make_interval(secs => ${p.leaseMs / 1000})
        where thb_transfer_id in (
          select thb_transfer_id from bridge_service_deposits
          where thb_chain_id = ${p.thbChainId}
            and (state in ('attested', 'submitted') or (state = 'confirming' and confirmations >= confirmations_required))
            and next_attempt_at <= now()
            and (locked_until is null or locked_until < now())
          order by seen_at
          limit ${p.limit}
          for update skip locked)
        returning thb_transfer_id`,
  );
  if (rows.length === 0) return [];
  return db
    .select()
    .from(d)
    .where(inArray(d.thbTransferId, rows.map((r) => r.thb_transfer_id)))
    .orderBy(d.seenAt);
}

export async function markDepositAttested(db: Db, p: { thbTransferId: string; attestation: string }): Promise<void> {
  await db
    .update(d)
    .set({ state: "attested", attestation: p.attestation, attestedAt: sql`coalesce(${d.attestedAt}, now())` })
    .where(and(eq(d.thbTransferId, p.thbTransferId), inArray(d.state, ["confirming", "attested"])));
}

/** Recorded BEFORE the transaction is sent, so a crash after the send is reconciled from the chain. */
export async function markDepositSubmitted(db: Db, p: { thbTransferId: string; txSignature: string }): Promise<void> {
  await db
    .update(d)
    .set({ state: "submitted", txSignature: p.txSignature, submittedAt: sql`now()` })
    .where(and(eq(d.thbTransferId, p.thbTransferId), inArray(d.state, ["confirming", "attested", "submitted"])));
}

/** The chain has the Deposit PDA. */
export async function markDepositMinted(db: Db, p: { thbTransferId: string }): Promise<boolean> {
  const rows = await db
    .update(d)
    .set({ state: "minted", mintedAt: sql`coalesce(${d.mintedAt}, now())`, lockedUntil: null, lastError: null })
    .where(and(eq(d.thbTransferId, p.thbTransferId), sql`${d.state} <> 'minted'`))
    .returning({ id: d.thbTransferId });
  return rows.length > 0;
}

/**
 * A failed attempt: the error code, one more attempt, the next try after `delayMs`; past
 * `maxAttempts` (or with `final`) the row stops in `finalState` until an admin retry.
 */
export async function recordDepositError(
  db: Db,
  p: { thbTransferId: string; code: string; delayMs: number; maxAttempts: number; finalState?: "rejected" | "failed" },
): Promise<void> {
  await db
    .update(d)
    .set({
      attempts: sql`${d.attempts} + 1`,
      lastError: p.code,
      lastErrorAt: sql`now()`,
      nextAttemptAt: sql`now() + make_interval(secs => ${p.delayMs / 1000})`,
      lockedUntil: null,
      // An error is not progress: the stuck flag keeps counting from the last real change.
      updatedAt: sql`${d.updatedAt}`,
      state: p.finalState
        ? sql`${p.finalState}::bridge_service_deposit_state`
        : sql`case when ${d.attempts} + 1 >= ${p.maxAttempts} then 'failed'::bridge_service_deposit_state else ${d.state} end`,
    })
    .where(and(eq(d.thbTransferId, p.thbTransferId), sql`${d.state} <> 'minted'`));
}

export async function releaseDeposit(db: Db, p: { thbTransferId: string }): Promise<void> {
  await db.update(d).set({ lockedUntil: null, updatedAt: sql`${d.updatedAt}` }).where(eq(d.thbTransferId, p.thbTransferId));
}

export async function getServiceDeposit(db: Db, p: { thbTransferId: string }): Promise<BridgeServiceDeposit | null> {
  const [row] = await db.select().from(d).where(eq(d.thbTransferId, p.thbTransferId));
  return row ?? null;
}

// ---------- withdrawals ----------

export interface ObservedWithdrawal {
  withdrawalPda: string;
  withdrawalId: bigint;
  holderWallet: string;
  amount: bigint;
  thbDestination: string;
  confirmationsRequired: number;
}

/** Inserts withdrawals seen pending on chain; known ones are left as they are. */
export async function observeWithdrawals(db: Db, p: { withdrawals: ObservedWithdrawal[] }): Promise<void> {
  if (p.withdrawals.length === 0) return;
  const values = [...p.withdrawals].sort((a, b) => (a.withdrawalId < b.withdrawalId ? -1 : 1));
  await db.insert(w).values(values).onConflictDoNothing();
}

export async function claimWithdrawals(db: Db, p: { limit: number; leaseMs: number }): Promise<BridgeServiceWithdrawal[]> {
  const rows = await rowsOf<{ withdrawal_pda: string }>(
    db,
    sql`update bridge_service_withdrawals set locked_until = now() + make_interval(secs => ${p.leaseMs / 1000})
        where withdrawal_pda in (
          select withdrawal_pda from bridge_service_withdrawals
          where state in ('pending', 'paying', 'paid', 'submitted', 'refunding')
            and next_attempt_at <= now()
            and (locked_until is null or locked_until < now())
          order by withdrawal_id
          limit ${p.limit}
          for update skip locked)
        returning withdrawal_pda`,
  );
  if (rows.length === 0) return [];
  return db
    .select()
    .from(w)
    .where(inArray(w.withdrawalPda, rows.map((r) => r.withdrawal_pda)))
    .orderBy(w.withdrawalId);
}

export async function getServiceWithdrawal(db: Db, p: { withdrawalPda: string }): Promise<BridgeServiceWithdrawal | null> {
  const [row] = await db.select().from(w).where(eq(w.withdrawalPda, p.withdrawalPda));
  return row ?? null;
}

/** Moves a withdrawal to `state` with the given fields, unless it is resolved already. */
export async function updateWithdrawal(
  db: Db,
  p: {
    withdrawalPda: string;
    state: BridgeServiceWithdrawalState;
    payoutTransferId?: string | null;
    payoutConfirmations?: number;
    txSignature?: string;
    paid?: boolean;
    submitted?: boolean;
    resolved?: boolean;
  },
): Promise<void> {
  await db
    .update(w)
    .set({
      state: p.state,
      ...(p.payoutTransferId !== undefined ? { payoutTransferId: p.payoutTransferId } : {}),
      ...(p.payoutConfirmations !== undefined ? { payoutConfirmations: p.payoutConfirmations } : {}),
      ...(p.txSignature !== undefined ? { txSignature: p.txSignature } : {}),
      ...(p.paid ? { paidAt: sql`coalesce(${w.paidAt}, now())` } : {}),
      ...(p.submitted ? { submittedAt: sql`now()` } : {}),
      ...(p.resolved ? { resolvedAt: sql`coalesce(${w.resolvedAt}, now())`, lockedUntil: null, lastError: null } : {}),
    })
    .where(and(eq(w.withdrawalPda, p.withdrawalPda), sql`${w.state} not in ('completed', 'refunded')`));
}

/** Only the payout's confirmation count (no state change, so it is not counted as progress twice). */
export async function setPayoutConfirmations(db: Db, p: { withdrawalPda: string; confirmations: number }): Promise<void> {
  await db
    .update(w)
    .set({
      payoutConfirmations: p.confirmations,
      updatedAt: sql`case when ${w.payoutConfirmations} <> ${p.confirmations} then now() else ${w.updatedAt} end`,
    })
    .where(eq(w.withdrawalPda, p.withdrawalPda));
}

export async function recordWithdrawalError(
  db: Db,
  p: { withdrawalPda: string; code: string; delayMs: number; maxAttempts: number; countAttempt?: boolean },
): Promise<void> {
  const inc = p.countAttempt === false ? 0 : 1;
  await db
    .update(w)
    .set({
      attempts: sql`${w.attempts} + ${inc}`,
      lastError: p.code,
      lastErrorAt: sql`now()`,
      nextAttemptAt: sql`now() + make_interval(secs => ${p.delayMs / 1000})`,
      lockedUntil: null,
      updatedAt: sql`${w.updatedAt}`,
      state: sql`case when ${w.attempts} + ${inc} >= ${p.maxAttempts} then 'failed'::bridge_service_withdrawal_state else ${w.state} end`,
    })
    .where(and(eq(w.withdrawalPda, p.withdrawalPda), sql`${w.state} not in ('completed', 'refunded')`));
}

export async function releaseWithdrawal(db: Db, p: { withdrawalPda: string }): Promise<void> {
  await db.update(w).set({ lockedUntil: null, updatedAt: sql`${w.updatedAt}` }).where(eq(w.withdrawalPda, p.withdrawalPda));
}

// ---------- what the Wallet page and the admin queue read ----------

export interface DepositProgress {
  thbTransferId: string;
  depositId: string;
  state: BridgeServiceDepositState;
  confirmations: number;
  confirmationsRequired: number;
  amount: bigint;
  recipientWallet: string | null;
  memo: string;
  thbFrom: string | null;
  /** The deposit transaction that minted it (the indexer's mirror), else the last one sent. */
  signature: string | null;
  lastError: string | null;
  seenAt: Date;
  confirmedAt: Date | null;
  submittedAt: Date | null;
  mintedAt: Date | null;
  updatedAt: Date;
}

/** A user's deposits, newest first (those whose memo named their wallet). */
export async function listDepositProgress(db: Db, p: { wallet: string; limit: number }): Promise<DepositProgress[]> {
  const rows = await db
    .select({ row: d, mintedSignature: bridgeDeposits.signature })
    .from(d)
    .leftJoin(bridgeDeposits, eq(bridgeDeposits.depositId, d.depositId))
    .where(eq(d.recipientWallet, p.wallet))
    .orderBy(desc(d.seenAt), d.thbTransferId)
    .limit(p.limit);
  return rows.map(({ row, mintedSignature }) => ({
    thbTransferId: row.thbTransferId,
    depositId: row.depositId,
    state: row.state,
    confirmations: Math.min(row.confirmations, row.confirmationsRequired),
    confirmationsRequired: row.confirmationsRequired,
    amount: row.amount,
    recipientWallet: row.recipientWallet,
    memo: row.memo,
    thbFrom: row.thbFrom,
    signature: mintedSignature ?? row.txSignature,
    lastError: row.lastError,
    seenAt: row.seenAt,
    confirmedAt: row.confirmedAt,
    submittedAt: row.submittedAt,
    mintedAt: row.mintedAt,
    updatedAt: row.updatedAt,
  }));
}

export interface QueueDeposit extends BridgeServiceDeposit {
  stuck: boolean;
}
export interface QueueWithdrawal extends BridgeServiceWithdrawal {
  stuck: boolean;
}

export interface BridgeQueue {
  deposits: QueueDeposit[];
  withdrawals: QueueWithdrawal[];
  /** Rows per state over the whole tables. */
  counts: { deposits: Partial<Record<BridgeServiceDepositState, number>>; withdrawals: Partial<Record<BridgeServiceWithdrawalState, number>> };
}

/**
 * The admin queue: deposits and withdrawals (in `states` when given, else every open, failed or
 * rejected row), newest change first. `stuck`: open (or failed) and not changed for more than
 * `stuckAfterMinutes`.
 */
export async function listBridgeQueue(
  db: Db,
  p: { states?: string[]; stuckAfterMinutes: number; limit: number },
): Promise<BridgeQueue> {
  const depStates = (p.states?.filter((s) => (d.state.enumValues as string[]).includes(s)) ?? [...RETRYABLE_DEPOSIT_STATES]) as BridgeServiceDepositState[];
  const wdStates = (p.states?.filter((s) => (w.state.enumValues as string[]).includes(s)) ?? [...RETRYABLE_WITHDRAWAL_STATES]) as BridgeServiceWithdrawalState[];
  const stuckD = sql<boolean>`(${d.state} in ('seen', 'confirming', 'attested', 'submitted', 'failed') and ${d.updatedAt} < now() - make_interval(mins => ${p.stuckAfterMinutes}))`;
  const stuckW = sql<boolean>`(${w.state} in ('pending', 'paying', 'paid', 'submitted', 'refunding', 'failed') and ${w.updatedAt} < now() - make_interval(mins => ${p.stuckAfterMinutes}))`;
  const [deposits, withdrawals, dCounts, wCounts] = await Promise.all([
    depStates.length === 0
      ? Promise.resolve([])
      : db.select({ row: d, stuck: stuckD }).from(d).where(inArray(d.state, depStates)).orderBy(desc(d.updatedAt)).limit(p.limit),
    wdStates.length === 0
      ? Promise.resolve([])
      : db.select({ row: w, stuck: stuckW }).from(w).where(inArray(w.state, wdStates)).orderBy(desc(w.updatedAt)).limit(p.limit),
    db.select({ state: d.state, n: sql<number>`count(*)::int` }).from(d).groupBy(d.state),
    db.select({ state: w.state, n: sql<number>`count(*)::int` }).from(w).groupBy(w.state),
  ]);
  return {
    deposits: deposits.map(({ row, stuck }) => ({ ...row, stuck: Boolean(stuck) })),
    withdrawals: withdrawals.map(({ row, stuck }) => ({ ...row, stuck: Boolean(stuck) })),
    counts: {
      deposits: Object.fromEntries(dCounts.map((c) => [c.state, Number(c.n)])),
      withdrawals: Object.fromEntries(wCounts.map((c) => [c.state, Number(c.n)])),
    },
  };
}

/**
 * An admin retry: a failed, rejected or stuck row is due again at once, with its attempts, error
 * and lease cleared. A failed or rejected deposit goes back to where its record says it was (its
 * transaction was sent: submitted; else confirming, re-checked); a failed withdrawal goes back to
 * pending or paying (its payout is looked up again before anything is paid). Returns the new
 * state, or null when there is no such row or it is final (minted, completed, refunded,
 * invalid_memo, reorged).
 */
export async function retryBridgeItem(
  db: Db,
  p: { kind: "deposit" | "withdrawal"; id: string },
): Promise<{ state: string } | null> {
  if (p.kind === "deposit") {
    const rows = await db
      .update(d)
      .set({
        state: sql`case when ${d.state} in ('failed', 'rejected') then (case when ${d.txSignature} is not null then 'submitted' else 'confirming' end)::bridge_service_deposit_state else ${d.state} end`,
        attempts: 0,
        lastError: null,
        nextAttemptAt: sql`now()`,
        lockedUntil: null,
        updatedAt: sql`now()`,
      })
      .where(and(eq(d.thbTransferId, p.id), inArray(d.state, [...RETRYABLE_DEPOSIT_STATES])))
      .returning({ state: d.state });
    return rows[0] ?? null;
  }
  const rows = await db
    .update(w)
    .set({
      state: sql`case when ${w.state} = 'failed' then (case when ${w.payoutTransferId} is not null then 'paying' else 'pending' end)::bridge_service_withdrawal_state else ${w.state} end`,
      attempts: 0,
      lastError: null,
      nextAttemptAt: sql`now()`,
      lockedUntil: null,
      updatedAt: sql`now()`,
    })
    .where(and(eq(w.withdrawalPda, p.id), inArray(w.state, [...RETRYABLE_WITHDRAWAL_STATES])))
    .returning({ state: w.state });
  return rows[0] ?? null;
}
