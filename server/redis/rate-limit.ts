/**
 * Named rate-limit policies, enforced with @upstash/ratelimit's sliding window on the shared Redis
 * client so every app instance counts against the same numbers.
 *
 * When Redis can't answer (down, or slower than `timeoutMs`) the same policy is enforced by an
 * in-process sliding window instead: limits stay on, but each app instance counts on its own.
 * After a failure Redis is left alone for `retryRedisAfterMs`, so a dead Redis costs requests
 * nothing; the outage is logged once (client.ts).
 */
import { createHash } from "node:crypto";
import { Ratelimit, type Duration } from "@upstash/ratelimit";
import type { Redis } from "@upstash/redis";
import { env } from "~/env.js";
import { processSingleton } from "~/lib/process-singleton";
import {
  redis as sharedRedis,
  redisOutage,
  type RedisOutageReporter,
} from "./client";

export interface RateLimitPolicy {
  /** Requests allowed per window. */
  limit: number;
  window: Duration;
  /** Redis key prefix; keep it unique per policy. */
  prefix: string;
}

/** Tune limits here; identifiers are chosen by callers (IP, wallet, meter id). */
export const RATE_LIMIT_POLICIES = {
  /** Sign-in challenge (nonce) requests, per client IP. */
  "auth:challenge": { limit: 20, window: "60 s", prefix: "rl:auth:challenge" },
  /** Signed sign-in attempts, per client IP. */
  "auth:signin": { limit: 10, window: "60 s", prefix: "rl:auth:signin" },
  /** Meter readings, per meter id (a real meter posts every few minutes). */
  "meter:submit": { limit: 60, window: "60 s", prefix: "rl:meter:submit" },
  /** Meter gateway requests, per client IP (a gateway may front many meters). */
  "meter:ip": { limit: 3000, window: "60 s", prefix: "rl:meter:ip" },
  /** Grid-operator API, per API key. */
  "api:operator": { limit: 600, window: "60 s", prefix: "rl:api:operator" },
} as const satisfies Record<string, RateLimitPolicy>;

export type RateLimitPolicyName = keyof typeof RATE_LIMIT_POLICIES;

export interface RateLimitResult {
  ok: boolean;
  limit: number;
  remaining: number;
  /** Unix epoch milliseconds when the current window ends. */
  resetAt: number;
  backend: "redis" | "memory";
}

/** Bad arguments to a limiter (a programming error in the caller). */
export class RateLimitInputError extends Error {
  readonly code = "rate_limit_bad_input";
  constructor(message: string) {
    super(message);
    this.name = "RateLimitInputError";
  }
}

const UNIT_MS = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 };

/** Same grammar as @upstash/ratelimit's windows ("60 s", "10m", "1.5 h"). */
export function windowToMs(window: Duration): number {
  const m = /^(\d+(?:\.\d+)?)\s?(ms|s|m|h|d|w)$/.exec(window);
  const ms = m ? Math.round(Number(m[1]) * UNIT_MS[m[2] as keyof typeof UNIT_MS]) : NaN;
  if (!(ms >= 1)) throw new RateLimitInputError(`invalid rate-limit window: ${window}`);
  return ms;
}

/**
 * The in-process stand-in: the same two-bucket sliding window @upstash/ratelimit runs in Lua
 * (previous window's count weighted by how much of it still overlaps), so a policy means the
 * same thing on either backend.
 */
export class MemorySlidingWindow {
  private readonly buckets = new Map<
    string,
    { windowMs: number; window: number; current: number; previous: number }
  >();
  private lastSweep = 0;

  hit(key: string, limit: number, windowMs: number, now = Date.now()) {
    this.sweep(now);
    const w = Math.floor(now / windowMs);
    const old = this.buckets.get(key);
    const b = !old
      ? { windowMs, window: w, current: 0, previous: 0 }
      : old.window === w
        ? old
        : { windowMs, window: w, current: 0, previous: old.window === w - 1 ? old.current : 0 };
    this.buckets.set(key, b);
    const weightedPrevious = Math.floor((1 - (now % windowMs) / windowMs) * b.previous);
    const resetAt = (w + 1) * windowMs;
    if (weightedPrevious + b.current >= limit) return { ok: false, remaining: 0, resetAt };
    b.current += 1;
    return { ok: true, remaining: Math.max(0, limit - (b.current + weightedPrevious)), resetAt };
  }

  get size(): number {
    return this.buckets.size;
  }

  /** Drops buckets that can no longer affect a decision, at most once a minute. */
  private sweep(now: number) {
    if (now - this.lastSweep < 60_000) return;
    this.lastSweep = now;
    for (const [key, b] of this.buckets) {
      if (Math.floor(now / b.windowMs) - b.window > 1) this.buckets.delete(key);
    }
  }
}

export interface RateLimiterOptions<P extends Record<string, RateLimitPolicy>> {
  redis: Redis;
  policies: P;
  /** Longer than this and the request is decided in memory. */
  timeoutMs?: number;
  /** After a Redis failure, decide in memory for this long before trying Redis again. */
  retryRedisAfterMs?: number;
  outage?: RedisOutageReporter;
}

export interface RateLimiter<Name extends string> {
  limit(policy: Name, identifier: string): Promise<RateLimitResult>;
}

export function createRateLimiter<const P extends Record<string, RateLimitPolicy>>({
  redis,
  policies,
  timeoutMs = 1_000,
  retryRedisAfterMs = 5_000,
  outage = redisOutage,
}: RateLimiterOptions<P>): RateLimiter<keyof P & string> {
  const limiters = new Map<string, Ratelimit>();
  const memory = new MemorySlidingWindow();
  let redisRetryAt = 0;

  for (const [name, p] of Object.entries(policies)) {
    windowToMs(p.window); // fail at start-up, not on the first request
    if (!Number.isInteger(p.limit) || p.limit < 1) {
      throw new RateLimitInputError(`policy ${name}: limit must be a positive integer`);
    }
  }

  const limiterFor = (name: string, p: RateLimitPolicy) => {
    let l = limiters.get(name);
    if (!l) {
      l = new Ratelimit({
        redis,
        limiter: Ratelimit.slidingWindow(p.limit, p.window),
        prefix: p.prefix,
        timeout: timeoutMs,
        analytics: false,
      });
      limiters.set(name, l);
    }
    return l;
  };

  return {
    async limit(name, identifier) {
      const p: RateLimitPolicy | undefined = policies[name];
      if (!p) throw new RateLimitInputError(`unknown rate-limit policy: ${String(name)}`);
      if (typeof identifier !== "string" || identifier.length === 0) {
        throw new RateLimitInputError("rate-limit identifier must be a non-empty string");
      }
      // Identifiers can come from request headers: bound key size without refusing the request.
      if (identifier.length > 200) {
        identifier = `sha256:${createHash("sha256").update(identifier).digest("hex")}`;
      }
      if (Date.now() >= redisRetryAt) {
        try {
          const r = await limiterFor(name, p).limit(identifier);
          // @upstash/ratelimit answers a timeout with success:true; we decide in memory instead.
          if (r.reason === "timeout") throw new Error(`timed out after ${timeoutMs} ms`);
          outage.recovered();
          return {
            ok: r.success,
            limit: r.limit,
            remaining: r.remaining,
            resetAt: r.reset,
            backend: "redis",
          };
        } catch (err) {
          outage.failed(err);
          redisRetryAt = Date.now() + retryRedisAfterMs;
        }
      }
      const m = memory.hit(`${p.prefix}:${identifier}`, p.limit, windowToMs(p.window));
      return { ...m, limit: p.limit, backend: "memory" };
    },
  };
}

/** Shared per process (see processSingleton) so the in-memory fallback counts every request. */
const defaultLimiter = processSingleton(
  "rateLimiter",
  `${env.UPSTASH_REDIS_REST_URL} ${env.UPSTASH_REDIS_REST_TOKEN}`,
  () => createRateLimiter({ redis: sharedRedis, policies: RATE_LIMIT_POLICIES }),
);

/**
 * Counts one request for `identifier` under `policy`. `ok: false` means refuse it (429, with
 * `resetAt` for Retry-After). Never throws for Redis trouble; throws RateLimitInputError for an
 * empty identifier. Identifiers over 200 characters are counted by their SHA-256.
 */
export async function rateLimit(
  policy: RateLimitPolicyName,
  identifier: string,
): Promise<RateLimitResult> {
  return defaultLimiter.limit(policy, identifier);
}
