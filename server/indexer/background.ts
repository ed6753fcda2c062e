/**
 * The app process's indexer: started once (kept on globalThis across dev reloads and route
 * bundles), on the configured database and chain, publishing to the event bus. It must live in
 * the process that owns the database when that is PGlite (single-process), so the app starts it
 * itself: from instrumentation.ts (`startIndexerWithRetry`) or lazily from the cron routes.
 */
import { getDb } from "~/db/client";
import { describeError } from "~/db/retry";
import { publish } from "~/server/redis/event-bus";
import { getServerChain } from "~/server/solana/server-chain";
import { createIndexer, type ChainIndexer } from "./indexer";
import { newIndexerStatus, setProcessIndexer, type IndexerStatus } from "./state";

const store = globalThis as unknown as { __gtxIndexer?: Promise<ChainIndexer>; __gtxIndexerStatus?: IndexerStatus };

/**
 * One status for the process, kept across start attempts so failures add up, and reported by
 * health.status from the first attempt on.
 */
function processStatus(): IndexerStatus {
  if (!store.__gtxIndexerStatus) {
    const status = newIndexerStatus();
    store.__gtxIndexerStatus = status;
    setProcessIndexer({ status, chainSlot: () => getServerChain().connection.getSlot("confirmed") });
  }
  return store.__gtxIndexerStatus;
}

export function ensureIndexerStarted(): Promise<ChainIndexer> {
  let failuresBefore = 0;
  store.__gtxIndexer ??= (async () => {
    const status = processStatus();
    failuresBefore = status.consecutiveFailures;
    status.state = "starting";
    const chain = getServerChain();
    const indexer = createIndexer({
      status,
      db: await getDb(),
      connection: chain.connection,
      programs: chain.programs,
      publish: (channel, payload) => publish(channel, payload),
      log: (line) => console.error(line),
    });
    await indexer.start();
    console.info("[indexer] live (logsSubscribe) and caught up from the stored cursors");
    return indexer;
  })().catch((err: unknown) => {
    store.__gtxIndexer = undefined; // the chain may not be up yet: the next call tries again
    const status = processStatus();
    status.state = "stopped";
    // The database or chain client failing before the first pass: count it as a failed pass too.
    if (status.consecutiveFailures === failuresBefore) {
      status.lastError = { message: describeError(err), at: Date.now() };
      status.consecutiveFailures += 1;
    }
    throw err;
  });
  return store.__gtxIndexer;
}

const retryStore = globalThis as unknown as { __gtxIndexerRetry?: boolean };

/**
 * Starts the indexer now and keeps trying (2 s, doubling to 30 s) while the chain or database is
 * not there yet, saying so once rather than on every try. Idempotent; never throws.
 */
export function startIndexerWithRetry(): void {
  if (retryStore.__gtxIndexerRetry) return;
  retryStore.__gtxIndexerRetry = true;
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
