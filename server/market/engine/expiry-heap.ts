/**
 * A binary min-heap of orders by (expiresAt, id), with lazy deletion: a cancelled or filled order
 * stays in the heap and is dropped when it reaches the top (the engine tells `isLive`). When the
 * dead entries outnumber the live ones it is rebuilt, so it holds O(live orders) entries.
 */
import type { OrderNode } from "./book";

const before = (a: OrderNode, b: OrderNode) =>
  a.expiresAt !== b.expiresAt ? a.expiresAt < b.expiresAt : a.id < b.id;

export class ExpiryHeap {
  private heap: OrderNode[] = [];

  constructor(private readonly isLive: (n: OrderNode) => boolean) {}

  push(n: OrderNode): void {
    const h = this.heap;
    h.push(n);
    let i = h.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!before(h[i]!, h[parent]!)) break;
      [h[i], h[parent]] = [h[parent]!, h[i]!];
      i = parent;
    }
  }

  /** Remove and return every live order with expiresAt ≤ now, in (expiresAt, id) order. */
  popExpired(now: bigint): OrderNode[] {
    const out: OrderNode[] = [];
    for (;;) {
      const top = this.heap[0];
      if (top === undefined) break;
      if (this.isLive(top)) {
        if (top.expiresAt > now) break;
        out.push(top);
      }
      this.pop();
    }
    return out;
  }

  /** Rebuild without dead entries when they are more than half (and more than a few). */
  maybeCompact(liveCount: number): void {
    if (this.heap.length < 64 || this.heap.length <= 2 * liveCount) return;
    this.heap = this.heap.filter(this.isLive);
    for (let i = (this.heap.length >> 1) - 1; i >= 0; i--) this.down(i);
  }

  private pop(): void {
    const h = this.heap;
    const last = h.pop()!;
    if (h.length === 0) return;
    h[0] = last;
    this.down(0);
  }

  private down(i: number): void {
    const h = this.heap;
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let m = i;
      if (l < h.length && before(h[l]!, h[m]!)) m = l;
      if (r < h.length && before(h[r]!, h[m]!)) m = r;
      if (m === i) return;
      [h[i], h[m]] = [h[m]!, h[i]!];
      i = m;
    }
  }
}
