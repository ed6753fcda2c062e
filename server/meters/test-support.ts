/**
 * Shared pieces for the meter gateway tests: a real database (createTestDb), a real rate limiter
 * (@upstash/ratelimit through our REST endpoint to the test Redis), registered meters with fresh
 * Ed25519 keys, and signed request bodies.
 */
import crypto from "node:crypto";
import bs58 from "bs58";
import { insertMeters } from "~/db/queries/meters";
import { countReadings } from "~/db/queries/readings";
import { upsertUserOnSignIn } from "~/db/queries/users";
import type { MeterStatus } from "~/db/schema";
import type { DbDriver } from "~/db/client";
import { createTestDb, type TestDb } from "~/db/testing";
import { generateMeterKeyPair, signReading, type MeterKeyPair } from "~/lib/meter-reading";
import { createRedisClient } from "~/server/redis/client";
import { createRateLimiter, type RateLimitPolicy } from "~/server/redis/rate-limit";
import type { RedisRestServer } from "~/server/redis/rest-server";
import { TEST_TOKEN, startTestRestServer } from "~/server/redis/test-support";
import type { GatewayConfig } from "./config";
import { createMeterGateway, type MeterGateway, type MeterGatewayDeps } from "./gateway";

export const TEST_CONFIG: GatewayConfig = {
  maxFutureSecs: 300,
  maxAgeSecs: 72 * 3600,
  batchMax: 50,
  maxSubmitBytes: 8 * 1024,
  maxBatchBytes: 50 * 1024 + 1024,
  meterCacheTtlMs: 5_000,
  meterCacheMax: 1_000,
};

export interface TestMeter {
  meterId: string;
  keys: MeterKeyPair;
  publicKey: string;
}

export interface GatewayFixture {
  tdb: TestDb;
  rest: RedisRestServer;
  ownerId: string;
  /** A unique prefix for this fixture's rate-limit keys. */
  run: string;
  gateway(
    overrides?: Partial<MeterGatewayDeps> & {
      policies?: Partial<Record<"meter:ip" | "meter:submit", RateLimitPolicy>>;
    },
  ): MeterGateway;
  meter(options?: {
    status?: MeterStatus;
    capacityW?: number;
    meterId?: string;
  }): Promise<TestMeter>;
  close(): Promise<void>;
}

export async function createGatewayFixture(
  options: { driver?: DbDriver } = {},
): Promise<GatewayFixture> {
  const tdb = await createTestDb(options);
  const rest = await startTestRestServer();
  const run = crypto.randomBytes(6).toString("hex");
  const { user } = await upsertUserOnSignIn(tdb.db, {
    wallet: bs58.encode(crypto.randomBytes(32)),
    role: "prosumer",
    forceAdmin: false,
    at: new Date(),
  });
  let n = 0;
  return {
    tdb,
    rest,
    ownerId: user.id,
    run,
    gateway(overrides = {}) {
      const { policies, ...rest2 } = overrides;
      const limiter = createRateLimiter({
        redis: createRedisClient({ url: rest.url, token: TEST_TOKEN }),
        policies: {
          "meter:ip": policies?.["meter:ip"] ?? {
            limit: 100_000,
            window: "60 s",
            prefix: `t:mg:${run}:ip`,
          },
          "meter:submit": policies?.["meter:submit"] ?? {
            limit: 100_000,
            window: "60 s",
            prefix: `t:mg:${run}:m`,
          },
        },
      });
      return createMeterGateway({
        db: tdb.db,
        config: TEST_CONFIG,
        rateLimit: (policy, id) => limiter.limit(policy, id),
        ...rest2,
      });
    },
    async meter(options = {}) {
      const keys = generateMeterKeyPair();
      const meterId = options.meterId ?? `m-${run}-${++n}`;
      const publicKey = bs58.encode(keys.publicKey);
      await insertMeters(tdb.db, {
        meters: [
          {
            meterId,
            ownerId: user.id,
            publicKey,
            type: "solar",
            zone: "z1",
            ratedCapacityW: options.capacityW ?? 1_000_000,
            status: options.status ?? "active",
          },
        ],
      });
      return { meterId, keys, publicKey };
    },
    async close() {
      await rest.close();
      await tdb.close();
    },
  };
}

/** A reading's cumulative registers (Wh) and time. */
export interface ReadingFields {
  production?: number | string;
  consumption?: number | string;
  timestamp: number;
}

/** A signed body as a meter would post it (base58 signature and key). */
export function signedBody(meter: TestMeter, f: ReadingFields) {
  const production = f.production ?? 100;
  const consumption = f.consumption ?? 50;
  const signature = signReading(
    {
      meterId: meter.meterId,
      productionRegisterWh: BigInt(production),
      consumptionRegisterWh: BigInt(consumption),
      timestamp: f.timestamp,
    },
    meter.keys.privateKey,
  );
  return {
    data: {
      meter_id: meter.meterId,
      production_register: production,
      consumption_register: consumption,
      timestamp: f.timestamp,
    },
    signature: bs58.encode(signature),
    public_key: meter.publicKey,
  };
}

export function jsonRequest(
  path: "/api/meters/submit" | "/api/meters/submit-batch",
  body: unknown,
  headers: Record<string, string> = {},
): Request {
  return new Request(`http://gateway.test${path}`, {
    method: "POST",
    headers: { "content-type": "application/json", "x-forwarded-for": "203.0.113.7", ...headers },
    body: typeof body === "string" ? body : JSON.stringify(body),
  });
}

export function readingCount(tdb: TestDb, meterId?: string): Promise<number> {
  return countReadings(tdb.db, meterId ? { meterId } : {});
}

/** Now, in whole unix seconds. */
export const nowSecs = () => Math.floor(Date.now() / 1000);
