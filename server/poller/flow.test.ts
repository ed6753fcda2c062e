/**
 * The whole path on real components: meters registered on chain by their owners and activated by
 * the admin → the indexer mirrors them → simulator readings (solar + load model, signed by the
 * device key) through the meter gateway's batch handler → the mint poller → GRID in each owner's
 * token account, exactly Σ max(0, production − consumption) per meter.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { eq } from "drizzle-orm";
import { meterReadings, meters } from "~/db/schema";
import type { ChainIndexer } from "~/server/indexer/indexer";
import { createMeterGateway } from "~/server/meters/gateway";
import { TEST_CONFIG } from "~/server/meters/test-support";
import { createRedisClient } from "~/server/redis/client";
import { createRateLimiter } from "~/server/redis/rate-limit";
import type { RedisRestServer } from "~/server/redis/rest-server";
import { TEST_TOKEN, startTestRestServer } from "~/server/redis/test-support";
import { nextReading, readingBody, type SimMeterState } from "~/scripts/simulate-meters";
import { runMintPoller } from "./mint-poller";
import { createChainMeter, envIndexer, gridBalance, startChainEnv, until, type ChainEnv } from "./test-support";

let env: ChainEnv;
let rest: RedisRestServer;
let indexer: ChainIndexer;

beforeAll(async () => {
  env = await startChainEnv();
  rest = await startTestRestServer();
  indexer = envIndexer(env);
  await indexer.start();
}, 60_000);

afterAll(async () => {
  await indexer?.stop();
  await rest?.close();
  await env?.close();
});

describe("simulator → gateway → poller → GRID", () => {
  it("mints exactly the net generation of every simulated meter", async () => {
    const fleet = await Promise.all(
      [0, 1, 2].map(() => createChainMeter(env, { mirror: false, capacityW: 6_000 })),
    );
    for (const m of fleet) {
      await until(
        async () =>
          (await env.tdb.db.select().from(meters).where(eq(meters.meterId, m.meterId)))[0]
            ?.status === "active",
        10_000,
        `indexer: ${m.meterId} active`,
      );
    }
    const run = Math.random().toString(36).slice(2);
    const limiter = createRateLimiter({
      redis: createRedisClient({ url: rest.url, token: TEST_TOKEN }),
      policies: {
        "meter:ip": { limit: 10_000, window: "60 s", prefix: `t:flow:${run}:ip` },
        "meter:submit": { limit: 10_000, window: "60 s", prefix: `t:flow:${run}:m` },
      },
    });
    const gateway = createMeterGateway({
      db: env.tdb.db,
      config: TEST_CONFIG,
      rateLimit: (p, id) => limiter.limit(p, id),
    });

    // Ten readings 25 s apart at local noon (tz chosen so the sun is up), from just after the
    // meters' activation (the chain refuses older ones) to under 300 s ahead (its clock skew).
    const now = Math.floor(Date.now() / 1000) + 5;
    const tz = 12 - ((now / 3600) % 24);
    const sims: SimMeterState[] = fleet.map((m, i) => ({
      meterId: m.meterId,
      capacityW: m.capacityW,
      baseLoadW: 300 + 500 * i,
      cloud: 0.1 * i,
      lastTs: null,
      carryP: 0,
      carryC: 0,
    }));
    const expected = fleet.map(() => ({ p: 0n, c: 0n }));
    for (let k = 9; k >= 0; k--) {
      const ts = now + (9 - k) * 25;
      const bodies = fleet.map((m, i) => {
        const r = nextReading(sims[i]!, ts, tz);
        // The first reading of each meter is its baseline: its interval is never minted.
        if (k < 9) {
          expected[i]!.p += BigInt(r.productionWh);
          expected[i]!.c += BigInt(r.consumptionWh);
        }
        return readingBody(m.meterId, m.keys, r);
      });
      const res = await gateway.submitBatch(
        new Request("http://localhost/api/meters/submit-batch", {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: JSON.stringify({ readings: bodies }),
        }),
      );
      const out = (await res.json()) as { stored: number; rejected: number };
      expect(out).toMatchObject({ stored: 3, rejected: 0 });
    }

    const s = await runMintPoller({
      db: env.tdb.db,
      connection: env.chain.connection,
      operator: env.chain.operator,
      programs: env.chain.programs,
    });
    // One assertion over the whole outcome, so a failure shows why (deferred readings keep their reason).
    const rows = await env.tdb.db
      .select({ state: meterReadings.state, reason: meterReadings.failureReason })
      .from(meterReadings);
    const reasons = [
      ...new Set(
        rows.filter((r) => r.state !== "confirmed").map((r) => `${r.state}: ${r.reason ?? "-"}`),
      ),
    ];
    expect({
      errors: s.errors,
      confirmed: s.confirmed,
      deferred: s.deferred,
      claimed: s.claimed,
      meters: s.meters,
      failed: s.failed,
      reasons,
    }).toEqual({
      errors: [],
      confirmed: 30,
      deferred: 0,
      claimed: 30,
      meters: 3,
      failed: 0,
      reasons: [],
    });
    for (let i = 0; i < fleet.length; i++) {
      const { p, c } = expected[i]!;
      expect(await gridBalance(env.chain.connection, fleet[i]!.owner)).toBe(p > c ? p - c : 0n);
    }
    // At noon a 6 kW array out-produces these households: something was minted.
    expect(BigInt(s.mintedWh)).toBeGreaterThan(0n);
  });
});
