/**
 * The THB bridge in the program list: on a real local chain (bootstrapped, so the bridge is
 * initialised with its own attestor key) and a real database, attested deposits, a holder's
 * withdrawal requests, an attested completion and an attested refund are mirrored into
 * bridge_deposits / bridge_withdrawals / bridge_config by the indexer; replaying the same
 * signatures, applying them out of order into another database, and a reindex all leave the
 * same rows.
 */
import { Keypair, LAMPORTS_PER_SOL } from "@solana/web3.js";
import { asc } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { bridgeConfig, bridgeDeposits, bridgeWithdrawals } from "~/db/schema";
import { createTestDb } from "~/db/testing";
import type { Db } from "~/db/client";
import { bridgeAddress, depositAddress, thbcAccountAddress, thbcMintAddress } from "~/programs/thb_bridge/client";
import { envIndexer, startChainEnv, type ChainEnv } from "~/server/poller/test-support";
import { DEFAULT_BRIDGE_LIMITS } from "~/server/solana/bootstrap";
import {
  THB,
  bridgeEnv,
  hex,
  sendDeposit,
  sendWithdrawalCompletion,
  sendWithdrawalRefund,
  sendWithdrawalRequest,
  type BridgeEnv,
} from "~/server/solana/bridge-testing";
import { airdrop } from "~/server/solana/tx";
import { applyChainTx, createChainDecoder, createIndexer } from "../indexer";
import { reindexFromChain } from "../reindex";

let env: ChainEnv;
let b: BridgeEnv;
const published: { channel: string; payload: Record<string, unknown> }[] = [];
const signatures: string[] = [];

beforeAll(async () => {
  env = await startChainEnv();
  b = await bridgeEnv(env);
}, 90_000);

afterAll(async () => {
  await env?.close();
});

const indexer = () =>
  envIndexer(env, {
    publish: (channel, payload) => {
      published.push({ channel, payload });
      return Promise.resolve();
    },
  });

async function bridgeRows(db: Db) {
  return {
    deposits: await db.select().from(bridgeDeposits).orderBy(asc(bridgeDeposits.depositId)),
    withdrawals: await db.select().from(bridgeWithdrawals).orderBy(asc(bridgeWithdrawals.withdrawalId)),
    config: (await db.select().from(bridgeConfig)).map(({ updatedAt: _, ...row }) => row),
  };
}

async function holder() {
  const kp = Keypair.generate();
  await airdrop(env.chain.connection, kp.publicKey, LAMPORTS_PER_SOL);
  return kp;
}

describe("thb_bridge in the program list", () => {
  it("mirrors the bootstrap's initialize into bridge_config: operator admin, 1 of 1, the default limits, not paused", async () => {
    await indexer().catchUp();
    const [row] = (await bridgeRows(env.tdb.db)).config;
    expect(row).toMatchObject({
      bridge: bridgeAddress().toBase58(),
      thbcMint: thbcMintAddress().toBase58(),
      clusterTag: hex(b.clusterTag),
      admin: env.chain.operator.publicKey.toBase58(),
      pendingAdmin: null,
      attestorCount: 1,
      threshold: 1,
      maxPerDeposit: DEFAULT_BRIDGE_LIMITS.maxPerDeposit,
      maxPerDay: DEFAULT_BRIDGE_LIMITS.maxPerDay,
      withdrawalTimeoutSecs: Number(DEFAULT_BRIDGE_LIMITS.withdrawalTimeoutSecs),
      paused: false,
    });
  });

  it("mirrors an attested deposit: id, recipient, amount, THB reference, signature, slot, block time; announced to the recipient", async () => {
    const alice = Keypair.generate();
    const d = await sendDeposit(b, alice.publicKey, 1_234n * THB);
    signatures.push(d.signature);
    await indexer().catchUp();
    const rows = (await bridgeRows(env.tdb.db)).deposits.filter((r) => r.recipientWallet === alice.publicKey.toBase58());
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({
      depositId: hex(d.depositId),
      depositPda: depositAddress(d.depositId).toBase58(),
      recipientToken: thbcAccountAddress(alice.publicKey).toBase58(),
      amount: 1_234n * THB,
      thbTxRef: hex(d.thbTxRef),
      signature: d.signature,
    });
    expect(rows[0]!.slot).toBeGreaterThan(0);
    expect(rows[0]!.mintedAt).toBeInstanceOf(Date);
    expect(published).toContainEqual({
      channel: "deposits",
      payload: expect.objectContaining({
        signature: d.signature,
        kind: "minted",
        owner: alice.publicKey.toBase58(),
        amount: (1_234n * THB).toString(),
      }) as unknown,
    });
  });

  it("a live notification (no block time) stores the deposit; the catch-up fills in minted_at", async () => {
    const carol = Keypair.generate();
    const d = await sendDeposit(b, carol.publicKey, 7n * THB);
    signatures.push(d.signature);
    const tx = await env.chain.connection.getTransaction(d.signature, {
      commitment: "confirmed",
      maxSupportedTransactionVersion: 0,
    });
    // What the live path hands the handlers: the logs, the slot, no block time.
    await applyChainTx(env.tdb.db, createChainDecoder(env.chain.programs), {
      signature: d.signature,
      slot: tx!.slot,
      blockTime: null,
      logs: tx!.meta!.logMessages!,
    });
    const row = async () =>
      (await bridgeRows(env.tdb.db)).deposits.find((r) => r.depositId === hex(d.depositId));
    expect(await row()).toMatchObject({ amount: 7n * THB, mintedAt: null });
    await indexer().catchUp();
    expect((await row())!.mintedAt).toEqual(new Date(tx!.blockTime! * 1000));
  });

  it("mirrors withdrawals: requested (pending), completed with the THB payout, refunded by the attestors' rejection", async () => {
    const bob = await holder();
    signatures.push((await sendDeposit(b, bob.publicKey, 100n * THB)).signature);
    const w0 = await sendWithdrawalRequest(b, bob, 30n * THB);
    const w1 = await sendWithdrawalRequest(b, bob, 20n * THB);
    const w2 = await sendWithdrawalRequest(b, bob, 5n * THB);
    const done = await sendWithdrawalCompletion(b, { withdrawal: w0.withdrawal, holder: bob.publicKey, amount: 30n * THB });
    const refund = await sendWithdrawalRefund(b, { withdrawal: w1.withdrawal, holder: bob.publicKey, amount: 20n * THB });
    signatures.push(w0.signature, w1.signature, w2.signature, done.signature, refund.signature);
    await indexer().catchUp();

    const rows = (await bridgeRows(env.tdb.db)).withdrawals.filter((r) => r.holderWallet === bob.publicKey.toBase58());
    expect(rows.map((r) => [r.withdrawalId, r.state])).toEqual([
      [w0.withdrawalId, "completed"],
      [w1.withdrawalId, "refunded"],
      [w2.withdrawalId, "pending"],
    ]);
    expect(rows[0]).toMatchObject({
      withdrawalPda: w0.withdrawal.toBase58(),
      amount: 30n * THB,
      thbDestination: hex(w0.thbDestination),
      thbTxRef: hex(done.thbTxRef),
      refundAttested: null,
      requestedSignature: w0.signature,
      settledSignature: done.signature,
    });
    expect(rows[1]).toMatchObject({
      amount: 20n * THB,
      thbTxRef: null,
      refundAttested: true,
      requestedSignature: w1.signature,
      settledSignature: refund.signature,
    });
    expect(rows[2]).toMatchObject({ amount: 5n * THB, settledSignature: null, settledAt: null, thbTxRef: null });
    for (const r of rows) expect(r.requestedAt).toBeInstanceOf(Date);
    expect(rows[0]!.settledAt).toBeInstanceOf(Date);
    // The chain agrees: 100 − 30 − 20 + 20 (refunded) − 5.
    const balance = await env.chain.connection.getTokenAccountBalance(thbcAccountAddress(bob.publicKey), "confirmed");
    expect(BigInt(balance.value.amount)).toBe(65n * THB);
    const kinds = published
      .filter((p) => p.channel === "withdrawals" && p.payload.owner === bob.publicKey.toBase58())
      .map((p) => p.payload.kind);
    expect(kinds).toEqual(["requested", "requested", "requested", "completed", "refunded"]);
  });

  it("replaying the same signatures changes nothing; applied out of order into another database, the rows are the same; reindex rebuilds them", async () => {
    const before = await bridgeRows(env.tdb.db);
    expect(before.deposits.length).toBeGreaterThanOrEqual(3);
    expect(before.withdrawals.length).toBeGreaterThanOrEqual(3);

    const again = indexer();
    await again.applySignatures(signatures);
    await again.applySignatures([...signatures].reverse());
    await again.catchUp();
    expect(await bridgeRows(env.tdb.db)).toEqual(before);

    // Newest first: every settlement lands before its request, the deposits after everything.
    const other = await createTestDb();
    try {
      const reversed = createIndexer({
        db: other.db,
        connection: env.chain.connection,
        programs: env.chain.programs,
        catchUpIntervalMs: 0,
      });
      await reversed.applySignatures([...signatures].reverse());
      const rows = await bridgeRows(other.db);
      expect(rows.deposits).toEqual(before.deposits);
      expect(rows.withdrawals).toEqual(before.withdrawals);
    } finally {
      await other.close();
    }

    await reindexFromChain({ db: env.tdb.db, connection: env.chain.connection, programs: env.chain.programs });
    expect(await bridgeRows(env.tdb.db)).toEqual(before);
  });
});
