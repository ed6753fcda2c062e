/**
 * coalesceLimits against the real limiter and Redis: checks arriving in separate event-loop
 * callbacks (as separate HTTP requests do) reach the REST endpoint as one pipelined request,
 * and the decisions are the same sliding windows.
 */
import crypto from "node:crypto";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createRedisClient } from "~/server/redis/client";
import { createRateLimiter } from "~/server/redis/rate-limit";
import type { RedisRestServer } from "~/server/redis/rest-server";
import { TEST_TOKEN, startTestRestServer } from "~/server/redis/test-support";
import { coalesceLimits } from "./coalesce";

let rest: RedisRestServer;
let proxy: http.Server;
let proxyUrl: string;
/** Paths of the HTTP requests that reached the REST endpoint. */
const seen: string[] = [];

beforeAll(async () => {
  rest = await startTestRestServer();
  // A counting pass-through in front of the REST endpoint.
  proxy = http.createServer((req, res) => {
    seen.push(req.url ?? "");
    const up = http.request(
      `${rest.url}${req.url}`,
      { method: req.method, headers: req.headers },
      (r) => {
        res.writeHead(r.statusCode ?? 502, r.headers);
        r.pipe(res);
      },
    );
    req.pipe(up);
  });
  await new Promise<void>((r) => proxy.listen(0, "127.0.0.1", r));
  proxyUrl = `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`;
});
afterAll(async () => {
  proxy?.closeAllConnections();
  await new Promise((r) => proxy?.close(r));
  await rest?.close();
});

describe("coalesceLimits", () => {
  it("sends checks made in separate callbacks as one pipeline, with the right answers", async () => {
    const run = crypto.randomBytes(4).toString("hex");
    const limiter = createRateLimiter({
      redis: createRedisClient({ url: proxyUrl, token: TEST_TOKEN }),
      policies: { p: { limit: 3, window: "60 s", prefix: `t:coalesce:${run}` } },
    });
    const limit = coalesceLimits((policy: "p", id: string) => limiter.limit(policy, id));
    await limit("p", "warm-up"); // loads the script (EVALSHA → NOSCRIPT → EVAL) once
    seen.length = 0;
    // 20 checks, each issued from its own timer callback (like 20 requests' I/O callbacks).
    const results = await Promise.all(
      Array.from(
        { length: 20 },
        (_, i) =>
          new Promise<Awaited<ReturnType<typeof limit>>>((resolve) =>
            setImmediate(() => void limit("p", `id-${i % 4}`).then(resolve)),
          ),
      ),
    );
    expect(seen).toEqual(["/pipeline"]);
    expect(results.every((r) => r.backend === "redis")).toBe(true);
    // 5 checks per identifier against a limit of 3: 3 allowed, 2 refused, each.
    for (let id = 0; id < 4; id++) {
      const mine = results.filter((_, i) => i % 4 === id);
      expect(mine.filter((r) => r.ok)).toHaveLength(3);
    }
  });

  it("passes a failure of one check to its caller only", async () => {
    const limit = coalesceLimits((_p: "p", id: string) =>
      id === "bad" ? Promise.reject(new Error("boom")) : Promise.resolve(id),
    );
    const [a, b] = await Promise.allSettled([limit("p", "bad"), limit("p", "good")]);
    expect(a.status).toBe("rejected");
    expect(b).toEqual({ status: "fulfilled", value: "good" });
  });
});
