/**
 * Ed25519 signing and verification of meter readings with node:crypto, over the canonical
 * encoding of lib/reading-encoding.ts (re-exported here, so server code imports one module).
 */
import { createPrivateKey, createPublicKey, generateKeyPairSync, sign, verify, type KeyObject } from "node:crypto";
import { MeterReadingError, encodeReading, type MeterReading } from "./reading-encoding";

export * from "./reading-encoding";

// ---------- Ed25519 keys (raw 32-byte form, as stored on chain) ----------

const PKCS8_ED25519_PREFIX = Uint8Array.from([0x30, 0x2e, 0x02, 0x01, 0x00, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x04, 0x22, 0x04, 0x20]);
const SPKI_ED25519_PREFIX = Uint8Array.from([0x30, 0x2a, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x03, 0x21, 0x00]);

const concat = (a: Uint8Array, b: Uint8Array) => {
  const out = new Uint8Array(a.length + b.length);
  out.set(a, 0);
  out.set(b, a.length);
  return out;
};

/** A private key from its 32-byte seed (also the first half of a Solana 64-byte secret key). */
export function privateKeyFromSeed(seed: Uint8Array): KeyObject {
  if (seed.length !== 32) throw new MeterReadingError("INVALID_KEY", `an Ed25519 seed is 32 bytes, got ${seed.length}`);
  return createPrivateKey({ key: Buffer.from(concat(PKCS8_ED25519_PREFIX, seed)), format: "der", type: "pkcs8" });
}

/** A public key from its raw 32 bytes. */
export function publicKeyFromBytes(raw: Uint8Array): KeyObject {
  if (raw.length !== 32) throw new MeterReadingError("INVALID_KEY", `an Ed25519 public key is 32 bytes, got ${raw.length}`);
  return createPublicKey({ key: Buffer.from(concat(SPKI_ED25519_PREFIX, raw)), format: "der", type: "spki" });
}

/** The raw 32 bytes of an Ed25519 public key (or of the public half of a private key). */
export function publicKeyBytes(key: KeyObject): Uint8Array {
  const pub = key.type === "private" ? createPublicKey(key) : key;
  if (pub.asymmetricKeyType !== "ed25519") throw new MeterReadingError("INVALID_KEY", "not an Ed25519 key");
  const der = pub.export({ format: "der", type: "spki" });
  return Uint8Array.from(der.subarray(der.length - 32));
}

export interface MeterKeyPair {
  privateKey: KeyObject;
  /** Raw 32 bytes: what register_meter stores as meter_pubkey. */
  publicKey: Uint8Array;
}

export function generateMeterKeyPair(): MeterKeyPair {
  const { privateKey } = generateKeyPairSync("ed25519");
  return { privateKey, publicKey: publicKeyBytes(privateKey) };
}

export function meterKeyPairFromSeed(seed: Uint8Array): MeterKeyPair {
  const privateKey = privateKeyFromSeed(seed);
  return { privateKey, publicKey: publicKeyBytes(privateKey) };
}

const asPrivateKey = (k: KeyObject | Uint8Array) => (k instanceof Uint8Array ? privateKeyFromSeed(k) : k);

/** Signs the canonical encoding; returns the 64-byte Ed25519 signature. */
export function signReading(reading: MeterReading, privateKey: KeyObject | Uint8Array): Uint8Array {
  return Uint8Array.from(sign(null, encodeReading(reading), asPrivateKey(privateKey)));
}

/** True when `signature` is `publicKey`'s Ed25519 signature over the reading's canonical encoding. */
export function verifyReading(reading: MeterReading, signature: Uint8Array, publicKey: Uint8Array | KeyObject): boolean {
  if (signature.length !== 64) return false;
  let key: KeyObject;
  try {
    key = publicKey instanceof Uint8Array ? publicKeyFromBytes(publicKey) : publicKey;
  } catch {
    return false;
  }
  return verify(null, encodeReading(reading), key, signature);
}
