/**
 * The app process's indexer: started once (kept on globalThis across dev reloads and route
 * bundles), on the configured database and chain, publishing to the event bus. It must live in
 * the process that owns the database when that is PGlite (single-process), so the app starts it
 * itself: from `startBackgroundJobs()` (instrumentation) or lazily from the cron routes.
 */
import { getDb } from "~/db/client";
import { publish } from "~/server/redis/event-bus";
import { getServerChain } from "~/server/solana/server-chain";
import { createIndexer, type ChainIndexer } from "./indexer";

const store = globalThis as unknown as { __gtxIndexer?: Promise<ChainIndexer> };

export function ensureIndexerStarted(): Promise<ChainIndexer> {
  store.__gtxIndexer ??= (async () => {
    const chain = getServerChain();
    const indexer = createIndexer({
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
    throw err;
  });
  return store.__gtxIndexer;
}
