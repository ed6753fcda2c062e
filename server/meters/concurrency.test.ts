/**
 * Races on one meter, on PostgreSQL (when it answers) and on PGlite: whatever order parallel
 * submissions commit in, the readings that will go to the chain (state pending) are strictly newer
 * than the one accepted before them, the delayed ones are kept as covered (0 Wh), every
 * acknowledged reading has its row, and the energy booked is exactly the newest register minus the
 * baseline's: reordering loses and duplicates nothing. Two gateway instances (two caches, two
 * group-commit writers) share the database, as two app instances would.
 */
import crypto from "node:crypto";
import { sql } from "drizzle-orm";
import { rowsOf } from "~/db/rows";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DbDriver } from "~/db/client";
import { getMeterByMeterId } from "~/db/queries/meters";
import type { MeterGateway } from "./gateway";
import {
  createGatewayFixture,
  jsonRequest,
  nowSecs,
  readingCount,
  signedBody,
  type GatewayFixture,
  type TestMeter,
} from "./test-support";

function shuffle<T>(xs: T[]): T[] {
  const a = [...xs];
  for (let i = a.length - 1; i > 0; i--) {
    const j = crypto.randomInt(i + 1);
    [a[i], a[j]] = [a[j]!, a[i]!];
  }
  return a;
}

interface Answer {
  status: number;
  code?: string;
  id?: number;
  timestamp: number;
}

async function post(gw: MeterGateway, body: ReturnType<typeof signedBody>): Promise<Answer> {
  const res = await gw.submit(jsonRequest("/api/meters/submit", body));
  const json = (await res.json()) as { reading?: { id: number }; error?: { code: string } };
  return {
    status: res.status,
    code: json.error?.code,
    id: json.reading?.id,
    timestamp: body.data.timestamp,
  };
}

interface Row {
  id: number;
  t: number;
  state: string;
  /** production register and the interval's production, Wh */
  reg: string;
  wh: string;
}

function readingRows(fx: GatewayFixture, meterId: string): Promise<Row[]> {
  return rowsOf<Row>(
    fx.tdb.db,
    sql`select id::float8 as id, extract(epoch from reading_at)::float8 as t, state::text as state,
               production_register_wh::text as reg, production_wh::text as wh
        from meter_readings where meter_id = ${meterId} order by id`,
  );
}

/** A register that grows with time, as a meter's does: 3 Wh per 10 s. */
const registerAt = (base: number, t: number) => ((t - base) / 10) * 3 + 1_000;

/**
 * The invariants: every reading is acknowledged once and has its row; the pending rows' ids and
 * timestamps rise together; each covered row came after a newer pending one; the energy booked is
 * the newest register minus the baseline's (the first row).
 */
async function checkMeter(fx: GatewayFixture, meter: TestMeter, answers: Answer[]) {
  const rows = await readingRows(fx, meter.meterId);
  expect(answers.filter((a) => a.status !== 201)).toEqual([]);
  expect(rows.length).toBe(answers.length);
  const byId = new Map(rows.map((r) => [r.id, r.t]));
  for (const a of answers) expect(byId.get(a.id!)).toBe(a.timestamp);
  const pending = rows.filter((r) => r.state === "pending");
  for (let k = 1; k < pending.length; k++) expect(pending[k]!.t).toBeGreaterThan(pending[k - 1]!.t);
  for (const c of rows.filter((r) => r.state === "covered")) {
    expect(c.wh).toBe("0");
    expect(pending.some((p) => p.id < c.id && p.t > c.t)).toBe(true);
  }
  expect(rows[0]!.state).toBe("pending"); // the baseline
  const booked = rows.reduce((n, r) => n + BigInt(r.wh), 0n);
  expect(booked).toBe(BigInt(pending.at(-1)!.reg) - BigInt(rows[0]!.reg));
  const m = await getMeterByMeterId(fx.tdb.db, { meterId: meter.meterId });
  expect(m?.lastReadingAt?.getTime()).toBe(Math.max(...answers.map((a) => a.timestamp)) * 1000);
}

for (const driver of ["postgres", "pglite"] as DbDriver[]) {
  const available = driver === "pglite" || !!process.env.TEST_POSTGRES_URL;
  describe.runIf(available)(`on ${driver}`, () => {
    let fx: GatewayFixture;
    let gateways: MeterGateway[];

    beforeAll(async () => {
      fx = await createGatewayFixture({ driver });
      // One batching writer, and one that commits every request alone, so that rows race both
      // inside a group and across transactions.
      gateways = [fx.gateway(), fx.gateway({ writer: { maxConcurrent: 8, maxGroup: 1 } })];
    });
    afterAll(async () => {
      await fx?.close();
    });

    it("50 parallel submissions in random order: pending rows strictly increase, late ones are covered, every 201 has its row, energy exact", async () => {
      for (let round = 0; round < 3; round++) {
        const m = await fx.meter();
        const base = nowSecs() - 20_000;
        const bodies = shuffle(
          Array.from({ length: 50 }, (_, i) =>
            signedBody(m, {
              timestamp: base + i * 10,
              production: registerAt(base, base + i * 10),
            }),
          ),
        );
        const answers = await Promise.all(bodies.map((b, i) => post(gateways[i % 2]!, b)));
        await checkMeter(fx, m, answers);
      }
    });

    it("20 parallel copies of one reading: one 201, the rest 200 duplicates of the same id", async () => {
      const m = await fx.meter();
      const body = signedBody(m, { timestamp: nowSecs() - 100 });
      const answers = await Promise.all(
        Array.from({ length: 20 }, (_, i) => post(gateways[i % 2]!, body)),
      );
      const statuses = answers.map((a) => a.status).sort((a, b) => a - b);
      expect(statuses).toEqual([...Array<number>(19).fill(200), 201]);
      expect(new Set(answers.map((a) => a.id)).size).toBe(1);
      expect(await readingCount(fx.tdb, m.meterId)).toBe(1);
    });

    it("10 parallel different readings at one timestamp: one 201, the rest 409 READING_CONFLICT", async () => {
      const m = await fx.meter();
      const t = nowSecs() - 100;
      const answers = await Promise.all(
        Array.from({ length: 10 }, (_, i) =>
          post(gateways[i % 2]!, signedBody(m, { timestamp: t, production: i })),
        ),
      );
      expect(answers.filter((a) => a.status === 201)).toHaveLength(1);
      for (const a of answers.filter((x) => x.status !== 201))
        expect(a.code).toBe("READING_CONFLICT");
      expect(await readingCount(fx.tdb, m.meterId)).toBe(1);
    });

    it("parallel batches over overlapping meters keep every meter's pending rows strictly increasing and its energy exact", async () => {
      const meters = await Promise.all(Array.from({ length: 4 }, () => fx.meter()));
      const base = nowSecs() - 50_000;
      // 6 batches; each holds 10 readings per meter at interleaved timestamps.
      const batches = Array.from({ length: 6 }, (_, b) =>
        shuffle(
          meters.flatMap((m) =>
            Array.from({ length: 10 }, (_, k) =>
              signedBody(m, {
                timestamp: base + (k * 6 + b) * 10,
                production: registerAt(base, base + (k * 6 + b) * 10),
              }),
            ),
          ),
        ),
      );
      const answers = await Promise.all(
        batches.map(async (readings, b) => {
          const res = await gateways[b % 2]!.submitBatch(
            jsonRequest("/api/meters/submit-batch", { readings }),
          );
          expect(res.status).toBe(207);
          const json = (await res.json()) as {
            results: { status: number; id?: number; error?: { code: string } }[];
          };
          return json.results.map((r, i) => ({
            meterId: readings[i]!.data.meter_id,
            answer: {
              status: r.status,
              code: r.error?.code,
              id: r.id,
              timestamp: readings[i]!.data.timestamp,
            },
          }));
        }),
      );
      const flat = answers.flat();
      for (const m of meters) {
        await checkMeter(
          fx,
          m,
          flat.filter((x) => x.meterId === m.meterId).map((x) => x.answer),
        );
      }
    });
  });
}
