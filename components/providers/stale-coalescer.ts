/**
 * Live notices come in bursts (a match settles sixteen fills, a meter posts a day of readings):
 * invalidating the queries once per notice makes TanStack Query cancel and restart each refetch,
 * and tRPC's batch link sends the same procedures many times in one request. The coalescer
 * gathers the stale query names of a burst and flushes them once, `waitMs` after the first
 * notice, so a burst costs one refetch per stale query.
 */
export interface StaleCoalescer {
  /** The query names (first key parts) one notice makes stale. */
  add(names: readonly string[]): void;
  /** Everything pending, now (a resubscription refetches all anyway). */
  flush(): void;
  /** Drops what is pending and stops the timer (the provider unmounted). */
  dispose(): void;
}

export function createStaleCoalescer(
  invalidate: (names: ReadonlySet<string>) => void,
  waitMs = 50,
): StaleCoalescer {
  let pending = new Set<string>();
  let timer: ReturnType<typeof setTimeout> | null = null;
  const flush = () => {
    if (timer) clearTimeout(timer);
    timer = null;
    if (pending.size === 0) return;
    const names = pending;
    pending = new Set();
    invalidate(names);
  };
  return {
    add(names) {
      for (const n of names) pending.add(n);
      if (!timer && pending.size > 0) timer = setTimeout(flush, waitMs);
    },
    flush,
    dispose() {
      if (timer) clearTimeout(timer);
      timer = null;
      pending = new Set();
    },
  };
}

/** Whether a query's key starts with one of `names` (a tRPC router's name, or a plain key's first part). */
export function queryIsStale(queryKey: readonly unknown[], names: ReadonlySet<string>): boolean {
  const head = queryKey[0];
  return names.has(String(Array.isArray(head) ? head[0] : head));
}
