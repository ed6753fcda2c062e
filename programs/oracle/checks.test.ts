/**
 * The oracle's account and instruction-data checks, shared by every instruction, on LiteSVM with
 * the real oracle.so: the Oracle account owned by another program, of the wrong size, with the
 * wrong discriminator, copied to a non-PDA address, with a wrong stored bump, or not created yet;
 * malformed instruction data. Plus reading the price through a CPI from another program.
 */
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { Keypair, PublicKey, SystemProgram, TransactionInstruction } from "@solana/web3.js";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { expectAnchorError, expectOk, expectTxError, expectUnchanged } from "~/programs/harness";
import { buildProgram } from "~/programs/toolchain/build";
import { oracleIdl } from "./idl/oracle";
import { FEED_IN, LIMITS, OracleFixture, RETAIL } from "./fixture";

const TOKEN_PROGRAM_ID = new PublicKey("TokenkegQfeZyiNwAJbNbGKPFXCWuBvf9Ss623VQ5DA");

interface Built {
  ix: TransactionInstruction;
  signers: Keypair[];
}

/** A state where every instruction below would succeed: initialized, one feeder, a price, a
 * pending authority. Each builder takes the oracle address to use. */
async function readyFixture() {
  const f = new OracleFixture();
  await f.initialize();
  const feeder = await f.addFeeder();
  await f.publish(feeder, RETAIL, FEED_IN);
  const pending = f.chain.newKeypair();
  expectOk(f.chain.send(await f.transferAuthorityIx(pending.publicKey), [f.authority]));
  f.advance(1);
  const auth = [f.authority];
  const builders: Record<string, (oracle: PublicKey) => Promise<Built>> = {
    add_feeder: async (o) => ({
      ix: await f.addFeederIx(Keypair.generate().publicKey, undefined, o),
      signers: auth,
    }),
    remove_feeder: async (o) => ({
      ix: await f.removeFeederIx(feeder.publicKey, undefined, o),
      signers: auth,
    }),
    set_limits: async (o) => ({ ix: await f.setLimitsIx(LIMITS, undefined, o), signers: auth }),
    transfer_authority: async (o) => ({
      ix: await f.transferAuthorityIx(Keypair.generate().publicKey, undefined, o),
      signers: auth,
    }),
    accept_authority: async (o) => ({
      ix: await f.acceptAuthorityIx(pending.publicKey, o),
      signers: [pending],
    }),
    update_price: async (o) => ({
      ix: await f.updatePriceIx(feeder.publicKey, RETAIL + 1n, FEED_IN, o),
      signers: [feeder],
    }),
    get_price: async (o) => ({ ix: await f.getPriceIx(o), signers: [] }),
    get_fresh_price: async (o) => ({ ix: await f.getFreshPriceIx(o), signers: [] }),
  };
  return {
    f,
    builders,
    watched: [f.oracle, f.authority.publicKey, feeder.publicKey, pending.publicKey],
  };
}

describe("Oracle account checks, for every instruction that takes it", () => {
  const names = [
    "add_feeder",
    "remove_feeder",
    "set_limits",
    "transfer_authority",
    "accept_authority",
    "update_price",
    "get_price",
    "get_fresh_price",
  ];

  for (const name of names) {
    describe(name, () => {
      let ctx: Awaited<ReturnType<typeof readyFixture>>;
      beforeEach(async () => {
        ctx = await readyFixture();
      });

      const run = async (oracle: PublicKey, error: string, extra: PublicKey[] = []) => {
        const { f, builders, watched } = ctx;
        const { ix, signers } = await builders[name]!(oracle);
        const before = f.chain.snapshot([...watched, ...extra]);
        expectAnchorError(f.chain.send(ix, signers), error, oracleIdl);
        expectUnchanged(f.chain, before);
      };
      const real = () => ctx.f.chain.getAccount(ctx.f.oracle)!;

      it("the unaltered account is accepted (so each refusal below is caused by its one change)", async () => {
        const { ix, signers } = await ctx.builders[name]!(ctx.f.oracle);
        expectOk(ctx.f.chain.send(ix, signers));
      });

      it("refuses the Oracle PDA owned by another program (AccountOwnedByWrongProgram)", async () => {
        ctx.f.chain.setAccount(ctx.f.oracle, { ...real(), owner: TOKEN_PROGRAM_ID });
        await run(ctx.f.oracle, "AccountOwnedByWrongProgram");
      });

      it("refuses the PDA before initialize: System-owned and empty (AccountOwnedByWrongProgram)", async () => {
        ctx.f.chain.setAccount(ctx.f.oracle, {
          lamports: 1_000_000n,
          owner: SystemProgram.programId,
        });
        await run(ctx.f.oracle, "AccountOwnedByWrongProgram");
      });

      it("refuses an account one byte too long (AccountDidNotDeserialize)", async () => {
        const a = real();
        ctx.f.chain.setAccount(ctx.f.oracle, {
          ...a,
          data: Buffer.concat([a.data, Buffer.from([0])]),
        });
        await run(ctx.f.oracle, "AccountDidNotDeserialize");
      });

      it("refuses a wrong account discriminator (AccountDiscriminatorMismatch)", async () => {
        const a = real();
        const data = Buffer.from(a.data);
        data[7] = data[7]! ^ 1;
        ctx.f.chain.setAccount(ctx.f.oracle, { ...a, data });
        await run(ctx.f.oracle, "AccountDiscriminatorMismatch");
      });

      it("refuses a faithful copy of the Oracle at an address that is not the PDA (ConstraintSeeds)", async () => {
        const fake = Keypair.generate().publicKey;
        ctx.f.chain.setAccount(fake, real());
        await run(fake, "ConstraintSeeds", [fake]);
      });

      it("refuses an Oracle whose stored bump does not derive its address (ConstraintSeeds)", async () => {
        const a = real();
        const data = Buffer.from(a.data);
        data[171] = ctx.f.bump - 1;
        ctx.f.chain.setAccount(ctx.f.oracle, { ...a, data });
        await run(ctx.f.oracle, "ConstraintSeeds");
      });
    });
  }
});

it("a feeder_count past the array (unreachable through the program) is clamped to MAX_FEEDERS", async () => {
  const f = new OracleFixture();
  await f.initialize();
  const feeder = await f.addFeeder();
  const a = f.chain.getAccount(f.oracle)!;
  const data = Buffer.from(a.data);
  data[170] = 200;
  f.chain.setAccount(f.oracle, { ...a, data });
  const before = f.chain.snapshot([f.oracle]);
  const add = await f.addFeederIx(Keypair.generate().publicKey);
  expectAnchorError(f.chain.send(add, [f.authority]), "FeederListFull", oracleIdl);
  expectUnchanged(f.chain, before);
  // Removal treats the list as 8 long: the 8th (empty) slot moves into slot 0, count becomes 7.
  expectOk(f.chain.send(await f.removeFeederIx(feeder.publicKey), [f.authority]));
  const s = f.state();
  expect(s.feederCount).toBe(7);
  expect(s.feeders.every((k) => k.equals(PublicKey.default))).toBe(true);
});

describe("instruction data", () => {
  let f: OracleFixture;
  let feeder: Keypair;
  beforeEach(async () => {
    f = new OracleFixture();
    await f.initialize();
    feeder = await f.addFeeder();
    f.advance(1);
  });

  const disc = (name: string) =>
    Buffer.from(oracleIdl.instructions.find((i) => (i.name as string) === name)!.discriminator);
  const raw = (
    data: Buffer,
    keys: { pubkey: PublicKey; isSigner: boolean; isWritable: boolean }[],
  ) => new TransactionInstruction({ programId: f.programId, keys, data });
  const u64 = (v: bigint) => {
    const b = Buffer.alloc(8);
    b.writeBigUInt64LE(v);
    return b;
  };
  const feederKeys = () => [
    { pubkey: feeder.publicKey, isSigner: true, isWritable: false },
    { pubkey: f.oracle, isSigner: false, isWritable: true },
  ];
  const adminKeys = () => [
    { pubkey: f.authority.publicKey, isSigner: true, isWritable: false },
    { pubkey: f.oracle, isSigner: false, isWritable: true },
  ];

  it("refuses data shorter than a discriminator (InstructionMissing) and an unknown one (InstructionFallbackNotFound)", () => {
    const before = f.chain.snapshot([f.oracle]);
    expectAnchorError(
      f.chain.send(raw(Buffer.from([1, 2, 3]), feederKeys()), [feeder]),
      "InstructionMissing",
      oracleIdl,
    );
    expectAnchorError(
      f.chain.send(raw(Buffer.alloc(8, 7), feederKeys()), [feeder]),
      "InstructionFallbackNotFound",
      oracleIdl,
    );
    expectUnchanged(f.chain, before);
  });

  it("refuses truncated or trailing argument bytes for every instruction (InstructionDidNotDeserialize)", () => {
    const key = Keypair.generate().publicKey.toBuffer();
    const limits = Buffer.concat([
      u64(LIMITS.minPrice),
      u64(LIMITS.maxPrice),
      Buffer.alloc(4, 1),
      Buffer.alloc(4),
      Buffer.from([1, 0]),
    ]);
    const prices = Buffer.concat([u64(RETAIL), u64(FEED_IN)]);
    const cases: [string, Buffer, Parameters<typeof raw>[1], Keypair[]][] = [
      ["update_price", prices.subarray(0, 15), feederKeys(), [feeder]],
      ["update_price", Buffer.concat([prices, Buffer.from([0])]), feederKeys(), [feeder]],
      ["add_feeder", key.subarray(0, 31), adminKeys(), [f.authority]],
      ["remove_feeder", Buffer.concat([key, Buffer.from([0])]), adminKeys(), [f.authority]],
      ["transfer_authority", Buffer.alloc(0), adminKeys(), [f.authority]],
      ["set_limits", limits.subarray(0, 25), adminKeys(), [f.authority]],
      ["set_limits", Buffer.concat([limits, Buffer.from([0])]), adminKeys(), [f.authority]],
      ["initialize", limits.subarray(0, 25), adminKeys(), [f.authority]],
      ["accept_authority", Buffer.from([0]), adminKeys(), [f.authority]],
      ["get_price", Buffer.from([0]), adminKeys().slice(1), []],
      ["get_fresh_price", Buffer.from([0]), adminKeys().slice(1), []],
    ];
    const before = f.chain.snapshot([f.oracle]);
    for (const [name, args, keys, signers] of cases)
      expectAnchorError(
        f.chain.send(raw(Buffer.concat([disc(name), args]), keys), signers),
        "InstructionDidNotDeserialize",
        oracleIdl,
      );
    expectUnchanged(f.chain, before);
    // The well-formed set_limits bytes built by hand above are accepted: the C decoder and the
    // IDL's borsh layout agree field by field.
    expectOk(
      f.chain.send(raw(Buffer.concat([disc("set_limits"), limits]), adminKeys()), [f.authority]),
    );
    expect(f.state().limits).toEqual({
      ...LIMITS,
      maxStalenessSecs: 0x01010101,
      minUpdateIntervalSecs: 0,
      maxJumpBps: 1,
    });
  });

  it("hand-built update_price bytes are accepted (disc ++ u64 retail ++ u64 feed_in)", () => {
    expectOk(
      f.chain.send(
        raw(Buffer.concat([disc("update_price"), u64(RETAIL), u64(FEED_IN)]), feederKeys()),
        [feeder],
      ),
    );
    expect([f.state().retailPrice, f.state().feedInPrice]).toEqual([RETAIL, FEED_IN]);
  });
});

describe("reading the price through a CPI (as the Trading program will)", () => {
  const consumer = Keypair.generate().publicKey;
  let so: Buffer;
  let tmp: string;

  beforeAll(async () => {
    // Compiled with the project toolchain from programs/oracle/testdata; never committed or deployed.
    tmp = mkdtempSync(path.join(tmpdir(), "oracle-consumer-"));
    const built = await buildProgram("oracle_consumer", {
      programsDir: path.join(import.meta.dirname, "testdata"),
      outDir: tmp,
    });
    so = readFileSync(built.soPath);
  }, 60_000);
  afterAll(() => rmSync(tmp, { recursive: true, force: true }));

  let f: OracleFixture;
  let feeder: Keypair;
  beforeEach(async () => {
    f = new OracleFixture();
    f.chain.svm.addProgram(consumer.toBytes(), so);
    await f.initialize();
    feeder = await f.addFeeder();
  });

  const viaCpi = (strict: boolean, programKey = f.programId, oracle = f.oracle) =>
    new TransactionInstruction({
      programId: consumer,
      keys: [
        { pubkey: programKey, isSigner: false, isWritable: false },
        { pubkey: oracle, isSigner: false, isWritable: false },
      ],
      data: Buffer.from([strict ? 1 : 0]),
    });

  it("the caller receives exactly the oracle's PriceData through sol_get_return_data", async () => {
    const { unixTimestamp } = f.chain.clock();
    await f.publish(feeder, RETAIL, FEED_IN, 0);
    const direct = expectOk(f.chain.send(await f.getPriceIx()));
    for (const strict of [false, true]) {
      const r = expectOk(f.chain.send(viaCpi(strict)));
      expect(r.logs).toContain(`Program ${f.programId.toBase58()} invoke [2]`);
      expect(r.returnData!.programId.equals(consumer)).toBe(true);
      expect(r.returnData!.data.equals(direct.returnData!.data)).toBe(true);
      expect(f.decodePriceData(r.returnData!.data)).toEqual({
        retail: RETAIL,
        feedIn: FEED_IN,
        updatedAt: unixTimestamp,
        stale: false,
      });
    }
  });

  it("a stale price reaches the caller flagged (get_price) or as the oracle's PriceStale error (get_fresh_price)", async () => {
    await f.publish(feeder, RETAIL, FEED_IN);
    f.advance(LIMITS.maxStalenessSecs + 1);
    expect(f.decodePriceData(expectOk(f.chain.send(viaCpi(false))).returnData!.data).stale).toBe(
      true,
    );
    const r = f.chain.send(viaCpi(true));
    expectTxError(r, { InstructionError: [0, { Custom: 6014 }] });
    expect(r.logs).toContain(
      "Program log: AnchorError occurred. Error Code: PriceStale. Error Number: 6014. Error Message: The price is older than max_staleness_secs.",
    );
  });

  it("before the first price the caller gets PriceNotSet; a fake Oracle account is refused by the oracle itself", async () => {
    expectTxError(f.chain.send(viaCpi(false)), { InstructionError: [0, { Custom: 6013 }] });
    await f.publish(feeder, RETAIL, FEED_IN);
    const fake = Keypair.generate().publicKey;
    const real = f.chain.getAccount(f.oracle)!;
    f.chain.setAccount(fake, real);
    expectTxError(f.chain.send(viaCpi(false, f.programId, fake)), {
      InstructionError: [0, { Custom: 2006 }],
    });
  });
});
