/**
 * The command side of our Upstash-REST endpoint: parsing request bodies into Redis commands,
 * refusing commands that would break a shared connection, making Upstash-flavoured Lua run on
 * stock Redis, and encoding replies the way @upstash/redis decodes them.
 *
 * @see node_modules/@upstash/redis (pkg/http.ts `decode`) for the response encoding this matches.
 */
import { createHash } from "node:crypto";

export type RedisArg = string;
export type RedisCommand = [name: string, ...args: RedisArg[]];

/** A request the endpoint refuses before Redis sees it; `status` is the HTTP status to answer. */
export class RestRequestError extends Error {
  constructor(
    readonly status: number,
    readonly code: RestErrorCode,
    message: string,
  ) {
    super(message);
    this.name = "RestRequestError";
  }
}

export type RestErrorCode =
  | "unauthorized"
  | "bad_request"
  | "payload_too_large"
  | "not_found"
  | "method_not_allowed"
  | "command_not_allowed"
  | "redis_error"
  | "redis_unavailable";

// ---------------------------------------------------------------------------------------------
// 1. Parsing

const badRequest = (message: string) => new RestRequestError(400, "bad_request", message);

/** One command as JSON: a non-empty array of strings/numbers/booleans (Upstash accepts these). */
export function parseCommand(value: unknown, where = "body"): RedisCommand {
  if (!Array.isArray(value) || value.length === 0) {
    throw badRequest(`ERR ${where} must be a non-empty JSON array like ["SET","key","value"]`);
  }
  const out: string[] = [];
  for (const [i, arg] of (value as unknown[]).entries()) {
    if (typeof arg === "string") out.push(arg);
    else if ((typeof arg === "number" && Number.isFinite(arg)) || typeof arg === "boolean") {
      out.push(String(arg));
    } else {
      throw badRequest(`ERR ${where}[${i}] must be a string or a number`);
    }
  }
  const [name, ...args] = out as [string, ...string[]];
  if (!/^[A-Za-z][A-Za-z0-9_.|-]*$/.test(name)) {
    throw badRequest(`ERR ${where}[0] is not a command name`);
  }
  return [name, ...args];
}

/** A pipeline or transaction body: a non-empty array of command arrays. */
export function parseCommandList(value: unknown, maxCommands: number): RedisCommand[] {
  if (!Array.isArray(value) || value.length === 0) {
    throw badRequest('ERR body must be a non-empty JSON array of commands like [["GET","k"]]');
  }
  if (value.length > maxCommands) {
    throw badRequest(`ERR at most ${maxCommands} commands per request`);
  }
  return (value as unknown[]).map((c, i) => parseCommand(c, `body[${i}]`));
}

// ---------------------------------------------------------------------------------------------
// 2. Commands we refuse or route specially

/**
 * Commands that change the state of the connection they run on. All REST requests share one
 * connection, so these would leak into other callers' requests (SUBSCRIBE has its own endpoint;
 * transactions go through /multi-exec).
 */
const CONNECTION_STATE = new Set([
  "subscribe",
  "psubscribe",
  "ssubscribe",
  "unsubscribe",
  "punsubscribe",
  "sunsubscribe",
  "monitor",
  "sync",
  "psync",
  "replconf",
  "multi",
  "exec",
  "discard",
  "watch",
  "unwatch",
  "select",
  "quit",
  "reset",
  "auth",
  "hello",
  "shutdown",
]);
const CLIENT_STATE_SUBCOMMANDS = new Set([
  "reply",
  "tracking",
  "caching",
  "setname",
  "setinfo",
  "no-evict",
  "no-touch",
  "pause",
  "kill",
]);

/** Returns a reason the command may not run through the REST endpoint, or null. */
export function refusalReason(cmd: RedisCommand): string | null {
  const name = cmd[0].toLowerCase();
  if (CONNECTION_STATE.has(name)) {
    const hint = name.endsWith("subscribe")
      ? " (use POST /subscribe/<channel> or /psubscribe/<pattern>)"
      : ["multi", "exec", "discard", "watch", "unwatch"].includes(name)
        ? " (use POST /multi-exec)"
        : "";
    return `ERR '${name}' is not allowed through the REST endpoint${hint}`;
  }
  if (name === "client" && CLIENT_STATE_SUBCOMMANDS.has((cmd[1] ?? "").toLowerCase())) {
    return `ERR 'client ${(cmd[1] ?? "").toLowerCase()}' is not allowed through the REST endpoint`;
  }
  return null;
}

const BLOCKING = new Set([
  "blpop",
  "brpop",
  "brpoplpush",
  "blmove",
  "blmpop",
  "bzpopmin",
  "bzpopmax",
  "bzmpop",
  "wait",
  "waitaof",
]);

/** Blocking commands would stall every request queued behind them on the shared connection. */
export function isBlocking(cmd: RedisCommand): boolean {
  const name = cmd[0].toLowerCase();
  if (BLOCKING.has(name)) return true;
  if (name === "xread" || name === "xreadgroup") {
    return cmd.slice(1).some((a) => a.toLowerCase() === "block");
  }
  return false;
}

// ---------------------------------------------------------------------------------------------
// 3. Lua scripts: Upstash accepts shebang flags stock Redis rejects

/** Flags Redis 7 understands in `#!lua flags=...`; anything else makes Redis refuse the script. */
const REDIS_SCRIPT_FLAGS = new Set([
  "no-writes",
  "allow-oom",
  "allow-stale",
  "no-cluster",
  "allow-cross-slot-keys",
]);

const sha1 = (s: string) => createHash("sha1").update(s).digest("hex");

/**
 * Rewrites a script's shebang so stock Redis runs it. @upstash/ratelimit sends
 * `#!lua flags=allow-key-locking`, which only Upstash's server knows. When no known flag is left
 * the line becomes a Lua comment, which also keeps Redis 6 (no shebang support) working and keeps
 * line numbers in error messages unchanged.
 */
export function normalizeScript(script: string): string {
  const nl = script.indexOf("\n");
  const first = nl === -1 ? script : script.slice(0, nl);
  if (!first.startsWith("#!")) return script;
  const rest = nl === -1 ? "" : script.slice(nl);
  const m = /^#!lua(?:\s+flags=(\S*))?\s*$/.exec(first);
  if (!m) return script; // not a Lua shebang we understand: let Redis report it
  const flags = (m[1] ?? "").split(",").filter(Boolean);
  const known = flags.filter((f) => REDIS_SCRIPT_FLAGS.has(f));
  if (known.length === flags.length) return script;
  const line = known.length > 0 ? `#!lua flags=${known.join(",")}` : `-- ${first}`;
  return line + rest;
}

/**
 * Maps the SHA1 a client computed over its script to the SHA1 of the rewritten script Redis
 * actually stores, so EVALSHA with the client's hash finds it. After a restart the map is empty,
 * EVALSHA answers NOSCRIPT and clients fall back to EVAL (which refills the map), exactly as they
 * do after SCRIPT FLUSH.
 */
export class ScriptShaMap {
  private readonly map = new Map<string, string>();
  constructor(private readonly maxEntries = 10_000) {}

  remember(originalSha: string, storedSha: string): void {
    if (originalSha === storedSha) return;
    if (this.map.size >= this.maxEntries) {
      const oldest = this.map.keys().next().value;
      if (oldest !== undefined) this.map.delete(oldest);
    }
    this.map.set(originalSha, storedSha);
  }

  resolve(sha: string): string {
    return this.map.get(sha.toLowerCase()) ?? sha;
  }
}

/**
 * Rewrites script commands (EVAL, EVALSHA, their _RO forms, SCRIPT LOAD/EXISTS) for stock Redis.
 * `restoreReply` turns the reply back into what the client expects (SCRIPT LOAD's SHA1 must be
 * the hash of the script the client sent).
 */
export function translateCommand(
  cmd: RedisCommand,
  shas: ScriptShaMap,
): { cmd: RedisCommand; restoreReply?: (reply: unknown) => unknown } {
  const name = cmd[0].toLowerCase();
  if ((name === "eval" || name === "eval_ro") && cmd[1] !== undefined) {
    const fixed = normalizeScript(cmd[1]);
    if (fixed === cmd[1]) return { cmd };
    shas.remember(sha1(cmd[1]), sha1(fixed));
    return { cmd: [cmd[0], fixed, ...cmd.slice(2)] };
  }
  if ((name === "evalsha" || name === "evalsha_ro") && cmd[1] !== undefined) {
    return { cmd: [cmd[0], shas.resolve(cmd[1]), ...cmd.slice(2)] };
  }
  if (name === "script") {
    const sub = (cmd[1] ?? "").toLowerCase();
    if (sub === "load" && cmd[2] !== undefined) {
      const original = cmd[2];
      const fixed = normalizeScript(original);
      if (fixed === original) return { cmd };
      shas.remember(sha1(original), sha1(fixed));
      return { cmd: [cmd[0], cmd[1] ?? "load", fixed], restoreReply: () => sha1(original) };
    }
    if (sub === "exists") {
      return { cmd: [cmd[0], cmd[1] ?? "exists", ...cmd.slice(2).map((s) => shas.resolve(s))] };
    }
  }
  return { cmd };
}

// ---------------------------------------------------------------------------------------------
// 4. Reply encoding

/**
 * Turns an ioredis reply (Buffers for strings, numbers, null, nested arrays) into JSON.
 *
 * With `Upstash-Encoding: base64` every string is base64 of its raw bytes, so binary values and
 * any UTF-8 survive; @upstash/redis decodes strings in the result and in nested arrays and leaves
 * numbers and null alone. Without it strings are sent as UTF-8 text (invalid bytes become U+FFFD,
 * which is why the client asks for base64 by default).
 */
export function encodeReply(reply: unknown, base64: boolean): unknown {
  if (reply === null || reply === undefined) return null;
  if (Buffer.isBuffer(reply)) return base64 ? reply.toString("base64") : reply.toString("utf8");
  if (typeof reply === "string") {
    return base64 ? Buffer.from(reply, "utf8").toString("base64") : reply;
  }
  if (typeof reply === "number") return reply;
  if (typeof reply === "bigint") return Number(reply);
  if (typeof reply === "boolean") return reply ? 1 : null; // RESP2 meaning of Lua true/false
  if (Array.isArray(reply)) return reply.map((r) => encodeReply(r, base64));
  // An error nested in an array reply (e.g. a Lua table holding error_reply): keep its text.
  if (reply instanceof Error) return encodeReply(reply.message, base64);
  // A map reply (RESP3 only; we speak RESP2, so this is a safety net): RESP2's flat pairs.
  if (typeof reply === "object") {
    return Object.entries(reply)
      .flat()
      .map((r) => encodeReply(r, base64));
  }
  return null;
}
