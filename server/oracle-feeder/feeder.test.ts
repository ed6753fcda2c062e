/**
 * The oracle feeder: its step rule as pure functions, then on a real local chain (the real
 * programs, bootstrapped) — a price 901 s old makes create_order refuse OracleStale, one feeder
 * pass re-anchors it and the same order is accepted; a target beyond the jump limit is reached in
 * jump-sized steps the Oracle accepts; a bad target or a key that is not a feeder sends nothing;
 * and /api/cron/oracle runs a pass with the app's own env (operator key as feeder).
 */
import { getAssociatedTokenAddressSync } from "@solana/spl-token";
import { Keypair, LAMPORTS_PER_SOL } from "@solana/web3.js";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { decodeChainError } from "~/lib/solana/chain-error";
import { oracleAddress } from "~/programs/oracle/client";
import { thbcMintAddress } from "~/programs/thb_bridge/client";
import { clientOrderIdWithBump255, createOrderInstruction } from "~/programs/trading/client";
import { startChainEnv, type ChainEnv } from "~/server/poller/test-support";
import { bridgeEnv, sendDeposit, THB } from "~/server/solana/bridge-testing";
import { DEFAULT_ORACLE_LIMITS, INITIAL_FEED_IN_PRICE, INITIAL_RETAIL_PRICE } from "~/server/solana/bootstrap";
import { sendSigned } from "~/server/solana/registry-actions";
import { airdrop } from "~/server/solana/tx";
import {
  chainUnixTime,
  checkTarget,
  isFresh,
  nextPrice,
  OracleFeedConfigError,
  parseThbPerKwh,
  readOracle,
  runOracleFeed,
  stepToward,
  type OracleSnapshot,
} from "./feeder";

const snapshot = (over: Partial<OracleSnapshot> = {}): OracleSnapshot => ({
  retail: 4_200_000n,
  feedIn: 2_200_000n,
  updatedAt: 1_000n,
  updateCount: 1n,
  minPrice: DEFAULT_ORACLE_LIMITS.minPrice,
  maxPrice: DEFAULT_ORACLE_LIMITS.maxPrice,
  maxStalenessSecs: 900n,
  minUpdateIntervalSecs: 0n,
  maxJumpBps: 2_000n,
  ...over,
});

describe("the step rule", () => {
  it("steps at most max_jump_bps of the old price, exactly at the boundary, and lands on a near target", () => {
    expect(stepToward(4_200_000n, 10_000_000n, 2_000n)).toBe(5_040_000n);
    expect(stepToward(4_200_000n, 1_000_000n, 2_000n)).toBe(3_360_000n);
    expect(stepToward(4_200_000n, 5_040_000n, 2_000n)).toBe(5_040_000n);
    expect(stepToward(4_200_000n, 4_300_000n, 2_000n)).toBe(4_300_000n);
    expect(stepToward(3n, 100n, 2_000n)).toBe(3n); // floor(3 × 20 %) = 0: the program would refuse any move
  });

  it("fresh at exactly max_staleness_secs, stale one second later or before any price", () => {
    expect(isFresh(snapshot(), 1_900n)).toBe(true);
    expect(isFresh(snapshot(), 1_901n)).toBe(false);
    expect(isFresh(snapshot(), 500n)).toBe(true); // a clock behind the price counts as age 0
    expect(isFresh(snapshot({ updateCount: 0n }), 1_000n)).toBe(false);
  });

  it("a stale price re-anchors to the target at once; a fresh one steps; prices moving toward each other meet", () => {
    const target = { retail: 10_000_000n, feedIn: 3_000_000n };
    expect(nextPrice(snapshot(), target, 5_000n)).toEqual(target);
    expect(nextPrice(snapshot(), target, 1_100n)).toEqual({ retail: 5_040_000n, feedIn: 2_640_000n });
    const meeting = nextPrice(snapshot({ retail: 2_000_000n, feedIn: 1_500_000n }), { retail: 1_700_000n, feedIn: 1_700_000n }, 1_100n);
    expect(meeting).toEqual({ retail: 1_700_000n, feedIn: 1_700_000n });
  });

  it("refuses a zero, out-of-range or inverted target, naming it", () => {
    const limits = snapshot();
    expect(() => checkTarget({ retail: 0n, feedIn: 0n }, limits)).toThrow(/greater than 0/);
    expect(() => checkTarget({ retail: 200_000_000n, feedIn: 1_000_000n }, limits)).toThrow(/retail price 200 THB\/kWh is outside/);
    expect(() => checkTarget({ retail: 3_000_000n, feedIn: 4_000_000n }, limits)).toThrow(/feed-in price 4 THB\/kWh is above/);
    expect(() => checkTarget({ retail: 4_200_000n, feedIn: 2_200_000n }, limits)).not.toThrow();
  });

  it("parses THB/kWh with at most 6 decimals", () => {
    expect(parseThbPerKwh("4.20")).toBe(4_200_000n);
    expect(parseThbPerKwh("2")).toBe(2_000_000n);
    expect(parseThbPerKwh("0.000001")).toBe(1n);
    for (const bad of ["", "4.2000001", "-1", "1e3", "4,20"]) expect(() => parseThbPerKwh(bad)).toThrow(OracleFeedConfigError);
  });
});

describe("on the local chain", () => {
  let env: ChainEnv;
  const buyer = Keypair.generate();

  beforeAll(async () => {
    env = await startChainEnv();
    await airdrop(env.chain.connection, buyer.publicKey, 2 * LAMPORTS_PER_SOL);
    await sendDeposit(await bridgeEnv(env), buyer.publicKey, 1_000n * THB);
  }, 120_000);
  afterAll(async () => {
    await env?.close();
  });

  let nextId = 1n;
  const buyOrder = async () => {
    const clientOrderId = clientOrderIdWithBump255(buyer.publicKey, nextId);
    nextId = clientOrderId + 1n;
    const ix = await createOrderInstruction(env.chain.programs.trading, {
      owner: buyer.publicKey,
      side: "buy",
      clientOrderId,
      amountWh: 1_000n,
      limitPrice: INITIAL_RETAIL_PRICE,
      expiresAt: (await chainUnixTime(env.chain.programs)) + 3_600n,
      ownerTokenAccount: getAssociatedTokenAddressSync(thbcMintAddress(), buyer.publicKey),
    });
    return sendSigned(env.chain.programs, ix, [buyer]);
  };
  const feed = (target = { retail: INITIAL_RETAIL_PRICE, feedIn: INITIAL_FEED_IN_PRICE }, feeder = env.chain.operator) =>
    runOracleFeed({ programs: env.chain.programs, feeder, target });

  it("create_order refuses OracleStale 901 s after the last price; one feeder pass re-anchors and the order is accepted", async () => {
    await env.net.chain.warp(1, 901);
    const refused = await buyOrder().then(
      () => null,
      (err: unknown) => err,
    );
    expect(refused).not.toBeNull();
    expect(decodeChainError(refused).name).toBe("OracleStale");

    const before = await readOracle(env.chain.programs);
    const outcome = await feed();
    expect(outcome).toMatchObject({ kind: "published", retail: INITIAL_RETAIL_PRICE, feedIn: INITIAL_FEED_IN_PRICE, reachedTarget: true, reanchored: true });
    const after = await readOracle(env.chain.programs);
    expect(after.updateCount).toBe(before.updateCount + 1n);
    expect((await chainUnixTime(env.chain.programs)) - after.updatedAt).toBeLessThanOrEqual(1n);
    await expect(buyOrder()).resolves.toEqual(expect.any(String));
  });

  it("a target beyond the jump limit is reached in jump-sized steps, each accepted by the Oracle", async () => {
    const target = { retail: 7_000_000n, feedIn: 2_200_000n };
    const published: bigint[] = [];
    for (let pass = 0; pass < 10; pass++) {
      const o = await feed(target);
      if (o.kind !== "published") throw new Error(`pass ${pass}: ${o.kind}`);
      expect(o.reanchored).toBe(false);
      published.push(o.retail);
      if (o.reachedTarget) break;
    }
    // 4.20 → 5.04 → 6.048 → 7.00 (each step ≤ 20 % of the price before it).
    expect(published).toEqual([5_040_000n, 6_048_000n, 7_000_000n]);
    const o = await readOracle(env.chain.programs);
    expect([o.retail, o.feedIn]).toEqual([7_000_000n, 2_200_000n]);
    await feed(); // and back: 7.00 → 5.60 → 4.48 → 4.20
    await feed();
    expect(await feed()).toMatchObject({ retail: INITIAL_RETAIL_PRICE, reachedTarget: true });
  });

  it("a key that is not a feeder, or a target outside the limits, sends nothing", async () => {
    const before = await readOracle(env.chain.programs);
    await expect(feed(undefined, Keypair.generate())).rejects.toThrow(/is not one of the Oracle's feeders/);
    await expect(feed({ retail: 2_000_000n, feedIn: 3_000_000n })).rejects.toThrow(OracleFeedConfigError);
    await expect(feed({ retail: 500_000_000n, feedIn: 1_000_000n })).rejects.toThrow(/outside the Oracle's range/);
    const after = await readOracle(env.chain.programs);
    expect(after.updateCount).toBe(before.updateCount);
    expect(await env.chain.connection.getAccountInfo(oracleAddress(), "confirmed")).not.toBeNull();
  });

  it("/api/cron/oracle: 401 without the secret; with it, one pass with the app's env (the operator as feeder)", async () => {
    process.env.SOLANA_RPC_URL = env.net.rpcUrl;
    process.env.OPERATOR_KEYPAIR_PATH = env.keypairPath;
    process.env.ORACLE_FEED_RETAIL_PRICE = "4.5";
    process.env.ORACLE_FEED_FEED_IN_PRICE = "2.25";
    vi.resetModules(); // env.js reads the variables above when it is (re)loaded
    const { POST } = await import("~/app/api/cron/oracle/route");
    const call = (authorization?: string) =>
      POST(new Request("http://localhost/api/cron/oracle", { method: "POST", headers: authorization ? { authorization } : {} }));
    const before = await readOracle(env.chain.programs);
    const denied = await call("Bearer wrong-secret-wrong-secret");
    expect(denied.status).toBe(401);
    expect((await readOracle(env.chain.programs)).updateCount).toBe(before.updateCount);

    const res = await call("Bearer gridtokenx-local-cron-secret");
    expect(res.status).toBe(200);
    const body = (await res.json()) as { ok: boolean; summary: Record<string, unknown> };
    expect(body.ok).toBe(true);
    expect(body.summary).toMatchObject({
      feeder: env.chain.operator.publicKey.toBase58(),
      outcome: "published",
      retail: "4500000",
      feedIn: "2250000",
      reachedTarget: true,
    });
    const after = await readOracle(env.chain.programs);
    expect([after.retail, after.feedIn, after.updateCount]).toEqual([4_500_000n, 2_250_000n, before.updateCount + 1n]);
  });
});
