/**
 * The bridge service: one pass (`runBridgePass`) watches the THB chain for deposits to the
 * bridge's address and mints them with the attestor's proof, and pays out pending withdrawals on
 * the THB chain and completes them with a release proof (or refunds those it cannot pay). Every
 * step is recorded in PostgreSQL (db/queries/bridge-service.ts); server/bridge/README.md has the
 * states and the argument for exactly-once.
 *
 * What makes it exactly-once is never "I did it before" in this process:
 *  - a deposit's id is derived from the THB transfer, so every attempt by every service names the
 *    same Deposit PDA, and the program mints a deposit id once; "minted" is read from the chain;
 *  - a withdrawal's THB payout is made only under one database lock (a transaction-scoped
 *    advisory lock; a crashed holder's lock dies with its connection), after looking on the THB
 *    chain for a live payout carrying the withdrawal's marker memo, and is recorded in the same
 *    transaction; completion and refund are once-only on chain (`WithdrawalNotPending`).
 * Hooks (tests) run at every step boundary; an error thrown by one ends the pass at once, with no
 * further write, as a kill -9 at that point would.
 */
import { ed25519 } from "@noble/curves/ed25519";
import { createAssociatedTokenAccountIdempotentInstruction } from "@solana/spl-token";
import bs58 from "bs58";
import { type Connection, type Keypair, PublicKey, type TransactionInstruction } from "@solana/web3.js";
import { sql } from "drizzle-orm";
import type { Db } from "~/db/client";
import { describeError, retryOnConflict } from "~/db/retry";
import { rowsOf } from "~/db/rows";
import {
  advanceBridgeCursor,
  claimDeposits,
  claimWithdrawals,
  getBridgeCursor,
  getServiceWithdrawal,
  listUnconfirmedDeposits,
  markDepositAttested,
  markDepositMinted,
  markDepositSubmitted,
  observeDeposits,
  observeWithdrawals,
  recordDepositError,
  recordWithdrawalError,
  releaseDeposit,
  releaseWithdrawal,
  setPayoutConfirmations,
  updateWithdrawal,
  type ObservedDeposit,
} from "~/db/queries/bridge-service";
import type { BridgeServiceDeposit, BridgeServiceWithdrawal } from "~/db/schema";
import {
  attestationDigest,
  attestationInstruction,
  bridgeAddress,
  completeWithdrawalInstruction,
  depositAddress,
  depositAttestation,
  depositInstructions,
  encodeAttestation,
  refundWithdrawalInstruction,
  rejectAttestation,
  releaseAttestation,
  thbcAccountAddress,
  thbcMintAddress,
  type Attestation,
} from "~/programs/thb_bridge/client";
import type { ChainPrograms } from "~/server/solana/connection";
import { buildTx, sendAndConfirm, toChainTxError } from "~/server/solana/tx";
import { ThbChainRequestError, type ThbChainClient, type TransferView } from "~/server/thb-chain/client";
import { bytesToHex, depositIdFor, hexToBytes, payoutMemo, recipientFromMemo } from "./ids";

/** The step boundaries a hook sees (tests throw at one to "crash" there). */
export type BridgeStep =
  | "deposit:attested"
  | "deposit:signed"
  | "deposit:recorded"
  | "deposit:sent"
  | "payout:sent"
  | "payout:recorded"
  | "withdrawal:signed"
  | "withdrawal:recorded"
  | "withdrawal:sent"
  | "refund:signed"
  | "refund:recorded"
  | "refund:sent";

export const BRIDGE_STEPS: readonly BridgeStep[] = [
  "deposit:attested",
  "deposit:signed",
  "deposit:recorded",
  "deposit:sent",
  "payout:sent",
  "payout:recorded",
  "withdrawal:signed",
  "withdrawal:recorded",
  "withdrawal:sent",
  "refund:signed",
  "refund:recorded",
  "refund:sent",
];

export type BridgeHook = (step: BridgeStep, info: { id: string; signature?: string }) => void | Promise<void>;

export interface BridgeDeps {
  db: Db;
  connection: Connection;
  programs: ChainPrograms;
  /** Pays the fees. Any key: the attestor's signature is what the program checks. */
  operator: Keypair;
  /** Signs deposit, release and rejection proofs; never the operator (the program refuses an admin attestor). */
  attestor: Keypair;
  thb: ThbChainClient;
  /** The bridge's THB-chain account: the deposit address, and the payer of withdrawals. */
  thbKey: Keypair;
  /** THB confirmations to wait for (at least the THB chain's own). */
  confirmations?: number;
  /** How long a claimed row is this pass's (default 30 s). */
  leaseMs?: number;
  /** Rows of each kind per pass (default 32). */
  batchSize?: number;
  /** Failed attempts before a row stops in `failed` (default 20). */
  maxAttempts?: number;
  /** Deposits processed at once (default 8). */
  concurrency?: number;
  hook?: BridgeHook;
  log?: (line: string) => void;
}

export interface BridgePassSummary {
  thbChainId: string;
  thbTip: number;
  confirmationsRequired: number;
  /** THB transfers to the deposit address this pass looked at. */
  scanned: number;
  reorged: number;
  depositsClaimed: number;
  /** Deposits this pass found minted (its own transaction or another's). */
  minted: number;
  rejected: number;
  withdrawalsSeen: number;
  withdrawalsClaimed: number;
  /** THB payouts this pass sent. */
  payouts: number;
  completed: number;
  refunded: number;
  deferred: number;
  transactions: number;
  errors: string[];
  durationMs: number;
}

/** Thrown through every handler by a hook: the pass stops with no further write. */
export class BridgeHookAbort extends Error {
  constructor(
    readonly step: BridgeStep,
    cause: unknown,
  ) {
    super(`bridge pass stopped at ${step}: ${cause instanceof Error ? cause.message : String(cause)}`, { cause });
    this.name = "BridgeHookAbort";
  }
}

/** A setup problem the pass cannot work around (the service is misconfigured). */
export class BridgeConfigError extends Error {
  override readonly name = "BridgeConfigError";
}

/** Refusals that no retry can fix: the deposit stops in `rejected` (an admin retry after a limit change). */
const REJECTING_DEPOSIT_ERRORS = new Set(["DepositOverLimit", "ZeroAmount", "WrongRecipient", "WrongMint", "Overflow"]);
/** The bridge cannot take it now; the deposit itself is fine. */
const WAITING_DEPOSIT_ERRORS = new Set(["BridgePaused", "DailyLimitExceeded"]);
/** THB-chain refusals of a payout that mean the destination cannot be paid. */
const BAD_DESTINATION_ERRORS = new Set(["SELF_TRANSFER", "INVALID_ADDRESS", "BALANCE_OVERFLOW"]);

/** Advisory-lock key of THB payouts: one payer at a time across every service. */
const PAYOUT_LOCK_CLASS = 0x54484250; // "THBP"

const backoffMs = (attempts: number) => Math.min(60_000, 500 * 2 ** Math.min(attempts, 7));
const big = (x: { toString(): string }) => BigInt(x.toString());

function errorCode(err: unknown): string {
  if (err instanceof ThbChainRequestError) return err.code === "NETWORK" || err.code === "TIMEOUT" ? "THB_CHAIN_UNAVAILABLE" : `THB_${err.code}`;
  const e = toChainTxError(err);
  if (e.errorName) return e.errorName;
  if (e.transient) return "CHAIN_UNAVAILABLE";
  return "INTERNAL";
}

/** Every transfer to/from `address` from height `since`, across pages (mempool ones come last). */
async function scanTransfers(
  thb: ThbChainClient,
  address: string,
  q: { since: number; direction: "in" | "out"; includeDropped?: boolean },
): Promise<{ tip: number; transfers: TransferView[] }> {
  const byId = new Map<string, TransferView>();
  let since = q.since;
  for (let page = 0; ; page++) {
    const r = await thb.accountTransfers(address, { since, direction: q.direction, includeDropped: q.includeDropped, limit: 1000 });
    for (const t of r.transfers) byId.set(t.id, t);
    if (!r.truncated) return { tip: r.tip, transfers: [...byId.values()] };
    const last = r.transfers.at(-1);
    const next = last?.height ?? null;
    // Pages are by height: the next starts at the last page's last height (overlap, deduplicated).
    if (next === null || next <= since || page > 10_000) throw new Error(`cannot page past THB height ${since} (more than 1,000 transfers at one height)`);
    since = next;
  }
}

export async function runBridgePass(deps: BridgeDeps): Promise<BridgePassSummary> {
  const started = Date.now();
  const { db, connection, programs, operator, attestor, thb, thbKey } = deps;
  const log = deps.log ?? (() => undefined);
  const leaseMs = deps.leaseMs ?? 30_000;
  const batch = deps.batchSize ?? 32;
  const maxAttempts = deps.maxAttempts ?? 20;
  const bridgeThb = bs58.encode(thbKey.publicKey.toBytes());
  const hook = async (step: BridgeStep, info: { id: string; signature?: string }) => {
    if (!deps.hook) return;
    try {
      await deps.hook(step, info);
    } catch (err) {
      throw new BridgeHookAbort(step, err);
    }
  };
  const rethrowAbort = (err: unknown) => {
    if (err instanceof BridgeHookAbort) throw err;
  };
  if (attestor.publicKey.equals(operator.publicKey))
    throw new BridgeConfigError("the bridge attestor key is the operator key: the attestor must be a key of its own");

  // The Bridge: its cluster tag (every proof names it), attestor set and pause flag.
  const bridge = await programs.thbBridge.account.bridge.fetchNullable(bridgeAddress(), "confirmed");
  if (!bridge) throw new BridgeConfigError("the THB bridge is not initialised on this chain (run chain:bootstrap)");
  if (!bridge.attestors.slice(0, bridge.attestorCount).some((k) => k.equals(attestor.publicKey)))
    throw new BridgeConfigError(`the attestor key ${attestor.publicKey.toBase58()} is not one of the THB bridge's attestors`);
  if (bridge.threshold > 1)
    throw new BridgeConfigError(`the THB bridge needs ${bridge.threshold} attestor signatures; this service holds one key`);
  const clusterTag = Uint8Array.from(bridge.clusterTag);

  const tipView = await thb.tip();
  const thbChainId = tipView.chainId;
  const k = Math.max(deps.confirmations ?? 0, tipView.confirmationsRequired);
  const summary: BridgePassSummary = {
    thbChainId,
    thbTip: tipView.height,
    confirmationsRequired: k,
    scanned: 0,
    reorged: 0,
    depositsClaimed: 0,
    minted: 0,
    rejected: 0,
    withdrawalsSeen: 0,
    withdrawalsClaimed: 0,
    payouts: 0,
    completed: 0,
    refunded: 0,
    deferred: 0,
    transactions: 0,
    errors: [],
    durationMs: 0,
  };
  const note = (what: string, err: unknown) => {
    summary.errors.push(`${what}: ${describeError(err).slice(0, 300)}`);
    log(`[bridge] ${what}: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
  };

  let blockhash: { blockhash: string; lastValidBlockHeight: number } | null = null;
  let blockhashAt = 0;
  const freshBlockhash = async () => {
    if (!blockhash || Date.now() - blockhashAt > 20_000) {
      blockhash = await connection.getLatestBlockhash("confirmed");
      blockhashAt = Date.now();
    }
    return blockhash;
  };
  const attest = async (a: Attestation) => {
    const digest = await attestationDigest(encodeAttestation(a, clusterTag));
    const signature = ed25519.sign(digest, attestor.secretKey.slice(0, 32));
    return { digest, signature };
  };

  // ---- 1. Watch the deposit address ----
  const cursorName = `deposits:${thbChainId}`;
  try {
    const since = (await getBridgeCursor(db, { name: cursorName })) ?? 0;
    const scan = await scanTransfers(thb, bridgeThb, { since, direction: "in" });
    summary.scanned = scan.transfers.length;
    const observed: ObservedDeposit[] = scan.transfers
      // Faucet credits (kind "fund") are the simulator's, not anyone's deposit.
      .filter((t) => t.kind === "transfer" && t.to === bridgeThb && BigInt(t.amount) > 0n)
      .map((t) => {
        const recipient = recipientFromMemo(t.memo);
        const depositId = depositIdFor(thbChainId, t.id);
        return {
          thbTransferId: t.id,
          thbChainId,
          depositId: bytesToHex(depositId),
          depositPda: depositAddress(depositId).toBase58(),
          thbFrom: t.from,
          memo: t.memo,
          recipientWallet: recipient?.toBase58() ?? null,
          amount: BigInt(t.amount),
          observed: t.inBlock ? ("confirming" as const) : ("seen" as const),
          thbHeight: t.height,
          confirmations: t.confirmations,
          confirmationsRequired: k,
        };
      });
    for (let i = 0; i < observed.length; i += 500) {
      await retryOnConflict(() => observeDeposits(db, { deposits: observed.slice(i, i + 500) }));
    }
    // Open rows the scan did not return: in blocks below the cursor (confirmed since) or gone.
    const seen = new Set(observed.map((o) => o.thbTransferId));
    const missing = (await listUnconfirmedDeposits(db, { thbChainId, limit: 500 })).filter((r) => !seen.has(r.thbTransferId));
    const again: ObservedDeposit[] = [];
    for (const r of missing) {
      const t = await thb.transfer(r.thbTransferId);
      if (t && t.status !== "dropped") {
        again.push({ ...rowObservation(r), observed: t.inBlock ? "confirming" : "seen", thbHeight: t.height, confirmations: t.confirmations });
      } else {
        again.push({ ...rowObservation(r), observed: "reorged", thbHeight: null, confirmations: 0 });
        summary.reorged += 1;
      }
    }
    if (again.length > 0) await retryOnConflict(() => observeDeposits(db, { deposits: again }));
    // Every block at or below tip - k + 1 is confirmed and can no longer change: the next scan
    // starts there (it re-reads that height; the mempool always comes too).
    await advanceBridgeCursor(db, { name: cursorName, height: Math.max(0, scan.tip - k + 1) });
  } catch (err) {
    rethrowAbort(err);
    note("deposit scan", err);
  }

  // ---- 2. Attest and mint confirmed deposits ----
  const depositOnChain = async (row: BridgeServiceDeposit): Promise<boolean> => {
    const onChain = await programs.thbBridge.account.deposit.fetchNullable(new PublicKey(row.depositPda), "confirmed");
    if (!onChain) return false;
    if (onChain.recipient.toBase58() !== row.recipientWallet || big(onChain.amount) !== row.amount)
      throw new Error(`DEPOSIT_MISMATCH: the Deposit PDA of ${row.thbTransferId} holds another recipient or amount`);
    return true;
  };

  const processDeposit = async (row: BridgeServiceDeposit) => {
    const id = row.thbTransferId;
    if (await depositOnChain(row)) {
      if (await markDepositMinted(db, { thbTransferId: id })) summary.minted += 1;
      return;
    }
    if (bridge.paused) {
      await recordDepositError(db, { thbTransferId: id, code: "BridgePaused", delayMs: 5_000, maxAttempts: Number.MAX_SAFE_INTEGER });
      summary.deferred += 1;
      return;
    }
    const recipient = new PublicKey(row.recipientWallet!);
    const d = { depositId: hexToBytes(row.depositId), recipient, amount: row.amount, thbTxRef: hexToBytes(id) };
    const { signature } = await attest(depositAttestation(d));
    if (row.state === "confirming") await markDepositAttested(db, { thbTransferId: id, attestation: bytesToHex(signature) });
    await hook("deposit:attested", { id });

    const ixs: TransactionInstruction[] = [
      createAssociatedTokenAccountIdempotentInstruction(operator.publicKey, thbcAccountAddress(recipient), recipient, thbcMintAddress()),
      // The attestation instruction, then deposit (it must come right before).
      ...(await depositInstructions(programs.thbBridge, {
        ...d,
        payer: operator.publicKey,
        clusterTag,
        signatures: [{ publicKey: attestor.publicKey.toBytes(), signature }],
      })),
    ];
    const signed = buildTx(operator, ixs, await freshBlockhash());
    await hook("deposit:signed", { id, signature: signed.signature });
    await markDepositSubmitted(db, { thbTransferId: id, txSignature: signed.signature });
    await hook("deposit:recorded", { id, signature: signed.signature });
    summary.transactions += 1;
    try {
      await sendAndConfirm(connection, signed);
    } catch (err) {
      // Another attempt (a crashed run's transaction, another service) may have minted it: a second
      // service that built the very same transaction (same blockhash, deterministic signatures)
      // sees its copy dropped as a duplicate and waits until the blockhash expires. The chain decides.
      if (await depositOnChain(row)) {
        if (await markDepositMinted(db, { thbTransferId: id })) summary.minted += 1;
        return;
      }
      const e = toChainTxError(err);
      if (e.errorName !== "DepositAlreadyProcessed") {
        if (e.errorName && REJECTING_DEPOSIT_ERRORS.has(e.errorName)) {
          await recordDepositError(db, { thbTransferId: id, code: e.errorName, delayMs: 0, maxAttempts, finalState: "rejected" });
          summary.rejected += 1;
          return;
        }
        if (e.errorName && WAITING_DEPOSIT_ERRORS.has(e.errorName)) {
          await recordDepositError(db, { thbTransferId: id, code: e.errorName, delayMs: 30_000, maxAttempts: Number.MAX_SAFE_INTEGER });
          summary.deferred += 1;
          return;
        }
        // Timeouts and the like: the transaction may still land; the next pass asks the chain first.
        throw err;
      }
    }
    await hook("deposit:sent", { id, signature: signed.signature });
    if (await depositOnChain(row)) {
      if (await markDepositMinted(db, { thbTransferId: id })) summary.minted += 1;
    } else {
      throw new Error("NOT_ON_CHAIN: the deposit transaction confirmed but the Deposit PDA is missing");
    }
  };

  try {
    const claimed = await retryOnConflict(() => claimDeposits(db, { thbChainId, limit: batch, leaseMs }));
    summary.depositsClaimed = claimed.length;
    // Deposits are independent (each its own Deposit PDA): several in flight at once, so a block
    // that confirms many does not make them wait for each other's confirmation.
    await pool(claimed, deps.concurrency ?? 8, async (row) => {
      try {
        await processDeposit(row);
      } catch (err) {
        rethrowAbort(err); // a "crash": no further write, the lease simply expires
        const code = /^(DEPOSIT_MISMATCH|NOT_ON_CHAIN)/.exec(describeError(err))?.[1] ?? errorCode(err);
        note(`deposit ${row.thbTransferId}`, err);
        summary.deferred += 1;
        await retryOnConflict(() =>
          recordDepositError(db, {
            thbTransferId: row.thbTransferId,
            code,
            delayMs: backoffMs(row.attempts),
            maxAttempts,
            ...(code === "DEPOSIT_MISMATCH" ? { finalState: "failed" as const } : {}),
          }),
        ).catch((e: unknown) => note(`recording deposit ${row.thbTransferId}`, e));
        return;
      }
      await releaseDeposit(db, { thbTransferId: row.thbTransferId }).catch(() => undefined);
    });
  } catch (err) {
    rethrowAbort(err);
    note("deposits", err);
  }

  // ---- 3. Withdrawals: pay out on the THB chain, then complete; refund what cannot be paid ----
  try {
    // Pending Withdrawal accounts (status byte at offset 136: 8 discriminator + 8 + 32 + 8 + 32 + 32 + 8 + 8).
    const pending = await programs.thbBridge.account.withdrawal.all([{ memcmp: { offset: 136, bytes: bs58.encode([0]) } }]);
    summary.withdrawalsSeen = pending.length;
    await retryOnConflict(() =>
      observeWithdrawals(db, {
        withdrawals: pending.map((p) => ({
          withdrawalPda: p.publicKey.toBase58(),
          withdrawalId: big(p.account.withdrawalId),
          holderWallet: p.account.holder.toBase58(),
          amount: big(p.account.amount),
          thbDestination: bs58.encode(Uint8Array.from(p.account.thbDestination)),
          confirmationsRequired: k,
        })),
      }),
    );
  } catch (err) {
    rethrowAbort(err);
    note("withdrawal scan", err);
  }

  const badDestination = (row: BridgeServiceWithdrawal) => {
    let bytes: Uint8Array;
    try {
      bytes = bs58.decode(row.thbDestination);
    } catch {
      return true;
    }
    return bytes.length !== 32 || bytes.every((b) => b === 0) || row.thbDestination === bridgeThb;
  };

  /** The payout under the payout lock: an existing live one (marker memo) or a new one. */
  const pay = async (row: BridgeServiceWithdrawal): Promise<"paying" | "busy" | "moved" | "bad_destination"> =>
    db.transaction(async (tx) => {
      const [lock] = await rowsOf<{ got: boolean }>(tx, sql`select pg_try_advisory_xact_lock(${PAYOUT_LOCK_CLASS}, 0) as got`);
      if (!lock?.got) return "busy";
      const cur = await getServiceWithdrawal(tx, { withdrawalPda: row.withdrawalPda });
      if (!cur || (cur.state !== "pending" && cur.state !== "paying")) return "moved";
      const marker = payoutMemo(row.withdrawalPda);
      const outs = (await scanTransfers(thb, bridgeThb, { since: 0, direction: "out", includeDropped: true })).transfers.filter(
        (t) => t.memo === marker,
      );
      let payout = outs.find((t) => t.status !== "dropped");
      if (payout && (payout.to !== row.thbDestination || BigInt(payout.amount) !== row.amount))
        throw new Error(`PAYOUT_MISMATCH: THB transfer ${payout.id} carries this withdrawal's marker with another destination or amount`);
      if (!payout) {
        const account = await thb.account(bridgeThb);
        const dropped = outs.find((t) => t.nonce === account.nonce && t.signature);
        try {
          payout = dropped
            ? // The same payout again (a reorg dropped it): the same id, and never two payouts.
              await thb.submitTransfer(
                { from: bridgeThb, to: dropped.to, amount: dropped.amount, memo: dropped.memo, nonce: dropped.nonce!, signature: dropped.signature! },
                { idempotent: true },
              )
            : await thb.send(thbKey, { to: row.thbDestination, amount: row.amount, memo: marker, nonce: account.nonce });
        } catch (err) {
          if (err instanceof ThbChainRequestError && BAD_DESTINATION_ERRORS.has(err.code)) return "bad_destination";
          throw err;
        }
        summary.payouts += 1;
        await hook("payout:sent", { id: row.withdrawalPda });
      }
      await updateWithdrawal(tx, {
        withdrawalPda: row.withdrawalPda,
        state: "paying",
        payoutTransferId: payout.id,
        payoutConfirmations: payout.confirmations,
      });
      await hook("payout:recorded", { id: row.withdrawalPda });
      return "paying";
    });

  const resolveFromChain = async (row: BridgeServiceWithdrawal) => {
    const acct = await programs.thbBridge.account.withdrawal.fetchNullable(new PublicKey(row.withdrawalPda), "confirmed");
    if (!acct) throw new Error("WITHDRAWAL_NOT_ON_CHAIN");
    if ("completed" in acct.status) {
      await updateWithdrawal(db, { withdrawalPda: row.withdrawalPda, state: "completed", resolved: true });
      summary.completed += 1;
      return { done: true as const, acct };
    }
    if ("refunded" in acct.status) {
      await updateWithdrawal(db, { withdrawalPda: row.withdrawalPda, state: "refunded", resolved: true });
      summary.refunded += 1;
      return { done: true as const, acct };
    }
    return { done: false as const, acct };
  };

  const sendResolution = async (row: BridgeServiceWithdrawal, kind: "withdrawal" | "refund", ixs: TransactionInstruction[]) => {
    const id = row.withdrawalPda;
    const signed = buildTx(operator, ixs, await freshBlockhash());
    await hook(`${kind}:signed`, { id, signature: signed.signature });
    await updateWithdrawal(db, {
      withdrawalPda: id,
      state: kind === "withdrawal" ? "submitted" : "refunding",
      txSignature: signed.signature,
      submitted: true,
    });
    await hook(`${kind}:recorded`, { id, signature: signed.signature });
    summary.transactions += 1;
    try {
      await sendAndConfirm(connection, signed);
    } catch (err) {
      // Resolved already (a crashed run's transaction, another service): the chain says so below.
      if (toChainTxError(err).errorName !== "WithdrawalNotPending") throw err;
    }
    await hook(`${kind}:sent`, { id, signature: signed.signature });
    const after = await resolveFromChain(row);
    if (!after.done) throw new Error("NOT_ON_CHAIN: the transaction confirmed but the withdrawal is still pending");
  };

  const refund = async (row: BridgeServiceWithdrawal, holder: PublicKey) => {
    const pda = new PublicKey(row.withdrawalPda);
    const { digest, signature } = await attest(rejectAttestation(pda, holder, row.amount));
    await sendResolution(row, "refund", [
      createAssociatedTokenAccountIdempotentInstruction(operator.publicKey, thbcAccountAddress(holder), holder, thbcMintAddress()),
      attestationInstruction(digest, [{ publicKey: attestor.publicKey.toBytes(), signature }]),
      await refundWithdrawalInstruction(programs.thbBridge, { withdrawal: pda, holder }),
    ]);
  };

  const processWithdrawal = async (row: BridgeServiceWithdrawal) => {
    const id = row.withdrawalPda;
    const r = await resolveFromChain(row);
    if (r.done) return;
    const holder = r.acct.holder;
    if (row.state === "refunding" || (badDestination(row) && (row.state === "pending" || row.state === "paying") && !row.payoutTransferId)) {
      return refund(row, holder);
    }
    if (row.state === "pending" || row.state === "paying") {
      if (row.state === "paying" && row.payoutTransferId) {
        const t = await thb.transfer(row.payoutTransferId);
        if (t && t.status !== "dropped") {
          if (t.status !== "confirmed" || t.confirmations < k) {
            await setPayoutConfirmations(db, { withdrawalPda: id, confirmations: t.confirmations });
            return; // waiting for the payout's confirmations
          }
          await updateWithdrawal(db, { withdrawalPda: id, state: "paid", payoutConfirmations: t.confirmations, paid: true });
          row = { ...row, state: "paid" };
        }
        // Dropped or unknown: the payout lock looks for it again (and pays only if none is live).
      }
      if (row.state !== "paid") {
        const outcome = await pay(row);
        if (outcome === "bad_destination") return refund(row, holder);
        if (outcome === "busy") {
          // Another service holds the payout lock: this row is due again at once, no attempt counted.
          await recordWithdrawalError(db, { withdrawalPda: id, code: "PAYOUT_BUSY", delayMs: 0, maxAttempts, countAttempt: false });
        }
        return;
      }
    }
    // paid / submitted: the release proof names the payout.
    const pda = new PublicKey(id);
    const ref = hexToBytes(row.payoutTransferId!);
    const { digest, signature } = await attest(releaseAttestation(pda, holder, row.amount, ref));
    await sendResolution(row, "withdrawal", [
      attestationInstruction(digest, [{ publicKey: attestor.publicKey.toBytes(), signature }]),
      await completeWithdrawalInstruction(programs.thbBridge, { withdrawal: pda, thbTxRef: ref }),
    ]);
  };

  try {
    const claimed = await retryOnConflict(() => claimWithdrawals(db, { limit: batch, leaseMs }));
    summary.withdrawalsClaimed = claimed.length;
    for (const row of claimed) {
      try {
        await processWithdrawal(row);
      } catch (err) {
        rethrowAbort(err); // a "crash": no further write, the lease simply expires
        const code = /^(PAYOUT_MISMATCH|NOT_ON_CHAIN|WITHDRAWAL_NOT_ON_CHAIN)/.exec(describeError(err))?.[1] ?? errorCode(err);
        note(`withdrawal ${row.withdrawalPda}`, err);
        summary.deferred += 1;
        await retryOnConflict(() =>
          recordWithdrawalError(db, { withdrawalPda: row.withdrawalPda, code, delayMs: backoffMs(row.attempts), maxAttempts }),
        ).catch((e: unknown) => note(`recording withdrawal ${row.withdrawalPda}`, e));
        continue;
      }
      await releaseWithdrawal(db, { withdrawalPda: row.withdrawalPda }).catch(() => undefined);
    }
  } catch (err) {
    rethrowAbort(err);
    note("withdrawals", err);
  }

  summary.durationMs = Date.now() - started;
  return summary;
}

/** Runs `run` over `items`, `concurrency` at a time; the first error (a hook's "crash") stops new work and is thrown. */
async function pool<T>(items: T[], concurrency: number, run: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const errors: Error[] = [];
  const workers = Array.from({ length: Math.min(Math.max(1, concurrency), items.length) }, async () => {
    while (next < items.length && errors.length === 0) {
      try {
        await run(items[next++]!);
      } catch (err) {
        errors.push(err instanceof Error ? err : new Error(String(err)));
      }
    }
  });
  await Promise.all(workers);
  if (errors[0]) throw errors[0];
}

function rowObservation(r: BridgeServiceDeposit): ObservedDeposit {
  return {
    thbTransferId: r.thbTransferId,
    thbChainId: r.thbChainId,
    depositId: r.depositId,
    depositPda: r.depositPda,
    thbFrom: r.thbFrom,
    memo: r.memo,
    recipientWallet: r.recipientWallet,
    amount: r.amount,
    observed: "seen",
    thbHeight: r.thbHeight,
    confirmations: r.confirmations,
    confirmationsRequired: r.confirmationsRequired,
  };
}
