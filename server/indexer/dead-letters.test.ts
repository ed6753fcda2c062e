/**
 * One bad transaction never stops the indexer, against the real local chain and a real database:
 * a real `register_user` transaction whose application hits a real unique constraint (a stale
 * users row already holds the new user's PDA) is dead-lettered once, later chain events are still
 * stored, passes and restarts do not record it again, and the admin's Retry resolves it once the
 * stale row is fixed. A serialization failure (raised by the database itself from a trigger) is
 * retried on the next pass and never dead-lettered.
 */
import { Keypair, LAMPORTS_PER_SOL } from "@solana/web3.js";
import { asc, eq, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { indexerCursors, indexerDeadLetters, meters, prices, users } from "~/db/schema";
import { sqlState } from "~/db/retry";
import { parseAppError } from "~/lib/app-error-codes";
import { createChainMeter, publishPrice as publishPriceOnChain, startChainEnv, type ChainEnv } from "~/server/poller/test-support";
import { registerUser } from "~/server/solana/registry-actions";
import { userAddress } from "~/programs/registry/client";
import { airdrop } from "~/server/solana/tx";
import { createBrowser } from "~/server/api/testing";
import { chainAuthConfig, signedInBrowser } from "~/server/api/routers/router-chain-testing";
import { createIndexer, type ChainIndexer } from "./indexer";
import { DEAD_LETTER_AFTER_ATTEMPTS } from "./failures";

let env: ChainEnv;
const admin = Keypair.generate();
let auth: ReturnType<typeof chainAuthConfig>;
const running: ChainIndexer[] = [];
const logs: string[] = [];

beforeAll(async () => {
  env = await startChainEnv();
  auth = chainAuthConfig([admin]);
}, 90_000);

afterAll(async () => {
  for (const ix of running) await ix.stop();
  await env?.close();
});

function newIndexer() {
  const ix = createIndexer({
    db: env.tdb.db,
    connection: env.chain.connection,
    programs: env.chain.programs,
    catchUpIntervalMs: 0,
    log: (line) => logs.push(line),
  });
  running.push(ix);
  return ix;
}

let price = 4_200_000;
async function publishPrice(): Promise<number> {
  price += 10_000;
  await publishPriceOnChain(env, BigInt(price), 2_200_000n);
  return price;
}

const deadLetters = () => env.tdb.db.select().from(indexerDeadLetters).orderBy(asc(indexerDeadLetters.id));
const cursorOf = async (program: string) =>
  (await env.tdb.db.select().from(indexerCursors).where(eq(indexerCursors.program, program)))[0];

// Shared by the tests below, in order.
const victim = Keypair.generate();
const staleWallet = Keypair.generate().publicKey.toBase58();
let poisonSig = "";
let laterMeterId = "";
let laterPrice = 0;

describe("indexer dead letters", () => {
  it("a transaction that hits a constraint is dead-lettered once; later events are stored and the cursor moves past it", async () => {
    const first = newIndexer();
    await first.start();
    await first.stop();

    // The poison: a stale row already holds the PDA the chain will give the victim's user account.
    await env.tdb.db
      .insert(users)
      .values({ walletAddress: staleWallet, role: "consumer", pdaAddress: userAddress(victim.publicKey).toBase58() });
    await airdrop(env.chain.connection, victim.publicKey, LAMPORTS_PER_SOL);
    poisonSig = await registerUser(env.chain.programs, { wallet: victim, userType: "prosumer", name: "Poisoned" });
    const poisonTx = await env.chain.connection.getTransaction(poisonSig, { commitment: "confirmed", maxSupportedTransactionVersion: 0 });

    // Later chain events, behind it in the registry's history and in another program's.
    laterMeterId = (await createChainMeter(env, { mirror: false })).meterId;
    laterPrice = await publishPrice();

    // Before dead letters, start() threw here on every try and nothing after the poison was stored.
    const ix = newIndexer();
    await ix.start();
    expect(ix.status).toMatchObject({ state: "running", consecutiveFailures: 0 });
    expect(ix.status.lastSuccessAt).not.toBeNull();

    const [m] = await env.tdb.db.select().from(meters).where(eq(meters.meterId, laterMeterId));
    expect(m?.status).toBe("active");
    expect((await env.tdb.db.select().from(prices)).map((p) => p.retailPrice)).toContain(BigInt(laterPrice));
    expect(await env.tdb.db.select().from(users).where(eq(users.walletAddress, victim.publicKey.toBase58()))).toEqual([]);

    const dls = await deadLetters();
    expect(dls).toHaveLength(1);
    expect(dls[0]).toMatchObject({
      signature: poisonSig,
      program: "registry",
      slot: poisonTx!.slot,
      attempts: DEAD_LETTER_AFTER_ATTEMPTS,
      resolvedAt: null,
    });
    expect(dls[0]!.error).toContain("23505");
    expect(dls[0]!.error).toContain("users_pda_address_unique");
    expect((await cursorOf("registry"))!.lastSlot).toBeGreaterThan(poisonTx!.slot);
    expect(ix.status.lastError?.message).toContain("users_pda_address_unique");
    expect(logs.some((l) => l.includes(poisonSig) && l.includes("dead-lettered"))).toBe(true);

    // Another pass, and a restart: nothing more is recorded.
    expect(await ix.catchUp()).toBe(0);
    await ix.stop();
    const restarted = newIndexer();
    await restarted.start();
    await restarted.stop();
    expect(await deadLetters()).toEqual(dls);

    // A replay of the whole history meets it again: still the one row, still open, attempts add up.
    await env.tdb.db.execute(sql`truncate table indexer_cursors`);
    await newIndexer().catchUp();
    const replayed = await deadLetters();
    expect(replayed).toHaveLength(1);
    expect(replayed[0]).toMatchObject({ id: dls[0]!.id, resolvedAt: null, attempts: 2 * DEAD_LETTER_AFTER_ATTEMPTS });
  });

  it("admin Retry: refused while the cause remains (one more attempt, error kept), resolved once fixed; audited; admins only", async () => {
    const [dl] = await deadLetters();
    expect(dl?.signature).toBe(poisonSig);

    const anonymous = createBrowser(env.tdb, auth);
    await expect(anonymous.call((c) => c.admin.indexer.deadLetters())).rejects.toMatchObject({ appCode: "UNAUTHENTICATED" });
    const prosumer = await signedInBrowser(env, auth, Keypair.generate());
    await expect(prosumer.call((c) => c.admin.indexer.deadLetters())).rejects.toMatchObject({ appCode: "FORBIDDEN" });
    await expect(prosumer.call((c) => c.admin.indexer.retryDeadLetter({ id: dl!.id }))).rejects.toMatchObject({
      appCode: "FORBIDDEN",
    });

    const adminBrowser = await signedInBrowser(env, auth, admin);
    const listed = await adminBrowser.call((c) => c.admin.indexer.deadLetters());
    expect(listed.map((d) => [d.id, d.signature, d.program, d.attempts])).toEqual([[dl!.id, poisonSig, "registry", dl!.attempts]]);

    const refused = await adminBrowser.call((c) => c.admin.indexer.retryDeadLetter({ id: dl!.id }));
    expect(refused.outcome).toBe("failed");
    expect(refused.deadLetter).toMatchObject({ id: dl!.id, attempts: dl!.attempts + 1, resolvedAt: null });
    expect(refused.deadLetter.error).toContain("users_pda_address_unique");

    // Fix the cause: the stale row lets go of the PDA.
    await env.tdb.db.update(users).set({ pdaAddress: null }).where(eq(users.walletAddress, staleWallet));
    const resolved = await adminBrowser.call((c) => c.admin.indexer.retryDeadLetter({ id: dl!.id }));
    expect(resolved.outcome).toBe("resolved");
    expect(resolved.deadLetter.resolvedAt).toBeInstanceOf(Date);
    const [u] = await env.tdb.db.select().from(users).where(eq(users.walletAddress, victim.publicKey.toBase58()));
    expect(u).toMatchObject({ name: "Poisoned", role: "prosumer", pdaAddress: userAddress(victim.publicKey).toBase58() });

    expect(await adminBrowser.call((c) => c.admin.indexer.deadLetters())).toEqual([]);
    await expect(adminBrowser.call((c) => c.admin.indexer.retryDeadLetter({ id: dl!.id }))).rejects.toMatchObject({
      appCode: "CONFLICT",
    });
    await expect(adminBrowser.call((c) => c.admin.indexer.retryDeadLetter({ id: dl!.id + 1_000 }))).rejects.toMatchObject({
      appCode: "NOT_FOUND",
    });
    const invalid = await adminBrowser.call((c) => c.admin.indexer.retryDeadLetter({ id: -1 })).then(
      () => null,
      (e: unknown) => e,
    );
    expect(parseAppError(invalid).code).toBe("VALIDATION_FAILED");

    const audit: unknown = await env.tdb.db.execute(
      sql`select actor, action, target_type, target_id, details->>'outcome' as outcome, details->>'signature' as signature
          from audit_log where action = 'indexer.dead_letter.retry' order by id`,
    );
    const rows = Array.isArray(audit) ? audit : (audit as { rows: unknown[] }).rows;
    const common = { actor: admin.publicKey.toBase58(), action: "indexer.dead_letter.retry", target_type: "indexer_dead_letter", target_id: String(dl!.id), signature: poisonSig };
    expect(rows).toEqual([
      { ...common, outcome: "failed" },
      { ...common, outcome: "resolved" },
    ]);
  });

  it("a conflict (serialization failure) fails the pass and is retried on the next one, never dead-lettered", async () => {
    const db = env.tdb.db;
    const ix = newIndexer();
    await ix.catchUp();
    // The database itself answers 40001 for every new price row while this trigger exists.
    await db.execute(sql`create function gtx_test_conflict() returns trigger language plpgsql as $$
      begin raise exception 'test: serialization failure' using errcode = '40001'; end $$`);
    await db.execute(sql`create trigger gtx_test_conflict before insert on prices for each row execute function gtx_test_conflict()`);
    const before = await cursorOf("oracle");
    const p = await publishPrice();

    for (const n of [1, 2]) {
      const err = await ix.catchUp().then(
        () => null,
        (e: unknown) => e,
      );
      expect(sqlState(err)).toBe("40001");
      expect(ix.status.consecutiveFailures).toBe(n);
    }
    expect(ix.status.lastError?.message).toContain("40001");
    expect(await cursorOf("oracle")).toEqual(before);
    expect((await deadLetters()).filter((d) => d.resolvedAt === null)).toEqual([]);

    await db.execute(sql`drop trigger gtx_test_conflict on prices`);
    await db.execute(sql`drop function gtx_test_conflict()`);
    expect(await ix.catchUp()).toBeGreaterThan(0);
    expect(ix.status.consecutiveFailures).toBe(0);
    expect((await db.select().from(prices)).map((r) => r.retailPrice)).toContain(BigInt(p));
    expect((await cursorOf("oracle"))!.lastSlot).toBeGreaterThan(before!.lastSlot);
    expect(await deadLetters()).toHaveLength(1); // only the resolved one from before
  });
});
