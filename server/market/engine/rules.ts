/**
 * The chain's rules of a fill (programs/trading/src/ix_match_orders.c), as pure functions: the
 * engine and the reference book of the tests both use these and nothing else to decide a price.
 */
import type { OrderView, Side } from "./types";

/** GRID has 3 decimals: prices are per kWh, amounts in Wh. */
export const WH_PER_KWH = 1000n;
export const BPS_DENOMINATOR = 10_000n;
/** `MAX_FILLS` of match_orders. */
export const MAX_FILLS_PER_TRANSACTION = 16;

/** The chain's maker: the order created first (`created_at`); on a tie the sell. */
export function makerSide(buyCreatedAt: bigint, sellCreatedAt: bigint): Side {
  return buyCreatedAt < sellCreatedAt ? "buy" : "sell";
}

/** match_orders' GreenOnlyBuy: a green-only buy fills only against a green sell. */
export const greenCompatible = (buy: { greenOnly: boolean }, sell: { green: boolean }) => !buy.greenOnly || sell.green;

/** The fill's cost, rounded down (the buyer's lock rounds up, so it always covers it). */
export const fillCost = (amountWh: bigint, price: bigint) => (amountWh * price) / WH_PER_KWH;

export const fillFee = (cost: bigint, feeBps: bigint) => (cost * feeBps) / BPS_DENOMINATOR;

/**
 * Time priority: created_at, then seq, then the id's base58 string (JS string order; base58 is
 * ASCII so this is byte order). A strict total order on distinct ids.
 */
export function earlier(
  a: Pick<OrderView, "createdAt" | "seq" | "id">,
  b: Pick<OrderView, "createdAt" | "seq" | "id">,
): boolean {
  if (a.createdAt !== b.createdAt) return a.createdAt < b.createdAt;
  if (a.seq !== b.seq) return a.seq < b.seq;
  return a.id < b.id;
}
