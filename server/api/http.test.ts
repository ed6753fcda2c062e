/**
 * The wire format, through the same HTTP handler the App Router route uses and a real tRPC
 * client: status codes, `data.appError`, `data.zodError`, the Set-Cookie header, and that the
 * browser-side parseAppError reads them.
 */
import { createTRPCClient, httpLink, TRPCClientError } from "@trpc/client";
import superjson from "superjson";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDb, type TestDb } from "~/db/testing";
import { parseAppError } from "~/lib/app-error-codes";
import type { RedisRestServer } from "~/server/redis/rest-server";
import { createTestEventBus } from "~/server/redis/test-event-bus";
import { startTestRestServer } from "~/server/redis/test-support";
import { createTrpcRequestHandler } from "./http-handler";
import type { AppRouter } from "./root";
import { createWallet, randomIp, testAuthConfig } from "./testing";

let tdb: TestDb;
let redisRest: RedisRestServer;
beforeAll(async () => {
  tdb = await createTestDb();
  redisRest = await startTestRestServer();
});
afterAll(async () => {
  await tdb.close();
  await redisRest?.close();
});

/** A client whose fetch goes straight into the handler, remembering cookies and statuses. */
function httpClient(handler: (req: Request) => Promise<Response>) {
  const ip = randomIp();
  const state: { cookie?: string; statuses: number[]; setCookies: string[] } = {
    statuses: [],
    setCookies: [],
  };
  const client = createTRPCClient<AppRouter>({
    links: [
      httpLink({
        url: "http://gridtokenx.test:3000/api/trpc",
        transformer: superjson,
        headers: () => ({
          "x-forwarded-for": ip,
          ...(state.cookie ? { cookie: state.cookie } : {}),
        }),
        fetch: async (url, init) => {
          const res = await handler(new Request(url, init));
          state.statuses.push(res.status);
          for (const c of res.headers.getSetCookie()) {
            state.setCookies.push(c);
            const pair = c.split(";")[0] ?? "";
            state.cookie = pair.endsWith("=") ? undefined : pair;
          }
          return res;
        },
      }),
    ],
  });
  return { client, state };
}

/** The `data:` payloads of a server-sent-events response, one at a time (connection pings skipped). */
function sseReader(res: Response) {
  const reader = res.body!.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = "";
  return {
    async next(): Promise<string> {
      for (;;) {
        const end = buffer.indexOf("\n\n");
        if (end >= 0) {
          const frame = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          const data = frame
            .split("\n")
            .filter((l) => l.startsWith("data:"))
            .map((l) => l.slice(5).trim());
          const event = frame
            .split("\n")
            .find((l) => l.startsWith("event:"))
            ?.slice(6)
            .trim();
          if (data.length > 0 && event !== "connected" && event !== "ping") return data.join("\n");
          continue;
        }
        const { value, done } = await reader.read();
        if (done) throw new Error("stream ended");
        buffer += value;
      }
    },
  };
}

async function readSse(res: Response, n: number): Promise<string[]> {
  const r = sseReader(res);
  const out: string[] = [];
  for (let i = 0; i < n; i++) out.push(await r.next());
  return out;
}

async function failure(p: Promise<unknown>) {
  const err = await p.then(
    () => {
      throw new Error("expected the call to fail");
    },
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(TRPCClientError);
  return err;
}

describe("tRPC over HTTP", () => {
  it("input errors: 400, appError VALIDATION_FAILED and field errors in data.zodError", async () => {
    const { client, state } = httpClient(
      createTrpcRequestHandler({ database: tdb, auth: testAuthConfig() }),
    );
    const err = await failure(client.auth.challenge.mutate({ publicKey: "nope" }));
    expect(state.statuses.at(-1)).toBe(400);
    const parsed = parseAppError(err);
    expect(parsed.code).toBe("VALIDATION_FAILED");
    expect(parsed.message).toMatch(/^Invalid input: publicKey: /);
    expect(parsed.fieldErrors?.publicKey?.[0]).toMatch(/base58/);
  });

  it("sign-in sets the cookie over HTTP; AppErrors keep their code and status", async () => {
    const auth = testAuthConfig();
    const { client, state } = httpClient(createTrpcRequestHandler({ database: tdb, auth }));
    const w = createWallet();
    const ch = await client.auth.challenge.mutate({ publicKey: w.publicKey });
    expect(ch.expiresAt).toBeInstanceOf(Date); // superjson keeps Dates

    const bad = await failure(
      client.auth.signIn.mutate({
        publicKey: w.publicKey,
        message: ch.message,
        signature: createWallet().sign(ch.message),
      }),
    );
    expect(state.statuses.at(-1)).toBe(401);
    expect(parseAppError(bad)).toMatchObject({ code: "AUTH_BAD_SIGNATURE", httpStatus: 401 });
    expect(state.setCookies).toEqual([]);

    const res = await client.auth.signIn.mutate({
      publicKey: w.publicKey,
      message: ch.message,
      signature: w.sign(ch.message),
      role: "prosumer",
    });
    expect(res.user).toEqual({ wallet: w.publicKey, role: "prosumer", name: null });
    expect(state.setCookies[0]).toMatch(
      /^gtx_session=.+; Path=\/; HttpOnly; SameSite=Strict; Max-Age=3600$/,
    );
    expect(await client.auth.me.query()).toEqual(res.user);

    await client.auth.signOut.mutate();
    expect(state.setCookies.at(-1)).toMatch(/^gtx_session=; .*Max-Age=0/);
    expect(await client.auth.me.query()).toBeNull();
  });

  it("live.events streams server-sent events to a signed-in browser, and refuses others", async () => {
    const auth = testAuthConfig();
    const bus = createTestEventBus(redisRest.url);
    const handler = createTrpcRequestHandler({ database: tdb, auth, eventBus: bus });
    const { client, state } = httpClient(handler);
    const url = "http://gridtokenx.test:3000/api/trpc/live.events";

    const anonymous = await handler(new Request(url, { headers: { accept: "text/event-stream" } }));
    expect(await readSse(anonymous, 1)).toEqual([expect.stringContaining("UNAUTHENTICATED")]);

    const w = createWallet();
    const ch = await client.auth.challenge.mutate({ publicKey: w.publicKey });
    await client.auth.signIn.mutate({
      publicKey: w.publicKey,
      message: ch.message,
      signature: w.sign(ch.message),
      role: "prosumer",
    });
    const abort = new AbortController();
    const res = await handler(
      new Request(url, {
        headers: { accept: "text/event-stream", cookie: state.cookie! },
        signal: abort.signal,
      }),
    );
    expect(res.headers.get("content-type")).toMatch(/^text\/event-stream/);
    const stream = sseReader(res);
    expect(await stream.next()).toContain('"kind":"ready"');
    await bus.publish("mints", {
      signature: "sig-1",
      owner: w.publicKey,
      meterId: "roof",
      amountWh: "400",
    });
    expect(JSON.parse(await stream.next())).toMatchObject({
      json: { channel: "mints", amountWh: "400", meterId: "roof" },
    });
    abort.abort();
    bus.close();
  });

  it("unknown procedures answer NOT_FOUND with an appError code", async () => {
    const handler = createTrpcRequestHandler({ database: tdb, auth: testAuthConfig() });
    const res = await handler(new Request("http://x/api/trpc/nope.nothing"));
    expect(res.status).toBe(404);
    const body = (await res.json()) as { error: { json: { data: { appError: unknown } } } };
    expect(body.error.json.data.appError).toMatchObject({ code: "NOT_FOUND" });
  });

  it("health.status reports the database and driver, Redis and chain reachability, and the indexer", async () => {
    const { client } = httpClient(
      createTrpcRequestHandler({ database: tdb, auth: testAuthConfig() }),
    );
    const h = await client.health.status.query();
    expect(h.db).toEqual({ ok: true, driver: tdb.driver });
    expect(typeof h.redis.ok).toBe("boolean");
    expect(typeof h.chain.ok).toBe("boolean");
    // No indexer was started in this test process: red, and says why.
    expect(h.indexer).toMatchObject({ ok: false, level: "error", state: "stopped", lagSlots: null, consecutiveFailures: 0 });
    expect(h.indexer.reasons).toContain("not running");
  });
});
