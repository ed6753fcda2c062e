/**
 * Anchor encodes u64/i64/u128 arguments as bn.js numbers. These helpers convert at that boundary
 * so tests can think in bigint.
 */
import BN from "bn.js";

/** A bn.js number for Anchor's coder from a bigint/number/decimal string. */
export function bn(value: bigint | number | string): BN {
  return new BN(value.toString(), 10);
}

/** bn.js (or anything with a decimal toString) back to bigint. */
export function toBigInt(value: unknown): bigint {
  if (typeof value === "bigint") return value;
  if (typeof value === "number") return BigInt(value);
  if (BN.isBN(value)) return BigInt(value.toString(10));
  if (value && typeof value === "object" && "toString" in value)
    return BigInt((value as { toString(base: number): string }).toString(10));
  throw new Error(`not a number: ${String(value)}`);
}

/** The bn.js number type Anchor's coders use for 64/128-bit integers. */
export type BigNum = BN;
