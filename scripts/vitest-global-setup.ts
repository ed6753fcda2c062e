/**
 * Runs once before the vitest run: reports which database and Redis the integration tests use,
 * so a run's log says what it tested against.
 */
import { detectTestBackends } from "./test-backends";

export default async function setup() {
  const b = await detectTestBackends();
  console.log(
    `[test backends] database: ${b.postgresUrl ? `PostgreSQL ${b.postgresUrl}` : "PGlite (in memory)"}; redis: ${b.redisUrl ?? "none answering on 127.0.0.1:6379"}`,
  );
  process.env.TEST_POSTGRES_URL = b.postgresUrl ?? "";
  process.env.TEST_REDIS_URL = b.redisUrl ?? "";
}
