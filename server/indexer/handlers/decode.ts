/**
 * Small readers for Anchor-decoded event fields, shared by the per-program handler files.
 */
import type { PublicKey } from "@solana/web3.js";

interface Numberish {
  toString(): string;
}

export const base58 = (key: PublicKey): string => key.toBase58();
export const bigintOf = (n: Numberish): bigint => BigInt(n.toString());
export const numberOf = (n: Numberish | number): number => Number(n.toString());
/** The variant name of an Anchor-decoded unit enum ({ active: {} } → "active"). */
export const variantOf = (x: object): string => Object.keys(x)[0] ?? "";
/** A fixed byte array holding `len` bytes of UTF-8 (meter ids, names). */
export const utf8Of = (bytes: readonly number[], len: number): string =>
  new TextDecoder().decode(Uint8Array.from(bytes.slice(0, len)));
/** A fixed byte array as lowercase hex (the THB bridge's 32-byte ids and THB references). */
export const hexOf = (bytes: readonly number[]): string =>
  Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
