/**
 * The harness itself: its assertions fail when they should, errors come out in agave's JSON
 * shape, simulate commits nothing, and the token/clock helpers drive the real runtime.
 */
import { Keypair, SystemProgram, type Transaction } from "@solana/web3.js";
import { describe, expect, it } from "vitest";
import { counterIdl } from "../counter/idl/counter";
import {
  createAta,
  createMint,
  expectAnchorError,
  expectCu,
  expectOk,
  expectTxError,
  expectUnchanged,
  mintSupply,
  mintTo,
  TestChain,
  tokenBalance,
} from "./index";

describe("TestChain", () => {
  it("loads every Anchor.toml program that has a .so, at its id", () => {
    const chain = TestChain.create({ programs: ["counter"] });
    expect(chain.programId("counter").toBase58()).toBe(counterIdl.address);
    expect(chain.getAccount(chain.programId("counter"))?.executable).toBe(true);
    expect(() => TestChain.create({ programs: ["nope"] })).toThrow(/not in Anchor.toml/);
  });

  it("sends instructions or a whole web3.js Transaction; simulate commits nothing", async () => {
    const chain = TestChain.create({ programs: ["counter"] });
    const program = chain.program(counterIdl);
    const authority = chain.newKeypair();
    const tx: Transaction = await program.methods
      .initialize()
      .accounts({ authority: authority.publicKey })
      .transaction();
    const sim = chain.simulate(tx, [authority]);
    expectOk(sim);
    expect(chain.getAccount(tx.instructions[0]!.keys[1]!.pubkey)).toBeNull();
    expectOk(chain.send(tx, [authority]));
    expect(chain.getAccount(tx.instructions[0]!.keys[1]!.pubkey)?.data.length).toBe(49);
    // The same transaction again is not "AlreadyProcessed": each send gets a fresh blockhash.
    expectAnchorError(chain.send(tx, [authority]), "AccountNotSystemOwned", counterIdl);
  });

  it("reports transaction and instruction errors in agave's JSON shape", () => {
    const chain = TestChain.create({ programs: [] });
    const poor = chain.newKeypair(1_000_000n);
    const to = Keypair.generate().publicKey;
    const r = chain.send(
      SystemProgram.transfer({ fromPubkey: poor.publicKey, toPubkey: to, lamports: 2_000_000 }),
      [poor],
    );
    expectTxError(r, { InstructionError: [0, { Custom: 1 }] }); // SystemError::ResultWithNegativeLamports
    const unfunded = Keypair.generate();
    const r2 = chain.send(
      SystemProgram.transfer({ fromPubkey: unfunded.publicKey, toPubkey: to, lamports: 1 }),
      [],
      { feePayer: unfunded },
    );
    expectTxError(r2, "AccountNotFound");
    expect(() => expectTxError(r2, "BlockhashNotFound")).toThrow(
      /expected error "BlockhashNotFound"/,
    );
  });

  it("assertions fail loudly: wrong error name, CU over budget, changed accounts, unexpected success", async () => {
    const chain = TestChain.create({ programs: ["counter"] });
    const program = chain.program(counterIdl);
    const authority = chain.newKeypair();
    const ix = await program.methods
      .initialize()
      .accounts({ authority: authority.publicKey })
      .instruction();
    const counter = ix.keys[1]!.pubkey;
    const before = chain.snapshot([counter]);
    const ok = expectOk(chain.send(ix, [authority]));
    expect(() => expectCu(ok, { max: ok.computeUnits - 1 })).toThrow(/over the pinned budget/);
    expect(() => expectCu(ok, { max: 1_000_000, min: ok.computeUnits + 1 })).toThrow(
      /under the expected minimum/,
    );
    expect(expectCu(ok, { max: ok.computeUnits })).toBe(ok.computeUnits);
    expect(() => expectUnchanged(chain, before)).toThrow(/changed/);
    expect(() => expectAnchorError(ok, "Overflow", counterIdl)).toThrow(/succeeded/);
    const again = chain.send(ix, [authority]);
    expect(() => expectAnchorError(again, "Unauthorized", counterIdl)).toThrow(
      /expected error Unauthorized \(6001\)/,
    );
    expect(() => expectAnchorError(again, "NoSuchError", counterIdl)).toThrow(/unknown error name/);
    expect(() => expectOk(again)).toThrow(/Custom/);
  });

  it("token helpers: mint, ATA, mint_to, balances and supply", () => {
    const chain = TestChain.create({ programs: [] });
    const authority = chain.newKeypair();
    const owner = Keypair.generate().publicKey;
    const mint = createMint(chain, { authority: authority.publicKey, decimals: 3 });
    const ata = createAta(chain, owner, mint);
    expect(createAta(chain, owner, mint).equals(ata)).toBe(true); // idempotent
    mintTo(chain, mint, ata, authority, 1_500n);
    expect(tokenBalance(chain, ata)).toBe(1_500n);
    expect(mintSupply(chain, mint)).toBe(1_500n);
    expect(tokenBalance(chain, Keypair.generate().publicKey)).toBe(0n);
    expect(() => mintTo(chain, mint, ata, chain.newKeypair(), 1n)).toThrow(/expected success/);
  });

  it("clock helpers move slot and unix time", () => {
    const chain = TestChain.create({ programs: [] });
    chain.warpToSlot(500n);
    chain.setUnixTimestamp(1_800_000_000n);
    chain.advanceTime(10);
    expect(chain.clock()).toMatchObject({ slot: 525n, unixTimestamp: 1_800_000_010n });
  });
});
