/**
 * The app's Redis modules with UPSTASH_REDIS_REST_URL pointing where nothing listens: what a
 * developer gets without redis-server. Everything keeps working in-process, and says so once.
 */
// Type-only: the modules themselves are imported after the environment is set.
import type * as ClientModule from "./client";
import type * as EventBusModule from "./event-bus";
import type * as RateLimitModule from "./rate-limit";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { freePort } from "./test-support";

let deadUrl: string;
let mod: {
  client: typeof ClientModule;
  rateLimit: typeof RateLimitModule;
  bus: typeof EventBusModule;
};
const warnings: string[] = [];

beforeAll(async () => {
  deadUrl = `http://127.0.0.1:${await freePort()}`;
  process.env.UPSTASH_REDIS_REST_URL = deadUrl;
  vi.spyOn(console, "warn").mockImplementation((...args: unknown[]) => {
    warnings.push(args.map(String).join(" "));
  });
  mod = {
    client: await import("./client"),
    rateLimit: await import("./rate-limit"),
    bus: await import("./event-bus"),
  };
});

afterAll(() => {
  mod?.bus.eventBus.close();
  vi.restoreAllMocks();
});

describe("no Redis answering", () => {
  it("redisHealth() says not ok, with the reason", async () => {
    const h = await mod.client.redisHealth();
    expect(h.ok).toBe(false);
    expect(h.error).toMatch(/ECONNREFUSED|fetch failed/);
  });

  it("checkRedisAtStartup() prints what degrades", async () => {
    const h = await mod.client.checkRedisAtStartup();
    expect(h.ok).toBe(false);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain(`Redis unavailable at ${deadUrl}`);
    expect(warnings[0]).toContain("rate limits fall back to in-process memory");
    expect(warnings[0]).toContain("live updates stay in-process");
  });

  it("rateLimit() still limits, in memory, without more warnings", async () => {
    const { limit } = mod.rateLimit.RATE_LIMIT_POLICIES["auth:signin"];
    const results = [];
    for (let i = 0; i <= limit; i++) {
      results.push(await mod.rateLimit.rateLimit("auth:signin", "198.51.100.4"));
    }
    expect(results.every((r) => r.backend === "memory" && r.limit === limit)).toBe(true);
    expect(results.slice(0, limit).every((r) => r.ok)).toBe(true);
    expect(results[limit]).toMatchObject({ ok: false, remaining: 0 });
    expect(results[limit]?.resetAt).toBeGreaterThan(Date.now());
    expect(warnings).toHaveLength(1); // the outage was already reported
  });

  it("publish()/subscribe() work in-process", async () => {
    const ac = new AbortController();
    const sub = mod.bus.subscribe<string>("orderbook", ac.signal);
    await sub.ready;
    await mod.bus.publish("orderbook", "changed");
    for await (const ev of sub) {
      expect(ev).toBe("changed");
      break;
    }
    expect(mod.bus.eventBus.backend).toBe("memory");
    ac.abort();
  });
});
