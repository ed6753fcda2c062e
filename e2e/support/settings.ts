/** Facts shared by playwright.config.ts, the app server script and the specs. */
import crypto from "node:crypto";
import bs58 from "bs58";

export const E2E_PORT = Number(process.env.E2E_PORT ?? 3100);
export const E2E_HOST = "127.0.0.1";
export const E2E_BASE_URL = `http://${E2E_HOST}:${E2E_PORT}`;
/** The domain sign-in messages name (APP_DOMAIN). */
export const E2E_APP_DOMAIN = `${E2E_HOST}:${E2E_PORT}`;

/**
 * A fixed stand-in for the cluster's genesis hash (32 bytes, base58), so sign-in works without a
 * running chain: the server writes it into every sign-in message instead of asking the RPC.
 */
export const E2E_GENESIS_HASH = bs58.encode(
  crypto.createHash("sha256").update("gridtokenx-e2e-genesis").digest(),
);

/**
 * The e2e run's own local chain (e2e/support/e2e-chain.ts starts it): fixed loopback ports, so
 * the browser's NEXT_PUBLIC_SOLANA_RPC_URL baked into the build stays the same from run to run.
 * Specs reach it from Node too (registering a meter for the admin console's tests).
 */
export const E2E_CHAIN_PORT = Number(process.env.E2E_CHAIN_PORT ?? 18899);
export const E2E_RPC_URL = `http://127.0.0.1:${E2E_CHAIN_PORT}`;
export const E2E_WS_URL = `ws://127.0.0.1:${E2E_CHAIN_PORT + 1}`;

/** The e2e run's THB-chain simulator (e2e/support/e2e-thb-chain.ts), also fixed so specs reach it from Node. */
export const E2E_THB_CHAIN_PORT = Number(process.env.E2E_THB_CHAIN_PORT ?? 17070);
export const E2E_THB_CHAIN_URL = `http://127.0.0.1:${E2E_THB_CHAIN_PORT}`;

export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
