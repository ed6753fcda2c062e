/**
 * Property test over seeded random sequences of readings, settlements, status changes and clock
 * moves across several meters and owners, on the real programs. A model predicts every step's
 * outcome (success or the exact named error) and the meters' state; after every step:
 *
 *   GRID supply == Σ settled_net_gen == Σ owners' GRID balances
 *   settled_net_gen <= the highest max(0, production - consumption) the meter ever had
 *   (and, when every interval produces at least what it consumes, so that net generation never
 *    falls: settled_net_gen <= max(0, production - consumption) at every step)
 *
 * Why the second line is not "<= the current net": readings are facts about the past. When a
 * meter consumes more after a settlement, its net falls below what was already minted; the
 * program then mints nothing (mintable saturates at 0) until production has covered that deficit.
 */
import { describe, expect, it } from "vitest";
import { createAta, expectAnchorError, expectOk, mintSupply, tokenBalance, type TxResult } from "~/programs/harness";
import { gridMintAddress, userAddress } from "./client";
import { GridFixture, METER_ACTIVE, METER_SUSPENDED, T0, USER_ACTIVE, USER_SUSPENDED, type TestMeter } from "./fixture";
import { registryIdl } from "./idl/registry";

/** Deterministic xorshift32 so a failing seed reproduces. */
function rng(seed: number) {
  let s = seed >>> 0 || 1;
  const next = () => {
    s ^= s << 13;
    s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5;
    s >>>= 0;
    return s;
  };
  return { int: (lo: number, hi: number) => lo + (next() % (hi - lo + 1)), chance: (p: number) => next() / 2 ** 32 < p };
}

interface Model {
  m: TestMeter;
  cap: number;
  active: boolean;
  last: number;
  prod: bigint;
  cons: bigint;
  settled: bigint;
  peakNet: bigint;
}

const netOf = (x: { prod: bigint; cons: bigint }) => (x.prod > x.cons ? x.prod - x.cons : 0n);

async function run(seed: number, steps: number, monotone: boolean) {
  const rand = rng(seed);
  const f = await GridFixture.create();
  const owners = [await f.user(), await f.user(), await f.user()];
  const userActive = new Map(owners.map((o) => [o.publicKey.toBase58(), true]));
  const meters: Model[] = [];
  for (let i = 0; i < 6; i++) {
    const cap = rand.int(500, 10_000);
    const m = i === 5 ? await f.pendingMeter(owners[i % 3], { capacityW: cap }) : await f.activeMeter(owners[i % 3], { capacityW: cap });
    if (i === 5) createAta(f.chain, m.owner.publicKey, gridMintAddress());
    meters.push({ m, cap, active: i !== 5, last: 0, prod: 0n, cons: 0n, settled: 0n, peakNet: 0n });
  }
  let now = T0;
  const counts = { ok: 0, refused: 0, minted: 0n, settles: 0, deficitSteps: 0 };

  const expectOutcome = (r: TxResult, error: string | null) => {
    if (error === null) {
      expectOk(r);
      counts.ok++;
    } else {
      expectAnchorError(r, error, registryIdl);
      counts.refused++;
    }
  };

  for (let step = 0; step < steps; step++) {
    const roll = rand.int(0, 99);
    const x = meters[rand.int(0, meters.length - 1)]!;
    const owner = x.m.owner.publicKey.toBase58();
    if (roll < 50) {
      // a reading
      let ts: number;
      if (x.last > 0 && rand.chance(0.08)) ts = x.last - rand.int(0, 100); // stale or replayed time
      else if (rand.chance(0.05)) ts = now + 301 + rand.int(0, 100); // ahead of the clock
      else ts = x.last > 0 ? x.last + rand.int(1, 900) : now - rand.int(0, 600);
      const elapsed = x.last === 0 ? 3_600 : ts - x.last;
      const bound = elapsed > 0 ? Math.floor((x.cap * elapsed) / 3_600) : 0;
      const prod = rand.chance(0.12) ? bound + rand.int(1, 50) : rand.int(0, bound);
      const cons = monotone ? rand.int(0, prod) : rand.chance(0.4) ? rand.int(0, bound + 50) : rand.int(0, Math.floor(bound / 4));
      const error = !x.active
        ? "MeterNotActive"
        : ts <= x.last
          ? "StaleReading"
          : ts - now > 300
            ? "TimestampInFuture"
            : prod > bound
              ? "ProductionExceedsCapacity"
              : null;
      expectOutcome(await f.submit(x.m, { productionWh: prod, consumptionWh: cons, timestamp: ts }), error);
      if (error === null) {
        x.prod += BigInt(prod);
        x.cons += BigInt(cons);
        x.last = ts;
        const n = netOf(x);
        if (n > x.peakNet) x.peakNet = n;
      }
    } else if (roll < 78) {
      // a settlement
      const mintable = netOf(x) > x.settled ? netOf(x) - x.settled : 0n;
      const error = !x.active ? "MeterNotActive" : !userActive.get(owner) ? "UserNotActive" : mintable === 0n ? "NothingToSettle" : null;
      const before = tokenBalance(f.chain, x.m.ata);
      expectOutcome(await f.settle(x.m), error);
      if (error === null) {
        x.settled += mintable;
        counts.minted += mintable;
        counts.settles++;
        expect(tokenBalance(f.chain, x.m.ata) - before).toBe(mintable);
      } else expect(tokenBalance(f.chain, x.m.ata)).toBe(before);
    } else if (roll < 84 && (!x.active || rand.chance(0.3))) {
      // suspensions are rarer than reactivations, so most steps see active meters and users
      expectOk(f.chain.send(await f.setMeterStatusIx(x.m.meter, x.active ? METER_SUSPENDED : METER_ACTIVE), [f.admin]));
      x.active = !x.active;
    } else if (roll >= 84 && roll < 88 && (!userActive.get(owner) || rand.chance(0.3))) {
      const active = userActive.get(owner)!;
      expectOk(f.chain.send(await f.setUserStatusIx(userAddress(x.m.owner.publicKey), active ? USER_SUSPENDED : USER_ACTIVE), [f.admin]));
      userActive.set(owner, !active);
    } else {
      const dt = rand.int(1, 1_800);
      f.chain.advanceTime(dt);
      now += dt;
    }

    // invariants, every step
    let sumSettled = 0n;
    for (const y of meters) {
      const s = f.meterState(y.m.meter);
      expect({ prod: s.totalProduction, cons: s.totalConsumption, settled: s.settledNetGen, last: s.lastReadingAt }).toEqual({
        prod: y.prod,
        cons: y.cons,
        settled: y.settled,
        last: BigInt(y.last),
      });
      expect(s.settledNetGen <= y.peakNet).toBe(true);
      const net = netOf({ prod: s.totalProduction, cons: s.totalConsumption });
      if (monotone) expect(s.settledNetGen <= net).toBe(true);
      if (s.settledNetGen > net) counts.deficitSteps++;
      sumSettled += s.settledNetGen;
    }
    const supply = mintSupply(f.chain, gridMintAddress());
    expect(supply).toBe(sumSettled);
    const balances = owners.reduce((n, o) => n + tokenBalance(f.chain, meters.find((y) => y.m.owner === o)!.m.ata), 0n);
    expect(balances).toBe(supply);
  }
  return counts;
}

describe("property: GRID supply == Σ settled_net_gen, never more than the meters' net generation", () => {
  for (const seed of [0x9e3779b9, 20_261_124]) {
    it(`seed ${seed}: 400 random steps over 6 meters and 3 owners (deficits allowed)`, async () => {
      const c = await run(seed, 400, false);
      // The sequence must exercise both outcomes, or the property says little.
      expect(c.ok).toBeGreaterThan(60);
      expect(c.refused).toBeGreaterThan(30);
      expect(c.settles).toBeGreaterThan(10);
      expect(c.minted).toBeGreaterThan(0n);
      expect(c.deficitSteps).toBeGreaterThan(0); // consumption after a settlement did happen
    }, 180_000);
  }

  it("seed 7: 300 steps where no interval consumes more than it produces: settled <= current net at every step", async () => {
    const c = await run(7, 300, true);
    expect(c.settles).toBeGreaterThan(10);
    expect(c.deficitSteps).toBe(0);
  }, 180_000);
});
