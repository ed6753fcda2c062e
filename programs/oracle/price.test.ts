/**
 * Oracle prices on LiteSVM with the real oracle.so: update_price (authorisation, sanity range,
 * feed-in <= retail, one update per slot and minimum interval, jump limit against a fresh price,
 * re-anchoring after staleness, u64 extremes) and get_price / get_fresh_price (return data decoded
 * with Anchor's coder and through Anchor's own `.view()`).
 */
import anchor, { AnchorError, type Program, type Provider } from "@coral-xyz/anchor";
import { Connection, type Keypair, type Transaction } from "@solana/web3.js";
import { beforeEach, describe, expect, it } from "vitest";
import {
  expectAnchorError,
  expectCu,
  expectOk,
  expectUnchanged,
  toBigInt,
  type TxResult,
} from "~/programs/harness";
import type { IdlJson } from "~/programs/toolchain/idl";
import { oracleIdl, type Oracle } from "./idl/oracle";
import {
  CU,
  FEED_IN,
  LIMITS,
  OracleFixture,
  plain,
  RETAIL,
  U64_MAX,
  type BigNum,
  type Limits,
} from "./fixture";

/** 20% of a price, the default max_jump_bps (2,000). */
const pct20 = (p: bigint) => (p * 2_000n) / 10_000n;

describe("update_price", () => {
  let f: OracleFixture;
  let feeder: Keypair;
  beforeEach(async () => {
    f = new OracleFixture();
    await f.initialize();
    feeder = await f.addFeeder();
  });

  const snapshot = () => f.chain.snapshot([f.oracle, feeder.publicKey]);

  describe("first price", () => {
    it("stores both prices with the Clock's time and slot, the feeder and sequence 1; PriceUpdated without a jump check", async () => {
      f.advance(5);
      const { unixTimestamp, slot } = f.chain.clock();
      const r = expectOk(await f.update(feeder, RETAIL, FEED_IN));
      const s = f.state();
      expect([s.retailPrice, s.feedInPrice, s.updatedAt, s.updatedSlot, s.updateCount]).toEqual([
        RETAIL,
        FEED_IN,
        unixTimestamp,
        slot,
        1n,
      ]);
      expect(s.lastFeeder.equals(feeder.publicKey)).toBe(true);
      expect(plain(f.event(r, "priceUpdated"))).toEqual({
        feeder: feeder.publicKey.toBase58(),
        retailPrice: RETAIL,
        feedInPrice: FEED_IN,
        previousRetailPrice: 0n,
        previousFeedInPrice: 0n,
        updatedAt: unixTimestamp,
        slot,
        sequence: 1n,
        jumpChecked: false,
      });
      expectCu(r, { max: CU.updatePriceFirst });
    });

    it("accepts any price in range as the first one (no reference to jump from), and feed-in equal to retail", async () => {
      await f.publish(feeder, LIMITS.maxPrice, LIMITS.maxPrice);
      expect(f.state().retailPrice).toBe(LIMITS.maxPrice);
    });
  });

  describe("authorisation", () => {
    it("refuses a signer that is not a feeder, even the authority (NotFeeder)", async () => {
      f.advance(1);
      const intruder = f.chain.newKeypair();
      const before = f.chain.snapshot([f.oracle, intruder.publicKey, f.authority.publicKey]);
      const r = await f.update(intruder, RETAIL, FEED_IN);
      expectAnchorError(r, "NotFeeder", oracleIdl);
      expect(r.logs.some((l) => l.startsWith("Program data: "))).toBe(false);
      expectAnchorError(await f.update(f.authority, RETAIL, FEED_IN), "NotFeeder", oracleIdl);
      expectUnchanged(f.chain, before);
    });

    it("refuses a feeder once removed (NotFeeder); the other feeders keep publishing", async () => {
      const other = await f.addFeeder();
      expectOk(f.chain.send(await f.removeFeederIx(feeder.publicKey), [f.authority]));
      f.advance(1);
      const before = snapshot();
      expectAnchorError(await f.update(feeder, RETAIL, FEED_IN), "NotFeeder", oracleIdl);
      expectUnchanged(f.chain, before);
      await f.publish(other, RETAIL, FEED_IN, 0);
      expect(f.state().lastFeeder.equals(other.publicKey)).toBe(true);
    });

    it("refuses a feeder that did not sign (AccountNotSigner)", async () => {
      f.advance(1);
      const ix = await f.updatePriceIx(feeder.publicKey, RETAIL, FEED_IN);
      ix.keys[0]!.isSigner = false;
      const before = snapshot();
      expectAnchorError(f.chain.send(ix), "AccountNotSigner", oracleIdl);
      expectUnchanged(f.chain, before);
    });

    it("refuses a read-only oracle (AccountNotMutable) and too few accounts (AccountNotEnoughKeys)", async () => {
      f.advance(1);
      const before = snapshot();
      const ro = await f.updatePriceIx(feeder.publicKey, RETAIL, FEED_IN);
      ro.keys[1]!.isWritable = false;
      expectAnchorError(f.chain.send(ro, [feeder]), "AccountNotMutable", oracleIdl);
      const short = await f.updatePriceIx(feeder.publicKey, RETAIL, FEED_IN);
      short.keys = short.keys.slice(0, 1);
      expectAnchorError(f.chain.send(short, [feeder]), "AccountNotEnoughKeys", oracleIdl);
      expectUnchanged(f.chain, before);
    });

    it("the 8th of 8 feeders can publish (worst-case lookup, pinned CU)", async () => {
      for (let i = 0; i < 6; i++) await f.addFeeder();
      const eighth = await f.addFeeder();
      expect(f.state().feederCount).toBe(8);
      await f.publish(feeder, RETAIL, FEED_IN);
      const r = await f.publish(eighth, RETAIL + 1n, FEED_IN + 1n);
      expect(f.state().lastFeeder.equals(eighth.publicKey)).toBe(true);
      expectCu(r, { max: CU.updatePrice });
    });
  });

  describe("price sanity", () => {
    const refusals: [string, bigint, bigint, string][] = [
      ["zero retail", 0n, FEED_IN, "ZeroPrice"],
      ["zero feed-in", RETAIL, 0n, "ZeroPrice"],
      ["both zero", 0n, 0n, "ZeroPrice"],
      ["retail below min_price", LIMITS.minPrice - 1n, LIMITS.minPrice - 1n, "PriceOutOfRange"],
      ["feed-in below min_price", RETAIL, LIMITS.minPrice - 1n, "PriceOutOfRange"],
      ["retail above max_price", LIMITS.maxPrice + 1n, FEED_IN, "PriceOutOfRange"],
      ["u64::MAX retail", U64_MAX, FEED_IN, "PriceOutOfRange"],
      ["feed-in above retail", RETAIL, RETAIL + 1n, "FeedInAboveRetail"],
    ];
    for (const [name, retail, feedIn, error] of refusals)
      it(`refuses ${name} (${error}) and changes nothing`, async () => {
        await f.publish(feeder, RETAIL, FEED_IN);
        f.advance(1);
        const before = snapshot();
        expectAnchorError(await f.update(feeder, retail, feedIn), error, oracleIdl);
        expectUnchanged(f.chain, before);
      });

    it("accepts exactly min_price and max_price (the range is inclusive)", async () => {
      await f.setLimits({ ...LIMITS, maxJumpBps: 65_535 });
      await f.publish(feeder, LIMITS.minPrice, LIMITS.minPrice);
      await f.setLimits({ ...LIMITS, maxStalenessSecs: 1 });
      await f.publish(feeder, LIMITS.maxPrice, LIMITS.minPrice, 2); // stale by then: no jump check
      expect(f.state().retailPrice).toBe(LIMITS.maxPrice);
    });
  });

  describe("timing", () => {
    beforeEach(async () => {
      await f.publish(feeder, RETAIL, FEED_IN);
    });

    it("refuses a second update in the same slot, even from another feeder (UpdateTooSoon); the next slot is fine", async () => {
      const other = await f.addFeeder();
      const before = f.chain.snapshot([f.oracle]);
      expectAnchorError(await f.update(feeder, RETAIL + 1n, FEED_IN), "UpdateTooSoon", oracleIdl);
      expectAnchorError(await f.update(other, RETAIL + 1n, FEED_IN), "UpdateTooSoon", oracleIdl);
      expectUnchanged(f.chain, before);
      // Next slot, same second: allowed with min_update_interval_secs = 0.
      f.chain.warpToSlot(f.chain.clock().slot + 1n);
      expectOk(await f.update(other, RETAIL + 1n, FEED_IN));
      expect(f.state().updateCount).toBe(2n);
    });

    it("refuses an update before min_update_interval_secs has passed (UpdateTooSoon), accepts it at exactly the interval", async () => {
      await f.setLimits({ ...LIMITS, minUpdateIntervalSecs: 60 });
      f.advance(59);
      const before = f.chain.snapshot([f.oracle]);
      expectAnchorError(await f.update(feeder, RETAIL + 1n, FEED_IN), "UpdateTooSoon", oracleIdl);
      expectUnchanged(f.chain, before);
      f.advance(1);
      expectOk(await f.update(feeder, RETAIL + 1n, FEED_IN));
    });

    it("refuses an update when the Clock reads earlier than the stored price (UpdateTooSoon)", async () => {
      const { unixTimestamp, slot } = f.chain.clock();
      f.chain.warpToSlot(slot + 10n);
      f.chain.setUnixTimestamp(unixTimestamp - 1n);
      const before = f.chain.snapshot([f.oracle]);
      expectAnchorError(await f.update(feeder, RETAIL, FEED_IN), "UpdateTooSoon", oracleIdl);
      expectUnchanged(f.chain, before);
    });
  });

  describe("jump limit", () => {
    beforeEach(async () => {
      await f.publish(feeder, RETAIL, FEED_IN);
    });

    it("accepts a move of exactly max_jump_bps up or down, on both prices (PriceUpdated with jumpChecked)", async () => {
      const r = await f.publish(feeder, RETAIL + pct20(RETAIL), FEED_IN + pct20(FEED_IN));
      expect(plain(f.event(r, "priceUpdated"))).toMatchObject({
        previousRetailPrice: RETAIL,
        previousFeedInPrice: FEED_IN,
        sequence: 2n,
        jumpChecked: true,
      });
      expectCu(r, { max: CU.updatePrice });
      const up = RETAIL + pct20(RETAIL);
      await f.publish(feeder, up - pct20(up), FEED_IN);
      expect(f.state().retailPrice).toBe(up - pct20(up));
    });

    const over: [string, () => [bigint, bigint]][] = [
      ["retail up", () => [RETAIL + pct20(RETAIL) + 1n, FEED_IN]],
      ["retail down", () => [RETAIL - pct20(RETAIL) - 1n, FEED_IN]],
      ["feed-in up", () => [RETAIL, FEED_IN + pct20(FEED_IN) + 1n]],
      ["feed-in down", () => [RETAIL, FEED_IN - pct20(FEED_IN) - 1n]],
    ];
    for (const [name, prices] of over)
      it(`refuses ${name} by one unit more than max_jump_bps (PriceJumpTooLarge)`, async () => {
        f.advance(1);
        const [retail, feedIn] = prices();
        const before = snapshot();
        expectAnchorError(await f.update(feeder, retail, feedIn), "PriceJumpTooLarge", oracleIdl);
        expectUnchanged(f.chain, before);
      });

    it("still checks the jump at exactly max_staleness_secs (the price is fresh until it is older)", async () => {
      f.advance(LIMITS.maxStalenessSecs);
      const before = snapshot();
      expectAnchorError(
        await f.update(feeder, RETAIL * 3n, FEED_IN),
        "PriceJumpTooLarge",
        oracleIdl,
      );
      expectUnchanged(f.chain, before);
    });

    it("accepts any in-range price once the current one is stale, and says so (jumpChecked false)", async () => {
      f.advance(LIMITS.maxStalenessSecs + 1);
      const r = expectOk(await f.update(feeder, RETAIL * 3n, FEED_IN / 2n));
      expect(plain(f.event(r, "priceUpdated"))).toMatchObject({
        retailPrice: RETAIL * 3n,
        previousRetailPrice: RETAIL,
        jumpChecked: false,
      });
      // The new price is the fresh reference again: the next jump is checked against it.
      f.advance(1);
      expectAnchorError(
        await f.update(feeder, RETAIL, FEED_IN / 2n),
        "PriceJumpTooLarge",
        oracleIdl,
      );
    });

    it("a stale price is still range-checked (PriceOutOfRange)", async () => {
      f.advance(LIMITS.maxStalenessSecs + 1);
      const before = snapshot();
      expectAnchorError(
        await f.update(feeder, LIMITS.maxPrice + 1n, FEED_IN),
        "PriceOutOfRange",
        oracleIdl,
      );
      expectUnchanged(f.chain, before);
    });
  });

  describe("u64 extremes", () => {
    const wide: Limits = {
      minPrice: 1n,
      maxPrice: U64_MAX,
      maxStalenessSecs: 900,
      minUpdateIntervalSecs: 0,
      maxJumpBps: 1,
    };

    it("stores and returns u64::MAX, and checks a 1 bps jump from it exactly (128-bit products)", async () => {
      await f.setLimits(wide);
      await f.publish(feeder, U64_MAX, U64_MAX);
      expect(f.state().retailPrice).toBe(U64_MAX);
      const allowed = U64_MAX / 10_000n; // floor(MAX * 1 / 10_000)
      const before = snapshot();
      f.advance(1);
      expectAnchorError(
        await f.update(feeder, U64_MAX, U64_MAX - allowed - 1n),
        "PriceJumpTooLarge",
        oracleIdl,
      );
      expectUnchanged(f.chain, before);
      await f.publish(feeder, U64_MAX - allowed, U64_MAX - allowed, 0);
      const r = expectOk(f.chain.send(await f.getPriceIx()));
      expect(f.decodePriceData(r.returnData!.data)).toMatchObject({
        retail: U64_MAX - allowed,
        feedIn: U64_MAX - allowed,
      });
    });

    it("max_jump_bps 65,535 allows a 6.5x move from 1 but not more", async () => {
      await f.setLimits({ ...wide, maxJumpBps: 65_535 });
      await f.publish(feeder, 1n, 1n);
      // |7 - 1| * 10_000 = 60,000 <= 65,535; |8 - 1| * 10_000 = 70,000 > 65,535.
      f.advance(1);
      expectAnchorError(await f.update(feeder, 8n, 1n), "PriceJumpTooLarge", oracleIdl);
      await f.publish(feeder, 7n, 1n, 0);
      expect(f.state().retailPrice).toBe(7n);
    });

    it("a huge jump from a tiny price does not overflow into acceptance", async () => {
      await f.setLimits({ ...wide, maxJumpBps: 65_535 });
      await f.publish(feeder, 1n, 1n);
      f.advance(1);
      const before = snapshot();
      // diff * 10_000 wraps around in 64 bits; the check must see the true 128-bit product.
      expectAnchorError(await f.update(feeder, U64_MAX, 1n), "PriceJumpTooLarge", oracleIdl);
      expectAnchorError(
        await f.update(feeder, (1n << 64n) / 10_000n + 2n, 1n),
        "PriceJumpTooLarge",
        oracleIdl,
      );
      expectUnchanged(f.chain, before);
    });
  });
});

/** A Provider whose simulate() runs on the TestChain, so Anchor's own `.view()` can be used:
 * it simulates, finds the `Program return:` log line and decodes it with the IDL's `returns`. */
function viewProgram(f: OracleFixture): Program<Oracle> {
  const provider: Provider = {
    connection: new Connection("http://127.0.0.1:9"),
    publicKey: f.chain.payer.publicKey,
    simulate: (tx: Transaction) => {
      const r = f.chain.simulate(tx.instructions);
      if (!r.ok)
        return Promise.reject(
          Object.assign(new Error(`simulation failed: ${JSON.stringify(r.err)}`), { logs: r.logs }),
        );
      return Promise.resolve({
        logs: r.logs,
        err: null,
        accounts: null,
        unitsConsumed: r.computeUnits,
        returnData: null,
      });
    },
  };
  return new anchor.Program<Oracle>(oracleIdl, provider);
}

describe("get_price and get_fresh_price", () => {
  let f: OracleFixture;
  let feeder: Keypair;
  beforeEach(async () => {
    f = new OracleFixture();
    await f.initialize();
    feeder = await f.addFeeder();
  });

  const read = async (strict = false): Promise<TxResult> =>
    f.chain.send(await (strict ? f.getFreshPriceIx() : f.getPriceIx()));

  it("are read-only in the IDL, with a `returns` type, so Anchor offers .view()", () => {
    for (const name of ["get_price", "get_fresh_price"]) {
      const ix = (oracleIdl as unknown as IdlJson).instructions.find((i) => i.name === name)!;
      expect(ix.accounts.some((a) => a.writable)).toBe(false);
      expect(ix.returns).toEqual({ defined: { name: "PriceData" } });
    }
  });

  it("refuse before the first price (PriceNotSet)", async () => {
    const before = f.chain.snapshot([f.oracle]);
    expectAnchorError(await read(), "PriceNotSet", oracleIdl);
    expectAnchorError(await read(true), "PriceNotSet", oracleIdl);
    expectUnchanged(f.chain, before);
  });

  it("get_price returns PriceData as return data (Anchor's type coder) and the `Program return:` log line, writing nothing", async () => {
    const { unixTimestamp } = f.chain.clock();
    await f.publish(feeder, RETAIL, FEED_IN, 0);
    const before = f.chain.snapshot([f.oracle]);
    const r = expectOk(await read());
    expect(r.returnData!.programId.equals(f.programId)).toBe(true);
    expect(r.returnData!.data).toHaveLength(25);
    expect(f.decodePriceData(r.returnData!.data)).toEqual({
      retail: RETAIL,
      feedIn: FEED_IN,
      updatedAt: unixTimestamp,
      stale: false,
    });
    expect(r.logs).toContain(
      `Program return: ${f.programId.toBase58()} ${r.returnData!.data.toString("base64")}`,
    );
    expect(f.events(r)).toEqual([]);
    expectUnchanged(f.chain, before);
    expectCu(r, { max: CU.getPrice });
  });

  it("get_fresh_price returns the same data while fresh", async () => {
    await f.publish(feeder, RETAIL, FEED_IN);
    const a = expectOk(await read());
    const b = expectOk(await read(true));
    expect(b.returnData!.data.equals(a.returnData!.data)).toBe(true);
    expectCu(b, { max: CU.getFreshPrice });
  });

  it("stale is false at exactly max_staleness_secs and true one second later; get_fresh_price then refuses (PriceStale)", async () => {
    await f.publish(feeder, RETAIL, FEED_IN);
    const updatedAt = f.state().updatedAt;
    f.advance(LIMITS.maxStalenessSecs);
    expect(f.decodePriceData(expectOk(await read()).returnData!.data).stale).toBe(false);
    expectOk(await read(true));
    f.advance(1);
    expect(f.decodePriceData(expectOk(await read()).returnData!.data)).toEqual({
      retail: RETAIL,
      feedIn: FEED_IN,
      updatedAt,
      stale: true,
    });
    const before = f.chain.snapshot([f.oracle]);
    expectAnchorError(await read(true), "PriceStale", oracleIdl);
    expectUnchanged(f.chain, before);
  });

  it("staleness follows set_limits: a longer window makes the same price fresh again", async () => {
    await f.publish(feeder, RETAIL, FEED_IN);
    f.advance(LIMITS.maxStalenessSecs + 100);
    expect(f.decodePriceData(expectOk(await read()).returnData!.data).stale).toBe(true);
    await f.setLimits({ ...LIMITS, maxStalenessSecs: LIMITS.maxStalenessSecs + 100 });
    expect(f.decodePriceData(expectOk(await read()).returnData!.data).stale).toBe(false);
  });

  it("a Clock that reads earlier than updated_at counts as fresh, not as a huge age", async () => {
    await f.publish(feeder, RETAIL, FEED_IN);
    f.chain.setUnixTimestamp(f.state().updatedAt - 5_000n);
    expect(f.decodePriceData(expectOk(await read(true)).returnData!.data).stale).toBe(false);
  });

  it("Anchor's .view() decodes the `Program return:` line into PriceData", async () => {
    const { unixTimestamp } = f.chain.clock();
    await f.publish(feeder, RETAIL, FEED_IN, 0);
    const program = viewProgram(f);
    const view = async () =>
      (await program.methods.getPrice().accounts({}).view()) as {
        retail: BigNum;
        feedIn: BigNum;
        updatedAt: BigNum;
        stale: boolean;
      };
    const v = await view();
    expect({
      retail: toBigInt(v.retail),
      feedIn: toBigInt(v.feedIn),
      updatedAt: toBigInt(v.updatedAt),
      stale: v.stale,
    }).toEqual({
      retail: RETAIL,
      feedIn: FEED_IN,
      updatedAt: unixTimestamp,
      stale: false,
    });
    f.advance(LIMITS.maxStalenessSecs + 1);
    expect((await view()).stale).toBe(true);
  });

  it(".view() surfaces the program's refusals as typed AnchorErrors (PriceNotSet, PriceStale)", async () => {
    const program = viewProgram(f);
    const code = async (p: Promise<unknown>) => {
      const e: unknown = await p.then(
        () => null,
        (err: unknown) => err,
      );
      expect(e).toBeInstanceOf(AnchorError);
      return (e as AnchorError).error.errorCode;
    };
    expect(await code(program.methods.getFreshPrice().accounts({}).view())).toEqual({
      code: "PriceNotSet",
      number: 6013,
    });
    await f.publish(feeder, RETAIL, FEED_IN);
    f.advance(LIMITS.maxStalenessSecs + 1);
    expect(await code(program.methods.getFreshPrice().accounts({}).view())).toEqual({
      code: "PriceStale",
      number: 6014,
    });
  });

  it("the oracle may be passed writable: reads still work and write nothing", async () => {
    await f.publish(feeder, RETAIL, FEED_IN);
    const ix = await f.getPriceIx();
    ix.keys[0]!.isWritable = true;
    const before = f.chain.snapshot([f.oracle]);
    expect(f.decodePriceData(expectOk(f.chain.send(ix)).returnData!.data).retail).toBe(RETAIL);
    expectUnchanged(f.chain, before);
  });

  it("refuse a missing oracle account (AccountNotEnoughKeys)", async () => {
    await f.publish(feeder, RETAIL, FEED_IN);
    for (const strict of [false, true]) {
      const ix = await (strict ? f.getFreshPriceIx() : f.getPriceIx());
      ix.keys = [];
      expectAnchorError(f.chain.send(ix), "AccountNotEnoughKeys", oracleIdl);
    }
  });
});
