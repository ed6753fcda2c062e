/**
 * Ed25519 keys for the THB chain, with node:crypto only (no dependency). A keypair is the Solana
 * layout: a 64-byte secret key (32-byte seed, then the 32-byte public key) or a bare 32-byte seed,
 * so a web3.js `Keypair`'s `secretKey` or a Solana CLI keypair file works as it is.
 */
import { createPrivateKey, createPublicKey, generateKeyPairSync, sign, verify, type KeyObject } from "node:crypto";
import bs58 from "bs58";

const PKCS8_PREFIX = Buffer.from("302e020100300506032b657004220420", "hex");
const SPKI_PREFIX = Buffer.from("302a300506032b6570032100", "hex");

export interface ThbKeypair {
  /** base58 of the 32-byte public key: the account address. */
  address: string;
  publicKey: Uint8Array;
  /** 64 bytes: seed then public key (Solana's layout). */
  secretKey: Uint8Array;
}

function privateKeyObject(seed: Uint8Array): KeyObject {
  return createPrivateKey({ key: Buffer.concat([PKCS8_PREFIX, seed]), format: "der", type: "pkcs8" });
}

/** A keypair from a 64-byte Solana secret key (checked against its public half) or a 32-byte seed. */
export function keypairFromSecretKey(secretKey: Uint8Array): ThbKeypair {
  if (secretKey.length !== 32 && secretKey.length !== 64) {
    throw new Error(`an Ed25519 secret key is 32 or 64 bytes, not ${secretKey.length}`);
  }
  const seed = secretKey.subarray(0, 32);
  const spki = createPublicKey(privateKeyObject(seed)).export({ format: "der", type: "spki" });
  const publicKey = new Uint8Array(spki.subarray(spki.length - 32));
  if (secretKey.length === 64 && !Buffer.from(secretKey.subarray(32)).equals(Buffer.from(publicKey))) {
    throw new Error("the secret key's public half does not match its seed");
  }
  const full = new Uint8Array(64);
  full.set(seed, 0);
  full.set(publicKey, 32);
  return { address: bs58.encode(publicKey), publicKey, secretKey: full };
}

export function generateKeypair(): ThbKeypair {
  const { privateKey } = generateKeyPairSync("ed25519");
  const pkcs8 = privateKey.export({ format: "der", type: "pkcs8" });
  return keypairFromSecretKey(new Uint8Array(pkcs8.subarray(pkcs8.length - 32)));
}

export function signBytes(secretKey: Uint8Array, message: Uint8Array): Uint8Array {
  return new Uint8Array(sign(null, message, privateKeyObject(secretKey.subarray(0, 32))));
}

/** Strict Ed25519 verification (OpenSSL refuses non-canonical S and small-order keys' forgeries). */
export function verifyBytes(publicKey: Uint8Array, message: Uint8Array, signature: Uint8Array): boolean {
  if (publicKey.length !== 32 || signature.length !== 64) return false;
  try {
    const key = createPublicKey({ key: Buffer.concat([SPKI_PREFIX, publicKey]), format: "der", type: "spki" });
    return verify(null, message, key, signature);
  } catch {
    return false;
  }
}
