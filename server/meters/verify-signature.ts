/**
 * Ed25519 verification of a reading's canonical bytes (lib/meter-reading.ts) with node:crypto.
 * The callback form of crypto.verify runs on libuv's thread pool, so a batch's signatures are
 * checked on every core while the event loop keeps serving requests.
 */
import crypto, { type KeyObject } from "node:crypto";
import { encodeReading, publicKeyFromBytes, type MeterReading } from "~/lib/meter-reading";

/** Recently used public keys as KeyObjects (building one costs a DER parse); bounded. */
const KEY_CACHE_MAX = 20_000;
const keyCache = new Map<string, KeyObject>();

function keyObject(raw: Uint8Array): KeyObject {
  const id = Buffer.from(raw.buffer, raw.byteOffset, raw.byteLength).toString("latin1");
  let key = keyCache.get(id);
  if (!key) {
    key = publicKeyFromBytes(raw);
    if (keyCache.size >= KEY_CACHE_MAX) keyCache.delete(keyCache.keys().next().value!);
    keyCache.set(id, key);
  }
  return key;
}

/** True when `signature` is `publicKey`'s signature over the reading; never throws. */
export function verifyReadingSignature(
  reading: MeterReading,
  signature: Uint8Array,
  publicKey: Uint8Array,
): Promise<boolean> {
  let key: KeyObject;
  let message: Uint8Array;
  try {
    key = keyObject(publicKey);
    message = encodeReading(reading);
  } catch {
    return Promise.resolve(false);
  }
  return new Promise((resolve) => {
    crypto.verify(null, message, key, signature, (err, ok) => resolve(!err && ok));
  });
}
