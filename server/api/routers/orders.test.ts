/**
 * orders.* through createCaller against a real local chain and a real database: the market's
 * settings and band, orders prepared by the router, built with the Trading client and signed by
 * the wallet's key, mirrored by the indexer; the book's levels and depth; a match's trades,
 * candles and each side's history with the fee itemised to the base unit; cancel through
 * prepareCancelOrder; input errors with their codes; fresh client order ids.
 */
import { createCloseAccountInstruction } from "@solana/spl-token";
import { Keypair, PublicKey, Transaction } from "@solana/web3.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  cancelOrderInstruction,
  createOrderInstruction,
  marketAddress,
  matchOrdersInstruction,
  orderAddress,
} from "~/programs/trading/client";
import { onIndexerNotice } from "~/server/market/book-cache";
import { pickClientOrderId } from "~/server/market/client-order-id";
import {
  buyersWithThbc,
  chainNow,
  placeOrder,
  sellersWithGrid,
  startMarketEnv,
  tokenBalance,
  gridAta,
  type MarketEnv,
} from "~/server/market/test-support";
import { envIndexer } from "~/server/poller/test-support";
import { DEFAULT_MARKET_CONFIG, INITIAL_RETAIL_PRICE } from "~/server/solana/bootstrap-steps";
import { sendSigned } from "~/server/solana/registry-actions";
import { thbcAccountAddress } from "~/programs/thb_bridge/client";
import { buildCreateOrder } from "~/components/trade/trading-program";
import { gridMintAddress } from "~/programs/energy_token/client";
import { createBrowser } from "../testing";
import { chainAuthConfig, signedInBrowser, testChainContext } from "./router-chain-testing";

let m: MarketEnv;
let seller: Keypair;
let sellers: Keypair[];
let buyer: Keypair;
let other: Keypair;
let auth: ReturnType<typeof chainAuthConfig>;

const env = () => m.env;
/** The env's indexer with the app's book-cache hook (server/indexer/background.ts does the same). */
const indexer = () => envIndexer(env(), { publish: (channel) => onIndexerNotice(env().tdb.db, channel) });
const band = (ref: bigint, bps: number) => ({
  lower: (ref * BigInt(10_000 - bps) + 9_999n) / 10_000n,
  upper: (ref * BigInt(10_000 + bps)) / 10_000n,
});

beforeAll(async () => {
  m = await startMarketEnv();
  sellers = await sellersWithGrid(m, 4);
  seller = sellers[0]!;
  const buyers = await buyersWithThbc(m, 2);
  buyer = buyers[0]!;
  other = buyers[1]!;
  auth = chainAuthConfig();
}, 120_000);

afterAll(async () => {
  await m?.close();
});

const anon = () => createBrowser(env().tdb, auth, undefined, { chain: testChainContext(env()) });

describe("orders router", () => {
  it("market: the chain's config, the Oracle's reference price and the band's bounds (public)", async () => {
    const market = await anon().call((c) => c.orders.market());
    const b = band(INITIAL_RETAIL_PRICE, DEFAULT_MARKET_CONFIG.priceBandBps);
    expect(market).toMatchObject({
      market: marketAddress().toBase58(),
      initialized: true,
      feeBps: DEFAULT_MARKET_CONFIG.feeBps,
      priceBandBps: DEFAULT_MARKET_CONFIG.priceBandBps,
      minOrderWh: DEFAULT_MARKET_CONFIG.minOrderWh,
      maxOracleAgeSecs: DEFAULT_MARKET_CONFIG.maxOracleAgeSecs,
      paused: false,
      oracle: { retailPrice: INITIAL_RETAIL_PRICE, stale: false },
      band: { bps: DEFAULT_MARKET_CONFIG.priceBandBps, ...b },
      source: "chain",
    });
    expect(b.lower).toBeLessThan(INITIAL_RETAIL_PRICE);
    expect(b.upper).toBeGreaterThan(INITIAL_RETAIL_PRICE);
  });

  it("prepareCreateOrder: refuses bad input with its code, needs a session; a prepared order signed by the wallet is mirrored as open", async () => {
    const b = band(INITIAL_RETAIL_PRICE, DEFAULT_MARKET_CONFIG.priceBandBps);
    await expect(
      anon().call((c) => c.orders.prepareCreateOrder({ side: "sell", amountWh: 1_000n, limitPrice: INITIAL_RETAIL_PRICE })),
    ).rejects.toMatchObject({ appCode: "UNAUTHENTICATED" });
    const sb = await signedInBrowser(env(), auth, seller);
    await expect(
      sb.call((c) => c.orders.prepareCreateOrder({ side: "sell", amountWh: DEFAULT_MARKET_CONFIG.minOrderWh - 1n, limitPrice: INITIAL_RETAIL_PRICE })),
    ).rejects.toMatchObject({ appCode: "VALIDATION_FAILED" });
    const outside = await sb
      .call((c) => c.orders.prepareCreateOrder({ side: "sell", amountWh: 1_000n, limitPrice: b.upper + 1n }))
      .catch((e: unknown) => e as { appCode: string; message: string });
    expect(outside).toMatchObject({ appCode: "VALIDATION_FAILED" });
    expect((outside as { message: string }).message).toContain(`${b.lower} … ${b.upper}`);
    await expect(
      sb.call((c) => c.orders.prepareCreateOrder({ side: "sell", amountWh: 1_000n, limitPrice: b.lower - 1n })),
    ).rejects.toMatchObject({ appCode: "VALIDATION_FAILED" });
    await expect(
      sb.call((c) => c.orders.prepareCreateOrder({ side: "sell", amountWh: 0n, limitPrice: INITIAL_RETAIL_PRICE })),
    ).rejects.toMatchObject({ code: "BAD_REQUEST" });
    await expect(
      sb.call((c) => c.orders.prepareCreateOrder({ side: "sell", amountWh: 1_000n, limitPrice: INITIAL_RETAIL_PRICE, expiresInSecs: 5 })),
    ).rejects.toMatchObject({ code: "BAD_REQUEST" });
    await expect(
      sb.call((c) => c.orders.prepareCreateOrder({ side: "sell", amountWh: 1_000n, limitPrice: INITIAL_RETAIL_PRICE, expiresAt: new Date(Date.now() - 1_000) })),
    ).rejects.toMatchObject({ appCode: "VALIDATION_FAILED" });

    const gridBefore = await tokenBalance(env(), gridAta(seller.publicKey));
    const p = await sb.call((c) => c.orders.prepareCreateOrder({ side: "sell", amountWh: 1_500n, limitPrice: INITIAL_RETAIL_PRICE, expiresInSecs: 3_600 }));
    const cost = (1_500n * INITIAL_RETAIL_PRICE) / 1000n;
    const fee = (cost * BigInt(DEFAULT_MARKET_CONFIG.feeBps)) / 10_000n;
    expect(p).toMatchObject({
      owner: seller.publicKey.toBase58(),
      side: "sell",
      ownerTokenAccount: gridAta(seller.publicKey).toBase58(),
      ownerTokenAccountExists: true,
      lock: { amount: 1_500n },
      balance: gridBefore,
      sufficient: true,
      estimate: { cost, fee, net: cost - fee, feeBps: DEFAULT_MARKET_CONFIG.feeBps, feePayer: "seller" },
      referencePrice: INITIAL_RETAIL_PRICE,
    });
    expect(p.order).toBe(orderAddress(seller.publicKey, p.clientOrderId).toBase58());
    // Two prepares never hand out the same id.
    const p2 = await sb.call((c) => c.orders.prepareCreateOrder({ side: "sell", amountWh: 1_500n, limitPrice: INITIAL_RETAIL_PRICE }));
    expect(p2.clientOrderId).not.toBe(p.clientOrderId);

    // The browser builds create_order from what the router answered; the wallet signs it.
    const ix = await createOrderInstruction(env().chain.programs.trading, {
      owner: new PublicKey(p.owner),
      side: p.side,
      clientOrderId: p.clientOrderId,
      amountWh: p.amountWh,
      limitPrice: p.limitPrice,
      expiresAt: p.expiresAt,
      ownerTokenAccount: new PublicKey(p.ownerTokenAccount),
    });
    const signature = await sendSigned(env().chain.programs, ix, [seller]);
    const mine = await sb.call((c) => c.orders.syncFromChain({ signatures: [signature] }));
    expect(mine.find((o) => o.order === p.order)).toMatchObject({
      status: "open",
      side: "sell",
      amountWh: 1_500n,
      filledWh: 0n,
      remainingWh: 1_500n,
      limitPrice: INITIAL_RETAIL_PRICE,
      createdLocked: 1_500n,
      locked: 1_500n,
      cancellable: true,
      createdSignature: signature,
    });
    expect(await tokenBalance(env(), gridAta(seller.publicKey))).toBe(gridBefore - 1_500n);

    // A buy: the lock is ceil(amount × limit / 1000) THBC, no fee for the buyer.
    // A buyer without a GRID account (closed here, it was empty): the prepare names it for creation,
    // and the browser's transaction (idempotent ATA creation, then create_order) opens it again,
    // paid by the buyer — a filled buy can always be closed back to its owner.
    const buyerGrid = gridAta(buyer.publicKey);
    expect(await tokenBalance(env(), buyerGrid)).toBe(0n);
    await sendSigned(env().chain.programs, new Transaction().add(createCloseAccountInstruction(buyerGrid, buyer.publicKey, buyer.publicKey)), [buyer]);
    expect(await env().chain.connection.getAccountInfo(buyerGrid)).toBeNull();
    const bb = await signedInBrowser(env(), auth, buyer);
    const pb = await bb.call((c) => c.orders.prepareCreateOrder({ side: "buy", amountWh: 1_001n, limitPrice: 4_100_001n }));
    expect(pb).toMatchObject({
      ownerTokenAccount: thbcAccountAddress(buyer.publicKey).toBase58(),
      lock: { amount: (1_001n * 4_100_001n + 999n) / 1000n },
      estimate: { fee: 0n },
      sufficient: true,
    });
    expect(pb.createAccounts).toEqual([{ mint: gridMintAddress().toBase58(), address: buyerGrid.toBase58() }]);
    const buyIxs = await buildCreateOrder(env().chain.programs.trading, pb);
    expect(buyIxs).toHaveLength(2);
    await sendSigned(env().chain.programs, new Transaction().add(...buyIxs), [buyer]);
    expect(await tokenBalance(env(), buyerGrid)).toBe(0n);
    const again = await bb.call((c) => c.orders.prepareCreateOrder({ side: "buy", amountWh: 1_001n, limitPrice: 4_100_001n }));
    expect(again.createAccounts).toEqual([]);
    // It does not cover more than the balance.
    const tooBig = await bb.call((c) => c.orders.prepareCreateOrder({ side: "buy", amountWh: 1_000_000n, limitPrice: INITIAL_RETAIL_PRICE }));
    expect(tooBig.sufficient).toBe(false);
  });

  it("pickClientOrderId skips an id the owner used (on chain and in the mirror)", async () => {
    const placed = await placeOrder(env(), seller, "sell", 1_000n, INITIAL_RETAIL_PRICE);
    await indexer().catchUp();
    const id = await pickClientOrderId({ db: env().tdb.db, connection: env().chain.connection, owner: seller.publicKey, from: placed.clientOrderId });
    expect(id).not.toBeNull();
    expect(id).toBeGreaterThan(placed.clientOrderId);
    // Without any order at that id, the same starting point gives the id itself.
    const fresh = Keypair.generate();
    const idFresh = await pickClientOrderId({ db: env().tdb.db, connection: env().chain.connection, owner: fresh.publicKey, from: 5n });
    expect(idFresh).toBeGreaterThanOrEqual(5n);
    expect(await env().chain.connection.getAccountInfo(orderAddress(fresh.publicKey, idFresh!))).toBeNull();
  });

  it("book and depth: levels per side best first with cumulative depth; an expired order is not liquidity", async () => {
    const seller = sellers[1]!;
    const before = await anon().call((c) => c.orders.book());
    const r = INITIAL_RETAIL_PRICE;
    await placeOrder(env(), seller, "sell", 1_000n, r + 20_000n);
    await placeOrder(env(), seller, "sell", 1_000n, r + 20_000n);
    await placeOrder(env(), seller, "sell", 1_000n, r + 40_000n);
    await placeOrder(env(), other, "buy", 1_000n, r - 50_000n);
    await placeOrder(env(), other, "buy", 1_000n, r - 60_000n);
    // expires in 3 s: counted until then
    const shortLived = await placeOrder(env(), other, "buy", 1_000n, r - 50_000n, { expiresAt: (await chainNow(env())) + 3 });
    await indexer().catchUp();
    const book = await anon().call((c) => c.orders.book({ depth: 200 }));
    expect(book.sequence).toBeGreaterThan(before.sequence);
    const level = (side: "bids" | "asks", price: bigint) => book[side].find((l) => l.price === price);
    expect(level("asks", r + 20_000n)).toMatchObject({ totalWh: 2_000n, orderCount: 2 });
    expect(level("bids", r - 50_000n)).toMatchObject({ totalWh: 2_000n, orderCount: 2 });
    expect(level("bids", r - 60_000n)).toMatchObject({ totalWh: 1_000n, orderCount: 1 });
    for (const side of ["bids", "asks"] as const) {
      let cum = 0n;
      book[side].forEach((l, i) => {
        cum += l.totalWh;
        expect(l.cumulativeWh).toBe(cum);
        if (i > 0) expect(side === "bids" ? l.price < book[side][i - 1]!.price : l.price > book[side][i - 1]!.price).toBe(true);
      });
    }
    expect(book.bestBid).toBe(book.bids[0]!.price);
    expect(book.bestAsk).toBe(book.asks[0]!.price);
    expect(book.spread).toBe(book.bestAsk! - book.bestBid!);
    const depth = await anon().call((c) => c.orders.depth());
    expect(depth.asks.map((d) => d.cumulativeWh)).toEqual(book.asks.map((l) => l.cumulativeWh));
    expect(depth.sequence).toBe(book.sequence);

    // Once the short-lived buy has expired (chain clock), its 1,000 Wh leave the level.
    const deadline = Date.now() + 15_000;
    let after = book;
    while (Date.now() < deadline) {
      after = await anon().call((c) => c.orders.book({ depth: 200 }));
      if (after.bids.find((l) => l.price === r - 50_000n)?.totalWh === 1_000n) break;
      await new Promise((res) => setTimeout(res, 200));
    }
    expect(after.bids.find((l) => l.price === r - 50_000n)).toMatchObject({ totalWh: 1_000n, orderCount: 1 });
    const ob = await signedInBrowser(env(), auth, other);
    const expired = await ob.call((c) => c.orders.myOrders({ status: ["expired"] }));
    expect(expired.map((o) => o.order)).toEqual([shortLived.order.toBase58()]);
    expect(expired[0]!.cancellable).toBe(false);
  });

  it("trades, candles, myTrades and myOrders after a match: price, amount, cost and the seller's fee to the base unit", async () => {
    const seller = sellers[2]!;
    const price = INITIAL_RETAIL_PRICE + 10_000n;
    const sell = await placeOrder(env(), seller, "sell", 2_000n, price); // the maker (created first)
    const buy = await placeOrder(env(), buyer, "buy", 1_234n, price + 30_000n);
    const ix = matchOrdersInstruction(env().chain.programs.trading, {
      fills: [{ buyOrder: buy.order, sellOrder: sell.order, amountWh: 1_234n }],
    });
    const matchSig = await sendSigned(env().chain.programs, ix, []);
    await indexer().catchUp();
    const cost = (1_234n * price) / 1000n;
    const fee = (cost * BigInt(DEFAULT_MARKET_CONFIG.feeBps)) / 10_000n;
    expect(fee).toBeGreaterThan(0n);

    const trades = await anon().call((c) => c.orders.trades({ limit: 5 }));
    expect(trades[0]).toMatchObject({
      signature: matchSig,
      buyOrder: buy.order.toBase58(),
      sellOrder: sell.order.toBase58(),
      makerOrder: sell.order.toBase58(),
      takerSide: "buy",
      amountWh: 1_234n,
      price,
      cost,
      fee,
      feePayer: seller.publicKey.toBase58(),
    });
    const book = await anon().call((c) => c.orders.book());
    expect(book.lastTrade).toMatchObject({ price, amountWh: 1_234n, cost, signature: matchSig });

    for (const interval of ["1m", "15m", "1h", "1d"] as const) {
      const candles = await anon().call((c) => c.orders.candles({ interval }));
      const last = candles.at(-1)!;
      expect(last.close).toBe(price);
      expect(last.trades).toBeGreaterThanOrEqual(1);
      expect(last.volumeWh).toBeGreaterThanOrEqual(1_234n);
      expect(last.openTime.getTime() % (({ "1m": 60, "15m": 900, "1h": 3_600, "1d": 86_400 })[interval] * 1000)).toBe(0);
    }
    await expect(anon().call((c) => c.orders.candles({ interval: "5m" as "1m" }))).rejects.toMatchObject({ code: "BAD_REQUEST" });

    const sb = await signedInBrowser(env(), auth, seller);
    const bb = await signedInBrowser(env(), auth, buyer);
    const [sTrade] = await sb.call((c) => c.orders.myTrades({ limit: 1 }));
    expect(sTrade).toMatchObject({ side: "sell", role: "maker", amountWh: 1_234n, cost, fee, gridWh: -1_234n, thbcNet: cost - fee, counterparty: buyer.publicKey.toBase58() });
    const [bTrade] = await bb.call((c) => c.orders.myTrades({ limit: 1 }));
    const released = (1_234n * (price + 30_000n) + 999n) / 1000n - cost;
    expect(bTrade).toMatchObject({ side: "buy", role: "taker", gridWh: 1_234n, thbcNet: -cost, fee, releasedToBuyer: released });
    await expect(anon().call((c) => c.orders.myTrades())).rejects.toMatchObject({ appCode: "UNAUTHENTICATED" });

    const sellRow = (await sb.call((c) => c.orders.myOrders({ status: ["partial"] }))).find((o) => o.order === sell.order.toBase58());
    expect(sellRow).toMatchObject({ filledWh: 1_234n, remainingWh: 766n, locked: 766n, filledCost: cost, feesPaid: fee, fillCount: 1, averagePrice: (cost * 1000n) / 1_234n });
    const buyRow = (await bb.call((c) => c.orders.myOrders({ status: ["filled"] }))).find((o) => o.order === buy.order.toBase58());
    expect(buyRow).toMatchObject({ status: "filled", filledWh: 1_234n, remainingWh: 0n, feesPaid: 0n, cancellable: false });
  });

  it("prepareCancelOrder: only the owner; the payout it names is what cancel_order pays; then NOT_FOUND", async () => {
    const seller = sellers[3]!;
    const price = INITIAL_RETAIL_PRICE;
    const sell = await placeOrder(env(), seller, "sell", 3_000n, price);
    const buy = await placeOrder(env(), buyer, "buy", 1_000n, price);
    await sendSigned(
      env().chain.programs,
      matchOrdersInstruction(env().chain.programs.trading, { fills: [{ buyOrder: buy.order, sellOrder: sell.order, amountWh: 1_000n }] }),
      [],
    );
    const ob = await signedInBrowser(env(), auth, other);
    await expect(ob.call((c) => c.orders.prepareCancelOrder({ order: sell.order.toBase58() }))).rejects.toMatchObject({ appCode: "FORBIDDEN" });
    await expect(ob.call((c) => c.orders.prepareCancelOrder({ order: "not-an-address" }))).rejects.toMatchObject({ code: "BAD_REQUEST" });

    const sb = await signedInBrowser(env(), auth, seller);
    const p = await sb.call((c) => c.orders.prepareCancelOrder({ order: sell.order.toBase58() }));
    const cost = (1_000n * price) / 1000n;
    const fee = (cost * BigInt(DEFAULT_MARKET_CONFIG.feeBps)) / 10_000n;
    expect(p).toMatchObject({ side: "sell", payout: { grid: 2_000n, thbc: cost - fee, fee }, createAccounts: [] });
    const grid0 = await tokenBalance(env(), gridAta(seller.publicKey));
    const thbc0 = await tokenBalance(env(), thbcAccountAddress(seller.publicKey));
    const ix = await cancelOrderInstruction(env().chain.programs.trading, {
      owner: new PublicKey(p.owner),
      order: new PublicKey(p.order),
      ownerGrid: new PublicKey(p.ownerGrid),
      ownerThbc: new PublicKey(p.ownerThbc),
      feeDestination: new PublicKey(p.feeDestination),
    });
    const sig = await sendSigned(env().chain.programs, new Transaction().add(ix), [seller]);
    expect(await tokenBalance(env(), gridAta(seller.publicKey))).toBe(grid0 + 2_000n);
    expect(await tokenBalance(env(), thbcAccountAddress(seller.publicKey))).toBe(thbc0 + cost - fee);
    const mine = await sb.call((c) => c.orders.syncFromChain({ signatures: [sig] }));
    expect(mine.find((o) => o.order === sell.order.toBase58())).toMatchObject({
      status: "cancelled",
      paidGrid: 2_000n,
      paidThbc: cost - fee,
      feeToDestination: fee,
      locked: 0n,
      endedSignature: sig,
    });
    await expect(sb.call((c) => c.orders.prepareCancelOrder({ order: sell.order.toBase58() }))).rejects.toMatchObject({ appCode: "NOT_FOUND" });
    // Only the user's own orders, and the status filter is validated.
    expect((await ob.call((c) => c.orders.myOrders())).every((o) => o.order !== sell.order.toBase58())).toBe(true);
    await expect(sb.call((c) => c.orders.myOrders({ status: ["bogus" as "open"] }))).rejects.toMatchObject({ code: "BAD_REQUEST" });
  });
});
