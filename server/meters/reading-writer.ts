/**
 * Group commit for readings. Requests hand their checked readings to one writer per database;
 * it runs at most `maxConcurrent` transactions and, while they run, collects what arrives, so
 * under load one transaction (one fsync) stores the readings of many requests. Every caller
 * gets its own outcomes only after the transaction that holds them has committed.
 *
 * Failures: a deadlock or serialization failure retries the group; a data or constraint error
 * (one bad reading the checks let through) splits the group so it fails alone; anything else
 * (the database is down) fails the group's readings as `failed`, and nothing is acknowledged.
 */
import type { Db } from "~/db/client";
import { isConflictError, isDataError } from "~/db/retry";
import { storeReadings, type ReadingToStore, type StoreOutcome } from "~/db/queries/readings";

export type WriteOutcome = StoreOutcome | { kind: "failed"; error: unknown };

interface Unit {
  items: ReadingToStore[];
  resolve: (outcomes: WriteOutcome[]) => void;
}

export interface ReadingWriterOptions {
  /** Transactions in flight at once (each holds one pooled connection). */
  maxConcurrent: number;
  /** A group takes whole requests until it holds at least this many readings. */
  maxGroup: number;
  /** Attempts of one group on deadlock/serialization failures. */
  maxAttempts?: number;
}

export class ReadingWriter {
  private readonly queue: Unit[] = [];
  private running = 0;
  /** Transactions committed and readings handed to them; for the benchmark's report. */
  readonly stats = { transactions: 0, readings: 0 };

  constructor(
    private readonly db: Db,
    private readonly options: ReadingWriterOptions,
  ) {}

  write(items: ReadingToStore[]): Promise<WriteOutcome[]> {
    if (items.length === 0) return Promise.resolve([]);
    return new Promise((resolve) => {
      this.queue.push({ items, resolve });
      this.pump();
    });
  }

  private pump() {
    while (this.running < this.options.maxConcurrent && this.queue.length > 0) {
      const group: Unit[] = [];
      let n = 0;
      while (this.queue.length > 0 && n < this.options.maxGroup) {
        const unit = this.queue.shift()!;
        group.push(unit);
        n += unit.items.length;
      }
      this.running++;
      void this.runGroup(group).finally(() => {
        this.running--;
        this.pump();
      });
    }
  }

  private async runGroup(group: Unit[]): Promise<void> {
    const items = group.flatMap((u) => u.items);
    const outcomes = await this.attempt(items);
    let at = 0;
    for (const unit of group) {
      unit.resolve(outcomes.slice(at, at + unit.items.length));
      at += unit.items.length;
    }
  }

  private async attempt(items: ReadingToStore[]): Promise<WriteOutcome[]> {
    const maxAttempts = this.options.maxAttempts ?? 3;
    for (let attempt = 1; ; attempt++) {
      try {
        const outcomes = await storeReadings(this.db, { readings: items });
        this.stats.transactions++;
        this.stats.readings += items.length;
        return outcomes;
      } catch (err) {
        if (isConflictError(err) && attempt < maxAttempts) continue;
        if (isDataError(err) && items.length > 1) {
          const out: WriteOutcome[] = [];
          for (const item of items) out.push(...(await this.attempt([item])));
          return out;
        }
        if (!isDataError(err)) console.error("[meter gateway] storing readings failed:", err);
        return items.map(() => ({ kind: "failed", error: err }));
      }
    }
  }
}
