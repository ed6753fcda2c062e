/**
 * The THB-chain simulator: a ledger, blocks, confirmations, persistence and its HTTP API.
 * `startThbChain()` opens the chain in its data dir and serves it; `close()` snapshots and stops.
 * Server-only (node:fs, node:http, node:crypto): browser code must not import this folder.
 */
import { ThbChain, type ThbChainOptions } from "./chain";
import { startThbChainServer } from "./http-server";

export { ThbChain, type ThbChainOptions } from "./chain";
export { ThbChainError, type ThbChainErrorCode } from "./errors";

export const DEFAULT_THB_CHAIN_PORT = 7070;

export interface StartedThbChain {
  chain: ThbChain;
  url: string;
  port: number;
  close(): Promise<void>;
}

export async function startThbChain(opts: ThbChainOptions & { port?: number; host?: string } = {}): Promise<StartedThbChain> {
  const chain = await ThbChain.open(opts);
  let server;
  try {
    server = await startThbChainServer(chain, { port: opts.port ?? DEFAULT_THB_CHAIN_PORT, host: opts.host });
  } catch (e) {
    await chain.close();
    throw e;
  }
  const srv = server;
  return {
    chain,
    url: srv.url,
    port: srv.port,
    close: async () => {
      await srv.close();
      await chain.close();
    },
  };
}

function intEnv(env: NodeJS.ProcessEnv, name: string, min: number): number | undefined {
  const v = env[name];
  if (v === undefined || v === "") return undefined;
  const n = Number(v);
  if (!Number.isSafeInteger(n) || n < min) throw new Error(`${name} must be an integer >= ${min}, not "${v}"`);
  return n;
}

/** THB_CHAIN_PORT, THB_CHAIN_DATA_DIR, THB_CHAIN_BLOCK_MS, THB_CHAIN_CONFIRMATIONS, THB_CHAIN_TEST_KNOBS, THB_CHAIN_SNAPSHOT_EVERY. */
export function thbChainOptionsFromEnv(env: NodeJS.ProcessEnv = process.env): ThbChainOptions & { port?: number } {
  return {
    port: intEnv(env, "THB_CHAIN_PORT", 0),
    dataDir: env.THB_CHAIN_DATA_DIR?.trim() ? env.THB_CHAIN_DATA_DIR : undefined,
    blockMs: intEnv(env, "THB_CHAIN_BLOCK_MS", 0),
    confirmations: intEnv(env, "THB_CHAIN_CONFIRMATIONS", 1),
    testKnobs: env.THB_CHAIN_TEST_KNOBS === "1" || env.THB_CHAIN_TEST_KNOBS === "true",
    snapshotEvery: intEnv(env, "THB_CHAIN_SNAPSHOT_EVERY", 1),
  };
}
