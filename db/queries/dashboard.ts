/**
 * Read models for the dashboard, meters page and admin console: a user's meters with their
 * activation state and minted totals, readings pages, hourly/daily production and consumption,
 * mint history, the latest reference price. Plain functions `(db, params)`; routers stay thin.
 */
import { and, desc, eq, lt, or, sql, type SQL } from "drizzle-orm";
import type { Db } from "../client";
import {
  meterReadings,
  meters,
  prices,
  users,
  type MeterStatus,
  type MeterType,
  type Price,
  type ReadingState,
  type User,
} from "../schema";
import { rowsOf } from "../rows";

// Users -----------------------------------------------------------------------------------------

export async function updateUserName(
  db: Db,
  params: { userId: string; name: string | null },
): Promise<User | undefined> {
  const [row] = await db
    .update(users)
    .set({ name: params.name })
    .where(eq(users.id, params.userId))
    .returning();
  return row;
}

// Meters ----------------------------------------------------------------------------------------

export interface MeterSummary {
  meterId: string;
  publicKey: string;
  type: MeterType;
  zone: string;
  ratedCapacityW: number;
  status: MeterStatus;
  pdaAddress: string | null;
  ownerWallet: string;
  /** Wh minted as GRID for this meter (the on-chain settled_net_gen mirror). */
  mintedWh: bigint;
  readingsTotal: number;
  readingsPending: number;
  readingsFailed: number;
  productionWh: bigint;
  consumptionWh: bigint;
  lastReadingAt: Date | null;
  createdAt: Date;
}

interface MeterSummaryRow {
  meter_id: string;
  public_key: string;
  type: MeterType;
  zone: string;
  rated_capacity_w: number;
  status: MeterStatus;
  pda_address: string | null;
  owner_wallet: string;
  settled_net_gen_wh: string;
  minted_sum: string | null;
  readings_total: string | number;
  readings_pending: string | number;
  readings_failed: string | number;
  production_wh: string | null;
  consumption_wh: string | null;
  last_reading_at: string | Date | null;
  created_at: string | Date;
}

const toDate = (v: string | Date) => (v instanceof Date ? v : new Date(v));

function toSummary(r: MeterSummaryRow): MeterSummary {
  const settled = BigInt(r.settled_net_gen_wh);
  const fromMints = BigInt(r.minted_sum ?? "0");
  return {
    meterId: r.meter_id,
    publicKey: r.public_key,
    type: r.type,
    zone: r.zone,
    ratedCapacityW: Number(r.rated_capacity_w),
    status: r.status,
    pdaAddress: r.pda_address,
    ownerWallet: r.owner_wallet,
    // The two are the same once the indexer has caught up; the larger is the newer truth.
    mintedWh: settled > fromMints ? settled : fromMints,
    readingsTotal: Number(r.readings_total),
    readingsPending: Number(r.readings_pending),
    readingsFailed: Number(r.readings_failed),
    productionWh: BigInt(r.production_wh ?? "0"),
    consumptionWh: BigInt(r.consumption_wh ?? "0"),
    lastReadingAt: r.last_reading_at ? toDate(r.last_reading_at) : null,
    createdAt: toDate(r.created_at),
  };
}

function meterSummaryQuery(where: SQL): SQL {
  return sql`
    select m.meter_id, m.public_key, m.type, m.zone, m.rated_capacity_w, m.status, m.pda_address,
           u.wallet_address as owner_wallet, m.settled_net_gen_wh::text as settled_net_gen_wh,
           (select sum(x.amount_wh)::text from mints x where x.meter_id = m.meter_id) as minted_sum,
           coalesce(r.total, 0) as readings_total, coalesce(r.pending, 0) as readings_pending,
           coalesce(r.failed, 0) as readings_failed, r.production_wh, r.consumption_wh,
           r.last_reading_at, m.created_at
    from meters m
    join users u on u.id = m.owner_id
    left join lateral (
      select count(*) as total,
             count(*) filter (where state in ('pending', 'submitted')) as pending,
             count(*) filter (where state = 'failed') as failed,
             sum(production_wh)::text as production_wh, sum(consumption_wh)::text as consumption_wh,
             max(reading_at) as last_reading_at
      from meter_readings rr where rr.meter_id = m.meter_id
    ) r on true
    where ${where}
    order by m.created_at desc, m.meter_id`;
}

export async function listMetersOfOwner(db: Db, params: { ownerId: string }): Promise<MeterSummary[]> {
  const rows = await rowsOf<MeterSummaryRow>(db, meterSummaryQuery(sql`m.owner_id = ${params.ownerId}`));
  return rows.map(toSummary);
}

export async function listMetersForAdmin(
  db: Db,
  params: { status?: MeterStatus; limit: number },
): Promise<MeterSummary[]> {
  const where = params.status ? sql`m.status = ${params.status}::meter_status` : sql`true`;
  const rows = await rowsOf<MeterSummaryRow>(db, sql`${meterSummaryQuery(where)} limit ${params.limit}`);
  return rows.map(toSummary);
}

export async function getMeterOwned(
  db: Db,
  params: { meterId: string; ownerId: string },
): Promise<{ meterId: string } | undefined> {
  const [row] = await db
    .select({ meterId: meters.meterId })
    .from(meters)
    .where(and(eq(meters.meterId, params.meterId), eq(meters.ownerId, params.ownerId)))
    .limit(1);
  return row;
}

// Readings --------------------------------------------------------------------------------------

export interface ReadingRow {
  id: number;
  meterId: string;
  productionWh: bigint;
  consumptionWh: bigint;
  readingAt: Date;
  state: ReadingState;
  minted: boolean;
  txSignature: string | null;
  failureReason: string | null;
}

/** Newest first (reading time, then id); `cursor` is the last id of the previous page. */
export async function listReadingsPage(
  db: Db,
  params: { meterId: string; limit: number; cursor?: number | null },
): Promise<{ items: ReadingRow[]; nextCursor: number | null }> {
  let cursorCond: SQL | undefined;
  if (params.cursor != null) {
    const [anchor] = await db
      .select({ readingAt: meterReadings.readingAt })
      .from(meterReadings)
      .where(and(eq(meterReadings.id, params.cursor), eq(meterReadings.meterId, params.meterId)))
      .limit(1);
    if (anchor) {
      cursorCond = or(
        lt(meterReadings.readingAt, anchor.readingAt),
        and(eq(meterReadings.readingAt, anchor.readingAt), lt(meterReadings.id, params.cursor)),
      );
    }
  }
  const rows = await db
    .select({
      id: meterReadings.id,
      meterId: meterReadings.meterId,
      productionWh: meterReadings.productionWh,
      consumptionWh: meterReadings.consumptionWh,
      readingAt: meterReadings.readingAt,
      state: meterReadings.state,
      minted: meterReadings.minted,
      txSignature: meterReadings.txSignature,
      failureReason: meterReadings.failureReason,
    })
    .from(meterReadings)
    .where(and(eq(meterReadings.meterId, params.meterId), cursorCond))
    .orderBy(desc(meterReadings.readingAt), desc(meterReadings.id))
    .limit(params.limit + 1);
  const items = rows.slice(0, params.limit);
  const nextCursor = rows.length > params.limit ? (items[items.length - 1]?.id ?? null) : null;
  return { items, nextCursor };
}

export interface StatsBucket {
  /** Start of the hour/day (UTC). */
  at: Date;
  productionWh: bigint;
  consumptionWh: bigint;
}

/**
 * Production and consumption summed per hour or day (UTC) since `since`, over one meter or all
 * of an owner's meters. Each reading carries the energy of the interval that ends at its time.
 */
export async function readingStats(
  db: Db,
  params: { ownerId: string; meterId?: string; bucket: "hour" | "day"; since: Date },
): Promise<StatsBucket[]> {
  const unit = params.bucket === "hour" ? sql.raw("'hour'") : sql.raw("'day'");
  const meterCond = params.meterId ? sql`and m.meter_id = ${params.meterId}` : sql``;
  const rows = await rowsOf<{ at: string | Date; production_wh: string; consumption_wh: string }>(
    db,
    sql`select date_trunc(${unit}, r.reading_at at time zone 'UTC') at time zone 'UTC' as at,
               sum(r.production_wh)::text as production_wh, sum(r.consumption_wh)::text as consumption_wh
        from meter_readings r join meters m on m.meter_id = r.meter_id
        where m.owner_id = ${params.ownerId} ${meterCond} and r.reading_at >= ${params.since.toISOString()}::timestamptz
        group by 1 order by 1`,
  );
  return rows.map((r) => ({
    at: toDate(r.at),
    productionWh: BigInt(r.production_wh),
    consumptionWh: BigInt(r.consumption_wh),
  }));
}

// Mints and prices ------------------------------------------------------------------------------

export interface MintRow {
  id: number;
  meterId: string | null;
  amountWh: bigint;
  txSignature: string;
  mintedAt: Date | null;
  slot: number;
}

export async function listMintsOfWallet(
  db: Db,
  params: { wallet: string; limit: number },
): Promise<{ items: MintRow[]; totalWh: bigint }> {
  const rows = await rowsOf<{
    id: number | string;
    meter_id: string | null;
    amount_wh: string;
    tx_signature: string;
    minted_at: string | Date | null;
    slot: number | string;
  }>(
    db,
    sql`select id, meter_id, amount_wh::text as amount_wh, tx_signature, minted_at, slot
        from mints where owner_wallet = ${params.wallet} order by slot desc, id desc limit ${params.limit}`,
  );
  const [total] = await rowsOf<{ total: string | null }>(
    db,
    sql`select sum(amount_wh)::text as total from mints where owner_wallet = ${params.wallet}`,
  );
  return {
    items: rows.map((r) => ({
      id: Number(r.id),
      meterId: r.meter_id,
      amountWh: BigInt(r.amount_wh),
      txSignature: r.tx_signature,
      mintedAt: r.minted_at ? toDate(r.minted_at) : null,
      slot: Number(r.slot),
    })),
    totalWh: BigInt(total?.total ?? "0"),
  };
}

export async function getLatestPrice(db: Db): Promise<Price | undefined> {
  const [row] = await db.select().from(prices).orderBy(desc(prices.sequence)).limit(1);
  return row;
}
