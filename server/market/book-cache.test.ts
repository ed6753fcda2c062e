/**
 * The order-book cache against the real Redis (through our Upstash REST endpoint) and a real
 * database on a real local chain: rebuilt from PostgreSQL when Redis is empty, served from Redis
 * while current, invalidated and rebuilt by the indexer's hook when it applies trading events, a
 * stale write (a reader that read the database before the indexer's commit) refused, and
 * PostgreSQL served when Redis does not answer.
 */
import crypto from "node:crypto";
import type { Keypair } from "@solana/web3.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { getBookSnapshot } from "~/db/queries/orders";
import { createRedisClient } from "~/server/redis/client";
import { freePort, startTestRestServer, TEST_TOKEN } from "~/server/redis/test-support";
import type { RedisRestServer } from "~/server/redis/rest-server";
import { envIndexer } from "~/server/poller/test-support";
import { INITIAL_RETAIL_PRICE } from "~/server/solana/bootstrap-steps";
import { BOOK_CHANNELS, createBookCache, type BookCache } from "./book-cache";
import { buyersWithThbc, placeOrder, sellersWithGrid, startMarketEnv, type MarketEnv } from "./test-support";

let m: MarketEnv;
let rest: RedisRestServer;
let seller: Keypair;
let buyer: Keypair;
let cache: BookCache;
const db = () => m.env.tdb.db;

beforeAll(async () => {
  rest = await startTestRestServer();
  m = await startMarketEnv();
  seller = (await sellersWithGrid(m, 1))[0]!;
  buyer = (await buyersWithThbc(m, 1))[0]!;
  cache = createBookCache({
    redis: createRedisClient({ url: rest.url, token: TEST_TOKEN }),
    prefix: `gtx:test:book:${crypto.randomUUID()}:`,
  });
}, 120_000);

afterAll(async () => {
  await m?.close();
  await rest?.close();
});

/** The indexer with the cache's hook, as background.ts wires it. */
const indexer = () =>
  envIndexer(m.env, {
    publish: async (channel) => {
      if (BOOK_CHANNELS.has(channel)) await cache.invalidate(db());
    },
  });

describe("order-book cache", () => {
  it("empty Redis: rebuilt from PostgreSQL and stored; then served from Redis, equal to the database's", async () => {
    const first = await cache.read(db(), { depth: 50 });
    expect(first.source).toBe("database");
    const second = await cache.read(db(), { depth: 50 });
    expect(second.source).toBe("cache");
    expect(second.snapshot).toEqual(first.snapshot);
  });

  it("the indexer applying trading events invalidates and rebuilds it: the new order is in the cached book at once", async () => {
    const before = await cache.read(db(), { depth: 50 });
    await placeOrder(m.env, seller, "sell", 1_000n, INITIAL_RETAIL_PRICE + 1_000n);
    await placeOrder(m.env, buyer, "buy", 1_000n, INITIAL_RETAIL_PRICE - 1_000n);
    // Without the hook the stored snapshot would still be the old one: read it as Redis has it.
    await indexer().catchUp();
    const after = await cache.read(db(), { depth: 50 });
    expect(after.source).toBe("cache");
    expect(after.snapshot.sequence).toBeGreaterThan(before.snapshot.sequence);
    expect(after.snapshot.asks.find((l) => l.price === INITIAL_RETAIL_PRICE + 1_000n)).toMatchObject({ totalWh: 1_000n, orderCount: 1 });
    expect(after.snapshot.bestBid).toBe(INITIAL_RETAIL_PRICE - 1_000n);
    const truth = await getBookSnapshot(db(), { now: new Date(), depth: 50 });
    expect({ ...after.snapshot, builtAt: null, validUntil: null }).toEqual({ ...truth, builtAt: null, validUntil: null });
  });

  it("a write from before an invalidation is refused (a reader that read the database before the indexer's commit)", async () => {
    const stale = createBookCache({ redis: createRedisClient({ url: rest.url, token: TEST_TOKEN }), prefix: cache.keys.snapshot.replace(/snapshot$/, "") });
    // The stale reader reads the generation, then the database…
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const slowDb = new Proxy(db(), {
      get(target, prop, recv) {
        const v: unknown = Reflect.get(target, prop, recv);
        if (prop !== "execute" || typeof v !== "function") return v;
        return async (...args: unknown[]) => {
          const out: unknown = await (v as (...a: unknown[]) => Promise<unknown>).apply(target, args);
          await gate;
          return out;
        };
      },
    });
    const pending = stale.rebuild(slowDb);
    // …meanwhile the indexer commits a new order and invalidates.
    await placeOrder(m.env, seller, "sell", 1_000n, INITIAL_RETAIL_PRICE + 2_000n);
    await indexer().catchUp();
    release();
    const { stored, snapshot } = await pending;
    expect(stored).toBe(false);
    const now = await cache.read(db(), { depth: 50 });
    expect(now.source).toBe("cache");
    expect(now.snapshot.sequence).toBeGreaterThanOrEqual(snapshot.sequence);
    expect(now.snapshot.asks.some((l) => l.price === INITIAL_RETAIL_PRICE + 2_000n)).toBe(true);
  });

  it("Redis emptied: rebuilt from PostgreSQL with the same book", async () => {
    const cached = await cache.read(db(), { depth: 50 });
    const client = createRedisClient({ url: rest.url, token: TEST_TOKEN });
    await client.del(cache.keys.snapshot, cache.keys.gen);
    const rebuilt = await cache.read(db(), { depth: 50 });
    expect(rebuilt.source).toBe("database");
    expect({ ...rebuilt.snapshot, builtAt: null }).toEqual({ ...cached.snapshot, builtAt: null });
    expect((await cache.read(db(), { depth: 50 })).source).toBe("cache");
  });

  it("Redis not answering: the book comes from PostgreSQL, the failure logged once", async () => {
    const lines: string[] = [];
    const down = createBookCache({
      redis: createRedisClient({ url: `http://127.0.0.1:${await freePort()}`, token: TEST_TOKEN, retries: 0 }),
      log: (l) => lines.push(l),
    });
    const a = await down.read(db(), { depth: 5 });
    const b = await down.read(db(), { depth: 5 });
    await down.invalidate(db());
    expect(a.source).toBe("database");
    expect(b.source).toBe("database");
    expect(a.snapshot.asks.length).toBeGreaterThan(0);
    expect(lines).toHaveLength(1);
  });

  it("an order that expires leaves the cached book at its expiry, without any event", async () => {
    const { chainNow } = await import("./test-support");
    await placeOrder(m.env, buyer, "buy", 1_000n, INITIAL_RETAIL_PRICE - 3_000n, { expiresAt: (await chainNow(m.env)) + 2 });
    await indexer().catchUp();
    const withIt = await cache.read(db(), { depth: 50 });
    expect(withIt.snapshot.bids.some((l) => l.price === INITIAL_RETAIL_PRICE - 3_000n)).toBe(true);
    const deadline = Date.now() + 10_000;
    let after = withIt;
    while (Date.now() < deadline && after.snapshot.bids.some((l) => l.price === INITIAL_RETAIL_PRICE - 3_000n)) {
      await new Promise((r) => setTimeout(r, 200));
      after = await cache.read(db(), { depth: 50 });
    }
    expect(after.snapshot.bids.some((l) => l.price === INITIAL_RETAIL_PRICE - 3_000n)).toBe(false);
  });
});
