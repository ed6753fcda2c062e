/**
 * The counter example's mirror (written by server/indexer/handlers/counter.ts only).
 */
import { eq, sql } from "drizzle-orm";
import type { Db } from "../client";
import { counters, type Counter } from "../schema";

/** Idempotent: a replay or an older event never lowers the count. */
export async function recordCounterIncrement(
  db: Db,
  p: { pda: string; authority: string; count: bigint; signature: string; slot: number },
): Promise<void> {
  await db
    .insert(counters)
    .values({
      pda: p.pda,
      authority: p.authority,
      count: p.count,
      lastSignature: p.signature,
      lastSlot: p.slot,
    })
    .onConflictDoUpdate({
      target: counters.pda,
      set: {
        count: sql`greatest(${counters.count}, excluded.count)`,
        lastSignature: sql`case when excluded.count > ${counters.count} then excluded.last_signature else ${counters.lastSignature} end`,
        lastSlot: sql`greatest(${counters.lastSlot}, excluded.last_slot)`,
        updatedAt: sql`now()`,
      },
    });
}

export async function getCounter(db: Db, p: { pda: string }): Promise<Counter | undefined> {
  const [row] = await db.select().from(counters).where(eq(counters.pda, p.pda));
  return row;
}
