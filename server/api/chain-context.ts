/**
 * The chain handle of the tRPC context (`ctx.chain`): the server's Connection, operator and
 * Programs, the indexer that writes chain mirrors, "run the mint poller once" and "run the bridge
 * service once". By default
 * the process's own, opened on first use (a request that never touches the chain opens
 * nothing); router tests pass one on their own local chain (router-chain-testing.ts).
 */
import type { BridgePassSummary } from "~/server/bridge/service";
import type { ChainIndexer } from "~/server/indexer/indexer";
import type { MatcherPassSummary } from "~/server/market/matcher/matcher";
import type { MintPollerSummary } from "~/server/poller/mint-poller";
import type { ServerChain } from "~/server/solana/connection";

export interface ChainContext {
  /** Connection, operator key and Programs. */
  connect(): Promise<ServerChain>;
  /**
   * The indexer, the one writer of chain-derived rows: a router that needs a fresh row asks it
   * to apply the transaction the browser just confirmed (`applySignatures`).
   */
  indexer(): Promise<Pick<ChainIndexer, "applySignatures">>;
  runPoller(): Promise<MintPollerSummary>;
  /** One bridge service pass (server/bridge): the admin console's *Run now*. */
  runBridge(): Promise<BridgePassSummary>;
  /** One matcher pass (server/market/matcher): the admin console's *Run now*. */
  runMatcher(): Promise<MatcherPassSummary>;
}

// Imported on first use: the environment-backed modules validate env and open connections.
const processChainContext: ChainContext = {
  async connect() {
    const { getServerChain } = await import("~/server/solana/server-chain");
    return getServerChain();
  },
  async indexer() {
    const { ensureIndexerStarted } = await import("~/server/indexer/background");
    return ensureIndexerStarted();
  },
  async runPoller() {
    const { runMintPollerNow } = await import("~/server/poller/run");
    return runMintPollerNow();
  },
  async runBridge() {
    const { runBridgePassNow } = await import("~/server/bridge/run");
    return runBridgePassNow();
  },
  async runMatcher() {
    const { runMatcherNow } = await import("~/server/market/matcher/run");
    return runMatcherNow("admin");
  },
};

export function defaultChainContext(): ChainContext {
  return processChainContext;
}
