/**
 * live.events: who hears which chain notice, the `live` marker, and resubscription after overflow,
 * through the production event bus (our REST endpoint in front of the real Redis).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDb, type TestDb } from "~/db/testing";
import type { EventBus } from "~/server/redis/event-bus";
import type { RedisRestServer } from "~/server/redis/rest-server";
import { createTestEventBus } from "~/server/redis/test-event-bus";
import { startTestRestServer } from "~/server/redis/test-support";
import { liveEventFor, type LiveEvent } from "../live-events";
import {
  createBrowser,
  createWallet,
  signInWith,
  testAuthConfig,
  type TestWallet,
} from "../testing";

let tdb: TestDb;
let redisRest: RedisRestServer;
const adminWallet = createWallet();
const auth = testAuthConfig({ adminWallets: new Set([adminWallet.publicKey]) });

beforeAll(async () => {
  tdb = await createTestDb();
  redisRest = await startTestRestServer();
});
afterAll(async () => {
  await tdb?.close();
  await redisRest?.close();
});

const alice = "AliceWa11et1111111111111111111111111111111";
const bob = "BobWa11et111111111111111111111111111111111";

describe("liveEventFor", () => {
  const viewer = { wallet: alice, admin: false };
  const admin = { wallet: bob, admin: true };

  it("gives prices to everyone", () => {
    expect(
      liveEventFor("prices", { signature: "s", retail: "4200000", sequence: 2 }, viewer),
    ).toEqual({
      channel: "prices",
      kind: "updated",
      stale: ["market"],
      signature: "s",
      meterId: null,
      amountWh: null,
    });
  });

  it("gives readings and mints to the owner only, admins included", () => {
    const mint = { signature: "m", meterId: "roof-1", owner: alice, amountWh: "400" };
    expect(liveEventFor("mints", mint, viewer)).toEqual({
      channel: "mints",
      kind: "minted",
      stale: ["wallet-balances", "meters"],
      signature: "m",
      meterId: "roof-1",
      amountWh: "400",
    });
    expect(liveEventFor("mints", mint, admin)).toBeNull();
    expect(liveEventFor("readings", { kind: "submitted", owner: alice }, viewer)?.kind).toBe(
      "submitted",
    );
    expect(liveEventFor("readings", { kind: "submitted", owner: bob }, viewer)).toBeNull();
  });

  it("gives meter and user changes to their owner and to admins", () => {
    expect(liveEventFor("meters", { kind: "status", owner: alice }, viewer)?.kind).toBe("status");
    expect(liveEventFor("meters", { kind: "status", owner: "someone" }, viewer)).toBeNull();
    expect(liveEventFor("meters", { kind: "status", owner: "someone" }, admin)?.kind).toBe(
      "status",
    );
    expect(liveEventFor("users", { kind: "registered", wallet: alice }, viewer)?.kind).toBe(
      "registered",
    );
    expect(liveEventFor("users", { kind: "registered", wallet: "someone" }, viewer)).toBeNull();
  });

  it("drops payloads of the wrong shape", () => {
    expect(liveEventFor("prices", "not an object", viewer)).toBeNull();
    expect(liveEventFor("prices", null, viewer)).toBeNull();
    expect(liveEventFor("mints", { owner: 42 }, viewer)).toBeNull();
  });
});

async function subscribeAs(
  bus: EventBus,
  wallet: TestWallet,
  role: "prosumer" | "consumer" = "prosumer",
) {
  const browser = createBrowser(tdb, auth, undefined, { eventBus: bus });
  await signInWith(browser, wallet, role);
  const stream = await browser.call((c) => c.live.events());
  const it = stream[Symbol.asyncIterator]();
  const next = async (): Promise<LiveEvent> => {
    const r = await it.next();
    if (r.done) throw new Error("stream ended");
    return r.value;
  };
  return { next, close: () => it.return?.() };
}

describe("live.events", () => {
  it("refuses without a session", async () => {
    const browser = createBrowser(tdb, auth, undefined, {
      eventBus: createTestEventBus(redisRest.url),
    });
    await expect(
      browser.call(async (c) => (await c.live.events())[Symbol.asyncIterator]().next()),
    ).rejects.toMatchObject({
      appCode: "UNAUTHENTICATED",
    });
  });

  it("starts with a live marker, then delivers only the viewer's notices, in order per channel", async () => {
    const bus = createTestEventBus(redisRest.url);
    const me = createWallet();
    const sub = await subscribeAs(bus, me);
    expect(await sub.next()).toMatchObject({ channel: "live", kind: "ready" });

    await bus.publish("mints", {
      signature: "other",
      owner: createWallet().publicKey,
      meterId: "x",
      amountWh: "1",
    });
    await bus.publish("readings", { signature: "r1", kind: "submitted", owner: me.publicKey });
    await bus.publish("mints", {
      signature: "m1",
      owner: me.publicKey,
      meterId: "roof",
      amountWh: "400",
    });
    await bus.publish("prices", { signature: "p1", sequence: 3 });
    // Channels are separate subscriptions: order holds within a channel, not across them.
    const got = [await sub.next(), await sub.next(), await sub.next()].sort((a, b) =>
      a.channel.localeCompare(b.channel),
    );
    expect(got).toEqual([
      {
        channel: "mints",
        kind: "minted",
        stale: ["wallet-balances", "meters"],
        signature: "m1",
        meterId: "roof",
        amountWh: "400",
      },
      {
        channel: "prices",
        kind: "updated",
        stale: ["market"],
        signature: "p1",
        meterId: null,
        amountWh: null,
      },
      {
        channel: "readings",
        kind: "submitted",
        stale: ["meters"],
        signature: "r1",
        meterId: null,
        amountWh: null,
      },
    ]);
    await bus.publish("prices", { signature: "p2", sequence: 4 });
    await bus.publish("prices", { signature: "p3", sequence: 5 });
    expect((await sub.next()).signature).toBe("p2");
    expect((await sub.next()).signature).toBe("p3");
    await sub.close();
    bus.close();
  });

  it("an admin also hears every meter change (the console's list)", async () => {
    const bus = createTestEventBus(redisRest.url);
    const sub = await subscribeAs(bus, adminWallet);
    expect(await sub.next()).toMatchObject({ channel: "live" });
    await bus.publish("meters", {
      signature: "a1",
      kind: "registered",
      owner: createWallet().publicKey,
      meterId: "m-9",
    });
    expect(await sub.next()).toMatchObject({
      channel: "meters",
      kind: "registered",
      meterId: "m-9",
    });
    await sub.close();
    bus.close();
  });

  it("a subscriber that falls behind is resubscribed with a new live marker, not dropped", async () => {
    const bus = createTestEventBus(redisRest.url, { bufferSize: 2 });
    const me = createWallet();
    const sub = await subscribeAs(bus, me);
    expect(await sub.next()).toMatchObject({ channel: "live" });
    for (let i = 0; i < 5; i++) await bus.publish("prices", { signature: `p${i}`, sequence: i });
    // What was buffered before the overflow arrives in order; then the marker says "refetch everything".
    const before: string[] = [];
    for (let e = await sub.next(); e.channel !== "live"; e = await sub.next())
      before.push(e.signature ?? "?");
    expect(before.length).toBeGreaterThanOrEqual(2);
    expect(before.length).toBeLessThan(5);
    expect(before).toEqual(["p0", "p1", "p2", "p3"].slice(0, before.length));
    await bus.publish("prices", { signature: "after", sequence: 9 });
    expect(await sub.next()).toMatchObject({ channel: "prices", signature: "after" });
    await sub.close();
    bus.close();
  });
});
