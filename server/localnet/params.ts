/** Parameter parsing shared by the HTTP and WebSocket APIs; every failure is a -32602. */
import bs58 from "bs58";
import { invalidParams } from "./errors";
import type { Commitment } from "./chain";

/** Agave's default commitment is `finalized`; the deprecated names map onto the three levels. */
export function parseCommitment(v: unknown): Commitment {
  switch (v) {
    case undefined:
    case null:
    case "finalized":
    case "max":
    case "root":
      return "finalized";
    case "confirmed":
    case "single":
    case "singleGossip":
      return "confirmed";
    case "processed":
    case "recent":
      return "processed";
    default:
      throw invalidParams(`unknown commitment ${JSON.stringify(v)}`);
  }
}

export function config(params: unknown[], index: number): Record<string, unknown> {
  const c = params[index];
  if (c === undefined || c === null) return {};
  if (typeof c !== "object" || Array.isArray(c)) throw invalidParams(`parameter ${index} must be a configuration object`);
  return c as Record<string, unknown>;
}

export function address(v: unknown, what = "address"): { b58: string; bytes: Uint8Array } {
  if (typeof v === "string" && v.length >= 32 && v.length <= 44) {
    try {
      const bytes = bs58.decode(v);
      if (bytes.length === 32) return { b58: v, bytes };
    } catch {
      // fall through
    }
  }
  throw invalidParams(`${what} is not a valid base58 public key`);
}

export function signature(v: unknown): string {
  if (typeof v === "string" && v.length >= 64 && v.length <= 88) {
    try {
      if (bs58.decode(v).length === 64) return v;
    } catch {
      // fall through
    }
  }
  throw invalidParams("invalid signature");
}

export function u64(v: unknown, what: string): bigint {
  if (typeof v === "number" && Number.isSafeInteger(v) && v >= 0) return BigInt(v);
  if (typeof v === "string" && /^\d{1,20}$/.test(v) && BigInt(v) <= 0xffffffffffffffffn) return BigInt(v);
  throw invalidParams(`${what} must be a non-negative integer`);
}

export function smallInt(v: unknown, what: string, max = Number.MAX_SAFE_INTEGER): number {
  if (typeof v === "number" && Number.isSafeInteger(v) && v >= 0 && v <= max) return v;
  throw invalidParams(`${what} must be an integer between 0 and ${max}`);
}
