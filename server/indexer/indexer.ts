/**
 * Chain events → PostgreSQL. The chain is the source of truth; these tables are a query cache
 * that `npm run reindex` can rebuild from the chain alone.
 *
 * Two paths feed one serial queue of transactions:
 *  - live: `logsSubscribe` per program (registry, energy_token, oracle); each notification's logs
 *    are parsed with Anchor's EventParser and applied at once (low latency);
 *  - catch-up: per program, `getSignaturesForAddress` back to the stored cursor, then each
 *    transaction oldest first, applied and the cursor advanced in the same database transaction.
 *    It runs on start, after live notifications (debounced) and on a slow timer, so a missed
 *    notification or a restart is covered and the cursor only ever moves over applied history.
 * Applying a transaction twice changes nothing (db/queries/indexer.ts), so the overlap is harmless.
 * After each commit a small event goes out on the event bus (channels below).
 *
 * One bad transaction never stops it: one that cannot be applied after DEAD_LETTER_AFTER_ATTEMPTS
 * tries (a constraint violation, an event it cannot decode; see failures.ts) is written to
 * indexer_dead_letters and the cursor moves past it, in one database transaction; conflicts and an
 * unreachable database or chain fail the pass instead and are retried on the next one. An admin
 * retries a dead letter from the console (dead-letters.ts). Every pass updates `status` (health).
 */
import type { BorshCoder } from "@coral-xyz/anchor";
import { anchor } from "~/server/solana/anchor";
import type { Connection, PublicKey } from "@solana/web3.js";
import type { Db } from "~/db/client";
import { describeError, retryOnConflict } from "~/db/retry";
import {
  openDeadLetterSignatures,
  recordDeadLetter,
  resolveDeadLetter,
} from "~/db/queries/indexer-dead-letters";
import {
  confirmChainReading,
  getCursor,
  recordChainMint,
  recordChainPrice,
  setChainMeterStatus,
  setChainUserStatus,
  setCursor,
  upsertChainMeter,
  upsertChainUser,
} from "~/db/queries/indexer";
import type { ChainPrograms } from "~/server/solana/connection";
import {
  DEAD_LETTER_AFTER_ATTEMPTS,
  DEAD_LETTER_MAX_ERROR_CHARS,
  DEAD_LETTER_RETRY_DELAYS_MS,
  isRetryLaterError,
} from "./failures";
import { newIndexerStatus, type IndexerStatus } from "./state";

export type IndexerChannel = "users" | "meters" | "readings" | "mints" | "prices";
export type Publish = (channel: IndexerChannel, payload: Record<string, unknown>) => Promise<void>;

export interface ChainTx {
  signature: string;
  slot: number;
  blockTime: number | null;
  logs: readonly string[];
}

interface ParsedEvent {
  name: string;
  data: Record<string, unknown>;
}

const pk = (x: unknown) => (x as PublicKey).toBase58();
const big = (x: unknown) => BigInt((x as { toString(): string }).toString());
const num = (x: unknown) => Number((x as { toString(): string }).toString());
const variantOf = (x: unknown) => Object.keys(x as object)[0] ?? "";
const utf8 = (bytes: unknown, len: unknown) =>
  Buffer.from((bytes as number[]).slice(0, Number(len))).toString("utf8");
const METER_TYPES: Record<string, "solar" | "wind" | "battery" | "consumption"> = {
  solar: "solar",
  wind: "wind",
  battery: "battery",
  grid: "consumption",
};

export function createEventParsers(programs: ChainPrograms) {
  const list = [programs.registry, programs.energyToken, programs.oracle].map(
    (p) => new anchor.EventParser(p.programId, p.coder as BorshCoder),
  );
  return (logs: readonly string[]): ParsedEvent[] => {
    const out: ParsedEvent[] = [];
    for (const parser of list) {
      for (const ev of parser.parseLogs([...logs]))
        out.push({ name: ev.name, data: ev.data as Record<string, unknown> });
    }
    return out;
  };
}

/**
 * Applies one transaction's events in one database transaction; returns what to publish. With
 * `cursor`, the program's cursor moves to it in the same transaction; with `resolveDeadLetter`,
 * that program's open dead letter for it is marked resolved in the same transaction.
 */
export async function applyChainTx(
  db: Db,
  parse: (logs: readonly string[]) => ParsedEvent[],
  tx: ChainTx,
  cursor?: { program: string },
  options: { resolveDeadLetter?: { program: string } } = {},
): Promise<{ channel: IndexerChannel; payload: Record<string, unknown> }[]> {
  const events = parse(tx.logs);
  const notes: { channel: IndexerChannel; payload: Record<string, unknown> }[] = [];
  // The poller marks the same reading rows; a deadlock rolls this transaction back whole, so run it again.
  await retryOnConflict(() => {
    notes.length = 0;
    return db.transaction(async (t) => {
      for (const { name, data: d } of events) {
        const base = { signature: tx.signature, slot: tx.slot };
        switch (name) {
          case "userRegistered":
            await upsertChainUser(t, {
              wallet: pk(d.wallet),
              pda: pk(d.user),
              name: utf8(d.name, d.nameLen),
              role: variantOf(d.userType) === "consumer" ? "consumer" : "prosumer",
            });
            notes.push({
              channel: "users",
              payload: { ...base, kind: "registered", wallet: pk(d.wallet) },
            });
            break;
          case "userStatusChanged":
            await setChainUserStatus(t, {
              wallet: pk(d.wallet),
              status: variantOf(d.newStatus) === "suspended" ? "suspended" : "active",
            });
            notes.push({
              channel: "users",
              payload: {
                ...base,
                kind: "status",
                wallet: pk(d.wallet),
                status: variantOf(d.newStatus),
              },
            });
            break;
          case "meterRegistered": {
            const meterId = utf8(d.meterId, d.meterIdLen);
            await upsertChainMeter(t, {
              meterId,
              pda: pk(d.meter),
              ownerWallet: pk(d.owner),
              publicKey: pk(d.meterPubkey),
              type: METER_TYPES[variantOf(d.meterType)] ?? "solar",
              zone: String(num(d.zoneId)),
              ratedCapacityW: num(d.ratedCapacityW),
              txSignature: tx.signature,
            });
            notes.push({
              channel: "meters",
              payload: { ...base, kind: "registered", meterId, owner: pk(d.owner) },
            });
            break;
          }
          case "meterStatusChanged": {
            const status = variantOf(d.newStatus);
            await setChainMeterStatus(t, {
              pda: pk(d.meter),
              status:
                status === "active" ? "active" : status === "suspended" ? "suspended" : "pending",
              at: num(d.at),
            });
            notes.push({
              channel: "meters",
              payload: { ...base, kind: "status", meter: pk(d.meter), owner: pk(d.owner), status },
            });
            break;
          }
          case "readingSubmitted":
            await confirmChainReading(t, {
              meterPda: pk(d.meter),
              timestamp: num(d.timestamp),
              txSignature: tx.signature,
            });
            notes.push({
              channel: "readings",
              payload: {
                ...base,
                kind: "submitted",
                meter: pk(d.meter),
                owner: pk(d.owner),
                timestamp: num(d.timestamp),
                productionWh: big(d.productionWh).toString(),
                consumptionWh: big(d.consumptionWh).toString(),
              },
            });
            break;
          case "balanceSettled": {
            const { meterId } = await recordChainMint(t, {
              txSignature: tx.signature,
              meterPda: pk(d.meter),
              ownerWallet: pk(d.owner),
              destination: pk(d.destination),
              amountWh: big(d.amount),
              settledNetGenWh: big(d.settledNetGen),
              slot: tx.slot,
              mintedAt: tx.blockTime,
            });
            notes.push({
              channel: "mints",
              payload: {
                ...base,
                meterId,
                meter: pk(d.meter),
                owner: pk(d.owner),
                amountWh: big(d.amount).toString(),
              },
            });
            break;
          }
          case "priceUpdated":
            await recordChainPrice(t, {
              sequence: num(d.sequence),
              retail: big(d.retailPrice),
              feedIn: big(d.feedInPrice),
              feeder: pk(d.feeder),
              publishedAt: num(d.updatedAt),
              slot: num(d.slot),
              txSignature: tx.signature,
            });
            notes.push({
              channel: "prices",
              payload: {
                ...base,
                retail: big(d.retailPrice).toString(),
                feedIn: big(d.feedInPrice).toString(),
                sequence: num(d.sequence),
              },
            });
            break;
          default:
            // GridMinted (the same mint as BalanceSettled), GridBurned, initialisations, oracle admin: not cached.
            break;
        }
      }
      if (cursor)
        await setCursor(t, { program: cursor.program, signature: tx.signature, slot: tx.slot });
      if (options.resolveDeadLetter)
        await resolveDeadLetter(t, {
          signature: tx.signature,
          program: options.resolveDeadLetter.program,
        });
    });
  });
  return notes;
}

export interface IndexerOptions {
  db: Db;
  connection: Connection;
  programs: ChainPrograms;
  publish?: Publish;
  /** Catch-up timer, ms (live notifications also trigger one); default 2 s, 0 = none. */
  catchUpIntervalMs?: number;
  log?: (line: string) => void;
  /** Where to report state, passes and failures (background.ts passes the process's own). */
  status?: IndexerStatus;
}

export interface ChainIndexer {
  /** Subscribes, then catches up from the cursors; on failure unsubscribes again and throws. */
  start(): Promise<void>;
  /**
   * One catch-up pass over every program; resolves with the transactions applied (not counting
   * those it dead-lettered).
   */
  catchUp(): Promise<number>;
  /** State, indexed slot, last success and failures (health reads it). */
  readonly status: IndexerStatus;
  /** The indexed chain's confirmed slot now. */
  chainSlot(): Promise<number>;
  /** Resolves once everything received so far has been applied. */
  idle(): Promise<void>;
  stop(): Promise<void>;
}

const PAGE = 1_000;
/** Default catch-up timer: short enough that an idle chain's lag stays well under the health thresholds. */
export const CATCH_UP_INTERVAL_MS = 2_000;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export function createIndexer(options: IndexerOptions): ChainIndexer {
  const { db, connection, programs } = options;
  const log = options.log ?? (() => undefined);
  const publish: Publish = options.publish ?? (() => Promise.resolve());
  const parse = createEventParsers(programs);
  const tracked = [
    { name: "registry", id: programs.registry.programId },
    { name: "energy_token", id: programs.energyToken.programId },
    { name: "oracle", id: programs.oracle.programId },
  ];
  let queue: Promise<unknown> = Promise.resolve();
  const subs: number[] = [];
  let timer: NodeJS.Timeout | null = null;
  let debounce: NodeJS.Timeout | null = null;
  let stopped = false;
  const status = options.status ?? newIndexerStatus();
  const noteError = (err: unknown) => {
    status.lastError = {
      message: describeError(err).slice(0, DEAD_LETTER_MAX_ERROR_CHARS),
      at: Date.now(),
    };
  };

  /** Serialises every database write of this indexer. */
  function enqueue<T>(job: () => Promise<T>): Promise<T> {
    const run = queue.then(job, job);
    queue = run.catch(() => undefined);
    return run;
  }

  async function announce(notes: { channel: IndexerChannel; payload: Record<string, unknown> }[]) {
    for (const n of notes)
      await publish(n.channel, n.payload).catch((err: unknown) =>
        log(`[indexer] publish failed: ${String(err)}`),
      );
  }

  async function catchUpProgram(name: string, id: PublicKey): Promise<number> {
    const cursor = await getCursor(db, name);
    const sigs: { signature: string; slot: number; err: unknown }[] = [];
    let before: string | undefined;
    for (;;) {
      const page = await connection.getSignaturesForAddress(
        id,
        { until: cursor?.lastSignature, before, limit: PAGE },
        "confirmed",
      );
      sigs.push(...page);
      if (page.length < PAGE) break;
      before = page.at(-1)!.signature;
    }
    sigs.reverse(); // oldest first
    // Open dead letters met again (a replay from an older cursor): applying one now resolves it.
    const open = sigs.length
      ? await openDeadLetterSignatures(db, { program: name })
      : new Set<string>();
    let applied = 0;
    for (const s of sigs) {
      if (stopped) break;
      if (s.err) {
        await setCursor(db, { program: name, signature: s.signature, slot: s.slot });
        continue;
      }
      const tx = await connection.getTransaction(s.signature, {
        commitment: "confirmed",
        maxSupportedTransactionVersion: 0,
      });
      if (!tx) throw new Error(`getTransaction(${s.signature}) returned nothing`);
      const chainTx: ChainTx = {
        signature: s.signature,
        slot: tx.slot,
        blockTime: tx.blockTime ?? null,
        logs: tx.meta?.logMessages ?? [],
      };
      const notes = await applyOrDeadLetter(name, chainTx, open.has(s.signature));
      if (notes) {
        applied += 1;
        await announce(notes);
      }
    }
    return applied;
  }

  /**
   * Applies one transaction of the catch-up, moving the cursor with it. After
   * DEAD_LETTER_AFTER_ATTEMPTS failures that are not worth waiting out it records a dead letter
   * and moves the cursor past the transaction instead (null); conflicts and outages throw.
   */
  async function applyOrDeadLetter(program: string, tx: ChainTx, reopened: boolean) {
    for (let attempt = 1; ; attempt++) {
      try {
        return await applyChainTx(
          db,
          parse,
          tx,
          { program },
          reopened ? { resolveDeadLetter: { program } } : {},
        );
      } catch (err) {
        if (isRetryLaterError(err)) throw err;
        if (attempt < DEAD_LETTER_AFTER_ATTEMPTS) {
          await sleep(DEAD_LETTER_RETRY_DELAYS_MS[attempt - 1] ?? 1_000);
          continue;
        }
        const error = describeError(err).slice(0, DEAD_LETTER_MAX_ERROR_CHARS);
        await retryOnConflict(() =>
          db.transaction(async (t) => {
            await recordDeadLetter(t, {
              signature: tx.signature,
              program,
              slot: tx.slot,
              error,
              attempts: attempt,
            });
            await setCursor(t, { program, signature: tx.signature, slot: tx.slot });
          }),
        );
        noteError(err);
        log(
          `[indexer] ${program} ${tx.signature} (slot ${tx.slot}) dead-lettered after ${attempt} attempts: ${error}`,
        );
        return null;
      }
    }
  }

  function catchUp(): Promise<number> {
    return enqueue(async () => {
      try {
        // Everything confirmed up to this slot is indexed once the pass completes.
        const slot = await connection.getSlot("confirmed");
        let n = 0;
        for (const p of tracked) {
          if (stopped) break;
          n += await catchUpProgram(p.name, p.id);
        }
        if (!stopped) {
          status.indexedSlot = Math.max(status.indexedSlot ?? 0, slot);
          status.lastSuccessAt = Date.now();
          status.consecutiveFailures = 0;
        }
        return n;
      } catch (err) {
        noteError(err);
        status.consecutiveFailures += 1;
        throw err;
      }
    });
  }

  function scheduleCatchUp(delayMs = 250) {
    if (stopped || debounce) return;
    debounce = setTimeout(() => {
      debounce = null;
      catchUp().catch((err: unknown) => {
        // Every 2 s while the chain or database is down: say it once, then every 30th time.
        if (status.consecutiveFailures % 30 === 1)
          log(`[indexer] catch-up failed (${status.consecutiveFailures} in a row): ${String(err)}`);
      });
    }, delayMs);
  }

  async function unsubscribe() {
    for (const id of subs.splice(0))
      await connection.removeOnLogsListener(id).catch(() => undefined);
  }

  return {
    status,
    chainSlot: () => connection.getSlot("confirmed"),
    async start() {
      status.state = "starting";
      for (const p of tracked) {
        subs.push(
          connection.onLogs(
            p.id,
            (l, ctx) => {
              if (l.err || stopped) return;
              void enqueue(() =>
                applyChainTx(db, parse, {
                  signature: l.signature,
                  slot: ctx.slot,
                  blockTime: null,
                  logs: l.logs,
                }),
              )
                .then(announce)
                .catch((err: unknown) => {
                  // The catch-up that follows retries it (and dead-letters it if it cannot be applied).
                  noteError(err);
                  log(`[indexer] live apply failed: ${String(err)}`);
                });
              scheduleCatchUp();
            },
            "confirmed",
          ),
        );
      }
      try {
        await catchUp();
      } catch (err) {
        stopped = true;
        if (debounce) clearTimeout(debounce);
        await unsubscribe();
        status.state = "stopped";
        throw err;
      }
      if (stopped) return; // stop() during the first pass
      const every = options.catchUpIntervalMs ?? CATCH_UP_INTERVAL_MS;
      if (every > 0) timer = setInterval(() => scheduleCatchUp(0), every);
      status.state = "running";
    },
    catchUp,
    async idle() {
      await queue;
    },
    async stop() {
      stopped = true;
      if (timer) clearInterval(timer);
      if (debounce) clearTimeout(debounce);
      await unsubscribe();
      await queue;
      status.state = "stopped";
    },
  };
}
