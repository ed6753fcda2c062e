/**
 * meters.*, market.price and admin.* against a real local chain (real programs) and a real
 * database: the user registers with their own key, the admin activates with the operator key,
 * readings go through the real mint poller, and the indexer's replay fills mints and prices.
 */
import bs58 from "bs58";
import { Keypair, LAMPORTS_PER_SOL } from "@solana/web3.js";
import { sql } from "drizzle-orm";
import { rowsOf } from "~/db/rows";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { generateMeterKeyPair } from "~/lib/meter-reading";
import { meterAddress, registryAddress, userAddress } from "~/programs/registry/client";
import { gridMintAddress } from "~/programs/energy_token/client";
import { reindexFromChain } from "~/server/indexer/reindex";
import { INITIAL_FEED_IN_PRICE, INITIAL_RETAIL_PRICE } from "~/server/solana/bootstrap";
import { registerMeter, registerUser } from "~/server/solana/registry-actions";
import { airdrop } from "~/server/solana/tx";
import {
  gridBalance,
  netGeneration,
  series,
  startChainEnv,
  storeSigned,
  type ChainEnv,
} from "~/server/poller/test-support";
import type { RouterOutputs } from "~/lib/trpc/react";
import { chainAuthConfig, signedInBrowser } from "./router-chain-testing";

let env: ChainEnv;
const admin = Keypair.generate();
let auth: ReturnType<typeof chainAuthConfig>;

beforeAll(async () => {
  env = await startChainEnv();
  auth = chainAuthConfig([admin]);
}, 90_000);

afterAll(async () => {
  await env?.close();
});

let n = 0;
async function prosumerWithPendingMeter(capacityW = 5_000) {
  const owner = Keypair.generate();
  await airdrop(env.chain.connection, owner.publicKey, LAMPORTS_PER_SOL);
  const browser = await signedInBrowser(env, auth, owner);
  const userSig = await registerUser(env.chain.programs, {
    wallet: owner,
    userType: "prosumer",
    name: "Roof",
  });
  const keys = generateMeterKeyPair();
  const meterId = `rt-${process.pid}-${++n}`;
  const meterSig = await registerMeter(env.chain.programs, {
    owner,
    meterId,
    meterPublicKey: keys.publicKey,
    ratedCapacityW: capacityW,
    zoneId: 7,
  });
  // What the browser sends after its transactions confirmed: the indexer applies them.
  const signatures = [userSig, meterSig];
  return { owner, browser, keys, meterId, capacityW, signatures };
}

describe("meters router", () => {
  it("registrationData tells the browser the PDAs and whether the wallet is registered on chain", async () => {
    const owner = Keypair.generate();
    await airdrop(env.chain.connection, owner.publicKey, LAMPORTS_PER_SOL);
    const browser = await signedInBrowser(env, auth, owner);
    const before = await browser.call((c) => c.meters.registrationData());
    expect(before).toMatchObject({
      wallet: owner.publicKey.toBase58(),
      userPda: userAddress(owner.publicKey).toBase58(),
      registryPda: registryAddress().toBase58(),
      gridMint: gridMintAddress().toBase58(),
      userRegisteredOnChain: false,
      registryInitialized: true,
    });
    await registerUser(env.chain.programs, { wallet: owner, userType: "prosumer", name: "Ann" });
    expect((await browser.call((c) => c.meters.registrationData())).userRegisteredOnChain).toBe(
      true,
    );
  });

  it("syncFromChain mirrors the user and the pending meter read from the chain; mine lists it", async () => {
    const { browser, keys, meterId, owner, signatures } = await prosumerWithPendingMeter(3_000);
    expect(await browser.call((c) => c.meters.mine())).toEqual([]);
    const synced = await browser.call((c) => c.meters.syncFromChain({ signatures, meterId }));
    expect(synced.userRegistered).toBe(true);
    expect(synced.meter).toMatchObject({
      meterId,
      publicKey: bs58.encode(keys.publicKey),
      type: "solar",
      zone: "7",
      ratedCapacityW: 3_000,
      status: "pending",
      pdaAddress: meterAddress(meterId).toBase58(),
      ownerWallet: owner.publicKey.toBase58(),
      mintedWh: 0n,
      readingsTotal: 0,
    });
    expect((await browser.call((c) => c.users.me())).name).toBe("Roof");
    expect((await browser.call((c) => c.meters.mine())).map((m) => m.meterId)).toEqual([meterId]);
  });

  it("syncFromChain refuses a meter another wallet owns and one that is not on chain", async () => {
    const { meterId, signatures } = await prosumerWithPendingMeter();
    const other = await signedInBrowser(env, auth, Keypair.generate());
    await expect(
      other.call((c) => c.meters.syncFromChain({ signatures, meterId })),
    ).rejects.toMatchObject({
      appCode: "FORBIDDEN",
    });
    await expect(
      other.call((c) => c.meters.syncFromChain({ meterId: "never-registered" })),
    ).rejects.toMatchObject({
      appCode: "NOT_FOUND",
    });
  });

  it("syncFromChain answers CONFLICT, not a 500, when a stale database row holds the meter's device key; nothing is half-written", async () => {
    const { meterId, keys, browser, signatures } = await prosumerWithPendingMeter();
    // A row from before the chain refused duplicate keys: another meter id with this device key.
    const [owner] = await rowsOf<{ id: number }>(env.tdb.db, sql`select id from users limit 1`);
    await env.tdb.db.execute(
      sql`insert into meters (meter_id, owner_id, public_key, type, zone, rated_capacity_w, status)
          values (${`${meterId}-stale`}, ${owner!.id}, ${bs58.encode(keys.publicKey)}, 'solar', '1', 1000, 'pending')`,
    );
    await expect(
      browser.call((c) => c.meters.syncFromChain({ signatures, meterId })),
    ).rejects.toMatchObject({
      appCode: "CONFLICT",
    });
    expect(
      await rowsOf(env.tdb.db, sql`select meter_id from meters where meter_id = ${meterId}`),
    ).toEqual([]);
  });

  it("admin activates; readings → poller → GRID; mine, readings pages, stats and mints agree to the Wh", async () => {
    // 50 kW: the readings below are 10 s apart (the chain takes them from the activation on).
    const { owner, browser, keys, meterId, capacityW, signatures } =
      await prosumerWithPendingMeter(50_000);
    await browser.call((c) => c.meters.syncFromChain({ signatures, meterId }));

    const prosumerTry = browser.call((c) =>
      c.admin.meters.setStatus({ meterId, status: "active" }),
    );
    await expect(prosumerTry).rejects.toMatchObject({ appCode: "FORBIDDEN" });

    const adminBrowser = await signedInBrowser(env, auth, admin);
    const pending = await adminBrowser.call((c) => c.admin.meters.list({ status: "pending" }));
    expect(pending.map((m) => m.meterId)).toContain(meterId);

    const activated = await adminBrowser.call((c) =>
      c.admin.meters.setStatus({ meterId, status: "active" }),
    );
    expect(activated.status).toBe("active");
    const onChain = await env.chain.programs.registry.account.meter.fetch(
      meterAddress(meterId),
      "confirmed",
    );
    expect(Object.keys(onChain.status)).toEqual(["active"]);
    const audit: unknown = await env.tdb.db.execute(
      sql`select action, target_id, details->>'txSignature' as tx from audit_log where target_id = ${meterId}`,
    );
    const auditRows = (Array.isArray(audit) ? audit : (audit as { rows: unknown[] }).rows) as {
      action: string;
      tx: string;
    }[];
    expect(auditRows).toEqual([
      { action: "meter.activate", target_id: meterId, tx: activated.txSignature },
    ]);
    await expect(
      adminBrowser.call((c) => c.admin.meters.setStatus({ meterId, status: "active" })),
    ).rejects.toMatchObject({
      appCode: "CONFLICT",
    });

    const readings = series(25, (i) => ({ p: 30 + i, c: 5 + (i % 3) }));
    await storeSigned(env, { meterId, owner, keys, capacityW }, readings);
    const mine1 = (await browser.call((c) => c.meters.mine()))[0]!;
    // 25 readings and the baseline before them (storeSigned's first reading of a meter).
    expect(mine1).toMatchObject({
      status: "active",
      readingsTotal: 26,
      readingsPending: 26,
      mintedWh: 0n,
    });

    // Pages: newest first, 10 + 10 + 6, no overlap, all pending before the poller runs.
    const seen: number[] = [];
    let cursor: number | null = null;
    for (const size of [10, 10, 6]) {
      const after: number | null = cursor;
      const page: RouterOutputs["meters"]["readings"] = await browser.call((c) =>
        c.meters.readings({ meterId, limit: 10, cursor: after }),
      );
      expect(page.items).toHaveLength(size);
      expect(page.items.every((r) => r.state === "pending")).toBe(true);
      seen.push(...page.items.map((r) => r.readingAt.getTime() / 1000));
      cursor = page.nextCursor;
    }
    expect(cursor).toBeNull();
    expect(seen).toEqual(
      [readings[0]!.timestamp - 10, ...readings.map((r) => r.timestamp)].reverse(),
    );

    const summary = await adminBrowser.call((c) => c.admin.poller.run());
    expect(summary.confirmed).toBeGreaterThanOrEqual(25);
    const expected = netGeneration(readings);
    expect(await gridBalance(env.chain.connection, owner)).toBe(expected);
    // Before the indexer has replayed anything, the minted total already comes from the chain.
    expect((await browser.call((c) => c.meters.mine()))[0]!.mintedWh).toBe(expected);

    await reindexFromChain({
      db: env.tdb.db,
      connection: env.chain.connection,
      programs: env.chain.programs,
    });
    const mine2 = (await browser.call((c) => c.meters.mine()))[0]!;
    expect(mine2.mintedWh).toBe(expected);
    expect(mine2.readingsPending).toBe(0);
    const latest = await browser.call((c) => c.meters.readings({ meterId, limit: 100 }));
    expect(latest.items.every((r) => r.state === "confirmed" && r.minted)).toBe(true);

    const mints = await browser.call((c) => c.meters.mints({ limit: 10 }));
    expect(mints.totalWh).toBe(expected);
    expect(mints.items[0]?.meterId).toBe(meterId);

    const stats = await browser.call((c) => c.meters.stats({ meterId, bucket: "day", days: 2 }));
    const sum = (k: "productionWh" | "consumptionWh") => stats.reduce((a, b) => a + b[k], 0n);
    expect(sum("productionWh")).toBe(readings.reduce((a, r) => a + r.productionWh, 0n));
    expect(sum("consumptionWh")).toBe(readings.reduce((a, r) => a + r.consumptionWh, 0n));

    const status = await adminBrowser.call((c) => c.admin.poller.status());
    expect(status.minted).toBeGreaterThanOrEqual(25);
  });

  it("readings of someone else's meter are NOT_FOUND", async () => {
    const { meterId, browser, signatures } = await prosumerWithPendingMeter();
    await browser.call((c) => c.meters.syncFromChain({ signatures, meterId }));
    const other = await signedInBrowser(env, auth, Keypair.generate());
    await expect(other.call((c) => c.meters.readings({ meterId }))).rejects.toMatchObject({
      appCode: "NOT_FOUND",
    });
  });
});

describe("market.price", () => {
  it("reads the Oracle account when the indexer has no price yet, then the indexed row", async () => {
    const anon = await signedInBrowser(env, auth, Keypair.generate());
    await env.tdb.db.execute(sql`truncate table prices`);
    const fromChain = await anon.call((c) => c.market.price());
    expect(fromChain).toMatchObject({
      retailPerKwh: INITIAL_RETAIL_PRICE,
      feedInPerKwh: INITIAL_FEED_IN_PRICE,
      source: "oracle-account",
    });
    await reindexFromChain({
      db: env.tdb.db,
      connection: env.chain.connection,
      programs: env.chain.programs,
    });
    const indexed = await anon.call((c) => c.market.price());
    expect(indexed).toMatchObject({
      retailPerKwh: INITIAL_RETAIL_PRICE,
      feedInPerKwh: INITIAL_FEED_IN_PRICE,
      source: "indexer",
    });
  });
});
