/**
 * `npm run redis:rest`: our Upstash-REST endpoint on 127.0.0.1:REDIS_REST_PORT in front of the
 * Redis server at REDIS_URL, checked against UPSTASH_REDIS_REST_TOKEN. `npm run dev` starts the
 * same server itself; run this one when you want it alone (tests, a separate Next process).
 * Keeps running if Redis is down (answers 503) and picks Redis up when it starts.
 */
import { env } from "../env.js";
import { redactRedisUrl, startRedisRestServer } from "../server/redis/rest-server";

const expectedUrl = `http://127.0.0.1:${env.REDIS_REST_PORT}`;
if (env.UPSTASH_REDIS_REST_URL.replace(/\/$/, "") !== expectedUrl) {
  console.warn(
    `[redis-rest] note: UPSTASH_REDIS_REST_URL is ${env.UPSTASH_REDIS_REST_URL}, not ${expectedUrl}; ` +
      "the app will not use this endpoint unless you point it here",
  );
}

try {
  const server = await startRedisRestServer({
    port: env.REDIS_REST_PORT,
    token: env.UPSTASH_REDIS_REST_TOKEN,
    redisUrl: env.REDIS_URL,
  });
  console.log(
    `[redis-rest] Upstash REST endpoint ${server.url} → ${redactRedisUrl(env.REDIS_URL)}`,
  );
  const stop = () => {
    void server.close().then(() => process.exit(0));
  };
  process.once("SIGINT", stop);
  process.once("SIGTERM", stop);
} catch (err) {
  console.error(`[redis-rest] ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
}
