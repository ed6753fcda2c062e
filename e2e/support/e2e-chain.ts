/**
 * The e2e run's own local chain: the embedded localnet (real programs, LiteSVM) on fixed loopback
 * ports (fixed so the browser's NEXT_PUBLIC_SOLANA_RPC_URL baked into the build stays the same
 * from run to run), a fresh ledger in a temp dir, `--cheats` for test airdrops, and the same
 * idempotent bootstrap the dev runner uses (registry, GRID mint, oracle + first price, the THB
 * bridge and its THBC mint) with a fresh operator key and bridge attestor key. Returns the environment the app needs and a cleanup.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { startLocalnet } from "~/server/localnet";
import { bootstrapChain } from "~/server/solana/bootstrap";
import { closeConnectionSocket, openServerChain } from "~/server/solana/connection";
import { E2E_CHAIN_PORT } from "./settings";

export async function startE2eChain(root: string, log: (line: string) => void) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "gtx-e2e-chain-"));
  const net = await startLocalnet({
    port: E2E_CHAIN_PORT,
    dataDir: path.join(dir, "ledger"),
    slotMs: 100,
    finalizeSlots: 2,
    cheats: true,
    root,
    log: () => undefined,
  });
  const operatorKeypairPath = path.join(dir, "operator.json");
  const chain = openServerChain({ rpcUrl: net.rpcUrl, wsUrl: net.wsUrl, operatorKeypairPath });
  const bridgeAttestorKeypairPath = path.join(dir, "bridge-attestor.json");
  const boot = await bootstrapChain(chain, undefined, { bridgeAttestorKeypairPath });
  closeConnectionSocket(chain.connection);
  log(`chain: ${net.rpcUrl} (operator ${boot.operator}, GRID mint ${boot.gridMint})`);
  return {
    env: {
      SOLANA_RPC_URL: net.rpcUrl,
      OPERATOR_KEYPAIR_PATH: operatorKeypairPath,
      BRIDGE_ATTESTOR_KEYPAIR_PATH: bridgeAttestorKeypairPath,
      NEXT_PUBLIC_SOLANA_RPC_URL: net.rpcUrl,
      NEXT_PUBLIC_SOLANA_WS_URL: net.wsUrl,
      NEXT_PUBLIC_SOLANA_CLUSTER: "localnet",
    },
    async close() {
      await net.close();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}
