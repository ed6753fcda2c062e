/**
 * The Trading program in the program list: on a real local chain (bootstrapped, so the market is
 * initialised on Energy Token's GRID and the bridge's THBC) and a real database, a prosumer with
 * minted GRID (meter readings through the mint poller) sells and buyers with THBC from the bridge
 * buy; a match of three fills (two of the same pair), a close of a filled buy, a cancel of a partly
 * filled sell, the close of an expired buy, a pause, an unpause and new market params are
 * mirrored into trading_orders / trading_fills / trading_market exactly, to the base unit, and
 * agree with the chain's token balances; replaying the same signatures, applying them newest
 * first into another database, and a reindex all leave the same rows.
 */
import {
  createAssociatedTokenAccountIdempotentInstruction,
  getAssociatedTokenAddressSync,
} from "@solana/spl-token";
import { Keypair, LAMPORTS_PER_SOL, type PublicKey, Transaction } from "@solana/web3.js";
import { asc } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Db } from "~/db/client";
import { listOpenTradingOrders } from "~/db/queries/trading";
import { tradingFills, tradingMarket, tradingOrders } from "~/db/schema";
import { createTestDb } from "~/db/testing";
import { gridMintAddress } from "~/programs/energy_token/client";
import { thbcAccountAddress, thbcMintAddress } from "~/programs/thb_bridge/client";
import {
  buyLock,
  cancelOrderInstruction,
  clientOrderIdWithBump255,
  closeOrderInstruction,
  createOrderInstruction,
  marketAddress,
  matchOrdersInstruction,
  orderAddress,
  setMarketParamsInstruction,
  setPausedInstruction,
  TRADING_ID,
  type Side,
} from "~/programs/trading/client";
import { runMintPoller } from "~/server/poller/mint-poller";
import {
  createChainMeter,
  envIndexer,
  gridBalance,
  series,
  startChainEnv,
  storeSigned,
  type ChainEnv,
} from "~/server/poller/test-support";
import { DEFAULT_MARKET_CONFIG } from "~/server/solana/bootstrap";
import { THB, bridgeEnv, sendDeposit } from "~/server/solana/bridge-testing";
import { sendSigned } from "~/server/solana/registry-actions";
import { airdrop } from "~/server/solana/tx";
import { createIndexer } from "../indexer";
import { reindexFromChain } from "../reindex";

let env: ChainEnv;
let seller: Keypair;
let buyer: Keypair;
let buyer2: Keypair;
let feeDestination: PublicKey;
const published: { channel: string; payload: Record<string, unknown> }[] = [];

/** The seller's GRID: 25 readings of 130 Wh through the mint poller. */
const MINTED_WH = 25n * 130n;

const gridAta = (k: PublicKey) => getAssociatedTokenAddressSync(gridMintAddress(), k, true);
const programs = () => env.chain.programs;
const send = (ix: Transaction | Parameters<typeof sendSigned>[1], signers: Keypair[] = []) =>
  sendSigned(programs(), ix, signers);

async function tokenBalance(account: PublicKey): Promise<bigint> {
  const info = await env.chain.connection.getTokenAccountBalance(account, "confirmed").catch(() => null);
  return info ? BigInt(info.value.amount) : 0n;
}

/** Both token accounts of `owner` (GRID and THBC), created by the operator when missing. */
async function ensureAccounts(owner: PublicKey) {
  const payer = env.chain.operator.publicKey;
  await send(
    new Transaction().add(
      createAssociatedTokenAccountIdempotentInstruction(payer, gridAta(owner), owner, gridMintAddress()),
      createAssociatedTokenAccountIdempotentInstruction(payer, thbcAccountAddress(owner), owner, thbcMintAddress()),
    ),
  );
}

async function chainNow(): Promise<number> {
  const slot = await env.chain.connection.getSlot("confirmed");
  return (await env.chain.connection.getBlockTime(slot))!;
}

let nextId = 1n;
async function placeOrder(owner: Keypair, side: Side, amountWh: bigint, limitPrice: bigint, expiresAt?: number) {
  const clientOrderId = clientOrderIdWithBump255(owner.publicKey, nextId);
  nextId = clientOrderId + 1n;
  const ix = await createOrderInstruction(programs().trading, {
    owner: owner.publicKey,
    side,
    clientOrderId,
    amountWh,
    limitPrice,
    expiresAt: BigInt(expiresAt ?? (await chainNow()) + 3_600),
    ownerTokenAccount: side === "sell" ? gridAta(owner.publicKey) : thbcAccountAddress(owner.publicKey),
  });
  const signature = await send(ix, [owner]);
  return { signature, order: orderAddress(owner.publicKey, clientOrderId), clientOrderId, side, amountWh, limitPrice };
}
type Placed = Awaited<ReturnType<typeof placeOrder>>;

const payouts = (owner: PublicKey) => ({
  ownerGrid: gridAta(owner),
  ownerThbc: thbcAccountAddress(owner),
  feeDestination,
});

const indexer = () =>
  envIndexer(env, {
    publish: (channel, payload) => {
      published.push({ channel, payload });
      return Promise.resolve();
    },
  });

async function tradingRows(db: Db) {
  return {
    orders: await db.select().from(tradingOrders).orderBy(asc(tradingOrders.orderPda)),
    fills: await db.select().from(tradingFills).orderBy(asc(tradingFills.signature), asc(tradingFills.fillIndex)),
    market: (await db.select().from(tradingMarket)).map(({ updatedAt: _, ...row }) => row),
  };
}

async function tradingSignatures(): Promise<string[]> {
  const list = await env.chain.connection.getSignaturesForAddress(TRADING_ID, { limit: 1_000 }, "confirmed");
  return list.filter((s) => !s.err).map((s) => s.signature);
}

beforeAll(async () => {
  env = await startChainEnv();
  const b = await bridgeEnv(env);
  const market = await env.chain.programs.trading.account.market.fetch(marketAddress(), "confirmed");
  feeDestination = market.feeDestination;

  // The seller: a prosumer whose meter's readings the poller mints as GRID.
  const meter = await createChainMeter(env);
  seller = meter.owner;
  await storeSigned(env, meter, series(25, () => ({ p: 130, c: 0 })));
  const minted = await runMintPoller({
    db: env.tdb.db,
    connection: env.chain.connection,
    operator: env.chain.operator,
    programs: env.chain.programs,
  });
  expect(minted.errors).toEqual([]);
  expect(await gridBalance(env.chain.connection, seller)).toBe(MINTED_WH);

  // The buyers: THBC from attested bridge deposits.
  buyer = Keypair.generate();
  buyer2 = Keypair.generate();
  for (const k of [buyer, buyer2]) {
    await airdrop(env.chain.connection, k.publicKey, LAMPORTS_PER_SOL);
    await sendDeposit(b, k.publicKey, 100n * THB);
  }
  for (const k of [seller, buyer, buyer2]) await ensureAccounts(k.publicKey);
}, 90_000);

afterAll(async () => {
  await env?.close();
});

describe("trading in the program list", () => {
  it("mirrors the bootstrap's initialize into trading_market: operator authorities, the mints, the fee account, the default config", async () => {
    await indexer().catchUp();
    const { market } = await tradingRows(env.tdb.db);
    const operator = env.chain.operator.publicKey.toBase58();
    expect(market).toHaveLength(1);
    expect(market[0]).toMatchObject({
      market: marketAddress().toBase58(),
      gridMint: gridMintAddress().toBase58(),
      thbcMint: thbcMintAddress().toBase58(),
      paramsAuthority: operator,
      pendingParamsAuthority: null,
      emergencyAuthority: operator,
      feeDestination: feeDestination.toBase58(),
      minOrderWh: DEFAULT_MARKET_CONFIG.minOrderWh,
      maxOracleAgeSecs: DEFAULT_MARKET_CONFIG.maxOracleAgeSecs,
      feeBps: DEFAULT_MARKET_CONFIG.feeBps,
      priceBandBps: DEFAULT_MARKET_CONFIG.priceBandBps,
      paused: false,
    });
    expect(market[0]!.configSlot).toBe(market[0]!.pausedSlot);
  });

  let sell1: Placed;
  let sell2: Placed;
  let buy1: Placed;
  let buy2: Placed;
  let buy3: Placed;
  let matchSignature: string;

  it("mirrors created orders (open, locked what the chain locked) and a match of three fills, exactly", async () => {
    sell1 = await placeOrder(seller, "sell", 2_000n, 4_000_000n);
    sell2 = await placeOrder(seller, "sell", 1_000n, 5_000_000n);
    buy1 = await placeOrder(buyer, "buy", 1_000n, 4_100_000n);
    buy2 = await placeOrder(buyer2, "buy", 1_500n, 4_050_000n);
    // Two fills of the same pair in one transaction: their index tells them apart.
    matchSignature = await send(
      matchOrdersInstruction(programs().trading, {
        fills: [
          { buyOrder: buy1.order, sellOrder: sell1.order, amountWh: 1_000n },
          { buyOrder: buy2.order, sellOrder: sell1.order, amountWh: 300n },
          { buyOrder: buy2.order, sellOrder: sell1.order, amountWh: 100n },
        ],
      }),
    );
    await indexer().catchUp();

    const { orders, fills } = await tradingRows(env.tdb.db);
    const row = (p: Placed) => orders.find((o) => o.orderPda === p.order.toBase58())!;
    // sell1 is the maker of every fill (created first): each settles at 4.00 THB/kWh.
    const cost = (wh: bigint) => (wh * 4_000_000n) / 1_000n;
    const fee = (c: bigint) => (c * 25n) / 10_000n;
    expect(fills.filter((f) => f.signature === matchSignature)).toEqual([
      expect.objectContaining({
        fillIndex: 0,
        buyOrder: buy1.order.toBase58(),
        sellOrder: sell1.order.toBase58(),
        buyer: buyer.publicKey.toBase58(),
        seller: seller.publicKey.toBase58(),
        makerOrder: sell1.order.toBase58(),
        amountWh: 1_000n,
        price: 4_000_000n,
        cost: 4_000_000n,
        fee: 10_000n,
        feePayer: seller.publicKey.toBase58(),
        // The buy locked at 4.10, filled at 4.00: the difference is freed.
        releasedToBuyer: buyLock(1_000n, 4_100_000n) - cost(1_000n),
        buyFilledWh: 1_000n,
        sellFilledWh: 1_000n,
      }),
      expect.objectContaining({
        fillIndex: 1,
        buyOrder: buy2.order.toBase58(),
        amountWh: 300n,
        cost: cost(300n),
        fee: fee(cost(300n)),
        releasedToBuyer: buyLock(1_500n, 4_050_000n) - cost(300n) - buyLock(1_200n, 4_050_000n),
        buyFilledWh: 300n,
        sellFilledWh: 1_300n,
      }),
      expect.objectContaining({
        fillIndex: 2,
        amountWh: 100n,
        cost: cost(100n),
        fee: fee(cost(100n)),
        releasedToBuyer: buyLock(1_200n, 4_050_000n) - cost(100n) - buyLock(1_100n, 4_050_000n),
        buyFilledWh: 400n,
        sellFilledWh: 1_400n,
      }),
    ]);
    for (const f of fills) {
      expect(f.slot).toBeGreaterThan(0);
      expect(f.filledAt).toBeInstanceOf(Date);
    }

    expect(row(sell1)).toMatchObject({
      owner: seller.publicKey.toBase58(),
      side: "sell",
      clientOrderId: sell1.clientOrderId,
      amountWh: 2_000n,
      filledWh: 1_400n,
      limitPrice: 4_000_000n,
      createdLocked: 2_000n,
      referencePrice: 4_200_000n,
      state: "partial",
      locked: 600n,
      createdSignature: sell1.signature,
      endedAs: null,
      endedSignature: null,
      paidGrid: null,
    });
    expect(row(sell1).createdAt).toBeInstanceOf(Date);
    expect(row(sell1).expiresAt).toBeInstanceOf(Date);
    expect(row(sell2)).toMatchObject({ state: "open", filledWh: 0n, locked: 1_000n, createdLocked: 1_000n });
    expect(row(buy1)).toMatchObject({ state: "filled", filledWh: 1_000n, locked: 0n, createdLocked: buyLock(1_000n, 4_100_000n) });
    expect(row(buy2)).toMatchObject({ state: "partial", filledWh: 400n, locked: buyLock(1_100n, 4_050_000n) });

    // The mirror's numbers are the chain's.
    for (const p of [sell1, sell2, buy1, buy2]) {
      const o = await programs().trading.account.order.fetch(p.order, "confirmed");
      expect(row(p).filledWh).toBe(BigInt(o.filledWh.toString()));
      expect(row(p).locked).toBe(BigInt(o.locked.toString()));
    }

    // The book: buy2 (4.05), then the sells by price; buy1 is filled, off the book.
    const book = await listOpenTradingOrders(env.tdb.db, { limit: 10 });
    expect(book.map((o) => o.orderPda)).toEqual([buy2.order, sell1.order, sell2.order].map((k) => k.toBase58()));

    const trades = published.filter((p) => p.channel === "trades" && p.payload.signature === matchSignature);
    expect(trades.map((p) => p.payload.amountWh)).toEqual(["1000", "300", "100"]);
    expect(published).toContainEqual({
      channel: "order-funds",
      payload: expect.objectContaining({ signature: buy1.signature, kind: "locked", owner: buyer.publicKey.toBase58() }) as unknown,
    });
  });

  it("mirrors a close of the filled buy and a cancel of the partly filled sell: ended, with exactly what was paid out", async () => {
    const buyerThbcBefore = await tokenBalance(thbcAccountAddress(buyer.publicKey));
    const sellerThbcBefore = await tokenBalance(thbcAccountAddress(seller.publicKey));
    const feesBefore = await tokenBalance(feeDestination);
    const close = await send(
      await closeOrderInstruction(programs().trading, { order: buy1.order, owner: buyer.publicKey, ...payouts(buyer.publicKey) }),
    );
    const cancel = await send(
      await cancelOrderInstruction(programs().trading, { order: sell1.order, owner: seller.publicKey, ...payouts(seller.publicKey) }),
      [seller],
    );
    await indexer().catchUp();

    const { orders } = await tradingRows(env.tdb.db);
    const row = (p: Placed) => orders.find((o) => o.orderPda === p.order.toBase58())!;
    const released = buyLock(1_000n, 4_100_000n) - 4_000_000n;
    expect(row(buy1)).toMatchObject({
      state: "closed",
      endedAs: "closed",
      filledWh: 1_000n,
      locked: 0n,
      paidGrid: 1_000n,
      paidThbc: released,
      feePaid: 0n,
      endedSignature: close,
    });
    const proceeds = 4_000_000n + 1_200_000n + 400_000n;
    const fees = 10_000n + 3_000n + 1_000n;
    expect(row(sell1)).toMatchObject({
      state: "cancelled",
      endedAs: "cancelled",
      filledWh: 1_400n,
      locked: 0n,
      paidGrid: 600n,
      paidThbc: proceeds - fees,
      feePaid: fees,
      endedSignature: cancel,
    });
    expect(row(sell1).endedAt).toBeInstanceOf(Date);
    expect(row(sell1).endedSlot).toBeGreaterThanOrEqual(row(sell1).createdSlot!);

    // The token accounts moved by exactly what the rows say.
    expect(await tokenBalance(thbcAccountAddress(buyer.publicKey))).toBe(buyerThbcBefore + released);
    expect(await tokenBalance(gridAta(buyer.publicKey))).toBe(1_000n);
    expect(await tokenBalance(thbcAccountAddress(seller.publicKey))).toBe(sellerThbcBefore + proceeds - fees);
    expect(await tokenBalance(gridAta(seller.publicKey))).toBe(MINTED_WH - 2_000n - 1_000n + 600n);
    expect(await tokenBalance(feeDestination)).toBe(feesBefore + fees);

    const funds = published.filter((p) => p.channel === "order-funds" && p.payload.kind === "paid");
    expect(funds.map((p) => [p.payload.owner, p.payload.paidGrid, p.payload.paidThbc])).toEqual([
      [buyer.publicKey.toBase58(), "1000", released.toString()],
      [seller.publicKey.toBase58(), "600", (proceeds - fees).toString()],
    ]);
  });

  it("mirrors the close of an expired buy (expired_closed, its lock paid back) and the market's pause, unpause and new params", async () => {
    buy3 = await placeOrder(buyer, "buy", 1_000n, 3_500_000n, (await chainNow()) + 2);
    const pause = await send(await setPausedInstruction(programs().trading, { emergencyAuthority: env.chain.operator.publicKey, paused: true }));
    await send(await setPausedInstruction(programs().trading, { emergencyAuthority: env.chain.operator.publicKey, paused: false }));
    await send(
      await setMarketParamsInstruction(programs().trading, {
        paramsAuthority: env.chain.operator.publicKey,
        feeDestination,
        emergencyAuthority: env.chain.operator.publicKey,
        config: { ...DEFAULT_MARKET_CONFIG, feeBps: 30, priceBandBps: 2_500 },
      }),
    );
    const deadline = Date.now() + 10_000;
    const expiresAt = BigInt((await programs().trading.account.order.fetch(buy3.order, "confirmed")).expiresAt.toString());
    while (BigInt(await chainNow()) < expiresAt) {
      if (Date.now() > deadline) throw new Error("the chain clock did not pass the expiry");
      await new Promise((r) => setTimeout(r, 200));
    }
    const close = await send(
      await closeOrderInstruction(programs().trading, { order: buy3.order, owner: buyer.publicKey, ...payouts(buyer.publicKey) }),
    );
    await indexer().catchUp();

    const { orders, market } = await tradingRows(env.tdb.db);
    expect(orders.find((o) => o.orderPda === buy3.order.toBase58())).toMatchObject({
      state: "expired_closed",
      filledWh: 0n,
      locked: 0n,
      paidGrid: 0n,
      paidThbc: buyLock(1_000n, 3_500_000n),
      feePaid: 0n,
      endedSignature: close,
    });
    expect(market[0]).toMatchObject({ paused: false, feeBps: 30, priceBandBps: 2_500, minOrderWh: 1_000n });
    expect(market[0]!.pausedSlot).toBeGreaterThanOrEqual((await env.chain.connection.getTransaction(pause, { commitment: "confirmed", maxSupportedTransactionVersion: 0 }))!.slot);
    const kinds = published.filter((p) => p.channel === "market").map((p) => p.payload.kind);
    expect(kinds).toEqual(["initialized", "paused", "unpaused", "params"]);
  });

  it("replaying the same signatures changes nothing; applied newest first into another database, the rows are the same; reindex rebuilds them", async () => {
    const before = await tradingRows(env.tdb.db);
    expect(before.orders).toHaveLength(5);
    expect(before.fills).toHaveLength(3);
    // Newest first, as the chain lists them.
    const signatures = await tradingSignatures();

    const again = indexer();
    await again.applySignatures([...signatures].reverse());
    await again.applySignatures(signatures);
    await again.catchUp();
    expect(await tradingRows(env.tdb.db)).toEqual(before);

    // Newest first: each end lands before its fills and its creation, params before initialize.
    const other = await createTestDb();
    try {
      const reversed = createIndexer({
        db: other.db,
        connection: env.chain.connection,
        programs: env.chain.programs,
        catchUpIntervalMs: 0,
      });
      await reversed.applySignatures(signatures);
      expect(await tradingRows(other.db)).toEqual(before);
    } finally {
      await other.close();
    }

    await reindexFromChain({ db: env.tdb.db, connection: env.chain.connection, programs: env.chain.programs });
    expect(await tradingRows(env.tdb.db)).toEqual(before);
  });
});
