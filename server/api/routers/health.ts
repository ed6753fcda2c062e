/**
 * health.status: can the app reach its database, Redis and the Solana RPC, and how is its indexer
 * doing (level ok / warn / error from its lag behind the chain, failed passes and open dead
 * letters; server/indexer/health.ts)? Public (no secrets in the answer: the indexer's last error
 * message only for admins) so load balancers and the admin console can poll it. Never throws.
 */
import { sql } from "drizzle-orm";
import { env } from "~/env.js";
import type { Db } from "~/db/client";
import { solanaRpc } from "~/server/auth/solana-rpc";
import { readIndexerHealth } from "~/server/indexer/health";
import { redisHealth } from "~/server/redis/client";
import { createTRPCRouter, publicProcedure } from "../trpc";

async function dbOk(db: Db): Promise<boolean> {
  try {
    await db.execute(sql`select 1`);
    return true;
  } catch {
    return false;
  }
}

async function chainHealth(): Promise<{ ok: boolean; slot?: number }> {
  try {
    const slot = await solanaRpc<number>(env.SOLANA_RPC_URL, "getSlot", [{ commitment: "confirmed" }], 1_500);
    return { ok: true, slot };
  } catch {
    return { ok: false };
  }
}

export const healthRouter = createTRPCRouter({
  status: publicProcedure.query(async ({ ctx }) => {
    const [db, redis, chain, indexer] = await Promise.all([
      dbOk(ctx.db),
      redisHealth(),
      chainHealth(),
      // This process's indexer (chain → database mirror, live updates).
      readIndexerHealth(ctx.db, { showErrorMessage: ctx.session?.role === "admin" }),
    ]);
    return {
      db: { ok: db, driver: ctx.dbDriver },
      redis: { ok: redis.ok },
      chain,
      indexer: { ok: indexer.level === "ok", ...indexer },
    };
  }),
});
