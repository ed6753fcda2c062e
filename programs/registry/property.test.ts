/**
 * Property tests (fast-check, with shrinking) on the real Registry and Energy Token programs.
 *
 * 1. Conservation under random operations: random readings (honest, stale, ahead of the clock,
 *    over capacity, registers going backwards), settlements, meter and user suspensions and
 *    clock moves across several meters and owners. A model predicts every step's outcome (success
 *    or the exact named error) and the meters' state; after every step, to the base unit:
 *
 *      GRID supply == Σ settled_net_gen == Σ owners' GRID balances
 *      total_production == Σ accepted register differences (a baseline adds nothing)
 *      settled_net_gen <= the highest max(0, production - consumption) the meter ever had
 *
 *    (Not "<= the current net": consumption after a settlement lowers the net below what was
 *    minted; the program then mints nothing until production has covered the deficit.)
 *
 * 2. Delivery does not change the energy: an honest meter's register trace, delivered in any
 *    order, with duplicates and drops, books exactly (latest delivered register − the first
 *    delivered one's) and mints max(0, ΔP − ΔC); no reading is booked twice, none beyond the
 *    registers, none refused for capacity.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { createAta, expectAnchorError, expectOk, mintSupply, tokenBalance, type TxResult } from "~/programs/harness";
import { userAddress } from "./client";
import { gridMintAddress } from "../energy_token/client";
import { GridFixture, METER_ACTIVE, METER_SUSPENDED, T0, USER_ACTIVE, USER_SUSPENDED, type TestMeter } from "./fixture";
import { registryIdl } from "./idl/registry";

interface MeterModel {
  m: TestMeter;
  cap: number;
  active: boolean;
  activatedAt: number;
  /** 0: no reading since activation (the next one is the baseline). */
  last: number;
  regP: bigint;
  regC: bigint;
  prod: bigint;
  cons: bigint;
  settled: bigint;
  peakNet: bigint;
}

const netOf = (x: { prod: bigint; cons: bigint }) => (x.prod > x.cons ? x.prod - x.cons : 0n);

type Command =
  | { kind: "reading"; meter: number; shape: "honest" | "stale" | "future" | "over" | "backwards"; dt: number; p: number; c: number }
  | { kind: "settle"; meter: number }
  | { kind: "toggleMeter"; meter: number }
  | { kind: "toggleUser"; owner: number }
  | { kind: "clock"; dt: number };

const METERS = 4;
const OWNERS = 2;
const command: fc.Arbitrary<Command> = fc.oneof(
  {
    weight: 6,
    arbitrary: fc.record({
      kind: fc.constant("reading" as const),
      meter: fc.nat(METERS - 1),
      shape: fc.constantFrom("honest", "honest", "honest", "stale", "future", "over", "backwards"),
      dt: fc.integer({ min: 1, max: 900 }),
      p: fc.double({ min: 0, max: 1, noNaN: true }),
      c: fc.double({ min: 0, max: 1.5, noNaN: true }),
    }),
  },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant("settle" as const), meter: fc.nat(METERS - 1) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant("toggleMeter" as const), meter: fc.nat(METERS - 1) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant("toggleUser" as const), owner: fc.nat(OWNERS - 1) }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant("clock" as const), dt: fc.integer({ min: 1, max: 1_800 }) }) },
);

async function runCommands(caps: number[], commands: Command[]) {
  const f = await GridFixture.create();
  const owners = [await f.user(), await f.user()];
  const userActive = owners.map(() => true);
  const meters: MeterModel[] = [];
  for (let i = 0; i < METERS; i++) {
    const m = await f.activeMeter(owners[i % OWNERS], { capacityW: caps[i]! });
    meters.push({ m, cap: caps[i]!, active: true, activatedAt: T0, last: 0, regP: 0n, regC: 0n, prod: 0n, cons: 0n, settled: 0n, peakNet: 0n });
  }
  let now = T0;
  const outcome = (r: TxResult, error: string | null) => (error === null ? expectOk(r) : expectAnchorError(r, error, registryIdl));

  for (const cmd of commands) {
    if (cmd.kind === "reading") {
      const x = meters[cmd.meter]!;
      const from = x.last === 0 ? Math.max(x.activatedAt, now - 300) : x.last;
      let ts = x.last === 0 ? from : Math.min(x.last + cmd.dt, now + 300);
      if (cmd.shape === "stale") ts = x.last === 0 ? x.activatedAt - cmd.dt : x.last - (cmd.dt % 100);
      if (cmd.shape === "future") ts = now + 301 + (cmd.dt % 100);
      const elapsed = x.last === 0 ? 0 : ts - x.last;
      const bound = elapsed > 0 ? BigInt(Math.floor((x.cap * elapsed) / 3_600)) : 0n;
      let dp = BigInt(Math.floor(Number(bound) * cmd.p));
      if (cmd.shape === "over") dp = bound + 1n;
      const dc = BigInt(Math.floor(Number(bound + 10n) * cmd.c));
      let regP = x.regP + dp;
      const regC = x.regC + dc;
      if (cmd.shape === "backwards" && x.last !== 0 && x.regP > 0n) regP = x.regP - 1n;
      const baseline = x.last === 0;
      const error = !x.active
        ? "MeterNotActive"
        : ts - now > 300
          ? "TimestampInFuture"
          : baseline
            ? ts < x.activatedAt
              ? "ReadingBeforeActivation"
              : null
            : ts <= x.last
              ? "StaleReading"
              : regP < x.regP || regC < x.regC
                ? "RegisterDecreased"
                : regP - x.regP > bound
                  ? "ProductionExceedsCapacity"
                  : null;
      outcome(await f.submit(x.m, { productionRegisterWh: regP, consumptionRegisterWh: regC, timestamp: ts }), error);
      if (error === null) {
        if (!baseline) {
          x.prod += regP - x.regP;
          x.cons += regC - x.regC;
        }
        x.regP = regP;
        x.regC = regC;
        x.last = ts;
        if (netOf(x) > x.peakNet) x.peakNet = netOf(x);
      }
    } else if (cmd.kind === "settle") {
      const x = meters[cmd.meter]!;
      const mintable = netOf(x) > x.settled ? netOf(x) - x.settled : 0n;
      const error = !x.active
        ? "MeterNotActive"
        : !userActive[cmd.meter % OWNERS]
          ? "UserNotActive"
          : mintable === 0n
            ? "NothingToSettle"
            : null;
      const before = tokenBalance(f.chain, x.m.ata);
      outcome(await f.settle(x.m), error);
      if (error === null) x.settled += mintable;
      expect(tokenBalance(f.chain, x.m.ata) - before).toBe(error === null ? mintable : 0n);
    } else if (cmd.kind === "toggleMeter") {
      const x = meters[cmd.meter]!;
      expectOk(f.chain.send(await f.setMeterStatusIx(x.m.meter, x.active ? METER_SUSPENDED : METER_ACTIVE), [f.admin]));
      x.active = !x.active;
      if (x.active) {
        x.activatedAt = now; // a new baseline: what it measured while suspended is never minted
        x.last = 0;
      }
    } else if (cmd.kind === "toggleUser") {
      const o = owners[cmd.owner]!;
      const active = userActive[cmd.owner]!;
      expectOk(f.chain.send(await f.setUserStatusIx(userAddress(o.publicKey), active ? USER_SUSPENDED : USER_ACTIVE), [f.admin]));
      userActive[cmd.owner] = !active;
    } else {
      f.chain.advanceTime(cmd.dt);
      now += cmd.dt;
    }

    // invariants, every step, to the Wh
    let sumSettled = 0n;
    for (const y of meters) {
      const s = f.meterState(y.m.meter);
      expect({ prod: s.totalProduction, cons: s.totalConsumption, settled: s.settledNetGen, last: s.lastReadingAt, regP: s.productionRegister }).toEqual({
        prod: y.prod,
        cons: y.cons,
        settled: y.settled,
        last: BigInt(y.last),
        regP: y.regP,
      });
      expect(s.settledNetGen <= y.peakNet).toBe(true);
      sumSettled += s.settledNetGen;
    }
    const supply = mintSupply(f.chain, gridMintAddress());
    expect(supply).toBe(sumSettled);
    const atas = [...new Set(meters.map((y) => y.m.ata.toBase58()))];
    expect(atas.length).toBe(OWNERS);
    expect(owners.reduce((n, o) => n + tokenBalance(f.chain, meters.find((y) => y.m.owner === o)!.m.ata), 0n)).toBe(supply);
  }
}

/** An honest meter's trace: readings every `dt` seconds whose increments respect its capacity. */
const trace = fc
  .array(
    fc.record({ dt: fc.integer({ min: 1, max: 3_600 }), p: fc.double({ min: 0, max: 1, noNaN: true }), c: fc.nat(3_000) }),
    { minLength: 2, maxLength: 12 },
  )
  .map((steps) => {
    const cap = 5_000;
    let ts = T0;
    let regP = 1_000_000n; // a meter that has been running for years: its registers start high
    let regC = 400_000n;
    return steps.map((s, i) => {
      if (i > 0) {
        ts += s.dt;
        regP += BigInt(Math.floor(Math.floor((cap * s.dt) / 3_600) * s.p));
        regC += BigInt(s.c);
      }
      return { ts, regP, regC };
    });
  });

describe("property: conservation under random readings, settlements and suspensions", () => {
  it("GRID supply == Σ settled == Σ balances; totals == Σ accepted register differences; settled <= peak net", async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.integer({ min: 0, max: 10_000 }), { minLength: METERS, maxLength: METERS }), fc.array(command, { minLength: 1, maxLength: 60 }), runCommands),
      { numRuns: 25 },
    );
  }, 300_000);
});

describe("property: reordered, duplicated and dropped readings book the same energy", () => {
  it("total = latest delivered register − first delivered register; minted = max(0, ΔP − ΔC)", async () => {
    await fc.assert(
      fc.asyncProperty(
        trace.chain((t) => fc.tuple(fc.constant(t), fc.array(fc.nat(t.length - 1), { minLength: 1, maxLength: 3 * t.length }))),
        async ([readings, delivery]) => {
          const f = await GridFixture.create();
          const m = await f.activeMeter(undefined, { capacityW: 5_000 });
          createAta(f.chain, m.owner.publicKey, gridMintAddress());
          f.chain.advanceTime(readings[readings.length - 1]!.ts - T0); // every reading is in the past
          let accepted: number | null = null;
          let first: number | null = null;
          for (const i of delivery) {
            const r = readings[i]!;
            const res = await f.submit(m, { productionRegisterWh: r.regP, consumptionRegisterWh: r.regC, timestamp: r.ts });
            if (accepted === null || r.ts > readings[accepted]!.ts) {
              expectOk(res);
              first ??= i;
              accepted = i;
            } else expectAnchorError(res, "StaleReading", registryIdl);
          }
          const s = f.meterState(m.meter);
          const dP = readings[accepted!]!.regP - readings[first!]!.regP;
          const dC = readings[accepted!]!.regC - readings[first!]!.regC;
          expect([s.totalProduction, s.totalConsumption]).toEqual([dP, dC]);
          const settled = await f.settle(m);
          if (dP > dC) {
            expectOk(settled);
            expect(tokenBalance(f.chain, m.ata)).toBe(dP - dC);
          } else expectAnchorError(settled, "NothingToSettle", registryIdl);
          expect(mintSupply(f.chain, gridMintAddress())).toBe(tokenBalance(f.chain, m.ata));
        },
      ),
      { numRuns: 30 },
    );
  }, 300_000);
});
