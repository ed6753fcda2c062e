/**
 * Runs once before the vitest run: reports which database and Redis the integration tests use,
 * so a run's log says what it tested against. With a Redis server, it also starts our Upstash
 * REST endpoint in front of it and points the app's shared client there (UPSTASH_REDIS_REST_*),
 * so code under test that uses the default client (rate limits, the event bus) talks to the real
 * Redis rather than degrading to its in-process fallback.
 */
import { randomBytes } from "node:crypto";
import { startRedisRestServer, type RedisRestServer } from "../server/redis/rest-server";
import { detectTestBackends } from "./test-backends";

export default async function setup() {
  const b = await detectTestBackends();
  process.env.TEST_POSTGRES_URL = b.postgresUrl ?? "";
  process.env.TEST_REDIS_URL = b.redisUrl ?? "";

  let rest: RedisRestServer | undefined;
  if (b.redisUrl) {
    const token = randomBytes(16).toString("hex");
    rest = await startRedisRestServer({
      port: 0,
      token,
      redisUrl: b.redisUrl,
      log: (m) => console.error(`[test redis-rest] ${m}`),
    });
    process.env.UPSTASH_REDIS_REST_URL = rest.url;
    process.env.UPSTASH_REDIS_REST_TOKEN = token;
  }
  console.log(
    `[test backends] database: ${b.postgresUrl ? `PostgreSQL ${b.postgresUrl}` : "PGlite (in memory)"}; redis: ${
      b.redisUrl
        ? `${b.redisUrl} (app client through the REST endpoint at ${rest?.url})`
        : "none answering on 127.0.0.1:6379"
    }`,
  );

  return async () => {
    await rest?.close();
  };
}
