/**
 * How the gateway reads `signature` (64 bytes) and `public_key` (32 bytes). Base58 (Solana's
 * alphabet) is the canonical form and the one stored; hex and padded base64 are accepted too
 * because meter firmware often has those at hand. The three never overlap:
 *  - hex: exactly 2×n characters of [0-9a-fA-F] (64 for a key, 128 for a signature); base58 of
 *    n bytes is at most 44 / 88 characters, so no base58 string has those lengths;
 *  - base64: standard alphabet, padded, canonical (44 characters ending "=" for a key, 88 ending
 *    "==" for a signature); "=" is never base58;
 *  - base58: everything else, which must decode to exactly n bytes.
 */
import bs58 from "bs58";

const HEX = /^[0-9a-fA-F]+$/;
const BASE64 = /^[A-Za-z0-9+/]+={1,2}$/;
const BASE58 = /^[1-9A-HJ-NP-Za-km-z]+$/;

/** The decoded bytes, or null when `text` is not n bytes in one of the three encodings. */
export function decodeBinary(text: string, n: number): Uint8Array | null {
  if (text.length === 2 * n && HEX.test(text)) return Buffer.from(text, "hex");
  if (text.includes("=")) {
    if (!BASE64.test(text) || text.length !== 4 * Math.ceil(n / 3)) return null;
    const bytes = Buffer.from(text, "base64");
    // Canonical only: the re-encoding must be the same text (no stray bits in the padding).
    return bytes.length === n && bytes.toString("base64") === text ? bytes : null;
  }
  if (text.length > 2 * n || !BASE58.test(text)) return null;
  try {
    const bytes = bs58.decode(text);
    return bytes.length === n ? bytes : null;
  } catch {
    return null;
  }
}

/** True when decodeBinary(text, n) reads `text` as base58 (not as hex or base64). */
export function isBase58(text: string, n: number): boolean {
  return !(text.length === 2 * n && HEX.test(text)) && !text.includes("=");
}

export function toBase58(bytes: Uint8Array): string {
  return bs58.encode(bytes);
}
