/**
 * The mint poller: pending meter readings → submit_reading (with the meter's own Ed25519
 * signature) → settle_balance → GRID in the owner's token account.
 *
 * Exactly-once comes from the chain, not from this process: a meter accepts only strictly newer
 * timestamps, and settle_balance mints only what its settled_net_gen tracker has not covered.
 * So the poller may crash anywhere or run twice at once; what it must never do is skip a reading
 * or send a meter's readings out of order. Hence:
 *  - claims are per meter (db/queries/mint-jobs.ts), readings go in timestamp order;
 *  - a transaction's signature is stored (state `submitted`) BEFORE it is sent;
 *  - every pass starts from the Meter account: readings at or below last_reading_at are on chain
 *    already (ours from a crashed run, or another poller's) → confirmed, never resent;
 *  - StaleReading / NothingToSettle mean "someone got there first": re-read and continue.
 */
import { createAssociatedTokenAccountIdempotentInstruction } from "@solana/spl-token";
import bs58 from "bs58";
import type { Connection, Keypair, PublicKey, TransactionInstruction } from "@solana/web3.js";
import type { Db } from "~/db/client";
import { describeError, retryOnConflict } from "~/db/retry";
import {
  claimMintBatch,
  deferReadings,
  markConfirmed,
  markFailed,
  markMinted,
  markSubmitted,
  releaseLeases,
  type ClaimedReading,
} from "~/db/queries/mint-jobs";
import { meterAddress, settleBalanceInstruction, submitReadingInstructions, userAddress } from "~/programs/registry/client";
import { gridAccountAddress, gridMintAddress } from "~/programs/energy_token/client";
import { createPrograms, type ChainPrograms } from "~/server/solana/connection";
import {
  buildTx,
  MAX_TX_BYTES,
  sendAndConfirm,
  toChainTxError,
  txSize,
  type ChainTxError,
} from "~/server/solana/tx";

export interface MintPollerHooks {
  /** Called after a transaction was sent and confirmed, before the database hears of it (tests: throw to "crash"). */
  afterSend?: (info: {
    signature: string;
    readingIds: number[];
    settles: boolean;
  }) => void | Promise<void>;
}

export interface MintPollerOptions {
  db: Db;
  connection: Connection;
  /** Pays the fees. Any key works: the meter's signature is what the chain checks. */
  operator: Keypair;
  programs?: ChainPrograms;
  /** Meters per run. */
  batchSize?: number;
  /** Readings per meter per run. */
  maxPerMeter?: number;
  /** How long a claim lasts before another run may take the meter over. */
  leaseMs?: number;
  /** Meters processed at once. */
  concurrency?: number;
  hooks?: MintPollerHooks;
  log?: (line: string) => void;
}

export interface MintPollerSummary {
  meters: number;
  /** The meters this run claimed (no other run works on them until it is done). */
  meterIds: string[];
  claimed: number;
  /** Readings this run put on chain. */
  confirmed: number;
  /** Readings found already on chain (a crashed or concurrent run sent them). */
  duplicates: number;
  failed: number;
  /** Left open for a later run (transient error, meter not active, …). */
  deferred: number;
  settlements: number;
  /** Wh (= GRID base units) this run's settlements minted, as a decimal string. */
  mintedWh: string;
  transactions: number;
  errors: string[];
  durationMs: number;
}

/** The chain refused the reading itself: sending it again can never work. */
const PERMANENT_READING_ERRORS = new Set([
  "ProductionExceedsCapacity",
  "RegisterDecreased",
  "ReadingBeforeActivation",
  "SignerKeyMismatch",
  "SignedMessageMismatch",
  "InvalidSignatureInstruction",
  "NotEd25519Instruction",
  "MissingSignatureInstruction",
  "Overflow",
  "InvalidMeterId",
]);
/** The settlement cannot happen now; the readings themselves are fine. */
const SETTLE_ERRORS = new Set([
  "NothingToSettle",
  "UserNotActive",
  "InvalidOwnerTokenAccount",
  "OwnerMismatch",
  "InvalidGridMint",
  "InvalidMintAuthority",
]);

const backoffMs = (attempts: number) => Math.min(60_000, 500 * 2 ** Math.min(attempts, 7));

interface MeterState {
  owner: PublicKey;
  meterPubkey: Uint8Array;
  active: boolean;
  /** 0 when no reading since activation: the next one is a baseline worth 0 Wh. */
  lastReadingAt: bigint;
  productionRegister: bigint;
  consumptionRegister: bigint;
  totalProduction: bigint;
  totalConsumption: bigint;
  settledNetGen: bigint;
}

const big = (x: { toString(): string }) => BigInt(x.toString());

async function meterState(programs: ChainPrograms, meterId: string): Promise<MeterState | null> {
  const m = await programs.registry.account.meter.fetchNullable(meterAddress(meterId), "confirmed");
  if (!m) return null;
  return {
    owner: m.owner,
    meterPubkey: m.meterPubkey.toBytes(),
    active: "active" in m.status,
    lastReadingAt: big(m.lastReadingAt),
    productionRegister: big(m.productionRegister),
    consumptionRegister: big(m.consumptionRegister),
    totalProduction: big(m.totalProduction),
    totalConsumption: big(m.totalConsumption),
    settledNetGen: big(m.settledNetGen),
  };
}

async function ownerActive(programs: ChainPrograms, owner: PublicKey): Promise<boolean> {
  const u = await programs.registry.account.user.fetchNullable(userAddress(owner), "confirmed");
  return !!u && "active" in u.status;
}

async function pool<T>(
  items: T[],
  concurrency: number,
  run: (item: T) => Promise<void>,
): Promise<void> {
  let next = 0;
  const workers = Array.from({ length: Math.min(concurrency, items.length) }, async () => {
    while (next < items.length) await run(items[next++]!);
  });
  await Promise.all(workers);
}

export async function runMintPoller(options: MintPollerOptions): Promise<MintPollerSummary> {
  const started = Date.now();
  const { db, connection, operator, hooks } = options;
  const programs = options.programs ?? createPrograms(connection, operator);
  const log = options.log ?? (() => undefined);
  const summary: MintPollerSummary = {
    meters: 0,
    meterIds: [],
    claimed: 0,
    confirmed: 0,
    duplicates: 0,
    failed: 0,
    deferred: 0,
    settlements: 0,
    mintedWh: "0",
    transactions: 0,
    errors: [],
    durationMs: 0,
  };
  let minted = 0n;

  // claimMintBatch retries conflicts itself, per claim round.
  const claimed = await claimMintBatch(db, {
    maxMeters: options.batchSize ?? 64,
    maxPerMeter: options.maxPerMeter ?? 32,
    leaseMs: options.leaseMs ?? 30_000,
  });
  summary.claimed = claimed.length;
  if (claimed.length === 0) {
    summary.durationMs = Date.now() - started;
    return summary;
  }
  const byMeter = new Map<string, ClaimedReading[]>();
  for (const r of claimed) {
    const list = byMeter.get(r.meterId) ?? [];
    list.push(r);
    byMeter.set(r.meterId, list);
  }
  summary.meters = byMeter.size;
  summary.meterIds = [...byMeter.keys()];

  let blockhash = await connection.getLatestBlockhash("confirmed");
  let blockhashAt = Date.now();
  const freshBlockhash = async () => {
    if (Date.now() - blockhashAt > 20_000) {
      blockhash = await connection.getLatestBlockhash("confirmed");
      blockhashAt = Date.now();
    }
    return blockhash;
  };

  async function processMeter(meterId: string, readings: ClaimedReading[]): Promise<void> {
    let open = [...readings];
    let settleAllowed = true;
    let onePerTx = false;
    const defer = async (reason: string, rs = open) => {
      const attempts = Math.max(...rs.map((r) => r.attempts), 1);
      await retryOnConflict(() =>
        deferReadings(db, { ids: rs.map((r) => r.id), delayMs: backoffMs(attempts), reason }),
      );
      summary.deferred += rs.length;
      open = [];
    };

    // Each pass re-reads the meter, so a refusal caused by someone else's progress resolves itself.
    for (let pass = 0; pass < readings.length + 4; pass++) {
      const state = await meterState(programs, meterId);
      if (!state) return defer("MeterNotOnChain");
      const onChain = open.filter(
        (r) => r.timestamp <= state.lastReadingAt && r.state !== "confirmed",
      );
      if (onChain.length > 0) {
        await retryOnConflict(() => markConfirmed(db, { ids: onChain.map((r) => r.id) }));
        summary.duplicates += onChain.length;
        for (const r of onChain) r.state = "confirmed";
      }
      // Not yet on chain. (A confirmed reading newer than last_reading_at exists only after a
      // reactivation cleared it: it is on chain already, never resent.)
      const todo = open.filter((r) => r.timestamp > state.lastReadingAt && r.state !== "confirmed");
      open = todo;
      if (todo.length > 0 && !state.active) return defer("MeterNotActive");

      // What the chain's totals will be once `todo` is on chain: register differences from the
      // meter's current registers; the first reading after activation is a baseline (0 Wh).
      let production = state.totalProduction;
      let consumption = state.totalConsumption;
      let registers =
        state.lastReadingAt === 0n
          ? null
          : { p: state.productionRegister, c: state.consumptionRegister };
      for (const r of todo) {
        if (registers) {
          const dp = r.productionRegisterWh - registers.p;
          const dc = r.consumptionRegisterWh - registers.c;
          production += dp > 0n ? dp : 0n; // a decrease is refused on chain: it adds nothing
          consumption += dc > 0n ? dc : 0n;
        }
        registers = { p: r.productionRegisterWh, c: r.consumptionRegisterWh };
      }
      const net = production > consumption ? production - consumption : 0n;
      const mintable = net > state.settledNetGen ? net - state.settledNetGen : 0n;
      const settle = settleAllowed && mintable > 0n && (await ownerActive(programs, state.owner));
      if (todo.length === 0 && !settle) {
        if (mintable === 0n) {
          // Everything on chain is settled (or in deficit): no reading up to here is owed GRID.
          await retryOnConflict(() => markMinted(db, { meterId, upTo: state.lastReadingAt }));
        } else {
          // Owed GRID but cannot settle now (owner suspended, …): try again later.
          await defer(
            settleAllowed ? "SettlementDeferred: owner not active" : "SettlementDeferred",
            readings.filter((r) => r.state === "confirmed"),
          );
        }
        return;
      }

      // Plan: reading pairs in order, packed up to the size limit; the settle rides in the last
      // transaction when it fits (one confirmation from reading to GRID), else goes alone.
      const bh = await freshBlockhash();
      const settleIxs: TransactionInstruction[] = settle
        ? [
            createAssociatedTokenAccountIdempotentInstruction(
              operator.publicKey,
              gridAccountAddress(state.owner),
              state.owner,
              gridMintAddress(),
            ),
            await settleBalanceInstruction(programs.registry, meterId, state.owner),
          ]
        : [];
      const groups: {
        readings: ClaimedReading[];
        ixs: TransactionInstruction[];
        settles: boolean;
      }[] = [];
      let cur: { readings: ClaimedReading[]; ixs: TransactionInstruction[]; settles: boolean } = {
        readings: [],
        ixs: [],
        settles: false,
      };
      for (const r of todo) {
        const pair = await submitReadingInstructions(
          programs.registry,
          {
            meterId,
            productionRegisterWh: r.productionRegisterWh,
            consumptionRegisterWh: r.consumptionRegisterWh,
            timestamp: r.timestamp,
          },
          bs58.decode(r.meterSignature),
          state.meterPubkey,
        );
        const full = onePerTx && cur.readings.length >= 1;
        if (
          cur.readings.length > 0 &&
          (full || txSize(operator, [...cur.ixs, ...pair], bh.blockhash) > MAX_TX_BYTES)
        ) {
          groups.push(cur);
          cur = { readings: [], ixs: [], settles: false };
        }
        cur.readings.push(r);
        cur.ixs.push(...pair);
      }
      if (settle) {
        if (
          cur.readings.length > 0 &&
          txSize(operator, [...cur.ixs, ...settleIxs], bh.blockhash) > MAX_TX_BYTES
        ) {
          groups.push(cur);
          cur = { readings: [], ixs: [], settles: false };
        }
        cur.ixs.push(...settleIxs);
        cur.settles = true;
      }
      if (cur.ixs.length > 0) groups.push(cur);

      let again = false;
      for (const g of groups) {
        const signed = buildTx(operator, g.ixs, bh);
        const ids = g.readings.map((r) => r.id);
        await retryOnConflict(() => markSubmitted(db, { ids, txSignature: signed.signature }));
        summary.transactions += 1;
        try {
          await sendAndConfirm(connection, signed);
        } catch (err) {
          const e: ChainTxError = toChainTxError(err);
          const name = e.errorName;
          if (name === "StaleReading") {
            again = true; // another run got there first; re-read and drop what it sent
          } else if (name && SETTLE_ERRORS.has(name)) {
            settleAllowed = false;
            again = true;
          } else if (name === "MeterNotActive") {
            return defer("MeterNotActive");
          } else if (name === "TimestampInFuture") {
            return defer("TimestampInFuture");
          } else if (name && PERMANENT_READING_ERRORS.has(name)) {
            if (g.readings.length > 1) {
              onePerTx = true; // find which one
            } else if (g.readings.length === 1) {
              await retryOnConflict(() => markFailed(db, { ids, reason: name }));
              summary.failed += 1;
              open = open.filter((r) => r.id !== g.readings[0]!.id);
            } else {
              settleAllowed = false;
            }
            again = true;
          } else {
            summary.errors.push(`${meterId}: ${e.message.slice(0, 200)}`);
            if (!e.transient) log(`[mint-poller] ${meterId}: ${e.message}`);
            return defer(name ?? (e.transient ? "transient: " : "") + e.message.slice(0, 200));
          }
          break;
        }
        await hooks?.afterSend?.({
          signature: signed.signature,
          readingIds: ids,
          settles: g.settles,
        });
        await retryOnConflict(() => markConfirmed(db, { ids, txSignature: signed.signature }));
        summary.confirmed += ids.length;
        const sent = new Set(ids);
        open = open.filter((r) => !sent.has(r.id));
        if (g.settles) {
          const upTo = todo.reduce(
            (m, r) => (r.timestamp > m ? r.timestamp : m),
            state.lastReadingAt,
          );
          await retryOnConflict(() => markMinted(db, { meterId, upTo }));
          summary.settlements += 1;
          minted += mintable;
        }
      }
      if (!again) {
        if (!settle && mintable === 0n && todo.length > 0) {
          // Recorded in deficit (or already settled): these readings are owed no GRID.
          await retryOnConflict(() =>
            markMinted(db, {
              meterId,
              upTo: todo.reduce((m, r) => (r.timestamp > m ? r.timestamp : m), 0n),
            }),
          );
        }
        return;
      }
    }
    if (open.length > 0) await defer("too many retries in one run");
  }

  await pool([...byMeter.entries()], options.concurrency ?? 8, async ([meterId, rs]) => {
    try {
      await processMeter(meterId, rs);
      await retryOnConflict(() => releaseLeases(db, { ids: rs.map((r) => r.id) }));
    } catch (err) {
      // Database or RPC trouble outside a send: the lease expires and a later run continues.
      summary.errors.push(`${meterId}: ${describeError(err).slice(0, 300)}`);
      log(`[mint-poller] ${meterId}: ${(err as Error).stack ?? String(err)}`);
    }
  });

  summary.mintedWh = minted.toString();
  summary.durationMs = Date.now() - started;
  return summary;
}
