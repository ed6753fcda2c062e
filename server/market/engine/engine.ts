/**
 * The matching engine: a mirror of the on-chain order book that proposes fills the chain will
 * accept. The chain decides; the engine proposes. It changes only when told what the chain did
 * (`add`, `cancel`, `applyFill`, `expire`); `proposeFills` is a dry run that changes nothing.
 * No I/O: the same calls in the same order give the same proposals and the same hash.
 */
import { BookSide, viewOf, type Level, type OrderNode } from "./book";
import { EngineError } from "./errors";
import { ExpiryHeap } from "./expiry-heap";
import { stateHash } from "./hash";
import { earlier, fillCost, fillFee, greenCompatible, makerSide } from "./rules";
import type {
  BookSnapshot,
  EngineOptions,
  LevelView,
  OrderInput,
  OrderView,
  ProposedFill,
  ProposeOptions,
  Side,
} from "./types";
import {
  checkAddress,
  checkFeeBps,
  checkCount,
  checkOrder,
  checkPositive,
  checkTickSize,
  checkTime,
} from "./validate";

export class MatchingEngine {
  readonly tickSize: bigint;
  readonly feeBps: bigint;
  private readonly byId = new Map<string, OrderNode>();
  private readonly bids = new BookSide("buy");
  private readonly asks = new BookSide("sell");
  private readonly expiries = new ExpiryHeap((n) => n.level !== null);

  constructor(options: EngineOptions = {}) {
    this.tickSize = checkTickSize(options.tickSize);
    this.feeBps = checkFeeBps(options.feeBps);
  }

  /** Orders in the book. */
  get size(): number {
    return this.byId.size;
  }

  has(id: string): boolean {
    return this.byId.has(id);
  }

  get(id: string): OrderView | undefined {
    const n = this.byId.get(id);
    return n === undefined ? undefined : viewOf(n);
  }

  /** An order the chain holds open (created, or found when rebuilding). */
  add(order: OrderInput): void {
    const o = checkOrder(order, this.tickSize);
    if (this.byId.has(o.id)) throw new EngineError("DUPLICATE_ORDER", undefined, { id: o.id });
    const n: OrderNode = {
      id: o.id,
      side: o.side,
      owner: o.owner,
      price: o.limitPrice,
      remaining: o.remainingWh,
      createdAt: o.createdAt,
      seq: o.seq,
      expiresAt: o.expiresAt,
      green: o.green,
      greenOnly: o.greenOnly,
      level: null,
      prev: null,
      next: null,
    };
    this.byId.set(n.id, n);
    this.sideOf(n.side).insert(n);
    this.expiries.push(n);
  }

  /** The order left the book on chain (cancelled or closed); returns what it was. */
  cancel(id: string): OrderView {
    const n = this.node(id, "id");
    const view = viewOf(n);
    this.removeNode(n);
    return view;
  }

  /**
   * A fill the chain made (the indexer's OrderFilled): both orders lose `wh`; an order with
   * nothing left leaves the book. All-or-nothing: a refused fill changes nothing.
   */
  applyFill(buyId: string, sellId: string, wh: bigint): { buyRemainingWh: bigint; sellRemainingWh: bigint } {
    const buy = this.node(buyId, "buyId");
    const sell = this.node(sellId, "sellId");
    if (buy.side !== "buy") throw new EngineError("WRONG_SIDE", undefined, { buyId });
    if (sell.side !== "sell") throw new EngineError("WRONG_SIDE", undefined, { sellId });
    const amount = checkPositive(wh, "INVALID_AMOUNT", "wh");
    if (amount > buy.remaining) throw new EngineError("OVERFILL", undefined, { id: buyId });
    if (amount > sell.remaining) throw new EngineError("OVERFILL", undefined, { id: sellId });
    const buyRemainingWh = buy.remaining - amount;
    const sellRemainingWh = sell.remaining - amount;
    if (buyRemainingWh === 0n) this.removeNode(buy);
    else this.bids.reduce(buy, amount);
    if (sellRemainingWh === 0n) this.removeNode(sell);
    else this.asks.reduce(sell, amount);
    return { buyRemainingWh, sellRemainingWh };
  }

  /**
   * Remove every order with expiresAt ≤ now (the chain refuses to fill them from that second on)
   * and return their ids in (expiresAt, id) order.
   */
  expire(now: bigint): string[] {
    checkTime(now, "now");
    const out = this.expiries.popExpired(now).map((n) => {
      this.removeNode(n);
      return n.id;
    });
    this.expiries.maybeCompact(this.byId.size);
    return out;
  }

  /**
   * The fills the chain would accept now, in priority order, at most `maxFills`: a dry run (the
   * book is unchanged; apply each one with `applyFill` once the chain confirms it). The rules,
   * in README.md#proposing-fills: the older of the best bid and the best ask is served first, by
   * the best order on the other side it may trade with (not its owner's, not expired, not used up
   * by this batch, not a plain sell for a green-only buy, a cost > 0 at the maker's price); an order nobody may trade with is passed over
   * for the batch and keeps its place.
   */
  proposeFills(options: ProposeOptions): ProposedFill[] {
    const maxFills = checkCount(options.maxFills, "INVALID_MAX_FILLS", "maxFills");
    const now = checkTime(options.now, "now");
    const fills: ProposedFill[] = [];
    /** Wh this batch has already given each order. */
    const used = new Map<OrderNode, bigint>();
    /** Orders with no counterparty for the rest of this batch (it only ever uses orders up). */
    const passed = new Set<OrderNode>();
    const left = (n: OrderNode) => n.remaining - (used.get(n) ?? 0n);
    const usable = (n: OrderNode) => now < n.expiresAt && !passed.has(n) && left(n) > 0n;
    // Both cursors only move forward: what is not usable stays so for the batch.
    let bid = this.bids.first();
    let ask = this.asks.first();
    while (fills.length < maxFills) {
      while (bid !== null && !usable(bid)) bid = this.bids.after(bid);
      while (ask !== null && !usable(ask)) ask = this.asks.after(ask);
      if (bid === null || ask === null || bid.price < ask.price) break;
      const driver = earlier(bid, ask) ? bid : ask;
      const other = driver === bid ? this.asks : this.bids;
      let counter: OrderNode | null = null;
      let amount = 0n;
      let price = 0n;
      let cost = 0n;
      let maker: Side = "sell";
      for (let c: OrderNode | null = driver === bid ? ask : bid; c !== null; c = other.after(c)) {
        const [b, s] = driver === bid ? [driver, c] : [c, driver];
        if (b.price < s.price) break; // no crossing order further on
        if (c.owner === driver.owner || !usable(c)) continue;
        if (!greenCompatible(b, s)) continue; // GreenOnlyBuy: skipped, keeps its place
        const a = left(b) < left(s) ? left(b) : left(s);
        const m = makerSide(b.createdAt, s.createdAt);
        const p = m === "buy" ? b.price : s.price;
        const k = fillCost(a, p);
        if (k === 0n) continue; // FillTooSmall
        counter = c;
        amount = a;
        price = p;
        cost = k;
        maker = m;
        break;
      }
      if (counter === null) {
        passed.add(driver);
        continue;
      }
      const [b, s] = driver === bid ? [driver, counter] : [counter, driver];
      used.set(b, (used.get(b) ?? 0n) + amount);
      used.set(s, (used.get(s) ?? 0n) + amount);
      fills.push({
        buyId: b.id,
        sellId: s.id,
        buyOwner: b.owner,
        sellOwner: s.owner,
        amountWh: amount,
        price,
        cost,
        fee: fillFee(cost, this.feeBps),
        maker,
        makerId: maker === "buy" ? b.id : s.id,
        green: s.green,
      });
    }
    return fills;
  }

  bestBid(): bigint | null {
    return this.bids.best()?.price ?? null;
  }

  bestAsk(): bigint | null {
    return this.asks.best()?.price ?? null;
  }

  /** Orders of one side (or bids then asks) in priority order. */
  orders(side?: Side): OrderView[] {
    if (side !== undefined) return Array.from(this.sideOf(side).orders(), viewOf);
    return [...Array.from(this.bids.orders(), viewOf), ...Array.from(this.asks.orders(), viewOf)];
  }

  /** Levels per side, best first, with cumulative Wh; `depth` levels per side at most. */
  snapshot(options: { depth?: number } = {}): BookSnapshot {
    const depth =
      options.depth === undefined ? Number.POSITIVE_INFINITY : checkCount(options.depth, "INVALID_DEPTH", "depth");
    return {
      tickSize: this.tickSize,
      bids: levelViews(this.bids.levelsBestFirst(), depth),
      asks: levelViews(this.asks.levelsBestFirst(), depth),
      bestBid: this.bestBid(),
      bestAsk: this.bestAsk(),
      orderCount: this.byId.size,
      hash: this.hash(),
    };
  }

  /** sha256 (hex) of the canonical text of the book (hash.ts): O(orders). */
  hash(): string {
    return stateHash(
      { tickSize: this.tickSize, feeBps: this.feeBps },
      mapIter(this.bids.orders(), viewOf),
      mapIter(this.asks.orders(), viewOf),
    );
  }

  private sideOf(side: Side): BookSide {
    return side === "buy" ? this.bids : this.asks;
  }

  private node(id: string, field: string): OrderNode {
    checkAddress(id, "INVALID_ORDER_ID", field);
    const n = this.byId.get(id);
    if (n === undefined) throw new EngineError("UNKNOWN_ORDER", undefined, { [field]: id });
    return n;
  }

  private removeNode(n: OrderNode): void {
    this.sideOf(n.side).remove(n);
    this.byId.delete(n.id);
  }
}

function levelViews(levels: Iterable<Level>, depth: number): LevelView[] {
  const out: LevelView[] = [];
  let cumulativeWh = 0n;
  for (const l of levels) {
    if (out.length >= depth) break;
    cumulativeWh += l.totalWh;
    out.push({ price: l.price, totalWh: l.totalWh, orderCount: l.count, cumulativeWh });
  }
  return out;
}

function* mapIter<T, U>(it: Iterable<T>, f: (t: T) => U): Generator<U> {
  for (const t of it) yield f(t);
}
