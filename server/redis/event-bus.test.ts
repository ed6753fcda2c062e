/**
 * The event bus: in-process mode, the Upstash mode across two "app instances" through our REST
 * endpoint and the real Redis, and what happens when Redis goes away and comes back.
 */
import { randomUUID } from "node:crypto";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { EventBusError, type EventBus, type EventBusOptions } from "./event-bus";
import type { RedisRestServer } from "./rest-server";
import { createTestEventBus } from "./test-event-bus";
import { freePort, recordingOutage, startTestRestServer } from "./test-support";

let server: RedisRestServer;
const buses: EventBus[] = [];

beforeAll(async () => {
  server = await startTestRestServer();
});
afterEach(() => {
  for (const b of buses.splice(0)) b.close();
});
afterAll(async () => {
  await server?.close();
});

function bus(url: string, extra: Partial<EventBusOptions> = {}): EventBus {
  const b = createTestEventBus(url, extra);
  buses.push(b);
  return b;
}

/** Reads the next `n` events, failing after `ms`. */
async function take<T>(it: AsyncIterable<T>, n: number, ms = 3_000): Promise<T[]> {
  const out: T[] = [];
  const iterator = it[Symbol.asyncIterator]();
  const deadline = new Promise<never>((_, reject) =>
    setTimeout(() => reject(new Error(`got ${out.length}/${n} events in ${ms} ms`)), ms),
  );
  while (out.length < n) {
    const r = await Promise.race([iterator.next(), deadline]);
    if (r.done) break;
    out.push(r.value);
  }
  return out;
}

describe("in-process mode", () => {
  it("delivers to every subscriber of the channel, as JSON would", async () => {
    const b = bus(server.url, { mode: "memory" });
    const ac = new AbortController();
    const s1 = b.subscribe<{ at: string; n: number }>("trades", ac.signal);
    const s2 = b.subscribe<{ at: string; n: number }>("trades", ac.signal);
    const other = b.subscribe("orderbook", ac.signal);
    await s1.ready;
    await b.publish("trades", { at: new Date(0), n: 1 });
    await b.publish("trades", { at: new Date(1), n: 2 });
    const expected = [
      { at: "1970-01-01T00:00:00.000Z", n: 1 },
      { at: "1970-01-01T00:00:00.001Z", n: 2 },
    ];
    expect(await take(s1, 2)).toEqual(expected);
    expect(await take(s2, 2)).toEqual(expected);
    ac.abort();
    expect(await take(other, 1)).toEqual([]); // ended by the abort, nothing delivered
    expect(b.backend).toBe("memory");
  });

  it("events published between subscribe() and the first read are kept", async () => {
    const b = bus(server.url, { mode: "memory" });
    const s = b.subscribe<number>("readings:m1");
    await b.publish("readings:m1", 1);
    await b.publish("readings:m1", 2);
    expect(await take(s, 2)).toEqual([1, 2]);
  });

  it("abort and break both end the subscription", async () => {
    const b = bus(server.url, { mode: "memory" });
    const ac = new AbortController();
    const s = b.subscribe<number>("c", ac.signal);
    setTimeout(() => ac.abort(), 20);
    const seen: number[] = [];
    for await (const v of s) seen.push(v);
    expect(seen).toEqual([]);

    const s2 = b.subscribe<number>("c");
    void b.publish("c", 7);
    for await (const v of s2) {
      expect(v).toBe(7);
      break;
    }
    const aborted = new AbortController();
    aborted.abort();
    expect(await take(b.subscribe("c", aborted.signal), 1)).toEqual([]);
  });

  it("a subscriber that falls too far behind is ended with event_bus_overflow", async () => {
    const b = bus(server.url, { mode: "memory", bufferSize: 3 });
    const s = b.subscribe<number>("fast");
    for (let i = 0; i < 5; i++) await b.publish("fast", i);
    const it = s[Symbol.asyncIterator]();
    expect((await it.next()).value).toBe(0);
    expect((await it.next()).value).toBe(1);
    expect((await it.next()).value).toBe(2);
    await expect(it.next()).rejects.toMatchObject({ code: "event_bus_overflow" });
  });

  it("refuses bad channels and payloads with stable codes", async () => {
    const b = bus(server.url, { mode: "memory" });
    for (const ch of ["", "a,b", "a/b", "pattern*", "x".repeat(201), " sp"]) {
      expect(() => b.subscribe(ch)).toThrow(EventBusError);
      await expect(b.publish(ch, 1)).rejects.toMatchObject({ code: "event_bus_bad_channel" });
    }
    await expect(b.publish("ok", undefined)).rejects.toMatchObject({
      code: "event_bus_bad_payload",
    });
    await expect(b.publish("ok", () => 1)).rejects.toMatchObject({ code: "event_bus_bad_payload" });
  });
});

describe("through Redis", () => {
  it("fans out between two app instances over one stream each", async () => {
    const namespace = `t-bus-${randomUUID()}:`;
    const a = bus(server.url, { namespace });
    const b = bus(server.url, { namespace });
    const ac = new AbortController();
    const trades = a.subscribe<{ price: string }>("trades", ac.signal);
    const mine = a.subscribe<{ id: number }>("orders:wallet1", ac.signal);
    await trades.ready;
    await mine.ready;
    expect(a.backend).toBe("redis");

    await b.publish("trades", { price: "4.10, THB" });
    await b.publish("orders:wallet1", { id: 9 });
    await b.publish("orders:wallet2", { id: 10 });
    await a.publish("trades", { price: "4.20" }); // its own publishes come back too
    expect(await take(trades, 2)).toEqual([{ price: "4.10, THB" }, { price: "4.20" }]);
    expect(await take(mine, 1)).toEqual([{ id: 9 }]);
    ac.abort();
  });

  it("keeps other namespaces out", async () => {
    const a = bus(server.url);
    const b = bus(server.url); // different namespace
    const s = a.subscribe<number>("trades");
    await s.ready;
    await b.publish("trades", 1);
    await a.publish("trades", 2);
    expect(await take(s, 1)).toEqual([2]);
  });

  it("reconnects after the REST endpoint restarts", async () => {
    const port = await freePort();
    let rest = await startTestRestServer(port);
    const url = rest.url;
    const { outage, lines } = recordingOutage(url);
    const namespace = `t-bus-${randomUUID()}:`;
    const a = bus(url, { namespace, outage });
    const b = bus(url, { namespace, outage: recordingOutage(url).outage });
    const s = a.subscribe<string>("live");
    await s.ready;
    expect(a.backend).toBe("redis");
    await rest.close();
    try {
      await expect.poll(() => a.backend, { timeout: 2_000 }).toBe("memory");
      // While Redis is away, this instance's own events still reach its subscribers.
      await a.publish("live", "local-only");
      expect(await take(s, 1)).toEqual(["local-only"]);

      rest = await startTestRestServer(port);
      await expect.poll(() => a.backend, { timeout: 3_000 }).toBe("redis");
      await new Promise((r) => setTimeout(r, 150)); // let b's publish back-off lapse
      await b.publish("live", "from-b");
      expect(await take(s, 1)).toEqual(["from-b"]);
      expect(lines.map((l) => l.level)).toEqual(["warn", "info"]);
    } finally {
      await rest.close();
    }
  });
});

describe("without Redis", () => {
  it("delivers in-process, resolves ready at once, and says so once", async () => {
    const deadUrl = `http://127.0.0.1:${await freePort()}`;
    const { outage, lines } = recordingOutage(deadUrl);
    const b = bus(deadUrl, { outage, retryRedisAfterMs: 60_000 });
    const s = b.subscribe<{ kwh: number }>("readings:m9");
    const t0 = performance.now();
    await s.ready;
    expect(performance.now() - t0).toBeLessThan(1_000);
    await b.publish("readings:m9", { kwh: 1 });
    await b.publish("readings:m9", { kwh: 2 });
    expect(await take(s, 2)).toEqual([{ kwh: 1 }, { kwh: 2 }]);
    expect(b.backend).toBe("memory");
    expect(lines).toHaveLength(1);
    expect(lines[0]?.message).toContain("live updates stay in-process");
  });
});
