/**
 * The THB bridge's attestor key: the Ed25519 key whose signature alone lets the bridge mint THBC
 * for a THB deposit and release or refund a withdrawal. It is **not** the operator key (the
 * operator is the bridge's admin, and the program refuses an admin who is an attestor), so the
 * key that runs the platform cannot mint money by itself. Kept like the operator key: a Solana
 * CLI JSON file, `BRIDGE_ATTESTOR_KEYPAIR_PATH` (default `.data/bridge-attestor-keypair.json`),
 * created when missing only on a local chain.
 */
import type { Keypair } from "@solana/web3.js";
import { loadOrCreateKeypairFile } from "~/lib/solana/keypair-file";

export const DEFAULT_BRIDGE_ATTESTOR_KEYPAIR_PATH = ".data/bridge-attestor-keypair.json";

export function loadBridgeAttestor(
  filePath: string = process.env.BRIDGE_ATTESTOR_KEYPAIR_PATH ?? DEFAULT_BRIDGE_ATTESTOR_KEYPAIR_PATH,
  options: { createIfMissing: boolean },
): Keypair {
  return loadOrCreateKeypairFile(filePath, {
    label: "bridge attestor",
    envName: "BRIDGE_ATTESTOR_KEYPAIR_PATH",
    ...options,
  });
}
