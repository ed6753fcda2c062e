import { describe, expect, it } from "vitest";
import {
  estimateOrder,
  orderProblem,
  parseKwh,
  parsePrice,
  plainUnits,
  priceBand,
  tradesCsv,
  type MarketRules,
} from "./trade-math";

const rules: MarketRules = { minOrderWh: 1_000n, feeBps: 25, band: priceBand(4_200_000n, 3_000), paused: false, stale: false };

describe("trade math", () => {
  it("parses kWh to Wh and THB/kWh to base units exactly", () => {
    expect(parseKwh("2.5")).toBe(2_500n);
    expect(parseKwh("1")).toBe(1_000n);
    expect(parseKwh("0.001")).toBe(1n);
    expect(parseKwh("1.")).toBe(1_000n);
    for (const bad of ["", "1.0001", "-1", "abc", "1e3"]) expect(parseKwh(bad)).toBeNull();
    expect(parsePrice("4.00")).toBe(4_000_000n);
    expect(parsePrice("4.10")).toBe(4_100_000n);
    expect(parsePrice("0.000001")).toBe(1n);
    expect(parsePrice("4.1234567")).toBeNull();
  });

  it("the band is ceil / floor of ref × (1 ∓ band)", () => {
    expect(priceBand(4_200_000n, 3_000)).toEqual({ lower: 2_940_000n, upper: 5_460_000n });
    expect(priceBand(1_000_001n, 3_000)).toEqual({ lower: 700_001n, upper: 1_300_001n });
  });

  it("a sell of 2.5 kWh at 4.00 receives 10 THBC less a 0.25 % fee; a buy of 1 kWh at 4.10 locks 4.10", () => {
    expect(estimateOrder("sell", 2_500n, 4_000_000n, 25)).toEqual({ side: "sell", lock: 2_500n, cost: 10_000_000n, fee: 25_000n, net: 9_975_000n });
    expect(estimateOrder("buy", 1_000n, 4_100_000n, 25)).toEqual({ side: "buy", lock: 4_100_000n, cost: 4_100_000n, fee: 0n, net: 4_100_000n });
    // rounding: the buy's lock rounds up, a sell's cost down
    expect(estimateOrder("buy", 1_001n, 4_100_001n, 25).lock).toBe(4_104_102n);
    expect(estimateOrder("sell", 1_001n, 4_100_001n, 25).cost).toBe(4_104_101n);
  });

  it("names the first problem: amount, price, band, minimum, balance", () => {
    const base = { side: "sell" as const, amountText: "2.5", priceText: "4.00", rules, balance: 5_000n };
    expect(orderProblem(base)).toBeNull();
    expect(orderProblem({ ...base, amountText: "" })).toMatch(/Enter an amount/);
    expect(orderProblem({ ...base, amountText: "1.2345" })).toMatch(/at most 3 decimals/);
    expect(orderProblem({ ...base, amountText: "0.5" })).toMatch(/smallest order is 1 kWh/);
    expect(orderProblem({ ...base, priceText: "6" })).toMatch(/band 2.94 – 5.46 THB\/kWh/);
    expect(orderProblem({ ...base, balance: 2_000n })).toMatch(/You hold 2 GRID: you can sell at most 2 kWh/);
    expect(orderProblem({ ...base, side: "buy", balance: 9_999_999n })).toMatch(/locks 10 THBC and your wallet holds 9.999999 THBC/);
    expect(orderProblem({ ...base, rules: { ...rules, stale: true } })).toMatch(/OracleStale/);
    expect(orderProblem({ ...base, rules: { ...rules, paused: true } })).toMatch(/paused/);
  });

  it("CSV: exact decimals, fee and payer in their own columns, quoted when needed", () => {
    const csv = tradesCsv(
      [
        {
          filledAt: new Date("2026-12-04T10:00:00Z"),
          side: "sell",
          role: "maker",
          amountWh: 1_000n,
          price: 4_000_000n,
          cost: 4_000_000n,
          fee: 10_000n,
          feePayer: "ME",
          gridWh: -1_000n,
          thbcNet: 3_990_000n,
          counterparty: "BUYER",
          signature: "SIG",
        },
      ],
      "ME",
    );
    expect(csv.split("\n")[1]).toBe("2026-12-04T10:00:00.000Z,sell,maker,1,4,4,0.01,me,-1,3.99,BUYER,SIG");
    expect(plainUnits(-1_234_500n, 6)).toBe("-1.2345");
  });
});
