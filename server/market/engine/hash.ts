/**
 * The state hash: sha256 over a canonical text of the book — the engine's parameters, then every
 * order, bids then asks, each side in priority order. Priority is a total order on the orders'
 * own fields, so the hash depends only on which orders are in the book and what remains of them,
 * never on the order they were added in. node:crypto computes it; nothing is read or written.
 */
import { createHash } from "node:crypto";
import type { OrderView } from "./types";

/** v2: each order line ends with its green flag (`plain`, `green` sell, `green_only` buy). */
export const HASH_VERSION = "gridtokenx-engine-book-v2";

const flagOf = (o: OrderView) => (o.green ? "green" : o.greenOnly ? "green_only" : "plain");

export function canonicalText(
  params: { tickSize: bigint; feeBps: bigint },
  bids: Iterable<OrderView>,
  asks: Iterable<OrderView>,
): string {
  const lines = [`${HASH_VERSION} tick=${params.tickSize} fee_bps=${params.feeBps}`];
  const put = (o: OrderView) =>
    lines.push(`${o.side} ${o.id} ${o.owner} ${o.limitPrice} ${o.remainingWh} ${o.createdAt} ${o.seq} ${o.expiresAt} ${flagOf(o)}`);
  for (const o of bids) put(o);
  for (const o of asks) put(o);
  return lines.join("\n") + "\n";
}

export function stateHash(
  params: { tickSize: bigint; feeBps: bigint },
  bids: Iterable<OrderView>,
  asks: Iterable<OrderView>,
): string {
  return createHash("sha256").update(canonicalText(params, bids, asks), "utf8").digest("hex");
}
