/**
 * What the meters, market and admin routers need from outside the database: the server's chain
 * handle (Connection, operator key, Programs) and "run the mint poller once". By default the
 * process-wide ones (server/solana/server-chain.ts, server/poller/run.ts); router tests point
 * them at their own real local chain with `setRouterChainDeps`.
 */
import type { MintPollerSummary } from "~/server/poller/mint-poller";
import type { ServerChain } from "~/server/solana/connection";

export interface RouterChainDeps {
  chain: () => ServerChain;
  runPoller: () => Promise<MintPollerSummary>;
  /**
   * Starts this process's indexer if it is not running yet (the chain → database mirror that
   * fills mints and prices); optional, tests replay the chain themselves.
   */
  ensureIndexer?: () => Promise<unknown>;
}

const store = globalThis as unknown as { __gtxRouterChainDeps?: RouterChainDeps };

async function defaults(): Promise<RouterChainDeps> {
  const [{ getServerChain }, { runMintPollerNow }, { ensureIndexerStarted }] = await Promise.all([
    import("~/server/solana/server-chain"),
    import("~/server/poller/run"),
    import("~/server/indexer/background"),
  ]);
  return { chain: getServerChain, runPoller: runMintPollerNow, ensureIndexer: ensureIndexerStarted };
}

export async function routerChainDeps(): Promise<RouterChainDeps> {
  store.__gtxRouterChainDeps ??= await defaults();
  return store.__gtxRouterChainDeps;
}

/** Tests: use this chain and poller (undefined restores the environment's). */
export function setRouterChainDeps(deps: RouterChainDeps | undefined): void {
  store.__gtxRouterChainDeps = deps;
}
