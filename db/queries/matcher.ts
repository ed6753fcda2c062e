/**
 * The matcher's own records (server/market/matcher): its leader lease and one row per pass that
 * had work, with every transaction it signed. Written only by the matcher.
 */
import { and, desc, eq, lt, sql } from "drizzle-orm";
import type { Db } from "../client";
import { rowsOf } from "../rows";
import { matcherLease, matcherRuns, type MatcherAttempt, type MatcherRun, type MatcherRunState } from "../schema";

export const MATCHER_LEASE = "matcher";

/**
 * Takes or renews the lease for `ms` when it is free, expired, or already `holder`'s; answers
 * whether `holder` holds it now. One statement, so two matchers never both get it.
 */
export async function acquireMatcherLease(db: Db, p: { holder: string; ms: number; name?: string }): Promise<boolean> {
  const rows = await rowsOf<{ holder: string }>(
    db,
    sql`insert into matcher_lease (name, holder, expires_at, acquired_at)
        values (${p.name ?? MATCHER_LEASE}, ${p.holder}, now() + make_interval(secs => ${p.ms / 1000}), now())
        on conflict (name) do update
          set holder = excluded.holder, expires_at = excluded.expires_at,
              acquired_at = case when matcher_lease.holder = excluded.holder then matcher_lease.acquired_at else now() end
          where matcher_lease.expires_at < now() or matcher_lease.holder = excluded.holder
        returning holder`,
  );
  return rows[0]?.holder === p.holder;
}

/** Gives the lease up (only `holder`'s own). */
export async function releaseMatcherLease(db: Db, p: { holder: string; name?: string }): Promise<void> {
  await db
    .update(matcherLease)
    .set({ expiresAt: sql`now() - interval '1 millisecond'` })
    .where(and(eq(matcherLease.name, p.name ?? MATCHER_LEASE), eq(matcherLease.holder, p.holder)));
}

/** Passes left `running` by a holder whose lease ran out (killed mid-pass): `abandoned`. */
export async function abandonStaleMatcherRuns(db: Db): Promise<number> {
  const rows = await db
    .update(matcherRuns)
    .set({ state: "abandoned", finishedAt: sql`now()`, error: "the pass stopped before it finished (its lease ran out)" })
    .where(and(eq(matcherRuns.state, "running"), lt(matcherRuns.leaseUntil, sql`now()`)))
    .returning({ id: matcherRuns.id });
  return rows.length;
}

export async function startMatcherRun(db: Db, p: { holder: string; trigger: string; leaseMs: number }): Promise<number> {
  const [row] = await db
    .insert(matcherRuns)
    .values({ holder: p.holder, trigger: p.trigger, leaseUntil: sql`now() + make_interval(secs => ${p.leaseMs / 1000})` })
    .returning({ id: matcherRuns.id });
  return row!.id;
}

/** Appends an attempt (before its send). */
export async function recordMatcherAttempt(db: Db, p: { runId: number; attempt: MatcherAttempt; leaseMs: number }): Promise<void> {
  await db
    .update(matcherRuns)
    .set({
      attempts: sql`${matcherRuns.attempts} || ${JSON.stringify([p.attempt])}::jsonb`,
      leaseUntil: sql`now() + make_interval(secs => ${p.leaseMs / 1000})`,
    })
    .where(eq(matcherRuns.id, p.runId));
}

/** Sets the outcome of the attempt with `signature`. */
export async function settleMatcherAttempt(
  db: Db,
  p: { runId: number; signature: string; outcome: MatcherAttempt["outcome"]; error?: string },
): Promise<void> {
  await db.execute(sql`
    update matcher_runs set attempts = (
      select coalesce(jsonb_agg(case when a->>'signature' = ${p.signature}
                                 then a || jsonb_build_object('outcome', ${p.outcome}::text) || ${p.error ? sql`jsonb_build_object('error', ${p.error}::text)` : sql`'{}'::jsonb`}
                                 else a end order by n), '[]'::jsonb)
        from jsonb_array_elements(attempts) with ordinality as t(a, n))
     where id = ${p.runId}`);
}

export interface MatcherRunTotals {
  ordersLoaded: number;
  fillsProposed: number;
  fillsSettled: number;
  fillsRefused: number;
  whSettled: bigint;
  matchTransactions: number;
  ordersClosed: number;
  closesRefused: number;
}

export async function finishMatcherRun(
  db: Db,
  p: { runId: number; state: Exclude<MatcherRunState, "running" | "abandoned">; totals: MatcherRunTotals; error?: string | null },
): Promise<void> {
  await db
    .update(matcherRuns)
    .set({ ...p.totals, state: p.state, error: p.error ?? null, finishedAt: sql`now()` })
    .where(eq(matcherRuns.id, p.runId));
}

/** Keeps the newest `keep` runs. */
export async function pruneMatcherRuns(db: Db, p: { keep: number }): Promise<void> {
  await db.execute(sql`delete from matcher_runs where id <= (select max(id) from matcher_runs) - ${p.keep}`);
}

export async function listMatcherRuns(db: Db, p: { limit: number }): Promise<MatcherRun[]> {
  return db.select().from(matcherRuns).orderBy(desc(matcherRuns.id)).limit(p.limit);
}
