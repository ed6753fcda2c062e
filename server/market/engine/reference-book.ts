/**
 * The naive reference book of the model test (engine.model.test.ts): a plain array of orders,
 * sorted again on every question, and the proposal rules written out the simplest way. No
 * levels, lists, cursors, heaps or lazy deletion. It shares only the hash serialiser (hash.ts)
 * and the input checks (validate.ts) with the engine, so the two answer errors alike.
 */
import { EngineError } from "./errors";
import { stateHash } from "./hash";
import type { BookSnapshot, LevelView, OrderInput, OrderView, ProposedFill, Side } from "./types";
import { checkAddress, checkCount, checkFeeBps, checkOrder, checkPositive, checkTickSize, checkTime } from "./validate";

interface Row {
  id: string;
  side: Side;
  owner: string;
  limitPrice: bigint;
  remainingWh: bigint;
  createdAt: bigint;
  seq: bigint;
  expiresAt: bigint;
  green: boolean;
  greenOnly: boolean;
}

const cmp = (a: bigint | string, b: bigint | string) => (a < b ? -1 : a > b ? 1 : 0);
const byTime = (a: Row, b: Row) => cmp(a.createdAt, b.createdAt) || cmp(a.seq, b.seq) || cmp(a.id, b.id);

export class ReferenceBook {
  readonly tickSize: bigint;
  readonly feeBps: bigint;
  private rows: Row[] = [];

  constructor(options: { tickSize?: bigint; feeBps?: bigint } = {}) {
    this.tickSize = checkTickSize(options.tickSize);
    this.feeBps = checkFeeBps(options.feeBps);
  }

  /** One side, best price first, then earliest. */
  sorted(side: Side): Row[] {
    return this.rows
      .filter((r) => r.side === side)
      .sort((a, b) => (side === "buy" ? cmp(b.limitPrice, a.limitPrice) : cmp(a.limitPrice, b.limitPrice)) || byTime(a, b));
  }

  add(order: OrderInput): void {
    const o = checkOrder(order, this.tickSize);
    if (this.rows.some((r) => r.id === o.id)) throw new EngineError("DUPLICATE_ORDER");
    this.rows.push({ ...o });
  }

  private find(id: string, field: string): Row {
    checkAddress(id, "INVALID_ORDER_ID", field);
    const r = this.rows.find((x) => x.id === id);
    if (r === undefined) throw new EngineError("UNKNOWN_ORDER");
    return r;
  }

  cancel(id: string): OrderView {
    const r = this.find(id, "id");
    this.rows = this.rows.filter((x) => x !== r);
    return { ...r };
  }

  applyFill(buyId: string, sellId: string, wh: bigint): { buyRemainingWh: bigint; sellRemainingWh: bigint } {
    const b = this.find(buyId, "buyId");
    const s = this.find(sellId, "sellId");
    if (b.side !== "buy" || s.side !== "sell") throw new EngineError("WRONG_SIDE");
    checkPositive(wh, "INVALID_AMOUNT", "wh");
    if (wh > b.remainingWh || wh > s.remainingWh) throw new EngineError("OVERFILL");
    b.remainingWh -= wh;
    s.remainingWh -= wh;
    this.rows = this.rows.filter((r) => r.remainingWh > 0n);
    return { buyRemainingWh: b.remainingWh, sellRemainingWh: s.remainingWh };
  }

  expire(now: bigint): string[] {
    checkTime(now, "now");
    const gone = this.rows
      .filter((r) => r.expiresAt <= now)
      .sort((a, b) => cmp(a.expiresAt, b.expiresAt) || cmp(a.id, b.id));
    this.rows = this.rows.filter((r) => r.expiresAt > now);
    return gone.map((r) => r.id);
  }

  /** Same rules as the engine's, recomputed from scratch for every fill. */
  proposeFills(options: { maxFills: number; now: bigint }): ProposedFill[] {
    const maxFills = checkCount(options.maxFills, "INVALID_MAX_FILLS", "maxFills");
    const now = checkTime(options.now, "now");
    const left = new Map(this.rows.map((r) => [r.id, r.remainingWh]));
    const passed = new Set<string>();
    const fills: ProposedFill[] = [];
    const ok = (r: Row) => r.expiresAt > now && !passed.has(r.id) && left.get(r.id)! > 0n;
    while (fills.length < maxFills) {
      const bids = this.sorted("buy").filter(ok);
      const asks = this.sorted("sell").filter(ok);
      const topBid = bids[0];
      const topAsk = asks[0];
      if (topBid === undefined || topAsk === undefined || topBid.limitPrice < topAsk.limitPrice) break;
      const driver = byTime(topBid, topAsk) < 0 ? topBid : topAsk;
      const others = driver.side === "buy" ? asks : bids;
      let found: ProposedFill | undefined;
      for (const c of others) {
        const b = driver.side === "buy" ? driver : c;
        const s = driver.side === "buy" ? c : driver;
        if (b.limitPrice < s.limitPrice || c.owner === driver.owner) continue;
        if (b.greenOnly && !s.green) continue; // GreenOnlyBuy
        const amount = left.get(b.id)! < left.get(s.id)! ? left.get(b.id)! : left.get(s.id)!;
        const maker: Side = b.createdAt < s.createdAt ? "buy" : "sell";
        const price = maker === "buy" ? b.limitPrice : s.limitPrice;
        const cost = (amount * price) / 1000n;
        if (cost <= 0n) continue;
        found = {
          buyId: b.id,
          sellId: s.id,
          buyOwner: b.owner,
          sellOwner: s.owner,
          amountWh: amount,
          price,
          cost,
          fee: (cost * this.feeBps) / 10_000n,
          maker,
          makerId: maker === "buy" ? b.id : s.id,
          green: s.green,
        };
        break;
      }
      if (found === undefined) {
        passed.add(driver.id);
        continue;
      }
      left.set(found.buyId, left.get(found.buyId)! - found.amountWh);
      left.set(found.sellId, left.get(found.sellId)! - found.amountWh);
      fills.push(found);
    }
    return fills;
  }

  orders(): OrderView[] {
    return [...this.sorted("buy"), ...this.sorted("sell")].map((r) => ({ ...r }));
  }

  snapshot(): BookSnapshot {
    const levels = (side: Side): LevelView[] => {
      const out: LevelView[] = [];
      let cum = 0n;
      for (const r of this.sorted(side)) {
        cum += r.remainingWh;
        const last = out[out.length - 1];
        if (last?.price === r.limitPrice)
          out[out.length - 1] = { ...last, totalWh: last.totalWh + r.remainingWh, orderCount: last.orderCount + 1, cumulativeWh: cum };
        else out.push({ price: r.limitPrice, totalWh: r.remainingWh, orderCount: 1, cumulativeWh: cum });
      }
      return out;
    };
    const bids = levels("buy");
    const asks = levels("sell");
    return {
      tickSize: this.tickSize,
      bids,
      asks,
      bestBid: bids[0]?.price ?? null,
      bestAsk: asks[0]?.price ?? null,
      orderCount: this.rows.length,
      hash: stateHash({ tickSize: this.tickSize, feeBps: this.feeBps }, this.sorted("buy"), this.sorted("sell")),
    };
  }
}
