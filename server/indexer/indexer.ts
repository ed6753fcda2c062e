/**
 * Chain events → PostgreSQL. The chain is the source of truth; these tables are a query cache
 * that `npm run reindex` can rebuild from the chain alone.
 *
 * It follows every program of the list (server/chain/programs.ts). Each event is applied by the
 * handler its program's file names (server/indexer/handlers/<p>.ts), keyed by program id and
 * event name. Three paths feed one serial queue of transactions:
 *  - live: `logsSubscribe` per program; a notification's logs are parsed with Anchor's
 *    EventParser and applied at once (low latency); a transaction that touches several programs
 *    arrives once per program and is applied on the first;
 *  - catch-up: per program, `getSignaturesForAddress` back to its stored cursor; the lists are
 *    merged, so a transaction in several of them is fetched and applied once, oldest first, and
 *    the cursors of its programs move in the same database transaction. It runs on start, after
 *    live notifications (debounced) and on a slow timer, so a missed notification or a restart
 *    is covered and a cursor only ever moves over applied history;
 *  - on request: `applySignatures` (a router that needs a fresh row right after the browser's
 *    transaction confirmed) fetches and applies the given transactions.
 * Applying a transaction twice changes nothing (db/queries/indexer.ts), so the overlap is harmless.
 * After each commit a small notice goes out on the event bus, once per transaction.
 *
 * One bad transaction never stops it: one that cannot be applied after DEAD_LETTER_AFTER_ATTEMPTS
 * tries (a constraint violation, an event it cannot decode; see failures.ts) is written to
 * indexer_dead_letters and the cursor moves past it, in one database transaction; conflicts and an
 * unreachable database or chain fail the pass instead and are retried on the next one. An admin
 * retries a dead letter from the console (dead-letters.ts). Every pass updates `status` (health).
 */
import { anchor } from "~/server/solana/anchor";
import type { Connection, PublicKey } from "@solana/web3.js";
import { chainProgramEntries, type LiveChannel } from "~/server/chain/programs";
import type { ChainTx, IndexerNote, IndexerTx } from "~/server/chain/types";
import type { Db } from "~/db/client";
import { describeError, retryOnConflict } from "~/db/retry";
import {
  openDeadLetterSignatures,
  recordDeadLetter,
  resolveDeadLetter,
} from "~/db/queries/indexer-dead-letters";
import { getCursor, setCursor } from "~/db/queries/indexer";
import type { ChainPrograms } from "~/server/solana/connection";
import {
  DEAD_LETTER_AFTER_ATTEMPTS,
  DEAD_LETTER_MAX_ERROR_CHARS,
  DEAD_LETTER_RETRY_DELAYS_MS,
  isRetryLaterError,
} from "./failures";
import { AppError } from "~/server/errors";
import { newIndexerStatus, type IndexerStatus } from "./state";

export type IndexerChannel = LiveChannel;
export type Publish = (channel: IndexerChannel, payload: Record<string, unknown>) => Promise<void>;
export type { ChainTx };
type Note = IndexerNote<IndexerChannel>;

type Handler = (db: IndexerTx, event: unknown, tx: ChainTx) => Promise<Note[] | void>;

interface DecodedEvent {
  program: string;
  name: string;
  data: unknown;
  handler: Handler | undefined;
}

export interface TrackedProgram {
  /** The list entry's name: the cursor and dead-letter key. */
  name: string;
  id: PublicKey;
}

/** Decodes a transaction's logs into events, each with its program's handler. */
export interface ChainDecoder {
  programs: TrackedProgram[];
  decode(logs: readonly string[]): DecodedEvent[];
}

/**
 * Every listed program's event parser and handlers, at the ids of `programs` (a test chain may
 * deploy them elsewhere). Anchor's EventParser only reads logs inside its own program's
 * invocation, so an event is matched to the program that emitted it.
 */
export function createChainDecoder(programs: ChainPrograms): ChainDecoder {
  const list = chainProgramEntries().map(([key, entry]) => {
    const program = programs[key];
    return {
      name: entry.name,
      id: program.programId,
      parser: new anchor.EventParser(program.programId, program.coder),
      handlers: entry.indexer.handlers as Record<string, Handler | undefined>,
    };
  });
  return {
    programs: list.map(({ name, id }) => ({ name, id })),
    decode(logs) {
      const out: DecodedEvent[] = [];
      for (const p of list) {
        for (const ev of p.parser.parseLogs([...logs]))
          out.push({ program: p.name, name: ev.name, data: ev.data, handler: p.handlers[ev.name] });
      }
      return out;
    },
  };
}

/**
 * Applies one transaction's events in one database transaction; returns what to publish. The
 * cursors of `options.cursors` (program names) move to it in the same transaction, and the open
 * dead letters of `options.resolveDeadLetters` for it are marked resolved in it too.
 */
export async function applyChainTx(
  db: Db,
  decoder: ChainDecoder,
  tx: ChainTx,
  options: { cursors?: readonly string[]; resolveDeadLetters?: readonly string[] } = {},
): Promise<Note[]> {
  const events = decoder.decode(tx.logs);
  const notes: Note[] = [];
  // The poller marks the same reading rows; a deadlock rolls this transaction back whole, so run it again.
  await retryOnConflict(() => {
    notes.length = 0;
    return db.transaction(async (t) => {
      // Events without a handler (initialisations, oracle admin, GridMinted…) are not cached.
      for (const ev of events) notes.push(...((await ev.handler?.(t, ev.data, tx)) ?? []));
      for (const program of options.cursors ?? [])
        await setCursor(t, { program, signature: tx.signature, slot: tx.slot });
      for (const program of options.resolveDeadLetters ?? [])
        await resolveDeadLetter(t, { signature: tx.signature, program });
    });
  });
  return notes;
}

/** A signature in one or more programs' histories, oldest first across all of them. */
interface HistoryEntry {
  signature: string;
  slot: number;
  err: unknown;
  programs: string[];
}

/**
 * Merges per-program histories (each oldest first) into one, each signature once with every
 * program it appears under. Ordered by slot; within a slot each list keeps its own order.
 */
export function mergeHistories(
  lists: { program: string; sigs: { signature: string; slot: number; err: unknown }[] }[],
): HistoryEntry[] {
  const bySig = new Map<string, HistoryEntry>();
  const order: HistoryEntry[] = [];
  const heads = lists.map(() => 0);
  for (;;) {
    let pick = -1;
    for (let i = 0; i < lists.length; i++) {
      const s = lists[i]!.sigs[heads[i]!];
      if (s && (pick < 0 || s.slot < lists[pick]!.sigs[heads[pick]!]!.slot)) pick = i;
    }
    if (pick < 0) return order;
    const s = lists[pick]!.sigs[heads[pick]!++]!;
    const seen = bySig.get(s.signature);
    if (seen) seen.programs.push(lists[pick]!.program);
    else {
      const e = { signature: s.signature, slot: s.slot, err: s.err, programs: [lists[pick]!.program] };
      bySig.set(s.signature, e);
      order.push(e);
    }
  }
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
  /**
   * Fetches and applies these confirmed transactions now (in the indexer's queue; cursors are
   * left to the catch-up). Throws AppError NOT_FOUND for one the chain does not have (yet)
   * or that failed on chain; a database refusal is thrown as it is.
   */
  applySignatures(signatures: readonly string[]): Promise<void>;
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
/** Signatures remembered as already announced, so one transaction makes one notice. */
const ANNOUNCED_MEMORY = 2_000;
/** How long applySignatures waits for a just-confirmed transaction to become fetchable. */
const FETCH_WAIT_MS = [0, 200, 500, 1_000, 2_000] as const;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export function createIndexer(options: IndexerOptions): ChainIndexer {
  const { db, connection, programs } = options;
  const log = options.log ?? (() => undefined);
  const publish: Publish = options.publish ?? (() => Promise.resolve());
  const decoder = createChainDecoder(programs);
  const tracked = decoder.programs;
  let queue: Promise<unknown> = Promise.resolve();
  const subs: number[] = [];
  let timer: NodeJS.Timeout | null = null;
  let debounce: NodeJS.Timeout | null = null;
  let stopped = false;
  const status = options.status ?? newIndexerStatus();
  const announced = new Set<string>();
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

  /** Publishes a transaction's notices unless they went out already (live, then catch-up). */
  async function announce(signature: string, notes: Note[]) {
    if (announced.has(signature)) return;
    announced.add(signature);
    if (announced.size > ANNOUNCED_MEMORY) announced.delete(announced.values().next().value!);
    for (const n of notes)
      await publish(n.channel, n.payload).catch((err: unknown) =>
        log(`[indexer] publish failed: ${String(err)}`),
      );
  }

  async function history(name: string, id: PublicKey) {
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
    return { program: name, sigs: sigs.reverse() }; // oldest first
  }

  async function fetchChainTx(signature: string): Promise<ChainTx | null> {
    const tx = await connection.getTransaction(signature, {
      commitment: "confirmed",
      maxSupportedTransactionVersion: 0,
    });
    if (!tx) return null;
    if (tx.meta?.err) return null;
    return {
      signature,
      slot: tx.slot,
      blockTime: tx.blockTime ?? null,
      logs: tx.meta?.logMessages ?? [],
    };
  }

  async function catchUpPrograms(): Promise<number> {
    const lists = [];
    for (const p of tracked) lists.push(await history(p.name, p.id));
    const entries = mergeHistories(lists);
    if (entries.length === 0) return 0;
    // Open dead letters met again (a replay from an older cursor): applying one now resolves it.
    const open = new Map<string, Set<string>>();
    for (const p of tracked) open.set(p.name, await openDeadLetterSignatures(db, { program: p.name }));
    let applied = 0;
    for (const e of entries) {
      if (stopped) break;
      if (e.err) {
        for (const program of e.programs)
          await setCursor(db, { program, signature: e.signature, slot: e.slot });
        continue;
      }
      const tx = await fetchChainTx(e.signature);
      if (!tx) throw new Error(`getTransaction(${e.signature}) returned nothing`);
      const reopened = e.programs.filter((p) => open.get(p)?.has(e.signature));
      const notes = await applyOrDeadLetter(e.programs, tx, reopened);
      if (notes) {
        applied += 1;
        await announce(tx.signature, notes);
      }
    }
    return applied;
  }

  /**
   * Applies one transaction of the catch-up, moving its programs' cursors with it. After
   * DEAD_LETTER_AFTER_ATTEMPTS failures that are not worth waiting out it records a dead letter
   * (under the first of its programs) and moves the cursors past the transaction instead (null);
   * conflicts and outages throw.
   */
  async function applyOrDeadLetter(programNames: string[], tx: ChainTx, reopened: string[]) {
    for (let attempt = 1; ; attempt++) {
      try {
        return await applyChainTx(db, decoder, tx, {
          cursors: programNames,
          resolveDeadLetters: reopened,
        });
      } catch (err) {
        if (isRetryLaterError(err)) throw err;
        if (attempt < DEAD_LETTER_AFTER_ATTEMPTS) {
          await sleep(DEAD_LETTER_RETRY_DELAYS_MS[attempt - 1] ?? 1_000);
          continue;
        }
        const error = describeError(err).slice(0, DEAD_LETTER_MAX_ERROR_CHARS);
        const program = programNames[0]!;
        await retryOnConflict(() =>
          db.transaction(async (t) => {
            await recordDeadLetter(t, {
              signature: tx.signature,
              program,
              slot: tx.slot,
              error,
              attempts: attempt,
            });
            for (const p of programNames)
              await setCursor(t, { program: p, signature: tx.signature, slot: tx.slot });
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
        const n = await catchUpPrograms();
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

  function applySignatures(signatures: readonly string[]): Promise<void> {
    return enqueue(async () => {
      for (const signature of new Set(signatures)) {
        let tx: ChainTx | null = null;
        for (const wait of FETCH_WAIT_MS) {
          if (wait) await sleep(wait);
          tx = await fetchChainTx(signature);
          if (tx) break;
        }
        if (!tx)
          throw new AppError(
            "NOT_FOUND",
            `The chain has no successful confirmed transaction ${signature}`,
          );
        await announce(signature, await applyChainTx(db, decoder, tx));
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
              // The same transaction notified under another of its programs: applied already.
              if (!announced.has(l.signature))
                void enqueue(async () => {
                  if (announced.has(l.signature)) return;
                  const tx = { signature: l.signature, slot: ctx.slot, blockTime: null, logs: l.logs };
                  await announce(l.signature, await applyChainTx(db, decoder, tx));
                }).catch((err: unknown) => {
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
    applySignatures,
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
