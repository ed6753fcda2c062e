/**
 * The mint poller's queries on meter_readings (the gateway owns inserts; these only move state).
 *
 * Claiming is per METER, never per reading: a meter's readings must reach the chain in timestamp
 * order, so two pollers must never work on one meter at once. The claim transaction takes a
 * transaction-scoped advisory lock per meter (one another poller holds is skipped, as SKIP LOCKED
 * would; not a lock on the meters row, which the indexer updates at any moment), skips meters
 * whose readings are still leased by another run, and leases all of the chosen meters' open
 * readings (oldest first, up to `maxPerMeter`) until now() + lease. A crashed run's lease simply
 * expires. PGlite runs the same SQL (one connection, so the locks never contend).
 */
import { count, sql } from "drizzle-orm";
import type { Db } from "../client";
import { meterReadings } from "../schema";
import { retryOnConflict } from "../retry";
import { rowsOf } from "../rows";

export interface ClaimedReading {
  id: number;
  meterId: string;
  /** The meter's cumulative registers as signed (what submit_reading takes). */
  productionRegisterWh: bigint;
  consumptionRegisterWh: bigint;
  /** Unix seconds. */
  timestamp: bigint;
  /** base58 of the meter's 64-byte signature. */
  meterSignature: string;
  state: "pending" | "submitted" | "confirmed";
  txSignature: string | null;
  attempts: number;
}

interface RawClaimed {
  id: number;
  meter_id: string;
  p: string;
  c: string;
  t: string;
  sig: string;
  state: "pending" | "submitted" | "confirmed";
  tx: string | null;
  attempts: number;
}

/** Claim transactions per batch at most (see claimMintBatch). */
const CLAIM_ROUNDS = 3;

/** Advisory-lock namespace of mint claims (the key is hashtext(meter_id); a collision only delays a meter). */
const MINT_LOCK_CLASS = 0x4d494e54; // "MINT"

export async function claimMintBatch(
  db: Db,
  params: { maxMeters: number; maxPerMeter: number; leaseMs: number },
): Promise<ClaimedReading[]> {
  const rows: RawClaimed[] = [];
  // A claim backs off from a meter another run claimed between its two statements; the next
  // round's snapshot sees that lease and picks other meters instead, so two pollers starting at
  // once still both get work. Meters this run leased in an earlier round are skipped the same way.
  for (let round = 0; round < CLAIM_ROUNDS; round++) {
    const want = params.maxMeters - new Set(rows.map((r) => r.meter_id)).size;
    if (want <= 0) break;
    // Retried per round: a conflict in a later round must not forget what earlier ones leased.
    const { claimed, backedOff } = await retryOnConflict(() =>
      claimOnce(db, { ...params, maxMeters: want }),
    );
    rows.push(...claimed);
    if (!backedOff) break;
  }
  return rows
    .map((r) => ({
      id: Number(r.id),
      meterId: r.meter_id,
      productionRegisterWh: BigInt(r.p),
      consumptionRegisterWh: BigInt(r.c),
      timestamp: BigInt(r.t),
      meterSignature: r.sig,
      state: r.state,
      txSignature: r.tx,
      attempts: Number(r.attempts),
    }))
    .sort((a, b) =>
      a.meterId < b.meterId ? -1 : a.meterId > b.meterId ? 1 : Number(a.timestamp - b.timestamp),
    );
}

/** One claim transaction; `backedOff` when a meter it locked turned out to be claimed already. */
async function claimOnce(
  db: Db,
  params: { maxMeters: number; maxPerMeter: number; leaseMs: number },
): Promise<{ claimed: RawClaimed[]; backedOff: boolean }> {
  const leaseSecs = Math.max(1, params.leaseMs) / 1000;
  return db.transaction(async (tx) => {
    // One poller per meter: a transaction-scoped advisory lock, not a lock on the meters row, which
    // the indexer updates at any moment (SKIP LOCKED would pass over a meter it happens to touch).
    const locked = await rowsOf<{ meter_id: string }>(
      tx,
      sql`with candidates as materialized (
            select m.meter_id, p.first_at from meters m
            join (select meter_id, min(received_at) as first_at from meter_readings
                  where ${OPEN} group by meter_id) p on p.meter_id = m.meter_id
            where not exists (select 1 from meter_readings l
                              where l.meter_id = m.meter_id and ${OPEN_L} and l.locked_until > now())
            order by p.first_at
            limit ${params.maxMeters * 8})
          -- The filter runs row by row as the limit pulls, oldest first: it locks only what it
          -- returns (plus what another poller holds, skipped), like SKIP LOCKED.
          select meter_id from candidates
          where pg_try_advisory_xact_lock(${MINT_LOCK_CLASS}, hashtext(meter_id))
          limit ${params.maxMeters}`,
    );
    if (locked.length === 0) return { claimed: [], backedOff: false };
    const ids = JSON.stringify(locked.map((r) => r.meter_id));
    const claimed = await rowsOf<RawClaimed>(
      tx,
      sql`update meter_readings r
          set locked_until = now() + make_interval(secs => ${leaseSecs}), attempts = r.attempts + 1
          where r.id in (
            select id from (
              select r2.id, row_number() over (partition by r2.meter_id order by r2.reading_at) as rn
              from meter_readings r2
              where r2.meter_id in (select jsonb_array_elements_text(${ids}::jsonb))
                and ${OPEN_R2}
                -- A fresh snapshot, under the advisory lock: a poller that claimed the meter and
                -- committed since the first statement's snapshot is seen here, and we back off.
                and not exists (select 1 from meter_readings l
                                where l.meter_id = r2.meter_id and ${OPEN_L} and l.locked_until > now())) x
            where x.rn <= ${params.maxPerMeter})
          returning r.id::float8 as id, r.meter_id, r.production_register_wh::text as p, r.consumption_register_wh::text as c,
                    extract(epoch from r.reading_at)::bigint::text as t, r.meter_signature as sig,
                    r.state::text as state, r.tx_signature as tx, r.attempts`,
    );
    return { claimed, backedOff: new Set(claimed.map((r) => r.meter_id)).size < locked.length };
  });
}

/**
 * What the poller still owes a reading: sending it (pending/submitted), or settling it (confirmed
 * but not yet covered by a settlement — e.g. a crash between the readings and the settle).
 */
const OPEN = sql.raw(`(state in ('pending', 'submitted') or (state = 'confirmed' and not minted))`);
const OPEN_L = sql.raw(
  `(l.state in ('pending', 'submitted') or (l.state = 'confirmed' and not l.minted))`,
);
const OPEN_R2 = sql.raw(
  `(r2.state in ('pending', 'submitted') or (r2.state = 'confirmed' and not r2.minted))`,
);

const idList = (ids: number[]) => JSON.stringify(ids);

/**
 * The rows, locked in id order before the update touches them: every writer of several reading
 * rows (these, the indexer) takes its locks in the same order, so they queue instead of deadlocking.
 */
const inIdOrder = (ids: number[]) =>
  sql`(select id from meter_readings where id in (select (jsonb_array_elements_text(${idList(ids)}::jsonb))::bigint) order by id for update)`;

/** Recorded BEFORE the send: after a crash the next run knows which transaction to look for. */
export async function markSubmitted(
  db: Db,
  params: { ids: number[]; txSignature: string },
): Promise<void> {
  if (params.ids.length === 0) return;
  await db.execute(
    sql`update meter_readings set state = 'submitted', tx_signature = ${params.txSignature}, updated_at = now()
        where id in ${inIdOrder(params.ids)}
          and state in ('pending', 'submitted')`,
  );
}

/**
 * On chain (by our transaction, or already there: a duplicate keeps whatever signature it had).
 * Also releases the lease.
 */
export async function markConfirmed(
  db: Db,
  params: { ids: number[]; txSignature?: string },
): Promise<void> {
  if (params.ids.length === 0) return;
  await db.execute(
    sql`update meter_readings
        set state = 'confirmed', tx_signature = coalesce(${params.txSignature ?? null}, tx_signature),
            failure_reason = null, locked_until = null, updated_at = now()
        where id in ${inIdOrder(params.ids)}
          and state <> 'confirmed'`,
  );
}

/** A settlement covered every confirmed reading of the meter up to `upTo` (unix seconds). */
export async function markMinted(
  db: Db,
  params: { meterId: string; upTo: bigint },
): Promise<number> {
  const rows = await rowsOf<{ id: number }>(
    db,
    sql`update meter_readings set minted = true, updated_at = now()
        where id in (select id from meter_readings
                     where meter_id = ${params.meterId} and state = 'confirmed' and not minted
                       and reading_at <= to_timestamp(${Number(params.upTo)})
                     order by id for update)
        returning id`,
  );
  return rows.length;
}

/** Leaves the readings open (pending/submitted) but untouchable for `delayMs`: retry with backoff. */
export async function deferReadings(
  db: Db,
  params: { ids: number[]; delayMs: number; reason: string },
): Promise<void> {
  if (params.ids.length === 0) return;
  await db.execute(
    sql`update meter_readings
        set locked_until = now() + make_interval(secs => ${Math.max(0, params.delayMs) / 1000}),
            failure_reason = ${params.reason.slice(0, 500)}, updated_at = now()
        where id in ${inIdOrder(params.ids)}
          and state <> 'failed'`,
  );
}

/** Ends the lease on finished rows (deferred rows keep their backoff). */
export async function releaseLeases(db: Db, params: { ids: number[] }): Promise<void> {
  if (params.ids.length === 0) return;
  await db.execute(
    sql`update meter_readings set locked_until = null
        where id in ${inIdOrder(params.ids)}
          and (state = 'failed' or (state = 'confirmed' and (minted or failure_reason is null)))`,
  );
}

/** The chain refused this reading for good (never for a transient error). */
export async function markFailed(db: Db, params: { ids: number[]; reason: string }): Promise<void> {
  if (params.ids.length === 0) return;
  await db.execute(
    sql`update meter_readings
        set state = 'failed', failure_reason = ${params.reason.slice(0, 500)}, locked_until = null, updated_at = now()
        where id in ${inIdOrder(params.ids)}
          and state in ('pending', 'submitted')`,
  );
}

export interface MintQueueStats {
  pending: number;
  submitted: number;
  confirmed: number;
  /** Delayed readings an accepted newer one covers: kept, never sent. */
  covered: number;
  failed: number;
  minted: number;
}

/** Counts by state, for the admin console's job status. */
export async function mintQueueStats(db: Db): Promise<MintQueueStats> {
  const rows = await db
    .select({ state: meterReadings.state, minted: meterReadings.minted, n: count() })
    .from(meterReadings)
    .groupBy(meterReadings.state, meterReadings.minted);
  const out: MintQueueStats = { pending: 0, submitted: 0, confirmed: 0, failed: 0, covered: 0, minted: 0 };
  for (const r of rows) {
    out[r.state] += r.n;
    if (r.minted) out.minted += r.n;
  }
  return out;
}
