/**
 * The order-book snapshot the `orders` router serves (levels, best bid / ask, last trade,
 * sequence), built from the indexer's mirrors in PostgreSQL.
 */
import type { Db } from "~/db/client";
import { getBookSnapshot, type BookSnapshot } from "~/db/queries/orders";

export async function readBook(db: Db, p: { depth: number }): Promise<{ snapshot: BookSnapshot; source: "cache" | "database" }> {
  return { snapshot: await getBookSnapshot(db, { now: new Date(), depth: p.depth }), source: "database" };
}
