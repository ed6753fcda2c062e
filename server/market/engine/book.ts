/**
 * One side of the book: price levels, each a doubly linked list of orders in time priority, and
 * the active prices in a sorted array (worst … best, so the best is the last element and leaving
 * it is a pop). A level that empties elsewhere in the array stays there, dead, until its price
 * comes back (it is revived in place) or dead levels outnumber live ones (one compaction pass):
 * removing an order is O(1) amortised. Nothing here validates; the engine does.
 */
import { earlier } from "./rules";
import type { OrderView, Side } from "./types";

export interface OrderNode {
  readonly id: string;
  readonly side: Side;
  readonly owner: string;
  readonly price: bigint;
  remaining: bigint;
  readonly createdAt: bigint;
  readonly seq: bigint;
  readonly expiresAt: bigint;
  readonly green: boolean;
  readonly greenOnly: boolean;
  level: Level | null;
  prev: OrderNode | null;
  next: OrderNode | null;
}

export class Level {
  totalWh = 0n;
  count = 0;
  head: OrderNode | null = null;
  tail: OrderNode | null = null;
  constructor(readonly price: bigint) {}
}

/** Compact only past this many dead levels (and only when they outnumber the live ones). */
const COMPACT_MIN_DEAD = 32;

export function viewOf(n: OrderNode): OrderView {
  return {
    id: n.id,
    side: n.side,
    owner: n.owner,
    limitPrice: n.price,
    remainingWh: n.remaining,
    createdAt: n.createdAt,
    seq: n.seq,
    expiresAt: n.expiresAt,
    green: n.green,
    greenOnly: n.greenOnly,
  };
}

export class BookSide {
  /** Active prices, worst first, best last; may hold dead (empty) levels. */
  private prices: bigint[] = [];
  private readonly levels = new Map<bigint, Level>();
  private dead = 0;
  private live = 0;

  constructor(readonly side: Side) {}

  /** p is a better price than q for this side. */
  private better(p: bigint, q: bigint): boolean {
    return this.side === "buy" ? p > q : p < q;
  }

  get levelCount(): number {
    return this.live;
  }

  /** Link n into its level, after every order with an earlier time key. */
  insert(n: OrderNode): void {
    let level = this.levels.get(n.price);
    if (level === undefined) {
      level = new Level(n.price);
      this.levels.set(n.price, level);
      this.insertPrice(n.price);
      this.live++;
    } else if (level.count === 0) {
      this.dead--;
      this.live++;
    }
    // Orders normally arrive in time order: append at the tail; otherwise walk back from it.
    let after = level.tail;
    while (after !== null && earlier(n, after)) after = after.prev;
    n.level = level;
    n.prev = after;
    n.next = after === null ? level.head : after.next;
    if (n.prev === null) level.head = n;
    else n.prev.next = n;
    if (n.next === null) level.tail = n;
    else n.next.prev = n;
    level.count++;
    level.totalWh += n.remaining;
  }

  /** Unlink n (O(1); a level left empty is popped if best, else marked dead). */
  remove(n: OrderNode): void {
    const level = n.level!;
    if (n.prev === null) level.head = n.next;
    else n.prev.next = n.next;
    if (n.next === null) level.tail = n.prev;
    else n.next.prev = n.prev;
    n.prev = n.next = null;
    n.level = null;
    level.count--;
    level.totalWh -= n.remaining;
    if (level.count === 0) {
      this.live--;
      this.dead++;
      this.trimBest();
      if (this.dead > COMPACT_MIN_DEAD && this.dead > this.live) this.compact();
    }
  }

  /** Take wh from a resting order that keeps some remainder. */
  reduce(n: OrderNode, wh: bigint): void {
    n.remaining -= wh;
    n.level!.totalWh -= wh;
  }

  best(): Level | null {
    const p = this.prices[this.prices.length - 1];
    return p === undefined ? null : this.levels.get(p)!;
  }

  /** The next live level worse than `level` (binary search for its place: O(log L)). */
  worse(level: Level): Level | null {
    for (let i = this.indexOf(level.price) - 1; i >= 0; i--) {
      const l = this.levels.get(this.prices[i]!)!;
      if (l.count > 0) return l;
    }
    return null;
  }

  /** The first order in priority, and the one after n. */
  first(): OrderNode | null {
    return this.best()?.head ?? null;
  }

  after(n: OrderNode): OrderNode | null {
    if (n.next !== null) return n.next;
    return this.worse(n.level!)?.head ?? null;
  }

  /** Live levels, best first. */
  *levelsBestFirst(): Generator<Level> {
    for (let i = this.prices.length - 1; i >= 0; i--) {
      const l = this.levels.get(this.prices[i]!)!;
      if (l.count > 0) yield l;
    }
  }

  /** Every order in priority order. */
  *orders(): Generator<OrderNode> {
    for (const level of this.levelsBestFirst()) for (let n = level.head; n !== null; n = n.next) yield n;
  }

  private insertPrice(p: bigint): void {
    const a = this.prices;
    const last = a[a.length - 1];
    if (last === undefined || this.better(p, last)) {
      a.push(p);
      return;
    }
    // first index whose price is better than p
    let lo = 0;
    let hi = a.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.better(a[mid]!, p)) hi = mid;
      else lo = mid + 1;
    }
    a.splice(lo, 0, p);
  }

  private indexOf(p: bigint): number {
    const a = this.prices;
    let lo = 0;
    let hi = a.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      const q = a[mid]!;
      if (q === p) return mid;
      if (this.better(q, p)) hi = mid - 1;
      else lo = mid + 1;
    }
    return -1;
  }

  private trimBest(): void {
    const a = this.prices;
    while (a.length > 0) {
      const p = a[a.length - 1]!;
      if (this.levels.get(p)!.count > 0) return;
      a.pop();
      this.levels.delete(p);
      this.dead--;
    }
  }

  private compact(): void {
    this.prices = this.prices.filter((p) => {
      if (this.levels.get(p)!.count > 0) return true;
      this.levels.delete(p);
      return false;
    });
    this.dead = 0;
  }
}
