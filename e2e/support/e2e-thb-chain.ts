/**
 * The e2e run's THB-chain simulator (server/thb-chain), in the app server's process: a fresh data
 * dir, a fixed loopback port (E2E_THB_CHAIN_PORT, so specs can reach it from Node), blocks every
 * 500 ms, 2 confirmations, test knobs on (reorgs, sealing blocks), and a fresh bridge THB account
 * key. Returns the environment the app needs (THB_CHAIN_URL, BRIDGE_THB_*) and a cleanup.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { loadBridgeThbKey, thbAddressOf } from "~/server/bridge/keys";
import { startThbChain } from "~/server/thb-chain";
import { E2E_THB_CHAIN_PORT } from "./settings";

export const E2E_THB_BLOCK_MS = 500;
export const E2E_THB_CONFIRMATIONS = 2;

export async function startE2eThbChain(log: (line: string) => void) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "gtx-e2e-thb-"));
  const started = await startThbChain({
    dataDir: path.join(dir, "chain"),
    port: E2E_THB_CHAIN_PORT,
    blockMs: E2E_THB_BLOCK_MS,
    confirmations: E2E_THB_CONFIRMATIONS,
    testKnobs: true,
    log: () => undefined,
  });
  const keyPath = path.join(dir, "bridge-thb-keypair.json");
  const depositAddress = thbAddressOf(loadBridgeThbKey(keyPath, { createIfMissing: true }));
  log(`THB chain: ${started.url} (blocks every ${E2E_THB_BLOCK_MS} ms, ${E2E_THB_CONFIRMATIONS} confirmations; bridge deposit address ${depositAddress})`);
  return {
    env: {
      THB_CHAIN_URL: started.url,
      BRIDGE_THB_KEYPAIR_PATH: keyPath,
      BRIDGE_THB_DEPOSIT_ADDRESS: depositAddress,
    },
    async close() {
      await started.close();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}
