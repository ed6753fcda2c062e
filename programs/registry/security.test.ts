/**
 * Issue 10's attacks, replayed against the real programs: each one now fails with its named
 * error and mints nothing.
 *  1. A backdated first reading (timestamp = 1) so the capacity bound measures decades.
 *  2. A first reading with a huge register (the meter claims its lifetime's energy).
 *  3. Front-running initialize on a fresh deployment (registry, energy_token; oracle in
 *     programs/oracle/admin.test.ts).
 *  4. Readings delivered out of order lose nothing (the next register covers them).
 */
import { describe, expect, it } from "vitest";
import { expectAnchorError, expectOk, mintSupply, tokenBalance } from "~/programs/harness";
import { registryAddress } from "./client";
import { gridMintAddress, tokenConfigAddress } from "../energy_token/client";
import { GridFixture, T0 } from "./fixture";
import { energyTokenIdl } from "../energy_token/idl/energy_token";
import { registryIdl } from "./idl/registry";

describe("issue 10: attacks on minting", () => {
  it("1. a backdated first reading is refused (ReadingBeforeActivation); the attack's second reading then has no baseline to measure from", async () => {
    const f = await GridFixture.create();
    f.chain.advanceTime(600); // minutes after activation
    const m = await f.activeMeter(undefined, { capacityW: 5_000 });
    const activatedAt = Number(f.meterState(m.meter).activatedAt);
    const before = f.chain.snapshot([m.meter]);
    expectAnchorError(await f.submit(m, { productionRegisterWh: 0, consumptionRegisterWh: 0, timestamp: 1 }), "ReadingBeforeActivation", registryIdl);
    expect(f.chain.snapshot([m.meter])).toEqual(before);
    // The attack's second step: the "now" reading with ~2.45e9 Wh is accepted only as a baseline.
    const huge = BigInt(Math.floor((5_000 * (activatedAt - 1)) / 3_600));
    expectOk(await f.submit(m, { productionRegisterWh: huge, consumptionRegisterWh: 0, timestamp: activatedAt }));
    expect(f.meterState(m.meter).totalProduction).toBe(0n);
    expectAnchorError(await f.settle(m), "NothingToSettle", registryIdl);
    expect(mintSupply(f.chain, gridMintAddress())).toBe(0n);
  });

  it("2. a huge first register is the baseline: settle mints nothing (NothingToSettle); only what is measured afterwards mints", async () => {
    const f = await GridFixture.create();
    const m = await f.activeMeter(undefined, { capacityW: 5_000 });
    expectOk(await f.submit(m, { productionRegisterWh: 10n ** 15n, consumptionRegisterWh: 0, timestamp: T0 }));
    expectAnchorError(await f.settle(m), "NothingToSettle", registryIdl);
    f.chain.advanceTime(3_600);
    expectAnchorError(
      await f.submit(m, { productionRegisterWh: 10n ** 15n + 5_001n, consumptionRegisterWh: 0, timestamp: T0 + 3_600 }),
      "ProductionExceedsCapacity",
      registryIdl,
    );
    expectOk(await f.submit(m, { productionRegisterWh: 10n ** 15n + 5_000n, consumptionRegisterWh: 0, timestamp: T0 + 3_600 }));
    expectOk(await f.settle(m));
    expect(tokenBalance(f.chain, m.ata)).toBe(5_000n);
  });

  it("3. a stranger cannot initialize Registry or Energy Token first (NotDeployAuthority); the deploy authority then can", async () => {
    const f = await GridFixture.create({ initialize: false });
    const stranger = f.chain.newKeypair();
    const asStranger = { payer: stranger.publicKey, deployer: stranger.publicKey };
    expectAnchorError(
      f.chain.send(await f.initRegistryIx(stranger.publicKey, asStranger), [stranger], { feePayer: stranger }),
      "NotDeployAuthority",
      registryIdl,
    );
    expectAnchorError(
      f.chain.send(await f.initEnergyTokenIx(stranger.publicKey, stranger.publicKey), [stranger], { feePayer: stranger }),
      "NotDeployAuthority",
      energyTokenIdl,
    );
    expect(f.chain.getAccount(registryAddress())).toBeNull();
    expect(f.chain.getAccount(tokenConfigAddress())).toBeNull();
    expectOk(f.chain.send(await f.initEnergyTokenIx(f.chain.payer.publicKey), [f.deployer]));
    expectOk(f.chain.send(await f.initRegistryIx(f.admin.publicKey), [f.deployer]));
    expect(f.registryState().authority.equals(f.admin.publicKey)).toBe(true);
  });

  it("4. readings delivered out of order book the same total as in order", async () => {
    const totals: bigint[] = [];
    for (const order of [
      [0, 1, 2, 3],
      [0, 2, 1, 3],
      [0, 3, 1, 2],
    ]) {
      const f = await GridFixture.create();
      const m = await f.activeMeter(undefined, { capacityW: 5_000 });
      f.chain.advanceTime(3 * 900);
      const regs = [0, 1_000, 2_500, 3_000].map((p, i) => ({ productionRegisterWh: p, consumptionRegisterWh: 0, timestamp: T0 + i * 900 }));
      for (const i of order) await f.submit(m, regs[i]!);
      totals.push(f.meterState(m.meter).totalProduction);
    }
    expect(totals).toEqual([3_000n, 3_000n, 3_000n]);
  });
});
