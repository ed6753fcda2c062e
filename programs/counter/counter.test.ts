/**
 * The counter program (programs/counter/src/*.c, built .so from programs/deploy) on LiteSVM,
 * through the harness and Anchor's coder: success paths, every refusal with its Anchor error and
 * no account changed, and pinned compute-unit budgets.
 */
import { Keypair, PublicKey, SystemProgram, TransactionInstruction } from "@solana/web3.js";
import { beforeEach, describe, expect, it } from "vitest";
import {
  bn,
  type BigNum,
  expectAnchorError,
  expectCu,
  expectOk,
  expectUnchanged,
  TestChain,
} from "~/programs/harness";
import type { Program } from "@coral-xyz/anchor";
import { counterIdl, type Counter } from "./idl/counter";

const U64_MAX = (1n << 64n) - 1n;

/** CU budgets per instruction (measured, plus a small margin). A regression fails here. */
const CU = { initialize: 3_700, increment: 2_200, add: 2_200, getCount: 1_850 };

/** A deterministic authority whose counter PDA has canonical bump 255 (one hash to find), so
 * the initialize CU figure does not depend on a random key. */
function authorityWithBump255(programId: PublicKey, start = 1): Keypair {
  for (let i = start; ; i++) {
    const kp = Keypair.fromSeed(new Uint8Array(32).fill(i));
    const [, bump] = PublicKey.findProgramAddressSync(
      [Buffer.from("counter"), kp.publicKey.toBuffer()],
      programId,
    );
    if (bump === 255) return kp;
  }
}

describe("counter program", () => {
  let chain: TestChain;
  let program: Program<Counter>;
  let authority: Keypair;
  let counter: PublicKey;
  let bump: number;

  const counterPda = (auth: PublicKey) =>
    PublicKey.findProgramAddressSync([Buffer.from("counter"), auth.toBuffer()], program.programId);

  const initIx = (auth: PublicKey, pda: PublicKey) =>
    program.methods
      .initialize()
      .accountsStrict({ authority: auth, counter: pda, systemProgram: SystemProgram.programId })
      .instruction();
  const incIx = (auth: PublicKey, pda: PublicKey) =>
    program.methods.increment().accountsStrict({ authority: auth, counter: pda }).instruction();
  const addIx = (auth: PublicKey, pda: PublicKey, amount: bigint) =>
    program.methods.add(bn(amount)).accountsStrict({ authority: auth, counter: pda }).instruction();

  const readCounter = (pda = counter) => {
    const a = chain.getAccount(pda);
    if (!a) throw new Error("counter missing");
    const d = program.coder.accounts.decode<{ authority: PublicKey; count: BigNum; bump: number }>(
      "counter",
      a.data,
    );
    return {
      ...d,
      count: BigInt(d.count.toString()),
      owner: a.owner,
      size: a.data.length,
      lamports: a.lamports,
    };
  };

  const initialize = async () =>
    expectOk(chain.send(await initIx(authority.publicKey, counter), [authority]));

  beforeEach(() => {
    chain = TestChain.create({ programs: ["counter"] });
    program = chain.program(counterIdl);
    authority = authorityWithBump255(program.programId);
    chain.airdrop(authority.publicKey, 10_000_000_000n);
    [counter, bump] = counterPda(authority.publicKey);
  });

  describe("initialize", () => {
    it("creates the Counter PDA through a System CPI, owned by the program, rent-exempt, count 0, canonical bump", async () => {
      const r = expectOk(chain.send(await initIx(authority.publicKey, counter), [authority]));
      const c = readCounter();
      expect(c.owner.equals(program.programId)).toBe(true);
      expect(c.size).toBe(49);
      expect(c.authority.equals(authority.publicKey)).toBe(true);
      expect(c.count).toBe(0n);
      expect(c.bump).toBe(bump);
      expect(c.lamports).toBe(chain.minimumBalance(49));
      expect(r.logs).toContain("Program 11111111111111111111111111111111 invoke [2]");
      expectCu(r, { max: CU.initialize });
    });

    it("works when someone pre-funded the PDA address (top-up, allocate, assign instead of create)", async () => {
      // Rent-exempt for 0 bytes, short of what 49 bytes need: exercises the top-up branch too.
      chain.airdrop(counter, chain.minimumBalance(0));
      const r = expectOk(chain.send(await initIx(authority.publicKey, counter), [authority]));
      const c = readCounter();
      expect(c.owner.equals(program.programId)).toBe(true);
      expect(c.lamports).toBe(chain.minimumBalance(49));
      expect(c.count).toBe(0n);
      expect(
        r.logs.filter((l) => l === "Program 11111111111111111111111111111111 invoke [2]"),
      ).toHaveLength(3);
    });

    it("refuses a second initialize (AccountNotSystemOwned) and changes nothing", async () => {
      await initialize();
      const before = chain.snapshot([counter, authority.publicKey]);
      const r = chain.send(await initIx(authority.publicKey, counter), [authority]);
      expectAnchorError(r, "AccountNotSystemOwned", counterIdl);
      expectUnchanged(chain, before);
    });

    it("refuses a counter address that is not the authority's PDA (ConstraintSeeds)", async () => {
      const wrong = Keypair.generate().publicKey;
      const before = chain.snapshot([wrong, authority.publicKey]);
      expectAnchorError(
        chain.send(await initIx(authority.publicKey, wrong), [authority]),
        "ConstraintSeeds",
        counterIdl,
      );
      expectUnchanged(chain, before);
    });

    it("refuses another wallet's PDA (ConstraintSeeds)", async () => {
      const [othersCounter] = counterPda(Keypair.generate().publicKey);
      expectAnchorError(
        chain.send(await initIx(authority.publicKey, othersCounter), [authority]),
        "ConstraintSeeds",
        counterIdl,
      );
      expect(chain.getAccount(othersCounter)).toBeNull();
    });

    it("refuses an unsigned authority (AccountNotSigner)", async () => {
      const ix = await initIx(authority.publicKey, counter);
      ix.keys[0]!.isSigner = false;
      expectAnchorError(chain.send(ix), "AccountNotSigner", counterIdl);
      expect(chain.getAccount(counter)).toBeNull();
    });

    it("refuses a read-only counter (AccountNotMutable)", async () => {
      const ix = await initIx(authority.publicKey, counter);
      ix.keys[1]!.isWritable = false;
      expectAnchorError(chain.send(ix, [authority]), "AccountNotMutable", counterIdl);
      expect(chain.getAccount(counter)).toBeNull();
    });

    it("refuses a fake system program (InvalidProgramId)", async () => {
      const ix = await initIx(authority.publicKey, counter);
      ix.keys[2]!.pubkey = program.programId;
      expectAnchorError(chain.send(ix, [authority]), "InvalidProgramId", counterIdl);
      expect(chain.getAccount(counter)).toBeNull();
    });

    it("refuses too few accounts (AccountNotEnoughKeys)", async () => {
      const ix = await initIx(authority.publicKey, counter);
      ix.keys = ix.keys.slice(0, 2);
      expectAnchorError(chain.send(ix, [authority]), "AccountNotEnoughKeys", counterIdl);
      expect(chain.getAccount(counter)).toBeNull();
    });
  });

  describe("increment and add", () => {
    beforeEach(initialize);

    it("increment adds one and emits CounterIncremented (decoded by Anchor's EventParser)", async () => {
      const r = expectOk(chain.send(await incIx(authority.publicKey, counter), [authority]));
      expect(readCounter().count).toBe(1n);
      const events = chain.events(program, r);
      expect(events).toHaveLength(1);
      const e = events[0]!;
      expect(e.name).toBe("counterIncremented");
      expect((e.data.authority as PublicKey).equals(authority.publicKey)).toBe(true);
      expect((e.data.counter as PublicKey).equals(counter)).toBe(true);
      expect(String(e.data.amount)).toBe("1");
      expect(String(e.data.count)).toBe("1");
      expect(r.logs.filter((l) => l.startsWith("Program data: "))).toHaveLength(1);
      expectCu(r, { max: CU.increment });
    });

    it("add(amount) adds with checked math; repeated calls accumulate", async () => {
      expectOk(chain.send(await addIx(authority.publicKey, counter, 40n), [authority]));
      const r = expectOk(chain.send(await addIx(authority.publicKey, counter, 2n), [authority]));
      expect(readCounter().count).toBe(42n);
      const [e] = chain.events(program, r);
      expect(String(e?.data.amount)).toBe("2");
      expect(String(e?.data.count)).toBe("42");
      expectCu(r, { max: CU.add });
    });

    it("add reaches exactly u64::MAX, then refuses to overflow (Overflow 6000) and changes nothing", async () => {
      expectOk(chain.send(await addIx(authority.publicKey, counter, U64_MAX), [authority]));
      expect(readCounter().count).toBe(U64_MAX);
      const before = chain.snapshot([counter, authority.publicKey]);
      const r1 = chain.send(await incIx(authority.publicKey, counter), [authority]);
      expectAnchorError(r1, "Overflow", counterIdl);
      expect(r1.logs.some((l) => l.startsWith("Program data: "))).toBe(false);
      expectAnchorError(
        chain.send(await addIx(authority.publicKey, counter, 1n), [authority]),
        "Overflow",
        counterIdl,
      );
      expectUnchanged(chain, before);
    });

    it("refuses a signer that is not the counter's authority (Unauthorized 6001)", async () => {
      const intruder = chain.newKeypair();
      const before = chain.snapshot([counter, authority.publicKey, intruder.publicKey]);
      const r = chain.send(await incIx(intruder.publicKey, counter), [intruder]);
      expectAnchorError(r, "Unauthorized", counterIdl);
      expect(r.err).toEqual({ InstructionError: [0, { Custom: 6001 }] });
      expectUnchanged(chain, before);
    });

    it("refuses an authority that did not sign (AccountNotSigner)", async () => {
      const ix = await incIx(authority.publicKey, counter);
      ix.keys[0]!.isSigner = false;
      const before = chain.snapshot([counter, authority.publicKey]);
      expectAnchorError(chain.send(ix), "AccountNotSigner", counterIdl);
      expectUnchanged(chain, before);
    });

    it("refuses a read-only counter (AccountNotMutable)", async () => {
      const ix = await incIx(authority.publicKey, counter);
      ix.keys[1]!.isWritable = false;
      const before = chain.snapshot([counter]);
      expectAnchorError(chain.send(ix, [authority]), "AccountNotMutable", counterIdl);
      expectUnchanged(chain, before);
    });

    it("refuses a counter owned by another program (AccountOwnedByWrongProgram)", async () => {
      const fake = Keypair.generate().publicKey;
      const real = chain.getAccount(counter)!;
      chain.setAccount(fake, {
        lamports: real.lamports,
        owner: SystemProgram.programId,
        data: real.data,
      });
      const before = chain.snapshot([fake, counter]);
      expectAnchorError(
        chain.send(await incIx(authority.publicKey, fake), [authority]),
        "AccountOwnedByWrongProgram",
        counterIdl,
      );
      expectUnchanged(chain, before);
    });

    it("refuses a counter of the wrong size (AccountDidNotDeserialize)", async () => {
      const real = chain.getAccount(counter)!;
      chain.setAccount(counter, {
        lamports: real.lamports,
        owner: program.programId,
        data: Buffer.concat([real.data, Buffer.from([0])]),
      });
      const before = chain.snapshot([counter]);
      expectAnchorError(
        chain.send(await incIx(authority.publicKey, counter), [authority]),
        "AccountDidNotDeserialize",
        counterIdl,
      );
      expectUnchanged(chain, before);
    });

    it("refuses a bad account discriminator (AccountDiscriminatorMismatch)", async () => {
      const real = chain.getAccount(counter)!;
      const data = Buffer.from(real.data);
      data[0] = data[0]! ^ 0xff;
      chain.setAccount(counter, { lamports: real.lamports, owner: program.programId, data });
      const before = chain.snapshot([counter]);
      expectAnchorError(
        chain.send(await incIx(authority.publicKey, counter), [authority]),
        "AccountDiscriminatorMismatch",
        counterIdl,
      );
      expectUnchanged(chain, before);
    });

    it("refuses a valid-looking counter at an address that is not its PDA (ConstraintSeeds)", async () => {
      const fake = Keypair.generate().publicKey;
      const real = chain.getAccount(counter)!;
      chain.setAccount(fake, {
        lamports: real.lamports,
        owner: program.programId,
        data: real.data,
      });
      const before = chain.snapshot([fake, counter]);
      expectAnchorError(
        chain.send(await incIx(authority.publicKey, fake), [authority]),
        "ConstraintSeeds",
        counterIdl,
      );
      expectUnchanged(chain, before);
    });

    it("refuses a counter whose stored bump does not derive its address (ConstraintSeeds)", async () => {
      const real = chain.getAccount(counter)!;
      const data = Buffer.from(real.data);
      data[48] = bump - 1;
      chain.setAccount(counter, { lamports: real.lamports, owner: program.programId, data });
      const before = chain.snapshot([counter]);
      expectAnchorError(
        chain.send(await incIx(authority.publicKey, counter), [authority]),
        "ConstraintSeeds",
        counterIdl,
      );
      expectUnchanged(chain, before);
    });

    it("refuses too few accounts (AccountNotEnoughKeys)", async () => {
      const ix = await incIx(authority.publicKey, counter);
      ix.keys = ix.keys.slice(0, 1);
      expectAnchorError(chain.send(ix, [authority]), "AccountNotEnoughKeys", counterIdl);
    });
  });

  describe("get_count", () => {
    beforeEach(initialize);

    it("returns the count as return data (borsh u64), without writing", async () => {
      expectOk(chain.send(await addIx(authority.publicKey, counter, 1234567890123n), [authority]));
      const before = chain.snapshot([counter]);
      const r = expectOk(
        chain.send(await program.methods.getCount().accountsStrict({ counter }).instruction()),
      );
      expect(r.returnData?.programId.equals(program.programId)).toBe(true);
      expect(r.returnData?.data.readBigUInt64LE(0)).toBe(1234567890123n);
      expect(r.logs).toContain(
        `Program return: ${program.programId.toBase58()} ${r.returnData?.data.toString("base64")}`,
      );
      expectUnchanged(chain, before);
      expectCu(r, { max: CU.getCount });
    });

    it("refuses an account that is not a counter (AccountOwnedByWrongProgram)", async () => {
      const r = chain.send(
        await program.methods
          .getCount()
          .accountsStrict({ counter: authority.publicKey })
          .instruction(),
      );
      expectAnchorError(r, "AccountOwnedByWrongProgram", counterIdl);
    });
  });

  describe("instruction data", () => {
    beforeEach(initialize);

    const raw = (data: Buffer, keys = [authority.publicKey, counter]) =>
      new TransactionInstruction({
        programId: program.programId,
        keys: keys.map((pubkey, i) => ({ pubkey, isSigner: i === 0, isWritable: i === 1 })),
        data,
      });
    const disc = (name: string) =>
      Buffer.from(counterIdl.instructions.find((i) => i.name === name)!.discriminator);

    it("refuses data shorter than a discriminator (InstructionMissing)", () => {
      expectAnchorError(
        chain.send(raw(Buffer.from([1, 2, 3])), [authority]),
        "InstructionMissing",
        counterIdl,
      );
    });

    it("refuses an unknown discriminator (InstructionFallbackNotFound)", () => {
      expectAnchorError(
        chain.send(raw(Buffer.alloc(8, 7)), [authority]),
        "InstructionFallbackNotFound",
        counterIdl,
      );
    });

    it("refuses truncated or trailing argument bytes (InstructionDidNotDeserialize) and changes nothing", () => {
      const before = chain.snapshot([counter]);
      const amount = Buffer.alloc(8);
      amount.writeBigUInt64LE(5n);
      for (const data of [
        Buffer.concat([disc("add"), amount.subarray(0, 4)]),
        Buffer.concat([disc("add"), amount, Buffer.from([0])]),
        Buffer.concat([disc("increment"), Buffer.from([0])]),
        Buffer.concat([disc("initialize"), Buffer.from([0])]),
      ])
        expectAnchorError(
          chain.send(raw(data), [authority]),
          "InstructionDidNotDeserialize",
          counterIdl,
        );
      expectUnchanged(chain, before);
    });

    it("the same bytes built by hand are accepted (the IDL and the C decoder agree)", () => {
      const amount = Buffer.alloc(8);
      amount.writeBigUInt64LE(5n);
      expectOk(chain.send(raw(Buffer.concat([disc("add"), amount])), [authority]));
      expect(readCounter().count).toBe(5n);
    });
  });

  it("Anchor's accounts resolver derives the same counter PDA from the IDL's seeds", async () => {
    const ix = await program.methods
      .initialize()
      .accounts({ authority: authority.publicKey })
      .instruction();
    expect(ix.keys[1]!.pubkey.equals(counter)).toBe(true);
    expectOk(chain.send(ix, [authority]));
  });
});
