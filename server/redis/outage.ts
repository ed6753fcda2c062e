/**
 * Saying once, clearly, that Redis is gone and what that changes. Kept free of env.js so tests
 * and tools can build reporters for any URL.
 */

/** A short, useful description of why a Redis call failed (fetch hides the cause). */
export function describeRedisError(err: unknown): string {
  if (!(err instanceof Error)) return String(err);
  const cause = err.cause as { code?: unknown; message?: unknown } | undefined;
  const detail =
    typeof cause?.code === "string"
      ? cause.code
      : typeof cause?.message === "string"
        ? cause.message
        : undefined;
  const name = err.name === "TimeoutError" ? "timed out" : err.message;
  return detail ? `${name}: ${detail}` : name;
}

/** The one message that says what degrades when Redis is not there. */
export function redisUnavailableMessage(url: string, reason: string): string {
  return (
    `Redis unavailable at ${url} (${reason}): rate limits fall back to in-process memory ` +
    `(counted per app instance), live updates stay in-process (no fan-out between instances). ` +
    `Start redis-server and the REST endpoint (npm run redis:rest, or npm run dev) to restore.`
  );
}

/**
 * Logs a Redis outage once, and its end once, however many callers notice it. Rate limits and
 * the event bus share one reporter per REST URL so a dead Redis produces one warning, not one per
 * request.
 */
export class RedisOutageReporter {
  private down = false;
  constructor(
    readonly url: string,
    private readonly log: (level: "warn" | "info", message: string) => void = (level, m) =>
      level === "warn" ? console.warn(`[redis] ${m}`) : console.info(`[redis] ${m}`),
  ) {}

  get isDown(): boolean {
    return this.down;
  }

  failed(err: unknown): void {
    if (this.down) return;
    this.down = true;
    this.log("warn", redisUnavailableMessage(this.url, describeRedisError(err)));
  }

  recovered(): void {
    if (!this.down) return;
    this.down = false;
    this.log(
      "info",
      `Redis reachable again at ${this.url}: rate limits and live updates are shared again.`,
    );
  }
}
