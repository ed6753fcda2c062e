/**
 * The bridge service's tRPC procedures on the real chain, database and THB simulator:
 * `bridge.depositProgress` (the signed-in user's own deposits, seen → confirming n/k → minted),
 * and for admins only `bridge.queue` (stuck rows flagged), `bridge.retry` and `bridge.runNow`
 * (one real pass), both audited; a failed pass answers BRIDGE_FAILED without its internal message.
 */
import { Keypair } from "@solana/web3.js";
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { listAudit } from "~/db/queries/audit";
import type { ChainContext } from "~/server/api/chain-context";
import { chainAuthConfig, keypairWallet, testChainContext } from "~/server/api/routers/router-chain-testing";
import { createBrowser, signInWith } from "~/server/api/testing";
import { DEFAULT_BRIDGE_LIMITS } from "~/server/solana/bootstrap";
import { CONFIRMATIONS, THB, blocks, deposit, startBridgeTestEnv, thbUser, type BridgeTestEnv } from "./test-support";

let t: BridgeTestEnv;
const admin = Keypair.generate();
let auth: ReturnType<typeof chainAuthConfig>;
let chain: ChainContext;

beforeAll(async () => {
  t = await startBridgeTestEnv();
  auth = chainAuthConfig([admin]);
  chain = { ...testChainContext(t.env), runBridge: () => t.pass() };
}, 90_000);

afterAll(async () => {
  await t?.close();
});

async function browser(kp: Keypair, ctx: ChainContext = chain) {
  const b = createBrowser(t.env.tdb, auth, undefined, { chain: ctx });
  await signInWith(b, keypairWallet(kp), "prosumer");
  return b;
}

describe("bridge router: the service's procedures", () => {
  it("depositProgress follows the user's own deposit from seen to minted through admin runNow passes", async () => {
    const alice = Keypair.generate();
    const bob = Keypair.generate();
    const a = await browser(admin);
    const u = await browser(alice);
    const other = await browser(bob);
    const sender = await thbUser(t, 20n * THB);
    const sent = await deposit(t, sender, 3n * THB + 1n, alice.publicKey.toBase58());

    const first = await a.call((c) => c.bridge.runNow());
    expect(first).toMatchObject({ confirmationsRequired: CONFIRMATIONS, errors: [] });
    expect(first.scanned).toBeGreaterThanOrEqual(1);
    expect(await u.call((c) => c.bridge.depositProgress())).toEqual([
      expect.objectContaining({ thbTransferId: sent.id, state: "seen", confirmations: 0, confirmationsRequired: 2, amount: 3n * THB + 1n, signature: null, mintedAt: null }),
    ]);
    await blocks(t, 1);
    await a.call((c) => c.bridge.runNow());
    expect(await u.call((c) => c.bridge.depositProgress())).toEqual([expect.objectContaining({ state: "confirming", confirmations: 1 })]);
    await blocks(t, 1);
    const done = await a.call((c) => c.bridge.runNow());
    expect(done.minted).toBe(1);
    const [row] = await u.call((c) => c.bridge.depositProgress({ limit: 5 }));
    expect(row).toMatchObject({ state: "minted", confirmations: 2 });
    expect(row!.signature).toMatch(/^[1-9A-HJ-NP-Za-km-z]{64,88}$/);
    expect(row!.mintedAt).toBeInstanceOf(Date);
    // Only the recipient sees it.
    expect(await other.call((c) => c.bridge.depositProgress())).toEqual([]);
    const audit = await listAudit(t.env.tdb.db, { limit: 20 });
    expect(audit.filter((r) => r.action === "job.bridge.run")).toHaveLength(3);
  });

  it("queue lists open, rejected and failed rows with stuck flagged; retry puts one back (audited); only admins", async () => {
    const a = await browser(admin);
    const user = await browser(Keypair.generate());
    for (const call of [
      () => user.call((c) => c.bridge.queue()),
      () => user.call((c) => c.bridge.runNow()),
      () => user.call((c) => c.bridge.retry({ kind: "deposit", id: "0".repeat(64) })),
    ])
      await expect(call()).rejects.toMatchObject({ appCode: "FORBIDDEN" });
    const anon = createBrowser(t.env.tdb, auth, undefined, { chain });
    await expect(anon.call((c) => c.bridge.depositProgress())).rejects.toMatchObject({ appCode: "UNAUTHENTICATED" });

    // Over the per-deposit limit: the program refuses it, the row stops in `rejected`.
    const carol = Keypair.generate();
    const over = DEFAULT_BRIDGE_LIMITS.maxPerDeposit + 1n;
    const sender = await thbUser(t, over);
    const sent = await deposit(t, sender, over, carol.publicKey.toBase58());
    for (let i = 0; i < CONFIRMATIONS + 1; i++) {
      await blocks(t, 1);
      await a.call((c) => c.bridge.runNow());
    }
    let q = await a.call((c) => c.bridge.queue());
    expect(q.stuckAfterMinutes).toBe(5);
    const item = q.deposits.find((d) => d.id === sent.id);
    expect(item).toMatchObject({ kind: "deposit", state: "rejected", lastError: "DepositOverLimit", stuck: false, amount: over });
    expect(q.counts.deposits.rejected).toBe(1);

    // A row nothing moved for longer than the threshold is flagged stuck (failed counts, rejected waits for an admin).
    await t.env.tdb.db.execute(
      sql`update bridge_service_deposits set state = 'failed', updated_at = now() - interval '10 minutes' where thb_transfer_id = ${sent.id}`,
    );
    q = await a.call((c) => c.bridge.queue({ states: ["failed"], limit: 10 }));
    expect(q.deposits).toEqual([expect.objectContaining({ id: sent.id, state: "failed", stuck: true })]);
    expect(q.withdrawals).toEqual([]);

    expect(await a.call((c) => c.bridge.retry({ kind: "deposit", id: sent.id }))).toEqual({ kind: "deposit", id: sent.id, state: "submitted" });
    q = await a.call((c) => c.bridge.queue({ states: ["submitted"] }));
    expect(q.deposits).toEqual([expect.objectContaining({ id: sent.id, attempts: 0, lastError: null, stuck: false })]);
    const audit = await listAudit(t.env.tdb.db, { limit: 50 });
    expect(audit.find((r) => r.action === "bridge.deposit.retry")).toMatchObject({ targetId: sent.id, actor: admin.publicKey.toBase58() });
    await expect(a.call((c) => c.bridge.retry({ kind: "withdrawal", id: "1".repeat(44) }))).rejects.toMatchObject({ appCode: "NOT_FOUND" });
    // The next pass refuses it again (the limit has not changed).
    await a.call((c) => c.bridge.runNow());
    expect((await a.call((c) => c.bridge.queue({ states: ["rejected"] }))).deposits.map((d) => d.id)).toContain(sent.id);
  });

  it("runNow: a pass that fails answers BRIDGE_FAILED without its internal message", async () => {
    const logged = vi.spyOn(console, "error").mockImplementation(() => undefined);
    const failing: ChainContext = { ...chain, runBridge: () => Promise.reject(new Error("connect ECONNREFUSED 10.9.9.9:7070 secret=xyz")) };
    const a = await browser(admin, failing);
    const err = await a.call((c) => c.bridge.runNow()).then(
      () => null,
      (e: unknown) => e as { appCode: string; message: string },
    );
    expect(err).toMatchObject({ appCode: "BRIDGE_FAILED" });
    expect(err!.message).not.toMatch(/ECONNREFUSED|secret/);
    expect(String(logged.mock.calls.at(-1)?.[1])).toMatch(/ECONNREFUSED/); // the cause goes to the server log
    logged.mockRestore();
  });
});
