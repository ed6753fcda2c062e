/**
 * `startBackgroundJobs()`: the indexer plus a mint-poller timer inside the app process (call it
 * from instrumentation.ts `register()`; idempotent). Safe next to the cron routes and other
 * instances: the poller claims per meter and the indexer's writes are idempotent.
 */
import { env } from "~/env.js";
import { startIndexerWithRetry } from "~/server/indexer/background";
import { runMintPollerNow } from "./run";

const store = globalThis as unknown as { __gtxJobsTimer?: NodeJS.Timeout };

export function startBackgroundJobs(options: { mintIntervalMs?: number } = {}): void {
  if (store.__gtxJobsTimer) return;
  const every = options.mintIntervalMs ?? env.MINT_POLLER_INTERVAL_MS;
  startIndexerWithRetry();
  if (every <= 0) return;
  let running = false;
  store.__gtxJobsTimer = setInterval(() => {
    if (running) return;
    running = true;
    runMintPollerNow()
      .then((s) => {
        if (s.claimed > 0)
          console.info(
            `[mint-poller] ${s.confirmed} confirmed, ${s.duplicates} already on chain, ${s.settlements} settled (${s.mintedWh} Wh) in ${s.durationMs} ms`,
          );
      })
      .catch((err: unknown) => console.error("[mint-poller]", (err as Error).message))
      .finally(() => {
        running = false;
      });
  }, every);
  store.__gtxJobsTimer.unref();
}
