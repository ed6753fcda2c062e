/**
 * Live-update fan-out: `publish(channel, payload)` after a write commits, `subscribe(channel,
 * signal)` in a tRPC SSE subscription. Redis only signals; the database stays the source of truth
 * (after a gap, subscribers refetch everything on the stream's `live` marker, see
 * server/api/live-events.ts).
 *
 * Upstash mode: publishes go through @upstash/redis (PUBLISH). Each process holds ONE Redis
 * subscription, a PSUBSCRIBE on `<namespace>*` over the REST endpoint's SSE stream, and fans
 * messages out to local subscribers through an EventEmitter, however many browser tabs listen.
 * We read that stream ourselves rather than through `redis.psubscribe()` because the client's
 * Subscriber gives no signal when the stream ends, so it could not reconnect after a restart.
 *
 * When Redis can't be reached, publishes are delivered in-process only (subscribers on this app
 * instance still get them; other instances don't), the stream keeps retrying in the background,
 * and the outage is logged once (client.ts).
 *
 * Subscribe first, then read from the database: a fact committed between the two is then both
 * in the read and in a notice, never in neither.
 */
import { EventEmitter } from "node:events";
import type { Redis } from "@upstash/redis";
import { env } from "~/env.js";
import { processSingleton } from "~/lib/process-singleton";
import {
  redis as sharedRedis,
  redisOutage,
  type RedisOutageReporter,
} from "./client";

/** Bad input to the bus; `code` is stable for callers and logs. */
export class EventBusError extends Error {
  constructor(
    readonly code: "event_bus_bad_channel" | "event_bus_bad_payload" | "event_bus_overflow",
    message: string,
  ) {
    super(message);
    this.name = "EventBusError";
  }
}

/** An async iterable of payloads that is already listening when `subscribe()` returns. */
export interface Subscription<T> extends AsyncIterable<T> {
  /**
   * Resolves once events published from other instances will arrive (the Redis subscription is
   * confirmed) or once the bus has fallen back to in-process delivery. Await it before reading
   * the backlog from the database so nothing falls between the two.
   */
  readonly ready: Promise<void>;
}

export interface EventBus {
  publish(channel: string, payload: unknown): Promise<void>;
  subscribe<T = unknown>(channel: string, signal?: AbortSignal): Subscription<T>;
  /** "redis" while the shared subscription is live (memory mode: always "memory"). */
  readonly backend: "redis" | "memory";
  /** Ends every subscription and the Redis stream. */
  close(): void;
}

export interface EventBusOptions {
  /** "memory": single-process only, never touches Redis. */
  mode?: "upstash" | "memory";
  /** The Upstash REST URL and token (for the subscription stream). */
  restUrl?: string;
  token?: string;
  /** Client for PUBLISH; defaults to the shared one. */
  redis?: Redis;
  /** Prefix of every Redis channel this bus uses; keeps it apart from other Redis users. */
  namespace?: string;
  /** Most undelivered events one subscriber may hold before it is ended with an error. */
  bufferSize?: number;
  /** After a failed PUBLISH, deliver in-process only for this long before trying Redis again. */
  retryRedisAfterMs?: number;
  /** Reconnect backoff for the subscription stream. */
  reconnectMinMs?: number;
  reconnectMaxMs?: number;
  /** `ready` resolves after this long even if Redis has not confirmed yet. */
  readyTimeoutMs?: number;
  outage?: RedisOutageReporter;
}

const NAME = /^[A-Za-z0-9][A-Za-z0-9:_.-]{0,199}$/;

function checkChannel(channel: string): void {
  if (typeof channel !== "string" || !NAME.test(channel)) {
    throw new EventBusError(
      "event_bus_bad_channel",
      `invalid channel ${JSON.stringify(channel)}: use 1-200 of A-Z a-z 0-9 : _ . -`,
    );
  }
}

const sleep = (ms: number, signal: AbortSignal) =>
  new Promise<void>((resolve) => {
    const t = setTimeout(resolve, ms);
    signal.addEventListener("abort", () => (clearTimeout(t), resolve()), { once: true });
  });

export function createEventBus(options: EventBusOptions = {}): EventBus {
  const {
    mode = "upstash",
    restUrl = env.UPSTASH_REDIS_REST_URL,
    token = env.UPSTASH_REDIS_REST_TOKEN,
    redis = sharedRedis,
    namespace = "gtx:",
    bufferSize = 1_000,
    retryRedisAfterMs = 5_000,
    reconnectMinMs = 250,
    reconnectMaxMs = 5_000,
    readyTimeoutMs = 2_000,
    outage = redisOutage,
  } = options;
  if (!NAME.test(namespace)) {
    throw new EventBusError(
      "event_bus_bad_channel",
      `invalid namespace ${JSON.stringify(namespace)}`,
    );
  }

  const local = new EventEmitter();
  local.setMaxListeners(0); // one listener per open SSE subscription; no fixed ceiling
  const enders = new Set<() => void>();
  let listeners = 0;
  let redisRetryAt = 0;
  let closed = false;

  // 1. The one Redis subscription of this process

  let stream: AbortController | null = null;
  let connected = false;
  let readyWaiters: (() => void)[] = [];
  const releaseReady = () => {
    const waiters = readyWaiters;
    readyWaiters = [];
    for (const w of waiters) w();
  };

  function handleLine(line: string): void {
    if (!line.startsWith("data: ")) return; // SSE comments (": ping") and blank lines
    const data = line.slice(6);
    const c1 = data.indexOf(",");
    const c2 = data.indexOf(",", c1 + 1);
    if (c1 === -1 || c2 === -1) return;
    const type = data.slice(0, c1);
    if (type === "psubscribe") {
      connected = true;
      outage.recovered();
      releaseReady();
      return;
    }
    const c3 = data.indexOf(",", c2 + 1);
    if (type !== "pmessage" || c3 === -1) return;
    const channel = data.slice(c2 + 1, c3);
    if (!channel.startsWith(namespace)) return;
    let payload: unknown;
    try {
      payload = JSON.parse(data.slice(c3 + 1));
    } catch {
      return; // not published by a bus (we always send JSON)
    }
    local.emit(channel.slice(namespace.length), payload);
  }

  async function runStream(signal: AbortSignal): Promise<void> {
    const url = `${restUrl.replace(/\/$/, "")}/psubscribe/${namespace}*`;
    let delay = reconnectMinMs;
    while (!signal.aborted) {
      try {
        const res = await fetch(url, {
          method: "POST",
          headers: {
            Authorization: `Bearer ${token}`,
            Accept: "text/event-stream",
            "Content-Type": "application/json",
          },
          body: "[]",
          signal,
        });
        if (!res.ok || !res.body) {
          const text = await res.text().catch(() => "");
          throw new Error(`REST endpoint answered ${res.status} ${text.slice(0, 200)}`.trim());
        }
        const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
        let buffered = "";
        for (;;) {
          const { value, done } = await reader.read();
          if (done) break;
          buffered += value;
          const lines = buffered.split("\n");
          buffered = lines.pop() ?? "";
          if (buffered.length > 1024 * 1024) throw new Error("event line over 1 MiB");
          for (const line of lines) handleLine(line.replace(/\r$/, ""));
          if (connected) delay = reconnectMinMs;
        }
        throw new Error("subscription stream closed by the REST endpoint");
      } catch (err) {
        if (signal.aborted) return;
        connected = false;
        outage.failed(err);
        releaseReady(); // waiting longer helps nobody: deliver in-process meanwhile
        await sleep(delay, signal);
        delay = Math.min(delay * 2, reconnectMaxMs);
      }
    }
  }

  function listenerAdded(): void {
    listeners += 1;
    if (mode !== "upstash" || stream) return;
    const ac = new AbortController();
    stream = ac;
    void runStream(ac.signal);
  }

  function listenerRemoved(): void {
    listeners -= 1;
    if (listeners > 0 || !stream) return;
    stream.abort();
    stream = null;
    connected = false;
    releaseReady();
  }

  function whenReady(): Promise<void> {
    if (mode !== "upstash" || connected) return Promise.resolve();
    return new Promise<void>((resolve) => {
      const t = setTimeout(resolve, readyTimeoutMs);
      readyWaiters.push(() => {
        clearTimeout(t);
        resolve();
      });
    });
  }

  // 2. Publishing

  async function publish(channel: string, payload: unknown): Promise<void> {
    checkChannel(channel);
    const json = payload === undefined ? undefined : JSON.stringify(payload);
    if (json === undefined) {
      throw new EventBusError("event_bus_bad_payload", "payload must be JSON-serialisable");
    }
    if (mode === "upstash" && Date.now() >= redisRetryAt) {
      try {
        await redis.publish(namespace + channel, json);
        outage.recovered();
        return; // local subscribers get it back through the stream
      } catch (err) {
        outage.failed(err);
        redisRetryAt = Date.now() + retryRedisAfterMs;
      }
    }
    // Same shape subscribers would get through Redis (Dates become strings, etc.).
    local.emit(channel, JSON.parse(json) as unknown);
  }

  // 3. Subscribing

  function subscribe<T = unknown>(channel: string, signal?: AbortSignal): Subscription<T> {
    checkChannel(channel);
    const queue: T[] = [];
    let wake: (() => void) | null = null;
    let done = false;
    let failure: Error | null = null;

    const onEvent = (payload: T) => {
      if (queue.length >= bufferSize) {
        failure = new EventBusError(
          "event_bus_overflow",
          `subscriber on ${channel} fell ${bufferSize} events behind; resubscribe and replay`,
        );
        end();
      } else queue.push(payload);
      wake?.();
    };
    const onAbort = () => {
      queue.length = 0;
      end();
      wake?.();
    };
    function end(): void {
      if (done) return;
      done = true;
      local.off(channel, onEvent);
      signal?.removeEventListener("abort", onAbort);
      enders.delete(onAbort);
      listenerRemoved();
    }

    if (closed || signal?.aborted) {
      done = true;
    } else {
      local.on(channel, onEvent);
      signal?.addEventListener("abort", onAbort, { once: true });
      enders.add(onAbort);
      listenerAdded();
    }

    const iterator: AsyncIterator<T> = {
      next: async (): Promise<IteratorResult<T>> => {
        for (;;) {
          if (queue.length > 0) return { value: queue.shift() as T, done: false };
          if (failure) {
            const f = failure;
            failure = null;
            throw f;
          }
          if (done) return { value: undefined, done: true };
          await new Promise<void>((resolve) => (wake = resolve));
          wake = null;
        }
      },
      return: (): Promise<IteratorResult<T>> => {
        queue.length = 0;
        end();
        return Promise.resolve({ value: undefined, done: true });
      },
    };
    return {
      ready: done ? Promise.resolve() : whenReady(),
      [Symbol.asyncIterator]: () => iterator,
    };
  }

  return {
    publish,
    subscribe,
    get backend() {
      return mode === "upstash" && connected ? "redis" : "memory";
    },
    close() {
      closed = true;
      for (const end of [...enders]) end();
      stream?.abort();
      stream = null;
    },
  };
}

/**
 * The process's bus. Kept on globalThis so every route bundle in a Next.js server (and every
 * hot reload in dev) shares one subscription and one in-process fallback.
 */
export const eventBus: EventBus = processSingleton(
  "eventBus",
  `${env.UPSTASH_REDIS_REST_URL} ${env.UPSTASH_REDIS_REST_TOKEN}`,
  () => createEventBus(),
);

export function publish(channel: string, payload: unknown): Promise<void> {
  return eventBus.publish(channel, payload);
}

export function subscribe<T = unknown>(channel: string, signal?: AbortSignal): Subscription<T> {
  return eventBus.subscribe<T>(channel, signal);
}
