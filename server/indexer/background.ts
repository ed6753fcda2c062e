/**
 * The app process's indexer: started once (one per process across dev reloads and route
 * bundles, lib/process-singleton.ts), on the configured database and chain, publishing to the event bus. It must live in
 * the process that owns the database when that is PGlite (single-process), so the app starts it
 * itself: from instrumentation.ts (`startIndexerWithRetry`) or lazily from the cron routes.
 */
import { getDb } from "~/db/client";
import { describeError } from "~/db/retry";
import { dropProcessSingleton, processSingleton } from "~/lib/process-singleton";
import { onIndexerNotice } from "~/server/market/book-cache";
import { publish } from "~/server/redis/event-bus";
import { getServerChain } from "~/server/solana/server-chain";
import { createIndexer, type ChainIndexer } from "./indexer";
import { newIndexerStatus, setProcessIndexer, type IndexerStatus } from "./state";

/**
 * One status for the process, kept across start attempts so failures add up, and reported by
 * health.status from the first attempt on.
 */
function processStatus(): IndexerStatus {
  return processSingleton("indexerStatus", "", () => {
    const status = newIndexerStatus();
    setProcessIndexer({ status, chainSlot: () => getServerChain().connection.getSlot("confirmed") });
    return status;
  });
}

export function ensureIndexerStarted(): Promise<ChainIndexer> {
  return processSingleton("indexer", "", () =>
    // The chain may not be up yet: forget the failed start so the next call tries again (in a
    // .catch, which runs after processSingleton has stored the promise).
    startIndexer().catch((err: unknown) => {
      dropProcessSingleton("indexer");
      throw err;
    }),
  );
}

async function startIndexer(): Promise<ChainIndexer> {
  const status = processStatus();
  const failuresBefore = status.consecutiveFailures;
  try {
    status.state = "starting";
    const chain = getServerChain();
    const db = await getDb();
    const indexer = createIndexer({
      status,
      db,
      connection: chain.connection,
      programs: chain.programs,
      // The order-book cache first (server/market/book-cache.ts), so a browser that refetches on
      // the notice reads the new book.
      publish: async (channel, payload) => {
        await onIndexerNotice(db, channel).catch((err: unknown) => console.error(`[book-cache] ${String(err)}`));
        await publish(channel, payload);
      },
      log: (line) => console.error(line),
    });
    await indexer.start();
    console.info("[indexer] live (logsSubscribe) and caught up from the stored cursors");
    return indexer;
  } catch (err) {
    status.state = "stopped";
    // The database or chain client failing before the first pass: count it as a failed pass too.
    if (status.consecutiveFailures === failuresBefore) {
      status.lastError = { message: describeError(err), at: Date.now() };
      status.consecutiveFailures += 1;
    }
    throw err;
  }
}

/**
 * Starts the indexer now and keeps trying (2 s, doubling to 30 s) while the chain or database is
 * not there yet, saying so once rather than on every try. Idempotent; never throws.
 */
export function startIndexerWithRetry(): void {
  const retry = processSingleton("indexerRetry", "", () => ({ started: false }));
  if (retry.started) return;
  retry.started = true;
  let delayMs = 2_000;
  let lastMessage = "";
  const attempt = () => {
    ensureIndexerStarted().catch((err: unknown) => {
      const message = (err as Error).message;
      if (message !== lastMessage)
        console.error(`[indexer] not started yet (${message}); retrying`);
      lastMessage = message;
      setTimeout(attempt, delayMs).unref();
      delayMs = Math.min(delayMs * 2, 30_000);
    });
  };
  attempt();
}
