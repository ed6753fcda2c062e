/**
 * State survives restarts: clean close, lost or damaged snapshot (full replay from genesis),
 * a torn ledger tail, and programs added later. Each restart reopens the same data dir.
 */
import fs from "node:fs";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import bs58 from "bs58";
import { Keypair, LAMPORTS_PER_SOL, PublicKey, SystemProgram, Transaction, TransactionInstruction } from "@solana/web3.js";
import { startLocalnet, type Localnet } from "./index";
import { REPO_ROOT, rpc, rpcOk, tempDir, waitFor } from "./test-support";

const COUNTER_SO = path.join(REPO_ROOT, "programs/deploy/counter.so");
const COUNTER_ID = "6cbAEjAxr8v2pKr7DKSRGHs7LpqDNqH1h3LF1MeXrwn";
const INITIALIZE = Buffer.from([175, 175, 109, 31, 13, 152, 155, 237]);
const INCREMENT = Buffer.from([11, 18, 104, 9, 104, 174, 59, 33]);

const running: Localnet[] = [];
afterEach(async () => {
  await Promise.all(running.splice(0).map((n) => n.close()));
});

async function open(dataDir: string, programs = [{ name: "counter", programId: COUNTER_ID, soPath: COUNTER_SO }]): Promise<Localnet> {
  const net = await startLocalnet({ port: 0, dataDir, slotMs: 50, finalizeSlots: 2, programs, log: () => undefined, root: REPO_ROOT });
  running.push(net);
  return net;
}

async function close(net: Localnet): Promise<void> {
  running.splice(running.indexOf(net), 1);
  await net.close();
}

async function send(net: Localnet, tx: Transaction, signers: Keypair[], skipPreflight = false): Promise<string> {
  const bh = await rpcOk<{ value: { blockhash: string } }>(net.rpcUrl, "getLatestBlockhash", [{ commitment: "processed" }]);
  tx.recentBlockhash = bh.value.blockhash;
  tx.feePayer = signers[0]!.publicKey;
  tx.sign(...signers);
  return rpcOk<string>(net.rpcUrl, "sendTransaction", [tx.serialize().toString("base64"), { encoding: "base64", skipPreflight }]);
}

interface World {
  payer: Keypair;
  recipients: PublicKey[];
  sigs: string[];
  counter: PublicKey;
}

/** Airdrop, transfers, a failed transfer, and the counter program's initialize + increments. */
async function buildWorld(net: Localnet): Promise<World> {
  const payer = Keypair.generate();
  const airdrop = await rpcOk<string>(net.rpcUrl, "requestAirdrop", [payer.publicKey.toBase58(), 50 * LAMPORTS_PER_SOL]);
  const recipients = [Keypair.generate().publicKey, Keypair.generate().publicKey];
  const sigs = [airdrop];
  for (const [i, to] of recipients.entries()) {
    sigs.push(await send(net, new Transaction().add(SystemProgram.transfer({ fromPubkey: payer.publicKey, toPubkey: to, lamports: (i + 1) * LAMPORTS_PER_SOL })), [payer]));
  }
  // A failure that lands (fee charged), sent without preflight.
  sigs.push(await send(net, new Transaction().add(SystemProgram.transfer({ fromPubkey: payer.publicKey, toPubkey: recipients[0]!, lamports: 1000 * LAMPORTS_PER_SOL })), [payer], true));
  const [counter] = PublicKey.findProgramAddressSync([Buffer.from("counter"), payer.publicKey.toBuffer()], new PublicKey(COUNTER_ID));
  const ix = (data: Buffer, init: boolean) =>
    new TransactionInstruction({
      programId: new PublicKey(COUNTER_ID),
      keys: [
        { pubkey: payer.publicKey, isSigner: true, isWritable: init },
        { pubkey: counter, isSigner: false, isWritable: true },
        ...(init ? [{ pubkey: SystemProgram.programId, isSigner: false, isWritable: false }] : []),
      ],
      data,
    });
  sigs.push(await send(net, new Transaction().add(ix(INITIALIZE, true)), [payer]));
  for (let i = 0; i < 3; i++) {
    sigs.push(await send(net, new Transaction().add(ix(INCREMENT, false), SystemProgram.transfer({ fromPubkey: payer.publicKey, toPubkey: payer.publicKey, lamports: i })), [payer]));
  }
  // Wait until the accepted (no-preflight) transaction has executed.
  await waitFor("all landed", async () => {
    const st = await rpcOk<{ value: unknown[] }>(net.rpcUrl, "getSignatureStatuses", [sigs]);
    return st.value.every((v) => v !== null) ? true : undefined;
  });
  return { payer, recipients, sigs, counter };
}

async function observe(net: Localnet, w: World) {
  const balances = await rpcOk<{ value: ({ lamports: number } | null)[] }>(net.rpcUrl, "getMultipleAccounts", [
    [w.payer.publicKey.toBase58(), ...w.recipients.map((r) => r.toBase58())],
    { encoding: "base64" },
  ]);
  const statuses = await rpcOk<{ value: ({ slot: number; err: unknown } | null)[] }>(net.rpcUrl, "getSignatureStatuses", [w.sigs]);
  const counter = await rpcOk<{ value: { data: [string, string] } | null }>(net.rpcUrl, "getAccountInfo", [w.counter.toBase58(), { encoding: "base64" }]);
  const history = await rpcOk<{ signature: string }[]>(net.rpcUrl, "getSignaturesForAddress", [w.payer.publicKey.toBase58()]);
  const failed = await rpcOk<{ meta: { logMessages: string[] } } | null>(net.rpcUrl, "getTransaction", [w.sigs[3], { commitment: "confirmed" }]);
  const count = counter.value ? Buffer.from(counter.value.data[0], "base64").readBigUInt64LE(40) : null;
  return {
    lamports: balances.value.map((v) => v?.lamports ?? 0),
    statuses: statuses.value.map((v) => (v ? { slot: v.slot, err: v.err } : null)),
    count,
    history: history.map((h) => h.signature),
    failedLogs: failed?.meta.logMessages ?? null,
    genesis: await rpcOk<string>(net.rpcUrl, "getGenesisHash"),
  };
}

describe("persistence", () => {
  it("keeps state, statuses, history and program data across a clean restart, with a slot that never goes back", async () => {
    const dir = tempDir("persist");
    const a = await open(dir);
    const w = await buildWorld(a);
    const before = await observe(a, w);
    expect(before.count).toBe(3n);
    expect(before.statuses[3]?.err).toEqual({ InstructionError: [0, { Custom: 1 }] });
    const slotBefore = await rpcOk<number>(a.rpcUrl, "getSlot", [{ commitment: "processed" }]);
    await close(a);
    const b = await open(dir);
    expect(await observe(b, w)).toEqual(before);
    expect(await rpcOk<number>(b.rpcUrl, "getSlot", [{ commitment: "processed" }])).toBeGreaterThan(slotBefore);
    // The chain keeps working on top of the restored state.
    const more = await send(b, new Transaction().add(SystemProgram.transfer({ fromPubkey: w.payer.publicKey, toPubkey: w.recipients[1]!, lamports: 5 })), [w.payer]);
    expect((await rpcOk<{ value: unknown[] }>(b.rpcUrl, "getSignatureStatuses", [[more]])).value[0]).not.toBeNull();
  });

  it("replays the whole ledger from genesis when the snapshot is missing or damaged", async () => {
    const dir = tempDir("replay");
    const a = await open(dir);
    const w = await buildWorld(a);
    const before = await observe(a, w);
    await close(a);
    fs.rmSync(path.join(dir, "snapshot.bin"));
    const b = await open(dir);
    expect(await observe(b, w)).toEqual(before);
    await close(b);
    const snap = path.join(dir, "snapshot.bin");
    const bytes = fs.readFileSync(snap);
    bytes[bytes.length - 100] = bytes[bytes.length - 100]! ^ 0xff;
    fs.writeFileSync(snap, bytes);
    const c = await open(dir);
    expect(await observe(c, w)).toEqual(before);
  });

  it("drops a torn record at the ledger's tail (never acknowledged) and keeps everything before it", async () => {
    const dir = tempDir("torn");
    const a = await open(dir);
    const w = await buildWorld(a);
    const before = await observe(a, w);
    await close(a);
    fs.rmSync(path.join(dir, "snapshot.bin"));
    const seg = fs.readdirSync(path.join(dir, "ledger")).sort().pop()!;
    const file = path.join(dir, "ledger", seg);
    const size = fs.statSync(file).size;
    fs.appendFileSync(file, Buffer.from([200, 0, 0, 0, 1, 2, 3, 4, 5, 6]));
    const b = await open(dir);
    expect(await observe(b, w)).toEqual(before);
    expect(fs.statSync(file).size).toBeGreaterThanOrEqual(size);
  });

  it("refuses to open a data dir another running chain holds", async () => {
    const dir = tempDir("lock");
    await open(dir);
    await expect(open(dir)).rejects.toThrow(/already used/);
  });

  it("deploys a program added after genesis, durably, and only once", async () => {
    const dir = tempDir("deploy");
    const a = await open(dir, []);
    expect(await rpcOk<{ value: unknown }>(a.rpcUrl, "getAccountInfo", [COUNTER_ID, { encoding: "base64" }])).toMatchObject({ value: null });
    const genesis = a.genesisHash;
    await close(a);
    const b = await open(dir);
    expect(b.genesisHash).toBe(genesis);
    expect(b.programs.counter).toBe(COUNTER_ID);
    const w = await buildWorld(b);
    const before = await observe(b, w);
    await close(b);
    const ledgerSize = () => fs.readdirSync(path.join(dir, "ledger")).reduce((n, f) => n + fs.statSync(path.join(dir, "ledger", f)).size, 0);
    const size = ledgerSize();
    fs.rmSync(path.join(dir, "snapshot.bin"));
    const c = await open(dir);
    expect(await observe(c, w)).toEqual(before);
    expect(ledgerSize()).toBe(size);
  });

  it("treats a genesis-less dir as new and keeps one genesis hash per dir", async () => {
    const dir = tempDir("genesis");
    const a = await open(dir);
    const g = a.genesisHash;
    expect(bs58.decode(g)).toHaveLength(32);
    await close(a);
    const b = await open(dir);
    expect(await rpcOk(b.rpcUrl, "getGenesisHash")).toBe(g);
    const other = await open(tempDir("genesis2"));
    expect(other.genesisHash).not.toBe(g);
    expect((await rpc(other.rpcUrl, "getGenesisHash")).result).toBe(other.genesisHash);
  });
});
