/**
 * The order-book snapshot (levels with cumulative depth, best bid / ask, last trade, sequence)
 * cached in Redis, built from the indexer's mirrors in PostgreSQL (db/queries/orders.ts), which
 * stay the truth: Redis holds nothing that a rebuild cannot give back.
 *
 * Two keys: `<prefix>snapshot` (the JSON snapshot, `BOOK_CACHE_DEPTH` levels per side, with the
 * generation it was built under) and `<prefix>gen` (a counter). The indexer, after it committed a
 * trading transaction that touches the book (channels `orders`, `trades`, `market`), INCRs the
 * generation — which alone makes the stored snapshot invalid — and then rebuilds it. A snapshot is
 * served only when its generation is the current one and no order it counts has expired since; a
 * write lands only if the generation is still the one read BEFORE the database was read (one Lua
 * script), so a reader that read the database before the indexer's commit can never put back an
 * older book over a newer one. Redis missing or failing: the book is read from PostgreSQL.
 */
import crypto from "node:crypto";
import type { Redis } from "@upstash/redis";
import { sql } from "drizzle-orm";
import type { Db } from "~/db/client";
import { getBookSnapshot, type BookLevel, type BookSnapshot } from "~/db/queries/orders";
import { rowsOf } from "~/db/rows";

/** Levels per side kept in the cache (the router's maximum depth). */
export const BOOK_CACHE_DEPTH = 200;
/** A snapshot lives at most this long in Redis even when nothing invalidates it. */
export const BOOK_CACHE_TTL_MS = 60_000;
/** The live channels whose notices mean the book (or its last trade) changed. */
export const BOOK_CHANNELS: ReadonlySet<string> = new Set(["orders", "trades", "market"]);

const WRITE_IF_GEN = `
local gen = redis.call('GET', KEYS[2])
if (gen or '0') ~= ARGV[2] then return 0 end
redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[3])
return 1`;

interface StoredLevel {
  price: string;
  totalWh: string;
  orderCount: number;
  cumulativeWh: string;
}
interface Stored {
  gen: string;
  bids: StoredLevel[];
  asks: StoredLevel[];
  bestBid: string | null;
  bestAsk: string | null;
  lastTrade: { price: string; amountWh: string; cost: string; signature: string; slot: number; filledAt: string | null } | null;
  sequence: number;
  validUntil: string | null;
  builtAt: string;
}

const levelOut = (l: BookLevel): StoredLevel => ({
  price: l.price.toString(),
  totalWh: l.totalWh.toString(),
  orderCount: l.orderCount,
  cumulativeWh: l.cumulativeWh.toString(),
});
const levelIn = (l: StoredLevel): BookLevel => ({
  price: BigInt(l.price),
  totalWh: BigInt(l.totalWh),
  orderCount: l.orderCount,
  cumulativeWh: BigInt(l.cumulativeWh),
});

export function encodeSnapshot(s: BookSnapshot, gen: string): string {
  const stored: Stored = {
    gen,
    bids: s.bids.map(levelOut),
    asks: s.asks.map(levelOut),
    bestBid: s.bestBid?.toString() ?? null,
    bestAsk: s.bestAsk?.toString() ?? null,
    lastTrade: s.lastTrade
      ? {
          price: s.lastTrade.price.toString(),
          amountWh: s.lastTrade.amountWh.toString(),
          cost: s.lastTrade.cost.toString(),
          signature: s.lastTrade.signature,
          slot: s.lastTrade.slot,
          filledAt: s.lastTrade.filledAt?.toISOString() ?? null,
        }
      : null,
    sequence: s.sequence,
    validUntil: s.validUntil?.toISOString() ?? null,
    builtAt: s.builtAt.toISOString(),
  };
  return JSON.stringify(stored);
}

export function decodeSnapshot(raw: unknown): { gen: string; snapshot: BookSnapshot } | null {
  // @upstash/redis parses JSON values by itself; a plain string is parsed here.
  let v: unknown = raw;
  if (typeof v === "string") {
    try {
      v = JSON.parse(v);
    } catch {
      return null;
    }
  }
  if (!v || typeof v !== "object" || !("gen" in v) || !("bids" in v)) return null;
  const s = v as Stored;
  return {
    gen: String(s.gen),
    snapshot: {
      bids: s.bids.map(levelIn),
      asks: s.asks.map(levelIn),
      bestBid: s.bestBid == null ? null : BigInt(s.bestBid),
      bestAsk: s.bestAsk == null ? null : BigInt(s.bestAsk),
      lastTrade: s.lastTrade
        ? {
            price: BigInt(s.lastTrade.price),
            amountWh: BigInt(s.lastTrade.amountWh),
            cost: BigInt(s.lastTrade.cost),
            signature: s.lastTrade.signature,
            slot: s.lastTrade.slot,
            filledAt: s.lastTrade.filledAt ? new Date(s.lastTrade.filledAt) : null,
          }
        : null,
      sequence: s.sequence,
      validUntil: s.validUntil ? new Date(s.validUntil) : null,
      builtAt: new Date(s.builtAt),
    },
  };
}

const cut = (s: BookSnapshot, depth: number): BookSnapshot => ({
  ...s,
  bids: s.bids.slice(0, depth),
  asks: s.asks.slice(0, depth),
});

export interface BookCacheOptions {
  /** null: no Redis (every read goes to PostgreSQL). */
  redis: Redis | null;
  /** Key prefix; default `gtx:book:`. */
  prefix?: string;
  ttlMs?: number;
  now?: () => Date;
  log?: (line: string) => void;
}

export type BookSource = "cache" | "database";

export interface BookCache {
  /** The book: from Redis when the cached snapshot is current, else rebuilt from PostgreSQL (and stored). */
  read(db: Db, p: { depth: number }): Promise<{ snapshot: BookSnapshot; source: BookSource }>;
  /** After the indexer committed a change to the book: invalidate, then rebuild (bursts coalesce). */
  invalidate(db: Db): Promise<void>;
  /** Rebuilds from PostgreSQL and stores it if nothing invalidated it meanwhile; answers whether it was stored. */
  rebuild(db: Db): Promise<{ snapshot: BookSnapshot; stored: boolean }>;
  readonly keys: { snapshot: string; gen: string };
}

export function createBookCache(options: BookCacheOptions): BookCache {
  const prefix = options.prefix ?? "gtx:book:";
  const keys = { snapshot: `${prefix}snapshot`, gen: `${prefix}gen` };
  const ttlMs = options.ttlMs ?? BOOK_CACHE_TTL_MS;
  const now = options.now ?? (() => new Date());
  const log = options.log ?? ((line: string) => console.error(line));
  const redis = options.redis;
  let warned = false;
  const redisFailed = (what: string, err: unknown) => {
    if (!warned) log(`[book-cache] ${what} failed, serving the book from PostgreSQL: ${String(err)}`);
    warned = true;
  };

  async function currentGen(): Promise<string | null> {
    if (!redis) return null;
    try {
      const g = await redis.get<string | number>(keys.gen);
      return g == null ? "0" : String(g);
    } catch (err) {
      redisFailed("GET gen", err);
      return null;
    }
  }

  async function rebuild(db: Db): Promise<{ snapshot: BookSnapshot; stored: boolean }> {
    const gen = await currentGen(); // before the database read: see WRITE_IF_GEN
    const snapshot = await getBookSnapshot(db, { now: now(), depth: BOOK_CACHE_DEPTH });
    if (!redis || gen == null) return { snapshot, stored: false };
    try {
      const ok = await redis.eval(WRITE_IF_GEN, [keys.snapshot, keys.gen], [encodeSnapshot(snapshot, gen), gen, String(ttlMs)]);
      warned = false;
      return { snapshot, stored: Number(ok) === 1 };
    } catch (err) {
      redisFailed("store", err);
      return { snapshot, stored: false };
    }
  }

  let running: Promise<void> | null = null;
  let again = false;
  async function refreshLoop(db: Db) {
    do {
      again = false;
      await rebuild(db).catch((err: unknown) => log(`[book-cache] rebuild failed: ${String(err)}`));
    } while (again);
  }

  return {
    keys,
    rebuild,
    async read(db, p) {
      if (redis) {
        try {
          const [raw, gen] = await redis.mget<[unknown, string | number | null]>(keys.snapshot, keys.gen);
          const hit = decodeSnapshot(raw);
          const current = gen == null ? "0" : String(gen);
          if (hit?.gen === current && (!hit.snapshot.validUntil || hit.snapshot.validUntil > now())) {
            warned = false;
            return { snapshot: cut(hit.snapshot, p.depth), source: "cache" };
          }
        } catch (err) {
          redisFailed("read", err);
          return { snapshot: await getBookSnapshot(db, { now: now(), depth: p.depth }), source: "database" };
        }
      }
      const { snapshot } = await rebuild(db);
      return { snapshot: cut(snapshot, p.depth), source: "database" };
    },
    async invalidate(db) {
      if (!redis) return;
      try {
        await redis.incr(keys.gen);
      } catch (err) {
        // Not invalidated: readers cannot tell, so drop the snapshot as well (best effort).
        redisFailed("INCR gen", err);
        await redis.del(keys.snapshot).catch(() => undefined);
        return;
      }
      if (running) {
        again = true;
        return running;
      }
      running = refreshLoop(db).finally(() => {
        running = null;
      });
      return running;
    },
  };
}

/**
 * The cache for a database: keys `gtx:book:<database name>:…`, so every app instance on one
 * PostgreSQL database shares one snapshot (and the indexer's invalidation), and the tests' own
 * databases never meet. An embedded PGlite (one process by design) gets a key of its own.
 */
const caches = new WeakMap<Db, Promise<BookCache>>();
export function bookCacheFor(db: Db): Promise<BookCache> {
  let c = caches.get(db);
  if (!c) {
    c = (async () => {
      const { redis } = await import("~/server/redis/client");
      const [row] = await rowsOf<{ d: string; v: string }>(db, sql`select current_database() as d, version() as v`);
      const name = row?.v.includes("PGlite") ? `pglite-${crypto.randomUUID()}` : (row?.d ?? "db");
      return createBookCache({ redis, prefix: `gtx:book:${name}:` });
    })();
    caches.set(db, c);
  }
  return c;
}

/** What the `orders` router serves. */
export async function readBook(db: Db, p: { depth: number }): Promise<{ snapshot: BookSnapshot; source: BookSource }> {
  return (await bookCacheFor(db)).read(db, p);
}

/**
 * The indexer's hook (server/indexer/background.ts): called for each notice it publishes after a
 * commit, before the notice goes out; a book channel invalidates and rebuilds the cache.
 */
export async function onIndexerNotice(db: Db, channel: string): Promise<void> {
  if (!BOOK_CHANNELS.has(channel)) return;
  await (await bookCacheFor(db)).invalidate(db);
}
