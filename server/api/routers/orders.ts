/**
 * orders.*: the market in the app. Public reads of the book (aggregated levels with cumulative
 * depth), depth, trades and candles from the indexer's mirrors (trading_orders / trading_fills);
 * the market's settings and the Oracle's reference price with the band's bounds from the chain;
 * a signed-in user's orders and trade history; and what the browser needs to build create_order /
 * cancel_order with the Trading client (programs/trading/client.ts) and have the WALLET sign them.
 * Nothing here signs, sends or writes chain-derived rows: after the browser's transaction
 * confirmed, `syncFromChain` has the indexer apply it.
 */
import { getAccount, TokenAccountNotFoundError } from "@solana/spl-token";
import { PublicKey, SystemProgram } from "@solana/web3.js";
import { getAssociatedTokenAddressSync } from "@solana/spl-token";
import { z } from "zod";
import { getLatestPrice } from "~/db/queries/dashboard";
import {
  CANDLE_INTERVALS,
  listCandles,
  listOrdersOfOwner,
  listTrades,
  ORDER_STATUSES,
  type OwnerOrderRow,
  type TradeRow,
} from "~/db/queries/orders";
import { getTradingMarket } from "~/db/queries/trading";
import { gridMintAddress } from "~/programs/energy_token/client";
import { thbcAccountAddress, thbcMintAddress } from "~/programs/thb_bridge/client";
import {
  buyLock,
  gridVaultAddress,
  marketAddress,
  oracleAddress,
  orderAddress,
  thbcVaultAddress,
  TOKEN_PROGRAM,
  TRADING_ID,
  vaultFor,
} from "~/programs/trading/client";
import { AppError } from "~/server/errors";
import { readBook } from "~/server/market/book-cache";
import { pickClientOrderId } from "~/server/market/client-order-id";
import type { ServerChain } from "~/server/solana/connection";
import { createTRPCRouter, publicProcedure, signedInProcedure, type Context } from "../trpc";
import { chainFailure } from "./chain-errors";

const U64_MAX = (1n << 64n) - 1n;
const big = (n: { toString(): string }) => BigInt(n.toString());
const base58Key = z.string().regex(/^[1-9A-HJ-NP-Za-km-z]{32,44}$/, "a base58 account address");
const transactionSignatureSchema = z.string().regex(/^[1-9A-HJ-NP-Za-km-z]{64,88}$/, "a base58 transaction signature");
const sideSchema = z.enum(["buy", "sell"]);

// ---------- outputs ----------

const levelOutput = z.object({ price: z.bigint(), totalWh: z.bigint(), orderCount: z.number().int(), cumulativeWh: z.bigint() });
const lastTradeOutput = z
  .object({ price: z.bigint(), amountWh: z.bigint(), cost: z.bigint(), signature: z.string(), slot: z.number().int(), filledAt: z.date().nullable() })
  .nullable();

export const bookOutput = z.object({
  bids: z.array(levelOutput),
  asks: z.array(levelOutput),
  bestBid: z.bigint().nullable(),
  bestAsk: z.bigint().nullable(),
  /** bestAsk − bestBid when both exist. */
  spread: z.bigint().nullable(),
  lastTrade: lastTradeOutput,
  /** The slot of the newest trading event the book reflects; only grows. */
  sequence: z.number().int(),
  builtAt: z.date(),
  source: z.enum(["cache", "database"]),
});

export const depthOutput = z.object({
  bids: z.array(z.object({ price: z.bigint(), cumulativeWh: z.bigint() })),
  asks: z.array(z.object({ price: z.bigint(), cumulativeWh: z.bigint() })),
  sequence: z.number().int(),
});

export const tradeOutput = z.object({
  signature: z.string(),
  fillIndex: z.number().int(),
  buyOrder: z.string(),
  sellOrder: z.string(),
  buyer: z.string(),
  seller: z.string(),
  makerOrder: z.string(),
  /** The taker's side: the side of the order that was not the maker. */
  takerSide: sideSchema,
  amountWh: z.bigint(),
  price: z.bigint(),
  /** floor(amountWh × price / 1000) THBC base units: what the buyer paid. */
  cost: z.bigint(),
  fee: z.bigint(),
  feePayer: z.string(),
  slot: z.number().int(),
  filledAt: z.date().nullable(),
});

export const candleOutput = z.object({
  openTime: z.date(),
  open: z.bigint(),
  high: z.bigint(),
  low: z.bigint(),
  close: z.bigint(),
  volumeWh: z.bigint(),
  volumeThbc: z.bigint(),
  trades: z.number().int(),
});

const statusSchema = z.enum(ORDER_STATUSES);

export const myOrderOutput = z.object({
  order: z.string(),
  status: statusSchema,
  side: sideSchema,
  clientOrderId: z.bigint().nullable(),
  amountWh: z.bigint().nullable(),
  filledWh: z.bigint(),
  remainingWh: z.bigint().nullable(),
  limitPrice: z.bigint().nullable(),
  /** What create_order locked, and what the unfilled remainder still holds (0 once ended). */
  createdLocked: z.bigint().nullable(),
  locked: z.bigint().nullable(),
  /** Σ cost of the order's fills (THBC), Σ fees it paid (a sell), number of fills, average price per kWh. */
  filledCost: z.bigint(),
  feesPaid: z.bigint(),
  fillCount: z.number().int(),
  averagePrice: z.bigint().nullable(),
  referencePrice: z.bigint().nullable(),
  expiresAt: z.date().nullable(),
  createdSignature: z.string().nullable(),
  createdSlot: z.number().int().nullable(),
  createdAt: z.date().nullable(),
  endedSignature: z.string().nullable(),
  endedAt: z.date().nullable(),
  /** What cancel / close paid the owner (GRID Wh, THBC) and the fee destination. */
  paidGrid: z.bigint().nullable(),
  paidThbc: z.bigint().nullable(),
  feeToDestination: z.bigint().nullable(),
  /** Open or partial, not expired: cancel_order applies. A filled or expired order waits for anyone's close. */
  cancellable: z.boolean(),
});

export const myTradeOutput = z.object({
  signature: z.string(),
  fillIndex: z.number().int(),
  /** The user's side in this fill. */
  side: sideSchema,
  order: z.string(),
  counterparty: z.string(),
  role: z.enum(["maker", "taker"]),
  amountWh: z.bigint(),
  price: z.bigint(),
  cost: z.bigint(),
  fee: z.bigint(),
  feePayer: z.string(),
  /** What the user gets (a buy: GRID Wh) and gives (a buy: the cost) in base units, fee itemised. */
  gridWh: z.bigint(),
  /** A sell: cost − fee received; a buy: cost paid (negative). THBC base units. */
  thbcNet: z.bigint(),
  /** A buy: the part of its lock this fill released back (price improvement, rounding). */
  releasedToBuyer: z.bigint(),
  slot: z.number().int(),
  filledAt: z.date().nullable(),
});

const bandOutput = z.object({ bps: z.number().int(), lower: z.bigint(), upper: z.bigint() }).nullable();

export const marketOutput = z.object({
  programId: z.string(),
  market: z.string(),
  initialized: z.boolean(),
  gridMint: z.string(),
  thbcMint: z.string(),
  feeDestination: z.string().nullable(),
  feeBps: z.number().int().nullable(),
  priceBandBps: z.number().int().nullable(),
  minOrderWh: z.bigint().nullable(),
  maxOracleAgeSecs: z.number().int().nullable(),
  paused: z.boolean().nullable(),
  oracle: z.object({
    address: z.string(),
    /** The reference (retail) price the band is centred on, and the feed-in price; THBC base units per kWh. */
    retailPrice: z.bigint().nullable(),
    feedInPrice: z.bigint().nullable(),
    updatedAt: z.date().nullable(),
    /** Older than the market's max oracle age at the chain's clock: create_order answers OracleStale. */
    stale: z.boolean().nullable(),
  }),
  /** The limits a new order's price must lie in: ceil(ref × (1 − band)) … floor(ref × (1 + band)). */
  band: bandOutput,
  chainTime: z.date().nullable(),
  source: z.enum(["chain", "indexer"]),
});

const key = z.string();
export const prepareCreateOutput = z.object({
  programId: key,
  owner: key,
  market: key,
  oracle: key,
  order: key,
  vault: key,
  ownerTokenAccount: key,
  ownerTokenAccountExists: z.boolean(),
  tokenProgram: key,
  systemProgram: key,
  /** A fresh id: no order of this owner ever used it (the mirror and the chain were asked). */
  clientOrderId: z.bigint(),
  side: sideSchema,
  amountWh: z.bigint(),
  limitPrice: z.bigint(),
  /** Unix seconds, as create_order takes it. */
  expiresAt: z.bigint(),
  /** What create_order moves into the vault: GRID Wh for a sell, THBC for a buy. */
  lock: z.object({ mint: key, amount: z.bigint() }),
  /** The owner's balance of that mint now, and whether it covers the lock. */
  balance: z.bigint(),
  sufficient: z.boolean(),
  /**
   * At the order's own limit (a fill may be at a better maker price): a buy pays at most `cost`
   * (= the lock) and no fee; a sell receives at least `cost − fee`, the fee paid by the seller.
   */
  estimate: z.object({ cost: z.bigint(), fee: z.bigint(), net: z.bigint(), feeBps: z.number().int(), feePayer: z.literal("seller") }),
  referencePrice: z.bigint(),
  band: z.object({ bps: z.number().int(), lower: z.bigint(), upper: z.bigint() }),
  minOrderWh: z.bigint(),
  /**
   * The token account the order will pay into (GRID for a buy, THBC for a sell) when it does not
   * exist yet: the browser adds its idempotent creation to the create_order transaction, paid by
   * the owner, so a fill can always be closed back to them (close_order refuses a missing account).
   */
  createAccounts: z.array(z.object({ mint: key, address: key })),
});

export const prepareCancelOutput = z.object({
  programId: key,
  owner: key,
  order: key,
  market: key,
  gridVault: key,
  thbcVault: key,
  ownerGrid: key,
  ownerThbc: key,
  feeDestination: key,
  tokenProgram: key,
  side: sideSchema,
  /** What cancel_order pays: to the owner (GRID Wh, THBC) and the fee the order owes to the fee destination. */
  payout: z.object({ grid: z.bigint(), thbc: z.bigint(), fee: z.bigint() }),
  /**
   * Token accounts that receive something and do not exist yet: the browser adds an idempotent
   * associated-token-account creation for each (mint, address) before cancel_order.
   */
  createAccounts: z.array(z.object({ mint: key, address: key })),
});

// ---------- helpers ----------

const gridAta = (owner: PublicKey) => getAssociatedTokenAddressSync(gridMintAddress(), owner, true);

async function connect(ctx: Context): Promise<ServerChain> {
  try {
    return await ctx.chain.connect();
  } catch (err) {
    throw chainFailure(err, "Connecting to the chain");
  }
}

/** The chain's clock (the block time of the confirmed slot), or null when it cannot be read. */
async function chainTime(chain: ServerChain): Promise<number | null> {
  try {
    const slot = await chain.connection.getSlot("confirmed");
    return await chain.connection.getBlockTime(slot);
  } catch {
    return null;
  }
}

async function tokenBalance(chain: ServerChain, account: PublicKey): Promise<{ exists: boolean; amount: bigint }> {
  try {
    const a = await getAccount(chain.connection, account, "confirmed");
    return { exists: true, amount: a.amount };
  } catch (err) {
    if (err instanceof TokenAccountNotFoundError) return { exists: false, amount: 0n };
    throw err;
  }
}

export function priceBand(ref: bigint, bps: number) {
  const b = BigInt(bps);
  return { bps, lower: (ref * (10_000n - b) + 9_999n) / 10_000n, upper: (ref * (10_000n + b)) / 10_000n };
}

type MarketInfo = z.infer<typeof marketOutput>;

async function readMarket(ctx: Context): Promise<MarketInfo> {
  const market = marketAddress();
  const base = {
    programId: TRADING_ID.toBase58(),
    market: market.toBase58(),
    gridMint: gridMintAddress().toBase58(),
    thbcMint: thbcMintAddress().toBase58(),
  };
  try {
    const chain = await ctx.chain.connect();
    const [m, o, now] = await Promise.all([
      chain.programs.trading.account.market.fetchNullable(market, "confirmed"),
      chain.programs.oracle.account.oracle.fetchNullable(oracleAddress(), "confirmed"),
      chainTime(chain),
    ]);
    const hasPrice = o != null && !o.updateCount.isZero();
    const retail = hasPrice ? big(o.retailPrice) : null;
    const updatedAt = hasPrice ? o.updatedAt.toNumber() : null;
    const maxAge = m ? m.config.maxOracleAgeSecs : null;
    return {
      ...base,
      initialized: m != null,
      gridMint: m ? m.gridMint.toBase58() : base.gridMint,
      thbcMint: m ? m.thbcMint.toBase58() : base.thbcMint,
      feeDestination: m ? m.feeDestination.toBase58() : null,
      feeBps: m ? m.config.feeBps : null,
      priceBandBps: m ? m.config.priceBandBps : null,
      minOrderWh: m ? big(m.config.minOrderWh) : null,
      maxOracleAgeSecs: maxAge,
      paused: m ? m.paused : null,
      oracle: {
        address: oracleAddress().toBase58(),
        retailPrice: retail,
        feedInPrice: hasPrice ? big(o.feedInPrice) : null,
        updatedAt: updatedAt == null ? null : new Date(updatedAt * 1000),
        stale: updatedAt == null ? null : now == null || maxAge == null ? null : now - updatedAt > maxAge,
      },
      band: m && retail != null ? priceBand(retail, m.config.priceBandBps) : null,
      chainTime: now == null ? null : new Date(now * 1000),
      source: "chain",
    };
  } catch (err) {
    // The chain cannot be read: the indexer's mirrors, when they have the market.
    const row = await getTradingMarket(ctx.db, { market: market.toBase58() });
    if (!row) throw chainFailure(err, "Reading the market");
    const price = await getLatestPrice(ctx.db);
    return {
      ...base,
      initialized: true,
      gridMint: row.gridMint ?? base.gridMint,
      thbcMint: row.thbcMint ?? base.thbcMint,
      feeDestination: row.feeDestination,
      feeBps: row.feeBps,
      priceBandBps: row.priceBandBps,
      minOrderWh: row.minOrderWh,
      maxOracleAgeSecs: row.maxOracleAgeSecs,
      paused: row.paused,
      oracle: {
        address: oracleAddress().toBase58(),
        retailPrice: price?.retailPrice ?? null,
        feedInPrice: price?.feedInPrice ?? null,
        updatedAt: price?.publishedAt ?? null,
        stale: null,
      },
      band: price && row.priceBandBps != null ? priceBand(price.retailPrice, row.priceBandBps) : null,
      chainTime: null,
      source: "indexer",
    };
  }
}

const takerSideOf = (t: TradeRow) => (t.makerOrder === t.buyOrder ? "sell" : "buy");

function myOrderOf(r: OwnerOrderRow): z.infer<typeof myOrderOutput> {
  const remaining = r.amountWh == null ? null : r.amountWh - r.filledWh;
  return {
    order: r.orderPda,
    status: r.status,
    side: r.side,
    clientOrderId: r.clientOrderId,
    amountWh: r.amountWh,
    filledWh: r.filledWh,
    remainingWh: remaining,
    limitPrice: r.limitPrice,
    createdLocked: r.createdLocked,
    locked: r.locked,
    filledCost: r.filledCost,
    feesPaid: r.fees,
    fillCount: r.fillCount,
    averagePrice: r.filledWh > 0n ? (r.filledCost * 1000n) / r.filledWh : null,
    referencePrice: r.referencePrice,
    expiresAt: r.expiresAt,
    createdSignature: r.createdSignature,
    createdSlot: r.createdSlot,
    createdAt: r.createdAt,
    endedSignature: r.endedSignature,
    endedAt: r.endedAt,
    paidGrid: r.paidGrid,
    paidThbc: r.paidThbc,
    feeToDestination: r.feePaid,
    cancellable: r.status === "open" || r.status === "partial",
  };
}

const limitInput = (max: number, dflt: number) => z.number().int().min(1).max(max).default(dflt);

// ---------- the router ----------

export const ordersRouter = createTRPCRouter({
  /** The order book: levels per side best first with cumulative depth, best bid / ask, last trade, sequence. */
  book: publicProcedure
    .input(z.object({ depth: limitInput(200, 50) }).default({ depth: 50 }))
    .output(bookOutput)
    .query(async ({ ctx, input }) => {
      const { snapshot, source } = await readBook(ctx.db, { depth: input.depth });
      return {
        bids: snapshot.bids,
        asks: snapshot.asks,
        bestBid: snapshot.bestBid,
        bestAsk: snapshot.bestAsk,
        spread: snapshot.bestBid != null && snapshot.bestAsk != null ? snapshot.bestAsk - snapshot.bestBid : null,
        lastTrade: snapshot.lastTrade,
        sequence: snapshot.sequence,
        builtAt: snapshot.builtAt,
        source,
      };
    }),

  /** Cumulative depth per side (the depth chart's points), best first. */
  depth: publicProcedure
    .input(z.object({ levels: limitInput(200, 100) }).default({ levels: 100 }))
    .output(depthOutput)
    .query(async ({ ctx, input }) => {
      const { snapshot } = await readBook(ctx.db, { depth: input.levels });
      const pts = (ls: typeof snapshot.bids) => ls.map((l) => ({ price: l.price, cumulativeWh: l.cumulativeWh }));
      return { bids: pts(snapshot.bids), asks: pts(snapshot.asks), sequence: snapshot.sequence };
    }),

  /** The market's recent fills, newest first; `beforeSlot` pages back. */
  trades: publicProcedure
    .input(z.object({ limit: limitInput(200, 50), beforeSlot: z.number().int().min(0).optional() }).default({ limit: 50 }))
    .output(z.array(tradeOutput))
    .query(async ({ ctx, input }) => {
      const rows = await listTrades(ctx.db, { limit: input.limit, beforeSlot: input.beforeSlot });
      return rows.map((t) => ({
        signature: t.signature,
        fillIndex: t.fillIndex,
        buyOrder: t.buyOrder,
        sellOrder: t.sellOrder,
        buyer: t.buyer,
        seller: t.seller,
        makerOrder: t.makerOrder,
        takerSide: takerSideOf(t),
        amountWh: t.amountWh,
        price: t.price,
        cost: t.cost,
        fee: t.fee,
        feePayer: t.feePayer,
        slot: t.slot,
        filledAt: t.filledAt,
      }));
    }),

  /** OHLCV candles from the fills (block time), oldest first. */
  candles: publicProcedure
    .input(
      z
        .object({
          interval: z.enum(Object.keys(CANDLE_INTERVALS) as [keyof typeof CANDLE_INTERVALS, ...(keyof typeof CANDLE_INTERVALS)[]]),
          from: z.date().optional(),
          to: z.date().optional(),
          limit: limitInput(1_000, 300),
        })
        .refine((v) => !v.from || !v.to || v.from < v.to, { message: "from must be before to", path: ["from"] }),
    )
    .output(z.array(candleOutput))
    .query(({ ctx, input }) => listCandles(ctx.db, input)),

  /** The market's settings, the Oracle's reference price and the band's bounds. */
  market: publicProcedure.output(marketOutput).query(({ ctx }) => readMarket(ctx)),

  /** The signed-in user's orders, newest first; `status` narrows them. */
  myOrders: signedInProcedure
    .input(z.object({ status: z.array(statusSchema).min(1).optional(), limit: limitInput(200, 50) }).default({ limit: 50 }))
    .output(z.array(myOrderOutput))
    .query(async ({ ctx, input }) => {
      const rows = await listOrdersOfOwner(ctx.db, {
        owner: ctx.session.wallet,
        limit: input.limit,
        now: new Date(),
        statuses: input.status,
      });
      return rows.map(myOrderOf);
    }),

  /** The signed-in user's fills, newest first, fees itemised. */
  myTrades: signedInProcedure
    .input(z.object({ limit: limitInput(500, 50), beforeSlot: z.number().int().min(0).optional() }).default({ limit: 50 }))
    .output(z.array(myTradeOutput))
    .query(async ({ ctx, input }) => {
      const me = ctx.session.wallet;
      const rows = await listTrades(ctx.db, { limit: input.limit, wallet: me, beforeSlot: input.beforeSlot });
      return rows.map((t) => {
        // A wallet on both sides of one fill cannot happen (the chain refuses self-trades).
        const side = t.buyer === me ? ("buy" as const) : ("sell" as const);
        const order = side === "buy" ? t.buyOrder : t.sellOrder;
        const myFee = t.feePayer === me ? t.fee : 0n;
        return {
          signature: t.signature,
          fillIndex: t.fillIndex,
          side,
          order,
          counterparty: side === "buy" ? t.seller : t.buyer,
          role: t.makerOrder === order ? ("maker" as const) : ("taker" as const),
          amountWh: t.amountWh,
          price: t.price,
          cost: t.cost,
          fee: t.fee,
          feePayer: t.feePayer,
          gridWh: side === "buy" ? t.amountWh : -t.amountWh,
          thbcNet: side === "buy" ? -t.cost : t.cost - myFee,
          releasedToBuyer: side === "buy" ? t.releasedToBuyer : 0n,
          slot: t.slot,
          filledAt: t.filledAt,
        };
      });
    }),

  /** What the browser needs to build create_order for the signed-in wallet (it signs it itself). */
  prepareCreateOrder: signedInProcedure
    .input(
      z
        .object({
          side: sideSchema,
          amountWh: z.bigint().min(1n).max(U64_MAX),
          limitPrice: z.bigint().min(1n).max(U64_MAX),
          /** Either an absolute expiry or a lifetime in seconds (default one day). */
          expiresAt: z.date().optional(),
          expiresInSecs: z.number().int().min(60).max(30 * 86_400).optional(),
        })
        .refine((v) => !(v.expiresAt && v.expiresInSecs), { message: "give expiresAt or expiresInSecs, not both", path: ["expiresAt"] }),
    )
    .output(prepareCreateOutput)
    .mutation(async ({ ctx, input }) => {
      const chain = await connect(ctx);
      const market = await readMarket(ctx);
      if (!market.initialized || market.feeBps == null || market.minOrderWh == null || market.priceBandBps == null)
        throw new AppError("CONFLICT", "The market is not initialised on this chain (run chain:bootstrap)");
      if (market.paused) throw new AppError("CONFLICT", "The market is paused: no new orders until it is unpaused", { details: { chainError: "MarketPaused" } });
      const ref = market.oracle.retailPrice;
      if (ref == null || !market.band)
        throw new AppError("CONFLICT", "The Oracle has no reference price yet", { details: { chainError: "OraclePriceNotSet" } });
      if (market.oracle.stale)
        throw new AppError("CONFLICT", "The Oracle's reference price is too old: create_order would answer OracleStale", {
          details: { chainError: "OracleStale" },
        });
      if (input.amountWh < market.minOrderWh)
        throw new AppError("VALIDATION_FAILED", `The amount is below the market's minimum order of ${market.minOrderWh} Wh`, {
          details: { field: "amountWh", minOrderWh: market.minOrderWh.toString() },
        });
      const band = market.band;
      if (input.limitPrice < band.lower || input.limitPrice > band.upper)
        throw new AppError("VALIDATION_FAILED", `The price must lie in the band ${band.lower} … ${band.upper} THBC base units per kWh`, {
          details: { field: "limitPrice", lower: band.lower.toString(), upper: band.upper.toString() },
        });
      const now = (await chainTime(chain)) ?? Math.floor(Date.now() / 1000);
      const expiresAt = input.expiresAt
        ? BigInt(Math.floor(input.expiresAt.getTime() / 1000))
        : BigInt(now + (input.expiresInSecs ?? 86_400));
      if (expiresAt <= BigInt(now + 30))
        throw new AppError("VALIDATION_FAILED", "The expiry must be at least 30 s in the future", { details: { field: "expiresAt" } });

      const owner = new PublicKey(ctx.session.wallet);
      const cost = (input.amountWh * input.limitPrice) / 1000n;
      if (cost === 0n)
        throw new AppError("VALIDATION_FAILED", "The order is worth less than one THBC base unit", { details: { field: "amountWh" } });
      const lockAmount = input.side === "sell" ? input.amountWh : buyLock(input.amountWh, input.limitPrice);
      const ownerTokenAccount = input.side === "sell" ? gridAta(owner) : thbcAccountAddress(owner);
      const proceedsAccount = input.side === "sell" ? thbcAccountAddress(owner) : gridAta(owner);
      let balance;
      let proceedsAccountExists;
      let clientOrderId;
      try {
        balance = await tokenBalance(chain, ownerTokenAccount);
        proceedsAccountExists = (await tokenBalance(chain, proceedsAccount)).exists;
        clientOrderId = await pickClientOrderId({ db: ctx.db, connection: chain.connection, owner });
      } catch (err) {
        throw chainFailure(err, "Preparing the order");
      }
      if (clientOrderId == null) throw new AppError("CONFLICT", "No fresh client order id found; try again");
      const fee = input.side === "sell" ? (cost * BigInt(market.feeBps)) / 10_000n : 0n;
      return {
        programId: TRADING_ID.toBase58(),
        owner: owner.toBase58(),
        market: market.market,
        oracle: oracleAddress().toBase58(),
        order: orderAddress(owner, clientOrderId).toBase58(),
        vault: vaultFor(input.side).toBase58(),
        ownerTokenAccount: ownerTokenAccount.toBase58(),
        ownerTokenAccountExists: balance.exists,
        tokenProgram: TOKEN_PROGRAM.toBase58(),
        systemProgram: SystemProgram.programId.toBase58(),
        clientOrderId,
        side: input.side,
        amountWh: input.amountWh,
        limitPrice: input.limitPrice,
        expiresAt,
        lock: { mint: input.side === "sell" ? market.gridMint : market.thbcMint, amount: lockAmount },
        balance: balance.amount,
        sufficient: balance.exists && balance.amount >= lockAmount,
        estimate: {
          cost: input.side === "sell" ? cost : lockAmount,
          fee,
          net: input.side === "sell" ? cost - fee : lockAmount,
          feeBps: market.feeBps,
          feePayer: "seller" as const,
        },
        referencePrice: ref,
        band,
        minOrderWh: market.minOrderWh,
        createAccounts: proceedsAccountExists
          ? []
          : [{ mint: input.side === "sell" ? market.thbcMint : market.gridMint, address: proceedsAccount.toBase58() }],
      };
    }),

  /** What the browser needs to build cancel_order for one of the signed-in wallet's open orders. */
  prepareCancelOrder: signedInProcedure
    .input(z.object({ order: base58Key }))
    .output(prepareCancelOutput)
    .mutation(async ({ ctx, input }) => {
      const chain = await connect(ctx);
      let pda: PublicKey;
      try {
        pda = new PublicKey(input.order);
      } catch {
        throw new AppError("VALIDATION_FAILED", "Not an account address", { details: { field: "order" } });
      }
      let account, market;
      try {
        [account, market] = await Promise.all([
          chain.programs.trading.account.order.fetchNullable(pda, "confirmed"),
          chain.programs.trading.account.market.fetchNullable(marketAddress(), "confirmed"),
        ]);
      } catch (err) {
        throw chainFailure(err, "Reading the order");
      }
      if (!account) throw new AppError("NOT_FOUND", "No such open order on chain (it may be cancelled or closed already)");
      if (!market) throw new AppError("CONFLICT", "The market is not initialised on this chain");
      const owner = new PublicKey(ctx.session.wallet);
      if (!account.owner.equals(owner)) throw new AppError("FORBIDDEN", "Only the order's owner can cancel it");
      const side = "buy" in account.side ? ("buy" as const) : ("sell" as const);
      const locked = big(account.locked);
      const grid = (side === "sell" ? locked : 0n) + big(account.settledGrid);
      const thbc = (side === "buy" ? locked : 0n) + big(account.settledThbc);
      const ownerGrid = gridAta(owner);
      const ownerThbc = thbcAccountAddress(owner);
      const createAccounts: { mint: string; address: string }[] = [];
      try {
        if (grid > 0n && !(await tokenBalance(chain, ownerGrid)).exists)
          createAccounts.push({ mint: market.gridMint.toBase58(), address: ownerGrid.toBase58() });
        if (thbc > 0n && !(await tokenBalance(chain, ownerThbc)).exists)
          createAccounts.push({ mint: market.thbcMint.toBase58(), address: ownerThbc.toBase58() });
      } catch (err) {
        throw chainFailure(err, "Reading the owner's token accounts");
      }
      return {
        programId: TRADING_ID.toBase58(),
        owner: owner.toBase58(),
        order: pda.toBase58(),
        market: marketAddress().toBase58(),
        gridVault: gridVaultAddress().toBase58(),
        thbcVault: thbcVaultAddress().toBase58(),
        ownerGrid: ownerGrid.toBase58(),
        ownerThbc: ownerThbc.toBase58(),
        feeDestination: market.feeDestination.toBase58(),
        tokenProgram: TOKEN_PROGRAM.toBase58(),
        side,
        payout: { grid, thbc, fee: big(account.feeOwed) },
        createAccounts,
      };
    }),

  /**
   * After the browser's create_order / cancel_order confirmed: the indexer applies those
   * transactions now (it is the only writer of the mirrors); answers the user's open orders.
   */
  syncFromChain: signedInProcedure
    .input(z.object({ signatures: z.array(transactionSignatureSchema).min(1).max(4) }))
    .output(z.array(myOrderOutput))
    .mutation(async ({ ctx, input }) => {
      try {
        await (await ctx.chain.indexer()).applySignatures(input.signatures);
      } catch (err) {
        if (err instanceof AppError) throw err;
        throw chainFailure(err, "Reading the transaction");
      }
      const rows = await listOrdersOfOwner(ctx.db, { owner: ctx.session.wallet, limit: 50, now: new Date() });
      return rows.map(myOrderOf);
    }),
});
