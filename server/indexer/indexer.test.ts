/**
 * The indexer against the real local chain and database: live events land in the tables (so the
 * gateway accepts a meter registered only on chain), a restart catches up from the cursor, a
 * replay changes nothing, and a reindex rebuilds identical rows.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { asc, eq, sql } from "drizzle-orm";
import { indexerCursors, meterReadings, meters, mints, prices, users } from "~/db/schema";
import { runMintPoller } from "~/server/poller/mint-poller";
import { meterAddress } from "~/programs/registry/client";
import {
  createChainMeter,
  netGeneration,
  publishPrice,
  series,
  startChainEnv,
  storeSigned,
  until,
  type ChainEnv,
} from "~/server/poller/test-support";
import { createIndexer, type ChainIndexer, type IndexerChannel } from "./indexer";
import { reindexFromChain } from "./reindex";

let env: ChainEnv;
let indexer: ChainIndexer | null = null;
const published: { channel: IndexerChannel; payload: Record<string, unknown> }[] = [];

beforeAll(async () => {
  env = await startChainEnv();
}, 60_000);

afterAll(async () => {
  await indexer?.stop();
  await env?.close();
});

const startIndexer = async () => {
  const ix = createIndexer({
    db: env.tdb.db,
    connection: env.chain.connection,
    programs: env.chain.programs,
    catchUpIntervalMs: 0,
    publish: (channel, payload) => {
      published.push({ channel, payload });
      return Promise.resolve();
    },
  });
  await ix.start();
  return ix;
};

const poll = () =>
  runMintPoller({
    db: env.tdb.db,
    connection: env.chain.connection,
    operator: env.chain.operator,
    programs: env.chain.programs,
  });

async function snapshot() {
  const db = env.tdb.db;
  return {
    users: await db
      .select({
        w: users.walletAddress,
        n: users.name,
        r: users.role,
        s: users.status,
        p: users.pdaAddress,
      })
      .from(users)
      .orderBy(asc(users.walletAddress)),
    meters: await db
      .select({
        id: meters.meterId,
        k: meters.publicKey,
        s: meters.status,
        p: meters.pdaAddress,
        g: meters.settledNetGenWh,
        c: meters.ratedCapacityW,
        z: meters.zone,
        t: meters.txSignature,
      })
      .from(meters)
      .orderBy(asc(meters.meterId)),
    mints: (await db.select().from(mints).orderBy(asc(mints.slot), asc(mints.meterPda))).map(
      ({ id: _id, ...rest }) => rest,
    ),
    prices: await db.select().from(prices).orderBy(asc(prices.sequence)),
    readings: await db
      .select({
        id: meterReadings.id,
        s: meterReadings.state,
        m: meterReadings.minted,
        t: meterReadings.txSignature,
      })
      .from(meterReadings)
      .orderBy(asc(meterReadings.id)),
  };
}

describe("indexer", () => {
  it("live: users, meters (status, pda), readings, mints and prices land in the tables", async () => {
    indexer = await startIndexer();
    // Bootstrap's first price was published before the indexer started: catch-up found it.
    const [p0] = await env.tdb.db.select().from(prices);
    expect(p0).toMatchObject({ sequence: 1, retailPrice: 4_200_000n, feedInPrice: 2_200_000n });

    const m = await createChainMeter(env, { mirror: false });
    await until(
      async () =>
        (await env.tdb.db.select().from(meters).where(eq(meters.meterId, m.meterId)))[0]?.status ===
        "active",
      10_000,
      "meter active in db",
    );
    const [u] = await env.tdb.db
      .select()
      .from(users)
      .where(eq(users.walletAddress, m.owner.publicKey.toBase58()));
    expect(u).toMatchObject({ name: "Test prosumer", role: "prosumer", status: "active" });

    // The activation's chain time is mirrored: the gateway refuses baselines older than it.
    const onChain = await env.chain.programs.registry.account.meter.fetch(
      meterAddress(m.meterId),
      "confirmed",
    );
    const [mirrored] = await env.tdb.db.select().from(meters).where(eq(meters.meterId, m.meterId));
    expect(onChain.activatedAt.toNumber()).toBeGreaterThan(0);
    expect(mirrored!.activatedAt!.getTime() / 1000).toBe(onChain.activatedAt.toNumber());

    // The gateway's store accepts it now (the indexer is what put the meter in the database).
    const data = series(4, (i) => ({ p: 30 + i, c: 4 }));
    await storeSigned(env, m, data);
    const s = await poll();
    expect(s.confirmed).toBe(5); // 4 and the baseline
    await until(
      async () =>
        (await env.tdb.db.select().from(mints).where(eq(mints.meterId, m.meterId))).length === 1,
      10_000,
      "mint row",
    );
    const [row] = await env.tdb.db.select().from(mints).where(eq(mints.meterId, m.meterId));
    expect(row!.amountWh).toBe(netGeneration(data));
    expect(row!.ownerWallet).toBe(m.owner.publicKey.toBase58());
    await until(async () => {
      const [mt] = await env.tdb.db.select().from(meters).where(eq(meters.meterId, m.meterId));
      return mt?.settledNetGenWh === netGeneration(data);
    });
    const rs = await env.tdb.db
      .select()
      .from(meterReadings)
      .where(eq(meterReadings.meterId, m.meterId));
    expect(rs.every((r) => r.state === "confirmed" && r.minted && r.txSignature !== null)).toBe(
      true,
    );
    const channels = new Set(published.map((e) => e.channel));
    for (const c of ["users", "meters", "readings", "mints", "prices"] as const)
      expect(channels).toContain(c);
  });

  it("a restarted indexer catches up from its cursor; replaying changes nothing; reindex rebuilds identical rows", async () => {
    await indexer!.stop();
    indexer = null;
    const cursorBefore = await env.tdb.db
      .select()
      .from(indexerCursors)
      .where(eq(indexerCursors.program, "registry"));
    const mintsBefore = (await env.tdb.db.select().from(mints)).length;

    // Activity while the indexer is down.
    const m2 = await createChainMeter(env);
    const data = series(3, () => ({ p: 45, c: 0 }));
    await storeSigned(env, m2, data);
    expect((await poll()).confirmed).toBe(4); // 3 and the baseline
    await publishPrice(env, 4_300_000n, 2_250_000n);
    expect((await env.tdb.db.select().from(mints)).length).toBe(mintsBefore);

    indexer = await startIndexer();
    await indexer.idle();
    expect((await env.tdb.db.select().from(mints)).length).toBe(mintsBefore + 1);
    expect((await env.tdb.db.select().from(prices)).map((p) => p.retailPrice)).toEqual([
      4_200_000n,
      4_300_000n,
    ]);
    const cursorAfter = await env.tdb.db
      .select()
      .from(indexerCursors)
      .where(eq(indexerCursors.program, "registry"));
    expect(cursorAfter[0]!.lastSlot).toBeGreaterThan(cursorBefore[0]!.lastSlot);
    await indexer.stop();
    indexer = null;

    const before = await snapshot();
    // Replay the whole history on top of itself: idempotent.
    await env.tdb.db.execute(sql`truncate table indexer_cursors`);
    const replayed = await createIndexer({
      db: env.tdb.db,
      connection: env.chain.connection,
      programs: env.chain.programs,
    }).catchUp();
    expect(replayed).toBeGreaterThan(5);
    expect(await snapshot()).toEqual(before);

    // Rebuild from the chain alone.
    await reindexFromChain({
      db: env.tdb.db,
      connection: env.chain.connection,
      programs: env.chain.programs,
    });
    expect(await snapshot()).toEqual(before);
  });
});
