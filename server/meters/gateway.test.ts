/**
 * The meter gateway through its real handler functions with fetch `Request`s, against a real
 * database and a real rate limiter (Redis). Every refusal asserts its status and code AND that
 * nothing was stored (row counts).
 */
import crypto from "node:crypto";
import bs58 from "bs58";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { eq } from "drizzle-orm";
import { getMeterByMeterId, setMeterPublicKey, setMeterStatus } from "~/db/queries/meters";
import { meters } from "~/db/schema";
import { signReading } from "~/lib/meter-reading";
import type { MeterGateway } from "./gateway";
import {
  TEST_CONFIG,
  createGatewayFixture,
  jsonRequest,
  nowSecs,
  readingCount,
  signedBody,
  type GatewayFixture,
  type TestMeter,
} from "./test-support";

let fx: GatewayFixture;
let gw: MeterGateway;

beforeAll(async () => {
  fx = await createGatewayFixture();
  gw = fx.gateway();
});
afterAll(async () => {
  await fx?.close();
});

interface ErrorBody {
  error: { code: string; message: string };
}
interface ReadingBody {
  reading: {
    id: number;
    meter_id: string;
    timestamp: number;
    reading_at: string;
    duplicate: boolean;
  };
}

async function submit(body: unknown, headers?: Record<string, string>) {
  const res = await gw.submit(jsonRequest("/api/meters/submit", body, headers));
  return {
    status: res.status,
    headers: res.headers,
    body: (await res.json()) as ErrorBody & ReadingBody,
  };
}

/** Submits, expects a refusal with `code`, and checks the meter's row count did not move. */
async function expectRefused(
  meter: TestMeter | null,
  body: unknown,
  status: number,
  code: string,
  headers?: Record<string, string>,
) {
  const before = await readingCount(fx.tdb, meter?.meterId);
  const r = await submit(body, headers);
  expect({ status: r.status, code: r.body.error?.code }).toEqual({ status, code });
  expect(typeof r.body.error.message).toBe("string");
  expect(r.body).not.toHaveProperty("reading");
  expect(await readingCount(fx.tdb, meter?.meterId)).toBe(before);
  return r;
}

describe("accepted readings", () => {
  it("stores a signed reading as pending, not minted, and answers 201 after the commit", async () => {
    const m = await fx.meter();
    const t = nowSecs() - 60;
    const r = await submit(signedBody(m, { timestamp: t, production: 1234, consumption: 56 }));
    expect(r.status).toBe(201);
    expect(r.body.reading).toEqual({
      id: expect.any(Number) as number,
      meter_id: m.meterId,
      timestamp: t,
      reading_at: new Date(t * 1000).toISOString().replace(".000Z", "Z"),
      duplicate: false,
      // The meter's first reading: its registers are the baseline, worth 0 Wh.
      baseline: true,
      covered: false,
      production_wh: "0",
      consumption_wh: "0",
    });
    const stored = await fx.tdb.db.query.meterReadings.findFirst({
      where: (x, { eq }) => eq(x.id, r.body.reading.id),
    });
    expect(stored).toMatchObject({
      meterId: m.meterId,
      productionRegisterWh: 1234n,
      consumptionRegisterWh: 56n,
      productionWh: 0n,
      consumptionWh: 0n,
      state: "pending",
      minted: false,
      readingAt: new Date(t * 1000),
    });
    // The stored signature is the base58 of the 64 bytes, and verifies.
    expect(bs58.decode(stored!.meterSignature)).toHaveLength(64);
    const meter = await getMeterByMeterId(fx.tdb.db, { meterId: m.meterId });
    expect(meter?.lastReadingAt).toEqual(new Date(t * 1000));
  });

  it("accepts an ISO-8601 UTC timestamp and hex or base64 signature/key, storing base58", async () => {
    const m = await fx.meter();
    const t = nowSecs() - 600;
    const sig = signReading(
      { meterId: m.meterId, productionRegisterWh: 10n, consumptionRegisterWh: 0n, timestamp: t },
      m.keys.privateKey,
    );
    const iso = new Date(t * 1000).toISOString().replace(".000Z", "Z");
    const hex = await submit({
      data: {
        meter_id: m.meterId,
        production_register: 10,
        consumption_register: 0,
        timestamp: iso,
      },
      signature: Buffer.from(sig).toString("hex"),
      public_key: Buffer.from(m.keys.publicKey).toString("hex").toUpperCase(),
    });
    expect(hex.status).toBe(201);
    expect(hex.body.reading.timestamp).toBe(t);
    const t2 = t + 60;
    const sig2 = signReading(
      { meterId: m.meterId, productionRegisterWh: 10n, consumptionRegisterWh: 0n, timestamp: t2 },
      m.keys.privateKey,
    );
    const b64 = await submit({
      data: {
        meter_id: m.meterId,
        production_register: "10",
        consumption_register: "0",
        timestamp: t2,
      },
      signature: Buffer.from(sig2).toString("base64"),
      public_key: Buffer.from(m.keys.publicKey).toString("base64"),
    });
    expect(b64.status).toBe(201);
    const row = await fx.tdb.db.query.meterReadings.findFirst({
      where: (x, { eq }) => eq(x.id, b64.body.reading.id),
    });
    expect(row?.meterSignature).toBe(bs58.encode(sig2));
  });

  it("answers a replay with 200, duplicate: true and the same id, keeping one row", async () => {
    const m = await fx.meter();
    const body = signedBody(m, { timestamp: nowSecs() - 120 });
    const first = await submit(body);
    expect(first.status).toBe(201);
    for (let i = 0; i < 3; i++) {
      const again = await submit(body);
      expect(again.status).toBe(200);
      expect(again.body.reading).toMatchObject({ id: first.body.reading.id, duplicate: true });
    }
    // A replay of an older accepted reading (not the newest) is a duplicate too, not "not newer".
    const newer = await submit(signedBody(m, { timestamp: nowSecs() - 60 }));
    expect(newer.status).toBe(201);
    const old = await submit(body);
    expect(old.status).toBe(200);
    expect(old.body.reading.id).toBe(first.body.reading.id);
    expect(await readingCount(fx.tdb, m.meterId)).toBe(2);
  });

  it("accepts the edges of the window: exactly maxFutureSecs ahead and exactly maxAgeSecs old", async () => {
    const m = await fx.meter();
    const now = 1_800_000_000;
    const g = fx.gateway({ now: () => now * 1000 + 500 });
    const old = await g.submit(
      jsonRequest(
        "/api/meters/submit",
        signedBody(m, { timestamp: now - TEST_CONFIG.maxAgeSecs, production: 0 }),
      ),
    );
    expect(old.status).toBe(201);
    const ahead = await g.submit(
      jsonRequest(
        "/api/meters/submit",
        signedBody(m, { timestamp: now + TEST_CONFIG.maxFutureSecs, production: 0 }),
      ),
    );
    expect(ahead.status).toBe(201);
  });
});

describe("refused readings store nothing", () => {
  it("refuses the same timestamp with other amounts (409 READING_CONFLICT)", async () => {
    const m = await fx.meter();
    const t = nowSecs() - 300;
    expect((await submit(signedBody(m, { timestamp: t, production: 100 }))).status).toBe(201);
    await expectRefused(
      m,
      signedBody(m, { timestamp: t, production: 101 }),
      409,
      "READING_CONFLICT",
    );
    await expectRefused(
      m,
      signedBody(m, { timestamp: t, production: 100, consumption: 51 }),
      409,
      "READING_CONFLICT",
    );
  });

  it("refuses clock skew both ways (422 READING_CLOCK_SKEW / READING_STALE)", async () => {
    const m = await fx.meter();
    const now = nowSecs();
    const ahead = await expectRefused(
      m,
      signedBody(m, { timestamp: now + TEST_CONFIG.maxFutureSecs + 5 }),
      422,
      "READING_CLOCK_SKEW",
    );
    expect(ahead.body.error.message).toMatch(/ahead/);
    await expectRefused(
      m,
      signedBody(m, { timestamp: now + 10 * 365 * 86_400 }),
      422,
      "READING_CLOCK_SKEW",
    );
    await expectRefused(
      m,
      signedBody(m, { timestamp: now - TEST_CONFIG.maxAgeSecs - 5 }),
      422,
      "READING_STALE",
    );
    await expectRefused(m, signedBody(m, { timestamp: 0 }), 422, "READING_STALE");
    // Negative timestamps are signable (i64) and refused as stale.
    await expectRefused(m, signedBody(m, { timestamp: -1_000_000 }), 422, "READING_STALE");
  });

  it("refuses a bad signature, a signature by another key, and another meter's key", async () => {
    const m = await fx.meter();
    const other = await fx.meter();
    const t = nowSecs() - 60;
    const body = signedBody(m, { timestamp: t });
    const sig = bs58.decode(body.signature);
    sig[10]! ^= 1;
    await expectRefused(m, { ...body, signature: bs58.encode(sig) }, 401, "READING_BAD_SIGNATURE");
    // Signed by the other meter's key but presented with this meter's key.
    const byOther = signReading(
      { meterId: m.meterId, productionRegisterWh: 100n, consumptionRegisterWh: 50n, timestamp: t },
      other.keys.privateKey,
    );
    await expectRefused(
      m,
      { ...body, signature: bs58.encode(byOther) },
      401,
      "READING_BAD_SIGNATURE",
    );
    // Correctly signed by the other meter's key, presented with that key: not this meter's key.
    await expectRefused(
      m,
      { ...body, signature: bs58.encode(byOther), public_key: other.publicKey },
      403,
      "METER_KEY_MISMATCH",
    );
    // A signature over different amounts than the body claims.
    await expectRefused(
      m,
      { ...body, data: { ...body.data, production_register: 101 } },
      401,
      "READING_BAD_SIGNATURE",
    );
    // A key that is not a curve point at all.
    await expectRefused(
      m,
      { ...body, public_key: bs58.encode(new Uint8Array(32).fill(0xff)) },
      401,
      "READING_BAD_SIGNATURE",
    );
  });

  it("refuses unknown, pending and suspended meters", async () => {
    const ghost = { meterId: `ghost-${fx.run}`, keys: (await fx.meter()).keys, publicKey: "" };
    ghost.publicKey = bs58.encode(ghost.keys.publicKey);
    await expectRefused(
      null,
      signedBody(ghost, { timestamp: nowSecs() - 60 }),
      404,
      "METER_UNKNOWN",
    );
    const pending = await fx.meter({ status: "pending" });
    const r = await expectRefused(
      pending,
      signedBody(pending, { timestamp: nowSecs() - 60 }),
      403,
      "METER_INACTIVE",
    );
    expect(r.body.error.message).toMatch(/pending/);
    const suspended = await fx.meter({ status: "suspended" });
    await expectRefused(
      suspended,
      signedBody(suspended, { timestamp: nowSecs() - 60 }),
      403,
      "METER_INACTIVE",
    );
  });

  it("stops a suspended or re-keyed meter at once, even while its row is cached", async () => {
    const m = await fx.meter();
    const t = nowSecs() - 600;
    expect((await submit(signedBody(m, { timestamp: t }))).status).toBe(201); // now cached as active
    await setMeterStatus(fx.tdb.db, { meterId: m.meterId, status: "suspended" });
    await expectRefused(m, signedBody(m, { timestamp: t + 60 }), 403, "METER_INACTIVE");
    await setMeterStatus(fx.tdb.db, { meterId: m.meterId, status: "active" });
    // The refusal dropped the cached row, so re-activation is seen at once too.
    expect((await submit(signedBody(m, { timestamp: t + 120 }))).status).toBe(201);
    const newKey = await fx.meter(); // only for a fresh key pair
    await setMeterPublicKey(fx.tdb.db, {
      meterId: m.meterId,
      publicKey: bs58.encode(crypto.randomBytes(32)),
    });
    await expectRefused(m, signedBody(m, { timestamp: t + 180 }), 403, "METER_KEY_MISMATCH");
    expect(newKey.meterId).not.toBe(m.meterId);
  });

  it("applies the Registry's rules to registers: the first reading is a 0 Wh baseline, then differences bounded by floor(capacity × elapsed / 3600)", async () => {
    const m = await fx.meter({ capacityW: 3_600 }); // 1 Wh per second
    const t = nowSecs() - 7_200;
    // A baseline may be any register: it is worth nothing.
    const base = await submit(
      signedBody(m, { timestamp: t, production: 5_000_000, consumption: 7 }),
    );
    expect(base.status).toBe(201);
    expect(base.body.reading).toMatchObject({
      baseline: true,
      production_wh: "0",
      consumption_wh: "0",
    });
    await expectRefused(
      m,
      signedBody(m, { timestamp: t + 900, production: 5_000_901, consumption: 7 }),
      422,
      "READING_OVER_CAPACITY",
    );
    const next = await submit(
      signedBody(m, { timestamp: t + 900, production: 5_000_900, consumption: 10 ** 12 }),
    );
    expect(next.status).toBe(201);
    expect(next.body.reading).toMatchObject({
      baseline: false,
      production_wh: "900",
      consumption_wh: String(10 ** 12 - 7),
    });
    const row = await fx.tdb.db.query.meterReadings.findFirst({
      where: (x, { eq }) => eq(x.id, next.body.reading.id),
    });
    expect([row?.productionWh, row?.consumptionWh, row?.productionRegisterWh]).toEqual([
      900n,
      BigInt(10 ** 12 - 7),
      5_000_900n,
    ]);
    // Floor: 1000 W over 7 s is 1.94 Wh, so 2 Wh is too much.
    const small = await fx.meter({ capacityW: 1_000 });
    expect((await submit(signedBody(small, { timestamp: t, production: 0 }))).status).toBe(201);
    await expectRefused(
      small,
      signedBody(small, { timestamp: t + 7, production: 2 }),
      422,
      "READING_OVER_CAPACITY",
    );
    expect((await submit(signedBody(small, { timestamp: t + 7, production: 1 }))).status).toBe(201);
    // A huge but well-formed register passes the schema and meets the capacity rule.
    await expectRefused(
      m,
      signedBody(m, {
        timestamp: t + 1_000,
        production: "9223372036854775807",
        consumption: 10 ** 12,
      }),
      422,
      "READING_OVER_CAPACITY",
    );
  });

  it("refuses registers that go backwards (422 READING_REGISTER_DECREASED), production or consumption", async () => {
    const m = await fx.meter();
    const t = nowSecs() - 600;
    expect(
      (await submit(signedBody(m, { timestamp: t, production: 1_000, consumption: 500 }))).status,
    ).toBe(201);
    await expectRefused(
      m,
      signedBody(m, { timestamp: t + 60, production: 999, consumption: 500 }),
      422,
      "READING_REGISTER_DECREASED",
    );
    await expectRefused(
      m,
      signedBody(m, { timestamp: t + 60, production: 1_000, consumption: 499 }),
      422,
      "READING_REGISTER_DECREASED",
    );
    expect(
      (await submit(signedBody(m, { timestamp: t + 60, production: 1_000, consumption: 500 })))
        .status,
    ).toBe(201);
  });

  it("refuses a baseline older than the meter's activation (422 READING_BEFORE_ACTIVATION); a reactivation starts a new baseline", async () => {
    const m = await fx.meter();
    const t = nowSecs() - 3_600;
    await fx.tdb.db
      .update(meters)
      .set({ activatedAt: new Date(t * 1000) })
      .where(eq(meters.meterId, m.meterId));
    await expectRefused(
      m,
      signedBody(m, { timestamp: t - 1, production: 0 }),
      422,
      "READING_BEFORE_ACTIVATION",
    );
    expect((await submit(signedBody(m, { timestamp: t, production: 100 }))).status).toBe(201);
    expect(
      (await submit(signedBody(m, { timestamp: t + 60, production: 110 }))).body.reading,
    ).toMatchObject({ baseline: false, production_wh: "10" });
    // Reactivated later: the next reading is measured from nothing (what the chain does too).
    await fx.tdb.db
      .update(meters)
      .set({ activatedAt: new Date((t + 600) * 1000) })
      .where(eq(meters.meterId, m.meterId));
    await expectRefused(
      m,
      signedBody(m, { timestamp: t + 300, production: 500 }),
      422,
      "READING_BEFORE_ACTIVATION",
    );
    expect(
      (await submit(signedBody(m, { timestamp: t + 600, production: 900_000 }))).body.reading,
    ).toMatchObject({ baseline: true, production_wh: "0" });
  });

  it("a delayed older reading is stored as covered (201, 0 Wh, never sent) when its registers fit between its neighbours; otherwise refused", async () => {
    const m = await fx.meter({ capacityW: 3_600 }); // 1 Wh per second
    const t = nowSecs() - 3_600;
    await submit(signedBody(m, { timestamp: t, production: 0, consumption: 0 }));
    await submit(signedBody(m, { timestamp: t + 1_800, production: 1_500, consumption: 40 }));
    const late = await submit(
      signedBody(m, { timestamp: t + 900, production: 700, consumption: 20 }),
    );
    expect(late.status).toBe(201);
    expect(late.body.reading).toMatchObject({
      covered: true,
      baseline: false,
      production_wh: "0",
      consumption_wh: "0",
    });
    const row = await fx.tdb.db.query.meterReadings.findFirst({
      where: (x, { eq }) => eq(x.id, late.body.reading.id),
    });
    expect(row).toMatchObject({ state: "covered", productionWh: 0n, productionRegisterWh: 700n });
    // The energy is counted once, by the newer reading.
    const rows = await fx.tdb.db.query.meterReadings.findMany({
      where: (x, { eq }) => eq(x.meterId, m.meterId),
    });
    expect(rows.reduce((n, r) => n + r.productionWh, 0n)).toBe(1_500n);
    // A replay of the covered reading is a duplicate.
    const again = await submit(
      signedBody(m, { timestamp: t + 900, production: 700, consumption: 20 }),
    );
    expect({ status: again.status, id: again.body.reading.id }).toEqual({
      status: 200,
      id: late.body.reading.id,
    });
    // Registers outside its neighbours', or a jump over capacity from the left one: refused.
    await expectRefused(
      m,
      signedBody(m, { timestamp: t + 1_000, production: 1_600, consumption: 30 }),
      422,
      "READING_REGISTER_DECREASED",
    );
    await expectRefused(
      m,
      signedBody(m, { timestamp: t + 1_000, production: 650, consumption: 30 }),
      422,
      "READING_REGISTER_DECREASED",
    );
    await expectRefused(
      m,
      signedBody(m, { timestamp: t + 300, production: 301, consumption: 0 }),
      422,
      "READING_OVER_CAPACITY",
    );
  });

  it("a delayed reading from before the activation is refused (422 READING_BEFORE_ACTIVATION)", async () => {
    const m = await fx.meter();
    const t = nowSecs() - 3_600;
    await fx.tdb.db
      .update(meters)
      .set({ activatedAt: new Date(t * 1000) })
      .where(eq(meters.meterId, m.meterId));
    await submit(signedBody(m, { timestamp: t, production: 0 }));
    await submit(signedBody(m, { timestamp: t + 600, production: 100 }));
    await expectRefused(
      m,
      signedBody(m, { timestamp: t - 60, production: 0 }),
      422,
      "READING_BEFORE_ACTIVATION",
    );
  });
});

describe("hostile bodies", () => {
  it("refuses malformed JSON, empty bodies and invalid UTF-8 (400 MALFORMED_JSON)", async () => {
    for (const raw of ['{"data": ', "", "{'data': 1}", "[1,]", "NaN", '{"a":1}garbage']) {
      await expectRefused(null, raw, 400, "MALFORMED_JSON");
    }
    const send = (bytes: Uint8Array<ArrayBuffer>) =>
      gw.submit(
        new Request("http://gateway.test/api/meters/submit", {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: bytes,
        }),
      );
    // Invalid UTF-8 and an over-long encoding of "/" (C0 AF) inside a string.
    for (const bytes of [
      Uint8Array.from([0x7b, 0x22, 0xff, 0x22, 0x3a, 0x31, 0x7d]),
      Uint8Array.from([0x22, 0xc0, 0xaf, 0x22]),
    ]) {
      const res = await send(bytes);
      expect(res.status).toBe(400);
      expect(((await res.json()) as ErrorBody).error.code).toBe("MALFORMED_JSON");
    }
  });

  it("refuses other media types and compressed bodies (415)", async () => {
    const m = await fx.meter();
    const body = signedBody(m, { timestamp: nowSecs() - 60 });
    for (const type of [
      "text/plain",
      "application/x-www-form-urlencoded",
      "application/json; charset=latin1",
      "application/jsonx",
      "",
    ]) {
      await expectRefused(m, body, 415, "UNSUPPORTED_MEDIA_TYPE", { "content-type": type });
    }
    await expectRefused(m, body, 415, "UNSUPPORTED_MEDIA_TYPE", { "content-encoding": "gzip" });
    // The accepted spellings.
    const ok = await submit(body, { "content-type": "Application/JSON; charset=UTF-8" });
    expect(ok.status).toBe(201);
  });

  it("refuses an oversize body by its Content-Length and by counting a streamed body (413)", async () => {
    const m = await fx.meter();
    const big = {
      ...signedBody(m, { timestamp: nowSecs() - 60 }),
      pad: "x".repeat(TEST_CONFIG.maxSubmitBytes),
    };
    await expectRefused(m, big, 413, "PAYLOAD_TOO_LARGE");
    // No Content-Length: an endless stream is cut off after the cap, not buffered to the end.
    let pulled = 0;
    const endless = new ReadableStream<Uint8Array>({
      pull(controller) {
        pulled += 1024;
        controller.enqueue(new Uint8Array(1024).fill(0x20));
      },
    });
    const res = await gw.submit(
      new Request("http://gateway.test/api/meters/submit", {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: endless,
        duplex: "half",
      } as RequestInit),
    );
    expect(res.status).toBe(413);
    expect(pulled).toBeLessThan(TEST_CONFIG.maxSubmitBytes + 64 * 1024);
  });

  it("refuses deeply nested JSON and non-object bodies (400 VALIDATION_FAILED)", async () => {
    const depth = 3_000;
    await expectRefused(
      null,
      `{"data":${"[".repeat(depth)}${"]".repeat(depth)},"signature":"x","public_key":"y"}`,
      400,
      "VALIDATION_FAILED",
    );
    await expectRefused(null, `${"[".repeat(depth)}${"]".repeat(depth)}`, 400, "VALIDATION_FAILED");
    for (const raw of ["null", "1", '"a string"', "[]", "true", "{}"])
      await expectRefused(null, raw, 400, "VALIDATION_FAILED");
  });

  it("refuses missing and extra fields, including __proto__", async () => {
    const m = await fx.meter();
    const body = signedBody(m, { timestamp: nowSecs() - 60 });
    const { signature: _s, ...noSig } = body;
    await expectRefused(m, noSig, 400, "VALIDATION_FAILED");
    const { timestamp: _t, ...noTs } = body.data;
    await expectRefused(m, { ...body, data: noTs }, 400, "VALIDATION_FAILED");
    await expectRefused(m, { ...body, extra: 1 }, 400, "VALIDATION_FAILED");
    await expectRefused(
      m,
      { ...body, data: { ...body.data, zone: "z9" } },
      400,
      "VALIDATION_FAILED",
    );
    const proto = JSON.stringify(body).replace('{"data":{', '{"data":{"__proto__":{"admin":true},');
    await expectRefused(m, proto, 400, "VALIDATION_FAILED");
    const r = await expectRefused(m, { ...body, signature: 5 }, 400, "VALIDATION_FAILED");
    expect(r.body.error.message).toMatch(/signature/);
  });

  it("refuses negative, fractional, huge and mistyped numbers", async () => {
    const m = await fx.meter();
    const t = nowSecs() - 60;
    const body = signedBody(m, { timestamp: t });
    const bad: unknown[] = [
      -1,
      1.5,
      1e30,
      2 ** 53,
      "18446744073709551615",
      "9223372036854775808",
      "-1",
      "007",
      "0x10",
      "1e3",
      " 1",
      "",
      null,
      true,
      [1],
      { n: 1 },
    ];
    for (const production of bad) {
      await expectRefused(
        m,
        { ...body, data: { ...body.data, production_register: production } },
        400,
        "VALIDATION_FAILED",
      );
    }
    const safe = await expectRefused(
      m,
      { ...body, data: { ...body.data, consumption_register: 2 ** 60 } },
      400,
      "VALIDATION_FAILED",
    );
    expect(safe.body.error.message).toMatch(/decimal string/);
    for (const timestamp of [
      t + 0.5,
      `${t}`,
      "2026-01-01 00:00:00",
      "2026-01-01T00:00:00+07:00",
      "2026-01-01T00:00:00.123Z",
      "2026-02-30T00:00:00Z",
      1e300,
      null,
    ]) {
      await expectRefused(
        m,
        { ...body, data: { ...body.data, timestamp } },
        400,
        "VALIDATION_FAILED",
      );
    }
  });

  it("refuses malformed meter ids, keys and signatures; injection strings reach no SQL", async () => {
    const m = await fx.meter();
    const t = nowSecs() - 60;
    const body = signedBody(m, { timestamp: t });
    const badIds = [
      "",
      "x".repeat(33),
      "é".repeat(17),
      "漢".repeat(11),
      "a\u0000b",
      "tab\there",
      "\u0085",
      "\uD800",
      "x\uDFFF",
    ];
    for (const meter_id of badIds) {
      await expectRefused(
        m,
        { ...body, data: { ...body.data, meter_id } },
        400,
        "VALIDATION_FAILED",
      );
    }
    for (const signature of [
      "",
      "g".repeat(128),
      "l".repeat(88),
      "zz",
      bs58.encode(crypto.randomBytes(63)),
      "A".repeat(85) + "B==",
    ]) {
      await expectRefused(m, { ...body, signature }, 400, "VALIDATION_FAILED");
    }
    for (const public_key of [
      bs58.encode(crypto.randomBytes(31)),
      "0x" + "ab".repeat(32),
      "I".repeat(44),
    ]) {
      await expectRefused(m, { ...body, public_key }, 400, "VALIDATION_FAILED");
    }
    // Valid-looking ids that are not registered: SQL text, a right-to-left override, a homoglyph.
    const attacker = await fx.meter();
    for (const meterId of [
      "'; drop table meters; --",
      "x' or '1'='1",
      `${m.meterId}\u202E`,
      m.meterId.replace("-", "\u2010"),
      "%00",
      "../../etc",
    ]) {
      const forged = signedBody({ ...attacker, meterId }, { timestamp: t });
      await expectRefused(null, forged, 404, "METER_UNKNOWN");
    }
    expect(await getMeterByMeterId(fx.tdb.db, { meterId: m.meterId })).toBeDefined();
  });
});

describe("rate limits", () => {
  it("limits requests per client IP with 429 and Retry-After, before reading the body", async () => {
    const g = fx.gateway({
      policies: { "meter:ip": { limit: 2, window: "60 s", prefix: `t:mg:${fx.run}:ip-tight` } },
    });
    const m = await fx.meter();
    const t = nowSecs() - 600;
    const ip = { "x-forwarded-for": "198.51.100.9, 10.0.0.1" };
    for (let i = 0; i < 2; i++) {
      const r = await g.submit(
        jsonRequest("/api/meters/submit", signedBody(m, { timestamp: t + i }), ip),
      );
      expect(r.status).toBe(201);
    }
    const before = await readingCount(fx.tdb, m.meterId);
    const limited = await g.submit(
      jsonRequest("/api/meters/submit", signedBody(m, { timestamp: t + 5 }), ip),
    );
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get("retry-after"))).toBeGreaterThanOrEqual(1);
    expect(((await limited.json()) as ErrorBody).error.code).toBe("RATE_LIMITED");
    // Even garbage from that address is refused for the rate, not parsed.
    const junk = await g.submit(jsonRequest("/api/meters/submit", "{{{", ip));
    expect(junk.status).toBe(429);
    expect(await readingCount(fx.tdb, m.meterId)).toBe(before);
    const elsewhere = await g.submit(
      jsonRequest("/api/meters/submit", signedBody(m, { timestamp: t + 6 }), {
        "x-forwarded-for": "198.51.100.10",
      }),
    );
    expect(elsewhere.status).toBe(201);
  });

  it("limits per meter after authentication, so forged readings spend nothing", async () => {
    const g = fx.gateway({
      policies: { "meter:submit": { limit: 2, window: "60 s", prefix: `t:mg:${fx.run}:m-tight` } },
    });
    const m = await fx.meter();
    const other = await fx.meter();
    const t = nowSecs() - 600;
    const forged = signedBody(m, { timestamp: t });
    forged.signature = bs58.encode(crypto.randomBytes(64));
    for (let i = 0; i < 5; i++)
      expect((await g.submit(jsonRequest("/api/meters/submit", forged))).status).toBe(401);
    for (let i = 0; i < 2; i++) {
      expect(
        (await g.submit(jsonRequest("/api/meters/submit", signedBody(m, { timestamp: t + i }))))
          .status,
      ).toBe(201);
    }
    const limited = await g.submit(
      jsonRequest("/api/meters/submit", signedBody(m, { timestamp: t + 2 })),
    );
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get("retry-after"))).toBeGreaterThanOrEqual(1);
    expect(await readingCount(fx.tdb, m.meterId)).toBe(2);
    expect(
      (await g.submit(jsonRequest("/api/meters/submit", signedBody(other, { timestamp: t }))))
        .status,
    ).toBe(201);
  });
});

interface BatchBody {
  stored: number;
  duplicates: number;
  rejected: number;
  results: {
    index: number;
    status: number;
    id?: number;
    duplicate?: boolean;
    meter_id?: string;
    timestamp?: number;
    error?: { code: string; message: string };
  }[];
}

async function batch(readings: unknown, g: MeterGateway = gw) {
  const res = await g.submitBatch(
    jsonRequest("/api/meters/submit-batch", typeof readings === "string" ? readings : { readings }),
  );
  return { status: res.status, body: (await res.json()) as BatchBody & ErrorBody };
}

describe("submit-batch", () => {
  it("stores the good items of a mixed batch and says exactly which, item by item", async () => {
    const a = await fx.meter();
    const b = await fx.meter();
    const pending = await fx.meter({ status: "pending" });
    const t = nowSecs() - 3_000;
    const good1 = signedBody(a, { timestamp: t });
    const good2 = signedBody(b, { timestamp: t });
    const badSig = {
      ...signedBody(a, { timestamp: t + 60 }),
      signature: bs58.encode(crypto.randomBytes(64)),
    };
    const items = [
      good1,
      { nonsense: true },
      badSig,
      signedBody(a, { timestamp: nowSecs() + 3_600 }),
      good2,
      signedBody(pending, { timestamp: t }),
      signedBody(b, { timestamp: t, production: 7 }), // same ts as good2, other amounts
      good1, // replay inside the batch
      signedBody(a, { timestamp: t + 120, production: 10 ** 9 }),
      "not an object",
    ];
    const before = await readingCount(fx.tdb);
    const r = await batch(items);
    expect(r.status).toBe(207);
    const codes = r.body.results.map((x) => x.error?.code ?? x.status);
    expect(codes).toEqual([
      201,
      "VALIDATION_FAILED",
      "READING_BAD_SIGNATURE",
      "READING_CLOCK_SKEW",
      201,
      "METER_INACTIVE",
      "READING_CONFLICT",
      200,
      "READING_OVER_CAPACITY",
      "VALIDATION_FAILED",
    ]);
    expect(r.body.results.map((x) => x.index)).toEqual(items.map((_, i) => i));
    expect(r.body.results[7]).toMatchObject({ duplicate: true, id: r.body.results[0]!.id });
    expect(r.body.results[2]).toMatchObject({ meter_id: a.meterId, timestamp: t + 60 });
    expect({
      stored: r.body.stored,
      duplicates: r.body.duplicates,
      rejected: r.body.rejected,
    }).toEqual({ stored: 2, duplicates: 1, rejected: 7 });
    expect(await readingCount(fx.tdb)).toBe(before + 2);
    expect(await readingCount(fx.tdb, pending.meterId)).toBe(0);
  });

  it("orders one meter's readings by timestamp inside a batch, measuring capacity from the previous one", async () => {
    const m = await fx.meter({ capacityW: 3_600 });
    const t = nowSecs() - 10_000;
    const shuffled = [5, 1, 4, 2, 3].map((k) =>
      signedBody(m, { timestamp: t + k * 100, production: 100 }),
    );
    // +150 s after t+100 only allows 150 Wh; this one claims 151 at t+250 and is refused.
    shuffled.push(signedBody(m, { timestamp: t + 250, production: 151 }));
    const r = await batch(shuffled);
    expect(r.status).toBe(207);
    expect(r.body.results.map((x) => x.status)).toEqual([201, 201, 201, 201, 201, 422]);
    const ids = r.body.results.slice(0, 5).map((x) => ({ t: x.timestamp!, id: x.id! }));
    ids.sort((x, y) => x.t - y.t);
    expect(ids.map((x) => x.id)).toEqual([...ids.map((x) => x.id)].sort((x, y) => x - y));
  });

  it("refuses a batch over the maximum whole (413 BATCH_TOO_LARGE) and stores none of it", async () => {
    const m = await fx.meter();
    const t = nowSecs() - 10_000;
    const items = Array.from({ length: TEST_CONFIG.batchMax + 1 }, (_, i) =>
      signedBody(m, { timestamp: t + i, production: 0 }),
    );
    const r = await batch(items);
    expect(r.status).toBe(413);
    expect(r.body.error.code).toBe("BATCH_TOO_LARGE");
    expect(await readingCount(fx.tdb, m.meterId)).toBe(0);
    // Exactly the maximum is fine.
    const ok = await batch(items.slice(0, TEST_CONFIG.batchMax));
    expect(ok.status).toBe(207);
    expect(ok.body.stored).toBe(TEST_CONFIG.batchMax);
    expect(await readingCount(fx.tdb, m.meterId)).toBe(TEST_CONFIG.batchMax);
  });

  it("refuses bad envelopes and oversize bodies whole", async () => {
    const m = await fx.meter();
    const before = await readingCount(fx.tdb);
    const one = signedBody(m, { timestamp: nowSecs() - 60 });
    for (const raw of [
      { readings: [] },
      { readings: "x" },
      { reading: [one] },
      { readings: [one], extra: 1 },
      [one],
      null,
    ]) {
      const r = await batch(JSON.stringify(raw));
      expect({ status: r.status, code: r.body.error.code }).toEqual({
        status: 400,
        code: "VALIDATION_FAILED",
      });
    }
    const r = await batch(
      JSON.stringify({ readings: [one], pad: "x".repeat(TEST_CONFIG.maxBatchBytes) }),
    );
    expect({ status: r.status, code: r.body.error.code }).toEqual({
      status: 413,
      code: "PAYLOAD_TOO_LARGE",
    });
    const bad = await batch('{"readings": [');
    expect(bad.body.error.code).toBe("MALFORMED_JSON");
    expect(await readingCount(fx.tdb)).toBe(before);
  });

  it("limits a batch per meter once per request: a limited meter's items get 429, others are stored", async () => {
    const g = fx.gateway({
      policies: { "meter:submit": { limit: 1, window: "60 s", prefix: `t:mg:${fx.run}:m-batch` } },
    });
    const a = await fx.meter();
    const b = await fx.meter();
    const t = nowSecs() - 3_000;
    const first = await batch(
      [signedBody(a, { timestamp: t }), signedBody(a, { timestamp: t + 1 })],
      g,
    );
    expect(first.body.stored).toBe(2);
    const second = await batch(
      [signedBody(a, { timestamp: t + 2 }), signedBody(b, { timestamp: t })],
      g,
    );
    expect(second.body.results.map((x) => x.error?.code ?? x.status)).toEqual([
      "RATE_LIMITED",
      201,
    ]);
    expect(await readingCount(fx.tdb, a.meterId)).toBe(2);
  });
});
