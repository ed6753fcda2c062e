/**
 * claimMintBatch under contention: two pollers claiming at the same moment each get their share
 * of the meters with work, never the same meter (a run that backs off from a meter the other just
 * leased claims others instead of coming back empty).
 */
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { rowsOf } from "../rows";
import { createTestDb, type TestDb } from "../testing";
import { claimMintBatch } from "./mint-jobs";

let tdb: TestDb;
const METERS = ["claim-a", "claim-b", "claim-c", "claim-d"];

beforeAll(async () => {
  tdb = await createTestDb();
  const [owner] = await rowsOf<{ id: string }>(
    tdb.db,
    sql`insert into users (wallet_address) values ('ClaimOwner1111111111111111111111111111111111') returning id`,
  );
  const ownerId = owner!.id;
  for (const [i, meterId] of METERS.entries()) {
    await tdb.db.execute(
      sql`insert into meters (meter_id, owner_id, public_key, type, zone, rated_capacity_w, status)
          values (${meterId}, ${ownerId}, ${`claim-key-${i}`}, 'solar', '1', 5000, 'active')`,
    );
    for (let k = 0; k < 3; k++)
      await tdb.db.execute(
        sql`insert into meter_readings (meter_id, production_register_wh, consumption_register_wh, production_wh, consumption_wh, reading_at, meter_signature)
            values (${meterId}, ${100 * k}, 0, ${k === 0 ? 0 : 100}, 0, to_timestamp(${1_767_225_600 + 60 * k}), ${`sig-${i}-${k}`})`,
      );
  }
}, 60_000);

afterAll(async () => {
  await tdb?.close();
});

describe("claimMintBatch", () => {
  it("two claims at once split the meters between them, each meter to one", async () => {
    for (let round = 0; round < 30; round++) {
      const claim = () => claimMintBatch(tdb.db, { maxMeters: 2, maxPerMeter: 10, leaseMs: 60_000 });
      const [x, y] = await Promise.all([claim(), claim()]);
      const xs = new Set(x.map((r) => r.meterId));
      const ys = new Set(y.map((r) => r.meterId));
      expect([xs.size, ys.size]).toEqual([2, 2]);
      expect([...xs].filter((m) => ys.has(m))).toEqual([]);
      expect(x.length + y.length).toBe(12); // every open reading of the 4 meters, once
      await tdb.db.execute(sql`update meter_readings set locked_until = null`);
    }
  });
});
