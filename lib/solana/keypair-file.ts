/**
 * Reads a Solana CLI keypair file (a JSON array of the 64 secret-key bytes). Node-only. `label`
 * names the key in errors ("deploy authority", "operator"), so a bad path says which key it is.
 */
import fs from "node:fs";
import path from "node:path";
import { Keypair } from "@solana/web3.js";

export function readKeypairFile(file: string, label: string): Keypair {
  const raw: unknown = JSON.parse(fs.readFileSync(file, "utf8"));
  if (!Array.isArray(raw) || raw.length !== 64) throw new Error(`${label} keypair ${file} is not a 64-byte JSON array`);
  return Keypair.fromSecretKey(Uint8Array.from(raw as number[]));
}

/**
 * A key the platform keeps in a file (the operator, the bridge attestor). Created when missing
 * only if `createIfMissing` (a local chain); elsewhere a missing key is an error naming the
 * variable that points at it (`envName`), never a silent new key.
 */
export function loadOrCreateKeypairFile(
  filePath: string,
  options: { label: string; envName: string; createIfMissing: boolean },
): Keypair {
  const file = path.resolve(filePath);
  if (!fs.existsSync(file)) {
    if (!options.createIfMissing) throw new Error(`${options.label} keypair ${file} does not exist (set ${options.envName})`);
    const kp = Keypair.generate();
    fs.mkdirSync(path.dirname(file), { recursive: true });
    // wx: two processes starting at once must not overwrite each other's key.
    try {
      fs.writeFileSync(file, JSON.stringify(Array.from(kp.secretKey)), { mode: 0o600, flag: "wx" });
      return kp;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== "EEXIST") throw err;
    }
  }
  return readKeypairFile(file, options.label);
}
