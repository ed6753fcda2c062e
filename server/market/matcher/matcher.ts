/**
 * The matcher: one pass settles the crossing orders of the Trading market on chain and closes the
 * filled and expired orders back to their owners. The chain decides, the engine proposes
 * (server/market/engine): the pass
 *
 *  1. takes the leader lease (matcher_lease; a second matcher skips the pass), marks passes whose
 *     holder died mid-pass `abandoned`;
 *  2. rebuilds the engine's book from the indexed open orders (trading_orders) — and, on the
 *     instance's first pass, from every Order account on chain, so an order the indexer has not
 *     mirrored yet is not missed; again every `chainScanMs` — reading each order's account at `confirmed` for its exact
 *     remainder, creation time and expiry (an order the chain no longer has is gone);
 *  3. proposes fills in priority order (green-only buys only against green sells: an Order's
 *     `certificate` / `green_only`, read from its account) and packs as many as fit (≤ MAX_FILLS,
 *     ≤ 1,232 bytes; a green fill adds the sell's certificate and the buyer's certificate PDA, a
 *     batch with one adds payer + System + Governance, the operator paying new certificates) into
 *     each match_orders transaction, signed by the operator key as fee payer only (match_orders
 *     moves numbers between two orders, never anyone's tokens); records the attempt BEFORE the
 *     send; applies the fills to the engine only once the chain confirmed them;
 *  4. a refused batch (Overfill from a second matcher, an order closed meanwhile, …) is recorded,
 *     its orders are re-read from the chain, and the next batch is half as large, down to one
 *     fill, and a pass stops after `maxRefusals` refused batches; a single fill (or close) the
 *     chain refuses with its orders unchanged is quarantined by this matcher instance for
 *     `quarantineMs` (tried again at most once per period while those orders stay as they are),
 *     so nothing is retried forever;
 *  5. closes filled and expired orders (close_order is open to anyone; everything goes to the
 *     owner's token accounts, the rent to the owner; a green sell passes its certificate, whose
 *     lock is released).
 *
 * Safe with two matchers at once (the lease; and without it the chain refuses overfills, each
 * order's fills only add up to its amount) and after kill -9 mid-batch (nothing is remembered
 * between passes except the quarantine: every pass re-reads the chain).
 */
import crypto from "node:crypto";
import type { Program } from "@coral-xyz/anchor";
import { getAssociatedTokenAddressSync } from "@solana/spl-token";
import { type Connection, type Keypair, PublicKey, type TransactionInstruction } from "@solana/web3.js";
import type { Db } from "~/db/client";
import {
  abandonStaleMatcherRuns,
  acquireMatcherLease,
  finishMatcherRun,
  pruneMatcherRuns,
  recordMatcherAttempt,
  releaseMatcherLease,
  settleMatcherAttempt,
  startMatcherRun,
  type MatcherRunTotals,
} from "~/db/queries/matcher";
import { listFilledUnclosedOrders, listOpenTradingOrders } from "~/db/queries/trading";
import type { MatcherAttempt } from "~/db/schema";
import { gridMintAddress } from "~/programs/energy_token/client";
import { thbcAccountAddress } from "~/programs/thb_bridge/client";
import { closeOrderInstruction, marketAddress, matchOrdersInstruction } from "~/programs/trading/client";
import type { Trading } from "~/programs/trading/idl/trading";
import { MatchingEngine, type ProposedFill } from "~/server/market/engine";
import { buildTx, MAX_TX_BYTES, sendAndConfirm, toChainTxError, txSize } from "~/server/solana/tx";

/** match_orders takes at most this many fills (the program's MAX_FILLS). */
export const MAX_FILLS_PER_TX = 16;
/** Orders expiring this close to the chain's clock are not matched (the transaction might land after). */
const EXPIRY_MARGIN_SECS = 2n;
const MAX_CLOSES_PER_TX = 6;

export type MatcherStep = "match:signed" | "match:sent" | "close:sent";

export interface MatcherDeps {
  db: Db;
  connection: Connection;
  programs: { trading: Program<Trading> };
  /** Pays the fees; signs nothing else. */
  operator: Keypair;
  /** This matcher's name in the lease and the runs (default: a random one per instance). */
  holder?: string;
  /** Lease length, renewed before every transaction (default 15 s). */
  leaseMs?: number;
  /** false: run without the lease (tests of what the chain does with two matchers). */
  useLease?: boolean;
  maxFillsPerTx?: number;
  /** Transactions of each kind per pass (default 50 matches, 20 closes). */
  maxMatchTransactions?: number;
  maxCloseTransactions?: number;
  /** Refused batches before the pass stops matching (default 8). */
  maxRefusals?: number;
  /** Close filled and expired orders (default true). */
  close?: boolean;
  /** Runs kept in matcher_runs (default 5,000). */
  keepRuns?: number;
  /** Test hook at each step (a crash test kills the process there). */
  hook?: (step: MatcherStep, info: { signature: string; fills?: readonly ProposedFill[] }) => void | Promise<void>;
  /** How often a pass reads every Order account on chain besides the indexed ones (default 60 s; the first pass always). */
  chainScanMs?: number;
  /** How long a fill or close the chain refused alone (its orders unchanged) is left out (default 60 s). */
  quarantineMs?: number;
  log?: (line: string) => void;
}

export interface MatcherPassSummary {
  holder: string;
  /** false: another matcher holds the lease; the pass did nothing. */
  leader: boolean;
  runId: number | null;
  paused: boolean;
  ordersLoaded: number;
  fillsProposed: number;
  fillsSettled: number;
  fillsRefused: number;
  whSettled: number;
  matchTransactions: number;
  ordersClosed: number;
  closesRefused: number;
  /** Fills and closes this instance will not try again while their orders stay as they are. */
  quarantined: number;
  abandonedRuns: number;
  errors: string[];
}

interface ChainOrder {
  id: string;
  owner: PublicKey;
  side: "buy" | "sell";
  amountWh: bigint;
  filledWh: bigint;
  limitPrice: bigint;
  locked: bigint;
  settledGrid: bigint;
  settledThbc: bigint;
  feeOwed: bigint;
  createdAt: bigint;
  expiresAt: bigint;
  /** A green sell's certificate (the account's `certificate`, all-zero for a plain order): null when plain. */
  certificate: PublicKey | null;
  /** A buy that fills only against green sells. */
  greenOnly: boolean;
}

const big = (n: { toString(): string }) => BigInt(n.toString());

interface DecodedOrder {
  owner: PublicKey;
  side: object;
  amountWh: { toString(): string };
  filledWh: { toString(): string };
  limitPrice: { toString(): string };
  locked: { toString(): string };
  settledGrid: { toString(): string };
  settledThbc: { toString(): string };
  feeOwed: { toString(): string };
  createdAt: { toString(): string };
  expiresAt: { toString(): string };
  certificate: PublicKey;
  greenOnly: boolean;
}

function chainOrderOf(id: string, a: DecodedOrder): ChainOrder {
  return {
    id,
    owner: a.owner,
    side: "buy" in a.side ? "buy" : "sell",
    amountWh: big(a.amountWh),
    filledWh: big(a.filledWh),
    limitPrice: big(a.limitPrice),
    locked: big(a.locked),
    settledGrid: big(a.settledGrid),
    settledThbc: big(a.settledThbc),
    feeOwed: big(a.feeOwed),
    createdAt: big(a.createdAt),
    expiresAt: big(a.expiresAt),
    certificate: a.certificate.equals(PublicKey.default) ? null : a.certificate,
    greenOnly: a.greenOnly,
  };
}

export interface Matcher {
  readonly holder: string;
  runPass(trigger?: string): Promise<MatcherPassSummary>;
}

export function createMatcher(deps: MatcherDeps): Matcher {
  const holder = deps.holder ?? `matcher-${crypto.randomUUID()}`;
  const leaseMs = deps.leaseMs ?? 15_000;
  const log = deps.log ?? (() => undefined);
  /** Refused alone with its orders unchanged: key → until (ms); tried again after that, once. */
  const quarantine = new Map<string, number>();
  const quarantineMs = deps.quarantineMs ?? 60_000;
  const isQuarantined = (key: string) => {
    const until = quarantine.get(key);
    if (until === undefined) return false;
    if (until > Date.now()) return true;
    quarantine.delete(key);
    return false;
  };
  const putInQuarantine = (key: string) => quarantine.set(key, Date.now() + quarantineMs);
  /** When this instance last read every Order account (its first pass, then every chainScanMs). */
  let scannedAt = -Infinity;
  const chainScanMs = deps.chainScanMs ?? 60_000;
  const trading = deps.programs.trading;

  const fillKey = (f: { buyId: string; sellId: string }, book: Map<string, ChainOrder>) =>
    `fill:${f.buyId}:${book.get(f.buyId)?.filledWh}:${f.sellId}:${book.get(f.sellId)?.filledWh}`;
  const closeKey = (o: ChainOrder) => `close:${o.id}:${o.filledWh}`;

  async function fetchOrders(ids: string[]): Promise<Map<string, ChainOrder>> {
    const out = new Map<string, ChainOrder>();
    for (let i = 0; i < ids.length; i += 100) {
      const chunk = ids.slice(i, i + 100);
      const accounts = await trading.account.order.fetchMultiple(chunk.map((id) => new PublicKey(id)), "confirmed");
      accounts.forEach((a, j) => {
        if (a) out.set(chunk[j]!, chainOrderOf(chunk[j]!, a));
      });
    }
    return out;
  }

  async function chainNow(): Promise<bigint> {
    const slot = await deps.connection.getSlot("confirmed");
    const t = await deps.connection.getBlockTime(slot);
    return BigInt(t ?? Math.floor(Date.now() / 1000));
  }

  async function runPass(trigger = "manual"): Promise<MatcherPassSummary> {
    const { db } = deps;
    const summary: MatcherPassSummary = {
      holder,
      leader: false,
      runId: null,
      paused: false,
      ordersLoaded: 0,
      fillsProposed: 0,
      fillsSettled: 0,
      fillsRefused: 0,
      whSettled: 0,
      matchTransactions: 0,
      ordersClosed: 0,
      closesRefused: 0,
      quarantined: quarantine.size,
      abandonedRuns: 0,
      errors: [],
    };
    const useLease = deps.useLease ?? true;
    if (useLease && !(await acquireMatcherLease(db, { holder, ms: leaseMs }))) return summary;
    summary.leader = true;
    let runId: number | null = null;
    /** The run row is written at the first transaction (a pass with nothing to do leaves no row). */
    const ensureRun = async () => (runId ??= summary.runId = await startMatcherRun(db, { holder, trigger, leaseMs }));
    const totals = (): MatcherRunTotals => ({
      ordersLoaded: summary.ordersLoaded,
      fillsProposed: summary.fillsProposed,
      fillsSettled: summary.fillsSettled,
      fillsRefused: summary.fillsRefused,
      whSettled: BigInt(summary.whSettled),
      matchTransactions: summary.matchTransactions,
      ordersClosed: summary.ordersClosed,
      closesRefused: summary.closesRefused,
    });
    /** Still the leader? Renews the lease before each transaction. */
    const stillLeader = async () => !useLease || (await acquireMatcherLease(db, { holder, ms: leaseMs }));

    try {
      summary.abandonedRuns = await abandonStaleMatcherRuns(db);
      const market = await trading.account.market.fetch(marketAddress(), "confirmed");
      summary.paused = market.paused;

      // ---- the book: indexed open orders (+ every Order account on the first pass), read from the chain
      const ids = new Set<string>();
      // seq: the slot of the order's create_order (the engine's tie-break within one second).
      const seqOf = new Map<string, bigint>();
      for (const o of await listOpenTradingOrders(db, { limit: 100_000 })) {
        ids.add(o.orderPda);
        if (o.createdSlot != null) seqOf.set(o.orderPda, BigInt(o.createdSlot));
      }
      for (const o of await listFilledUnclosedOrders(db, { limit: 10_000 })) ids.add(o.orderPda);
      let book: Map<string, ChainOrder>;
      if (Date.now() - scannedAt >= chainScanMs) {
        const all = await trading.account.order.all();
        book = new Map(all.map((a) => [a.publicKey.toBase58(), chainOrderOf(a.publicKey.toBase58(), a.account as unknown as DecodedOrder)]));
        for (const [id, o] of await fetchOrders([...ids].filter((id) => !book.has(id)))) book.set(id, o);
        scannedAt = Date.now();
      } else {
        book = await fetchOrders([...ids]);
      }
      summary.ordersLoaded = book.size;
      let now = await chainNow();

      const engine = new MatchingEngine({ feeBps: BigInt(market.config.feeBps) });
      const addToEngine = (o: ChainOrder) => {
        const remaining = o.amountWh - o.filledWh;
        if (remaining <= 0n || o.expiresAt <= now || o.expiresAt <= o.createdAt) return;
        engine.add({
          id: o.id,
          side: o.side,
          owner: o.owner.toBase58(),
          limitPrice: o.limitPrice,
          remainingWh: remaining,
          createdAt: o.createdAt,
          seq: seqOf.get(o.id) ?? 0n,
          expiresAt: o.expiresAt,
          green: o.side === "sell" && o.certificate !== null,
          greenOnly: o.side === "buy" && o.greenOnly,
        });
      };
      for (const o of book.values()) addToEngine(o);

      // ---- match
      const maxFills = Math.min(deps.maxFillsPerTx ?? MAX_FILLS_PER_TX, MAX_FILLS_PER_TX);
      let cap = maxFills;
      let refusals = 0;
      const maxRefusals = deps.maxRefusals ?? 8;
      const blockhash = await deps.connection.getLatestBlockhash("confirmed");
      if (!market.paused) {
        for (let tx = 0; tx < (deps.maxMatchTransactions ?? 50) && refusals < maxRefusals; ) {
          let proposals: ProposedFill[] = [];
          for (;;) {
            proposals = engine.proposeFills({ maxFills: cap, now: now + EXPIRY_MARGIN_SECS });
            const bad = proposals.find((f) => isQuarantined(fillKey(f, book)));
            if (!bad) break;
            // A quarantined pair: leave its buy out of this pass (its other fills wait for the next).
            engine.cancel(bad.buyId);
          }
          if (proposals.length === 0) break;
          let n = proposals.length;
          const ixOf = (k: number) =>
            matchOrdersInstruction(trading, {
              fills: proposals.slice(0, k).map((f) => ({
                buyOrder: new PublicKey(f.buyId),
                sellOrder: new PublicKey(f.sellId),
                amountWh: f.amountWh,
                // A green sell's fill hands its certificate volume to the buyer's certificate PDA.
                sellCertificate: book.get(f.sellId)?.certificate ?? undefined,
              })),
              // Pays the rent of a buyer certificate a green fill creates (only used when one is green).
              payer: deps.operator.publicKey,
            });
          // Green fills take 2 more keys each and 3 trailing ones: the size check below sees them.
          while (n > 1 && txSize(deps.operator, [ixOf(n)], blockhash.blockhash) > MAX_TX_BYTES) n--;
          const batch = proposals.slice(0, n);
          if (!(await stillLeader())) {
            summary.errors.push("LEASE_LOST");
            break;
          }
          const signed = buildTx(deps.operator, [ixOf(n)], blockhash);
          await ensureRun();
          summary.fillsProposed += batch.length;
          const attempt: MatcherAttempt = {
            kind: "match",
            signature: signed.signature,
            fills: batch.map((f) => ({ buy: f.buyId, sell: f.sellId, amountWh: f.amountWh.toString() })),
            outcome: "sent",
            at: new Date().toISOString(),
          };
          await recordMatcherAttempt(db, { runId: runId!, attempt, leaseMs });
          await deps.hook?.("match:signed", { signature: signed.signature, fills: batch });
          tx++;
          summary.matchTransactions++;
          try {
            await sendAndConfirm(deps.connection, signed);
          } catch (err) {
            const e = toChainTxError(err, { programId: trading.programId.toBase58() });
            summary.fillsRefused += batch.length;
            await settleMatcherAttempt(db, { runId: runId!, signature: signed.signature, outcome: e.errorName ? "refused" : "failed", error: e.errorName ?? e.message.slice(0, 300) });
            log(`[matcher] batch of ${batch.length} refused: ${e.errorName ?? e.message}`);
            if (!e.errorName && e.transient) {
              summary.errors.push(`CHAIN_UNAVAILABLE: ${e.message.slice(0, 200)}`);
              break;
            }
            refusals++;
            // Resync: the batch's orders as the chain has them now.
            const touched = [...new Set(batch.flatMap((f) => [f.buyId, f.sellId]))];
            const fresh = await fetchOrders(touched);
            if (batch.length === 1) {
              const f = batch[0]!;
              const before = fillKey(f, book);
              for (const id of touched) {
                const o = fresh.get(id);
                if (o) book.set(id, o);
                else book.delete(id);
              }
              // Refused alone with both orders as they were: quarantine it for this instance.
              if (fillKey(f, book) === before) putInQuarantine(before);
            } else {
              for (const id of touched) {
                const o = fresh.get(id);
                if (o) book.set(id, o);
                else book.delete(id);
              }
            }
            now = await chainNow();
            for (const id of touched) {
              if (engine.has(id)) engine.cancel(id);
              const o = book.get(id);
              if (o) addToEngine(o);
            }
            cap = Math.max(1, Math.floor(batch.length / 2));
            continue;
          }
          await deps.hook?.("match:sent", { signature: signed.signature, fills: batch });
          await settleMatcherAttempt(db, { runId: runId!, signature: signed.signature, outcome: "confirmed" });
          for (const f of batch) {
            engine.applyFill(f.buyId, f.sellId, f.amountWh);
            for (const id of [f.buyId, f.sellId]) {
              const o = book.get(id)!;
              const filledWh = o.filledWh + f.amountWh;
              book.set(id, { ...o, filledWh });
            }
            summary.fillsSettled++;
            summary.whSettled += Number(f.amountWh);
          }
          cap = maxFills;
        }
      }

      // ---- close filled and expired orders back to their owners
      if (deps.close ?? true) await closeOrders(book, now, summary, ensureRun, () => runId!, stillLeader);

      summary.quarantined = quarantine.size;
      if (runId != null) {
        await finishMatcherRun(db, { runId, state: "completed", totals: totals(), error: summary.errors.join("; ") || null });
        await pruneMatcherRuns(db, { keep: deps.keepRuns ?? 5_000 });
      }
      return summary;
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      summary.errors.push(message.slice(0, 300));
      await ensureRun().catch(() => undefined);
      if (runId != null)
        await finishMatcherRun(db, { runId, state: "failed", totals: totals(), error: message.slice(0, 1_000) }).catch(() => undefined);
      throw err;
    } finally {
      if (useLease) await releaseMatcherLease(db, { holder }).catch(() => undefined);
    }
  }

  async function closeOrders(
    book: Map<string, ChainOrder>,
    now: bigint,
    summary: MatcherPassSummary,
    ensureRun: () => Promise<number>,
    runId: () => number,
    stillLeader: () => Promise<boolean>,
  ) {
    const due = [...book.values()].filter((o) => (o.filledWh >= o.amountWh || o.expiresAt <= now) && !isQuarantined(closeKey(o)));
    if (due.length === 0) return;
    const { db } = deps;
    const market = await trading.account.market.fetch(marketAddress(), "confirmed");
    // Every destination that is paid something must exist (the program checks only those).
    const dests = new Map<string, { grid: PublicKey; thbc: PublicKey }>();
    for (const o of due) {
      const k = o.owner.toBase58();
      if (!dests.has(k)) dests.set(k, { grid: getAssociatedTokenAddressSync(gridMintAddress(), o.owner, true), thbc: thbcAccountAddress(o.owner) });
    }
    const accountList = [...dests.values()].flatMap((d) => [d.grid, d.thbc]);
    const exists = new Set<string>();
    for (let i = 0; i < accountList.length; i += 100) {
      const chunk = accountList.slice(i, i + 100);
      const infos = await deps.connection.getMultipleAccountsInfo(chunk, "confirmed");
      infos.forEach((info, j) => {
        if (info) exists.add(chunk[j]!.toBase58());
      });
    }
    const closable = due.filter((o) => {
      const d = dests.get(o.owner.toBase58())!;
      const paysGrid = (o.side === "sell" ? o.locked : 0n) + o.settledGrid > 0n;
      const paysThbc = (o.side === "buy" ? o.locked : 0n) + o.settledThbc > 0n;
      return (!paysGrid || exists.has(d.grid.toBase58())) && (!paysThbc || exists.has(d.thbc.toBase58()));
    });
    if (closable.length < due.length) summary.errors.push(`${due.length - closable.length} order(s) not closed: the owner has no token account for what it would be paid`);

    const ixOf = (o: ChainOrder): Promise<TransactionInstruction> => {
      const d = dests.get(o.owner.toBase58())!;
      return closeOrderInstruction(trading, {
        order: new PublicKey(o.id),
        owner: o.owner,
        ownerGrid: d.grid,
        ownerThbc: d.thbc,
        feeDestination: market.feeDestination,
        // A green sell releases its certificate's lock (close_order refuses without it).
        certificate: o.side === "sell" ? (o.certificate ?? undefined) : undefined,
      });
    };
    const blockhash = await deps.connection.getLatestBlockhash("confirmed");
    const send = async (group: ChainOrder[]): Promise<boolean> => {
      const ixs = await Promise.all(group.map(ixOf));
      const signed = buildTx(deps.operator, ixs, blockhash);
      await ensureRun();
      await recordMatcherAttempt(db, {
        runId: runId(),
        attempt: { kind: "close", signature: signed.signature, orders: group.map((o) => o.id), outcome: "sent", at: new Date().toISOString() },
        leaseMs,
      });
      try {
        await sendAndConfirm(deps.connection, signed);
      } catch (err) {
        const e = toChainTxError(err, { programId: trading.programId.toBase58() });
        await settleMatcherAttempt(db, { runId: runId(), signature: signed.signature, outcome: e.errorName ? "refused" : "failed", error: e.errorName ?? e.message.slice(0, 300) });
        log(`[matcher] close of ${group.length} refused: ${e.errorName ?? e.message}`);
        return false;
      }
      await settleMatcherAttempt(db, { runId: runId(), signature: signed.signature, outcome: "confirmed" });
      await deps.hook?.("close:sent", { signature: signed.signature });
      summary.ordersClosed += group.length;
      return true;
    };

    let txs = 0;
    for (let i = 0; i < closable.length && txs < (deps.maxCloseTransactions ?? 20); ) {
      let n = Math.min(MAX_CLOSES_PER_TX, closable.length - i);
      while (n > 1 && txSize(deps.operator, await Promise.all(closable.slice(i, i + n).map(ixOf)), blockhash.blockhash) > MAX_TX_BYTES) n--;
      const group = closable.slice(i, i + n);
      i += n;
      if (!(await stillLeader())) {
        summary.errors.push("LEASE_LOST");
        return;
      }
      txs++;
      if (await send(group)) continue;
      // A refused group: each order alone, once; one refused alone is quarantined (unchanged).
      for (const o of group.length > 1 ? group : []) {
        txs++;
        if (!(await send([o]))) {
          summary.closesRefused++;
          putInQuarantine(closeKey(o));
        }
      }
      if (group.length === 1) {
        summary.closesRefused++;
        putInQuarantine(closeKey(group[0]!));
      }
    }
  }

  return { holder, runPass };
}
