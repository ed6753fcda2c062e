/**
 * Runs the rate-limit checks of all requests that arrived in one event-loop turn together.
 *
 * Each check is one Redis script call. The shared @upstash/redis client pipelines the commands
 * issued within one microtask burst into a single REST request, but requests arrive in separate
 * I/O callbacks, so without help every request paid its own HTTP round trip to Redis (the
 * largest server-side cost in the benchmark's profile). Deferring each check to setImmediate
 * and issuing them all from one loop lets them share one pipeline. The cost is at most one turn
 * of the event loop of latency; the decisions are the same Redis-backed sliding windows.
 */
export type LimitFn<P extends string, R> = (policy: P, identifier: string) => Promise<R>;

export function coalesceLimits<P extends string, R>(limit: LimitFn<P, R>): LimitFn<P, R> {
  let queue: {
    policy: P;
    identifier: string;
    resolve: (r: R) => void;
    reject: (e: unknown) => void;
  }[] = [];
  const flush = () => {
    const batch = queue;
    queue = [];
    for (const q of batch) limit(q.policy, q.identifier).then(q.resolve, q.reject);
  };
  return (policy, identifier) =>
    new Promise<R>((resolve, reject) => {
      if (queue.length === 0) setImmediate(flush);
      queue.push({ policy, identifier, resolve, reject });
    });
}
