/**
 * Meter readings. `storeReadings` is the gateway's only write: it decides every reading of a
 * group against the meters' locked rows and commits the accepted ones in one transaction, so
 * "strictly newer" holds however many requests race for one meter, and nothing is answered as
 * stored before COMMIT returns.
 *
 * Readings carry the meter's cumulative registers; the energy of an interval is the difference
 * from the previous stored reading of the same activation, and the first reading after the
 * meter's activation is a baseline worth 0 Wh (the Registry program's rules, applied here first
 * so the poller never sends what the chain would refuse). A delayed reading older than the
 * newest one is stored as `covered` (0 Wh, never sent: the newer register already counts its
 * energy) when its registers fit between its stored neighbours'; else it is refused.
 *
 * Per transaction (BEGIN, 3 round trips, COMMIT whatever the group size):
 *  1. SELECT … FROM meters WHERE meter_id IN (…) ORDER BY meter_id FOR UPDATE — locks the
 *     meters in one global order (no deadlocks between groups) and reads status, key, capacity,
 *     activated_at and last_reading_at (the row as of the lock: fresh even after waiting);
 *  2. the newest stored reading of each meter (time and registers) — a statement of its own,
 *     so under READ COMMITTED it sees what the previous lock holder committed;
 *  3. only if some reading is not newer than that: the stored readings at the same
 *     (meter, timestamp), to tell duplicates from conflicts;
 *  4. decide in memory, per meter in timestamp order, with the Registry program's rules;
 *  5. one multi-row INSERT … ON CONFLICT DO NOTHING and one UPDATE of meters.last_reading_at
 *     (pipelined), then COMMIT.
 * Rows go in through jsonb_to_recordset: a constant statement text with one parameter, whatever
 * the group size.
 */
import { count, eq, sql } from "drizzle-orm";
import type { Db } from "../client";
import { meterReadings } from "../schema";
import { rowsOf } from "../rows";

export interface ReadingToStore {
  meterId: string;
  /** The meter's cumulative production register, Wh. */
  productionRegisterWh: bigint;
  /** The meter's cumulative consumption register, Wh. */
  consumptionRegisterWh: bigint;
  /** Unix seconds. */
  timestamp: number;
  /** base58 of the meter's 64-byte signature. */
  signature: string;
  /** base58 public key the reading was verified with; must be the meter's registered key. */
  publicKey: string;
}

export type StoreRefusal =
  | "METER_UNKNOWN"
  | "METER_INACTIVE"
  | "METER_KEY_MISMATCH"
  | "READING_NOT_NEWER"
  | "READING_CONFLICT"
  | "READING_OVER_CAPACITY"
  | "READING_REGISTER_DECREASED"
  | "READING_BEFORE_ACTIVATION";

export type StoreOutcome =
  /**
   * `baseline`: the first reading after activation (0 Wh); `covered`: a delayed older reading
   * (0 Wh, never sent); else the interval's energy.
   */
  | {
      kind: "stored";
      id: number;
      baseline: boolean;
      covered: boolean;
      productionWh: bigint;
      consumptionWh: bigint;
    }
  | { kind: "duplicate"; id: number }
  | { kind: "refused"; code: StoreRefusal }
  /** The row did not come back from the INSERT (a writer outside this path); retryable. */
  | { kind: "lost_race" };

interface LockedMeter {
  meter_id: string;
  status: string;
  public_key: string;
  rated_capacity_w: number;
  last_at: number | null;
  activated_at: number | null;
}

/** A meter's newest stored reading. */
interface NewestRow {
  meter_id: string;
  t: number;
  p: string;
  c: string;
}

/** A stored reading at the same (meter, timestamp) as an older one, and that time's neighbours. */
interface OlderRow {
  m: string;
  t: number;
  id: number | null;
  p: string | null;
  c: string | null;
  pt: number | null;
  pp: string | null;
  pc: string | null;
  np: string | null;
  nc: string | null;
}

/** The most Wh a meter may produce in an interval: floor(capacity_w × elapsed / 3600). */
export function maxProductionWh(ratedCapacityW: number, elapsedSecs: number): bigint {
  return (BigInt(ratedCapacityW) * BigInt(elapsedSecs)) / 3_600n;
}

/** A stored reading's time and registers (Wh). */
interface RegistersAt {
  t: number;
  p: bigint;
  c: bigint;
}
/** The stored readings just before and just after a delayed reading's time. */
interface Neighbours {
  prev: RegistersAt | null;
  next: Omit<RegistersAt, "t"> | null;
}

const keyOf = (meterId: string, t: number) => `${t}\u0000${meterId}`;

/**
 * Why a delayed reading (older than the meter's newest) cannot be kept as covered, or null when it
 * can: not from before the activation; registers between the neighbours' (never decreasing); the
 * production jump from the left neighbour within capacity (a sentinel value is refused).
 */
function coveredRefusal(
  st: { activated_at: number | null; rated_capacity_w: number },
  r: ReadingToStore,
  around: Neighbours | undefined,
  groupPrev: RegistersAt | undefined,
): StoreRefusal | null {
  if (st.activated_at !== null && r.timestamp < st.activated_at) return "READING_BEFORE_ACTIVATION";
  let prev = around?.prev ?? null;
  if (groupPrev && (!prev || groupPrev.t > prev.t)) prev = groupPrev;
  const next = around?.next ?? null;
  if (prev && (r.productionRegisterWh < prev.p || r.consumptionRegisterWh < prev.c))
    return "READING_REGISTER_DECREASED";
  if (next && (r.productionRegisterWh > next.p || r.consumptionRegisterWh > next.c))
    return "READING_REGISTER_DECREASED";
  const elapsed = prev ? r.timestamp - prev.t : 0;
  if (prev && r.productionRegisterWh - prev.p > maxProductionWh(st.rated_capacity_w, elapsed))
    return "READING_OVER_CAPACITY";
  return null;
}

export async function storeReadings(
  db: Db,
  params: { readings: ReadingToStore[] },
): Promise<StoreOutcome[]> {
  const items = params.readings;
  if (items.length === 0) return [];
  const meterIds = [...new Set(items.map((r) => r.meterId))];
  const idsJson = JSON.stringify(meterIds);

  return db.transaction(async (tx) => {
    const locked = await rowsOf<LockedMeter>(
      tx,
      sql`select m.meter_id, m.status::text as status, m.public_key, m.rated_capacity_w,
                 extract(epoch from m.last_reading_at)::float8 as last_at,
                 extract(epoch from m.activated_at)::float8 as activated_at
          from meters m
          where m.meter_id in (select jsonb_array_elements_text(${idsJson}::jsonb))
          order by m.meter_id
          for update of m`,
    );
    // After the lock, in a fresh statement: each meter's newest stored reading and its registers.
    const newest = new Map<string, NewestRow>();
    if (locked.length > 0) {
      const lockedJson = JSON.stringify(locked.map((m) => m.meter_id));
      for (const row of await rowsOf<NewestRow>(
        tx,
        sql`select distinct on (r.meter_id) r.meter_id, extract(epoch from r.reading_at)::float8 as t,
                   r.production_register_wh::text as p, r.consumption_register_wh::text as c
            from meter_readings r
            where r.meter_id in (select jsonb_array_elements_text(${lockedJson}::jsonb))
            order by r.meter_id, r.reading_at desc`,
      ))
        newest.set(row.meter_id, row);
    }
    interface MeterDecision extends LockedMeter {
      /** Newest accepted timestamp (stored, or accepted earlier in this group). */
      last: number | null;
      /** Registers of the reading the next one is measured from; null: the next is a baseline. */
      prev: RegistersAt | null;
    }
    const meterState = new Map<string, MeterDecision>();
    for (const m of locked) {
      const n = newest.get(m.meter_id);
      const last =
        n === undefined ? m.last_at : m.last_at === null ? n.t : Math.max(m.last_at, n.t);
      // A reading from before the current activation is not measured from (as on chain).
      const sameActivation = n !== undefined && (m.activated_at === null || n.t >= m.activated_at);
      const prev = n && sameActivation ? { t: n.t, p: BigInt(n.p), c: BigInt(n.c) } : null;
      meterState.set(m.meter_id, { ...m, last, prev });
    }

    // Only readings at or before their meter's newest can be duplicates or conflicts; look those
    // up (a statement of its own, so it sees what the previous lock holder committed).
    const older = items.filter((r) => {
      const last = meterState.get(r.meterId)?.last;
      return last !== undefined && last !== null && r.timestamp <= last;
    });
    type Existing = { id: number; p: string; c: string } | { pendingIndex: number };
    const existing = new Map<string, Existing>();
    /** For a delayed reading: the stored readings just before and just after its time. */
    const neighbours = new Map<string, Neighbours>();
    if (older.length > 0) {
      const keysJson = JSON.stringify(older.map((r) => ({ m: r.meterId, t: r.timestamp })));
      const rows = await rowsOf<OlderRow>(
        tx,
        sql`select k.m, k.t, e.id::float8 as id,
                   e.production_register_wh::text as p, e.consumption_register_wh::text as c,
                   extract(epoch from pv.reading_at)::float8 as pt,
                   pv.production_register_wh::text as pp, pv.consumption_register_wh::text as pc,
                   nx.production_register_wh::text as np, nx.consumption_register_wh::text as nc
            from jsonb_to_recordset(${keysJson}::jsonb) as k(m text, t float8)
            left join meter_readings e on e.meter_id = k.m and e.reading_at = to_timestamp(k.t)
            left join lateral (select reading_at, production_register_wh, consumption_register_wh
                               from meter_readings where meter_id = k.m and reading_at < to_timestamp(k.t)
                               order by reading_at desc limit 1) pv on true
            left join lateral (select production_register_wh, consumption_register_wh
                               from meter_readings where meter_id = k.m and reading_at > to_timestamp(k.t)
                               order by reading_at limit 1) nx on true`,
      );
      for (const row of rows) {
        const key = keyOf(row.m, row.t);
        if (row.id !== null) existing.set(key, { id: row.id, p: row.p!, c: row.c! });
        neighbours.set(key, {
          prev: row.pt === null ? null : { t: row.pt, p: BigInt(row.pp!), c: BigInt(row.pc!) },
          next: row.np === null ? null : { p: BigInt(row.np), c: BigInt(row.nc!) },
        });
      }
    }

    // Decide per meter in timestamp order (ties keep request order), as the chain will see them.
    const order = items.map((_, i) => i);
    order.sort((a, b) => {
      const x = items[a]!;
      const y = items[b]!;
      return x.meterId < y.meterId
        ? -1
        : x.meterId > y.meterId
          ? 1
          : x.timestamp - y.timestamp || a - b;
    });
    const outcomes: (StoreOutcome | { kind: "pending"; of: number })[] = new Array<StoreOutcome>(
      items.length,
    );
    const accepted: number[] = [];
    const intervals = new Map<
      number,
      { baseline: boolean; covered: boolean; productionWh: bigint; consumptionWh: bigint }
    >();
    /** The newest covered reading accepted in this group, per meter (a closer left neighbour). */
    const coveredLast = new Map<string, RegistersAt>();
    for (const i of order) {
      const r = items[i]!;
      const st = meterState.get(r.meterId);
      if (!st) {
        outcomes[i] = { kind: "refused", code: "METER_UNKNOWN" };
        continue;
      }
      if (st.status !== "active") {
        outcomes[i] = { kind: "refused", code: "METER_INACTIVE" };
        continue;
      }
      if (st.public_key !== r.publicKey) {
        outcomes[i] = { kind: "refused", code: "METER_KEY_MISMATCH" };
        continue;
      }
      const key = keyOf(r.meterId, r.timestamp);
      const prior = existing.get(key);
      if (prior) {
        const same =
          "pendingIndex" in prior
            ? items[prior.pendingIndex]!.productionRegisterWh === r.productionRegisterWh &&
              items[prior.pendingIndex]!.consumptionRegisterWh === r.consumptionRegisterWh
            : prior.p === r.productionRegisterWh.toString() &&
              prior.c === r.consumptionRegisterWh.toString();
        outcomes[i] = !same
          ? { kind: "refused", code: "READING_CONFLICT" }
          : "pendingIndex" in prior
            ? { kind: "pending", of: prior.pendingIndex }
            : { kind: "duplicate", id: prior.id };
        continue;
      }
      if (st.last !== null && r.timestamp <= st.last) {
        // A delayed reading: kept as covered if it fits between its neighbours, never sent.
        const code = coveredRefusal(st, r, neighbours.get(key), coveredLast.get(r.meterId));
        if (code) {
          outcomes[i] = { kind: "refused", code };
          continue;
        }
        coveredLast.set(r.meterId, {
          t: r.timestamp,
          p: r.productionRegisterWh,
          c: r.consumptionRegisterWh,
        });
        intervals.set(i, { baseline: false, covered: true, productionWh: 0n, consumptionWh: 0n });
        existing.set(key, { pendingIndex: i });
        accepted.push(i);
        continue;
      }
      let productionWh = 0n;
      let consumptionWh = 0n;
      if (st.prev === null) {
        // The baseline: not older than the activation (a backdated one would claim elapsed time).
        if (st.activated_at !== null && r.timestamp < st.activated_at) {
          outcomes[i] = { kind: "refused", code: "READING_BEFORE_ACTIVATION" };
          continue;
        }
      } else {
        productionWh = r.productionRegisterWh - st.prev.p;
        consumptionWh = r.consumptionRegisterWh - st.prev.c;
        if (productionWh < 0n || consumptionWh < 0n) {
          outcomes[i] = { kind: "refused", code: "READING_REGISTER_DECREASED" };
          continue;
        }
        if (productionWh > maxProductionWh(st.rated_capacity_w, r.timestamp - st.prev.t)) {
          outcomes[i] = { kind: "refused", code: "READING_OVER_CAPACITY" };
          continue;
        }
      }
      intervals.set(i, { baseline: st.prev === null, covered: false, productionWh, consumptionWh });
      st.last = r.timestamp;
      st.prev = { t: r.timestamp, p: r.productionRegisterWh, c: r.consumptionRegisterWh };
      existing.set(key, { pendingIndex: i });
      accepted.push(i);
    }

    if (accepted.length > 0) {
      // `accepted` is in (meter, timestamp) order, so ids grow with time for each meter.
      const rowsJson = JSON.stringify(
        accepted.map((i, o) => {
          const r = items[i]!;
          const e = intervals.get(i)!;
          return {
            o,
            m: r.meterId,
            rp: r.productionRegisterWh.toString(),
            rc: r.consumptionRegisterWh.toString(),
            p: e.productionWh.toString(),
            c: e.consumptionWh.toString(),
            st: e.covered ? "covered" : "pending",
            t: r.timestamp,
            s: r.signature,
          };
        }),
      );
      const lastJson = JSON.stringify(
        [...meterState.values()].flatMap((st) =>
          accepted.some((i) => items[i]!.meterId === st.meter_id)
            ? [{ m: st.meter_id, t: st.last }]
            : [],
        ),
      );
      const [inserted] = await Promise.all([
        rowsOf<{ id: number; meter_id: string; t: number }>(
          tx,
          sql`insert into meter_readings (meter_id, production_register_wh, consumption_register_wh,
                                          production_wh, consumption_wh, reading_at, meter_signature, state)
              select x.m, x.rp::bigint, x.rc::bigint, x.p::bigint, x.c::bigint, to_timestamp(x.t), x.s,
                     x.st::reading_state
              from jsonb_to_recordset(${rowsJson}::jsonb)
                as x(o int, m text, rp text, rc text, p text, c text, t float8, s text, st text)
              order by x.o
              on conflict (meter_id, reading_at) do nothing
              returning id::float8 as id, meter_id, extract(epoch from reading_at)::float8 as t`,
        ),
        tx.execute(
          sql`update meters set last_reading_at = to_timestamp(x.t), updated_at = now()
              from jsonb_to_recordset(${lastJson}::jsonb) as x(m text, t float8)
              where meters.meter_id = x.m
                and (meters.last_reading_at is null or meters.last_reading_at < to_timestamp(x.t))`,
        ),
      ]);
      const ids = new Map<string, number>();
      for (const row of inserted) ids.set(keyOf(row.meter_id, row.t), row.id);
      for (const i of accepted) {
        const r = items[i]!;
        const id = ids.get(keyOf(r.meterId, r.timestamp));
        const e = intervals.get(i)!;
        outcomes[i] =
          id === undefined
            ? { kind: "lost_race" }
            : {
                kind: "stored",
                id,
                baseline: e.baseline,
                covered: e.covered,
                productionWh: e.productionWh,
                consumptionWh: e.consumptionWh,
              };
      }
    }

    return outcomes.map((o): StoreOutcome => {
      if (o.kind !== "pending") return o;
      const first = outcomes[o.of]!;
      return first.kind === "stored" ? { kind: "duplicate", id: first.id } : { kind: "lost_race" };
    });
  });
}

export async function countReadings(db: Db, params: { meterId?: string } = {}): Promise<number> {
  const q = db.select({ n: count() }).from(meterReadings);
  const [row] = await (params.meterId ? q.where(eq(meterReadings.meterId, params.meterId)) : q);
  return row?.n ?? 0;
}
