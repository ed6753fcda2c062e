/**
 * The bridge service end to end on a real local chain, a real database and a real THB-chain
 * simulator (blocks sealed by the test): a deposit is seen, confirms n of k and is minted as
 * exactly its THB amount; an unconfirmed deposit that a reorg drops is never minted; a memo that
 * is not a wallet is recorded and never minted; a deposit over the bridge's limit is rejected; a
 * withdrawal is paid exactly its amount on the THB chain and completed; a destination the bridge
 * cannot pay is refunded.
 */
import bs58 from "bs58";
import { Keypair, PublicKey } from "@solana/web3.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { listBridgeQueue, listDepositProgress, retryBridgeItem } from "~/db/queries/bridge-service";
import { createTestDb } from "~/db/testing";
import { depositAddress, withdrawalAddress } from "~/programs/thb_bridge/client";
import { DEFAULT_BRIDGE_LIMITS } from "~/server/solana/bootstrap";
import type { TransferView } from "~/server/thb-chain/client";
import { generateKeypair } from "~/server/thb-chain/keys";
import { depositIdFor, hexToBytes, payoutMemo, recipientFromMemo } from "./ids";
import {
  CONFIRMATIONS,
  THB,
  blocks,
  deposit,
  depositRow,
  passUntil,
  requestWithdrawal,
  startBridgeTestEnv,
  thbBalance,
  thbUser,
  thbcBalance,
  thbcSupply,
  wallet,
  withdrawalRow,
  type BridgeTestEnv,
} from "./test-support";

let t: BridgeTestEnv;

beforeAll(async () => {
  t = await startBridgeTestEnv();
}, 90_000);

afterAll(async () => {
  await t?.close();
});

describe("bridge service: deposits", () => {
  it("seen → confirming 1/2 → minted: exactly the THB amount in THBC base units, once, with a deterministic deposit id", async () => {
    const alice = Keypair.generate();
    const user = await thbUser(t, 100n * THB);
    const amount = 12n * THB + 345_678n; // 12.345678 THB: THB and THBC both have 6 decimals
    const supplyBefore = await thbcSupply(t);
    const sent = await deposit(t, user, amount, alice.publicKey.toBase58());

    let s = await t.pass();
    expect(s.errors).toEqual([]);
    let row = await depositRow(t.env.tdb.db, sent.id);
    expect(row).toMatchObject({ state: "seen", confirmations: 0, confirmationsRequired: CONFIRMATIONS, amount, recipientWallet: alice.publicKey.toBase58() });
    const id = depositIdFor(s.thbChainId, sent.id);
    expect(row!.depositId).toBe(Buffer.from(id).toString("hex"));
    expect(row!.depositPda).toBe(depositAddress(id).toBase58());

    await blocks(t, 1);
    s = await t.pass();
    row = await depositRow(t.env.tdb.db, sent.id);
    expect(row).toMatchObject({ state: "confirming", confirmations: 1 });
    expect(await thbcBalance(t, alice.publicKey)).toBe(0n);

    await blocks(t, 1);
    s = await t.pass();
    expect(s.errors).toEqual([]);
    expect(s.minted).toBe(1);
    row = await depositRow(t.env.tdb.db, sent.id);
    expect(row).toMatchObject({ state: "minted", confirmations: 2, lastError: null });
    expect(row!.txSignature).toMatch(/^[1-9A-HJ-NP-Za-km-z]{64,88}$/);
    expect(row!.attestation).toMatch(/^[0-9a-f]{128}$/);
    expect(await thbcBalance(t, alice.publicKey)).toBe(amount);
    expect((await thbcSupply(t)) - supplyBefore).toBe(amount);
    const onChain = await t.env.chain.programs.thbBridge.account.deposit.fetch(depositAddress(id), "confirmed");
    expect(Buffer.from(onChain.thbTxRef).toString("hex")).toBe(sent.id);
    // The THB stay with the bridge.
    expect(await thbBalance(t, t.depositAddress)).toBeGreaterThanOrEqual(amount);

    // More passes and blocks change nothing.
    await blocks(t, 2);
    s = await t.pass();
    expect(s.minted).toBe(0);
    expect(await thbcBalance(t, alice.publicKey)).toBe(amount);
    expect((await thbcSupply(t)) - supplyBefore).toBe(amount);

    const progress = await listDepositProgress(t.env.tdb.db, { wallet: alice.publicKey.toBase58(), limit: 10 });
    expect(progress).toEqual([
      expect.objectContaining({ thbTransferId: sent.id, state: "minted", confirmations: 2, confirmationsRequired: 2, amount, signature: row!.txSignature }),
    ]);
    expect(progress[0]!.mintedAt).toBeInstanceOf(Date);
  });

  it("a reorg drops an unconfirmed deposit: recorded as reorged and never minted; requeued, it is minted once", async () => {
    const bob = Keypair.generate();
    const user = await thbUser(t, 50n * THB);
    await blocks(t, 1); // the faucet credit is in a block of its own (a reorg must not take it)
    await blocks(t, 2);
    const supplyBefore = await thbcSupply(t);
    const sent = await deposit(t, user, 5n * THB, bob.publicKey.toBase58());
    await blocks(t, 1);
    await t.pass();
    expect(await depositRow(t.env.tdb.db, sent.id)).toMatchObject({ state: "confirming", confirmations: 1 });

    const r = await t.thb.reorg(1);
    expect(r.dropped).toContain(sent.id);
    let s = await t.pass();
    expect(s.reorged).toBe(1);
    expect(await depositRow(t.env.tdb.db, sent.id)).toMatchObject({ state: "reorged", confirmations: 0 });
    for (let i = 0; i < 3; i++) {
      await blocks(t, 1);
      s = await t.pass();
    }
    expect(await depositRow(t.env.tdb.db, sent.id)).toMatchObject({ state: "reorged" });
    expect(await thbcBalance(t, bob.publicKey)).toBe(0n);
    expect(await thbcSupply(t)).toBe(supplyBefore);

    // Another deposit that a reorg puts back in the mempool (requeue) confirms later and is minted once.
    const carol = Keypair.generate();
    const sent2 = await deposit(t, user, 7n * THB, carol.publicKey.toBase58());
    await blocks(t, 1);
    await t.pass();
    await t.thb.reorg(1, { requeue: true }); // back to the mempool: pending again, not dropped
    await t.pass();
    expect(await depositRow(t.env.tdb.db, sent2.id)).toMatchObject({ state: "seen", confirmations: 0 });
    await passUntil(t, async () => (await depositRow(t.env.tdb.db, sent2.id))?.state === "minted", { what: "requeued deposit minted" });
    expect(await thbcBalance(t, carol.publicKey)).toBe(7n * THB);
    expect(await thbcSupply(t)).toBe(supplyBefore + 7n * THB);
  });

  it("a memo that is not a wallet is recorded as invalid_memo and never minted", async () => {
    const user = await thbUser(t, 50n * THB);
    const supplyBefore = await thbcSupply(t);
    const offCurve = PublicKey.findProgramAddressSync([Buffer.from("x")], new PublicKey("11111111111111111111111111111111"))[0];
    const memos = ["hello", "", offCurve.toBase58(), `${Keypair.generate().publicKey.toBase58()} thanks`];
    const sent: TransferView[] = [];
    for (const memo of memos) sent.push(await deposit(t, user, 1n * THB, memo));
    for (let i = 0; i < CONFIRMATIONS + 1; i++) {
      await blocks(t, 1);
      await t.pass();
    }
    for (const s of sent) expect(await depositRow(t.env.tdb.db, s.id)).toMatchObject({ state: "invalid_memo", recipientWallet: null });
    expect(await thbcSupply(t)).toBe(supplyBefore);
    // An admin retry cannot turn it into a mint.
    expect(await retryBridgeItem(t.env.tdb.db, { kind: "deposit", id: sent[0]!.id })).toBeNull();
    expect(recipientFromMemo(offCurve.toBase58())).toBeNull();
    expect(recipientFromMemo(` ${offCurve.toBase58()}`)).toBeNull();
  });

  it("a deposit over the per-deposit limit is rejected by the program, recorded, and never minted", async () => {
    const dave = Keypair.generate();
    const over = DEFAULT_BRIDGE_LIMITS.maxPerDeposit + 1n;
    const user = await thbUser(t, over + THB);
    const supplyBefore = await thbcSupply(t);
    const sent = await deposit(t, user, over, dave.publicKey.toBase58());
    await passUntil(t, async () => (await depositRow(t.env.tdb.db, sent.id))?.state === "rejected", { what: "rejected" });
    expect(await depositRow(t.env.tdb.db, sent.id)).toMatchObject({ state: "rejected", lastError: "DepositOverLimit" });
    expect(await thbcSupply(t)).toBe(supplyBefore);
    const q = await listBridgeQueue(t.env.tdb.db, { stuckAfterMinutes: 5, limit: 50 });
    expect(q.deposits.map((d) => d.thbTransferId)).toContain(sent.id);
    // Retry puts it back in line (the limit still refuses it).
    expect(await retryBridgeItem(t.env.tdb.db, { kind: "deposit", id: sent.id })).toEqual({ state: "submitted" });
    await t.pass();
    expect(await depositRow(t.env.tdb.db, sent.id)).toMatchObject({ state: "rejected", lastError: "DepositOverLimit" });
  });
});

describe("bridge service: withdrawals", () => {
  async function holderWithThbc(amount: bigint) {
    const holder = await wallet(t);
    const user = await thbUser(t, amount);
    const sent = await deposit(t, user, amount, holder.publicKey.toBase58());
    await passUntil(t, async () => (await depositRow(t.env.tdb.db, sent.id))?.state === "minted", { what: "minted" });
    return holder;
  }

  it("request_withdrawal by the holder → paid exactly the amount on the THB chain (memo marker) → completed with the payout as release ref", async () => {
    const holder = await holderWithThbc(40n * THB);
    const dest = generateKeypair().address;
    const supplyBefore = await thbcSupply(t);
    const bridgeBefore = await thbBalance(t, t.depositAddress);
    const w = await requestWithdrawal(t, holder, 15n * THB, dest);
    expect(await thbcSupply(t)).toBe(supplyBefore - 15n * THB); // burned at the request

    let s = await t.pass();
    expect(s.errors).toEqual([]);
    expect(s.payouts).toBe(1);
    const row = await withdrawalRow(t.env.tdb.db, w.withdrawal.toBase58());
    expect(row).toMatchObject({ state: "paying", thbDestination: dest, amount: 15n * THB, holderWallet: holder.publicKey.toBase58() });
    const payout = (await t.thb.transfer(row!.payoutTransferId!))!;
    expect(payout).toMatchObject({ from: t.depositAddress, to: dest, amount: (15n * THB).toString(), memo: payoutMemo(w.withdrawal.toBase58()) });

    await passUntil(t, async () => (await withdrawalRow(t.env.tdb.db, w.withdrawal.toBase58()))?.state === "completed", { what: "completed" });
    s = await t.pass();
    expect(s.payouts).toBe(0);
    const acct = await t.env.chain.programs.thbBridge.account.withdrawal.fetch(withdrawalAddress(w.withdrawalId), "confirmed");
    expect("completed" in acct.status).toBe(true);
    expect(Buffer.from(acct.releaseRef)).toEqual(Buffer.from(hexToBytes(payout.id)));
    expect(await thbBalance(t, dest)).toBe(15n * THB);
    expect(await thbBalance(t, t.depositAddress)).toBe(bridgeBefore - 15n * THB);
    expect(await thbcBalance(t, holder.publicKey)).toBe(25n * THB);
    expect(await thbcSupply(t)).toBe(supplyBefore - 15n * THB);
    // One payout with this withdrawal's marker, ever.
    const outs = await t.thb.accountTransfers(t.depositAddress, { direction: "out", includeDropped: true });
    expect(outs.transfers.filter((x) => x.memo === payoutMemo(w.withdrawal.toBase58()))).toHaveLength(1);
  });

  it("a destination the bridge cannot pay (the zero key, the bridge's own account) is refunded with a rejection attestation", async () => {
    const holder = await holderWithThbc(10n * THB);
    const bridgeBefore = await thbBalance(t, t.depositAddress);
    const zero = bs58.encode(new Uint8Array(32));
    const w1 = await requestWithdrawal(t, holder, 3n * THB, zero);
    const w2 = await requestWithdrawal(t, holder, 2n * THB, t.depositAddress);
    expect(await thbcBalance(t, holder.publicKey)).toBe(5n * THB);
    await passUntil(
      t,
      async () =>
        (await withdrawalRow(t.env.tdb.db, w1.withdrawal.toBase58()))?.state === "refunded" &&
        (await withdrawalRow(t.env.tdb.db, w2.withdrawal.toBase58()))?.state === "refunded",
      { what: "refunded" },
    );
    expect(await thbcBalance(t, holder.publicKey)).toBe(10n * THB);
    for (const w of [w1, w2]) {
      const acct = await t.env.chain.programs.thbBridge.account.withdrawal.fetch(w.withdrawal, "confirmed");
      expect("refunded" in acct.status).toBe(true);
    }
    expect(await thbBalance(t, t.depositAddress)).toBe(bridgeBefore);
    const outs = await t.thb.accountTransfers(t.depositAddress, { direction: "out", includeDropped: true });
    expect(outs.transfers.filter((x) => x.memo === payoutMemo(w1.withdrawal.toBase58()) || x.memo === payoutMemo(w2.withdrawal.toBase58()))).toEqual([]);
  });
});

describe("bridge service on PGlite (the dev default database)", () => {
  it("the same SQL: a deposit minted and a withdrawal paid and completed", async () => {
    const lite = await createTestDb({ driver: "pglite" });
    try {
      const over = { db: lite.db };
      const holder = await wallet(t);
      const user = await thbUser(t, 9n * THB);
      const sent = await deposit(t, user, 9n * THB, holder.publicKey.toBase58());
      await passUntil(t, async () => (await depositRow(lite.db, sent.id))?.state === "minted", { over, what: "minted on PGlite" });
      expect(await thbcBalance(t, holder.publicKey)).toBe(9n * THB);
      const dest = generateKeypair().address;
      const w = await requestWithdrawal(t, holder, 2n * THB, dest);
      await passUntil(t, async () => (await withdrawalRow(lite.db, w.withdrawal.toBase58()))?.state === "completed", { over, what: "completed on PGlite" });
      expect(await thbBalance(t, dest)).toBe(2n * THB);
    } finally {
      await lite.close();
    }
  });
});
