/**
 * Client order ids the app hands out for create_order. The Order PDA is ["order", market, owner,
 * client_order_id], so an id an earlier order of the same owner used re-creates THAT PDA once the
 * old one closed (and the mirror keeps one row per PDA): never hand one out again. The id is
 * time-based with random low bits (two prepares in a row get different ids), moved to the next id
 * whose PDA has bump 255 (create_order's cheapest), and skipped while the mirror has a row for it
 * or the chain has its account.
 */
import crypto from "node:crypto";
import type { Connection, PublicKey } from "@solana/web3.js";
import type { Db } from "~/db/client";
import { clientOrderIdsInUse, existingOrderPdas } from "~/db/queries/orders";
import { clientOrderIdWithBump255, orderAddress } from "~/programs/trading/client";

export const CLIENT_ORDER_ID_TRIES = 16;

export function clientOrderIdSeed(nowMs = Date.now()): bigint {
  return (BigInt(nowMs) << 16n) | BigInt(crypto.randomInt(0, 1 << 16));
}

/** A fresh id ≥ `from`, or null after CLIENT_ORDER_ID_TRIES ids that were all taken. */
export async function pickClientOrderId(p: {
  db: Db;
  connection: Connection;
  owner: PublicKey;
  from?: bigint;
}): Promise<bigint | null> {
  let from = p.from ?? clientOrderIdSeed();
  const wallet = p.owner.toBase58();
  for (let attempt = 0; attempt < CLIENT_ORDER_ID_TRIES; attempt++) {
    const id = clientOrderIdWithBump255(p.owner, from);
    const pda = orderAddress(p.owner, id);
    const [byId, byPda, account] = await Promise.all([
      clientOrderIdsInUse(p.db, { owner: wallet, ids: [id] }),
      existingOrderPdas(p.db, { pdas: [pda.toBase58()] }),
      p.connection.getAccountInfo(pda, "confirmed"),
    ]);
    if (byId.size === 0 && byPda.size === 0 && account === null) return id;
    from = id + 1n;
  }
  return null;
}
