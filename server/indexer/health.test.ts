/**
 * health.status tells the truth about the indexer: the thresholds (pure), then against the real
 * local chain and a real database: ok right after a pass, amber and then red while the indexer
 * stands still and the chain advances, back to ok after a pass; amber then red while its passes
 * fail (a real RPC address nothing listens on), with the error message for admins only; amber
 * for an open dead letter.
 */
import net from "node:net";
import { Connection } from "@solana/web3.js";
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { recordDeadLetter } from "~/db/queries/indexer-dead-letters";
import { indexerDeadLetters } from "~/db/schema";
import { envIndexer, startChainEnv, until, type ChainEnv } from "~/server/poller/test-support";
import { createBrowser, createWallet, signInWith, testAuthConfig } from "~/server/api/testing";
import {
  assessIndexer,
  INDEXER_ERROR_FAILED_PASSES,
  INDEXER_ERROR_LAG_SECONDS,
  INDEXER_ERROR_LAG_SLOTS,
  INDEXER_WARN_LAG_SECONDS,
  INDEXER_WARN_LAG_SLOTS,
} from "./health";
import { createIndexer, type ChainIndexer } from "./indexer";
import { newIndexerStatus, setProcessIndexer, type IndexerStatus } from "./state";

describe("assessIndexer (thresholds)", () => {
  const now = 1_800_000_000_000;
  const running = (over: Partial<IndexerStatus> = {}): IndexerStatus => ({
    ...newIndexerStatus(),
    state: "running",
    indexedSlot: 1_000,
    lastSuccessAt: now - 1_000,
    ...over,
  });
  const level = (status: IndexerStatus | undefined, chainSlot: number | null = 1_000, openDeadLetters: number | null = 0) =>
    assessIndexer({ status, chainSlot, openDeadLetters, now }).level;

  it("lag in slots: ok up to the warn threshold, warn above it, error above the error threshold", () => {
    expect(level(running(), 1_000 + INDEXER_WARN_LAG_SLOTS)).toBe("ok");
    expect(level(running(), 1_000 + INDEXER_WARN_LAG_SLOTS + 1)).toBe("warn");
    expect(level(running(), 1_000 + INDEXER_ERROR_LAG_SLOTS)).toBe("warn");
    expect(level(running(), 1_000 + INDEXER_ERROR_LAG_SLOTS + 1)).toBe("error");
    const behind = INDEXER_WARN_LAG_SLOTS + 1;
    const h = assessIndexer({ status: running(), chainSlot: 1_000 + behind, openDeadLetters: 0, now });
    expect(h).toMatchObject({
      lagSlots: behind,
      chainSlot: 1_000 + behind,
      indexedSlot: 1_000,
      reasons: [`${behind} slots behind (> ${INDEXER_WARN_LAG_SLOTS})`],
    });
  });

  it("lag in seconds since the last successful pass: warn and error thresholds", () => {
    const at = (s: number) => running({ lastSuccessAt: now - s * 1_000 });
    expect(level(at(INDEXER_WARN_LAG_SECONDS))).toBe("ok");
    expect(level(at(INDEXER_WARN_LAG_SECONDS + 0.2))).toBe("warn");
    expect(level(at(INDEXER_ERROR_LAG_SECONDS))).toBe("warn");
    expect(level(at(INDEXER_ERROR_LAG_SECONDS + 0.2))).toBe("error");
    expect(assessIndexer({ status: at(20), chainSlot: 1_000, openDeadLetters: 0, now }).lagSeconds).toBe(20);
  });

  it("failed passes, state, dead letters, an unknown chain slot; the error message only when asked", () => {
    expect(level(running({ consecutiveFailures: 1 }))).toBe("warn");
    expect(level(running({ consecutiveFailures: INDEXER_ERROR_FAILED_PASSES - 1 }))).toBe("warn");
    expect(level(running({ consecutiveFailures: INDEXER_ERROR_FAILED_PASSES }))).toBe("error");
    expect(level(undefined)).toBe("error");
    expect(level(running({ state: "stopped" }))).toBe("error");
    expect(level(running({ state: "starting" }))).toBe("warn");
    expect(level(running(), 1_000, 1)).toBe("warn");
    expect(level(running(), null)).toBe("warn");
    const failing = running({ lastError: { message: "boom", at: now - 5 } });
    expect(assessIndexer({ status: failing, chainSlot: 1_000, openDeadLetters: 0, now }).lastError).toEqual({ message: null, at: new Date(now - 5) });
    expect(assessIndexer({ status: failing, chainSlot: 1_000, openDeadLetters: 0, now, showErrorMessage: true }).lastError?.message).toBe("boom");
  });
});

describe("health.status and the real indexer", () => {
  let env: ChainEnv;
  let indexer: ChainIndexer;
  const adminWallet = createWallet();
  const auth = testAuthConfig({ adminWallets: new Set([adminWallet.publicKey]) });

  beforeAll(async () => {
    env = await startChainEnv({ slotMs: 50 });
  }, 90_000);

  afterAll(async () => {
    setProcessIndexer(undefined);
    await indexer?.stop();
    await env?.close();
  });

  const anonymous = () => createBrowser(env.tdb, auth);
  const healthOf = async (browser = anonymous()) => (await browser.call((c) => c.health.status())).indexer;
  const chainSlot = () => env.chain.connection.getSlot("confirmed");

  it("ok after a pass; amber, then red, while the chain advances and no pass runs; ok again after a pass", async () => {
    indexer = envIndexer(env);
    setProcessIndexer(indexer);
    await indexer.start();
    const fresh = await healthOf();
    expect(fresh).toMatchObject({ ok: true, level: "ok", state: "running", consecutiveFailures: 0, openDeadLetters: 0, lastError: null, reasons: [] });
    expect(fresh.lagSlots).toBeLessThanOrEqual(INDEXER_WARN_LAG_SLOTS);
    expect(fresh.lagSeconds).toBeLessThan(INDEXER_WARN_LAG_SECONDS);

    // The indexer stands still (no timer, no new transactions); the chain's slots tick every 50 ms.
    const indexed = indexer.status.indexedSlot!;
    await until(async () => (await chainSlot()) > indexed + INDEXER_WARN_LAG_SLOTS + 2, 10_000, "chain past the warn lag");
    const amber = await healthOf();
    expect(amber).toMatchObject({ ok: false, level: "warn", state: "running" });
    expect(amber.lagSlots).toBeGreaterThan(INDEXER_WARN_LAG_SLOTS);
    expect(amber.reasons.join()).toContain("slots behind");

    await until(async () => (await chainSlot()) > indexed + INDEXER_ERROR_LAG_SLOTS + 2, 20_000, "chain past the error lag");
    const red = await healthOf();
    expect(red).toMatchObject({ ok: false, level: "error" });
    expect(red.lagSlots).toBeGreaterThan(INDEXER_ERROR_LAG_SLOTS);

    await indexer.catchUp();
    const again = await healthOf();
    expect(again).toMatchObject({ ok: true, level: "ok" });
    expect(again.lagSlots).toBeLessThanOrEqual(INDEXER_WARN_LAG_SLOTS);
  });

  it("failing passes: amber after one, red after three, the message for admins only; a good pass clears it", async () => {
    // A real RPC address with nothing listening: every pass fails at its first request.
    const port = await new Promise<number>((resolve) => {
      const srv = net.createServer().listen(0, "127.0.0.1", () => {
        const p = (srv.address() as net.AddressInfo).port;
        srv.close(() => resolve(p));
      });
    });
    const status = { ...indexer.status };
    const broken = createIndexer({
      db: env.tdb.db,
      connection: new Connection(`http://127.0.0.1:${port}`, "confirmed"),
      programs: env.chain.programs,
      catchUpIntervalMs: 0,
      status,
    });
    status.state = "running";
    setProcessIndexer(broken);

    await expect(broken.catchUp()).rejects.toThrow();
    const one = await healthOf();
    expect(one).toMatchObject({ level: "warn", consecutiveFailures: 1, lagSlots: null });
    expect(one.lastError).toMatchObject({ message: null });
    expect(one.lastError?.at).toBeInstanceOf(Date);

    for (let i = 1; i < INDEXER_ERROR_FAILED_PASSES; i++) await expect(broken.catchUp()).rejects.toThrow();
    const red = await healthOf();
    expect(red).toMatchObject({ level: "error", consecutiveFailures: INDEXER_ERROR_FAILED_PASSES });
    expect(red.reasons).toContain(`${INDEXER_ERROR_FAILED_PASSES} passes failed in a row`);

    const adminBrowser = createBrowser(env.tdb, auth);
    await signInWith(adminBrowser, adminWallet);
    const forAdmin = await healthOf(adminBrowser);
    expect(forAdmin.lastError?.message).toBeTruthy();
    expect(forAdmin.lastError?.message).toMatch(/slot|fetch|ECONNREFUSED/i);

    // The chain answers again (a new indexer on the same status, as background.ts retries): one
    // good pass and it is ok again.
    const recovered = createIndexer({
      db: env.tdb.db,
      connection: env.chain.connection,
      programs: env.chain.programs,
      catchUpIntervalMs: 0,
      status,
    });
    setProcessIndexer(recovered);
    await recovered.catchUp();
    expect(await healthOf()).toMatchObject({ level: "ok", consecutiveFailures: 0 });
    expect((await healthOf(adminBrowser)).lastError?.message).toBe(forAdmin.lastError?.message);
    setProcessIndexer(indexer);
  });

  it("an open dead letter turns it amber until it is resolved", async () => {
    await indexer.catchUp();
    const dl = await recordDeadLetter(env.tdb.db, {
      signature: "1".repeat(64),
      program: "registry",
      slot: 1,
      error: "test",
      attempts: 3,
    });
    const amber = await healthOf();
    expect(amber).toMatchObject({ level: "warn", openDeadLetters: 1 });
    expect(amber.reasons).toContain("1 open dead letter");
    await env.tdb.db.update(indexerDeadLetters).set({ resolvedAt: new Date() }).where(eq(indexerDeadLetters.id, dl.id));
    await indexer.catchUp();
    expect(await healthOf()).toMatchObject({ level: "ok", openDeadLetters: 0 });
  });
});
