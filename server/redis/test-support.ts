/**
 * Shared pieces for the server/redis tests: a REST endpoint on a free port in front of the test
 * Redis, a port where nothing listens, an endpoint that never answers, and a log recorder.
 */
import http from "node:http";
import net from "node:net";
import { RedisOutageReporter } from "./outage";
import { startRedisRestServer, type RedisRestServer } from "./rest-server";

export const TEST_TOKEN = "test-token-server-redis";

export function testRedisUrl(): string {
  const url = process.env.TEST_REDIS_URL ?? "";
  if (!url) throw new Error("these tests need a Redis server: TEST_REDIS_URL is empty");
  return url;
}

export function startTestRestServer(port = 0): Promise<RedisRestServer> {
  return startRedisRestServer({
    port,
    token: TEST_TOKEN,
    redisUrl: testRedisUrl(),
    log: () => undefined,
  });
}

/** A port that was free a moment ago (nothing listens on it afterwards). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}

/** An HTTP server that accepts requests and never answers: a Redis that hangs. */
export async function startHangingServer(): Promise<{ url: string; close(): Promise<void> }> {
  const server = http.createServer(() => undefined);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as net.AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** An outage reporter that records what it would log. */
export function recordingOutage(url: string): {
  outage: RedisOutageReporter;
  lines: { level: "warn" | "info"; message: string }[];
} {
  const lines: { level: "warn" | "info"; message: string }[] = [];
  return {
    outage: new RedisOutageReporter(url, (level, message) => lines.push({ level, message })),
    lines,
  };
}
