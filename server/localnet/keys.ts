/** Ed25519 keys through node:crypto (native, ~50 µs a signature) for the chain's own faucet. */
import crypto from "node:crypto";

const PKCS8_ED25519_PREFIX = Buffer.from("302e020100300506032b657004220420", "hex");

export interface Signer {
  publicKey: Uint8Array;
  sign(message: Uint8Array): Uint8Array;
}

export function signerFromSeed(seed: Uint8Array): Signer {
  if (seed.length !== 32) throw new Error("ed25519 seed must be 32 bytes");
  const key = crypto.createPrivateKey({
    key: Buffer.concat([PKCS8_ED25519_PREFIX, seed]),
    format: "der",
    type: "pkcs8",
  });
  const spki = crypto.createPublicKey(key).export({ format: "der", type: "spki" });
  const publicKey = new Uint8Array(spki.subarray(spki.length - 32));
  return {
    publicKey,
    sign: (message) => new Uint8Array(crypto.sign(null, message, key)),
  };
}

const SPKI_ED25519_PREFIX = Buffer.from("302a300506032b6570032100", "hex");

/** Whether `signature` is `publicKey`'s Ed25519 signature over `message`. */
export function verifySignature(publicKey: Uint8Array, message: Uint8Array, signature: Uint8Array): boolean {
  try {
    const key = crypto.createPublicKey({ key: Buffer.concat([SPKI_ED25519_PREFIX, publicKey]), format: "der", type: "spki" });
    return crypto.verify(null, message, key, signature);
  } catch {
    return false;
  }
}
