/**
 * submit_reading on LiteSVM with the real .so: the meter's Ed25519 signature (made by
 * lib/meter-reading with node:crypto) verified on chain, timestamps, capacity limits, overflow,
 * inactive meters, account checks - each refusal with its named error and no account changed.
 * Forged attestations: forgery.test.ts.
 */
import { Keypair, PublicKey, SystemProgram, type TransactionInstruction } from "@solana/web3.js";
import { beforeEach, describe, expect, it } from "vitest";
import { expectAnchorError, expectCu, expectOk, expectUnchanged, type TxResult } from "~/programs/harness";
import { generateMeterKeyPair, signReading, type MeterReading } from "~/lib/meter-reading";
import { submitReadingInstructions, userAddress } from "./client";
import { GridFixture, METER_ACTIVE, METER_SUSPENDED, T0, USER_SUSPENDED, type TestMeter } from "./fixture";
import { registryIdl } from "./idl/registry";

const U64_MAX = (1n << 64n) - 1n;
/** Measured 1,247-1,249 CU; the brief's ceiling is 8,000 (the Ed25519 precompile itself aside). */
const SUBMIT_CU = 1_300;

describe("registry: submit_reading", () => {
  let f: GridFixture;
  let m: TestMeter;
  const reading = (production: bigint | number, consumption: bigint | number, timestamp: number) => ({
    productionWh: production,
    consumptionWh: consumption,
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

  it("records a reading signed by the meter, sent by a stranger's fee payer; totals, time, count; ReadingSubmitted", async () => {
    const server = f.chain.newKeypair();
    const r = expectOk(await f.submit(m, reading(1_200, 300, T0), { feePayer: server }));
    const s = f.meterState(m.meter);
    expect([s.totalProduction, s.totalConsumption, s.readingCount, s.lastReadingAt]).toEqual([1_200n, 300n, 1n, BigInt(T0)]);
    const events = f.chain.events(f.registry, r);
    expect(events).toHaveLength(1);
    const e = events[0]!;
    expect(e.name).toBe("readingSubmitted");
    expect((e.data.meter as PublicKey).equals(m.meter)).toBe(true);
    expect((e.data.owner as PublicKey).equals(m.owner.publicKey)).toBe(true);
    expect([String(e.data.productionWh), String(e.data.consumptionWh), String(e.data.timestamp)]).toEqual(["1200", "300", String(T0)]);
    expect([String(e.data.totalProduction), String(e.data.totalConsumption)]).toEqual(["1200", "300"]);
    expectCu(r, { max: SUBMIT_CU });
  });

  it("accumulates readings, each bounded by capacity over the time since the previous one", async () => {
    expectOk(await f.submit(m, reading(5_000, 10, T0))); // first: up to 1 h at 5 kW
    expectOk(await f.submit(m, reading(83, 20, T0 + 60))); // floor(5000 * 60 / 3600) = 83
    const r = expectOk(await f.submit(m, reading(1, 0, T0 + 61))); // floor(5000 / 3600) = 1
    expectCu(r, { max: SUBMIT_CU });
    const s = f.meterState(m.meter);
    expect([s.totalProduction, s.totalConsumption, s.readingCount, s.lastReadingAt]).toEqual([5_084n, 30n, 3n, BigInt(T0 + 61)]);
  });

  it("refuses production over capacity: the first reading over 1 h, later ones over the elapsed time (ProductionExceedsCapacity)", async () => {
    let before = snap();
    refused(await f.submit(m, reading(5_001, 0, T0)), "ProductionExceedsCapacity", before);
    expectOk(await f.submit(m, reading(5_000, 0, T0)));
    before = snap();
    refused(await f.submit(m, reading(84, 0, T0 + 60)), "ProductionExceedsCapacity", before);
    refused(await f.submit(m, reading(2, 0, T0 + 1)), "ProductionExceedsCapacity", before);
    expectOk(await f.submit(m, reading(83, 1_000_000, T0 + 60))); // consumption is not capped
  });

  it("a zero-capacity meter may report consumption only", async () => {
    const c = await f.activeMeter(undefined, { capacityW: 0 });
    const before = f.chain.snapshot([c.meter]);
    expectAnchorError(await f.submit(c, reading(1, 0, T0)), "ProductionExceedsCapacity", registryIdl);
    expectUnchanged(f.chain, before);
    expectOk(await f.submit(c, reading(0, 777, T0)));
    expect(f.meterState(c.meter).totalConsumption).toBe(777n);
  });

  it("refuses the same signed reading replayed (StaleReading), whoever pays", async () => {
    const ixs = await f.readingIxs({ meterId: m.meterId, ...reading(100, 10, T0) }, m.key);
    expectOk(f.chain.send(ixs));
    const before = snap();
    refused(f.chain.send(ixs), "StaleReading", before);
    refused(f.chain.send(ixs, [], { feePayer: f.chain.newKeypair() }), "StaleReading", before);
  });

  it("refuses timestamps that do not increase: equal, earlier, and 0 or negative for a first reading (StaleReading)", async () => {
    const fresh = await f.activeMeter();
    for (const ts of [0, -5]) {
      const b = f.chain.snapshot([fresh.meter]);
      expectAnchorError(await f.submit(fresh, reading(0, 0, ts)), "StaleReading", registryIdl);
      expectUnchanged(f.chain, b);
    }
    expectOk(await f.submit(m, reading(10, 0, T0)));
    const before = snap();
    refused(await f.submit(m, reading(11, 0, T0)), "StaleReading", before);
    refused(await f.submit(m, reading(1, 0, T0 - 1)), "StaleReading", before);
  });

  it("refuses a timestamp more than MAX_CLOCK_SKEW_SECS (300 s) ahead of the cluster clock (TimestampInFuture)", async () => {
    const before = snap();
    refused(await f.submit(m, reading(0, 0, T0 + 301)), "TimestampInFuture", before);
    expectOk(await f.submit(m, reading(0, 0, T0 + 300)));
    f.chain.advanceTime(3_600);
    expectOk(await f.submit(m, reading(0, 0, T0 + 3_900)));
  });

  it("refuses a reading signed by another meter's key (SignerKeyMismatch)", async () => {
    const other = await f.activeMeter();
    const r = { meterId: m.meterId, ...reading(100, 0, T0) };
    const ixs = await submitReadingInstructions(f.registry, r, signReading(r, other.key.privateKey), other.key.publicKey);
    const before = snap();
    refused(f.chain.send(ixs), "SignerKeyMismatch", before);
  });

  it("refuses another meter's genuine reading sent to this meter's account (SignerKeyMismatch)", async () => {
    const other = await f.activeMeter();
    const ixs = await f.readingIxs({ meterId: other.meterId, ...reading(100, 0, T0) }, other.key);
    ixs[1]!.keys[0]!.pubkey = m.meter;
    const before = f.chain.snapshot([m.meter, other.meter]);
    refused(f.chain.send(ixs), "SignerKeyMismatch", before);
  });

  it("binds the meter id: with one key shared by two meters, one meter's reading cannot be booked on the other (SignedMessageMismatch)", async () => {
    const shared = generateMeterKeyPair();
    const a = await f.activeMeter(undefined, { key: shared });
    const b = await f.activeMeter(undefined, { key: shared });
    const ixs = await f.readingIxs({ meterId: b.meterId, ...reading(100, 0, T0) }, shared);
    ixs[1]!.keys[0]!.pubkey = a.meter;
    const before = f.chain.snapshot([a.meter, b.meter]);
    refused(f.chain.send(ixs), "SignedMessageMismatch", before);
    expectOk(f.chain.send(await f.readingIxs({ meterId: b.meterId, ...reading(100, 0, T0) }, shared)));
  });

  it("refuses a Pending meter and a Suspended one (MeterNotActive); accepts again after reactivation", async () => {
    const p = await f.pendingMeter();
    let before = f.chain.snapshot([p.meter]);
    expectAnchorError(await f.submit(p, reading(10, 0, T0)), "MeterNotActive", registryIdl);
    expectUnchanged(f.chain, before);
    expectOk(f.chain.send(await f.setMeterStatusIx(m.meter, METER_SUSPENDED), [f.admin]));
    before = snap();
    refused(await f.submit(m, reading(10, 0, T0)), "MeterNotActive", before);
    expectOk(f.chain.send(await f.setMeterStatusIx(m.meter, METER_ACTIVE), [f.admin]));
    expectOk(await f.submit(m, reading(10, 0, T0)));
  });

  it("still records readings of a suspended user's active meter (physical measurements; settlement is what is blocked)", async () => {
    expectOk(f.chain.send(await f.setUserStatusIx(userAddress(m.owner.publicKey), USER_SUSPENDED), [f.admin]));
    expectOk(await f.submit(m, reading(10, 0, T0)));
    expect(f.meterState(m.meter).totalProduction).toBe(10n);
  });

  it("refuses totals that would overflow u64 (Overflow), production and consumption alike", async () => {
    const big = await f.activeMeter(undefined, { capacityW: U64_MAX });
    expectOk(await f.submit(big, reading(U64_MAX, U64_MAX, T0))); // bound = U64_MAX * 3600 / 3600 (128-bit math)
    const before = f.chain.snapshot([big.meter]);
    expectAnchorError(await f.submit(big, reading(1, 0, T0 + 1)), "Overflow", registryIdl);
    expectAnchorError(await f.submit(big, reading(0, 1, T0 + 1)), "Overflow", registryIdl);
    expectUnchanged(f.chain, before);
    expect(f.meterState(big.meter).totalProduction).toBe(U64_MAX);
  });

  it("a capacity bound beyond u64 saturates: any u64 production passes the capacity check (overflow is still caught)", async () => {
    const big = await f.activeMeter(undefined, { capacityW: U64_MAX });
    expectOk(await f.submit(big, reading(0, 0, T0 - 7_200)));
    expectOk(await f.submit(big, reading(U64_MAX, 0, T0))); // bound = 2 * U64_MAX
    expectAnchorError(await f.submit(big, reading(1, 0, T0 + 1)), "Overflow", registryIdl);
  });

  it("records several readings, of several meters, in one transaction", async () => {
    const other = await f.activeMeter();
    const ixs = [
      ...(await f.readingIxs({ meterId: m.meterId, ...reading(10, 1, T0 - 60) }, m.key)),
      ...(await f.readingIxs({ meterId: other.meterId, ...reading(20, 2, T0) }, other.key)),
      ...(await f.readingIxs({ meterId: m.meterId, ...reading(30, 3, T0) }, m.key)),
    ];
    expectOk(f.chain.send(ixs));
    expect(f.meterState(m.meter).totalProduction).toBe(40n);
    expect(f.meterState(other.meter).totalProduction).toBe(20n);
  });

  describe("account checks", () => {
    const submitWith = async (change: (ix: TransactionInstruction) => void) => {
      const ixs = await f.readingIxs({ meterId: m.meterId, ...reading(10, 0, T0) }, m.key);
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
      refused(await submitWith((ix) => (ix.keys = ix.keys.slice(0, 1))), "AccountNotEnoughKeys", before);
    });
  });

  it("the reading's fields reach the chain exactly as signed (values chosen to differ in every byte)", async () => {
    const big = await f.activeMeter(undefined, { capacityW: U64_MAX });
    const r: MeterReading = { meterId: big.meterId, productionWh: 0x0102030405060708n, consumptionWh: 0x1112131415161718n, timestamp: T0 };
    expectOk(f.chain.send(await f.readingIxs(r, big.key)));
    const s = f.meterState(big.meter);
    expect([s.totalProduction, s.totalConsumption, s.lastReadingAt]).toEqual([0x0102030405060708n, 0x1112131415161718n, BigInt(T0)]);
  });
});
