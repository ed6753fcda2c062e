import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { EngineError, MatchingEngine, fillCost, greenCompatible, makerSide, type OrderInput, type ProposedFill } from "./index";
import { ReferenceBook } from "./reference-book";
import { orderId, ownerId } from "./test-ids";

type Op =
  | { op: "add"; o: OrderInput }
  | { op: "cancel"; id: number }
  | { op: "fill"; buy: number; sell: number; wh: bigint }
  | { op: "applyProposed"; k: number }
  | { op: "expire"; now: bigint }
  | { op: "propose"; maxFills: number; now: bigint };

const orderArb = (tick: bigint) =>
  fc
    .record({
      id: fc.nat(11),
      side: fc.constantFrom("buy" as const, "sell" as const),
      owner: fc.nat(3),
      ticks: fc.integer({ min: 1, max: 8 }),
      offTick: fc.constantFrom(0n, 0n, 0n, 0n, 0n, 0n, 0n, 0n, 0n, 1n),
      remainingWh: fc.constantFrom(1n, 2n, 3n, 100n, 999n, 1000n, 2500n),
      createdAt: fc.bigInt({ min: 0n, max: 5n }),
      seq: fc.bigInt({ min: 0n, max: 2n }),
      life: fc.bigInt({ min: 1n, max: 8n }),
      // a green sell / a green-only buy (about one order in three); now and then the flag of the
      // other side, which both books refuse alike (INVALID_GREEN)
      green: fc.constantFrom(false, false, true),
      wrongFlag: fc.constantFrom(false, false, false, false, false, false, false, false, false, true),
    })
    .map(
      (r): OrderInput => ({
        id: orderId(r.id),
        side: r.side,
        owner: ownerId(r.owner),
        limitPrice: BigInt(r.ticks) * tick + (tick > 1n ? r.offTick : 0n),
        remainingWh: r.remainingWh,
        createdAt: r.createdAt,
        seq: r.seq,
        expiresAt: r.createdAt + r.life,
        ...(r.side === "sell" ? { green: r.green } : { greenOnly: r.green }),
        ...(r.wrongFlag ? (r.side === "sell" ? { greenOnly: true } : { green: true }) : {}),
      }),
    );

/** Orders the chain could hold: no flag on the wrong side. */
const validOrderArb = (tick: bigint) =>
  orderArb(tick).map((o): OrderInput => (o.side === "sell" ? { ...o, greenOnly: undefined } : { ...o, green: undefined }));

const opArb = (tick: bigint): fc.Arbitrary<Op> =>
  fc.oneof(
    { weight: 5, arbitrary: orderArb(tick).map((o) => ({ op: "add" as const, o })) },
    { weight: 1, arbitrary: fc.nat(11).map((id) => ({ op: "cancel" as const, id })) },
    {
      weight: 1,
      arbitrary: fc
        .record({ buy: fc.nat(11), sell: fc.nat(11), wh: fc.bigInt({ min: 0n, max: 1200n }) })
        .map((r) => ({ op: "fill" as const, ...r })),
    },
    { weight: 3, arbitrary: fc.nat(20).map((k) => ({ op: "applyProposed" as const, k })) },
    { weight: 1, arbitrary: fc.bigInt({ min: 0n, max: 12n }).map((now) => ({ op: "expire" as const, now })) },
    {
      weight: 3,
      arbitrary: fc
        .record({ maxFills: fc.integer({ min: 1, max: 20 }), now: fc.bigInt({ min: 0n, max: 12n }) })
        .map((r) => ({ op: "propose" as const, ...r })),
    },
  );

/** Run f on one book: its result, or the EngineError code it threw. */
function outcome(f: () => unknown): unknown {
  try {
    return { ok: f() };
  } catch (e) {
    if (e instanceof EngineError) return { error: e.code };
    throw e;
  }
}

describe("model: the engine against a naive reference book", () => {
  it("proposes the same fills, refuses the same inputs and has the same snapshot after every step", () => {
    fc.assert(
      fc.property(
        fc.constantFrom(1n, 5n, 250n).chain((tick) =>
          fc.tuple(fc.constant(tick), fc.constantFrom(0n, 30n), fc.array(opArb(tick), { maxLength: 60 })),
        ),
        ([tick, feeBps, ops]) => {
          const eng = new MatchingEngine({ tickSize: tick, feeBps });
          const ref = new ReferenceBook({ tickSize: tick, feeBps });
          let last: ProposedFill[] = [];
          for (const op of ops) {
            const run = (b: MatchingEngine | ReferenceBook) => {
              switch (op.op) {
                case "add":
                  return b.add(op.o);
                case "cancel":
                  return b.cancel(orderId(op.id));
                case "fill":
                  return b.applyFill(orderId(op.buy), orderId(op.sell), op.wh);
                case "applyProposed": {
                  const f = last[op.k % Math.max(1, last.length)];
                  return f === undefined ? null : b.applyFill(f.buyId, f.sellId, f.amountWh);
                }
                case "expire":
                  return b.expire(op.now);
                case "propose":
                  return b.proposeFills({ maxFills: op.maxFills, now: op.now });
              }
            };
            const a = outcome(() => run(eng));
            expect(outcome(() => run(ref))).toEqual(a);
            if (op.op === "propose") last = (a as { ok: ProposedFill[] }).ok;
            expect(eng.snapshot()).toEqual(ref.snapshot());
            expect(eng.orders()).toEqual(ref.orders());
          }
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe("invariants", () => {
  it("a proposed batch, applied, leaves no crossing pair the chain's rules would allow", () => {
    fc.assert(
      fc.property(fc.array(validOrderArb(1n), { maxLength: 40 }), fc.bigInt({ min: 0n, max: 10n }), (orders, now) => {
        const eng = new MatchingEngine();
        for (const o of orders) if (!eng.has(o.id)) eng.add(o);
        const fills = eng.proposeFills({ maxFills: 10_000, now });
        for (const f of fills) {
          // each fill passes match_orders' checks against the book as it stands
          const b = eng.get(f.buyId)!;
          const s = eng.get(f.sellId)!;
          expect(b.owner).not.toBe(s.owner);
          expect(greenCompatible(b, s), "GreenOnlyBuy").toBe(true);
          expect(f.green).toBe(s.green);
          expect(now < b.expiresAt && now < s.expiresAt).toBe(true);
          expect(b.limitPrice >= s.limitPrice).toBe(true);
          expect(f.amountWh > 0n && f.amountWh <= b.remainingWh && f.amountWh <= s.remainingWh).toBe(true);
          const m = makerSide(b.createdAt, s.createdAt);
          expect(f.price).toBe(m === "buy" ? b.limitPrice : s.limitPrice);
          expect(f.cost).toBe(fillCost(f.amountWh, f.price));
          expect(f.cost > 0n).toBe(true);
          eng.applyFill(f.buyId, f.sellId, f.amountWh);
        }
        const live = eng.orders().filter((o) => now < o.expiresAt);
        for (const b of live.filter((o) => o.side === "buy"))
          for (const s of live.filter((o) => o.side === "sell")) {
            if (b.owner === s.owner || b.limitPrice < s.limitPrice || !greenCompatible(b, s)) continue;
            const amount = b.remainingWh < s.remainingWh ? b.remainingWh : s.remainingWh;
            const p = makerSide(b.createdAt, s.createdAt) === "buy" ? b.limitPrice : s.limitPrice;
            expect(fillCost(amount, p), `${b.id} × ${s.id} still fillable`).toBe(0n);
          }
        expect(eng.proposeFills({ maxFills: 16, now })).toEqual([]);
      }),
      { numRuns: 300 },
    );
  });

  it("the same orders in any insertion order give the same fills and the same hash", () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(validOrderArb(1n), { maxLength: 30, selector: (o) => o.id }).chain((os) =>
          fc.tuple(fc.constant(os), fc.shuffledSubarray(os, { minLength: os.length, maxLength: os.length })),
        ),
        ([a, b]) => {
          const e1 = new MatchingEngine();
          const e2 = new MatchingEngine();
          for (const o of a) e1.add(o);
          for (const o of b) e2.add(o);
          expect(e2.hash()).toBe(e1.hash());
          expect(e2.proposeFills({ maxFills: 64, now: 3n })).toEqual(e1.proposeFills({ maxFills: 64, now: 3n }));
        },
      ),
      { numRuns: 200 },
    );
  });
});
