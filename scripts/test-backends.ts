/**
 * Finds the real servers the integration tests should use: PostgreSQL and Redis on their default
 * local ports (CI runs both). Override with TEST_POSTGRES_URL / TEST_REDIS_URL; set either to
 * "none" to force the fallback (PGlite for the database; Redis-dependent tests then fail loudly).
 */
import net from "node:net";

/** Whether something accepts TCP connections on host:port (within timeoutMs). */
export function portAnswers(host: string, port: number, timeoutMs = 500): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host, port });
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once("connect", () => done(true));
    socket.once("error", () => done(false));
  });
}

export interface TestBackends {
  postgresUrl: string | null;
  redisUrl: string | null;
}

/** An explicit URL wins; "none" means none; otherwise the default server if its port answers. */
async function pick(override: string | undefined, port: number, defaultUrl: string) {
  if (override === "none") return null;
  if (override) return override;
  return (await portAnswers("127.0.0.1", port)) ? defaultUrl : null;
}

export async function detectTestBackends(): Promise<TestBackends> {
  const pgOverride = process.env.TEST_POSTGRES_URL;
  const redisOverride = process.env.TEST_REDIS_URL;
  const postgresUrl = await pick(pgOverride, 5432, "postgres://postgres@127.0.0.1:5432/test");
  const redisUrl = await pick(redisOverride, 6379, "redis://127.0.0.1:6379");
  return { postgresUrl, redisUrl };
}
