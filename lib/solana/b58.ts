/**
 * Base58 for 32-byte keys. encodeKey is memoized: base58 encoding costs tens of microseconds in
 * JavaScript and the same few keys (fee payers, programs, sysvars) appear in transaction after
 * transaction.
 */
import bs58 from "bs58";

const MAX = 50_000;
const cache = new Map<string, string>();

export function encodeKey(bytes: Uint8Array): string {
  const k = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString("latin1");
  let s = cache.get(k);
  if (s === undefined) {
    s = bs58.encode(bytes);
    // A full cache is simply dropped; the working set refills it.
    if (cache.size >= MAX) cache.clear();
    cache.set(k, s);
  }
  return s;
}

/** Whether `s` is base58 for 32 bytes (an address), without building a PublicKey. */
export function isValidAddress(s: string): boolean {
  try {
    return bs58.decode(s).length === 32;
  } catch {
    return false;
  }
}
