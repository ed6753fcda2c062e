/**
 * The market's read side for the `orders` router, the order-book cache and the matcher: the book
 * aggregated by price level, fills as trades and candles, a wallet's orders with what their fills
 * came to. Everything here reads the indexer's mirrors (trading_orders, trading_fills; written
 * only by server/indexer/handlers/trading.ts) and writes nothing.
 */
import { and, eq, inArray, sql } from "drizzle-orm";
import type { Db } from "../client";
import { rowsOf } from "../rows";
import { tradingOrders, type TradingOrderState } from "../schema";

export type BookSide = "buy" | "sell";

export interface BookLevel {
  /** THBC base units per kWh. */
  price: bigint;
  /** Unfilled Wh at this price. */
  totalWh: bigint;
  orderCount: number;
  /** Wh at this price and every better one of the side. */
  cumulativeWh: bigint;
}

export interface LastTrade {
  price: bigint;
  amountWh: bigint;
  cost: bigint;
  signature: string;
  slot: number;
  filledAt: Date | null;
}

export interface BookSnapshot {
  /** Best first: bids high to low, asks low to high. */
  bids: BookLevel[];
  asks: BookLevel[];
  bestBid: bigint | null;
  bestAsk: bigint | null;
  lastTrade: LastTrade | null;
  /**
   * The slot of the newest trading event the book reflects (max `last_slot` of trading_orders):
   * it only grows, and a snapshot with a larger sequence is the newer one.
   */
  sequence: number;
  /** The earliest expiry among the orders counted: the snapshot is stale from then on (null: none). */
  validUntil: Date | null;
  builtAt: Date;
}

interface LevelRow {
  side: BookSide;
  price: string;
  total_wh: string;
  n: number | string;
  min_expiry: string | Date | null;
}

const toDate = (v: string | Date | null): Date | null => (v == null ? null : v instanceof Date ? v : new Date(v));

/** Levels best first with cumulative depth, at most `depth` of them. */
function levelsOf(rows: LevelRow[], side: BookSide, depth: number): BookLevel[] {
  const mine = rows
    .filter((r) => r.side === side)
    .map((r) => ({ price: BigInt(r.price), totalWh: BigInt(r.total_wh), orderCount: Number(r.n) }))
    .sort((a, b) => (side === "buy" ? (a.price > b.price ? -1 : 1) : a.price < b.price ? -1 : 1))
    .slice(0, depth);
  let cum = 0n;
  return mine.map((l) => ({ ...l, cumulativeWh: (cum += l.totalWh) }));
}

/**
 * The book as the mirror has it at `now`: open and partly filled orders whose creation is known and
 * that have not expired (an expired order cannot fill, so it is not liquidity even before anyone
 * closes it), aggregated by price; `depth` levels per side.
 */
export async function getBookSnapshot(db: Db, p: { now: Date; depth: number }): Promise<BookSnapshot> {
  const rows = await rowsOf<LevelRow>(
    db,
    sql`select side, limit_price::text as price, sum(amount_wh - filled_wh)::text as total_wh, count(*)::int as n,
               min(expires_at) as min_expiry
          from trading_orders
         where ended_as is null and amount_wh is not null and limit_price is not null and created_slot is not null
           and filled_wh < amount_wh and expires_at > ${p.now.toISOString()}::timestamptz
         group by side, limit_price`,
  );
  const [seq] = await rowsOf<{ s: string | null }>(db, sql`select max(last_slot)::text as s from trading_orders`);
  const bids = levelsOf(rows, "buy", p.depth);
  const asks = levelsOf(rows, "sell", p.depth);
  let validUntil: Date | null = null;
  for (const r of rows) {
    const d = toDate(r.min_expiry);
    if (d && (!validUntil || d < validUntil)) validUntil = d;
  }
  return {
    bids,
    asks,
    bestBid: bids[0]?.price ?? null,
    bestAsk: asks[0]?.price ?? null,
    lastTrade: await getLastTrade(db),
    sequence: seq?.s ? Number(seq.s) : 0,
    validUntil,
    builtAt: p.now,
  };
}

export async function getLastTrade(db: Db): Promise<LastTrade | null> {
  const [row] = await rowsOf<{ price: string; amount_wh: string; cost: string; signature: string; slot: string; filled_at: string | Date | null }>(
    db,
    sql`select price::text, amount_wh::text, cost::text, signature, slot::text, filled_at
          from trading_fills order by slot desc, signature desc, fill_index desc limit 1`,
  );
  if (!row) return null;
  return {
    price: BigInt(row.price),
    amountWh: BigInt(row.amount_wh),
    cost: BigInt(row.cost),
    signature: row.signature,
    slot: Number(row.slot),
    filledAt: toDate(row.filled_at),
  };
}

// ---------- trades and candles ----------

export interface TradeRow {
  signature: string;
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
  slot: number;
  filledAt: Date | null;
}

interface RawFill {
  signature: string;
  fill_index: number;
  buy_order: string;
  sell_order: string;
  buyer: string;
  seller: string;
  maker_order: string;
  amount_wh: string;
  price: string;
  cost: string;
  fee: string;
  fee_payer: string;
  released_to_buyer: string;
  slot: string;
  filled_at: string | Date | null;
}

const fillOf = (r: RawFill): TradeRow => ({
  signature: r.signature,
  fillIndex: Number(r.fill_index),
  buyOrder: r.buy_order,
  sellOrder: r.sell_order,
  buyer: r.buyer,
  seller: r.seller,
  makerOrder: r.maker_order,
  amountWh: BigInt(r.amount_wh),
  price: BigInt(r.price),
  cost: BigInt(r.cost),
  fee: BigInt(r.fee),
  feePayer: r.fee_payer,
  releasedToBuyer: BigInt(r.released_to_buyer),
  slot: Number(r.slot),
  filledAt: toDate(r.filled_at),
});

const FILL_COLUMNS = sql.raw(
  `signature, fill_index, buy_order, sell_order, buyer, seller, maker_order, amount_wh::text, price::text, cost::text,
   fee::text, fee_payer, released_to_buyer::text, slot::text, filled_at`,
);

/** Fills newest first (slot, then signature, then fill index), optionally of one wallet and before a slot. */
export async function listTrades(
  db: Db,
  p: { limit: number; wallet?: string; beforeSlot?: number },
): Promise<TradeRow[]> {
  const where = [sql`true`];
  if (p.wallet) where.push(sql`(buyer = ${p.wallet} or seller = ${p.wallet})`);
  if (p.beforeSlot != null) where.push(sql`slot < ${p.beforeSlot}`);
  const rows = await rowsOf<RawFill>(
    db,
    sql`select ${FILL_COLUMNS} from trading_fills where ${sql.join(where, sql` and `)}
         order by slot desc, signature desc, fill_index desc limit ${p.limit}`,
  );
  return rows.map(fillOf);
}

export const CANDLE_INTERVALS = { "1m": 60, "15m": 900, "1h": 3_600, "1d": 86_400 } as const;
export type CandleInterval = keyof typeof CANDLE_INTERVALS;

export interface Candle {
  /** Start of the bucket (UTC, aligned to the interval from the unix epoch). */
  openTime: Date;
  open: bigint;
  high: bigint;
  low: bigint;
  close: bigint;
  /** Wh traded. */
  volumeWh: bigint;
  /** THBC traded (Σ cost). */
  volumeThbc: bigint;
  trades: number;
}

/**
 * OHLCV from fills with a known block time in [from, to), bucketed by `interval`; open and close
 * are the first and last fill in chain order (slot, signature, fill index). Oldest first, the
 * newest `limit` buckets.
 */
export async function listCandles(
  db: Db,
  p: { interval: CandleInterval; from?: Date; to?: Date; limit: number },
): Promise<Candle[]> {
  const secs = CANDLE_INTERVALS[p.interval];
  const where = [sql`filled_at is not null`];
  if (p.from) where.push(sql`filled_at >= ${p.from.toISOString()}::timestamptz`);
  if (p.to) where.push(sql`filled_at < ${p.to.toISOString()}::timestamptz`);
  const rows = await rowsOf<{
    bucket: string;
    open: string;
    high: string;
    low: string;
    close: string;
    volume_wh: string;
    volume_thbc: string;
    n: number | string;
  }>(
    db,
    sql`select * from (
          select (floor(extract(epoch from filled_at) / ${secs}) * ${secs})::bigint::text as bucket,
                 (array_agg(price order by slot, signature, fill_index))[1]::text as open,
                 max(price)::text as high, min(price)::text as low,
                 (array_agg(price order by slot desc, signature desc, fill_index desc))[1]::text as close,
                 sum(amount_wh)::text as volume_wh, sum(cost)::text as volume_thbc, count(*)::int as n
            from trading_fills where ${sql.join(where, sql` and `)}
           group by 1 order by 1 desc limit ${p.limit}) c
        order by bucket::bigint asc`,
  );
  return rows.map((r) => ({
    openTime: new Date(Number(r.bucket) * 1000),
    open: BigInt(r.open),
    high: BigInt(r.high),
    low: BigInt(r.low),
    close: BigInt(r.close),
    volumeWh: BigInt(r.volume_wh),
    volumeThbc: BigInt(r.volume_thbc),
    trades: Number(r.n),
  }));
}

// ---------- a wallet's orders ----------

/**
 * What a user sees of an order: open / partial (fillable), filled (waiting for anyone's close),
 * closed (filled and paid out), cancelled, expired (past its expiry: closed back to its owner, or
 * still waiting for the close; it can no longer fill either way).
 */
export const ORDER_STATUSES = ["open", "partial", "filled", "cancelled", "expired", "closed"] as const;
export type OrderStatus = (typeof ORDER_STATUSES)[number];

export interface OwnerOrderRow {
  status: OrderStatus;
  orderPda: string;
  owner: string;
  side: BookSide;
  clientOrderId: bigint | null;
  amountWh: bigint | null;
  filledWh: bigint;
  limitPrice: bigint | null;
  createdLocked: bigint | null;
  locked: bigint | null;
  referencePrice: bigint | null;
  expiresAt: Date | null;
  state: TradingOrderState;
  createdSignature: string | null;
  createdSlot: number | null;
  createdAt: Date | null;
  endedSignature: string | null;
  endedAt: Date | null;
  paidGrid: bigint | null;
  paidThbc: bigint | null;
  feePaid: bigint | null;
  /** What the fills came to: Σ cost, Σ fee, number of fills. */
  filledCost: bigint;
  fees: bigint;
  fillCount: number;
}

const bigOrNull = (v: string | null) => (v == null ? null : BigInt(v));

/** A wallet's orders newest first, with their fills' totals; `states` narrows them. */
export async function listOrdersOfOwner(
  db: Db,
  p: { owner: string; limit: number; now: Date; statuses?: readonly OrderStatus[]; orderPda?: string },
): Promise<OwnerOrderRow[]> {
  const now = sql`${p.now.toISOString()}::timestamptz`;
  const status = sql`case when o.state = 'expired_closed' then 'expired'
                          when o.state in ('open', 'partial') and o.expires_at <= ${now} then 'expired'
                          else o.state::text end`;
  const where = [sql`o.owner = ${p.owner}`];
  if (p.orderPda) where.push(sql`o.order_pda = ${p.orderPda}`);
  if (p.statuses) where.push(sql`(${status}) in (${sql.join(p.statuses.map((s) => sql`${s}`), sql`, `)})`);
  const rows = await rowsOf<{
    status: OrderStatus;
    order_pda: string;
    owner: string;
    side: BookSide;
    client_order_id: string | null;
    amount_wh: string | null;
    filled_wh: string;
    limit_price: string | null;
    created_locked: string | null;
    locked: string | null;
    reference_price: string | null;
    expires_at: string | Date | null;
    state: TradingOrderState;
    created_signature: string | null;
    created_slot: string | null;
    created_at: string | Date | null;
    ended_signature: string | null;
    ended_at: string | Date | null;
    paid_grid: string | null;
    paid_thbc: string | null;
    fee_paid: string | null;
    filled_cost: string;
    fees: string;
    fill_count: number | string;
  }>(
    db,
    sql`select ${status} as status, o.order_pda, o.owner, o.side, o.client_order_id::text, o.amount_wh::text, o.filled_wh::text,
               o.limit_price::text, o.created_locked::text, o.locked::text, o.reference_price::text, o.expires_at,
               o.state, o.created_signature, o.created_slot::text, o.created_at, o.ended_signature, o.ended_at,
               o.paid_grid::text, o.paid_thbc::text, o.fee_paid::text,
               coalesce(f.cost, 0)::text as filled_cost, coalesce(f.fees, 0)::text as fees, coalesce(f.n, 0)::int as fill_count
          from trading_orders o
          left join lateral (
            select sum(cost) as cost, sum(case when fee_payer = o.owner then fee else 0 end) as fees, count(*) as n
              from trading_fills where buy_order = o.order_pda or sell_order = o.order_pda
          ) f on true
         where ${sql.join(where, sql` and `)}
         order by o.created_slot desc nulls first, o.last_slot desc, o.order_pda asc
         limit ${p.limit}`,
  );
  return rows.map((r) => ({
    status: r.status,
    orderPda: r.order_pda,
    owner: r.owner,
    side: r.side,
    clientOrderId: bigOrNull(r.client_order_id),
    amountWh: bigOrNull(r.amount_wh),
    filledWh: BigInt(r.filled_wh),
    limitPrice: bigOrNull(r.limit_price),
    createdLocked: bigOrNull(r.created_locked),
    locked: bigOrNull(r.locked),
    referencePrice: bigOrNull(r.reference_price),
    expiresAt: toDate(r.expires_at),
    state: r.state,
    createdSignature: r.created_signature,
    createdSlot: r.created_slot == null ? null : Number(r.created_slot),
    createdAt: toDate(r.created_at),
    endedSignature: r.ended_signature,
    endedAt: toDate(r.ended_at),
    paidGrid: bigOrNull(r.paid_grid),
    paidThbc: bigOrNull(r.paid_thbc),
    feePaid: bigOrNull(r.fee_paid),
    filledCost: BigInt(r.filled_cost),
    fees: BigInt(r.fees),
    fillCount: Number(r.fill_count),
  }));
}

/** The client order ids of `owner` the mirror knows of (any state): the app never reuses one. */
export async function clientOrderIdsInUse(db: Db, p: { owner: string; ids: bigint[] }): Promise<Set<bigint>> {
  if (p.ids.length === 0) return new Set();
  const o = tradingOrders;
  const rows = await db
    .select({ id: o.clientOrderId })
    .from(o)
    .where(and(eq(o.owner, p.owner), inArray(o.clientOrderId, p.ids)));
  return new Set(rows.map((r) => r.id!).filter((v) => v != null));
}

/** Order PDAs the mirror already has a row for (whatever the state). */
export async function existingOrderPdas(db: Db, p: { pdas: string[] }): Promise<Set<string>> {
  if (p.pdas.length === 0) return new Set();
  const o = tradingOrders;
  const rows = await db.select({ pda: o.orderPda }).from(o).where(inArray(o.orderPda, p.pdas));
  return new Set(rows.map((r) => r.pda));
}
