/**
 * Reads a Solana CLI keypair file (a JSON array of the 64 secret-key bytes). Node-only. `label`
 * names the key in errors ("deploy authority", "operator"), so a bad path says which key it is.
 */
import fs from "node:fs";
import { Keypair } from "@solana/web3.js";

export function readKeypairFile(file: string, label: string): Keypair {
  const raw: unknown = JSON.parse(fs.readFileSync(file, "utf8"));
  if (!Array.isArray(raw) || raw.length !== 64) throw new Error(`${label} keypair ${file} is not a 64-byte JSON array`);
  return Keypair.fromSecretKey(Uint8Array.from(raw as number[]));
}
