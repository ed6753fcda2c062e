/**
 * The ledger through ThbChain (manual blocks): signed transfers and every refusal with its code and
 * nothing changed, blocks and confirmations, and reorgs of unconfirmed blocks.
 */
import { afterEach, describe, expect, it } from "vitest";
import bs58 from "bs58";
import type { ThbChain } from "./chain";
import { UNITS_PER_THB, U64_MAX, formatThb, parseThb, transferMessage } from "./encoding";
import { ThbChainError } from "./errors";
import { generateKeypair, keypairFromSecretKey, signBytes, verifyBytes } from "./keys";
import { keys, openTestChain, signed } from "./test-support";

const open: ThbChain[] = [];
afterEach(async () => {
  for (const c of open.splice(0)) await c.close();
});
async function chain(opts: Parameters<typeof openTestChain>[0] = {}) {
  const c = await openTestChain(opts);
  open.push(c);
  return c;
}

/** Runs `fn`, expects a ThbChainError with `code`, and that the chain's state did not change. */
async function refused(c: ThbChain, code: string, fn: () => Promise<unknown>) {
  const before = c.digest();
  const err = await fn().then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(ThbChainError);
  expect((err as ThbChainError).code).toBe(code);
  expect(c.digest()).toBe(before);
  return err as ThbChainError;
}

const THB = UNITS_PER_THB;

describe("amounts and keys", () => {
  it("parses and formats THB with 6 decimals", () => {
    expect(parseThb("12.5")).toBe(12_500_000n);
    expect(parseThb("0.000001")).toBe(1n);
    expect(parseThb("7")).toBe(7_000_000n);
    expect(() => parseThb("1.0000001")).toThrow();
    expect(() => parseThb("-1")).toThrow();
    expect(formatThb(12_500_000n)).toBe("12.5");
    expect(formatThb(1n)).toBe("0.000001");
    expect(formatThb(3n * THB)).toBe("3");
  });

  it("takes a Solana-layout 64-byte secret key or a seed, and signs verifiably", () => {
    const kp = generateKeypair();
    expect(keypairFromSecretKey(kp.secretKey.subarray(0, 32)).address).toBe(kp.address);
    const bad = Uint8Array.from(kp.secretKey);
    bad[40]! ^= 1;
    expect(() => keypairFromSecretKey(bad)).toThrow(/public half/);
    const msg = new TextEncoder().encode("hello");
    const sig = signBytes(kp.secretKey, msg);
    expect(verifyBytes(kp.publicKey, msg, sig)).toBe(true);
    expect(verifyBytes(kp.publicKey, new TextEncoder().encode("hellp"), sig)).toBe(false);
  });

  it("signs a domain-separated message that names the chain", () => {
    const [a, b] = keys(2);
    const m1 = Buffer.from(transferMessage("thb-sim-1", { from: a!.address, to: b!.address, amount: 5n, memo: "x", nonce: 0 }));
    const m2 = Buffer.from(transferMessage("thb-sim-2", { from: a!.address, to: b!.address, amount: 5n, memo: "x", nonce: 0 }));
    expect(m1.subarray(0, 26).toString("ascii")).toBe("GTX-THB-CHAIN/transfer/v1\0");
    expect(m1.equals(m2)).toBe(false);
  });
});

describe("transfers", () => {
  it("moves THB between accounts with signed, nonce-ordered transfers", async () => {
    const c = await chain();
    const [alice, bob] = keys(2);
    await c.fund(alice!.address, 100n * THB);
    // Funds and transfers may spend what is still in the mempool (the pending state).
    const t0 = await c.submitTransfer(signed(alice!, c.chainId, bob!.address, 30n * THB, 0, "first"));
    const t1 = await c.submitTransfer(signed(alice!, c.chainId, bob!.address, 20n * THB, 1));
    expect(t0).toMatchObject({ status: "pending", inBlock: false, height: null, confirmations: 0, memo: "first", nonce: 0 });
    expect(c.account(alice!.address)).toMatchObject({ balance: "0", pendingBalance: String(50n * THB), nonce: 2 });
    const b1 = await c.produceBlock();
    expect(b1.transfers.map((t) => t.id)).toEqual([expect.any(String), t0.id, t1.id]);
    expect(c.account(alice!.address)).toMatchObject({ balance: String(50n * THB), confirmedBalance: "0", nonce: 2 });
    expect(c.account(bob!.address)).toMatchObject({ balance: String(50n * THB), nonce: 0 });
    // Bob spends what he received.
    await c.submitTransfer(signed(bob!, c.chainId, alice!.address, 50n * THB, 0));
    await c.produceBlock();
    expect(c.account(bob!.address).balance).toBe("0");
    expect(c.supply()).toMatchObject({ head: 100n * THB, fundedHead: 100n * THB });
  });

  it("refuses bad signatures: forged, another key's, another chain's, altered fields", async () => {
    const c = await chain();
    const [alice, bob, mallory] = keys(3);
    await c.fund(alice!.address, 10n * THB);
    const good = signed(alice!, c.chainId, bob!.address, THB, 0);
    await refused(c, "INVALID_SIGNATURE", () => c.submitTransfer({ ...good, signature: bs58.encode(new Uint8Array(64)) }));
    await refused(c, "INVALID_SIGNATURE", () => c.submitTransfer({ ...good, signature: signed(mallory!, c.chainId, bob!.address, THB, 0).signature }));
    await refused(c, "INVALID_SIGNATURE", () => c.submitTransfer({ ...good, signature: signed(alice!, "thb-sim-other", bob!.address, THB, 0).signature }));
    await refused(c, "INVALID_SIGNATURE", () => c.submitTransfer({ ...good, amount: 2n * THB }));
    await refused(c, "INVALID_SIGNATURE", () => c.submitTransfer({ ...good, memo: "changed" }));
    await refused(c, "INVALID_SIGNATURE", () => c.submitTransfer({ ...good, to: mallory!.address }));
    await refused(c, "INVALID_SIGNATURE", () => c.submitTransfer({ ...good, signature: "not-base58-0OIl" }));
    expect((await c.submitTransfer(good)).status).toBe("pending");
  });

  it("refuses a replay: the same transfer again, or another one with a used nonce", async () => {
    const c = await chain();
    const [alice, bob] = keys(2);
    await c.fund(alice!.address, 10n * THB);
    const t = signed(alice!, c.chainId, bob!.address, THB, 0);
    const first = await c.submitTransfer(t);
    const dup = await refused(c, "DUPLICATE_TRANSFER", () => c.submitTransfer(t));
    expect(dup.details).toEqual({ id: first.id, status: "pending" });
    await c.produceBlock();
    await refused(c, "DUPLICATE_TRANSFER", () => c.submitTransfer(t));
    const e = await refused(c, "NONCE_USED", () => c.submitTransfer(signed(alice!, c.chainId, bob!.address, 2n * THB, 0)));
    expect(e.details).toEqual({ expected: 1 });
    await refused(c, "NONCE_TOO_HIGH", () => c.submitTransfer(signed(alice!, c.chainId, bob!.address, THB, 5)));
    expect(c.account(bob!.address).balance).toBe(String(THB));
  });

  it("refuses insufficient funds, self-transfers and u64 overflow, changing nothing", async () => {
    const c = await chain();
    const [alice, bob] = keys(2);
    await c.fund(alice!.address, 10n * THB);
    const e = await refused(c, "INSUFFICIENT_FUNDS", () => c.submitTransfer(signed(alice!, c.chainId, bob!.address, 10n * THB + 1n, 0)));
    expect(e.details).toEqual({ available: String(10n * THB) });
    // Pending outgoing transfers count against the balance.
    await c.submitTransfer(signed(alice!, c.chainId, bob!.address, 6n * THB, 0));
    await refused(c, "INSUFFICIENT_FUNDS", () => c.submitTransfer(signed(alice!, c.chainId, bob!.address, 5n * THB, 1)));
    await refused(c, "INSUFFICIENT_FUNDS", () => c.submitTransfer(signed(bob!, c.chainId, alice!.address, 7n * THB, 0)));
    await refused(c, "SELF_TRANSFER", () => c.submitTransfer(signed(alice!, c.chainId, alice!.address, THB, 1)));
    await c.fund(bob!.address, U64_MAX - 6n * THB);
    await refused(c, "BALANCE_OVERFLOW", () => c.fund(bob!.address, 1n));
    await refused(c, "BALANCE_OVERFLOW", () => c.submitTransfer(signed(alice!, c.chainId, bob!.address, 1n, 1)));
    await refused(c, "INVALID_ADDRESS", () => c.fund("not-an-address", 1n));
    await refused(c, "INVALID_INPUT", () => c.fund(alice!.address, 0n));
    await c.produceBlock();
    expect(c.account(alice!.address).balance).toBe(String(4n * THB));
    expect(c.account(bob!.address).balance).toBe(String(U64_MAX));
  });
});

describe("blocks and confirmations", () => {
  it("chains blocks by hash and counts confirmations = tip - height + 1", async () => {
    const c = await chain({ confirmations: 3 });
    const [alice, bob] = keys(2);
    const genesis = c.blocks(0, 0)[0]!;
    expect(genesis).toMatchObject({ height: 0, parentHash: "0".repeat(64), transfers: [] });
    await c.fund(alice!.address, 5n * THB);
    const t = await c.submitTransfer(signed(alice!, c.chainId, bob!.address, 2n * THB, 0, "memo"));
    const b1 = await c.produceBlock();
    expect(b1.parentHash).toBe(genesis.hash);
    expect(c.transfer(t.id)).toMatchObject({ status: "pending", inBlock: true, height: 1, index: 1, blockHash: b1.hash, confirmations: 1 });
    expect(c.account(bob!.address)).toMatchObject({ balance: String(2n * THB), confirmedBalance: "0" });
    const b2 = await c.produceBlock();
    expect(b2.parentHash).toBe(b1.hash);
    expect(c.transfer(t.id)).toMatchObject({ status: "pending", confirmations: 2 });
    await c.produceBlock();
    expect(c.transfer(t.id)).toMatchObject({ status: "confirmed", confirmations: 3, confirmationsRequired: 3, timestamp: b1.timestamp });
    expect(c.account(bob!.address)).toMatchObject({ balance: String(2n * THB), confirmedBalance: String(2n * THB) });
    expect(c.account(alice!.address)).toMatchObject({ confirmedBalance: String(3n * THB) });
    const all = c.blocks(0, 10);
    expect(all.map((b) => b.height)).toEqual([0, 1, 2, 3]);
    for (let i = 1; i < all.length; i++) expect(all[i]!.parentHash).toBe(all[i - 1]!.hash);
    expect(new Set(all.map((b) => b.hash)).size).toBe(4);
  });

  it("caps a block's transfers and leaves the rest for the next block, in order", async () => {
    const c = await chain({ maxBlockTransfers: 2 });
    const [alice, bob] = keys(2);
    await c.fund(alice!.address, 5n * THB);
    const ids = [];
    for (let n = 0; n < 3; n++) ids.push((await c.submitTransfer(signed(alice!, c.chainId, bob!.address, 1n, n))).id);
    expect((await c.produceBlock()).transfers).toHaveLength(2);
    const b2 = await c.produceBlock();
    expect(b2.transfers.map((t) => t.id)).toEqual(ids.slice(1));
  });

  it("lists an account's transfers since a height, by direction", async () => {
    const c = await chain();
    const [alice, bob, carol] = keys(3);
    await c.fund(alice!.address, 10n * THB);
    await c.submitTransfer(signed(alice!, c.chainId, bob!.address, THB, 0, "to bob"));
    await c.produceBlock(); // height 1
    await c.submitTransfer(signed(bob!, c.chainId, carol!.address, 1n, 0));
    await c.submitTransfer(signed(alice!, c.chainId, bob!.address, 2n, 1, "again"));
    await c.produceBlock(); // height 2
    const late = await c.submitTransfer(signed(alice!, c.chainId, bob!.address, 3n, 2, "mempool"));
    const all = c.accountTransfers(bob!.address);
    expect(all.transfers.map((t) => [t.height, t.memo])).toEqual([
      [1, "to bob"],
      [2, ""],
      [2, "again"],
      [null, "mempool"],
    ]);
    expect(c.accountTransfers(bob!.address, { since: 2, direction: "in" }).transfers.map((t) => t.memo)).toEqual(["again", "mempool"]);
    expect(c.accountTransfers(bob!.address, { direction: "out" }).transfers.map((t) => t.to)).toEqual([carol!.address]);
    expect(c.accountTransfers(bob!.address, { limit: 2 })).toMatchObject({ truncated: true });
    expect(c.accountTransfers(bob!.address).transfers.at(-1)!.id).toBe(late.id);
  });
});

describe("reorgs of unconfirmed blocks (test knob)", () => {
  it("is refused without the knob", async () => {
    const c = await chain();
    await c.produceBlock();
    await refused(c, "TEST_KNOBS_DISABLED", () => c.reorg(1));
  });

  it("drops the last blocks: their transfers are dropped, balances revert, new blocks re-use the heights", async () => {
    const c = await chain({ testKnobs: true, confirmations: 3 });
    const [user, bridge] = keys(2);
    await c.fund(user!.address, 10n * THB);
    await c.produceBlock(); // 1: fund
    const deposit = await c.submitTransfer(signed(user!, c.chainId, bridge!.address, 4n * THB, 0, "SoLWallet111"));
    const b2 = await c.produceBlock(); // 2: deposit
    expect(c.transfer(deposit.id)).toMatchObject({ status: "pending", height: 2, confirmations: 1 });
    expect(c.account(bridge!.address).balance).toBe(String(4n * THB));
    const r = await c.reorg(1);
    expect(r).toMatchObject({ droppedBlocks: [{ height: 2, hash: b2.hash }], dropped: [deposit.id], requeued: [], tip: 1 });
    expect(c.transfer(deposit.id)).toMatchObject({ status: "dropped", inBlock: false, height: null, confirmations: 0 });
    expect(c.account(bridge!.address)).toMatchObject({ balance: "0", pendingBalance: "0" });
    expect(c.account(user!.address)).toMatchObject({ balance: String(10n * THB), nonce: 0 });
    expect(c.accountTransfers(bridge!.address).transfers).toEqual([]);
    expect(c.accountTransfers(bridge!.address, { includeDropped: true }).transfers.map((t) => [t.id, t.status])).toEqual([[deposit.id, "dropped"]]);
    // The height is made again with another hash, and the deposit never confirms.
    const again = await c.produceBlock();
    expect(again.height).toBe(2);
    expect(again.hash).not.toBe(b2.hash);
    await c.produceBlock();
    await c.produceBlock();
    expect(c.transfer(deposit.id)!.status).toBe("dropped");
    // Re-sending the identical transfer brings it back under the same id.
    const resent = await c.submitTransfer(signed(user!, c.chainId, bridge!.address, 4n * THB, 0, "SoLWallet111"));
    expect(resent).toMatchObject({ id: deposit.id, status: "pending" });
    expect(c.supply()).toMatchObject({ pending: 10n * THB, fundedPending: 10n * THB });
  });

  it("drops mempool transfers that relied on a dropped block (funds or nonce)", async () => {
    const c = await chain({ testKnobs: true, confirmations: 3 });
    const [a, b, cc] = keys(3);
    await c.fund(a!.address, 10n * THB);
    await c.produceBlock(); // 1
    const t1 = await c.submitTransfer(signed(a!, c.chainId, b!.address, 5n * THB, 0));
    await c.produceBlock(); // 2
    const spendReceived = await c.submitTransfer(signed(b!, c.chainId, cc!.address, 5n * THB, 0));
    const nextNonce = await c.submitTransfer(signed(a!, c.chainId, cc!.address, THB, 1));
    const unrelated = await c.fund(cc!.address, 1n);
    const r = await c.reorg(1);
    expect(r.dropped).toEqual([t1.id, spendReceived.id, nextNonce.id]);
    expect(c.transfer(unrelated.id)!.status).toBe("pending");
    expect(c.tip().mempool).toBe(1);
    const s = c.supply();
    expect(s.pending).toBe(s.fundedPending);
  });

  it("with requeue, puts the transfers back in the mempool in order; they are mined again", async () => {
    const c = await chain({ testKnobs: true, confirmations: 3 });
    const [a, b] = keys(2);
    await c.fund(a!.address, 10n * THB);
    await c.produceBlock();
    const t0 = await c.submitTransfer(signed(a!, c.chainId, b!.address, 1n, 0));
    await c.produceBlock();
    const t1 = await c.submitTransfer(signed(a!, c.chainId, b!.address, 2n, 1));
    await c.produceBlock();
    const t2 = await c.submitTransfer(signed(a!, c.chainId, b!.address, 3n, 2));
    const r = await c.reorg(2, { requeue: true });
    expect(r).toMatchObject({ dropped: [], requeued: [t0.id, t1.id], tip: 1 });
    expect(c.transfer(t0.id)).toMatchObject({ status: "pending", inBlock: false });
    const blk = await c.produceBlock();
    expect(blk.transfers.map((t) => t.id)).toEqual([t0.id, t1.id, t2.id]);
    expect(c.account(b!.address).balance).toBe("6");
  });

  it("never drops a confirmed block", async () => {
    const c = await chain({ testKnobs: true, confirmations: 3 });
    for (let i = 0; i < 5; i++) await c.produceBlock();
    const e = await refused(c, "REORG_TOO_DEEP", () => c.reorg(3));
    expect(e.details).toEqual({ max: 2 });
    await refused(c, "REORG_TOO_DEEP", () => c.reorg(0));
    const one = await chain({ testKnobs: true, confirmations: 1 });
    await one.produceBlock();
    await refused(one, "REORG_TOO_DEEP", () => one.reorg(1));
  });
});
