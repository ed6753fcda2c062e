/**
 * Acceptance: an unmodified @solana/web3.js v1 Connection against the running local chain
 * (HTTP for requests, the WebSocket for confirmations and subscriptions).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  AddressLookupTableProgram,
  Connection,
  Keypair,
  LAMPORTS_PER_SOL,
  SystemProgram,
  Transaction,
  TransactionMessage,
  VersionedTransaction,
  sendAndConfirmTransaction,
  type AccountInfo,
  type KeyedAccountInfo,
  type PublicKey,
  type SlotInfo,
} from "@solana/web3.js";
import type { Localnet } from "./index";
import { airdropConfirmed, closeConnection, rpcOk, startTestChain, waitFor } from "./test-support";

let net: Localnet;
let conn: Connection;
let payer: Keypair;

const fund = (kp: Keypair, sol: number) => airdropConfirmed(conn, kp.publicKey, sol);

function transfer(from: Keypair, to: PublicKey, lamports: number): Transaction {
  return new Transaction().add(SystemProgram.transfer({ fromPubkey: from.publicKey, toPubkey: to, lamports }));
}

beforeAll(async () => {
  net = await startTestChain();
  conn = new Connection(net.rpcUrl, "confirmed");
  payer = Keypair.generate();
  await fund(payer, 100);
});

afterAll(async () => {
  closeConnection(conn);
  await net.close();
});

describe("web3.js Connection against the local chain", () => {
  it("answers the cluster-info calls with agave's shapes", async () => {
    expect(await conn.getGenesisHash()).toBe(net.genesisHash);
    expect((await conn.getVersion())["solana-core"]).toMatch(/^\d+\.\d+\.\d+$/);
    // The connection's commitment (confirmed) decides the slot; a young chain may still be at 0.
    const before = await conn.getSlot("confirmed");
    const epoch = await conn.getEpochInfo();
    const after = await conn.getSlot("confirmed");
    expect(epoch.absoluteSlot).toBeGreaterThanOrEqual(before);
    expect(epoch.absoluteSlot).toBeLessThanOrEqual(after);
    expect(epoch.blockHeight).toBe(epoch.absoluteSlot);
    const { blockhash, lastValidBlockHeight } = await conn.getLatestBlockhash("processed");
    const slot = await conn.getSlot("processed");
    expect(lastValidBlockHeight).toBeGreaterThanOrEqual(slot + 149);
    expect(await conn.isBlockhashValid(blockhash)).toMatchObject({ value: true });
    expect(await conn.isBlockhashValid(Keypair.generate().publicKey.toBase58())).toMatchObject({ value: false });
    expect(await conn.getMinimumBalanceForRentExemption(0)).toBe(890_880);
    const schedule = await conn.getEpochSchedule();
    expect(schedule.slotsPerEpoch).toBe(432_000);
    expect(await conn.getRecentPrioritizationFees()).toEqual([]);
  });

  it("moves through processed, confirmed and finalized as slots pass", async () => {
    const to = Keypair.generate().publicKey;
    const sig = await conn.sendTransaction(transfer(payer, to, LAMPORTS_PER_SOL), [payer]);
    const levels = new Set<string>();
    await waitFor("finalized", async () => {
      const st = (await conn.getSignatureStatus(sig)).value;
      if (st?.confirmationStatus) levels.add(st.confirmationStatus);
      return st?.confirmationStatus === "finalized" ? st : undefined;
    });
    expect(levels.has("finalized")).toBe(true);
    const final = (await conn.getSignatureStatus(sig)).value;
    expect(final?.confirmations).toBeNull();
    expect(final?.err).toBeNull();
    const block = await conn.getBlockTime(final!.slot);
    expect(block).toBeGreaterThan(1_700_000_000);
  });

  it("sendAndConfirmTransaction confirms over the WebSocket with both confirmation strategies", async () => {
    const to = Keypair.generate();
    const sig = await sendAndConfirmTransaction(conn, transfer(payer, to.publicKey, 2 * LAMPORTS_PER_SOL), [payer], {
      commitment: "confirmed",
    });
    expect(await conn.getBalance(to.publicKey)).toBe(2 * LAMPORTS_PER_SOL);
    // Legacy strategy: a bare signature, answered by signatureSubscribe.
    const st = await conn.confirmTransaction(sig, "finalized");
    expect(st.value.err).toBeNull();
    // Block-height strategy, with a transaction sent without preflight.
    const bh = await conn.getLatestBlockhash();
    const tx = transfer(to, payer.publicKey, LAMPORTS_PER_SOL);
    tx.recentBlockhash = bh.blockhash;
    tx.feePayer = to.publicKey;
    tx.sign(to);
    const sig2 = await conn.sendRawTransaction(tx.serialize(), { skipPreflight: true });
    const res = await conn.confirmTransaction({ signature: sig2, ...bh }, "confirmed");
    expect(res.value.err).toBeNull();
    expect(await conn.getBalance(to.publicKey)).toBe(LAMPORTS_PER_SOL - 5000);
    const parsed = await conn.getTransaction(sig2, { commitment: "confirmed", maxSupportedTransactionVersion: 0 });
    expect(parsed?.meta?.fee).toBe(5000);
    const meta = parsed!.meta!;
    expect(meta.preBalances[0]! - meta.postBalances[0]!).toBe(LAMPORTS_PER_SOL + 5000);
    expect(parsed?.transaction.signatures[0]).toBe(sig2);
  });

  it("rejects a preflight failure with -32002, logs in the error, and changes nothing", async () => {
    const poor = Keypair.generate();
    await fund(poor, 1);
    const before = await conn.getBalance(poor.publicKey);
    const err = await sendAndConfirmTransaction(conn, transfer(poor, payer.publicKey, 5 * LAMPORTS_PER_SOL), [poor]).catch(
      (e: unknown) => e as Error & { logs?: string[] },
    );
    expect(err).toBeInstanceOf(Error);
    expect((err as Error).message).toContain("Transaction simulation failed: Error processing Instruction 0: custom program error: 0x1");
    expect((err as { logs?: string[] }).logs?.some((l) => l.includes("insufficient lamports"))).toBe(true);
    expect(await conn.getBalance(poor.publicKey)).toBe(before);
  });

  it("simulates with signatures, accounts, and a replaced blockhash", async () => {
    const to = Keypair.generate().publicKey;
    const tx = transfer(payer, to, 3 * LAMPORTS_PER_SOL);
    const sim = await conn.simulateTransaction(tx, [payer], [to]);
    expect(sim.value.err).toBeNull();
    expect(sim.value.logs).toEqual(["Program 11111111111111111111111111111111 invoke [1]", "Program 11111111111111111111111111111111 success"]);
    expect(sim.value.unitsConsumed).toBe(150);
    expect(sim.value.accounts?.[0]?.lamports).toBe(3 * LAMPORTS_PER_SOL);
    expect(await conn.getBalance(to)).toBe(0);

    // A v0 transaction with a stale blockhash, simulated with replaceRecentBlockhash.
    const msg = new TransactionMessage({
      payerKey: payer.publicKey,
      recentBlockhash: Keypair.generate().publicKey.toBase58(),
      instructions: [SystemProgram.transfer({ fromPubkey: payer.publicKey, toPubkey: to, lamports: LAMPORTS_PER_SOL })],
    }).compileToV0Message();
    const vtx = new VersionedTransaction(msg);
    const stale = await conn.simulateTransaction(vtx, { sigVerify: false });
    expect(stale.value.err).toBe("BlockhashNotFound");
    const replaced = await conn.simulateTransaction(vtx, { replaceRecentBlockhash: true });
    expect(replaced.value.err).toBeNull();
    const replacement = (replaced.value as { replacementBlockhash?: { blockhash: string } }).replacementBlockhash;
    expect(await conn.isBlockhashValid(replacement!.blockhash)).toMatchObject({ value: true });
    // sigVerify with an unsigned transaction: agave's -32003.
    await expect(conn.simulateTransaction(vtx, { sigVerify: true })).rejects.toThrow(/signature verification failure/);
  });

  it("filters getProgramAccounts by memcmp (base58 and base64) and dataSize", async () => {
    const owner = Keypair.generate();
    await fund(owner, 5);
    const accounts = [Keypair.generate(), Keypair.generate(), Keypair.generate()];
    const sizes = [16, 16, 24];
    const tx = new Transaction();
    accounts.forEach((a, i) =>
      tx.add(
        SystemProgram.createAccount({
          fromPubkey: owner.publicKey,
          newAccountPubkey: a.publicKey,
          lamports: LAMPORTS_PER_SOL,
          space: sizes[i]!,
          programId: owner.publicKey,
        }),
      ),
    );
    await sendAndConfirmTransaction(conn, tx, [owner, ...accounts]);
    const all = await conn.getProgramAccounts(owner.publicKey);
    expect(all).toHaveLength(3);
    const sized = await conn.getProgramAccounts(owner.publicKey, { filters: [{ dataSize: 16 }] });
    expect(sized.map((a) => a.pubkey.toBase58()).sort()).toEqual([accounts[0]!, accounts[1]!].map((a) => a.publicKey.toBase58()).sort());
    // All data is zero: a zero-byte memcmp matches, a 0x01 does not.
    const zero = await conn.getProgramAccounts(owner.publicKey, { filters: [{ memcmp: { offset: 20, bytes: "1" } }] });
    expect(zero).toHaveLength(1);
    const none = await conn.getProgramAccounts(owner.publicKey, {
      filters: [{ memcmp: { offset: 0, bytes: Buffer.from([1]).toString("base64"), encoding: "base64" } }],
    });
    expect(none).toHaveLength(0);
    const ctx = await conn.getProgramAccounts(owner.publicKey, { withContext: true, dataSlice: { offset: 0, length: 4 } });
    expect(Number.isSafeInteger(ctx.context.slot)).toBe(true);
    expect(ctx.context.slot).toBeLessThanOrEqual(await conn.getSlot("processed"));
    expect(ctx.value[0]?.account.data).toHaveLength(4);
  });

  it("notifies account, program, logs and slot subscribers", async () => {
    const watched = Keypair.generate();
    await fund(watched, 2);
    const accountSeen: number[] = [];
    const programSeen: string[] = [];
    const logsSeen: string[] = [];
    const slots: number[] = [];
    const a = conn.onAccountChange(watched.publicKey, (info: AccountInfo<Buffer>) => accountSeen.push(info.lamports), { commitment: "confirmed" });
    const p = conn.onProgramAccountChange(SystemProgram.programId, (k: KeyedAccountInfo) => programSeen.push(k.accountId.toBase58()), {
      commitment: "processed",
    });
    const l = conn.onLogs(watched.publicKey, (logs) => logsSeen.push(logs.signature), "confirmed");
    const s = conn.onSlotChange((info: SlotInfo) => slots.push(info.slot));
    try {
      await waitFor("subscriptions", () => ((net.chain.listener as unknown as { subscriptionCount: number }).subscriptionCount >= 4 ? true : undefined));
      const sig = await sendAndConfirmTransaction(conn, transfer(payer, watched.publicKey, LAMPORTS_PER_SOL), [payer]);
      await waitFor("account notification", () => (accountSeen.includes(3 * LAMPORTS_PER_SOL) ? true : undefined));
      await waitFor("logs notification", () => (logsSeen.includes(sig) ? true : undefined));
      await waitFor("program notification", () => (programSeen.includes(watched.publicKey.toBase58()) ? true : undefined));
      await waitFor("slots", () => (slots.length >= 2 ? true : undefined));
      expect(slots[1]).toBeGreaterThan(slots[0]!);
    } finally {
      await Promise.all([
        conn.removeAccountChangeListener(a),
        conn.removeProgramAccountChangeListener(p),
        conn.removeOnLogsListener(l),
        conn.removeSlotChangeListener(s),
      ]);
    }
  });

  it("runs v0 transactions that load addresses from a lookup table", async () => {
    const recipients = [Keypair.generate().publicKey, Keypair.generate().publicKey];
    const slot = await conn.getSlot("finalized");
    const [create, table] = AddressLookupTableProgram.createLookupTable({ authority: payer.publicKey, payer: payer.publicKey, recentSlot: slot });
    const extend = AddressLookupTableProgram.extendLookupTable({ lookupTable: table, authority: payer.publicKey, payer: payer.publicKey, addresses: recipients });
    await sendAndConfirmTransaction(conn, new Transaction().add(create, extend), [payer]);
    // Addresses added to a table become usable in a later slot.
    const after = await conn.getSlot("processed");
    await waitFor("next slot", async () => ((await conn.getSlot("processed")) > after ? true : undefined));
    const lut = (await conn.getAddressLookupTable(table)).value!;
    expect(lut.state.addresses.map((a) => a.toBase58())).toEqual(recipients.map((r) => r.toBase58()));
    const bh = await conn.getLatestBlockhash();
    const msg = new TransactionMessage({
      payerKey: payer.publicKey,
      recentBlockhash: bh.blockhash,
      instructions: recipients.map((r) => SystemProgram.transfer({ fromPubkey: payer.publicKey, toPubkey: r, lamports: LAMPORTS_PER_SOL })),
    }).compileToV0Message([lut]);
    const vtx = new VersionedTransaction(msg);
    vtx.sign([payer]);
    const sig = await conn.sendTransaction(vtx);
    await conn.confirmTransaction({ signature: sig, ...bh }, "confirmed");
    expect(await conn.getBalance(recipients[1]!)).toBe(LAMPORTS_PER_SOL);
    const got = await conn.getTransaction(sig, { commitment: "confirmed", maxSupportedTransactionVersion: 0 });
    expect(got?.version).toBe(0);
    expect(got?.meta?.loadedAddresses?.writable.map((a) => a.toBase58())).toEqual(recipients.map((r) => r.toBase58()));
    // Indexed under the loaded address too.
    const byLoaded = await conn.getSignaturesForAddress(recipients[0]!);
    expect(byLoaded.map((x) => x.signature)).toContain(sig);
    // Without maxSupportedTransactionVersion a v0 transaction is refused, as agave does.
    await expect(conn.getTransaction(sig, { commitment: "confirmed" } as never)).rejects.toThrow(/maxSupportedTransactionVersion/);
  });

  it("pages getSignaturesForAddress with before, until and limit, newest first", async () => {
    const who = Keypair.generate();
    await fund(who, 1);
    const sigs: string[] = [];
    for (let i = 0; i < 4; i++) {
      sigs.push(await sendAndConfirmTransaction(conn, transfer(payer, who.publicKey, LAMPORTS_PER_SOL + i), [payer]));
    }
    const all = (await conn.getSignaturesForAddress(who.publicKey)).map((x) => x.signature);
    expect(all.slice(0, 4)).toEqual([...sigs].reverse());
    expect(all).toHaveLength(5); // plus the airdrop
    const page = await conn.getSignaturesForAddress(who.publicKey, { limit: 2, before: sigs[3] });
    expect(page.map((x) => x.signature)).toEqual([sigs[2], sigs[1]]);
    const until = await conn.getSignaturesForAddress(who.publicKey, { until: sigs[1] });
    expect(until.map((x) => x.signature)).toEqual([sigs[3], sigs[2]]);
    const first = (await conn.getSignaturesForAddress(who.publicKey, { limit: 1 }))[0]!;
    expect(first.blockTime).toBeGreaterThan(0);
    expect(first.err).toBeNull();
  });

  it("charges the fee getFeeForMessage quotes, including a priority fee", async () => {
    const { ComputeBudgetProgram } = await import("@solana/web3.js");
    const from = Keypair.generate();
    await fund(from, 2);
    const bh = await conn.getLatestBlockhash();
    const tx = new Transaction({ feePayer: from.publicKey, ...bh })
      .add(ComputeBudgetProgram.setComputeUnitLimit({ units: 10_000 }))
      .add(ComputeBudgetProgram.setComputeUnitPrice({ microLamports: 250_000 }))
      .add(SystemProgram.transfer({ fromPubkey: from.publicKey, toPubkey: payer.publicKey, lamports: LAMPORTS_PER_SOL }));
    const quoted = (await conn.getFeeForMessage(tx.compileMessage())).value;
    expect(quoted).toBe(5000 + 2500);
    const before = await conn.getBalance(from.publicKey);
    await sendAndConfirmTransaction(conn, tx, [from]);
    expect(before - (await conn.getBalance(from.publicKey))).toBe(LAMPORTS_PER_SOL + quoted!);
  });

  it("reads history through raw JSON-RPC the way an indexer does", async () => {
    const sig = await sendAndConfirmTransaction(conn, transfer(payer, Keypair.generate().publicKey, LAMPORTS_PER_SOL), [payer]);
    const b64 = await rpcOk<{ transaction: [string, string] }>(net.rpcUrl, "getTransaction", [sig, { encoding: "base64", commitment: "confirmed" }]);
    expect(b64.transaction[1]).toBe("base64");
    const restored = Transaction.from(Buffer.from(b64.transaction[0], "base64"));
    expect(restored.signatures[0]?.signature && Buffer.from(restored.signatures[0].signature).length).toBe(64);
  });
});
