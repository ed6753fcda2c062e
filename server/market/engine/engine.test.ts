import { describe, expect, it } from "vitest";
import { EngineError, MatchingEngine, canonicalText, type EngineErrorCode, type OrderInput } from "./index";
import { orderId, ownerId } from "./test-ids";

const THB = 1_000_000n; // THBC base units per THB

/** An order with defaults: 1 kWh at 4 THB/kWh, created at 100, expiring at 1,000. */
function order(n: number, o: Partial<OrderInput> & { side: OrderInput["side"] }): OrderInput {
  return {
    id: orderId(n),
    owner: ownerId(n),
    limitPrice: 4n * THB,
    remainingWh: 1000n,
    createdAt: 100n,
    expiresAt: 1000n,
    ...o,
  };
}

function codeOf(f: () => unknown): EngineErrorCode | "no error" | "not an EngineError" {
  try {
    f();
    return "no error";
  } catch (e) {
    return e instanceof EngineError ? e.code : "not an EngineError";
  }
}

const NOW = 200n;
const propose = (e: MatchingEngine, maxFills = 16, now = NOW) => e.proposeFills({ maxFills, now });
const pairs = (e: MatchingEngine, maxFills = 16, now = NOW) =>
  propose(e, maxFills, now).map((f) => [f.buyId, f.sellId, f.amountWh, f.price]);

describe("inputs", () => {
  const e = () => new MatchingEngine({ tickSize: 10_000n });

  it("refuses bad orders with stable codes and leaves the book unchanged", () => {
    const eng = e();
    eng.add(order(1, { side: "buy" }));
    const before = eng.hash();
    const cases: [Partial<OrderInput>, EngineErrorCode][] = [
      [{ limitPrice: 0n }, "INVALID_PRICE"],
      [{ limitPrice: -10_000n }, "INVALID_PRICE"],
      [{ limitPrice: 4_000_000 as unknown as bigint }, "INVALID_PRICE"],
      [{ limitPrice: 1n << 64n }, "INVALID_PRICE"],
      [{ limitPrice: 4_005_000n }, "OFF_TICK"],
      [{ remainingWh: 0n }, "INVALID_AMOUNT"],
      [{ remainingWh: -1n }, "INVALID_AMOUNT"],
      [{ remainingWh: 5 as unknown as bigint }, "INVALID_AMOUNT"],
      [{ id: "not base58 0OIl" }, "INVALID_ORDER_ID"],
      [{ id: "short" }, "INVALID_ORDER_ID"],
      [{ owner: "" }, "INVALID_OWNER"],
      [{ side: "bid" as "buy" }, "INVALID_SIDE"],
      [{ createdAt: 1.5 as unknown as bigint }, "INVALID_TIME"],
      [{ expiresAt: 1n << 63n }, "INVALID_TIME"],
      [{ seq: -1n }, "INVALID_TIME"],
      [{ expiresAt: 100n }, "INVALID_EXPIRY"],
      [{ expiresAt: 99n }, "INVALID_EXPIRY"],
      [{ greenOnly: true }, "INVALID_GREEN"],
      [{ green: "yes" as unknown as boolean }, "INVALID_GREEN"],
    ];
    for (const [patch, code] of cases) expect(codeOf(() => eng.add(order(2, { side: "sell", ...patch }))), code).toBe(code);
    expect(codeOf(() => eng.add(order(3, { side: "buy", green: true })))).toBe("INVALID_GREEN");
    expect(codeOf(() => eng.add(order(3, { side: "buy", greenOnly: 1 as unknown as boolean })))).toBe("INVALID_GREEN");
    expect(codeOf(() => eng.add(order(1, { side: "sell" })))).toBe("DUPLICATE_ORDER");
    expect(eng.hash()).toBe(before);
    expect(eng.size).toBe(1);
  });

  it("refuses bad engine options, unknown orders, bad fills and bad proposal options", () => {
    expect(codeOf(() => new MatchingEngine({ tickSize: 0n }))).toBe("INVALID_TICK_SIZE");
    expect(codeOf(() => new MatchingEngine({ tickSize: -5n }))).toBe("INVALID_TICK_SIZE");
    expect(codeOf(() => new MatchingEngine({ feeBps: 10_001n }))).toBe("INVALID_FEE_BPS");
    const eng = e();
    eng.add(order(1, { side: "buy" }));
    eng.add(order(2, { side: "sell" }));
    const before = eng.hash();
    expect(codeOf(() => eng.cancel(orderId(9)))).toBe("UNKNOWN_ORDER");
    expect(codeOf(() => eng.cancel("x"))).toBe("INVALID_ORDER_ID");
    expect(codeOf(() => eng.applyFill(orderId(2), orderId(1), 1n))).toBe("WRONG_SIDE");
    expect(codeOf(() => eng.applyFill(orderId(1), orderId(1), 1n))).toBe("WRONG_SIDE");
    expect(codeOf(() => eng.applyFill(orderId(1), orderId(9), 1n))).toBe("UNKNOWN_ORDER");
    expect(codeOf(() => eng.applyFill(orderId(1), orderId(2), 0n))).toBe("INVALID_AMOUNT");
    expect(codeOf(() => eng.applyFill(orderId(1), orderId(2), 1001n))).toBe("OVERFILL");
    expect(codeOf(() => eng.proposeFills({ maxFills: 0, now: NOW }))).toBe("INVALID_MAX_FILLS");
    expect(codeOf(() => eng.proposeFills({ maxFills: 1.5, now: NOW }))).toBe("INVALID_MAX_FILLS");
    expect(codeOf(() => eng.proposeFills({ maxFills: 1, now: 200 as unknown as bigint }))).toBe("INVALID_TIME");
    expect(codeOf(() => eng.expire(-(1n << 64n)))).toBe("INVALID_TIME");
    expect(codeOf(() => eng.snapshot({ depth: 0 }))).toBe("INVALID_DEPTH");
    expect(eng.hash()).toBe(before);
  });

  it("accepts every price on the grid, and any price with the default tick of 1", () => {
    const eng = e();
    eng.add(order(1, { side: "buy", limitPrice: 10_000n }));
    eng.add(order(2, { side: "buy", limitPrice: 4_010_000n }));
    const any = new MatchingEngine();
    any.add(order(1, { side: "buy", limitPrice: 4_000_001n }));
    expect(any.bestBid()).toBe(4_000_001n);
  });
});

describe("price-time priority", () => {
  it("orders each side by price, then created_at, then seq, then id, whatever the insertion order", () => {
    const eng = new MatchingEngine();
    eng.add(order(5, { side: "buy", limitPrice: 4n * THB, createdAt: 100n, seq: 7n }));
    eng.add(order(4, { side: "buy", limitPrice: 4n * THB, createdAt: 100n, seq: 7n }));
    eng.add(order(3, { side: "buy", limitPrice: 4n * THB, createdAt: 100n, seq: 2n }));
    eng.add(order(2, { side: "buy", limitPrice: 4n * THB, createdAt: 90n, seq: 9n }));
    eng.add(order(1, { side: "buy", limitPrice: 3n * THB, createdAt: 10n }));
    eng.add(order(6, { side: "buy", limitPrice: 5n * THB, createdAt: 500n }));
    expect(eng.orders("buy").map((o) => o.id)).toEqual([6, 2, 3, 4, 5, 1].map(orderId));
    eng.add(order(11, { side: "sell", limitPrice: 5n * THB, createdAt: 1n }));
    eng.add(order(12, { side: "sell", limitPrice: 6n * THB, createdAt: 1n }));
    eng.add(order(13, { side: "sell", limitPrice: 5n * THB, createdAt: 0n }));
    expect(eng.orders("sell").map((o) => o.id)).toEqual([13, 11, 12].map(orderId));
  });

  it("fills the best prices first and, at one price, the earliest order first", () => {
    const eng = new MatchingEngine();
    eng.add(order(1, { side: "sell", limitPrice: 4_100_000n, remainingWh: 500n, createdAt: 10n }));
    eng.add(order(2, { side: "sell", limitPrice: 4_000_000n, remainingWh: 300n, createdAt: 20n }));
    eng.add(order(3, { side: "sell", limitPrice: 4_000_000n, remainingWh: 300n, createdAt: 15n }));
    eng.add(order(4, { side: "buy", limitPrice: 4_100_000n, remainingWh: 1000n, createdAt: 30n }));
    expect(pairs(eng)).toEqual([
      [orderId(4), orderId(3), 300n, 4_000_000n],
      [orderId(4), orderId(2), 300n, 4_000_000n],
      [orderId(4), orderId(1), 400n, 4_100_000n],
    ]);
  });

  it("serves the older of the best bid and the best ask first", () => {
    // X: bid 1 (t=1) and ask 11 (t=2) cross each other; bid 2 and ask 12 cross both.
    const x = ownerId(100);
    const build = (bidFirst: boolean) => {
      const eng = new MatchingEngine();
      eng.add(order(1, { side: "buy", owner: x, limitPrice: 110n * 1000n, createdAt: bidFirst ? 1n : 3n }));
      eng.add(order(11, { side: "sell", owner: x, limitPrice: 100n * 1000n, createdAt: bidFirst ? 3n : 1n }));
      eng.add(order(2, { side: "buy", limitPrice: 108n * 1000n, createdAt: 5n }));
      eng.add(order(12, { side: "sell", limitPrice: 105n * 1000n, createdAt: 5n }));
      return eng;
    };
    // the bid is older: it skips its owner's ask and takes ask 12; ask 11 then meets bid 2
    expect(pairs(build(true))).toEqual([
      [orderId(1), orderId(12), 1000n, 110_000n],
      [orderId(2), orderId(11), 1000n, 100_000n],
    ]);
    // the ask is older: it skips its owner's bid and takes bid 2; bid 1 then meets ask 12 (and,
    // created first, is its maker)
    expect(pairs(build(false))).toEqual([
      [orderId(2), orderId(11), 1000n, 100_000n],
      [orderId(1), orderId(12), 1000n, 110_000n],
    ]);
  });
});

describe("the chain's rules of a fill", () => {
  it("prices a fill at the maker's limit: the order created first, the sell on a tie", () => {
    const at = (buyAt: bigint, sellAt: bigint, seqs: [bigint, bigint] = [0n, 0n]) => {
      const eng = new MatchingEngine();
      eng.add(order(1, { side: "buy", limitPrice: 4_200_000n, createdAt: buyAt, seq: seqs[0] }));
      eng.add(order(2, { side: "sell", limitPrice: 4_000_000n, createdAt: sellAt, seq: seqs[1] }));
      const [f] = propose(eng);
      return [f!.maker, f!.makerId, f!.price, f!.cost];
    };
    expect(at(10n, 11n)).toEqual(["buy", orderId(1), 4_200_000n, 4_200_000n]);
    expect(at(11n, 10n)).toEqual(["sell", orderId(2), 4_000_000n, 4_000_000n]);
    expect(at(10n, 10n)).toEqual(["sell", orderId(2), 4_000_000n, 4_000_000n]);
    // the seq tiebreak orders the queue, never the price: a tie in created_at is the sell's
    expect(at(10n, 10n, [0n, 5n])).toEqual(["sell", orderId(2), 4_000_000n, 4_000_000n]);
  });

  it("never proposes a self-trade and keeps the skipped order's place", () => {
    const eng = new MatchingEngine();
    const me = ownerId(50);
    eng.add(order(1, { side: "buy", owner: me, limitPrice: 4_100_000n, createdAt: 1n }));
    eng.add(order(11, { side: "sell", owner: me, limitPrice: 4_000_000n, createdAt: 2n }));
    eng.add(order(12, { side: "sell", limitPrice: 4_050_000n, createdAt: 3n, remainingWh: 400n }));
    eng.add(order(2, { side: "buy", limitPrice: 4_000_000n, createdAt: 4n }));
    const fills = propose(eng);
    expect(fills.map((f) => [f.buyId, f.sellId, f.amountWh])).toEqual([
      [orderId(1), orderId(12), 400n],
      [orderId(2), orderId(11), 1000n],
    ]);
    expect(fills.every((f) => f.buyOwner !== f.sellOwner)).toBe(true);
    // one owner alone on both sides: nothing
    const solo = new MatchingEngine();
    solo.add(order(1, { side: "buy", owner: me, limitPrice: 4_100_000n }));
    solo.add(order(2, { side: "sell", owner: me, limitPrice: 4_000_000n }));
    expect(propose(solo)).toEqual([]);
  });

  it("never pairs a green-only buy with a plain sell; a green sell fills any buy", () => {
    const eng = new MatchingEngine();
    eng.add(order(1, { side: "buy", greenOnly: true, limitPrice: 4_200_000n, createdAt: 1n }));
    eng.add(order(2, { side: "buy", limitPrice: 4_100_000n, createdAt: 2n }));
    eng.add(order(11, { side: "sell", limitPrice: 4_000_000n, createdAt: 3n, remainingWh: 500n }));
    eng.add(order(12, { side: "sell", green: true, limitPrice: 4_050_000n, createdAt: 4n, remainingWh: 2000n }));
    const fills = propose(eng);
    // the green-only best bid skips the cheaper plain ask for the green one; the plain ask is left
    // to the plain bid behind it, which then takes the rest of the green ask
    expect(fills.map((f) => [f.buyId, f.sellId, f.amountWh, f.price, f.green])).toEqual([
      [orderId(1), orderId(12), 1000n, 4_200_000n, true],
      [orderId(2), orderId(11), 500n, 4_100_000n, false],
      [orderId(2), orderId(12), 500n, 4_100_000n, true],
    ]);
    expect(eng.get(orderId(1))).toMatchObject({ greenOnly: true, green: false });
    expect(eng.get(orderId(12))).toMatchObject({ green: true, greenOnly: false });
  });

  it("a green-only best bid with no green ask blocks nobody; it keeps its place", () => {
    const eng = new MatchingEngine();
    eng.add(order(1, { side: "buy", greenOnly: true, limitPrice: 4_200_000n, createdAt: 1n }));
    eng.add(order(2, { side: "buy", limitPrice: 4_100_000n, createdAt: 5n }));
    eng.add(order(11, { side: "sell", limitPrice: 4_000_000n, createdAt: 3n }));
    expect(pairs(eng)).toEqual([[orderId(2), orderId(11), 1000n, 4_000_000n]]);
    // the ask older than both bids drives: it passes over the green-only bid the same way
    const older = new MatchingEngine();
    older.add(order(1, { side: "buy", greenOnly: true, limitPrice: 4_200_000n, createdAt: 5n }));
    older.add(order(2, { side: "buy", limitPrice: 4_100_000n, createdAt: 6n }));
    older.add(order(11, { side: "sell", limitPrice: 4_000_000n, createdAt: 1n }));
    expect(pairs(older)).toEqual([[orderId(2), orderId(11), 1000n, 4_000_000n]]);
    // alone with plain sells, a green-only buy is never proposed
    const only = new MatchingEngine();
    only.add(order(1, { side: "buy", greenOnly: true, limitPrice: 4_200_000n }));
    only.add(order(11, { side: "sell", limitPrice: 4_000_000n }));
    expect(propose(only)).toEqual([]);
    // a green ask arriving later is the green-only bid's, even behind a cheaper plain ask
    only.add(order(12, { side: "sell", green: true, limitPrice: 4_100_000n, createdAt: 150n }));
    expect(pairs(only)).toEqual([[orderId(1), orderId(12), 1000n, 4_200_000n]]);
  });

  it("the green flags are part of the book's hash", () => {
    const a = new MatchingEngine();
    const b = new MatchingEngine();
    a.add(order(11, { side: "sell" }));
    b.add(order(11, { side: "sell", green: true }));
    expect(a.hash()).not.toBe(b.hash());
    const c = new MatchingEngine();
    c.add(order(11, { side: "sell", green: false }));
    expect(c.hash()).toBe(a.hash());
  });

  it("never proposes an expired order (the chain refuses from expires_at on)", () => {
    const eng = new MatchingEngine();
    eng.add(order(1, { side: "buy", limitPrice: 4_100_000n, expiresAt: 300n }));
    eng.add(order(2, { side: "buy", limitPrice: 4_000_000n, expiresAt: 900n }));
    eng.add(order(11, { side: "sell", limitPrice: 4_000_000n, expiresAt: 500n }));
    expect(pairs(eng, 16, 299n)).toEqual([[orderId(1), orderId(11), 1000n, 4_000_000n]]);
    expect(pairs(eng, 16, 300n)).toEqual([[orderId(2), orderId(11), 1000n, 4_000_000n]]);
    expect(pairs(eng, 16, 500n)).toEqual([]);
  });

  it("skips a pair whose cost rounds to 0 (FillTooSmall) for one that pays", () => {
    const eng = new MatchingEngine();
    // 1 Wh at 999 per kWh costs floor(0.999) = 0; at the buyer's 1,000 (buyer is maker) it costs 1
    eng.add(order(11, { side: "sell", limitPrice: 999n, remainingWh: 1n, createdAt: 5n }));
    eng.add(order(1, { side: "buy", limitPrice: 999n, remainingWh: 5n, createdAt: 6n }));
    eng.add(order(2, { side: "buy", limitPrice: 1000n, remainingWh: 5n, createdAt: 1n }));
    const fills = propose(eng);
    expect(fills.map((f) => [f.buyId, f.sellId, f.amountWh, f.price, f.cost])).toEqual([
      [orderId(2), orderId(11), 1n, 1000n, 1n],
    ]);
    const dust = new MatchingEngine();
    dust.add(order(11, { side: "sell", limitPrice: 999n, remainingWh: 1n }));
    dust.add(order(1, { side: "buy", limitPrice: 999n, remainingWh: 5n }));
    expect(propose(dust)).toEqual([]);
  });

  it("proposes amounts within what remains, counting earlier fills of the same batch", () => {
    const eng = new MatchingEngine();
    eng.add(order(1, { side: "buy", limitPrice: 4_000_000n, remainingWh: 2500n, createdAt: 1n }));
    eng.add(order(11, { side: "sell", limitPrice: 4_000_000n, remainingWh: 1000n, createdAt: 2n }));
    eng.add(order(12, { side: "sell", limitPrice: 4_000_000n, remainingWh: 1000n, createdAt: 3n }));
    eng.add(order(13, { side: "sell", limitPrice: 4_000_000n, remainingWh: 1000n, createdAt: 4n }));
    const fills = propose(eng);
    // the same buy in three fills of one batch: the chain allows it (the second sees the first)
    expect(fills.map((f) => [f.sellId, f.amountWh])).toEqual([
      [orderId(11), 1000n],
      [orderId(12), 1000n],
      [orderId(13), 500n],
    ]);
    expect(fills.reduce((s, f) => s + f.amountWh, 0n)).toBe(2500n);
  });

  it("proposes fills smaller than min_order_wh: the minimum binds create_order, not a fill", () => {
    const eng = new MatchingEngine();
    eng.add(order(1, { side: "buy", remainingWh: 1n }));
    eng.add(order(11, { side: "sell", remainingWh: 1000n }));
    expect(pairs(eng)).toEqual([[orderId(1), orderId(11), 1n, 4_000_000n]]);
  });

  it("honours maxFills and returns fills in priority order", () => {
    const eng = new MatchingEngine();
    for (let i = 0; i < 20; i++) {
      eng.add(order(i, { side: "buy", remainingWh: 100n, createdAt: BigInt(i) }));
      eng.add(order(100 + i, { side: "sell", remainingWh: 100n, createdAt: BigInt(i) }));
    }
    const fills = propose(eng, 16);
    expect(fills).toHaveLength(16);
    expect(fills.map((f) => f.buyId)).toEqual(Array.from({ length: 16 }, (_, i) => orderId(i)));
    expect(fills.map((f) => f.sellId)).toEqual(Array.from({ length: 16 }, (_, i) => orderId(100 + i)));
    expect(propose(eng, 3)).toEqual(fills.slice(0, 3));
  });

  it("itemises the seller's fee at fee_bps", () => {
    const eng = new MatchingEngine({ feeBps: 25n });
    eng.add(order(1, { side: "buy", limitPrice: 4_100_000n, remainingWh: 1000n, createdAt: 1n }));
    eng.add(order(11, { side: "sell", limitPrice: 4_000_000n, remainingWh: 2500n, createdAt: 2n }));
    const [f] = propose(eng);
    expect([f!.price, f!.cost, f!.fee]).toEqual([4_100_000n, 4_100_000n, 10_250n]);
  });
});

describe("a dry run, then what the chain did", () => {
  it("proposeFills changes nothing; applying its fills empties the crossing", () => {
    const eng = new MatchingEngine();
    eng.add(order(1, { side: "buy", limitPrice: 4_100_000n, remainingWh: 1500n, createdAt: 1n }));
    eng.add(order(11, { side: "sell", limitPrice: 4_000_000n, remainingWh: 1000n, createdAt: 2n }));
    eng.add(order(12, { side: "sell", limitPrice: 4_050_000n, remainingWh: 1000n, createdAt: 3n }));
    const snap = eng.snapshot();
    const fills = propose(eng);
    expect(propose(eng)).toEqual(fills);
    expect(eng.snapshot()).toEqual(snap);
    for (const f of fills) eng.applyFill(f.buyId, f.sellId, f.amountWh);
    expect(propose(eng)).toEqual([]);
    expect(eng.orders().map((o) => [o.id, o.remainingWh])).toEqual([[orderId(12), 500n]]);
  });

  it("applyFill reduces both orders and removes a filled one; level totals follow", () => {
    const eng = new MatchingEngine();
    eng.add(order(1, { side: "buy", remainingWh: 1000n }));
    eng.add(order(2, { side: "buy", remainingWh: 700n, createdAt: 101n }));
    eng.add(order(11, { side: "sell", limitPrice: 4_000_000n, remainingWh: 400n }));
    expect(eng.applyFill(orderId(1), orderId(11), 400n)).toEqual({ buyRemainingWh: 600n, sellRemainingWh: 0n });
    expect(eng.has(orderId(11))).toBe(false);
    expect(eng.bestAsk()).toBeNull();
    expect(eng.get(orderId(1))?.remainingWh).toBe(600n);
    expect(eng.snapshot().bids).toEqual([{ price: 4_000_000n, totalWh: 1300n, orderCount: 2, cumulativeWh: 1300n }]);
  });

  it("cancel removes in place and returns the order; the same PDA can come back later", () => {
    const eng = new MatchingEngine();
    eng.add(order(1, { side: "buy", expiresAt: 300n }));
    eng.add(order(2, { side: "buy", createdAt: 101n }));
    eng.add(order(3, { side: "buy", createdAt: 102n }));
    expect(eng.cancel(orderId(2)).id).toBe(orderId(2));
    expect(eng.orders("buy").map((o) => o.id)).toEqual([orderId(1), orderId(3)]);
    eng.cancel(orderId(1));
    // closed and re-created at the same address with a later expiry: the old expiry is gone
    eng.add(order(1, { side: "buy", createdAt: 400n, expiresAt: 900n }));
    expect(eng.expire(500n)).toEqual([]);
    expect(eng.orders("buy").map((o) => o.id)).toEqual([orderId(3), orderId(1)]);
  });

  it("expire removes every order with expires_at ≤ now, in (expires_at, id) order", () => {
    const eng = new MatchingEngine();
    eng.add(order(3, { side: "buy", expiresAt: 300n }));
    eng.add(order(1, { side: "sell", expiresAt: 300n, limitPrice: 9n * THB }));
    eng.add(order(2, { side: "buy", expiresAt: 250n }));
    eng.add(order(4, { side: "buy", expiresAt: 301n }));
    expect(eng.expire(299n)).toEqual([orderId(2)]);
    expect(eng.expire(300n)).toEqual([orderId(1), orderId(3)]);
    expect(eng.expire(300n)).toEqual([]);
    expect(eng.orders().map((o) => o.id)).toEqual([orderId(4)]);
  });
});

describe("snapshot and hash", () => {
  function book(reverse: boolean) {
    const eng = new MatchingEngine({ tickSize: 10_000n, feeBps: 20n });
    const orders = [
      order(1, { side: "buy", limitPrice: 4_000_000n, remainingWh: 1000n }),
      order(2, { side: "buy", limitPrice: 4_000_000n, remainingWh: 500n, createdAt: 101n }),
      order(3, { side: "buy", limitPrice: 3_990_000n, remainingWh: 250n }),
      order(11, { side: "sell", limitPrice: 4_100_000n, remainingWh: 2000n }),
      order(12, { side: "sell", limitPrice: 4_200_000n, remainingWh: 100n }),
    ];
    for (const o of reverse ? orders.reverse() : orders) eng.add(o);
    return eng;
  }

  it("levels per side, best first, with counts and cumulative totals; depth limits them", () => {
    const s = book(false).snapshot();
    expect(s.bids).toEqual([
      { price: 4_000_000n, totalWh: 1500n, orderCount: 2, cumulativeWh: 1500n },
      { price: 3_990_000n, totalWh: 250n, orderCount: 1, cumulativeWh: 1750n },
    ]);
    expect(s.asks).toEqual([
      { price: 4_100_000n, totalWh: 2000n, orderCount: 1, cumulativeWh: 2000n },
      { price: 4_200_000n, totalWh: 100n, orderCount: 1, cumulativeWh: 2100n },
    ]);
    expect([s.bestBid, s.bestAsk, s.orderCount, s.tickSize]).toEqual([4_000_000n, 4_100_000n, 5, 10_000n]);
    const top = book(false).snapshot({ depth: 1 });
    expect([top.bids.length, top.asks.length, top.hash]).toEqual([1, 1, s.hash]);
    const empty = new MatchingEngine().snapshot();
    expect([empty.bids, empty.asks, empty.bestBid, empty.bestAsk]).toEqual([[], [], null, null]);
  });

  it("the hash depends on the book, not on the order orders were added in", () => {
    expect(book(true).hash()).toBe(book(false).hash());
    const a = book(false);
    a.applyFill(orderId(1), orderId(11), 1n);
    expect(a.hash()).not.toBe(book(false).hash());
    expect(new MatchingEngine({ tickSize: 10_000n, feeBps: 20n }).hash()).not.toBe(new MatchingEngine().hash());
  });

  it("pins the canonical text the hash is taken over", () => {
    const eng = new MatchingEngine({ tickSize: 10_000n });
    eng.add(order(1, { side: "buy", limitPrice: 4_000_000n, seq: 77n }));
    eng.add(order(2, { side: "buy", limitPrice: 3_000_000n, greenOnly: true }));
    eng.add(order(11, { side: "sell", limitPrice: 4_100_000n, remainingWh: 5n }));
    eng.add(order(12, { side: "sell", limitPrice: 4_200_000n, remainingWh: 5n, green: true }));
    expect(canonicalText({ tickSize: 10_000n, feeBps: 0n }, eng.orders("buy"), eng.orders("sell"))).toBe(
      "gridtokenx-engine-book-v2 tick=10000 fee_bps=0\n" +
        `buy ${orderId(1)} ${ownerId(1)} 4000000 1000 100 77 1000 plain\n` +
        `buy ${orderId(2)} ${ownerId(2)} 3000000 1000 100 0 1000 green_only\n` +
        `sell ${orderId(11)} ${ownerId(11)} 4100000 5 100 0 1000 plain\n` +
        `sell ${orderId(12)} ${ownerId(12)} 4200000 5 100 0 1000 green\n`,
    );
    expect(eng.hash()).toMatch(/^[0-9a-f]{64}$/);
  });
});

describe("structure", () => {
  it("keeps priority right through many levels emptied and refilled (dead levels, compaction)", () => {
    const eng = new MatchingEngine();
    for (let round = 0; round < 3; round++) {
      for (let p = 1; p <= 200; p++) eng.add(order(round * 1000 + p, { side: "sell", limitPrice: BigInt(p) * 1000n }));
      // empty every level but every 7th, from the middle out
      for (let p = 1; p <= 200; p++) if (p % 7 !== 0) eng.cancel(orderId(round * 1000 + p));
      expect(eng.bestAsk()).toBe(7000n);
      expect(eng.snapshot().asks.map((l) => [l.price, l.orderCount])).toEqual(
        Array.from({ length: 28 }, (_, i) => [BigInt(i + 1) * 7000n, round + 1]),
      );
      expect(eng.orders("sell").slice(0, round + 1).map((o) => o.id)).toEqual(
        Array.from({ length: round + 1 }, (_, r) => orderId(r * 1000 + 7)),
      );
    }
    for (const o of eng.orders()) eng.cancel(o.id);
    expect([eng.size, eng.bestAsk(), eng.snapshot().asks]).toEqual([0, null, []]);
  });

  it("cancels from a 50,000-order level in place", () => {
    const eng = new MatchingEngine();
    for (let i = 0; i < 50_000; i++) eng.add(order(i, { side: "buy", createdAt: BigInt(i) + 1n, expiresAt: 1n << 40n }));
    eng.cancel(orderId(25_000));
    eng.cancel(orderId(0));
    eng.cancel(orderId(49_999));
    const [level] = eng.snapshot().bids;
    expect([level!.orderCount, level!.totalWh]).toEqual([49_997, 49_997n * 1000n]);
    expect(eng.orders("buy")[0]!.id).toBe(orderId(1));
  });
});
