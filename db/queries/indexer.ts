/**
 * The indexer's writes: chain events → users, meters, meter_readings (confirmed/minted marks),
 * mints, prices, and the per-program cursor. Every statement is an upsert or a guarded update,
 * so replaying a transaction (catch-up after a live notification, a restart, `npm run reindex`)
 * changes nothing.
 */
import { sql } from "drizzle-orm";
import type { Db } from "../client";
import { indexerCursors, type IndexerCursor } from "../schema";
import { eq } from "drizzle-orm";
import { rowsOf } from "../rows";

export async function getCursor(db: Db, program: string): Promise<IndexerCursor | undefined> {
  const [row] = await db
    .select()
    .from(indexerCursors)
    .where(eq(indexerCursors.program, program))
    .limit(1);
  return row;
}

export async function setCursor(
  db: Db,
  params: { program: string; signature: string; slot: number },
): Promise<void> {
  await db
    .insert(indexerCursors)
    .values({ program: params.program, lastSignature: params.signature, lastSlot: params.slot })
    .onConflictDoUpdate({
      target: indexerCursors.program,
      set: { lastSignature: params.signature, lastSlot: params.slot, updatedAt: new Date() },
    });
}

export async function upsertChainUser(
  db: Db,
  p: { wallet: string; pda: string; name: string; role: "prosumer" | "consumer" },
): Promise<void> {
  // The role is the chain's only on first sight: an admin may have changed it since.
  await db.execute(
    sql`insert into users (wallet_address, role, name, pda_address)
        values (${p.wallet}, ${p.role}::user_role, ${p.name}, ${p.pda})
        on conflict (wallet_address) do update set name = excluded.name, pda_address = excluded.pda_address`,
  );
}

export async function setChainUserStatus(
  db: Db,
  p: { wallet: string; status: "active" | "suspended" },
): Promise<void> {
  await db.execute(
    sql`update users set status = ${p.status}::user_status, updated_at = now() where wallet_address = ${p.wallet}`,
  );
}

export async function upsertChainMeter(
  db: Db,
  p: {
    meterId: string;
    pda: string;
    ownerWallet: string;
    publicKey: string;
    type: "solar" | "wind" | "battery" | "consumption";
    zone: string;
    ratedCapacityW: number;
    txSignature: string;
  },
): Promise<void> {
  // The owner's row may not exist yet (a user registered before the indexer ever ran is replayed
  // first anyway; this covers a database that lost it).
  await db.execute(
    sql`insert into users (wallet_address, role) values (${p.ownerWallet}, 'prosumer') on conflict (wallet_address) do nothing`,
  );
  await db.execute(
    sql`insert into meters (meter_id, owner_id, public_key, type, zone, rated_capacity_w, status, pda_address, tx_signature)
        select ${p.meterId}, u.id, ${p.publicKey}, ${p.type}::meter_type, ${p.zone}, ${p.ratedCapacityW}, 'pending', ${p.pda}, ${p.txSignature}
        from users u where u.wallet_address = ${p.ownerWallet}
        on conflict (meter_id) do update set
          owner_id = excluded.owner_id, public_key = excluded.public_key, type = excluded.type, zone = excluded.zone,
          rated_capacity_w = excluded.rated_capacity_w, pda_address = excluded.pda_address, tx_signature = excluded.tx_signature`,
  );
}

/**
 * MeterStatusChanged. An activation carries the chain time it happened (`at`, unix seconds):
 * the meter's next reading is a baseline that may not be older (the gateway checks the same).
 */
export async function setChainMeterStatus(
  db: Db,
  p: { pda: string; status: "pending" | "active" | "suspended"; at?: number },
): Promise<void> {
  const activatedAt = p.status === "active" && p.at !== undefined ? p.at : null;
  await db.execute(
    sql`update meters set status = ${p.status}::meter_status,
          activated_at = coalesce(to_timestamp(${activatedAt}::float8), activated_at), updated_at = now()
        where pda_address = ${p.pda}`,
  );
}

/** ReadingSubmitted: the gateway's row for (meter, timestamp) is on chain, in this transaction. */
export async function confirmChainReading(
  db: Db,
  p: { meterPda: string; timestamp: number; txSignature: string },
): Promise<number> {
  const rows = await rowsOf<{ id: number }>(
    db,
    sql`update meter_readings r
        set state = 'confirmed', tx_signature = ${p.txSignature}, failure_reason = null, updated_at = now()
        from meters m
        where m.pda_address = ${p.meterPda} and r.meter_id = m.meter_id and r.reading_at = to_timestamp(${p.timestamp})
          and (r.state <> 'confirmed' or r.tx_signature is distinct from ${p.txSignature})
        returning r.id`,
  );
  return rows.length;
}

/** BalanceSettled: one mints row, the meter's tracker, and the readings it covered. */
export async function recordChainMint(
  db: Db,
  p: {
    txSignature: string;
    meterPda: string;
    ownerWallet: string;
    destination: string;
    amountWh: bigint;
    settledNetGenWh: bigint;
    slot: number;
    /** Block time, unix seconds. */
    mintedAt: number | null;
  },
): Promise<{ inserted: boolean; meterId: string | null }> {
  const [meter] = await rowsOf<{ meter_id: string }>(
    db,
    sql`select meter_id from meters where pda_address = ${p.meterPda}`,
  );
  const meterId = meter?.meter_id ?? null;
  const inserted = await rowsOf<{ id: boolean }>(
    db,
    sql`insert into mints (tx_signature, meter_pda, meter_id, owner_wallet, destination, amount_wh, settled_net_gen_wh, slot, minted_at)
        values (${p.txSignature}, ${p.meterPda}, ${meterId}, ${p.ownerWallet}, ${p.destination}, ${p.amountWh.toString()}::bigint,
                ${p.settledNetGenWh.toString()}::bigint, ${p.slot}, to_timestamp(${p.mintedAt}))
        on conflict (tx_signature, meter_pda) do update
          set minted_at = coalesce(mints.minted_at, excluded.minted_at), meter_id = coalesce(mints.meter_id, excluded.meter_id)
        returning (xmax = 0) as id`,
  );
  if (meterId) {
    await db.execute(
      sql`update meters set settled_net_gen_wh = greatest(settled_net_gen_wh, ${p.settledNetGenWh.toString()}::bigint), updated_at = now()
          where meter_id = ${meterId}`,
    );
    // Replay is in chain order, so the confirmed readings are exactly those recorded before this settle.
    await db.execute(
      sql`update meter_readings set minted = true, updated_at = now()
          where id in (select id from meter_readings where meter_id = ${meterId} and state = 'confirmed' and not minted
                       order by id for update)`,
    );
  }
  return { inserted: inserted[0]?.id === true, meterId };
}

export async function recordChainPrice(
  db: Db,
  p: {
    sequence: number;
    retail: bigint;
    feedIn: bigint;
    feeder: string;
    /** unix seconds */ publishedAt: number;
    slot: number;
    txSignature: string;
  },
): Promise<boolean> {
  const rows = await rowsOf<{ sequence: number }>(
    db,
    sql`insert into prices (sequence, retail_price, feed_in_price, feeder, published_at, slot, tx_signature)
        values (${p.sequence}, ${p.retail.toString()}::bigint, ${p.feedIn.toString()}::bigint, ${p.feeder}, to_timestamp(${p.publishedAt}), ${p.slot}, ${p.txSignature})
        on conflict (sequence) do nothing
        returning sequence`,
  );
  return rows.length > 0;
}

/**
 * Before a rebuild: empties what only the chain fills (mints, prices, counters, the bridge mirrors,
 * cursors) and resets the meters' settlement mirror; users, meters and readings are kept and
 * re-upserted by the replay.
 */
export async function resetChainDerived(db: Db): Promise<void> {
  await db.transaction(async (tx) => {
    await tx.execute(
      sql`truncate table mints, prices, counters, bridge_deposits, bridge_withdrawals, bridge_config, trading_orders, trading_fills, trading_market, indexer_cursors restart identity`,
    );
    await tx.execute(sql`update meters set settled_net_gen_wh = 0`);
  });
}
