/**
 * The process-wide chain handle from the environment (SOLANA_RPC_URL, OPERATOR_KEYPAIR_PATH),
 * one per process (lib/process-singleton.ts) so Next's dev reloads and several route bundles
 * share one Connection.
 */
import { env } from "~/env.js";
import { processSingleton } from "~/lib/process-singleton";
import { openServerChain, type ServerChain } from "./connection";

export function getServerChain(): ServerChain {
  const settings = { rpcUrl: env.SOLANA_RPC_URL, operatorKeypairPath: env.OPERATOR_KEYPAIR_PATH };
  return processSingleton("serverChain", JSON.stringify(settings), () => openServerChain(settings));
}
