/**
 * The app process's indexer: started once (kept on globalThis across dev reloads and route
 * bundles), on the configured database and chain, publishing to the event bus. It must live in
 * the process that owns the database when that is PGlite (single-process), so the app starts it
 * itself: from instrumentation.ts (`startIndexerWithRetry`) or lazily from the cron routes.
 */
import { getDb } from "~/db/client";
import { publish } from "~/server/redis/event-bus";
import { getServerChain } from "~/server/solana/server-chain";
import { createIndexer, type ChainIndexer } from "./indexer";
import { setIndexerState } from "./state";

const store = globalThis as unknown as { __gtxIndexer?: Promise<ChainIndexer> };

export function ensureIndexerStarted(): Promise<ChainIndexer> {
  store.__gtxIndexer ??= (async () => {
    setIndexerState("starting");
    const chain = getServerChain();
    const indexer = createIndexer({
      db: await getDb(),
      connection: chain.connection,
      programs: chain.programs,
      publish: (channel, payload) => publish(channel, payload),
      log: (line) => console.error(line),
    });
    await indexer.start();
    setIndexerState("running");
    console.info("[indexer] live (logsSubscribe) and caught up from the stored cursors");
    return indexer;
  })().catch((err: unknown) => {
    store.__gtxIndexer = undefined; // the chain may not be up yet: the next call tries again
    setIndexerState("stopped");
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
