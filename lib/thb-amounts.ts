/**
 * THB and THBC amounts and THB-chain addresses, for the browser and the server alike (no node:
 * imports; server/thb-chain/encoding.ts is the simulator's own, Node-only). Both currencies have
 * 6 decimals (1 THBC = 1 THB = 1,000,000 base units); amounts are bigint base units everywhere
 * except in what people type and read.
 */
import bs58 from "bs58";
import { z } from "zod";

export const THB_AMOUNT_DECIMALS = 6;
export const THB_BASE_UNITS = 1_000_000n;
export const U64_MAX = (1n << 64n) - 1n;

/** "12.5" → 12_500_000n; null when it is not a plain decimal with at most 6 decimals. */
export function parseAmount(text: string): bigint | null {
  const m = /^(\d{1,20})(?:\.(\d{0,6}))?$/.exec(text.trim().replace(/[,_ ]/g, ""));
  if (!m) return null;
  const value = BigInt(m[1]!) * THB_BASE_UNITS + BigInt((m[2] ?? "").padEnd(6, "0") || "0");
  return value > U64_MAX ? null : value;
}

/** 12_500_000n → "12.5" (exact, no grouping): what an amount input holds. */
export function amountInputText(units: bigint): string {
  const whole = units / THB_BASE_UNITS;
  const frac = (units % THB_BASE_UNITS).toString().padStart(6, "0").replace(/0+$/, "");
  return frac ? `${whole}.${frac}` : `${whole}`;
}

/** 1_234_500_000n → "1,234.5" (exact, every significant decimal). */
export function formatAmount(units: bigint): string {
  const negative = units < 0n;
  const abs = negative ? -units : units;
  const whole = (abs / THB_BASE_UNITS).toLocaleString("en-US");
  const frac = (abs % THB_BASE_UNITS).toString().padStart(6, "0").replace(/0+$/, "");
  return `${negative ? "-" : ""}${whole}${frac ? `.${frac}` : ""}`;
}

/** THBC base units → "1,234.5 THBC" (exact). */
export const formatThbcAmount = (units: bigint) => `${formatAmount(units)} THBC`;
/** THB base units → "1,234.5 THB" (exact). */
export const formatThbAmount = (units: bigint) => `${formatAmount(units)} THB`;

/** The 32 bytes of a THB-chain address (base58 of an Ed25519 public key), or null. */
export function thbAddressBytes(address: string): Uint8Array | null {
  const text = address.trim();
  if (text.length < 32 || text.length > 44) return null;
  try {
    const bytes = bs58.decode(text);
    return bytes.length === 32 ? bytes : null;
  } catch {
    return null;
  }
}

export const isThbAddress = (address: string) => thbAddressBytes(address) !== null;

/** A withdrawal's recorded destination (32 bytes, hex in the mirrors) as the THB address people use. */
export function thbAddressFromHex(hex: string | null): string | null {
  if (!hex || !/^[0-9a-f]{64}$/i.test(hex)) return null;
  const bytes = new Uint8Array(32);
  for (let i = 0; i < 32; i++) bytes[i] = parseInt(hex.slice(i * 2, i * 2 + 2), 16);
  return bs58.encode(bytes);
}

export const thbAddressSchema = z
  .string()
  .trim()
  .refine(isThbAddress, "Enter a THB-chain address (base58 of 32 bytes)");

/** A positive amount in base units that fits a u64. */
export const baseUnitsSchema = z
  .bigint()
  .positive("The amount must be more than 0")
  .max(U64_MAX, "The amount is too large");

/**
 * What people type into an amount field, checked against what they can move: > 0, at most 6
 * decimals, ≤ `max` (balance or limit, with the reason in `maxReason`).
 */
export function amountFieldSchema(bounds: { max?: { units: bigint; reason: string }[] } = {}) {
  return z
    .string()
    .trim()
    .min(1, "Enter an amount")
    .transform((text, ctx) => {
      const units = parseAmount(text);
      if (units === null) {
        ctx.addIssue({ code: "custom", message: "Enter a number with at most 6 decimals, e.g. 12.5" });
        return z.NEVER;
      }
      if (units <= 0n) {
        ctx.addIssue({ code: "custom", message: "The amount must be more than 0" });
        return z.NEVER;
      }
      for (const m of bounds.max ?? []) {
        if (units > m.units) {
          ctx.addIssue({ code: "custom", message: m.reason });
          return z.NEVER;
        }
      }
      return units;
    });
}
