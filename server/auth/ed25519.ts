/**
 * Ed25519 signature checks with node:crypto. Node takes public keys as KeyObjects, so the raw
 * 32-byte key is wrapped in the fixed SPKI DER header for Ed25519 (RFC 8410).
 */
import crypto from "node:crypto";

const ED25519_SPKI_PREFIX = Buffer.from("302a300506032b6570032100", "hex");

export function ed25519PublicKey(raw: Uint8Array): crypto.KeyObject {
  if (raw.length !== 32) throw new Error("an Ed25519 public key is 32 bytes");
  return crypto.createPublicKey({
    key: Buffer.concat([ED25519_SPKI_PREFIX, raw]),
    format: "der",
    type: "spki",
  });
}

/** True only for a valid signature; malformed keys or signatures are simply false. */
export function verifyEd25519(
  publicKey: Uint8Array,
  message: Uint8Array,
  signature: Uint8Array,
): boolean {
  if (publicKey.length !== 32 || signature.length !== 64) return false;
  try {
    return crypto.verify(null, message, ed25519PublicKey(publicKey), signature);
  } catch {
    return false;
  }
}
