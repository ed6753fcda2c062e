/** Input checks: every number is a bigint in the chain's range, or an EngineError says which. */
import { EngineError, type EngineErrorCode } from "./errors";
import type { OrderInput, Side } from "./types";

export const U64_MAX = (1n << 64n) - 1n;
export const I64_MIN = -(1n << 63n);
export const I64_MAX = (1n << 63n) - 1n;

/** A Solana address in base58: 32–44 characters of the Bitcoin alphabet. */
const BASE58_ADDRESS = /^[1-9A-HJ-NP-Za-km-z]{32,44}$/;

function fail(code: EngineErrorCode, field: string, value: unknown): never {
  throw new EngineError(code, undefined, { field, value: describe(value) });
}

function describe(value: unknown): string {
  if (typeof value === "bigint") return `${value}n`;
  if (typeof value === "string") return JSON.stringify(value.slice(0, 64));
  return typeof value;
}

export function checkAddress(value: unknown, code: "INVALID_ORDER_ID" | "INVALID_OWNER", field: string): string {
  if (typeof value !== "string" || !BASE58_ADDRESS.test(value)) fail(code, field, value);
  return value;
}

export function checkSide(value: unknown): Side {
  if (value !== "buy" && value !== "sell") fail("INVALID_SIDE", "side", value);
  return value;
}

/** A positive u64. */
export function checkPositive(value: unknown, code: "INVALID_PRICE" | "INVALID_AMOUNT", field: string): bigint {
  if (typeof value !== "bigint" || value <= 0n || value > U64_MAX) fail(code, field, value);
  return value;
}

export function checkTime(value: unknown, field: string): bigint {
  if (typeof value !== "bigint" || value < I64_MIN || value > I64_MAX) fail("INVALID_TIME", field, value);
  return value;
}

export function checkSeq(value: unknown): bigint {
  if (value === undefined) return 0n;
  if (typeof value !== "bigint" || value < 0n || value > U64_MAX) fail("INVALID_TIME", "seq", value);
  return value;
}

export function checkTickSize(value: unknown): bigint {
  if (value === undefined) return 1n;
  if (typeof value !== "bigint" || value <= 0n || value > U64_MAX) fail("INVALID_TICK_SIZE", "tickSize", value);
  return value;
}

export function checkFeeBps(value: unknown): bigint {
  if (value === undefined) return 0n;
  if (typeof value !== "bigint" || value < 0n || value > 10_000n) fail("INVALID_FEE_BPS", "feeBps", value);
  return value;
}

export function checkCount(value: unknown, code: "INVALID_MAX_FILLS" | "INVALID_DEPTH", field: string): number {
  if (typeof value !== "number" || !Number.isSafeInteger(value) || value < 1) fail(code, field, value);
  return value;
}

/** The whole order, checked field by field in a fixed order (so the first bad field names the error). */
export function checkOrder(order: OrderInput, tickSize: bigint): Required<OrderInput> {
  if (typeof order !== "object" || order === null) fail("INVALID_ORDER_ID", "order", order);
  const id = checkAddress(order.id, "INVALID_ORDER_ID", "id");
  const side = checkSide(order.side);
  const owner = checkAddress(order.owner, "INVALID_OWNER", "owner");
  const limitPrice = checkPositive(order.limitPrice, "INVALID_PRICE", "limitPrice");
  if (limitPrice % tickSize !== 0n) fail("OFF_TICK", "limitPrice", limitPrice);
  const remainingWh = checkPositive(order.remainingWh, "INVALID_AMOUNT", "remainingWh");
  const createdAt = checkTime(order.createdAt, "createdAt");
  const seq = checkSeq(order.seq);
  const expiresAt = checkTime(order.expiresAt, "expiresAt");
  if (expiresAt <= createdAt) fail("INVALID_EXPIRY", "expiresAt", expiresAt);
  const green = checkFlag(order.green, "green", side === "sell");
  const greenOnly = checkFlag(order.greenOnly, "greenOnly", side === "buy");
  return { id, side, owner, limitPrice, remainingWh, createdAt, seq, expiresAt, green, greenOnly };
}

/** An optional boolean flag; true only where `allowed` (green on a sell, greenOnly on a buy). */
function checkFlag(value: unknown, field: string, allowed: boolean): boolean {
  if (value === undefined) return false;
  if (typeof value !== "boolean" || (value && !allowed)) fail("INVALID_GREEN", field, value);
  return value;
}
