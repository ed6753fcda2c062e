/**
 * The group-commit writer on a real database: readings from concurrent callers share
 * transactions, a reading the database refuses fails alone, and a dead database fails
 * everything with nothing acknowledged.
 */
import bs58 from "bs58";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ReadingToStore } from "~/db/queries/readings";
import { ReadingWriter } from "./reading-writer";
import {
  createGatewayFixture,
  jsonRequest,
  nowSecs,
  readingCount,
  signedBody,
  type GatewayFixture,
  type TestMeter,
} from "./test-support";

let fx: GatewayFixture;
beforeAll(async () => {
  fx = await createGatewayFixture();
});
afterAll(async () => {
  await fx?.close();
});

const reading = (m: TestMeter, timestamp: number, consumptionRegisterWh = 0n): ReadingToStore => ({
  meterId: m.meterId,
  productionRegisterWh: 1n,
  consumptionRegisterWh,
  timestamp,
  signature: bs58.encode(new Uint8Array(64)),
  publicKey: m.publicKey,
});

describe("ReadingWriter", () => {
  it("groups concurrent callers into few transactions and answers each its own outcomes", async () => {
    const writer = new ReadingWriter(fx.tdb.db, { maxConcurrent: 1, maxGroup: 1_000 });
    const meters = await Promise.all(Array.from({ length: 20 }, () => fx.meter()));
    const t = nowSecs() - 1_000;
    const answers = await Promise.all(
      meters.map((m) => writer.write([reading(m, t), reading(m, t + 1)])),
    );
    for (const a of answers) expect(a.map((o) => o.kind)).toEqual(["stored", "stored"]);
    // The first caller ran alone; the other 19 waited and went in together.
    expect(writer.stats).toEqual({ transactions: 2, readings: 40 });
  });

  it("fails a reading the database refuses alone, storing the rest of its group", async () => {
    const writer = new ReadingWriter(fx.tdb.db, { maxConcurrent: 1, maxGroup: 1_000 });
    const a = await fx.meter();
    const b = await fx.meter();
    const t = nowSecs() - 1_000;
    // Consumption past bigint: the schema never lets this through; it stands for any surprise.
    const poison = reading(b, t, 1n << 63n);
    const [x, y] = await Promise.all([
      writer.write([reading(a, t)]),
      writer.write([poison, reading(b, t + 1)]),
    ]);
    expect(x.map((o) => o.kind)).toEqual(["stored"]);
    expect(y.map((o) => o.kind)).toEqual(["failed", "stored"]);
    expect(await readingCount(fx.tdb, b.meterId)).toBe(1);
  });
});

describe("a dead database", () => {
  it("answers 503 STORE_UNAVAILABLE and acknowledges nothing", async () => {
    const own = await createGatewayFixture();
    const m = await own.meter();
    const gw = own.gateway();
    const t = nowSecs() - 1_000;
    expect(
      (await gw.submit(jsonRequest("/api/meters/submit", signedBody(m, { timestamp: t })))).status,
    ).toBe(201);
    await own.close(); // the database is gone (the meter row stays cached)
    const single = await gw.submit(
      jsonRequest("/api/meters/submit", signedBody(m, { timestamp: t + 60 })),
    );
    expect(single.status).toBe(503);
    expect(((await single.json()) as { error: { code: string } }).error.code).toBe(
      "STORE_UNAVAILABLE",
    );
    const uncached = { ...m, meterId: `${m.meterId}-x` };
    const b = await gw.submitBatch(
      jsonRequest("/api/meters/submit-batch", {
        readings: [signedBody(uncached, { timestamp: t })],
      }),
    );
    expect(b.status).toBe(503);
  });
});
