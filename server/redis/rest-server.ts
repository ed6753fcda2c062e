/**
 * Our own Upstash-REST endpoint: a small Node HTTP server that speaks the protocol
 * @upstash/redis uses, in front of a real Redis server (ioredis). It lets the production client
 * code run unchanged on one machine and in CI.
 *
 * Routes (all need `Authorization: Bearer <token>`):
 *   POST /                    body ["CMD", "arg", ...]             → {result} | {error}
 *   POST /pipeline            body [["CMD", ...], ...]             → [{result} | {error}, ...]
 *   POST /multi-exec          same, run as MULTI/EXEC              → [{result} | {error}, ...]
 *   GET|POST /<cmd>/<arg>...  path form; a POST body is the last argument
 *   POST /subscribe/<ch>...   text/event-stream, `data: subscribe,<ch>,<n>`, `data: message,<ch>,<payload>`
 *   POST /psubscribe/<pat>... same with `data: pmessage,<pat>,<ch>,<payload>`
 * `Upstash-Encoding: base64` base64-encodes every string in the result (see rest-commands.ts).
 *
 * @see node_modules/@upstash/redis (pkg/http.ts, pkg/commands/subscribe.ts) for the client side.
 */
import { createHash, timingSafeEqual } from "node:crypto";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { Command, Redis, ReplyError } from "ioredis";
import {
  RestRequestError,
  ScriptShaMap,
  encodeReply,
  isBlocking,
  parseCommand,
  parseCommandList,
  refusalReason,
  translateCommand,
  type RedisCommand,
  type RestErrorCode,
} from "./rest-commands";

export interface RedisRestServerOptions {
  /** 0 picks a free port (tests). */
  port: number;
  token: string;
  redisUrl: string;
  host?: string;
  /** Request bodies above this get 413 (Upstash's free tier caps requests at 1 MB too). */
  maxBodyBytes?: number;
  /** Most commands in one /pipeline or /multi-exec request. */
  maxCommands?: number;
  /** SSE comment interval; keeps idle streams under fetch's 300 s body timeout. */
  ssePingMs?: number;
  /** How long start-up waits for Redis before answering 503 until it comes up. */
  redisConnectTimeoutMs?: number;
  log?: (message: string) => void;
}

export interface RedisRestServer {
  url: string;
  port: number;
  close(): Promise<void>;
}

interface Reply {
  status: number;
  body: unknown;
}

const ReplyErrorClass = ReplyError as unknown as new (...args: never[]) => Error;

/**
 * A command whose reply reaches us exactly as Redis sent it. ioredis reshapes some replies
 * (HGETALL into an object, score pairs into nested arrays); the REST protocol wants Redis' own
 * flat RESP2 shapes, which is what @upstash/redis parses.
 */
class RawCommand extends Command {
  constructor(cmd: RedisCommand) {
    const [name, ...args] = cmd;
    super(name.toLowerCase(), args, { replyEncoding: null });
  }
  override transformReply(result: Buffer | Buffer[]): Buffer | Buffer[] {
    return result;
  }
}

interface CommandSink {
  sendCommand(command: Command): unknown;
}

/** Sends one raw command on a connection and waits for its reply. */
function call(conn: Redis, cmd: RedisCommand): Promise<unknown> {
  const c = new RawCommand(cmd);
  void conn.sendCommand(c);
  return c.promise as Promise<unknown>;
}

/** A Redis URL without its password, for messages. */
export function redactRedisUrl(redisUrl: string): string {
  try {
    const u = new URL(redisUrl);
    if (u.password) u.password = "***";
    return u.toString().replace(/\/$/, "");
  } catch {
    return "(unparseable REDIS_URL)";
  }
}

export async function startRedisRestServer(
  options: RedisRestServerOptions,
): Promise<RedisRestServer> {
  const {
    port,
    token,
    redisUrl,
    host = "127.0.0.1",
    maxBodyBytes = 1024 * 1024,
    maxCommands = 1000,
    ssePingMs = 15_000,
    redisConnectTimeoutMs = 2_000,
    log = (m: string) => console.log(`[redis-rest] ${m}`),
  } = options;
  if (!token) throw new Error("startRedisRestServer: token must not be empty");
  const shownUrl = redactRedisUrl(redisUrl);

  // 1. The shared Redis connection. No offline queue: while Redis is down, requests fail at once
  //    with 503 instead of piling up; ioredis keeps reconnecting in the background.
  const redis = new Redis(redisUrl, {
    protocol: 2, // Upstash answers RESP2 shapes
    lazyConnect: true,
    enableOfflineQueue: false,
    maxRetriesPerRequest: 1,
    connectTimeout: redisConnectTimeoutMs,
    commandTimeout: 30_000,
    retryStrategy: (times) => Math.min(times * 200, 2_000),
  });
  let redisDownLogged = false;
  redis.on("error", (err: Error) => {
    if (redisDownLogged) return;
    redisDownLogged = true;
    log(`Redis unavailable at ${shownUrl} (${err.message}); answering 503 until it is back`);
  });
  redis.on("ready", () => {
    if (redisDownLogged) log(`Redis at ${shownUrl} is back`);
    redisDownLogged = false;
  });
  try {
    await redis.connect();
  } catch {
    // Logged by the error handler; reconnection continues in the background.
  }

  const shas = new ScriptShaMap();
  const expectedAuth = createHash("sha256").update(`Bearer ${token}`).digest();
  const streams = new Set<() => void>();

  const fail = (status: number, code: RestErrorCode, message: string): Reply => ({
    status,
    body: { error: message, code },
  });
  const unavailable = () => fail(503, "redis_unavailable", `ERR Redis unavailable at ${shownUrl}`);

  /** Maps a failure from ioredis to a reply: Redis' own errors pass through with 400. */
  function redisFailure(err: unknown): Reply {
    if (err instanceof ReplyErrorClass) return fail(400, "redis_error", err.message);
    if (redis.status !== "ready") return unavailable();
    return fail(500, "redis_error", `ERR ${err instanceof Error ? err.message : String(err)}`);
  }

  // 2. Running commands

  /** Blocking commands get their own short-lived connection so they can't stall everyone. */
  async function withOwnConnection<T>(
    req: http.IncomingMessage,
    fn: (conn: Redis) => Promise<T>,
  ): Promise<T> {
    // No command timeout: BLPOP k 0 may wait as long as its caller does (we hang up with it).
    const conn = redis.duplicate({
      enableOfflineQueue: true,
      lazyConnect: true,
      commandTimeout: undefined,
    });
    conn.on("error", () => undefined);
    const abort = () => conn.disconnect();
    req.once("close", abort);
    try {
      await conn.connect();
      return await fn(conn);
    } finally {
      req.off("close", abort);
      conn.disconnect();
    }
  }

  async function runOne(
    req: http.IncomingMessage,
    cmd: RedisCommand,
    base64: boolean,
  ): Promise<Reply> {
    const refused = refusalReason(cmd);
    if (refused) return fail(400, "command_not_allowed", refused);
    if (redis.status !== "ready") return unavailable();
    const t = translateCommand(cmd, shas);
    try {
      const raw = isBlocking(cmd)
        ? await withOwnConnection(req, (c) => call(c, t.cmd))
        : await call(redis, t.cmd);
      const reply = t.restoreReply ? t.restoreReply(raw) : raw;
      return { status: 200, body: { result: encodeReply(reply, base64) } };
    } catch (err) {
      return redisFailure(err);
    }
  }

  async function runBatch(
    req: http.IncomingMessage,
    cmds: RedisCommand[],
    base64: boolean,
    transaction: boolean,
  ): Promise<Reply> {
    const refusals = cmds.map(refusalReason);
    if (transaction) {
      const i = refusals.findIndex((r) => r !== null);
      if (i !== -1) return fail(400, "command_not_allowed", `${refusals[i]} (command ${i + 1})`);
    }
    if (redis.status !== "ready") return unavailable();
    const translated = cmds.map((c) => translateCommand(c, shas));
    const runnable = translated.filter((_, i) => refusals[i] === null);

    const exec = async (conn: Redis) => {
      if (runnable.length === 0) return [];
      const batch = transaction ? conn.multi() : conn.pipeline();
      // ChainableCommander's type hides Pipeline#sendCommand, which queues a prepared command.
      for (const t of runnable)
        (batch as unknown as CommandSink).sendCommand(new RawCommand(t.cmd));
      return (await batch.exec()) ?? [];
    };
    let results: [Error | null, unknown][];
    try {
      // Inside MULTI blocking commands don't block, so only plain pipelines need their own line.
      results =
        !transaction && cmds.some(isBlocking)
          ? await withOwnConnection(req, exec)
          : await exec(redis);
    } catch (err) {
      return redisFailure(err); // EXECABORT (a command failed to queue) lands here as a ReplyError
    }
    // Any error that is not Redis' own answer means the connection broke mid-batch.
    if (results.some(([e]) => e !== null && !(e instanceof ReplyErrorClass))) return unavailable();

    let next = 0;
    const body = cmds.map((_, i) => {
      const refused = refusals[i];
      if (refused) return { error: refused };
      const t = translated[i];
      const [e, raw] = results[next++] ?? [new Error("ERR missing reply"), null];
      if (e) return { error: e.message };
      const reply = t?.restoreReply ? t.restoreReply(raw) : raw;
      return { result: encodeReply(reply, base64) };
    });
    return { status: 200, body };
  }

  // 3. Subscriptions over server-sent events

  async function stream(
    req: http.IncomingMessage,
    res: http.ServerResponse,
    kind: "subscribe" | "psubscribe",
    names: string[],
  ): Promise<Reply | null> {
    if (redis.status !== "ready") return unavailable();
    // A subscribed connection can do nothing else, so each stream gets its own; ioredis
    // resubscribes it by itself if Redis restarts while the stream is open.
    const sub = redis.duplicate({
      enableOfflineQueue: true,
      lazyConnect: true,
      commandTimeout: undefined,
    });
    sub.on("error", () => undefined);
    try {
      await sub.connect();
    } catch {
      sub.disconnect();
      return unavailable();
    }
    if (req.destroyed) {
      sub.disconnect();
      return null;
    }

    res.writeHead(200, {
      "Content-Type": "text/event-stream; charset=utf-8",
      "Cache-Control": "no-cache, no-transform",
      Connection: "keep-alive",
      "X-Accel-Buffering": "no",
    });
    res.flushHeaders();

    // @upstash/redis reads one `data: ` line per message; a payload with line breaks is split
    // into several data lines as the SSE format requires (our own JSON payloads never have any).
    const send = (text: string) =>
      res.write(
        text
          .split(/\r\n|\r|\n/)
          .map((l) => `data: ${l}\n`)
          .join("") + "\n",
      );
    // Messages that arrive before every subscription is confirmed wait, so the client always
    // sees `subscribe,...` first.
    let held: string[] | null = [];
    const deliver = (text: string) => (held ? held.push(text) : send(text));
    sub.on("message", (channel: string, message: string) =>
      deliver(`message,${channel},${message}`),
    );
    sub.on("pmessage", (pattern: string, channel: string, message: string) =>
      deliver(`pmessage,${pattern},${channel},${message}`),
    );

    const ping = setInterval(() => res.write(": ping\n\n"), ssePingMs);
    let closed = false;
    const end = () => {
      if (closed) return;
      closed = true;
      clearInterval(ping);
      streams.delete(end);
      sub.disconnect();
      if (!res.writableEnded) res.end();
    };
    streams.add(end);
    res.once("close", end);

    try {
      for (const name of names) {
        const count = kind === "subscribe" ? await sub.subscribe(name) : await sub.psubscribe(name);
        send(`${kind},${name},${String(count)}`);
      }
    } catch (err) {
      send(`error,${names.join(" ")},${err instanceof Error ? err.message : String(err)}`);
      end();
      return null;
    }
    for (const text of held) send(text);
    held = null;
    return null;
  }

  // 4. HTTP

  function readBody(req: http.IncomingMessage): Promise<Buffer> {
    return new Promise((resolve, reject) => {
      const tooLarge = () =>
        new RestRequestError(
          413,
          "payload_too_large",
          `ERR request body exceeds ${maxBodyBytes} bytes`,
        );
      const declared = Number(req.headers["content-length"] ?? "0");
      if (declared > maxBodyBytes) {
        reject(tooLarge());
        return;
      }
      const chunks: Buffer[] = [];
      let size = 0;
      let failed = false;
      req.on("data", (chunk: Buffer) => {
        if (failed) return;
        size += chunk.length;
        if (size > maxBodyBytes) {
          failed = true;
          chunks.length = 0;
          reject(tooLarge());
          return;
        }
        chunks.push(chunk);
      });
      req.once("end", () => {
        if (!failed) resolve(Buffer.concat(chunks));
      });
      req.once("error", (e) => {
        if (!failed) reject(e);
      });
    });
  }

  async function readJson(req: http.IncomingMessage): Promise<unknown> {
    const body = await readBody(req);
    try {
      return JSON.parse(body.toString("utf8")) as unknown;
    } catch {
      throw new RestRequestError(400, "bad_request", "ERR request body is not valid JSON");
    }
  }

  function authorized(header: string | undefined): boolean {
    const got = createHash("sha256")
      .update(header ?? "")
      .digest();
    return timingSafeEqual(got, expectedAuth);
  }

  async function route(req: http.IncomingMessage, res: http.ServerResponse): Promise<Reply | null> {
    const method = req.method ?? "GET";
    if (method !== "GET" && method !== "POST") {
      return fail(405, "method_not_allowed", `ERR method ${method} not allowed`);
    }
    if (!authorized(req.headers.authorization)) {
      return fail(401, "unauthorized", "Unauthorized");
    }
    const pathname = new URL(req.url ?? "/", "http://localhost").pathname;
    let segments: string[];
    try {
      segments = pathname
        .split("/")
        .filter((s) => s !== "")
        .map((s) => decodeURIComponent(s));
    } catch {
      throw new RestRequestError(400, "bad_request", "ERR path is not valid percent-encoding");
    }
    const base64 = String(req.headers["upstash-encoding"] ?? "").toLowerCase() === "base64";
    const [head, ...rest] = segments;

    if (head === undefined) {
      if (method !== "POST")
        return fail(405, "method_not_allowed", "ERR use POST / with a JSON command");
      return runOne(req, parseCommand(await readJson(req)), base64);
    }
    if (head === "pipeline" || head === "multi-exec") {
      if (method !== "POST" || rest.length > 0) {
        return fail(
          405,
          "method_not_allowed",
          `ERR use POST /${head} with a JSON array of commands`,
        );
      }
      return runBatch(
        req,
        parseCommandList(await readJson(req), maxCommands),
        base64,
        head === "multi-exec",
      );
    }
    if (head === "subscribe" || head === "psubscribe") {
      if (rest.length === 0) {
        return fail(400, "bad_request", `ERR name a channel: /${head}/<name>`);
      }
      return stream(req, res, head, rest);
    }
    // Path form: /set/key/value, or POST /set/key with the value as the body.
    const args = [...rest];
    if (method === "POST") {
      const body = await readBody(req);
      if (body.length > 0) args.push(body.toString("utf8"));
    }
    return runOne(req, parseCommand([head, ...args], "path"), base64);
  }

  const server = http.createServer((req, res) => {
    route(req, res)
      .catch((err: unknown): Reply => {
        if (err instanceof RestRequestError) return fail(err.status, err.code, err.message);
        return fail(500, "redis_error", `ERR ${err instanceof Error ? err.message : String(err)}`);
      })
      .then((reply) => {
        if (!reply || res.headersSent) return;
        const json = JSON.stringify(reply.body);
        const headers: http.OutgoingHttpHeaders = {
          "Content-Type": "application/json",
          "Content-Length": Buffer.byteLength(json),
        };
        // The rest of an oversized body is drained by Node after we answer, then the socket
        // closes so a client can't keep streaming into it.
        if (reply.status === 413) headers.Connection = "close";
        res.writeHead(reply.status, headers);
        res.end(json);
        if (reply.status === 413) req.resume();
      })
      .catch(() => res.destroy());
  });

  await new Promise<void>((resolve, reject) => {
    server.once("error", (err: NodeJS.ErrnoException) => {
      redis.disconnect();
      reject(
        err.code === "EADDRINUSE"
          ? new Error(`Redis REST endpoint: ${host}:${port} is already in use`, { cause: err })
          : err,
      );
    });
    server.listen(port, host, () => resolve());
  });
  const actualPort = (server.address() as AddressInfo).port;

  return {
    url: `http://${host}:${actualPort}`,
    port: actualPort,
    async close() {
      for (const end of [...streams]) end();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      if (redis.status === "ready") await redis.quit().catch(() => undefined);
      redis.disconnect();
    },
  };
}
