/**
 * The committed migrations apply, twice without harm, on PGlite (always, explicitly) and on the
 * default test database (PostgreSQL when TEST_POSTGRES_URL is set). The constraints the schema
 * promises are really enforced by the database, and bigint amounts round-trip exactly.
 */
import { eq, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { migrateDb } from "./migrate";
import { auditLog, ercCertificates, meterReadings, meters, orders, trades, users } from "./schema";
import { createTestDb, type TestDb } from "./testing";

/** The SQLSTATE of a failed query, whichever driver (and drizzle wrapper) raised it. */
async function sqlState(promise: PromiseLike<unknown>): Promise<string> {
  try {
    await promise;
  } catch (err) {
    let cur: unknown = err;
    for (let i = 0; i < 5 && cur; i++) {
      if (typeof cur === "object" && "code" in cur && typeof cur.code === "string") return cur.code;
      cur = cur instanceof Error ? cur.cause : undefined;
    }
    throw err;
  }
  throw new Error("expected the statement to fail");
}

const CHECK_VIOLATION = "23514";
const UNIQUE_VIOLATION = "23505";
const FK_VIOLATION = "23503";
const BAD_ENUM = "22P02";

let walletCounter = 0;
const wallet = () => `Wallet${String(++walletCounter).padStart(3, "0")}xxxxxxxxxxxxxxxxxxxxxxxxxx`;

const targets = [
  { label: "PGlite (explicit)", driver: "pglite" as const },
  {
    label: process.env.TEST_POSTGRES_URL ? "PostgreSQL (TEST_POSTGRES_URL)" : "default (PGlite)",
    driver: undefined,
  },
];

describe.each(targets)("schema on $label", ({ driver }) => {
  let tdb: TestDb;
  beforeAll(async () => {
    tdb = await createTestDb(driver ? { driver } : {});
  });
  afterAll(async () => {
    await tdb.close();
  });

  it("has every table, and migrating again is a no-op", async () => {
    const names = async () => {
      const rows = await tdb.db.execute<{ table_name: string }>(
        sql`select table_name from information_schema.tables where table_schema = 'public' order by 1`,
      );
      // postgres-js returns an array; PGlite returns { rows }.
      const list = Array.isArray(rows) ? rows : (rows as { rows: unknown[] }).rows;
      return (list as { table_name: string }[]).map((r) => r.table_name);
    };
    const before = await names();
    expect(before).toEqual([
      "api_keys",
      "audit_log",
      "auth_nonces",
      "bridge_config",
      "bridge_deposits",
      "bridge_service_cursors",
      "bridge_service_deposits",
      "bridge_service_withdrawals",
      "bridge_withdrawals",
      "counters",
      "erc_certificates",
      "indexer_cursors",
      "indexer_dead_letters",
      "matcher_lease",
      "matcher_runs",
      "meter_readings",
      "meters",
      "mints",
      "orders",
      "prices",
      "sessions",
      "trades",
      "trading_fills",
      "trading_market",
      "trading_orders",
      "users",
    ]);
    await migrateDb({ db: tdb.db, driver: tdb.driver, location: tdb.url });
    expect(await names()).toEqual(before);
  });

  it("stores Wh and THBC amounts above 2^53 exactly (bigint mode)", async () => {
    const [u] = await tdb.db.insert(users).values({ walletAddress: wallet() }).returning();
    await tdb.db.insert(meters).values({
      meterId: "M-BIG",
      ownerId: u!.id,
      publicKey: "pk-big",
      type: "solar",
      zone: "BKK-1",
      ratedCapacityW: 5000,
    });
    const huge = 2n ** 62n + 7n;
    await tdb.db.insert(meterReadings).values({
      meterId: "M-BIG",
      productionRegisterWh: huge,
      consumptionRegisterWh: huge,
      productionWh: huge,
      consumptionWh: 0n,
      readingAt: new Date("2025-01-01T00:00:00Z"),
      meterSignature: "sig",
    });
    const [r] = await tdb.db.select().from(meterReadings).where(eq(meterReadings.meterId, "M-BIG"));
    expect(r?.productionWh).toBe(huge);
    expect(r?.consumptionRegisterWh).toBe(huge);
    expect(typeof r?.productionWh).toBe("bigint");
    expect(r).toMatchObject({ state: "pending", minted: false, attempts: 0 });
  });

  it("enforces the constraints: amounts, uniqueness, references, enums", async () => {
    const [seller] = await tdb.db.insert(users).values({ walletAddress: wallet() }).returning();
    const [buyer] = await tdb.db
      .insert(users)
      .values({ walletAddress: wallet(), role: "consumer" })
      .returning();
    await tdb.db.insert(meters).values({
      meterId: "M-1",
      ownerId: seller!.id,
      publicKey: "pk-1",
      type: "solar",
      zone: "BKK-1",
      ratedCapacityW: 5000,
    });
    const reading = {
      meterId: "M-1",
      productionRegisterWh: 110n,
      consumptionRegisterWh: 52n,
      productionWh: 10n,
      consumptionWh: 2n,
      readingAt: new Date("2025-01-01T00:15:00Z"),
      meterSignature: "sig",
    };
    await tdb.db.insert(meterReadings).values(reading);

    // One reading per meter and timestamp.
    expect(await sqlState(tdb.db.insert(meterReadings).values(reading))).toBe(UNIQUE_VIOLATION);
    // No negative energy.
    expect(
      await sqlState(
        tdb.db
          .insert(meterReadings)
          .values({ ...reading, readingAt: new Date("2025-01-01T00:30:00Z"), productionWh: -1n }),
      ),
    ).toBe(CHECK_VIOLATION);
    // No negative register.
    expect(
      await sqlState(
        tdb.db
          .insert(meterReadings)
          .values({
            ...reading,
            readingAt: new Date("2025-01-01T00:45:00Z"),
            consumptionRegisterWh: -1n,
          }),
      ),
    ).toBe(CHECK_VIOLATION);
    // Readings only for known meters.
    expect(
      await sqlState(tdb.db.insert(meterReadings).values({ ...reading, meterId: "M-nope" })),
    ).toBe(FK_VIOLATION);
    // Meters have a positive rating; wallets are unique.
    expect(
      await sqlState(
        tdb.db.insert(meters).values({
          meterId: "M-2",
          ownerId: seller!.id,
          publicKey: "pk-2",
          type: "solar",
          zone: "Z",
          ratedCapacityW: 0,
        }),
      ),
    ).toBe(CHECK_VIOLATION);
    expect(
      await sqlState(tdb.db.insert(users).values({ walletAddress: seller!.walletAddress })),
    ).toBe(UNIQUE_VIOLATION);
    expect(
      await sqlState(
        tdb.db.execute(
          sql`insert into users (wallet_address, role) values (${wallet()}, 'superuser')`,
        ),
      ),
    ).toBe(BAD_ENUM);

    // Orders: positive amount and price, fills within the amount, green sells need an ERC.
    const order = {
      userId: seller!.id,
      side: "sell" as const,
      amountWh: 1000n,
      pricePerKwh: 4_000_000n,
    };
    expect(await sqlState(tdb.db.insert(orders).values({ ...order, amountWh: 0n }))).toBe(
      CHECK_VIOLATION,
    );
    expect(await sqlState(tdb.db.insert(orders).values({ ...order, pricePerKwh: -1n }))).toBe(
      CHECK_VIOLATION,
    );
    expect(await sqlState(tdb.db.insert(orders).values({ ...order, filledWh: 1001n }))).toBe(
      CHECK_VIOLATION,
    );
    expect(await sqlState(tdb.db.insert(orders).values({ ...order, green: true }))).toBe(
      CHECK_VIOLATION,
    );
    const [sell] = await tdb.db.insert(orders).values(order).returning();
    const [buy] = await tdb.db
      .insert(orders)
      .values({ ...order, userId: buyer!.id, side: "buy" })
      .returning();

    // Trades: no self-trade, money non-negative, one row per (tx, pair).
    const trade = {
      buyOrderId: buy!.id,
      sellOrderId: sell!.id,
      buyerId: buyer!.id,
      sellerId: seller!.id,
      amountWh: 500n,
      pricePerKwh: 4_000_000n,
      totalPrice: 2_000_000n,
      fee: 10_000n,
      txSignature: "tx1",
    };
    await tdb.db.insert(trades).values(trade);
    expect(await sqlState(tdb.db.insert(trades).values(trade))).toBe(UNIQUE_VIOLATION);
    expect(
      await sqlState(
        tdb.db.insert(trades).values({ ...trade, txSignature: "tx2", sellerId: buyer!.id }),
      ),
    ).toBe(CHECK_VIOLATION);
    expect(
      await sqlState(tdb.db.insert(trades).values({ ...trade, txSignature: "tx3", fee: -1n })),
    ).toBe(CHECK_VIOLATION);

    // Certificates: retired + locked never exceed the volume.
    const cert = { certificateId: "ERC-1", meterId: "M-1", ownerId: seller!.id, volumeWh: 100n };
    expect(
      await sqlState(tdb.db.insert(ercCertificates).values({ ...cert, retiredWh: 101n })),
    ).toBe(CHECK_VIOLATION);
    await tdb.db.insert(ercCertificates).values({ ...cert, retiredWh: 60n, lockedWh: 40n });

    // The audit log takes arbitrary JSON details.
    const [entry] = await tdb.db
      .insert(auditLog)
      .values({ actorId: null, actor: "system:test", action: "test.run", details: { n: 1 } })
      .returning();
    expect(entry?.details).toEqual({ n: 1 });
  });
});
