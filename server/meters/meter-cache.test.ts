import { describe, expect, it } from "vitest";
import type { GatewayMeter } from "~/db/queries/meters";
import { MeterCache } from "./meter-cache";

const meter = (meterId: string, status: GatewayMeter["status"] = "active"): GatewayMeter => ({
  meterId,
  status,
  publicKey: `key-${meterId}`,
  ratedCapacityW: 1_000,
});

function setup(ttlMs = 1_000, max = 100) {
  let now = 0;
  const loads: string[][] = [];
  const table = new Map<string, GatewayMeter>([
    ["a", meter("a")],
    ["b", meter("b", "pending")],
  ]);
  const cache = new MeterCache(
    async (ids) => {
      loads.push([...ids]);
      await new Promise((r) => setTimeout(r, 5));
      return ids.flatMap((id) => (table.has(id) ? [table.get(id)!] : []));
    },
    ttlMs,
    max,
    () => now,
  );
  return { cache, loads, table, advance: (ms: number) => (now += ms) };
}

describe("MeterCache", () => {
  it("loads misses in one query, shares in-flight loads, and caches absent meters too", async () => {
    const { cache, loads } = setup();
    const [x, y] = await Promise.all([cache.getMany(["a", "b", "zz"]), cache.getMany(["a", "zz"])]);
    expect(loads).toEqual([["a", "b", "zz"]]);
    expect(x.get("a")?.status).toBe("active");
    expect(x.get("b")?.status).toBe("pending");
    expect(x.get("zz")).toBeNull();
    expect(y.get("a")?.meterId).toBe("a");
    await cache.getMany(["a", "zz"]);
    expect(loads).toHaveLength(1);
  });

  it("reloads after the TTL and after invalidate", async () => {
    const { cache, loads, table, advance } = setup(1_000);
    await cache.getMany(["b"]);
    table.set("b", meter("b", "active"));
    advance(999);
    expect((await cache.getMany(["b"])).get("b")?.status).toBe("pending");
    advance(2);
    expect((await cache.getMany(["b"])).get("b")?.status).toBe("active");
    cache.invalidate("b");
    await cache.getMany(["b"]);
    expect(loads).toHaveLength(3);
  });

  it("caches nothing with a TTL of 0, and stays within its size bound", async () => {
    const none = setup(0);
    await none.cache.getMany(["a"]);
    await none.cache.getMany(["a"]);
    expect(none.loads).toHaveLength(2);
    const small = setup(1_000, 3);
    await small.cache.getMany(["a", "b", "c", "d", "e"]);
    expect(small.cache.size).toBe(3);
  });

  it("passes a load failure to the caller and does not keep it in flight", async () => {
    let fail = true;
    const cache = new MeterCache(
      (ids) =>
        fail ? Promise.reject(new Error("db down")) : Promise.resolve(ids.map((id) => meter(id))),
      1_000,
      10,
    );
    await expect(cache.getMany(["a"])).rejects.toThrow("db down");
    fail = false;
    expect((await cache.getMany(["a"])).get("a")?.meterId).toBe("a");
  });
});
