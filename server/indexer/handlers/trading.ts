/**
 * Trading events → the market mirrors: OrderCreated, OrderFilled, OrderCancelled and OrderClosed →
 * trading_orders (one row per Order PDA); OrderFilled → trading_fills (one row per fill, keyed by
 * the signature and the fill's index among the transaction's OrderFilled events); MarketInitialized,
 * MarketParamsChanged, ParamsAuthorityTransferProposed, ParamsAuthorityTransferred and
 * MarketPauseChanged → trading_market. Balances are read from the token accounts, never from here.
 */
import { BorshCoder, EventParser } from "@coral-xyz/anchor";
import { convertIdlToCamelCase } from "@coral-xyz/anchor/dist/cjs/idl.js";
import type { PublicKey } from "@solana/web3.js";
import {
  applyTradingMarket,
  recordOrderCreated,
  recordOrderEnded,
  recordOrderFilled,
  type TradingSide,
} from "~/db/queries/trading";
import { TRADING_ID, marketAddress } from "~/programs/trading/client";
import { tradingIdl, type Trading } from "~/programs/trading/idl/trading";
import { type ChainTx, defineIndexer, type LiveChannelSpecs } from "~/server/chain/types";
import { base58, bigintOf, variantOf } from "./decode";

/**
 * Who hears each channel, and which of the browser's queries a notice refreshes. The book is
 * public (every order's owner, side, size and price are on chain for anyone to read), so order
 * and trade notices go to everyone; what moved a wallet's tokens goes to its owner only, so a
 * busy market does not make every browser re-read its own balances.
 */
export const tradingChannels = {
  /** An order created, filled, cancelled or closed: the book, depth and every "my orders" list. */
  orders: { audience: "everyone", stale: ["orders"] },
  /** One notice per fill: trades, candles, the last price. */
  trades: { audience: "everyone", stale: ["orders"] },
  /** The owner's tokens moved: locked by create_order, paid out by cancel_order / close_order. */
  "order-funds": { audience: "owner", stale: ["wallet-balances", "bridge"] },
  /** The Market's settings: fee, price band, minimum order, oracle age, pause, authorities. */
  market: { audience: "everyone", stale: ["orders", "admin"] },
} as const satisfies LiveChannelSpecs;

const at = (tx: ChainTx) => ({ signature: tx.signature, slot: tx.slot, blockTime: tx.blockTime });
const market = () => marketAddress().toBase58();
const DEFAULT_KEY = "11111111111111111111111111111111";
const sideOf = (s: object): TradingSide => (variantOf(s) === "buy" ? "buy" : "sell");
const config = (c: { minOrderWh: { toString(): string }; maxOracleAgeSecs: number; feeBps: number; priceBandBps: number }) => ({
  minOrderWh: bigintOf(c.minOrderWh),
  maxOracleAgeSecs: c.maxOracleAgeSecs,
  feeBps: c.feeBps,
  priceBandBps: c.priceBandBps,
});

// ---------- a fill's index in its transaction ----------

const parser = new EventParser(TRADING_ID, new BorshCoder(convertIdlToCamelCase(tradingIdl)));
const fillKeys = new WeakMap<readonly string[], string[]>();
const fillKey = (buyOrder: PublicKey, buyFilledWh: { toString(): string }) =>
  `${buyOrder.toBase58()}:${buyFilledWh.toString()}`;

/**
 * The fill's position among the transaction's OrderFilled events. The handler is not told it, so
 * it is found in the transaction's own logs: a fill is the only one of its transaction with its
 * buy order and that order's filled total after it (a second fill of the same order in one
 * transaction leaves a larger total), so the position is the same on every pass.
 */
function fillIndexOf(tx: ChainTx, buyOrder: PublicKey, buyFilledWh: { toString(): string }): number {
  let keys = fillKeys.get(tx.logs);
  if (!keys) {
    keys = [];
    for (const ev of parser.parseLogs([...tx.logs])) {
      if (ev.name !== "orderFilled") continue;
      const d = ev.data as { buyOrder: PublicKey; buyFilledWh: { toString(): string } };
      keys.push(fillKey(d.buyOrder, d.buyFilledWh));
    }
    fillKeys.set(tx.logs, keys);
  }
  const index = keys.indexOf(fillKey(buyOrder, buyFilledWh));
  if (index < 0) throw new Error(`OrderFilled of ${buyOrder.toBase58()} not found in the logs of ${tx.signature}`);
  return index;
}

// ---------- handlers ----------

export const tradingIndexer = defineIndexer<Trading, typeof tradingChannels>(tradingChannels, {
  orderCreated: async (t, d, tx) => {
    const owner = base58(d.owner);
    const order = base58(d.order);
    const side = sideOf(d.side);
    await recordOrderCreated(t, {
      ...at(tx),
      orderPda: order,
      owner,
      side,
      clientOrderId: bigintOf(d.clientOrderId),
      amountWh: bigintOf(d.amountWh),
      limitPrice: bigintOf(d.limitPrice),
      locked: bigintOf(d.locked),
      expiresAt: bigintOf(d.expiresAt),
      referencePrice: bigintOf(d.referencePrice),
    });
    const base = { signature: tx.signature, slot: tx.slot, order, owner, side };
    return [
      {
        channel: "orders",
        payload: { ...base, kind: "created", amountWh: d.amountWh.toString(), limitPrice: d.limitPrice.toString() },
      },
      { channel: "order-funds", payload: { ...base, kind: "locked", amount: d.locked.toString() } },
    ];
  },

  orderFilled: async (t, d, tx) => {
    const fill = {
      buyOrder: base58(d.buyOrder),
      sellOrder: base58(d.sellOrder),
      buyer: base58(d.buyer),
      seller: base58(d.seller),
      amountWh: bigintOf(d.amountWh),
      price: bigintOf(d.price),
    };
    await recordOrderFilled(t, {
      ...at(tx),
      ...fill,
      fillIndex: fillIndexOf(tx, d.buyOrder, d.buyFilledWh),
      makerOrder: base58(d.makerOrder),
      cost: bigintOf(d.cost),
      fee: bigintOf(d.fee),
      feePayer: base58(d.feePayer),
      releasedToBuyer: bigintOf(d.releasedToBuyer),
      buyFilledWh: bigintOf(d.buyFilledWh),
      sellFilledWh: bigintOf(d.sellFilledWh),
    });
    const base = { signature: tx.signature, slot: tx.slot };
    return [
      {
        channel: "trades",
        payload: {
          ...base,
          kind: "filled",
          buyOrder: fill.buyOrder,
          sellOrder: fill.sellOrder,
          amountWh: fill.amountWh.toString(),
          price: fill.price.toString(),
        },
      },
      { channel: "orders", payload: { ...base, kind: "filled", order: fill.buyOrder, owner: fill.buyer, side: "buy" } },
      { channel: "orders", payload: { ...base, kind: "filled", order: fill.sellOrder, owner: fill.seller, side: "sell" } },
    ];
  },

  orderCancelled: async (t, d, tx) => {
    const e = ended(d, "cancelled");
    await recordOrderEnded(t, { ...at(tx), ...e });
    return endNotes(tx, e);
  },

  orderClosed: async (t, d, tx) => {
    // A filled order closed after its expiry is closed, not expired: it was not cut short.
    const cutShort = d.expired && bigintOf(d.filledWh) < bigintOf(d.amountWh);
    const e = ended(d, cutShort ? "expired_closed" : "closed");
    await recordOrderEnded(t, { ...at(tx), ...e });
    return endNotes(tx, e);
  },

  marketInitialized: async (t, d, tx) => {
    await applyTradingMarket(t, {
      market: base58(d.market),
      slot: tx.slot,
      mints: { gridMint: base58(d.gridMint), thbcMint: base58(d.thbcMint) },
      authority: { paramsAuthority: base58(d.paramsAuthority), pendingParamsAuthority: null },
      config: {
        ...config(d.config),
        emergencyAuthority: base58(d.emergencyAuthority),
        feeDestination: base58(d.feeDestination),
      },
      paused: false,
    });
    return [{ channel: "market", payload: { signature: tx.signature, slot: tx.slot, kind: "initialized" } }];
  },

  marketParamsChanged: async (t, d, tx) => {
    await applyTradingMarket(t, {
      market: market(),
      slot: tx.slot,
      config: {
        ...config(d.config),
        emergencyAuthority: base58(d.emergencyAuthority),
        feeDestination: base58(d.feeDestination),
      },
    });
    return [{ channel: "market", payload: { signature: tx.signature, slot: tx.slot, kind: "params" } }];
  },

  paramsAuthorityTransferProposed: async (t, d, tx) => {
    const pending = base58(d.pendingAuthority);
    await applyTradingMarket(t, {
      market: market(),
      slot: tx.slot,
      // The zero key cancels a proposal.
      authority: { paramsAuthority: base58(d.authority), pendingParamsAuthority: pending === DEFAULT_KEY ? null : pending },
    });
    return [{ channel: "market", payload: { signature: tx.signature, slot: tx.slot, kind: "authority-proposed" } }];
  },

  paramsAuthorityTransferred: async (t, d, tx) => {
    await applyTradingMarket(t, {
      market: market(),
      slot: tx.slot,
      authority: { paramsAuthority: base58(d.newAuthority), pendingParamsAuthority: null },
    });
    return [{ channel: "market", payload: { signature: tx.signature, slot: tx.slot, kind: "authority" } }];
  },

  marketPauseChanged: async (t, d, tx) => {
    await applyTradingMarket(t, { market: market(), slot: tx.slot, paused: d.paused });
    return [
      { channel: "market", payload: { signature: tx.signature, slot: tx.slot, kind: d.paused ? "paused" : "unpaused" } },
    ];
  },
});

interface EndedEvent {
  order: PublicKey;
  owner: PublicKey;
  side: object;
  clientOrderId: { toString(): string };
  amountWh: { toString(): string };
  filledWh: { toString(): string };
  paidGrid: { toString(): string };
  paidThbc: { toString(): string };
  feePaid: { toString(): string };
}

function ended(d: EndedEvent, endedAs: "cancelled" | "closed" | "expired_closed") {
  return {
    orderPda: base58(d.order),
    owner: base58(d.owner),
    side: sideOf(d.side),
    clientOrderId: bigintOf(d.clientOrderId),
    amountWh: bigintOf(d.amountWh),
    filledWh: bigintOf(d.filledWh),
    paidGrid: bigintOf(d.paidGrid),
    paidThbc: bigintOf(d.paidThbc),
    feePaid: bigintOf(d.feePaid),
    endedAs,
  };
}

function endNotes(tx: ChainTx, e: ReturnType<typeof ended>) {
  const base = { signature: tx.signature, slot: tx.slot, order: e.orderPda, owner: e.owner, side: e.side };
  return [
    { channel: "orders" as const, payload: { ...base, kind: e.endedAs } },
    {
      channel: "order-funds" as const,
      payload: { ...base, kind: "paid", paidGrid: e.paidGrid.toString(), paidThbc: e.paidThbc.toString() },
    },
  ];
}

