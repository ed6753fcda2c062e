/**
 * The bridge's THB-chain account key: the address users send THB to (the deposit address) and
 * the account withdrawals are paid from. A Solana-CLI-style JSON file (64 bytes: seed then public
 * key; the THB chain uses the same Ed25519 layout), BRIDGE_THB_KEYPAIR_PATH (default
 * `.data/bridge-thb-keypair.json`), created when missing: the THB chain here is the local
 * simulator. It is neither the operator key nor the attestor key.
 */
import fs from "node:fs";
import path from "node:path";
import bs58 from "bs58";
import type { Keypair } from "@solana/web3.js";
import { loadOrCreateKeypairFile, readKeypairFile } from "~/lib/solana/keypair-file";

export const DEFAULT_BRIDGE_THB_KEYPAIR_PATH = ".data/bridge-thb-keypair.json";

export function loadBridgeThbKey(filePath: string = DEFAULT_BRIDGE_THB_KEYPAIR_PATH, options: { createIfMissing: boolean } = { createIfMissing: true }): Keypair {
  return loadOrCreateKeypairFile(filePath, { label: "bridge THB account", envName: "BRIDGE_THB_KEYPAIR_PATH", ...options });
}

/** The THB address of a key (base58 of its public key). */
export const thbAddressOf = (key: Keypair) => bs58.encode(key.publicKey.toBytes());

/**
 * The deposit address the Wallet page shows: BRIDGE_THB_DEPOSIT_ADDRESS when set, else the
 * address of the key file when it exists (never creates it), else null.
 */
export function configuredDepositAddress(env: { BRIDGE_THB_DEPOSIT_ADDRESS?: string; BRIDGE_THB_KEYPAIR_PATH: string }): string | null {
  if (env.BRIDGE_THB_DEPOSIT_ADDRESS) return env.BRIDGE_THB_DEPOSIT_ADDRESS;
  const file = path.resolve(env.BRIDGE_THB_KEYPAIR_PATH);
  if (!fs.existsSync(file)) return null;
  try {
    return thbAddressOf(readKeypairFile(file, "bridge THB account"));
  } catch {
    return null;
  }
}
