/**
 * submit_reading on LiteSVM with the real .so: the meter's Ed25519 signature (made by
 * lib/meter-reading with node:crypto) verified on chain over its cumulative registers; the
 * baseline (first reading since activation) mints nothing and may not be older than the
 * activation; later readings add register differences bounded by capacity over elapsed time;
 * registers never decrease; inactive meters, overflow, account checks — each refusal with its
 * named error and no account changed. Forged attestations: forgery.test.ts. The attack of
 * issue 10 (backdated first reading) and reordering: security.test.ts.
 */
import { Keypair, PublicKey, SystemProgram, type TransactionInstruction } from "@solana/web3.js";
import { beforeEach, describe, expect, it } from "vitest";
import { expectAnchorError, expectCu, expectOk, expectUnchanged, type TxResult } from "~/programs/harness";
import { signReading, type MeterReading } from "~/lib/meter-reading";
import { registryAddress, submitReadingInstructions, userAddress } from "./client";
import { GridFixture, METER_ACTIVE, METER_SUSPENDED, T0, USER_SUSPENDED, type TestMeter } from "./fixture";
import { registryIdl } from "./idl/registry";

const U64_MAX = (1n << 64n) - 1n;
/**
 * Measured 1,428 CU (1,280-1,300 before the Registry's total_production joined: its checks and the
 * add cost ~130); the brief's ceiling is 8,000 (the Ed25519 precompile itself aside).
 */
const SUBMIT_CU = 1_500;

describe("registry: submit_reading", () => {
  let f: GridFixture;
  let m: TestMeter;
  /** Registers (cumulative Wh) at `timestamp`. */
  const reg = (production: bigint | number, consumption: bigint | number, timestamp: number) => ({
    productionRegisterWh: production,
    consumptionRegisterWh: consumption,
    timestamp,
  });
  const snap = () => f.chain.snapshot([m.meter, userAddress(m.owner.publicKey), m.owner.publicKey]);
  const refused = (r: TxResult, name: string, before: ReturnType<typeof snap>) => {
    expectAnchorError(r, name, registryIdl);
    expectUnchanged(f.chain, before);
  };

  beforeEach(async () => {
    f = await GridFixture.create();
    m = await f.activeMeter(undefined, { capacityW: 5_000 });
  });

  it("the first reading is the baseline: registers stored, totals unchanged, ReadingSubmitted with baseline = true", async () => {
    const server = f.chain.newKeypair();
    const r = expectOk(await f.submit(m, reg(1_234_567, 89_000, T0), { feePayer: server }));
    const s = f.meterState(m.meter);
    expect([s.totalProduction, s.totalConsumption, s.readingCount, s.lastReadingAt]).toEqual([0n, 0n, 1n, BigInt(T0)]);
    expect([s.productionRegister, s.consumptionRegister, s.activatedAt]).toEqual([1_234_567n, 89_000n, BigInt(T0)]);
    const events = f.chain.events(f.registry, r);
    expect(events).toHaveLength(1);
    const e = events[0]!;
    expect(e.name).toBe("readingSubmitted");
    expect(e.data.baseline).toBe(true);
    expect([String(e.data.productionWh), String(e.data.consumptionWh)]).toEqual(["0", "0"]);
    expect([String(e.data.productionRegister), String(e.data.consumptionRegister)]).toEqual(["1234567", "89000"]);
    expectCu(r, { max: SUBMIT_CU });
  });

  it("a later reading adds the register differences; ReadingSubmitted carries deltas, registers and totals", async () => {
    expectOk(await f.submit(m, reg(10_000, 2_000, T0)));
    f.chain.advanceTime(3_600);
    const r = expectOk(await f.submit(m, reg(11_200, 2_300, T0 + 3_600)));
    const s = f.meterState(m.meter);
    expect([s.totalProduction, s.totalConsumption, s.readingCount, s.lastReadingAt]).toEqual([1_200n, 300n, 2n, BigInt(T0 + 3_600)]);
    const e = f.chain.events(f.registry, r)[0]!;
    expect(e.data.baseline).toBe(false);
    expect((e.data.meter as PublicKey).equals(m.meter)).toBe(true);
    expect((e.data.owner as PublicKey).equals(m.owner.publicKey)).toBe(true);
    expect([String(e.data.productionWh), String(e.data.consumptionWh), String(e.data.timestamp)]).toEqual(["1200", "300", String(T0 + 3_600)]);
    expect([String(e.data.productionRegister), String(e.data.consumptionRegister)]).toEqual(["11200", "2300"]);
    expect([String(e.data.totalProduction), String(e.data.totalConsumption)]).toEqual(["1200", "300"]);
    expectCu(r, { max: SUBMIT_CU });
  });

  it("bounds each production difference by capacity over the time since the previous reading (ProductionExceedsCapacity)", async () => {
    expectOk(await f.submit(m, reg(0, 0, T0)));
    let before = snap();
    refused(await f.submit(m, reg(84, 0, T0 + 60)), "ProductionExceedsCapacity", before); // floor(5000*60/3600) = 83
    expectOk(await f.submit(m, reg(83, 20, T0 + 60)));
    before = snap();
    refused(await f.submit(m, reg(85, 20, T0 + 61)), "ProductionExceedsCapacity", before); // 1 s: 1 Wh
    const r = expectOk(await f.submit(m, reg(84, 1_000_020, T0 + 61))); // consumption is not capped
    expectCu(r, { max: SUBMIT_CU });
    const s = f.meterState(m.meter);
    expect([s.totalProduction, s.totalConsumption, s.readingCount]).toEqual([84n, 1_000_020n, 3n]);
  });

  it("refuses registers that go backwards, production or consumption (RegisterDecreased)", async () => {
    expectOk(await f.submit(m, reg(500, 500, T0)));
    const before = snap();
    refused(await f.submit(m, reg(499, 500, T0 + 60)), "RegisterDecreased", before);
    refused(await f.submit(m, reg(500, 499, T0 + 60)), "RegisterDecreased", before);
    expectOk(await f.submit(m, reg(500, 500, T0 + 60))); // equal registers: nothing measured, accepted
  });

  it("a zero-capacity meter may report consumption only", async () => {
    const c = await f.meterWithBaseline(undefined, { capacityW: 0 });
    const before = f.chain.snapshot([c.meter]);
    expectAnchorError(await f.submit(c, reg(1, 0, T0 + 10)), "ProductionExceedsCapacity", registryIdl);
    expectUnchanged(f.chain, before);
    expectOk(await f.submit(c, reg(0, 777, T0 + 10)));
    expect(f.meterState(c.meter).totalConsumption).toBe(777n);
  });

  it("refuses the same signed reading replayed (StaleReading), whoever pays", async () => {
    expectOk(await f.submit(m, reg(0, 0, T0)));
    const ixs = await f.readingIxs({ meterId: m.meterId, ...reg(50, 10, T0 + 60) }, m.key);
    expectOk(f.chain.send(ixs));
    const before = snap();
    refused(f.chain.send(ixs), "StaleReading", before);
    refused(f.chain.send(ixs, [], { feePayer: f.chain.newKeypair() }), "StaleReading", before);
  });

  it("refuses a timestamp equal to or before the last reading (StaleReading)", async () => {
    expectOk(await f.submit(m, reg(10, 0, T0)));
    const before = snap();
    refused(await f.submit(m, reg(11, 0, T0)), "StaleReading", before);
    refused(await f.submit(m, reg(11, 0, T0 - 1)), "StaleReading", before);
  });

  it("refuses a baseline older than the activation (ReadingBeforeActivation); at the activation second it is accepted", async () => {
    const before = snap();
    for (const ts of [T0 - 1, 1, 0, -5]) refused(await f.submit(m, reg(0, 0, ts)), "ReadingBeforeActivation", before);
    expectOk(await f.submit(m, reg(0, 0, T0)));
  });

  it("refuses a timestamp more than MAX_CLOCK_SKEW_SECS (300 s) ahead of the cluster clock (TimestampInFuture)", async () => {
    const before = snap();
    refused(await f.submit(m, reg(0, 0, T0 + 301)), "TimestampInFuture", before);
    expectOk(await f.submit(m, reg(0, 0, T0 + 300)));
    f.chain.advanceTime(3_600);
    expectOk(await f.submit(m, reg(0, 0, T0 + 3_900)));
  });

  it("refuses a reading signed by another meter's key (SignerKeyMismatch)", async () => {
    const other = await f.activeMeter();
    const r = { meterId: m.meterId, ...reg(100, 0, T0) };
    const ixs = await submitReadingInstructions(f.registry, r, signReading(r, other.key.privateKey), other.key.publicKey);
    const before = snap();
    refused(f.chain.send(ixs), "SignerKeyMismatch", before);
  });

  it("refuses another meter's genuine reading sent to this meter's account (SignerKeyMismatch)", async () => {
    const other = await f.activeMeter();
    const ixs = await f.readingIxs({ meterId: other.meterId, ...reg(100, 0, T0) }, other.key);
    ixs[1]!.keys[0]!.pubkey = m.meter;
    const before = f.chain.snapshot([m.meter, other.meter]);
    refused(f.chain.send(ixs), "SignerKeyMismatch", before);
  });

  it("refuses a Pending meter and a Suspended one (MeterNotActive); reactivation starts a new baseline (suspended time mints nothing)", async () => {
    const p = await f.pendingMeter();
    let before = f.chain.snapshot([p.meter]);
    expectAnchorError(await f.submit(p, reg(10, 0, T0)), "MeterNotActive", registryIdl);
    expectUnchanged(f.chain, before);
    expectOk(await f.submit(m, reg(1_000, 0, T0)));
    expectOk(f.chain.send(await f.setMeterStatusIx(m.meter, METER_SUSPENDED), [f.admin]));
    f.chain.advanceTime(7_200);
    before = snap();
    refused(await f.submit(m, reg(2_000, 0, T0 + 3_600)), "MeterNotActive", before);
    expectOk(f.chain.send(await f.setMeterStatusIx(m.meter, METER_ACTIVE), [f.admin]));
    const s = f.meterState(m.meter);
    expect([s.activatedAt, s.lastReadingAt]).toEqual([BigInt(T0 + 7_200), 0n]);
    // A reading from the suspension is now older than the activation.
    before = snap();
    refused(await f.submit(m, reg(2_000, 0, T0 + 3_600)), "ReadingBeforeActivation", before);
    const r = expectOk(await f.submit(m, reg(30_000, 0, T0 + 7_200)));
    expect(f.chain.events(f.registry, r)[0]!.data.baseline).toBe(true);
    expect(f.meterState(m.meter).totalProduction).toBe(0n);
  });

  it("still records readings of a suspended user's active meter (physical measurements; settlement is what is blocked)", async () => {
    expectOk(await f.submit(m, reg(0, 0, T0)));
    expectOk(f.chain.send(await f.setUserStatusIx(userAddress(m.owner.publicKey), USER_SUSPENDED), [f.admin]));
    expectOk(await f.submit(m, reg(10, 0, T0 + 60)));
    expect(f.meterState(m.meter).totalProduction).toBe(10n);
  });

  it("refuses totals that would overflow u64 (Overflow), production and consumption alike", async () => {
    const big = await f.meterWithBaseline(undefined, { capacityW: U64_MAX });
    f.chain.advanceTime(3_600);
    expectOk(await f.submit(big, reg(U64_MAX, U64_MAX, T0 + 3_600))); // bound = U64_MAX * 3600 / 3600 (128-bit math)
    // Totals are now U64_MAX; registers too, so a new baseline is needed to grow them again:
    // suspend and reactivate, baseline at 0, then any production overflows the total.
    expectOk(f.chain.send(await f.setMeterStatusIx(big.meter, METER_SUSPENDED), [f.admin]));
    expectOk(f.chain.send(await f.setMeterStatusIx(big.meter, METER_ACTIVE), [f.admin]));
    expectOk(await f.submit(big, reg(0, 0, T0 + 3_600)));
    const before = f.chain.snapshot([big.meter]);
    expectAnchorError(await f.submit(big, reg(1, 0, T0 + 3_601)), "Overflow", registryIdl);
    expectAnchorError(await f.submit(big, reg(0, 1, T0 + 3_601)), "Overflow", registryIdl);
    expectUnchanged(f.chain, before);
    expect(f.meterState(big.meter).totalProduction).toBe(U64_MAX);
  });

  it("a capacity bound beyond u64 saturates: any u64 difference passes the capacity check", async () => {
    const big = await f.meterWithBaseline(undefined, { capacityW: U64_MAX });
    f.chain.advanceTime(7_200);
    expectOk(await f.submit(big, reg(U64_MAX, 0, T0 + 7_200))); // bound = 2 * U64_MAX
    expect(f.meterState(big.meter).totalProduction).toBe(U64_MAX);
  });

  it("the Registry's total_production is the sum of every meter's; a baseline adds nothing", async () => {
    const other = await f.activeMeter(undefined, { capacityW: 5_000 });
    expectOk(await f.submit(m, reg(10_000, 0, T0)));
    expectOk(await f.submit(other, reg(500, 0, T0)));
    expect(f.registryState().totalProduction).toBe(0n);
    f.chain.advanceTime(3_600);
    expectOk(await f.submit(m, reg(11_200, 100, T0 + 3_600)));
    expectOk(await f.submit(other, reg(4_500, 0, T0 + 3_600)));
    expect(f.registryState().totalProduction).toBe(1_200n + 4_000n);
    expect(f.registryState().totalProduction).toBe(
      f.meterState(m.meter).totalProduction + f.meterState(other.meter).totalProduction,
    );
  });

  it("total_production saturates at u64::MAX instead of refusing another meter's reading", async () => {
    const a = await f.meterWithBaseline(undefined, { capacityW: U64_MAX });
    const b = await f.meterWithBaseline(undefined, { capacityW: U64_MAX });
    f.chain.advanceTime(3_600);
    expectOk(await f.submitDelta(a, { productionWh: U64_MAX - 5n, consumptionWh: 0, timestamp: T0 + 3_600 }));
    expectOk(await f.submitDelta(b, { productionWh: 10n, consumptionWh: 0, timestamp: T0 + 3_600 }));
    expect(f.meterState(b.meter).totalProduction).toBe(10n);
    expect(f.registryState().totalProduction).toBe(U64_MAX);
  });

  it("records several readings, of several meters, in one transaction", async () => {
    const other = await f.meterWithBaseline();
    expectOk(await f.submit(m, reg(0, 0, T0)));
    f.chain.advanceTime(600);
    const ixs = [
      ...(await f.readingIxs({ meterId: m.meterId, ...reg(10, 1, T0 + 300) }, m.key)),
      ...(await f.readingIxs({ meterId: other.meterId, ...reg(20, 2, T0 + 600) }, other.key)),
      ...(await f.readingIxs({ meterId: m.meterId, ...reg(40, 4, T0 + 600) }, m.key)),
    ];
    expectOk(f.chain.send(ixs));
    expect(f.meterState(m.meter).totalProduction).toBe(40n);
    expect(f.meterState(other.meter).totalProduction).toBe(20n);
  });

  describe("account checks", () => {
    const submitWith = async (change: (ix: TransactionInstruction) => void) => {
      const ixs = await f.readingIxs({ meterId: m.meterId, ...reg(10, 0, T0) }, m.key);
      change(ixs[1]!);
      return f.chain.send(ixs);
    };

    it("refuses an account other than the instructions sysvar (AccountSysvarMismatch)", async () => {
      const fake = Keypair.generate().publicKey;
      const sysvar = f.chain.getAccount(new PublicKey("Sysvar1nstructions1111111111111111111111111"));
      f.chain.setAccount(fake, { lamports: 1_000_000n, owner: SystemProgram.programId, data: sysvar?.data ?? new Uint8Array(64) });
      const before = snap();
      refused(await submitWith((ix) => (ix.keys[1]!.pubkey = fake)), "AccountSysvarMismatch", before);
    });

    it("refuses a meter account with the right layout owned by another program (AccountOwnedByWrongProgram)", async () => {
      const real = f.chain.getAccount(m.meter)!;
      const fake = Keypair.generate().publicKey;
      f.chain.setAccount(fake, { lamports: real.lamports, owner: SystemProgram.programId, data: real.data });
      const before = f.chain.snapshot([fake, m.meter]);
      refused(await submitWith((ix) => (ix.keys[0]!.pubkey = fake)), "AccountOwnedByWrongProgram", before);
    });

    it("refuses a copy of the meter at an address that is not its PDA (ConstraintSeeds)", async () => {
      const real = f.chain.getAccount(m.meter)!;
      const fake = Keypair.generate().publicKey;
      f.chain.setAccount(fake, { lamports: real.lamports, owner: f.registry.programId, data: real.data });
      const before = f.chain.snapshot([fake, m.meter]);
      refused(await submitWith((ix) => (ix.keys[0]!.pubkey = fake)), "ConstraintSeeds", before);
    });

    it("refuses a meter whose stored id was altered (the PDA no longer matches: ConstraintSeeds)", async () => {
      const real = f.chain.getAccount(m.meter)!;
      const data = Buffer.from(real.data);
      data[72] = data[72]! ^ 1;
      f.chain.setAccount(m.meter, { lamports: real.lamports, owner: f.registry.programId, data });
      const before = snap();
      refused(await submitWith(() => undefined), "ConstraintSeeds", before);
    });

    it("refuses a read-only meter (AccountNotMutable) and too few accounts (AccountNotEnoughKeys)", async () => {
      const before = snap();
      refused(await submitWith((ix) => (ix.keys[0]!.isWritable = false)), "AccountNotMutable", before);
      refused(await submitWith((ix) => (ix.keys = ix.keys.slice(0, 2))), "AccountNotEnoughKeys", before);
    });

    it("refuses a read-only registry (AccountNotMutable) and a copy of it at another address (ConstraintSeeds)", async () => {
      const real = f.chain.getAccount(registryAddress())!;
      const fake = Keypair.generate().publicKey;
      f.chain.setAccount(fake, { lamports: real.lamports, owner: f.registry.programId, data: real.data });
      const before = f.chain.snapshot([m.meter, registryAddress(), fake]);
      refused(await submitWith((ix) => (ix.keys[2]!.isWritable = false)), "AccountNotMutable", before);
      refused(await submitWith((ix) => (ix.keys[2]!.pubkey = fake)), "ConstraintSeeds", before);
    });
  });

  it("the reading's fields reach the chain exactly as signed (values chosen to differ in every byte)", async () => {
    const big = await f.meterWithBaseline(undefined, { capacityW: U64_MAX });
    f.chain.advanceTime(3_600);
    const r: MeterReading = {
      meterId: big.meterId,
      productionRegisterWh: 0x0102030405060708n,
      consumptionRegisterWh: 0x1112131415161718n,
      timestamp: T0 + 3_600,
    };
    expectOk(f.chain.send(await f.readingIxs(r, big.key)));
    const s = f.meterState(big.meter);
    expect([s.productionRegister, s.consumptionRegister, s.lastReadingAt]).toEqual([0x0102030405060708n, 0x1112131415161718n, BigInt(T0 + 3_600)]);
    expect([s.totalProduction, s.totalConsumption]).toEqual([0x0102030405060708n, 0x1112131415161718n]);
  });
});
