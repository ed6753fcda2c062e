/**
 * The Upstash-REST endpoint against the real Redis server, driven by the real @upstash/redis
 * client (and by raw fetch where the wire format itself is the point).
 */
import { randomUUID } from "node:crypto";
import { Redis as UpstashRedis } from "@upstash/redis";
import { Redis as IORedis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startRedisRestServer, type RedisRestServer } from "./rest-server";

const TOKEN = "test-token-rest-server";
const MAX_BODY = 64 * 1024;
const redisUrl = process.env.TEST_REDIS_URL ?? "";
const prefix = `t:rest:${randomUUID()}:`;
const k = (name: string) => prefix + name;

let server: RedisRestServer;
let client: UpstashRedis; // base64 responses (the client's default)
let plainClient: UpstashRedis; // responseEncoding: false
let direct: IORedis; // straight to Redis, to check what really got stored

async function post(path: string, body: unknown, headers: Record<string, string> = {}) {
  const res = await fetch(server.url + path, {
    method: "POST",
    headers: { Authorization: `Bearer ${TOKEN}`, "Content-Type": "application/json", ...headers },
    body: typeof body === "string" ? body : JSON.stringify(body),
  });
  return { status: res.status, json: (await res.json()) as unknown };
}

beforeAll(async () => {
  if (!redisUrl) throw new Error("these tests need a Redis server: TEST_REDIS_URL is empty");
  server = await startRedisRestServer({
    port: 0,
    token: TOKEN,
    redisUrl,
    maxBodyBytes: MAX_BODY,
    log: () => undefined,
  });
  const common = { url: server.url, token: TOKEN, retry: false as const, enableTelemetry: false };
  client = new UpstashRedis(common);
  plainClient = new UpstashRedis({ ...common, responseEncoding: false });
  direct = new IORedis(redisUrl, { protocol: 2 });
});

afterAll(async () => {
  if (direct) {
    const keys = await direct.keys(`${prefix}*`);
    if (keys.length > 0) await direct.del(...keys);
    direct.disconnect();
  }
  await server?.close();
});

describe("commands through @upstash/redis", () => {
  it("strings: set/get/incr/expire/ttl/del", async () => {
    expect(await client.set(k("s"), "hello")).toBe("OK");
    expect(await client.get(k("s"))).toBe("hello");
    expect(await client.get(k("missing"))).toBeNull();
    expect(await client.incr(k("n"))).toBe(1);
    expect(await client.incrby(k("n"), 41)).toBe(42);
    expect(await client.expire(k("n"), 100)).toBe(1);
    const ttl = await client.ttl(k("n"));
    expect(ttl).toBeGreaterThan(90);
    expect(ttl).toBeLessThanOrEqual(100);
    expect(await client.set(k("nx"), "a", { nx: true, ex: 60 })).toBe("OK");
    expect(await client.set(k("nx"), "b", { nx: true, ex: 60 })).toBeNull();
    expect(await client.del(k("s"), k("nx"))).toBe(2);
    expect(await direct.exists(k("s"))).toBe(0);
  });

  it("JSON values round-trip the way the client serialises them", async () => {
    const value = { order: 7, price: "4.25", tags: ["green"] };
    await client.set(k("json"), value);
    expect(await client.get(k("json"))).toEqual(value);
    expect(JSON.parse((await direct.get(k("json"))) ?? "null")).toEqual(value);
  });

  it("hashes", async () => {
    expect(await client.hset(k("h"), { a: "1", b: "two" })).toBe(2);
    expect(await client.hget(k("h"), "b")).toBe("two");
    expect(await client.hincrby(k("h"), "a", 5)).toBe(6);
    expect(await client.hgetall(k("h"))).toEqual({ a: 6, b: "two" });
    expect(await client.hdel(k("h"), "a")).toBe(1);
    expect(await client.hkeys(k("h"))).toEqual(["b"]);
  });

  it("sorted sets, including nested replies with scores", async () => {
    expect(await client.zadd(k("z"), { score: 2.5, member: "b" }, { score: 1, member: "a" })).toBe(
      2,
    );
    expect(await client.zrange(k("z"), 0, -1)).toEqual(["a", "b"]);
    expect(await client.zrange(k("z"), 0, -1, { withScores: true })).toEqual(["a", 1, "b", 2.5]);
    expect(await client.zscore(k("z"), "b")).toBe(2.5);
    expect(await client.zincrby(k("z"), 10, "a")).toBe(11);
    expect(await client.zrange(k("z"), 0, -1, { rev: true })).toEqual(["a", "b"]);
    expect(await client.zrem(k("z"), "b")).toBe(1);
    expect(await client.zcard(k("z"))).toBe(1);
  });

  it("lists and scan cursors", async () => {
    expect(await client.rpush(k("l"), "x", "y", "z")).toBe(3);
    expect(await client.lrange(k("l"), 0, -1)).toEqual(["x", "y", "z"]);
    const [cursor, keys] = await client.scan(0, { match: `${prefix}l*`, count: 1000 });
    expect(typeof cursor).toBe("string");
    expect(Array.isArray(keys)).toBe(true);
  });

  it("unicode and binary-ish values survive with base64 on and off", async () => {
    const text = 'สวัสดี ☀️ 𝄞 kWh→THB "quoted" \\ back';
    await client.set(k("u1"), text);
    expect(await client.get(k("u1"))).toBe(text);
    expect(await plainClient.get(k("u1"))).toBe(text);
    await plainClient.set(k("u2"), text);
    expect(await direct.get(k("u2"))).toBe(text);
    expect(await client.get(k("u2"))).toBe(text);
  });

  it("EVAL, EVALSHA and SCRIPT LOAD, including Upstash's shebang flag", async () => {
    const script = "return redis.call('INCRBY', KEYS[1], ARGV[1])";
    expect(await client.eval(script, [k("ev")], ["3"])).toBe(3);
    const sha = await client.scriptLoad(script);
    expect(await client.evalsha(sha, [k("ev")], ["4"])).toBe(7);

    // Stock Redis rejects `allow-key-locking`; the endpoint must still run the script and keep
    // the client's own SHA1 working for EVALSHA.
    const flagged = `#!lua flags=allow-key-locking\nreturn {KEYS[1], tonumber(ARGV[1]) * 2}`;
    expect(await client.eval(flagged, [k("f")], ["21"])).toEqual([k("f"), 42]);
    const flaggedSha = await client.scriptLoad(flagged);
    const { createHash } = await import("node:crypto");
    expect(flaggedSha).toBe(createHash("sha1").update(flagged).digest("hex"));
    expect(await client.evalsha(flaggedSha, [k("f")], ["5"])).toEqual([k("f"), 10]);
    expect(await client.scriptExists(flaggedSha)).toEqual([1]);

    await expect(client.evalsha("0".repeat(40), [], [])).rejects.toThrow(/NOSCRIPT/);
  });

  it("passes Redis' own errors through", async () => {
    await expect(client.exec(["NOSUCHCOMMAND", "x"])).rejects.toThrow(/unknown command/i);
    await client.set(k("str"), "v");
    await expect(client.lpush(k("str"), "x")).rejects.toThrow(/WRONGTYPE/);
    const r = await post("/", ["NOSUCHCOMMAND"]);
    expect(r.status).toBe(400);
    expect(r.json).toMatchObject({ error: expect.stringMatching(/unknown command/i) as string });
  });
});

describe("pipeline and multi-exec", () => {
  it("pipeline returns every result, and per-command errors without failing the rest", async () => {
    const p = client.pipeline();
    p.set(k("p1"), "one");
    p.incr(k("p2"));
    p.get(k("p1"));
    p.hset(k("p3"), { f: "v" });
    expect(await p.exec()).toEqual(["OK", 1, "one", 1]);

    const r = await post("/pipeline", [
      ["SET", k("p4"), "v"],
      ["LPUSH", k("p4"), "x"],
      ["GET", k("p4")],
      ["SUBSCRIBE", "c"],
    ]);
    expect(r.status).toBe(200);
    const items = r.json as { result?: unknown; error?: string }[];
    expect(items[0]).toEqual({ result: "OK" });
    expect(items[1]?.error).toMatch(/WRONGTYPE/);
    expect(items[2]).toEqual({ result: "v" });
    expect(items[3]?.error).toMatch(/not allowed/);
  });

  it("multi-exec runs as one transaction", async () => {
    const tx = client.multi();
    tx.set(k("m1"), "a");
    tx.incr(k("m2"));
    tx.get(k("m1"));
    expect(await tx.exec()).toEqual(["OK", 1, "a"]);

    // A command that fails to queue aborts the whole transaction: nothing is written.
    const aborted = await post("/multi-exec", [
      ["SET", k("m3"), "x"],
      ["SET", k("m3")],
    ]);
    expect(aborted.status).toBe(400);
    expect(aborted.json).toMatchObject({ error: expect.stringMatching(/EXECABORT/) as string });
    expect(await direct.exists(k("m3"))).toBe(0);
    // The same two commands as a pipeline do run the valid one.
    await post("/pipeline", [
      ["SET", k("m3"), "x"],
      ["SET", k("m3")],
    ]);
    expect(await direct.get(k("m3"))).toBe("x");

    // A runtime error inside EXEC fails only its own command, as in Redis.
    const partial = await post("/multi-exec", [
      ["SET", k("m4"), "s"],
      ["INCR", k("m4")],
      ["GET", k("m4")],
    ]);
    expect(partial.status).toBe(200);
    const items = partial.json as { result?: unknown; error?: string }[];
    expect(items[1]?.error).toMatch(/not an integer/);
    expect(items[2]).toEqual({ result: "s" });
  });

  it("readers never see half of a transaction", async () => {
    const writes = Array.from({ length: 40 }, () => {
      const tx = client.multi();
      tx.incr(k("ta"));
      tx.incr(k("tb"));
      return tx.exec();
    });
    const reads = Array.from({ length: 40 }, () => {
      const tx = client.multi();
      tx.get<number>(k("ta"));
      tx.get<number>(k("tb"));
      return tx.exec<[number | null, number | null]>();
    });
    const results = await Promise.all([...writes, ...reads]);
    for (const pair of results.slice(40) as [number | null, number | null][]) {
      expect(pair[0]).toBe(pair[1]);
    }
    expect(await direct.get(k("ta"))).toBe("40");
  });
});

describe("wire format", () => {
  it("base64 encodes strings (nested too) and leaves numbers and null alone", async () => {
    await direct.set(k("w"), "value");
    await direct.zadd(k("wz"), 1.5, "m");
    const b64 = (s: string) => Buffer.from(s).toString("base64");
    const enc = { "Upstash-Encoding": "base64" };
    expect((await post("/", ["GET", k("w")], enc)).json).toEqual({ result: b64("value") });
    expect((await post("/", ["GET", k("none")], enc)).json).toEqual({ result: null });
    expect((await post("/", ["INCR", k("wn")], enc)).json).toEqual({ result: 1 });
    expect((await post("/", ["ZRANGE", k("wz"), 0, -1, "WITHSCORES"], enc)).json).toEqual({
      result: [b64("m"), b64("1.5")],
    });
    expect((await post("/", ["EVAL", "return {1,{'a',2}}", 0], enc)).json).toEqual({
      result: [1, [b64("a"), 2]],
    });
    expect((await post("/", ["GET", k("w")])).json).toEqual({ result: "value" });
  });

  it("base64 keeps arbitrary bytes exact; plain text replaces invalid UTF-8", async () => {
    const bytes = Buffer.from([0xff, 0x00, 0xfe, 0x41, 0x80]);
    await direct.set(k("bin"), bytes);
    const r = await post("/", ["GET", k("bin")], { "Upstash-Encoding": "base64" });
    expect(Buffer.from((r.json as { result: string }).result, "base64")).toEqual(bytes);
    const plain = await post("/", ["GET", k("bin")]);
    expect((plain.json as { result: string }).result).toBe("\uFFFD\u0000\uFFFDA\uFFFD");
  });

  it("accepts numbers and booleans as arguments", async () => {
    expect((await post("/", ["SET", k("num"), 12.5])).json).toEqual({ result: "OK" });
    expect(await direct.get(k("num"))).toBe("12.5");
  });

  it("path form: GET /cmd/args and POST /cmd/args with the body as the last argument", async () => {
    const auth = { Authorization: `Bearer ${TOKEN}` };
    const key = encodeURIComponent(k("path"));
    let res = await fetch(`${server.url}/set/${key}/a%20b`, { headers: auth });
    expect(await res.json()).toEqual({ result: "OK" });
    res = await fetch(`${server.url}/get/${key}`, { headers: auth });
    expect(await res.json()).toEqual({ result: "a b" });
    res = await fetch(`${server.url}/set/${key}`, {
      method: "POST",
      headers: auth,
      body: "body value",
    });
    expect(res.status).toBe(200);
    expect(await direct.get(k("path"))).toBe("body value");
  });
});

describe("refusals", () => {
  it("wrong or missing token → 401", async () => {
    const wrong = new UpstashRedis({
      url: server.url,
      token: "nope",
      retry: false,
      enableTelemetry: false,
    });
    await expect(wrong.get(k("x"))).rejects.toThrow(/Unauthorized/);
    const res = await fetch(server.url, { method: "POST", body: JSON.stringify(["PING"]) });
    expect(res.status).toBe(401);
    expect(await res.json()).toMatchObject({ error: "Unauthorized", code: "unauthorized" });
    const pipe = await post("/pipeline", [["PING"]], { Authorization: "Bearer wrong" });
    expect(pipe.status).toBe(401);
  });

  it("malformed bodies → 400 with a stable code", async () => {
    for (const body of [
      "{not json",
      JSON.stringify({ cmd: "GET" }),
      JSON.stringify([]),
      JSON.stringify(["GET", { k: 1 }]),
      JSON.stringify([null]),
    ]) {
      const r = await post("/", body);
      expect(r.status, body).toBe(400);
      expect(r.json).toMatchObject({ code: "bad_request", error: expect.any(String) as string });
    }
    const p = await post("/pipeline", ["GET", "x"]);
    expect(p.status).toBe(400);
    const empty = await post("/pipeline", []);
    expect(empty.status).toBe(400);
  });

  it("oversized bodies → 413, by Content-Length or while streaming", async () => {
    const big = JSON.stringify(["SET", k("big"), "x".repeat(MAX_BODY)]);
    const r = await post("/", big);
    expect(r.status).toBe(413);
    expect(r.json).toMatchObject({ code: "payload_too_large" });

    const chunk = new TextEncoder().encode("x".repeat(16 * 1024));
    let sent = 0;
    const stream = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (sent >= MAX_BODY * 2) controller.close();
        else {
          sent += chunk.length;
          controller.enqueue(chunk);
        }
      },
    });
    const res = await fetch(server.url, {
      method: "POST",
      headers: { Authorization: `Bearer ${TOKEN}` },
      body: stream,
      duplex: "half",
    } as RequestInit);
    expect(res.status).toBe(413);
    expect(await direct.exists(k("big"))).toBe(0);
  });

  it("connection-state commands are refused with a hint", async () => {
    const r = await post("/", ["SUBSCRIBE", "chan"]);
    expect(r.status).toBe(400);
    expect(r.json).toMatchObject({
      code: "command_not_allowed",
      error: expect.stringMatching(/subscribe\/<channel>/) as string,
    });
    expect((await post("/", ["MULTI"])).status).toBe(400);
    expect((await post("/", ["SELECT", 1])).status).toBe(400);
    expect(
      (
        await post("/multi-exec", [
          ["GET", "a"],
          ["WATCH", "a"],
        ])
      ).status,
    ).toBe(400);
  });

  it("methods other than GET/POST → 405", async () => {
    const res = await fetch(server.url, {
      method: "PUT",
      headers: { Authorization: `Bearer ${TOKEN}` },
    });
    expect(res.status).toBe(405);
  });

  it("a blocking command does not hold up other requests", async () => {
    const started = Date.now();
    const blocking = post("/", ["BLPOP", k("empty-list"), 1]);
    await new Promise((r) => setTimeout(r, 50));
    const t0 = Date.now();
    expect(await client.ping()).toBe("PONG");
    expect(Date.now() - t0).toBeLessThan(500);
    expect((await blocking).json).toEqual({ result: null });
    expect(Date.now() - started).toBeGreaterThanOrEqual(900);
  });
});

describe("pub/sub over server-sent events", () => {
  it("redis.subscribe() receives what redis.publish() sends", async () => {
    const channel = k("chan");
    const sub = client.subscribe<{ kwh: number }>([channel]);
    const subscribed = new Promise<number>((resolve) => sub.on("subscribe", resolve));
    const got = new Promise<{ channel: string; message: { kwh: number } }>((resolve) =>
      sub.on("message", resolve),
    );
    expect(await subscribed).toBe(1);
    expect(await client.publish(channel, { kwh: 1.25 })).toBe(1);
    expect(await got).toEqual({ channel, message: { kwh: 1.25 } });
    await sub.unsubscribe();
    // The endpoint drops its Redis subscriber once the stream closes.
    await expect.poll(async () => client.publish(channel, { kwh: 2 }), { timeout: 3000 }).toBe(0);
  });

  it("redis.psubscribe() gets pattern messages with their channel", async () => {
    const pattern = k("p:*");
    const sub = client.psubscribe<{ note: string }>([pattern]);
    const failed = new Promise<never>((_, reject) => sub.on("error", reject));
    const subscribed = new Promise<number>((resolve) => sub.on("psubscribe", resolve));
    const got = new Promise<{ pattern: string; channel: string; message: { note: string } }>(
      (resolve) => sub.on("pmessage", resolve),
    );
    expect(await subscribed).toBe(1);
    await client.publish(k("p:trades"), { note: "text, with commas" });
    expect(await Promise.race([got, failed])).toEqual({
      pattern,
      channel: k("p:trades"),
      message: { note: "text, with commas" },
    });
    await sub.unsubscribe();
  });

  it("the raw stream has the lines @upstash/redis parses", async () => {
    const channel = k("raw");
    const ac = new AbortController();
    const res = await fetch(`${server.url}/subscribe/${channel}`, {
      method: "POST",
      headers: { Authorization: `Bearer ${TOKEN}`, Accept: "text/event-stream" },
      body: "[]",
      signal: ac.signal,
    });
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toMatch(/^text\/event-stream/);
    const reader = res.body!.getReader();
    const decoder = new TextDecoder();
    let text = "";
    const readUntil = async (needle: string) => {
      while (!text.includes(needle)) {
        const { value, done } = await reader.read();
        if (done) throw new Error("stream ended");
        text += decoder.decode(value, { stream: true });
      }
    };
    await readUntil("\n\n");
    expect(text).toBe(`data: subscribe,${channel},1\n\n`);
    await direct.publish(channel, '{"a":1}');
    await readUntil('{"a":1}\n\n');
    expect(text).toContain(`data: message,${channel},{"a":1}\n\n`);
    ac.abort();
  });

  it("streams need the token too", async () => {
    const res = await fetch(`${server.url}/subscribe/x`, { method: "POST", body: "[]" });
    expect(res.status).toBe(401);
  });
});

describe("without a Redis server behind it", () => {
  it("starts anyway and answers 503 with a clear error", async () => {
    const dead = await startRedisRestServer({
      port: 0,
      token: TOKEN,
      redisUrl: "redis://127.0.0.1:1",
      redisConnectTimeoutMs: 300,
      log: () => undefined,
    });
    try {
      const res = await fetch(dead.url, {
        method: "POST",
        headers: { Authorization: `Bearer ${TOKEN}` },
        body: JSON.stringify(["PING"]),
      });
      expect(res.status).toBe(503);
      expect(await res.json()).toMatchObject({
        code: "redis_unavailable",
        error: "ERR Redis unavailable at redis://127.0.0.1:1",
      });
      const sub = await fetch(`${dead.url}/subscribe/x`, {
        method: "POST",
        headers: { Authorization: `Bearer ${TOKEN}` },
        body: "[]",
      });
      expect(sub.status).toBe(503);
    } finally {
      await dead.close();
    }
  });

  it("refuses a port that is taken", async () => {
    await expect(
      startRedisRestServer({ port: server.port, token: TOKEN, redisUrl, log: () => undefined }),
    ).rejects.toThrow(/already in use/);
  });
});
