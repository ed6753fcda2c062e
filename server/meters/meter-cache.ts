/**
 * In-process cache of meter rows for the gateway's early refusals (unknown meter, not active,
 * wrong key), so a flood of refusable readings does not reach the write path.
 *
 * It never decides an acceptance: the write transaction re-reads the meter under a row lock
 * (db/queries/readings.ts), so a meter suspended or re-keyed in the database stops being able
 * to store readings at once, on every instance. The TTL only bounds how long a refusal can be
 * out of date (a meter activated < TTL ago may still be refused as not active here).
 * Concurrent misses for one id share one query; absent meters are cached too.
 */
import type { GatewayMeter } from "~/db/queries/meters";

interface Entry {
  meter: GatewayMeter | null;
  expiresAt: number;
}

export class MeterCache {
  private readonly entries = new Map<string, Entry>();
  private readonly inflight = new Map<string, Promise<GatewayMeter | null>>();

  constructor(
    private readonly load: (meterIds: string[]) => Promise<GatewayMeter[]>,
    private readonly ttlMs: number,
    private readonly max: number,
    private readonly now: () => number = Date.now,
  ) {}

  async getMany(meterIds: string[]): Promise<Map<string, GatewayMeter | null>> {
    const now = this.now();
    const out = new Map<string, GatewayMeter | null>();
    const waits: Promise<void>[] = [];
    const missing: string[] = [];
    for (const id of new Set(meterIds)) {
      const hit = this.entries.get(id);
      if (hit && hit.expiresAt > now) {
        out.set(id, hit.meter);
        continue;
      }
      const pending = this.inflight.get(id);
      if (pending) waits.push(pending.then((m) => void out.set(id, m)));
      else missing.push(id);
    }
    if (missing.length > 0) {
      const loaded = this.load(missing).then((rows) => {
        const byId = new Map(rows.map((m) => [m.meterId, m]));
        const expiresAt = this.now() + this.ttlMs;
        for (const id of missing) {
          const meter = byId.get(id) ?? null;
          if (this.ttlMs > 0) this.remember(id, { meter, expiresAt });
        }
        return byId;
      });
      for (const id of missing) {
        const one = loaded.then((byId) => byId.get(id) ?? null);
        // A failed load must not stay cached as in flight; the caller sees the error.
        const settle = () => void this.inflight.delete(id);
        one.then(settle, settle);
        this.inflight.set(id, one);
        waits.push(one.then((m) => void out.set(id, m)));
      }
    }
    await Promise.all(waits);
    return out;
  }

  /** Forget a meter (its row was found to differ from the cached one). */
  invalidate(meterId: string): void {
    this.entries.delete(meterId);
  }

  get size(): number {
    return this.entries.size;
  }

  private remember(id: string, entry: Entry) {
    this.entries.delete(id);
    if (this.entries.size >= this.max) {
      // Oldest insertion first: a Map iterates in insertion order.
      this.entries.delete(this.entries.keys().next().value!);
    }
    this.entries.set(id, entry);
  }
}
