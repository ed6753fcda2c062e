/**
 * The Trading market's chain mirrors: orders, fills and the Market's settings. The writers are the
 * indexer's (server/indexer/handlers/trading.ts) and nobody else's. Every one is an upsert keyed by
 * what the chain makes unique (the Order PDA; a fill's signature and index in its transaction; the
 * Market PDA) in which each event fills only its own columns, `filled_wh` only grows and an ended
 * order stays ended, so applying a transaction twice, or events out of order, leaves the same rows.
 * The readers serve the market's routers, the matcher and the admin console.
 */
import { and, asc, desc, eq, inArray, isNull, or, sql, type SQL } from "drizzle-orm";
import type { Db } from "../client";
import {
  tradingFills,
  tradingMarket,
  tradingOrders,
  type TradingFill,
  type TradingMarketRow,
  type TradingOrder,
  type TradingOrderState,
} from "../schema";

/** Chain block time (unix seconds) as a Date; null when the pass did not know it. */
const dateOf = (unix: number | null) => (unix == null ? null : new Date(unix * 1000));
const ex = (name: string) => sql.raw(`excluded.${name}`);
/** The stored row's column inside an upsert's SET (unqualified it would be ambiguous with `excluded`). */
const stored = (name: string) => sql.raw(`trading_orders.${name}`);

export type TradingSide = "buy" | "sell";

interface ChainEventAt {
  signature: string;
  slot: number;
  /** Block time (unix seconds), null on the live path. */
  blockTime: number | null;
}

// ---------- orders ----------

export interface ChainOrderCreated extends ChainEventAt {
  orderPda: string;
  owner: string;
  side: TradingSide;
  clientOrderId: bigint;
  amountWh: bigint;
  limitPrice: bigint;
  /** What create_order moved into the vault. */
  locked: bigint;
  /** Unix seconds. */
  expiresAt: bigint;
  referencePrice: bigint;
}

/** OrderCreated: inserts the open order, or fills the creation's columns of a row a later event made. */
export async function recordOrderCreated(db: Db, p: ChainOrderCreated): Promise<void> {
  const o = tradingOrders;
  const keep = (column: string) => sql`coalesce(${stored(column)}, ${ex(column)})`;
  await db
    .insert(o)
    .values({
      orderPda: p.orderPda,
      owner: p.owner,
      side: p.side,
      clientOrderId: p.clientOrderId,
      amountWh: p.amountWh,
      limitPrice: p.limitPrice,
      createdLocked: p.locked,
      referencePrice: p.referencePrice,
      expiresAt: new Date(Number(p.expiresAt) * 1000),
      createdSignature: p.signature,
      createdSlot: p.slot,
      createdAt: dateOf(p.blockTime),
      lastSlot: p.slot,
    })
    .onConflictDoUpdate({
      target: o.orderPda,
      set: {
        clientOrderId: keep("client_order_id"),
        amountWh: keep("amount_wh"),
        limitPrice: keep("limit_price"),
        createdLocked: keep("created_locked"),
        referencePrice: keep("reference_price"),
        expiresAt: keep("expires_at"),
        createdSignature: keep("created_signature"),
        createdSlot: keep("created_slot"),
        createdAt: keep("created_at"),
        lastSlot: sql`greatest(${o.lastSlot}, excluded.last_slot)`,
      },
    });
}

export interface ChainOrderFilled extends ChainEventAt {
  /** The fill's position among its transaction's OrderFilled events (0-based). */
  fillIndex: number;
  buyOrder: string;
  sellOrder: string;
  buyer: string;
  seller: string;
  makerOrder: string;
  amountWh: bigint;
  price: bigint;
  cost: bigint;
  fee: bigint;
  feePayer: string;
  releasedToBuyer: bigint;
  buyFilledWh: bigint;
  sellFilledWh: bigint;
}

/**
 * OrderFilled: one trading_fills row (a replay only fills in a missing block time) and both
 * orders' filled totals raised to what the fill left (never lowered: an older fill applied late
 * changes nothing). An order not seen yet gets a row with what the fill tells of it.
 */
export async function recordOrderFilled(db: Db, p: ChainOrderFilled): Promise<void> {
  const f = tradingFills;
  await db
    .insert(f)
    .values({
      signature: p.signature,
      fillIndex: p.fillIndex,
      buyOrder: p.buyOrder,
      sellOrder: p.sellOrder,
      buyer: p.buyer,
      seller: p.seller,
      makerOrder: p.makerOrder,
      amountWh: p.amountWh,
      price: p.price,
      cost: p.cost,
      fee: p.fee,
      feePayer: p.feePayer,
      releasedToBuyer: p.releasedToBuyer,
      buyFilledWh: p.buyFilledWh,
      sellFilledWh: p.sellFilledWh,
      slot: p.slot,
      filledAt: dateOf(p.blockTime),
    })
    .onConflictDoUpdate({
      target: [f.signature, f.fillIndex],
      set: { filledAt: sql`coalesce(${f.filledAt}, excluded.filled_at)` },
    });
  const o = tradingOrders;
  await db
    .insert(o)
    .values([
      { orderPda: p.buyOrder, owner: p.buyer, side: "buy", filledWh: p.buyFilledWh, lastSlot: p.slot },
      { orderPda: p.sellOrder, owner: p.seller, side: "sell", filledWh: p.sellFilledWh, lastSlot: p.slot },
    ])
    .onConflictDoUpdate({
      target: o.orderPda,
      set: {
        filledWh: sql`greatest(${o.filledWh}, excluded.filled_wh)`,
        lastSlot: sql`greatest(${o.lastSlot}, excluded.last_slot)`,
      },
    });
}

export interface ChainOrderEnded extends ChainEventAt {
  orderPda: string;
  owner: string;
  side: TradingSide;
  clientOrderId: bigint;
  amountWh: bigint;
  filledWh: bigint;
  paidGrid: bigint;
  paidThbc: bigint;
  feePaid: bigint;
  /** OrderCancelled → cancelled; OrderClosed → closed, or expired_closed when it had expired. */
  endedAs: Extract<TradingOrderState, "cancelled" | "closed" | "expired_closed">;
}

/**
 * OrderCancelled / OrderClosed: ends the order, once. A replay of the same end only fills in a
 * missing block time; an ended order never changes its end.
 */
export async function recordOrderEnded(db: Db, p: ChainOrderEnded): Promise<void> {
  const o = tradingOrders;
  const open = sql`(${o.endedSignature} is null or ${o.endedSignature} = excluded.ended_signature)`;
  const end = (column: string) =>
    sql`case when ${open} then ${ex(column)} else ${stored(column)} end`;
  await db
    .insert(o)
    .values({
      orderPda: p.orderPda,
      owner: p.owner,
      side: p.side,
      clientOrderId: p.clientOrderId,
      amountWh: p.amountWh,
      filledWh: p.filledWh,
      endedAs: p.endedAs,
      paidGrid: p.paidGrid,
      paidThbc: p.paidThbc,
      feePaid: p.feePaid,
      endedSignature: p.signature,
      endedSlot: p.slot,
      endedAt: dateOf(p.blockTime),
      lastSlot: p.slot,
    })
    .onConflictDoUpdate({
      target: o.orderPda,
      set: {
        clientOrderId: sql`coalesce(${o.clientOrderId}, excluded.client_order_id)`,
        amountWh: sql`coalesce(${o.amountWh}, excluded.amount_wh)`,
        filledWh: sql`greatest(${o.filledWh}, excluded.filled_wh)`,
        endedAs: end("ended_as"),
        paidGrid: end("paid_grid"),
        paidThbc: end("paid_thbc"),
        feePaid: end("fee_paid"),
        endedSlot: end("ended_slot"),
        endedAt: sql`case when ${open} then coalesce(${o.endedAt}, excluded.ended_at) else ${o.endedAt} end`,
        endedSignature: end("ended_signature"),
        lastSlot: sql`greatest(${o.lastSlot}, excluded.last_slot)`,
      },
    });
}

// ---------- the Market's settings ----------

export interface TradingConfig {
  minOrderWh: bigint;
  maxOracleAgeSecs: number;
  feeBps: number;
  priceBandBps: number;
}

/**
 * What one event says about the Market, by group. Each group given replaces the stored one only
 * when its event is at the same or a later slot than the one that set it.
 */
export interface TradingMarketChange {
  market: string;
  slot: number;
  /** Fixed at initialize. */
  mints?: { gridMint: string; thbcMint: string };
  authority?: { paramsAuthority: string; pendingParamsAuthority: string | null };
  config?: TradingConfig & { emergencyAuthority: string; feeDestination: string };
  paused?: boolean;
}

export async function applyTradingMarket(db: Db, c: TradingMarketChange): Promise<void> {
  const t = tradingMarket;
  const values: typeof t.$inferInsert = { market: c.market };
  const set: Partial<Record<keyof TradingMarketRow, SQL>> = { updatedAt: sql`now()` };
  /** Each column of a group takes the new value when the group's event is not older than the stored one. */
  const group = (slot: keyof TradingMarketRow, columns: (keyof TradingMarketRow)[]) => {
    const slotColumn = t[slot];
    const newer = sql`(${slotColumn} is null or excluded.${sql.identifier(slotColumn.name)} >= ${slotColumn})`;
    for (const key of [...columns, slot]) {
      const column = t[key];
      set[key] = sql`case when ${newer} then excluded.${sql.identifier(column.name)} else ${column} end`;
    }
  };
  if (c.mints) {
    Object.assign(values, c.mints);
    set.gridMint = sql`coalesce(${t.gridMint}, excluded.grid_mint)`;
    set.thbcMint = sql`coalesce(${t.thbcMint}, excluded.thbc_mint)`;
  }
  if (c.authority) {
    Object.assign(values, { ...c.authority, authoritySlot: c.slot });
    group("authoritySlot", ["paramsAuthority", "pendingParamsAuthority"]);
  }
  if (c.config) {
    Object.assign(values, { ...c.config, configSlot: c.slot });
    group("configSlot", [
      "emergencyAuthority",
      "feeDestination",
      "minOrderWh",
      "maxOracleAgeSecs",
      "feeBps",
      "priceBandBps",
    ]);
  }
  if (c.paused !== undefined) {
    Object.assign(values, { paused: c.paused, pausedSlot: c.slot });
    group("pausedSlot", ["paused"]);
  }
  await db.insert(t).values(values).onConflictDoUpdate({ target: t.market, set });
}

// ---------- readers ----------

export async function getTradingMarket(db: Db, p: { market: string }): Promise<TradingMarketRow | undefined> {
  const [row] = await db.select().from(tradingMarket).where(eq(tradingMarket.market, p.market));
  return row;
}

export async function getTradingOrder(db: Db, p: { orderPda: string }): Promise<TradingOrder | undefined> {
  const [row] = await db.select().from(tradingOrders).where(eq(tradingOrders.orderPda, p.orderPda));
  return row;
}

/**
 * The book as the mirror has it: orders still open or partly filled whose creation is known, of
 * one side or both; buys by price high to low, sells low to high, then oldest first (the chain's
 * maker rule is the creation time).
 */
export async function listOpenTradingOrders(
  db: Db,
  p: { side?: TradingSide; limit: number },
): Promise<TradingOrder[]> {
  const o = tradingOrders;
  const where = and(
    inArray(o.state, ["open", "partial"]),
    sql`${o.createdSlot} is not null`,
    p.side ? eq(o.side, p.side) : undefined,
  );
  const price = sql`case when ${o.side} = 'buy' then -${o.limitPrice} else ${o.limitPrice} end`;
  return db.select().from(o).where(where).orderBy(asc(o.side), asc(price), asc(o.createdSlot), asc(o.orderPda)).limit(p.limit);
}

/** Filled orders not yet closed, whose payouts wait for anyone's close_order (the matcher's keeper work). */
export async function listFilledUnclosedOrders(db: Db, p: { limit: number }): Promise<TradingOrder[]> {
  const o = tradingOrders;
  return db.select().from(o).where(eq(o.state, "filled")).orderBy(asc(o.lastSlot), asc(o.orderPda)).limit(p.limit);
}

/** An owner's orders, newest first; `states` narrows them (e.g. open and partial only). */
export async function listTradingOrdersOfOwner(
  db: Db,
  p: { owner: string; limit: number; states?: TradingOrderState[] },
): Promise<TradingOrder[]> {
  const o = tradingOrders;
  return db
    .select()
    .from(o)
    .where(and(eq(o.owner, p.owner), p.states ? inArray(o.state, p.states) : undefined))
    .orderBy(sql`${o.createdSlot} desc nulls first`, desc(o.lastSlot), asc(o.orderPda))
    .limit(p.limit);
}

/** The market's fills, newest first. */
export async function listTradingFills(db: Db, p: { limit: number }): Promise<TradingFill[]> {
  const f = tradingFills;
  return db.select().from(f).orderBy(desc(f.slot), asc(f.signature), desc(f.fillIndex)).limit(p.limit);
}

/** A wallet's fills (as buyer or seller), newest first. */
export async function listTradingFillsOfWallet(db: Db, p: { wallet: string; limit: number }): Promise<TradingFill[]> {
  const f = tradingFills;
  return db
    .select()
    .from(f)
    .where(or(eq(f.buyer, p.wallet), eq(f.seller, p.wallet)))
    .orderBy(desc(f.slot), asc(f.signature), desc(f.fillIndex))
    .limit(p.limit);
}

/** One order's fills, oldest first. */
export async function listFillsOfOrder(db: Db, p: { orderPda: string }): Promise<TradingFill[]> {
  const f = tradingFills;
  return db
    .select()
    .from(f)
    .where(or(eq(f.buyOrder, p.orderPda), eq(f.sellOrder, p.orderPda)))
    .orderBy(asc(f.slot), asc(f.signature), asc(f.fillIndex));
}

/** Orders whose creation the mirror has not seen (a fill or an end applied first): a reindex fills them in. */
export async function countTradingOrdersWithoutCreation(db: Db): Promise<number> {
  const [row] = await db
    .select({ n: sql<number>`count(*)::int` })
    .from(tradingOrders)
    .where(isNull(tradingOrders.createdSignature));
  return row?.n ?? 0;
}
