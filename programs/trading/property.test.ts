/**
 * Property test (fast-check, with shrinking) on the real Trading and Oracle programs: random
 * sequences of create (random side, amount, price in and out of the band, expiry), match
 * (one or two fills of random pairs and amounts, partial and over), cancel, close, clock moves (orders expire, the oracle goes stale), oracle refreshes and pause toggles
 * across three traders. A model predicts every step's outcome (success or the exact named error);
 * after every step, to the base unit:
 *
 *   GRID: Σ traders' GRID + GRID vault                       == GRID deposited
 *   THBC: Σ traders' THBC + THBC vault + fee account         == THBC deposited
 *   GRID vault == Σ open orders (a sell's lock + a buy's settled GRID)
 *   THBC vault == Σ open orders (a buy's lock + settled THBC + fee owed)
 *   every order's lock is exactly what its remainder needs (sell: remaining Wh; buy:
 *   ceil(remaining × limit / 1000), never less than remaining × limit / 1000), and its settled
 *   amounts and fee owed are the model's; every trader's balances are the model's
 *   a closed or cancelled order leaves no account behind
 *
 *   no order fills beyond its amount; every fill's price lies within both limits (the maker's)
 *   fee account + Σ fee owed == the fees the model charged (floor(cost × fee_bps / 10,000) per fill)
 */
import type { PublicKey } from "@solana/web3.js";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { expectAnchorError, expectOk } from "~/programs/harness";
import { buyLock } from "./client";
import { CONFIG, GRID_FUNDS, RETAIL, THBC_FUNDS, TradingFixture, type Trader } from "./fixture";
import { tradingIdl } from "./idl/trading";

type Command =
  | {
      kind: "create";
      trader: number;
      sell: boolean;
      amountWh: number;
      priceBps: number;
      ttl: number;
    }
  | { kind: "cancel"; pick: number; byOther: boolean }
  | { kind: "match"; fills: { buy: number; sell: number; part: number }[] }
  | { kind: "close"; pick: number }
  | { kind: "clock"; dt: number }
  | { kind: "refresh" }
  | { kind: "pause" };

const TRADERS = 3;
const command: fc.Arbitrary<Command> = fc.oneof(
  {
    weight: 8,
    arbitrary: fc.record({
      kind: fc.constant("create" as const),
      trader: fc.nat(TRADERS - 1),
      sell: fc.boolean(),
      // around min_order_wh (1,000) and up to 100 kWh
      amountWh: fc.oneof(
        fc.integer({ min: 990, max: 1_010 }),
        fc.integer({ min: 1, max: 100_000 }),
        fc.integer({ min: 1_000, max: 20_000 }),
      ),
      // the limit as a fraction of the retail price, in bps: the band is ±3,000
      priceBps: fc.oneof(
        { weight: 6, arbitrary: fc.integer({ min: 8_500, max: 11_500 }) },
        { weight: 1, arbitrary: fc.integer({ min: 6_990, max: 7_010 }) },
        { weight: 1, arbitrary: fc.integer({ min: 12_990, max: 13_010 }) },
        { weight: 1, arbitrary: fc.integer({ min: 5_000, max: 15_000 }) },
      ),
      ttl: fc.integer({ min: 1, max: 20_000 }),
    }),
  },
  {
    weight: 3,
    arbitrary: fc.record({
      kind: fc.constant("cancel" as const),
      pick: fc.nat(),
      byOther: fc.boolean(),
    }),
  },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant("close" as const), pick: fc.nat() }) },
  {
    weight: 8,
    arbitrary: fc.record({
      kind: fc.constant("match" as const),
      // part: the amount as a fraction of the smaller remainder, in 1/1000 (above 1000: overfill)
      fills: fc.array(
        fc.record({ buy: fc.nat(), sell: fc.nat(), part: fc.integer({ min: 0, max: 1_100 }) }),
        { minLength: 1, maxLength: 2 },
      ),
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant("clock" as const),
      dt: fc.oneof(fc.integer({ min: 1, max: 600 }), fc.integer({ min: 1, max: 4_000 })),
    }),
  },
  { weight: 3, arbitrary: fc.constant({ kind: "refresh" as const }) },
  { weight: 1, arbitrary: fc.constant({ kind: "pause" as const }) },
);

/** Across all runs: how many fills settled and how many were refused (the generator must reach both). */
const tally = {
  fills: 0,
  refusedMatches: 0,
  partial: 0,
  creates: 0,
  createRefused: 0,
  matchSkipped: 0,
  cmds: 0,
};

interface OpenOrder {
  owner: number;
  id: bigint;
  sell: boolean;
  amountWh: bigint;
  filledWh: bigint;
  limit: bigint;
  createdAt: bigint;
  lock: bigint;
  settledGrid: bigint;
  settledThbc: bigint;
  feeOwed: bigint;
  expiresAt: bigint;
  order: PublicKey;
}

async function run(cmds: Command[]): Promise<void> {
  const f = await TradingFixture.create();
  const traders: Trader[] = [];
  for (let i = 0; i < TRADERS; i++) traders.push(f.trader());
  const open: OpenOrder[] = [];
  const gone: OpenOrder[] = [];
  const paused = false;
  let fees = 0n;
  // the model's balance of every trader's GRID and THBC account
  const wallet = traders.map(() => ({ grid: GRID_FUNDS, thbc: THBC_FUNDS }));
  /** What cancel / close pays `o`'s owner, into the model. */
  const payOut = (o: OpenOrder) => {
    const w = wallet[o.owner]!;
    w.grid += o.settledGrid + (o.sell ? o.lock : 0n);
    w.thbc += o.settledThbc + (o.sell ? 0n : o.lock);
  };
  let oracleAt = f.chain.getAccount(f.oracle.oracle) ? f.oracle.state().updatedAt : 0n;
  let nextId = 1n;
  const band = BigInt(CONFIG.priceBandBps);
  const lo = (RETAIL * (10_000n - band) + 9_999n) / 10_000n;
  const hi = (RETAIL * (10_000n + band)) / 10_000n;

  const check = () => {
    let grid = f.balance(f.gridVault);
    let thbc = f.balance(f.thbcVault) + f.balance(f.feeAccount);
    traders.forEach((t, i) => {
      expect(f.balance(t.grid)).toBe(wallet[i]!.grid);
      expect(f.balance(t.thbc)).toBe(wallet[i]!.thbc);
      grid += f.balance(t.grid);
      thbc += f.balance(t.thbc);
    });
    let gridHeld = 0n;
    let thbcHeld = 0n;
    let owed = 0n;
    for (const o of open) {
      const rem = o.amountWh - o.filledWh;
      if (o.sell) expect(o.lock).toBe(rem);
      else {
        expect(o.lock).toBe(buyLock(rem, o.limit));
        expect(o.lock * 1000n >= rem * o.limit).toBe(true);
      }
      expect(f.orderState(o.order)).toMatchObject({
        filledWh: o.filledWh,
        locked: o.lock,
        settledGrid: o.settledGrid,
        settledThbc: o.settledThbc,
        feeOwed: o.feeOwed,
      });
      gridHeld += o.settledGrid + (o.sell ? o.lock : 0n);
      thbcHeld += o.settledThbc + o.feeOwed + (o.sell ? 0n : o.lock);
      owed += o.feeOwed;
    }
    for (const o of gone) expect(f.chain.getAccount(o.order)).toBeNull();
    expect(f.balance(f.gridVault)).toBe(gridHeld);
    expect(f.balance(f.thbcVault)).toBe(thbcHeld);
    expect(f.balance(f.feeAccount) + owed).toBe(fees);
    expect(grid).toBe(f.deposited.grid);
    expect(thbc).toBe(f.deposited.thbc);
    expect(f.deposited.grid).toBe(GRID_FUNDS * BigInt(TRADERS));
    expect(f.deposited.thbc).toBe(THBC_FUNDS * BigInt(TRADERS));
  };

  for (const c of cmds) {
    tally.cmds++;
    const now = f.now();
    if (c.kind === "create") {
      const t = traders[c.trader]!;
      const price = (RETAIL * BigInt(c.priceBps)) / 10_000n;
      const amountWh = BigInt(c.amountWh);
      const id = nextId++;
      const tx = await f.createTx(t, {
        side: c.sell ? "sell" : "buy",
        id,
        amountWh,
        limitPrice: price,
        ttl: c.ttl,
      });
      const r = f.sendCreate(tx);
      const expected = paused
        ? "MarketPaused"
        : amountWh < CONFIG.minOrderWh
          ? "OrderTooSmall"
          : now - oracleAt > BigInt(CONFIG.maxOracleAgeSecs)
            ? "OracleStale"
            : price < lo || price > hi
              ? "PriceOutsideBand"
              : null;
      if (expected) {
        expectAnchorError(r, expected, tradingIdl);
        tally.createRefused++;
      } else {
        tally.creates++;
        expectOk(r);
        const lock = c.sell ? amountWh : buyLock(amountWh, price);
        if (!c.sell)
          expect(lock * 1000n >= amountWh * price && (lock - 1n) * 1000n < amountWh * price).toBe(
            true,
          );
        if (c.sell) wallet[c.trader]!.grid -= lock;
        else wallet[c.trader]!.thbc -= lock;
        open.push({
          owner: c.trader,
          id,
          sell: c.sell,
          amountWh,
          filledWh: 0n,
          limit: price,
          createdAt: now,
          lock,
          settledGrid: 0n,
          settledThbc: 0n,
          feeOwed: 0n,
          expiresAt: now + BigInt(c.ttl),
          order: tx.order,
        });
      }
    } else if (c.kind === "cancel") {
      if (open.length === 0) continue;
      const i = c.pick % open.length;
      const o = open[i]!;
      const owner = traders[o.owner]!;
      if (c.byOther) {
        const other = traders[(o.owner + 1) % TRADERS]!;
        const ix = await f.cancelIx(owner, o.id, {
          owner: other.kp.publicKey,
          ownerGrid: other.grid,
          ownerThbc: other.thbc,
        });
        expectAnchorError(f.chain.send(ix, [other.kp]), "NotOrderOwner", tradingIdl);
      } else {
        expectOk(f.chain.send(await f.cancelIx(owner, o.id), [owner.kp]));
        payOut(o);
        gone.push(...open.splice(i, 1));
      }
    } else if (c.kind === "close") {
      if (open.length === 0) continue;
      const i = c.pick % open.length;
      const o = open[i]!;
      const r = f.chain.send(await f.closeIx(traders[o.owner]!, o.id));
      if (now >= o.expiresAt || o.filledWh === o.amountWh) {
        expectOk(r);
        payOut(o);
        gone.push(...open.splice(i, 1));
      } else expectAnchorError(r, "OrderStillOpen", tradingIdl);
    } else if (c.kind === "match") {
      const buys = open.filter((o) => !o.sell);
      const sells = open.filter((o) => o.sell);
      if (buys.length === 0 || sells.length === 0) {
        tally.matchSkipped++;
        continue;
      }
      // the model's copy, updated fill by fill (a second fill sees the first)
      const state = new Map(open.map((o) => [o, { ...o }]));
      const fills = [];
      let expected: string | null = paused ? "MarketPaused" : null;
      const effects: { b: OpenOrder; s: OpenOrder; price: bigint; amount: bigint }[] = [];
      for (const x of c.fills) {
        const b = buys[x.buy % buys.length]!;
        const sl = sells[x.sell % sells.length]!;
        const mb = state.get(b)!;
        const ms = state.get(sl)!;
        const rem = [mb.amountWh - mb.filledWh, ms.amountWh - ms.filledWh];
        const smaller = rem[0]! < rem[1]! ? rem[0]! : rem[1]!;
        const amount = (smaller * BigInt(x.part)) / 1000n;
        fills.push(f.fill(traders[b.owner]!, b.id, traders[sl.owner]!, sl.id, amount));
        if (expected) continue;
        const price = mb.createdAt < ms.createdAt ? mb.limit : ms.limit;
        const err =
          b.owner === sl.owner
            ? "SelfTrade"
            : now >= mb.expiresAt || now >= ms.expiresAt
              ? "OrderExpired"
              : rem[0] === 0n || rem[1] === 0n
                ? "OrderNotOpen"
                : amount === 0n || amount > rem[0]! || amount > rem[1]!
                  ? "Overfill"
                  : mb.limit < ms.limit
                    ? "PricesDoNotCross"
                    : (amount * price) / 1000n === 0n
                      ? "FillTooSmall"
                      : null;
        if (err) {
          expected = err;
          continue;
        }
        const cost = (amount * price) / 1000n;
        const fee = (cost * BigInt(CONFIG.feeBps)) / 10_000n;
        mb.filledWh += amount;
        ms.filledWh += amount;
        // the buy keeps what its remainder needs; the rest of the cost's lock is credited back
        const keep = buyLock(mb.amountWh - mb.filledWh, mb.limit);
        const release = mb.lock - cost - keep;
        expect(release >= 0n).toBe(true); // rounding never lets a lock run short
        mb.lock = keep;
        mb.settledGrid += amount;
        mb.settledThbc += release;
        ms.lock -= amount;
        ms.settledThbc += cost - fee;
        ms.feeOwed += fee;
        effects.push({ b: mb, s: ms, price, amount });
      }
      const r = f.chain.send(f.matchIx(fills));
      if (expected) {
        expectAnchorError(r, expected, tradingIdl);
        tally.refusedMatches++;
      } else {
        expectOk(r);
        tally.fills += effects.length;
        tally.partial += effects.filter(
          (e) => e.b.filledWh < e.b.amountWh || e.s.filledWh < e.s.amountWh,
        ).length;
        for (const [i, e] of effects.entries()) {
          const cost = (e.amount * e.price) / 1000n;
          fees += (cost * BigInt(CONFIG.feeBps)) / 10_000n;
          expect(e.price >= e.s.limit && e.price <= e.b.limit).toBe(true);
          const ev = f.events(r)[i]!.data as { price: { toString(): string } };
          expect(BigInt(ev.price.toString())).toBe(e.price);
        }
        for (const o of open) {
          Object.assign(o, state.get(o)!);
          expect(o.filledWh <= o.amountWh).toBe(true);
        }
      }
    } else if (c.kind === "clock") {
      f.advance(c.dt);
    } else if (c.kind === "refresh") {
      await f.refreshOracle();
      oracleAt = f.oracle.state().updatedAt;
    } else {
      // a pause refuses new orders and fills, never cancels; then the market reopens
      await f.pause(true);
      const t = traders[0]!;
      expectAnchorError(
        f.sendCreate(await f.createTx(t, { id: nextId++ })),
        "MarketPaused",
        tradingIdl,
      );
      const b = open.find((o) => !o.sell);
      const sl = open.find((o) => o.sell);
      if (b && sl) {
        const fill = f.fill(traders[b.owner]!, b.id, traders[sl.owner]!, sl.id, 1n);
        expectAnchorError(f.chain.send(f.matchIx([fill])), "MarketPaused", tradingIdl);
      }
      check();
      await f.pause(false);
    }
    check();
  }
}

describe("conservation under random create / match / cancel / close / expire", () => {
  it("GRID and THBC are conserved to the base unit; the vaults hold exactly what the open orders hold", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(command, { minLength: 10, maxLength: 40, size: "max" }),
        async (cmds) => run(cmds),
      ),
      { numRuns: 25 },
    );
    expect(tally.fills).toBeGreaterThan(0);
    expect(tally.partial).toBeGreaterThan(0);
    expect(tally.refusedMatches).toBeGreaterThan(0);
  }, 300_000);
});
