/**
 * The gateway over real HTTP: a node:http server in this process running the same handlers
 * (server/meters/node-http.ts), and the App Router route modules themselves, imported with the
 * environment pointing at a test database and the test Redis endpoint.
 */
import http from "node:http";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { TEST_TOKEN } from "~/server/redis/test-support";
import { startGatewayHttpServer, type GatewayHttpServer } from "./node-http";
import {
  createGatewayFixture,
  nowSecs,
  readingCount,
  signedBody,
  type GatewayFixture,
} from "./test-support";

let fx: GatewayFixture;
let server: GatewayHttpServer;

beforeAll(async () => {
  fx = await createGatewayFixture();
  server = await startGatewayHttpServer({ gateway: fx.gateway() });
});
afterAll(async () => {
  await server?.close();
  await fx?.close();
});

const post = (
  path: string,
  body: string,
  headers: Record<string, string> = { "content-type": "application/json" },
) => fetch(`${server.url}${path}`, { method: "POST", headers, body });

describe("over HTTP (node:http, the raw handlers)", () => {
  it("stores a reading, answers a replay as a duplicate, and refuses garbage with JSON errors", async () => {
    const m = await fx.meter();
    const body = JSON.stringify(signedBody(m, { timestamp: nowSecs() - 60 }));
    const first = await post("/api/meters/submit", body);
    expect(first.status).toBe(201);
    expect(first.headers.get("content-type")).toMatch(/application\/json/);
    const { reading } = (await first.json()) as { reading: { id: number } };
    const again = await post("/api/meters/submit", body);
    expect(again.status).toBe(200);
    expect(
      ((await again.json()) as { reading: { id: number; duplicate: boolean } }).reading,
    ).toMatchObject({ id: reading.id, duplicate: true });
    const junk = await post("/api/meters/submit", "{nope");
    expect(junk.status).toBe(400);
    expect(await junk.json()).toEqual({
      error: { code: "MALFORMED_JSON", message: expect.any(String) as string },
    });
    const text = await post("/api/meters/submit", body, { "content-type": "text/plain" });
    expect(text.status).toBe(415);
    expect(await readingCount(fx.tdb, m.meterId)).toBe(1);
  });

  it("answers a mixed batch 207 item by item", async () => {
    const m = await fx.meter();
    const t = nowSecs() - 600;
    const res = await post(
      "/api/meters/submit-batch",
      JSON.stringify({
        readings: [
          signedBody(m, { timestamp: t }),
          { data: {} },
          signedBody(m, { timestamp: t + 60 }),
        ],
      }),
    );
    expect(res.status).toBe(207);
    const json = (await res.json()) as {
      stored: number;
      rejected: number;
      results: { status: number }[];
    };
    expect(json.results.map((r) => r.status)).toEqual([201, 400, 201]);
    expect({ stored: json.stored, rejected: json.rejected }).toEqual({ stored: 2, rejected: 1 });
    expect(await readingCount(fx.tdb, m.meterId)).toBe(2);
  });

  it("cuts off a chunked body (no Content-Length) once it passes the cap", async () => {
    const url = new URL(`${server.url}/api/meters/submit`);
    let sent = 0;
    let done = false;
    // Far more than the kernel's socket buffers hold: a server that kept draining would take it all.
    const endless = 64 * 1024 * 1024;
    const outcome = await new Promise<{ status?: number; error?: string }>((resolve) => {
      const req = http.request(
        {
          host: url.hostname,
          port: url.port,
          path: url.pathname,
          method: "POST",
          headers: { "content-type": "application/json", "transfer-encoding": "chunked" },
        },
        (res) => {
          res.resume();
          done = true;
          resolve({ status: res.statusCode });
        },
      );
      // The server may also just drop the connection after answering; either way it stops reading.
      req.on("error", (err) => {
        done = true;
        resolve({ error: err.message });
      });
      const chunk = Buffer.alloc(4096, 0x20);
      const pump = () => {
        while (!done && sent < endless) {
          sent += chunk.length;
          if (!req.write(chunk)) return void req.once("drain", pump);
        }
        if (!done) req.end();
      };
      pump();
    });
    if (outcome.status !== undefined) expect(outcome.status).toBe(413);
    else expect(outcome.error).toMatch(/EPIPE|ECONNRESET|socket hang up/);
    expect(sent).toBeLessThan(endless);
  });

  it("answers unknown paths 404 and other methods 405", async () => {
    expect((await fetch(`${server.url}/api/meters/nope`, { method: "POST" })).status).toBe(404);
    expect((await fetch(`${server.url}/api/meters/submit`)).status).toBe(405);
  });
});

describe("the App Router route modules", () => {
  it("POST /api/meters/submit and /submit-batch store through the process-wide gateway", async () => {
    // The routes read their database and Redis endpoint from the environment at import.
    if (fx.tdb.url) vi.stubEnv("DATABASE_URL", fx.tdb.url);
    else vi.stubEnv("PGLITE_DIR", `/tmp/gtx-meter-route-${process.pid}`);
    vi.stubEnv("UPSTASH_REDIS_REST_URL", fx.rest.url);
    vi.stubEnv("UPSTASH_REDIS_REST_TOKEN", TEST_TOKEN);
    vi.resetModules();
    try {
      const submit = await import("~/app/api/meters/submit/route");
      const submitBatch = await import("~/app/api/meters/submit-batch/route");
      const m = await fx.meter();
      const t = nowSecs() - 600;
      const req = (path: string, body: unknown) =>
        new Request(`http://127.0.0.1${path}`, {
          method: "POST",
          headers: { "content-type": "application/json", "x-forwarded-for": "192.0.2.44" },
          body: JSON.stringify(body),
        });
      expect(submit.runtime).toBe("nodejs");
      const one = await submit.POST(req("/api/meters/submit", signedBody(m, { timestamp: t })));
      expect(one.status).toBe(201);
      const many = await submitBatch.POST(
        req("/api/meters/submit-batch", {
          // The second is older than the stored one with a higher register: inconsistent, refused.
          readings: [
            signedBody(m, { timestamp: t + 60 }),
            signedBody(m, { timestamp: t - 60, production: 101 }),
          ],
        }),
      );
      expect(many.status).toBe(207);
      const json = (await many.json()) as {
        results: { status: number; error?: { code: string } }[];
      };
      expect(json.results.map((r) => r.error?.code ?? r.status)).toEqual([
        201,
        "READING_REGISTER_DECREASED",
      ]);
      expect(await readingCount(fx.tdb, m.meterId)).toBe(2);
    } finally {
      const { getDbHandle } = await import("~/db/client");
      await (await getDbHandle()).close();
      vi.unstubAllEnvs();
    }
  });
});
