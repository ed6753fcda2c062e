/**
 * The THB bridge for the signed-in user: the THBC balance (read from the chain), their deposits
 * and withdrawals (the indexer's mirrors, bridge_deposits / bridge_withdrawals), the bridge's
 * settings (the Bridge account; the indexer's bridge_config when the chain cannot be read), and
 * `syncFromChain` after the browser's own bridge transaction confirmed. Nothing here signs or
 * writes chain-derived rows: the wallet signs request_withdrawal, the indexer writes the rows.
 *
 * The bridge service's own records (server/bridge): `depositProgress` for the user (seen →
 * confirming n/k → minted), and for admins the service queue (`queue`, stuck rows flagged),
 * `retry` and `runNow` (one pass), both audited.
 */
import { unpackAccount } from "@solana/spl-token";
import { PublicKey } from "@solana/web3.js";
import { z } from "zod";
import { writeAudit } from "~/db/queries/audit";
import { getBridgeConfig, listDepositsOfWallet, listWithdrawalsOfWallet } from "~/db/queries/bridge";
import { listBridgeQueue, listDepositProgress, retryBridgeItem } from "~/db/queries/bridge-service";
import { bridgeServiceDepositState, bridgeServiceWithdrawalState } from "~/db/schema";
import type { BridgeWithdrawal } from "~/db/schema";
import { env } from "~/env.js";
import {
  THB_BRIDGE_ID,
  THBC_DECIMALS,
  bridgeAddress,
  thbcAccountAddress,
  thbcMintAddress,
} from "~/programs/thb_bridge/client";
import { AppError } from "~/server/errors";
import { BridgeConfigError } from "~/server/bridge/service";
import { adminProcedure, createTRPCRouter, publicProcedure, signedInProcedure } from "../trpc";
import { chainFailure } from "./chain-errors";

const hex = (bytes: readonly number[]) => Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
const big = (n: { toString(): string }) => BigInt(n.toString());

const historyInput = z
  .object({ limit: z.number().int().min(1).max(100).default(20) })
  .default({ limit: 20 });

/** A transaction signature: base58 of 64 bytes (87 or 88 characters). */
const transactionSignatureSchema = z
  .string()
  .regex(/^[1-9A-HJ-NP-Za-km-z]{64,88}$/, "a base58 transaction signature");

export const bridgeBalanceOutput = z.object({
  mint: z.string(),
  tokenAccount: z.string(),
  /** THBC base units (6 decimals); 0 when the wallet has no THBC account yet. */
  amount: z.bigint(),
  decimals: z.number().int(),
  hasAccount: z.boolean(),
});

export const bridgeDepositOutput = z.object({
  depositId: z.string(),
  amount: z.bigint(),
  thbTxRef: z.string(),
  signature: z.string(),
  slot: z.number().int(),
  mintedAt: z.date().nullable(),
});

export const bridgeWithdrawalOutput = z.object({
  withdrawal: z.string(),
  withdrawalId: z.bigint(),
  amount: z.bigint(),
  thbDestination: z.string().nullable(),
  state: z.enum(["pending", "completed", "refunded"]),
  thbTxRef: z.string().nullable(),
  refundAttested: z.boolean().nullable(),
  requestedSignature: z.string().nullable(),
  requestedAt: z.date().nullable(),
  settledSignature: z.string().nullable(),
  settledAt: z.date().nullable(),
});

const limitsOutput = z.object({
  maxPerDeposit: z.bigint(),
  maxPerDay: z.bigint(),
  withdrawalTimeoutSecs: z.number().int(),
});

export const bridgeConfigOutput = z.object({
  programId: z.string(),
  bridge: z.string(),
  thbcMint: z.string(),
  decimals: z.number().int(),
  /** false: the bridge was never initialised on this chain (run chain:bootstrap). */
  initialized: z.boolean(),
  paused: z.boolean().nullable(),
  limits: limitsOutput.nullable(),
  attestorCount: z.number().int().nullable(),
  threshold: z.number().int().nullable(),
  admin: z.string().nullable(),
  /** The cluster tag every attestation names (hex). */
  clusterTag: z.string().nullable(),
  /** The next withdrawal's id (the Withdrawal PDA seed request_withdrawal needs); only from the chain. */
  nextWithdrawalId: z.bigint().nullable(),
  /** Today's (UTC) minted total and its day index; only from the chain. */
  dayIndex: z.bigint().nullable(),
  dayMinted: z.bigint().nullable(),
  /** The THB-chain account to send THB to (BRIDGE_THB_DEPOSIT_ADDRESS); null until one is configured. */
  thbDepositAddress: z.string().nullable(),
  source: z.enum(["chain", "indexer"]),
});

const depositStateSchema = z.enum(bridgeServiceDepositState.enumValues);
const withdrawalStateSchema = z.enum(bridgeServiceWithdrawalState.enumValues);

export const depositProgressOutput = z.object({
  thbTransferId: z.string(),
  depositId: z.string(),
  state: depositStateSchema,
  /** THB confirmations so far (capped at confirmationsRequired) of confirmationsRequired. */
  confirmations: z.number().int(),
  confirmationsRequired: z.number().int(),
  /** THB base units = THBC base units (6 decimals). */
  amount: z.bigint(),
  memo: z.string(),
  thbFrom: z.string().nullable(),
  /** The deposit transaction (the minting one once the indexer saw it). */
  signature: z.string().nullable(),
  lastError: z.string().nullable(),
  seenAt: z.date(),
  confirmedAt: z.date().nullable(),
  submittedAt: z.date().nullable(),
  mintedAt: z.date().nullable(),
  updatedAt: z.date(),
});

const queueCommon = {
  attempts: z.number().int(),
  lastError: z.string().nullable(),
  lastErrorAt: z.date().nullable(),
  nextAttemptAt: z.date(),
  lockedUntil: z.date().nullable(),
  txSignature: z.string().nullable(),
  confirmationsRequired: z.number().int(),
  seenAt: z.date(),
  updatedAt: z.date(),
  /** Open (or failed) and not changed for more than stuckAfterMinutes. */
  stuck: z.boolean(),
};

export const bridgeQueueOutput = z.object({
  deposits: z.array(
    z.object({
      ...queueCommon,
      kind: z.literal("deposit"),
      /** What `retry` takes: the THB transfer id. */
      id: z.string(),
      depositId: z.string(),
      state: depositStateSchema,
      recipientWallet: z.string().nullable(),
      memo: z.string(),
      amount: z.bigint(),
      confirmations: z.number().int(),
      mintedAt: z.date().nullable(),
    }),
  ),
  withdrawals: z.array(
    z.object({
      ...queueCommon,
      kind: z.literal("withdrawal"),
      /** What `retry` takes: the Withdrawal PDA. */
      id: z.string(),
      withdrawalId: z.bigint(),
      state: withdrawalStateSchema,
      holderWallet: z.string(),
      thbDestination: z.string(),
      amount: z.bigint(),
      payoutTransferId: z.string().nullable(),
      payoutConfirmations: z.number().int(),
      resolvedAt: z.date().nullable(),
    }),
  ),
  counts: z.object({
    deposits: z.record(z.string(), z.number().int()),
    withdrawals: z.record(z.string(), z.number().int()),
  }),
  stuckAfterMinutes: z.number().int(),
});

export const bridgePassOutput = z.object({
  thbChainId: z.string(),
  thbTip: z.number().int(),
  confirmationsRequired: z.number().int(),
  scanned: z.number().int(),
  reorged: z.number().int(),
  depositsClaimed: z.number().int(),
  minted: z.number().int(),
  rejected: z.number().int(),
  withdrawalsSeen: z.number().int(),
  withdrawalsClaimed: z.number().int(),
  payouts: z.number().int(),
  completed: z.number().int(),
  refunded: z.number().int(),
  deferred: z.number().int(),
  transactions: z.number().int(),
  errors: z.array(z.string()),
  durationMs: z.number(),
});

const withdrawalItem = (r: BridgeWithdrawal): z.infer<typeof bridgeWithdrawalOutput> => ({
  withdrawal: r.withdrawalPda,
  withdrawalId: r.withdrawalId,
  amount: r.amount,
  thbDestination: r.thbDestination,
  state: r.state,
  thbTxRef: r.thbTxRef,
  refundAttested: r.refundAttested,
  requestedSignature: r.requestedSignature,
  requestedAt: r.requestedAt,
  settledSignature: r.settledSignature,
  settledAt: r.settledAt,
});

const fixed = () => ({
  programId: THB_BRIDGE_ID.toBase58(),
  bridge: bridgeAddress().toBase58(),
  thbcMint: thbcMintAddress().toBase58(),
  decimals: THBC_DECIMALS,
  thbDepositAddress: env.BRIDGE_THB_DEPOSIT_ADDRESS ?? null,
});

export const bridgeRouter = createTRPCRouter({
  balance: signedInProcedure.output(bridgeBalanceOutput).query(async ({ ctx }) => {
    const wallet = new PublicKey(ctx.session.wallet);
    const mint = thbcMintAddress();
    const tokenAccount = thbcAccountAddress(wallet);
    let info;
    try {
      const { connection } = await ctx.chain.connect();
      info = await connection.getAccountInfo(tokenAccount, "confirmed");
    } catch (err) {
      throw chainFailure(err, "Reading the THBC balance");
    }
    const out = { mint: mint.toBase58(), tokenAccount: tokenAccount.toBase58(), decimals: THBC_DECIMALS };
    if (!info) return { ...out, amount: 0n, hasAccount: false };
    let account;
    try {
      account = unpackAccount(tokenAccount, info, info.owner);
    } catch (err) {
      throw new AppError("CONFLICT", "The wallet's THBC address holds something that is not a token account", {
        cause: err,
      });
    }
    if (!account.mint.equals(mint) || !account.owner.equals(wallet))
      throw new AppError("CONFLICT", "The wallet's THBC address holds another token account");
    return { ...out, amount: account.amount, hasAccount: true };
  }),

  deposits: signedInProcedure
    .input(historyInput)
    .output(z.array(bridgeDepositOutput))
    .query(async ({ ctx, input }) => {
      const rows = await listDepositsOfWallet(ctx.db, { wallet: ctx.session.wallet, limit: input.limit });
      return rows.map((r) => ({
        depositId: r.depositId,
        amount: r.amount,
        thbTxRef: r.thbTxRef,
        signature: r.signature,
        slot: r.slot,
        mintedAt: r.mintedAt,
      }));
    }),

  withdrawals: signedInProcedure
    .input(historyInput)
    .output(z.array(bridgeWithdrawalOutput))
    .query(async ({ ctx, input }) => {
      const rows = await listWithdrawalsOfWallet(ctx.db, { wallet: ctx.session.wallet, limit: input.limit });
      return rows.map(withdrawalItem);
    }),

  /**
   * The Bridge account as the chain has it now; when the chain cannot be read, the indexer's
   * mirror of its events (without the per-day and withdrawal counters), else CHAIN_UNAVAILABLE.
   */
  config: publicProcedure.output(bridgeConfigOutput).query(async ({ ctx }) => {
    let account;
    try {
      const { programs } = await ctx.chain.connect();
      account = await programs.thbBridge.account.bridge.fetchNullable(bridgeAddress(), "confirmed");
    } catch (err) {
      const row = await getBridgeConfig(ctx.db, { bridge: bridgeAddress().toBase58() });
      if (!row) throw chainFailure(err, "Reading the THB bridge");
      return {
        ...fixed(),
        initialized: true,
        paused: row.paused,
        limits:
          row.maxPerDeposit != null && row.maxPerDay != null && row.withdrawalTimeoutSecs != null
            ? { maxPerDeposit: row.maxPerDeposit, maxPerDay: row.maxPerDay, withdrawalTimeoutSecs: row.withdrawalTimeoutSecs }
            : null,
        attestorCount: row.attestorCount,
        threshold: row.threshold,
        admin: row.admin,
        clusterTag: row.clusterTag,
        nextWithdrawalId: null,
        dayIndex: null,
        dayMinted: null,
        source: "indexer" as const,
      };
    }
    if (!account)
      return {
        ...fixed(),
        initialized: false,
        paused: null,
        limits: null,
        attestorCount: null,
        threshold: null,
        admin: null,
        clusterTag: null,
        nextWithdrawalId: null,
        dayIndex: null,
        dayMinted: null,
        source: "chain" as const,
      };
    return {
      ...fixed(),
      initialized: true,
      paused: account.paused,
      limits: {
        maxPerDeposit: big(account.limits.maxPerDeposit),
        maxPerDay: big(account.limits.maxPerDay),
        withdrawalTimeoutSecs: Number(account.limits.withdrawalTimeoutSecs.toString()),
      },
      attestorCount: account.attestorCount,
      threshold: account.threshold,
      admin: account.admin.toBase58(),
      clusterTag: hex(account.clusterTag),
      nextWithdrawalId: big(account.withdrawalCount),
      dayIndex: big(account.dayIndex),
      dayMinted: big(account.dayMinted),
      source: "chain" as const,
    };
  }),

  /**
   * After the browser's bridge transaction (request_withdrawal) confirmed: the indexer applies
   * the transactions named now, so the history shows them without waiting for its next pass.
   */
  syncFromChain: signedInProcedure
    .input(z.object({ signatures: z.array(transactionSignatureSchema).min(1).max(4) }))
    .output(z.object({ withdrawals: z.array(bridgeWithdrawalOutput) }))
    .mutation(async ({ ctx, input }) => {
      try {
        await (await ctx.chain.indexer()).applySignatures(input.signatures);
      } catch (err) {
        if (err instanceof AppError) throw err;
        throw chainFailure(err, "Reading the transaction");
      }
      const rows = await listWithdrawalsOfWallet(ctx.db, { wallet: ctx.session.wallet, limit: 20 });
      return { withdrawals: rows.map(withdrawalItem) };
    }),
  /** The signed-in user's deposits as the bridge service tracks them (newest first). */
  depositProgress: signedInProcedure
    .input(historyInput)
    .output(z.array(depositProgressOutput))
    .query(async ({ ctx, input }) => {
      const rows = await listDepositProgress(ctx.db, { wallet: ctx.session.wallet, limit: input.limit });
      return rows.map((r) => ({
        thbTransferId: r.thbTransferId,
        depositId: r.depositId,
        state: r.state,
        confirmations: r.confirmations,
        confirmationsRequired: r.confirmationsRequired,
        amount: r.amount,
        memo: r.memo,
        thbFrom: r.thbFrom,
        signature: r.signature,
        lastError: r.lastError,
        seenAt: r.seenAt,
        confirmedAt: r.confirmedAt,
        submittedAt: r.submittedAt,
        mintedAt: r.mintedAt,
        updatedAt: r.updatedAt,
      }));
    }),

  /** Admin: the service's deposits and withdrawals by state (default: open, failed, rejected), stuck ones flagged. */
  queue: adminProcedure
    .input(
      z
        .object({
          states: z.array(z.union([depositStateSchema, withdrawalStateSchema])).max(20).optional(),
          stuckAfterMinutes: z.number().int().min(1).max(10_080).optional(),
          limit: z.number().int().min(1).max(200).default(50),
        })
        .default({ limit: 50 }),
    )
    .output(bridgeQueueOutput)
    .query(async ({ ctx, input }) => {
      const stuckAfterMinutes = input.stuckAfterMinutes ?? env.BRIDGE_STUCK_MINUTES;
      const q = await listBridgeQueue(ctx.db, { states: input.states, stuckAfterMinutes, limit: input.limit });
      return {
        deposits: q.deposits.map((r) => ({
          kind: "deposit" as const,
          id: r.thbTransferId,
          depositId: r.depositId,
          state: r.state,
          recipientWallet: r.recipientWallet,
          memo: r.memo,
          amount: r.amount,
          confirmations: r.confirmations,
          confirmationsRequired: r.confirmationsRequired,
          attempts: r.attempts,
          lastError: r.lastError,
          lastErrorAt: r.lastErrorAt,
          nextAttemptAt: r.nextAttemptAt,
          lockedUntil: r.lockedUntil,
          txSignature: r.txSignature,
          seenAt: r.seenAt,
          updatedAt: r.updatedAt,
          mintedAt: r.mintedAt,
          stuck: r.stuck,
        })),
        withdrawals: q.withdrawals.map((r) => ({
          kind: "withdrawal" as const,
          id: r.withdrawalPda,
          withdrawalId: r.withdrawalId,
          state: r.state,
          holderWallet: r.holderWallet,
          thbDestination: r.thbDestination,
          amount: r.amount,
          payoutTransferId: r.payoutTransferId,
          payoutConfirmations: r.payoutConfirmations,
          confirmationsRequired: r.confirmationsRequired,
          attempts: r.attempts,
          lastError: r.lastError,
          lastErrorAt: r.lastErrorAt,
          nextAttemptAt: r.nextAttemptAt,
          lockedUntil: r.lockedUntil,
          txSignature: r.txSignature,
          seenAt: r.seenAt,
          updatedAt: r.updatedAt,
          resolvedAt: r.resolvedAt,
          stuck: r.stuck,
        })),
        counts: q.counts,
        stuckAfterMinutes,
      };
    }),

  /** Admin: a failed, rejected or stuck row is taken again by the next pass (audited). */
  retry: adminProcedure
    .input(
      z.object({
        kind: z.enum(["deposit", "withdrawal"]),
        id: z.string().trim().min(32).max(88),
      }),
    )
    .output(z.object({ kind: z.enum(["deposit", "withdrawal"]), id: z.string(), state: z.string() }))
    .mutation(async ({ ctx, input }) => {
      const r = await retryBridgeItem(ctx.db, input);
      if (!r) throw new AppError("NOT_FOUND", `No ${input.kind} ${input.id} that can be retried (unknown, or already final)`);
      await writeAudit(ctx.db, {
        actorId: ctx.session.userId,
        actor: ctx.session.wallet,
        action: `bridge.${input.kind}.retry`,
        targetType: `bridge_service_${input.kind}`,
        targetId: input.id,
        details: { state: r.state },
        ip: ctx.ip,
      });
      return { ...input, state: r.state };
    }),

  /** Admin: one bridge service pass now, answered with its summary (audited). */
  runNow: adminProcedure.output(bridgePassOutput).mutation(async ({ ctx }) => {
    let summary;
    try {
      summary = await ctx.chain.runBridge();
    } catch (err) {
      if (err instanceof AppError) throw err;
      if (err instanceof BridgeConfigError) throw new AppError("BRIDGE_FAILED", err.message, { cause: err });
      console.error("[bridge] run now failed:", err);
      throw new AppError("BRIDGE_FAILED", undefined, { cause: err });
    }
    await writeAudit(ctx.db, {
      actorId: ctx.session.userId,
      actor: ctx.session.wallet,
      action: "job.bridge.run",
      targetType: "job",
      targetId: "bridge",
      details: { ...summary, errors: summary.errors.length },
      ip: ctx.ip,
    });
    return summary;
  }),
});
