/**
 * The process-wide chain handle from the environment (SOLANA_RPC_URL, OPERATOR_KEYPAIR_PATH),
 * kept on globalThis so Next's dev reloads and several route bundles share one Connection.
 */
import { env } from "~/env.js";
import { openServerChain, type ServerChain } from "./connection";

const store = globalThis as unknown as { __gtxServerChain?: ServerChain };

export function getServerChain(): ServerChain {
  store.__gtxServerChain ??= openServerChain({ rpcUrl: env.SOLANA_RPC_URL, operatorKeypairPath: env.OPERATOR_KEYPAIR_PATH });
  return store.__gtxServerChain;
}
