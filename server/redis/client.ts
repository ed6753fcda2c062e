/**
 * The app's one Redis client: @upstash/redis over the Upstash REST protocol. Locally that is our
 * shim (scripts/redis-rest.ts) in front of redis-server; in production, Upstash itself.
 *
 * Redis is an accelerator here, never the source of truth, so calls fail fast (one quick retry,
 * a short per-request timeout) and callers fall back to in-process behaviour (rate-limit.ts,
 * event-bus.ts) instead of making a request wait on a dead Redis.
 */
import { Redis } from "@upstash/redis";
import { env } from "~/env.js";
import { processSingleton } from "~/lib/process-singleton";
import { RedisOutageReporter, describeRedisError } from "./outage";

export { RedisOutageReporter, describeRedisError, redisUnavailableMessage } from "./outage";

export interface RedisClientOptions {
  url: string;
  token: string;
  /** Per-request deadline. Hot paths (rate limits) must not hang on a slow Redis. */
  timeoutMs?: number;
  /** Retries after a network error (not after a Redis error); the client's default is 5. */
  retries?: number;
}

export function createRedisClient({
  url,
  token,
  timeoutMs = 1_500,
  retries = 1,
}: RedisClientOptions): Redis {
  return new Redis({
    url,
    token,
    retry: retries > 0 ? { retries, backoff: () => 50 } : false,
    // A function, so every request gets a fresh deadline (a plain signal would expire once).
    signal: () => AbortSignal.timeout(timeoutMs),
    enableTelemetry: false,
  });
}

export const redisRestUrl = env.UPSTASH_REDIS_REST_URL;

/** The shared client, built from UPSTASH_REDIS_REST_URL / UPSTASH_REDIS_REST_TOKEN. */
export const redis: Redis = createRedisClient({
  url: env.UPSTASH_REDIS_REST_URL,
  token: env.UPSTASH_REDIS_REST_TOKEN,
});

export interface RedisHealth {
  ok: boolean;
  latencyMs?: number;
  error?: string;
}

/** PING through the REST endpoint. Never throws. */
export async function redisHealth(client: Redis = redis): Promise<RedisHealth> {
  const started = performance.now();
  try {
    const reply = await client.ping();
    const latencyMs = Math.round((performance.now() - started) * 10) / 10;
    if (reply !== "PONG") return { ok: false, latencyMs, error: `unexpected PING reply: ${reply}` };
    return { ok: true, latencyMs };
  } catch (err) {
    return { ok: false, error: describeRedisError(err) };
  }
}

export const redisOutage: RedisOutageReporter = processSingleton(
  "outage",
  redisRestUrl,
  () => new RedisOutageReporter(redisRestUrl),
);

/**
 * For start-up (instrumentation or the dev runner): one line saying whether Redis answers, and
 * the degradation warning if it does not.
 */
export async function checkRedisAtStartup(client: Redis = redis): Promise<RedisHealth> {
  const health = await redisHealth(client);
  if (health.ok) {
    console.info(`[redis] ${redisRestUrl} answers (${health.latencyMs} ms)`);
    redisOutage.recovered();
  } else {
    redisOutage.failed(new Error(health.error ?? "no answer"));
  }
  return health;
}
