/**
 * The module-level exports as the app uses them, configured from the environment: the shared
 * client, redisHealth(), rateLimit() and the process event bus, against our REST endpoint.
 */
import { randomUUID } from "node:crypto";
import { Redis as IORedis } from "ioredis";
// Type-only: the modules themselves are imported after the environment is set.
import type * as ClientModule from "./client";
import type * as EventBusModule from "./event-bus";
import type * as RateLimitModule from "./rate-limit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RedisRestServer } from "./rest-server";
import { TEST_TOKEN, startTestRestServer, testRedisUrl } from "./test-support";

let server: RedisRestServer;
let mod: {
  client: typeof ClientModule;
  rateLimit: typeof RateLimitModule;
  bus: typeof EventBusModule;
};
const ip = `test-${randomUUID()}`;

beforeAll(async () => {
  server = await startTestRestServer();
  // env.js reads these when first imported, so set them before importing the modules.
  process.env.UPSTASH_REDIS_REST_URL = server.url;
  process.env.UPSTASH_REDIS_REST_TOKEN = TEST_TOKEN;
  mod = {
    client: await import("./client"),
    rateLimit: await import("./rate-limit"),
    bus: await import("./event-bus"),
  };
});

afterAll(async () => {
  mod?.bus.eventBus.close();
  const direct = new IORedis(testRedisUrl(), { protocol: 2 });
  const keys = await direct.keys(`rl:auth:*:${ip}:*`);
  if (keys.length > 0) await direct.del(...keys);
  direct.disconnect();
  await server?.close();
});

describe("configured from the environment", () => {
  it("the shared client talks to UPSTASH_REDIS_REST_URL", async () => {
    expect(mod.client.redisRestUrl).toBe(server.url);
    const key = `t:client:${randomUUID()}`;
    await mod.client.redis.set(key, { ok: true }, { ex: 30 });
    expect(await mod.client.redis.get(key)).toEqual({ ok: true });
    await mod.client.redis.del(key);
  });

  it("redisHealth() reports ok with a latency", async () => {
    const h = await mod.client.redisHealth();
    expect(h.ok).toBe(true);
    expect(h.latencyMs).toBeGreaterThanOrEqual(0);
    expect(h.error).toBeUndefined();
  });

  it("rateLimit('auth:signin', ip) counts in Redis with the policy's limit", async () => {
    const { limit } = mod.rateLimit.RATE_LIMIT_POLICIES["auth:signin"];
    const results = [];
    for (let i = 0; i <= limit; i++) results.push(await mod.rateLimit.rateLimit("auth:signin", ip));
    expect(results.every((r) => r.backend === "redis" && r.limit === limit)).toBe(true);
    expect(results.slice(0, limit).every((r) => r.ok)).toBe(true);
    expect(results[limit]).toMatchObject({ ok: false, remaining: 0 });
    // Another policy for the same IP has its own budget.
    expect(await mod.rateLimit.rateLimit("auth:challenge", ip)).toMatchObject({
      ok: true,
      backend: "redis",
    });
  });

  it("publish()/subscribe() go through Redis", async () => {
    const ac = new AbortController();
    const channel = `test-${randomUUID()}`;
    const sub = mod.bus.subscribe<{ n: number }>(channel, ac.signal);
    await sub.ready;
    expect(mod.bus.eventBus.backend).toBe("redis");
    await mod.bus.publish(channel, { n: 1 });
    for await (const ev of sub) {
      expect(ev).toEqual({ n: 1 });
      break;
    }
    ac.abort();
  });
});
