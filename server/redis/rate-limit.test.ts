/**
 * Rate limits: @upstash/ratelimit through our REST endpoint to the real Redis, and the in-memory
 * fallback when Redis is unreachable or hangs.
 */
import { randomUUID } from "node:crypto";
import { Redis as IORedis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createRedisClient } from "./client";
import {
  MemorySlidingWindow,
  RateLimitInputError,
  createRateLimiter,
  windowToMs,
  type RateLimitPolicy,
} from "./rate-limit";
import type { RedisRestServer } from "./rest-server";
import {
  TEST_TOKEN,
  freePort,
  recordingOutage,
  startHangingServer,
  startTestRestServer,
  testRedisUrl,
} from "./test-support";

const run = randomUUID();
const policies = {
  tight: { limit: 3, window: "1 s", prefix: `t:rl:${run}:tight` },
  roomy: { limit: 100, window: "60 s", prefix: `t:rl:${run}:roomy` },
} satisfies Record<string, RateLimitPolicy>;

let server: RedisRestServer;
let direct: IORedis;

beforeAll(async () => {
  server = await startTestRestServer();
  direct = new IORedis(testRedisUrl(), { protocol: 2 });
});

afterAll(async () => {
  if (direct) {
    const keys = await direct.keys(`t:rl:${run}:*`);
    if (keys.length > 0) await direct.del(...keys);
    direct.disconnect();
  }
  await server?.close();
});

const sleepUntil = (t: number) => new Promise((r) => setTimeout(r, Math.max(0, t - Date.now())));

describe("through Redis", () => {
  it("enforces the limit, then lets requests through again after the window", async () => {
    const { outage } = recordingOutage(server.url);
    const rl = createRateLimiter({
      redis: createRedisClient({ url: server.url, token: TEST_TOKEN }),
      policies,
      outage,
    });
    // Start at the top of a window so all four calls land in the same one.
    await sleepUntil(Math.ceil(Date.now() / 1000) * 1000 + 5);
    const id = `ip-${randomUUID()}`;
    const results = [];
    for (let i = 0; i < 4; i++) results.push(await rl.limit("tight", id));
    expect(results.map((r) => [r.ok, r.remaining, r.backend])).toEqual([
      [true, 2, "redis"],
      [true, 1, "redis"],
      [true, 0, "redis"],
      [false, 0, "redis"],
    ]);
    expect(results[0]?.limit).toBe(3);
    const resetAt = results[3]?.resetAt ?? 0;
    expect(resetAt % 1000).toBe(0);
    expect(resetAt).toBeGreaterThan(Date.now());

    // The counters live in Redis under the policy's prefix.
    expect((await direct.keys(`${policies.tight.prefix}:${id}:*`)).length).toBeGreaterThan(0);

    // Sliding window: the previous window still weighs in right after the reset, and is gone
    // one window later.
    await sleepUntil(resetAt + 1000 + 20);
    const later = await rl.limit("tight", id);
    expect(later).toMatchObject({ ok: true, remaining: 2, backend: "redis" });
  });

  it("two app instances share the same counts", async () => {
    const a = createRateLimiter({
      redis: createRedisClient({ url: server.url, token: TEST_TOKEN }),
      policies,
    });
    const b = createRateLimiter({
      redis: createRedisClient({ url: server.url, token: TEST_TOKEN }),
      policies,
    });
    const id = `wallet-${randomUUID()}`;
    expect((await a.limit("roomy", id)).remaining).toBe(99);
    expect((await b.limit("roomy", id)).remaining).toBe(98);
    expect((await a.limit("roomy", id)).remaining).toBe(97);
  });

  it("keeps identifiers and policies apart", async () => {
    const rl = createRateLimiter({
      redis: createRedisClient({ url: server.url, token: TEST_TOKEN }),
      policies,
    });
    const id = `ip-${randomUUID()}`;
    await rl.limit("roomy", id);
    await rl.limit("roomy", id);
    expect((await rl.limit("roomy", `${id}-other`)).remaining).toBe(99);
    expect((await rl.limit("tight", id)).remaining).toBe(2);
  });
});

describe("when Redis is unreachable", () => {
  it("falls back to the same policy in memory, logs once, and stays fast", async () => {
    const deadUrl = `http://127.0.0.1:${await freePort()}`;
    const { outage, lines } = recordingOutage(deadUrl);
    const rl = createRateLimiter({
      redis: createRedisClient({ url: deadUrl, token: TEST_TOKEN }),
      policies,
      outage,
    });
    await sleepUntil(Math.ceil(Date.now() / 1000) * 1000 + 5);
    const id = "203.0.113.7";
    const results = [];
    for (let i = 0; i < 4; i++) results.push(await rl.limit("tight", id));
    expect(results.map((r) => [r.ok, r.remaining, r.backend])).toEqual([
      [true, 2, "memory"],
      [true, 1, "memory"],
      [true, 0, "memory"],
      [false, 0, "memory"],
    ]);
    expect(results[3]?.limit).toBe(3);

    // Redis is not asked again for a while, so later calls cost nothing.
    const t0 = performance.now();
    for (let i = 0; i < 50; i++) await rl.limit("roomy", `ip-${i}`);
    expect(performance.now() - t0).toBeLessThan(100);

    expect(lines).toHaveLength(1);
    expect(lines[0]?.level).toBe("warn");
    expect(lines[0]?.message).toContain(`Redis unavailable at ${deadUrl}`);
    expect(lines[0]?.message).toContain("rate limits fall back to in-process memory");
  });

  it("falls back when Redis hangs longer than the timeout", async () => {
    const hanging = await startHangingServer();
    try {
      const { outage, lines } = recordingOutage(hanging.url);
      const rl = createRateLimiter({
        redis: createRedisClient({ url: hanging.url, token: TEST_TOKEN, timeoutMs: 5_000 }),
        policies,
        timeoutMs: 200,
        outage,
      });
      const t0 = performance.now();
      const r = await rl.limit("roomy", "slow");
      const took = performance.now() - t0;
      expect(r).toMatchObject({ ok: true, remaining: 99, backend: "memory" });
      expect(took).toBeGreaterThanOrEqual(190);
      expect(took).toBeLessThan(1_000);
      expect(lines[0]?.message).toMatch(/timed out after 200 ms/);
    } finally {
      await hanging.close();
    }
  });

  it("goes back to Redis once it answers again", async () => {
    const port = await freePort();
    const url = `http://127.0.0.1:${port}`;
    const { outage, lines } = recordingOutage(url);
    const rl = createRateLimiter({
      redis: createRedisClient({ url, token: TEST_TOKEN }),
      policies,
      retryRedisAfterMs: 200,
      outage,
    });
    const id = `ip-${randomUUID()}`;
    expect((await rl.limit("roomy", id)).backend).toBe("memory");
    const late = await startTestRestServer(port);
    try {
      await new Promise((r) => setTimeout(r, 250));
      expect((await rl.limit("roomy", id)).backend).toBe("redis");
      expect(lines.map((l) => l.level)).toEqual(["warn", "info"]);
      expect(lines[1]?.message).toContain("reachable again");
    } finally {
      await late.close();
    }
  });
});

describe("input", () => {
  const rl = createRateLimiter({
    redis: createRedisClient({ url: "http://127.0.0.1:9", token: TEST_TOKEN }),
    policies,
    outage: recordingOutage("x").outage,
  });

  it("refuses empty identifiers and unknown policies with a stable code", async () => {
    await expect(rl.limit("roomy", "")).rejects.toMatchObject({ code: "rate_limit_bad_input" });
    await expect(rl.limit("roomy", "")).rejects.toBeInstanceOf(RateLimitInputError);
    await expect(rl.limit("nope" as "roomy", "id")).rejects.toThrow(/unknown rate-limit policy/);
  });

  it("refuses bad policies when the limiter is built", () => {
    expect(() =>
      createRateLimiter({
        redis: createRedisClient({ url: "http://127.0.0.1:9", token: TEST_TOKEN }),
        policies: { bad: { limit: 0, window: "1 s", prefix: "x" } },
      }),
    ).toThrow(/positive integer/);
    expect(() => windowToMs("soon" as "1 s")).toThrow(RateLimitInputError);
    expect(windowToMs("1.5 h")).toBe(5_400_000);
    expect(windowToMs("250ms")).toBe(250);
  });
});

describe("long identifiers", () => {
  it("are counted by their hash, not refused", async () => {
    const rl = createRateLimiter({
      redis: createRedisClient({ url: server.url, token: TEST_TOKEN }),
      policies,
    });
    const long = `${randomUUID()}-${"x".repeat(5_000)}`;
    expect((await rl.limit("roomy", long)).remaining).toBe(99);
    expect((await rl.limit("roomy", long)).remaining).toBe(98);
    expect((await rl.limit("roomy", `${long}y`)).remaining).toBe(99);
    const keys = await direct.keys(`${policies.roomy.prefix}:sha256:*`);
    expect(keys.length).toBeGreaterThanOrEqual(2);
    expect(keys.every((key) => key.length < 200)).toBe(true);
  });
});

describe("MemorySlidingWindow", () => {
  it("weights the previous window by how much of it still overlaps", () => {
    const m = new MemorySlidingWindow();
    const w = 10_000;
    const t = 1_000_000_000; // start of a window
    for (let i = 0; i < 10; i++) expect(m.hit("k", 10, w, t + i).ok).toBe(true);
    expect(m.hit("k", 10, w, t + 10)).toMatchObject({ ok: false, remaining: 0, resetAt: t + w });
    // 30% into the next window 70% of the previous 10 still count: 3 more fit.
    const at = t + w + 3_000;
    expect([1, 2, 3, 4].map(() => m.hit("k", 10, w, at).ok)).toEqual([true, true, true, false]);
    // Two windows on, nothing from before counts.
    expect(m.hit("k", 10, w, t + 3 * w)).toMatchObject({ ok: true, remaining: 9 });
  });

  it("forgets idle keys", () => {
    const m = new MemorySlidingWindow();
    const t = 2_000_000_000;
    for (let i = 0; i < 100; i++) m.hit(`ip-${i}`, 5, 1_000, t);
    expect(m.size).toBe(100);
    m.hit("late", 5, 1_000, t + 120_000);
    expect(m.size).toBe(1);
  });
});
