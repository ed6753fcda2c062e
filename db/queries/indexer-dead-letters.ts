/**
 * indexer_dead_letters: chain transactions the indexer could not apply after a few attempts. One
 * row per (signature, program); it stays "open" (resolved_at null) until a retry applies it, and
 * stays in the table afterwards for the record. Writing one twice (a replay from an older cursor,
 * a second pass) keeps the one row: attempts add up, the newest error is kept, and a row that was
 * resolved opens again.
 */
import { and, asc, count, desc, eq, isNull, sql } from "drizzle-orm";
import type { Db } from "../client";
import { indexerDeadLetters, type IndexerDeadLetter } from "../schema";

export async function recordDeadLetter(
  db: Db,
  p: { signature: string; program: string; slot: number; error: string; attempts: number },
): Promise<IndexerDeadLetter> {
  const [row] = await db
    .insert(indexerDeadLetters)
    .values({ signature: p.signature, program: p.program, slot: p.slot, error: p.error, attempts: p.attempts })
    .onConflictDoUpdate({
      target: [indexerDeadLetters.signature, indexerDeadLetters.program],
      set: {
        slot: p.slot,
        error: p.error,
        attempts: sql`${indexerDeadLetters.attempts} + ${p.attempts}`,
        lastFailedAt: sql`now()`,
        resolvedAt: null,
      },
    })
    .returning();
  if (!row) throw new Error("recordDeadLetter: no row returned");
  return row;
}

/** Open dead letters, the most recently failed first. */
export async function listOpenDeadLetters(db: Db, p: { limit: number }): Promise<IndexerDeadLetter[]> {
  return db
    .select()
    .from(indexerDeadLetters)
    .where(isNull(indexerDeadLetters.resolvedAt))
    .orderBy(desc(indexerDeadLetters.lastFailedAt), desc(indexerDeadLetters.id))
    .limit(p.limit);
}

export async function countOpenDeadLetters(db: Db): Promise<number> {
  const [row] = await db
    .select({ n: count() })
    .from(indexerDeadLetters)
    .where(isNull(indexerDeadLetters.resolvedAt));
  return Number(row?.n ?? 0);
}

/** Signatures of one program's open dead letters (a catch-up pass that applies one resolves it). */
export async function openDeadLetterSignatures(db: Db, p: { program: string }): Promise<Set<string>> {
  const rows = await db
    .select({ signature: indexerDeadLetters.signature })
    .from(indexerDeadLetters)
    .where(and(eq(indexerDeadLetters.program, p.program), isNull(indexerDeadLetters.resolvedAt)))
    .orderBy(asc(indexerDeadLetters.id));
  return new Set(rows.map((r) => r.signature));
}

export async function getDeadLetter(db: Db, p: { id: number }): Promise<IndexerDeadLetter | undefined> {
  const [row] = await db.select().from(indexerDeadLetters).where(eq(indexerDeadLetters.id, p.id)).limit(1);
  return row;
}

/** Marks it resolved (inside the transaction that applied it); false when it was not open. */
export async function resolveDeadLetter(db: Db, p: { signature: string; program: string }): Promise<boolean> {
  const rows = await db
    .update(indexerDeadLetters)
    .set({ resolvedAt: sql`now()` })
    .where(
      and(
        eq(indexerDeadLetters.signature, p.signature),
        eq(indexerDeadLetters.program, p.program),
        isNull(indexerDeadLetters.resolvedAt),
      ),
    )
    .returning({ id: indexerDeadLetters.id });
  return rows.length > 0;
}

/** A retry that failed again: one more attempt, the new error kept. */
export async function bumpDeadLetter(db: Db, p: { id: number; error: string }): Promise<IndexerDeadLetter | undefined> {
  const [row] = await db
    .update(indexerDeadLetters)
    .set({ attempts: sql`${indexerDeadLetters.attempts} + 1`, error: p.error, lastFailedAt: sql`now()` })
    .where(eq(indexerDeadLetters.id, p.id))
    .returning();
  return row;
}
