/**
 * Acceptance: unmodified @coral-xyz/anchor (Program + AnchorProvider) against the counter
 * example program deployed at genesis.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AnchorError, AnchorProvider, BN, Program, Wallet } from "@coral-xyz/anchor";
import { Connection, PublicKey, SendTransactionError, type Keypair } from "@solana/web3.js";
import { counterIdl, type Counter } from "~/programs/counter/idl/counter";
import type { Localnet } from "./index";
import { closeConnection, fundedKeypair, rpcOk, startTestChain, waitFor } from "./test-support";

const num = (x: BN): number => x.toNumber();

let net: Localnet;
let conn: Connection;

function providerFor(kp: Keypair): AnchorProvider {
  return new AnchorProvider(conn, new Wallet(kp), { commitment: "confirmed", preflightCommitment: "confirmed" });
}

const funded = () => fundedKeypair(conn, 5);

function counterPda(authority: PublicKey): PublicKey {
  return PublicKey.findProgramAddressSync([Buffer.from("counter"), authority.toBuffer()], new PublicKey(counterIdl.address))[0];
}

beforeAll(async () => {
  net = await startTestChain();
  conn = new Connection(net.rpcUrl, "confirmed");
});

afterAll(async () => {
  closeConnection(conn);
  await net.close();
});

describe("Anchor Program against the local chain", () => {
  it("deployed the counter program at its Anchor.toml id", async () => {
    expect(net.programs.counter).toBe(counterIdl.address);
    const info = await conn.getAccountInfo(new PublicKey(counterIdl.address));
    expect(info?.executable).toBe(true);
  });

  it("initializes, increments and adds through .rpc(), fetches the account and lists it with .all()", async () => {
    const alice = await funded();
    const program = new Program<Counter>(counterIdl, providerFor(alice));
    await program.methods.initialize().accounts({ authority: alice.publicKey }).rpc();
    await program.methods.increment().accounts({ authority: alice.publicKey }).rpc();
    await program.methods.add(new BN(41)).accounts({ authority: alice.publicKey }).rpc();
    const pda = counterPda(alice.publicKey);
    const acct = await program.account.counter.fetch(pda);
    expect(num(acct.count)).toBe(42);
    expect(acct.authority.toBase58()).toBe(alice.publicKey.toBase58());

    const all = await program.account.counter.all();
    expect(all.map((a) => a.publicKey.toBase58())).toContain(pda.toBase58());
    const mine = await program.account.counter.all([{ memcmp: { offset: 8, bytes: alice.publicKey.toBase58() } }]);
    expect(mine).toHaveLength(1);
    expect(num(mine[0]!.account.count)).toBe(42);
  });

  it("simulates with .simulate() (events parsed from logs) and reads return data with .view()", async () => {
    const bob = await funded();
    const program = new Program<Counter>(counterIdl, providerFor(bob));
    await program.methods.initialize().accounts({ authority: bob.publicKey }).rpc();
    const sim = await program.methods.add(new BN(7)).accounts({ authority: bob.publicKey }).simulate();
    expect(sim.events).toHaveLength(1);
    expect(sim.events[0]!.name).toBe("counterIncremented");
    expect((sim.events[0]!.data as { count: BN }).count.toNumber()).toBe(7);
    expect(sim.raw.some((l) => l.includes("consumed"))).toBe(true);
    // Simulation changed nothing.
    const pda = counterPda(bob.publicKey);
    expect(num((await program.account.counter.fetch(pda)).count)).toBe(0);
    await program.methods.add(new BN(5)).accounts({ authority: bob.publicKey }).rpc();
    const viewed = (await program.methods.getCount().accounts({ counter: pda }).view()) as BN;
    expect(num(viewed)).toBe(5);
  });

  it("delivers events through program.addEventListener (logsSubscribe)", async () => {
    const carol = await funded();
    const program = new Program<Counter>(counterIdl, providerFor(carol));
    await program.methods.initialize().accounts({ authority: carol.publicKey }).rpc();
    const seen: { amount: number; count: number; slot: number; sig: string }[] = [];
    const id = program.addEventListener("counterIncremented", (ev, slot, sig) => {
      if (ev.authority.equals(carol.publicKey)) seen.push({ amount: num(ev.amount), count: num(ev.count), slot, sig });
    });
    try {
      // The subscription must be live before the transaction, as on any cluster.
      await waitFor("logs subscription", () => (net.chain.listener as unknown as { subscriptionCount: number }).subscriptionCount > 0 || undefined);
      const sig = await program.methods.add(new BN(3)).accounts({ authority: carol.publicKey }).rpc();
      const ev = await waitFor("event", () => seen[0]);
      expect(ev).toMatchObject({ amount: 3, count: 3, sig });
      expect(ev.slot).toBeGreaterThan(0);
    } finally {
      await program.removeEventListener(id);
    }
  });

  it("surfaces the program's custom errors as typed AnchorErrors", async () => {
    const dave = await funded();
    const mallory = await funded();
    const program = new Program<Counter>(counterIdl, providerFor(dave));
    await program.methods.initialize().accounts({ authority: dave.publicKey }).rpc();
    await program.methods.increment().accounts({ authority: dave.publicKey }).rpc();

    // Overflow (6000), caught by preflight.
    const overflow = await program.methods
      .add(new BN("18446744073709551615"))
      .accounts({ authority: dave.publicKey })
      .rpc()
      .catch((e: unknown) => e);
    expect(overflow).toBeInstanceOf(AnchorError);
    expect((overflow as AnchorError).error.errorCode).toEqual({ code: "Overflow", number: 6000 });
    expect((overflow as AnchorError).logs.some((l) => l.includes("Error Number: 6000"))).toBe(true);

    // Unauthorized (6001): mallory signs for dave's counter.
    const asMallory = new Program<Counter>(counterIdl, providerFor(mallory));
    const unauthorized = await asMallory.methods
      .increment()
      .accountsPartial({ authority: mallory.publicKey, counter: counterPda(dave.publicKey) })
      .rpc()
      .catch((e: unknown) => e);
    expect(unauthorized).toBeInstanceOf(AnchorError);
    expect((unauthorized as AnchorError).error.errorCode.number).toBe(6001);
    expect(num((await program.account.counter.fetch(counterPda(dave.publicKey))).count)).toBe(1);
  });

  it("records a failed transaction sent without preflight, so Anchor's post-failure getTransaction finds its logs", async () => {
    const erin = await funded();
    const program = new Program<Counter>(counterIdl, providerFor(erin));
    await program.methods.initialize().accounts({ authority: erin.publicKey }).rpc();
    await program.methods.increment().accounts({ authority: erin.publicKey }).rpc();
    const before = await conn.getBalance(erin.publicKey);
    const err = await program.methods
      .add(new BN("18446744073709551615"))
      .accounts({ authority: erin.publicKey })
      .rpc({ skipPreflight: true })
      .catch((e: unknown) => e);
    // Anchor's confirm step saw the failure through the signature notification and fetched the
    // transaction: it throws its own ConfirmError when getTransaction finds nothing, and a
    // SendTransactionError when it does (Anchor 0.32 builds that with web3.js's old positional
    // constructor, so the logs do not survive into it: a client-side limit, not the chain's).
    expect(err).toBeInstanceOf(SendTransactionError);
    const sigs = await conn.getSignaturesForAddress(erin.publicKey, { limit: 1 });
    expect(sigs[0]!.err).toEqual({ InstructionError: [0, { Custom: 6000 }] });
    const tx = await conn.getTransaction(sigs[0]!.signature, { commitment: "confirmed", maxSupportedTransactionVersion: 0 });
    expect(tx?.meta?.err).toEqual({ InstructionError: [0, { Custom: 6000 }] });
    expect(tx?.meta?.logMessages?.some((l) => l.includes("AnchorError occurred. Error Code: Overflow"))).toBe(true);
    // Those logs are what Anchor's error translation reads.
    const parsed = AnchorError.parse(tx?.meta?.logMessages ?? []);
    expect(parsed?.error.errorCode).toEqual({ code: "Overflow", number: 6000 });
    // The fee was charged, as on a real cluster.
    expect(before - (await conn.getBalance(erin.publicKey))).toBe(5000);
  });

  it("reports the compute units each counter instruction used", async () => {
    const frank = await funded();
    const program = new Program<Counter>(counterIdl, providerFor(frank));
    const sig = await program.methods.initialize().accounts({ authority: frank.publicKey }).rpc();
    const tx = await rpcOk<{ meta: { computeUnitsConsumed: number } }>(net.rpcUrl, "getTransaction", [sig, { commitment: "confirmed", encoding: "json" }]);
    expect(tx.meta.computeUnitsConsumed).toBeGreaterThan(1000);
  });
});
