/**
 * Oracle administration on LiteSVM with the real oracle.so: initialize, add_feeder,
 * remove_feeder, set_limits, transfer_authority / accept_authority. Every success path with its
 * event and CU budget; every refusal with its named error and no account changed.
 */
import { Keypair, PublicKey } from "@solana/web3.js";
import { beforeEach, describe, expect, it } from "vitest";
import { expectAnchorError, expectCu, expectOk, expectUnchanged } from "~/programs/harness";
import { oracleIdl } from "./idl/oracle";
import { CU, LIMITS, limitsArg, OracleFixture, plain, U64_MAX, type Limits } from "./fixture";

const BAD_LIMITS: [string, Partial<Limits>][] = [
  ["min_price 0", { minPrice: 0n }],
  ["min_price above max_price", { minPrice: 5_000_000n, maxPrice: 4_999_999n }],
  ["max_staleness_secs 0", { maxStalenessSecs: 0 }],
  ["max_jump_bps 0", { maxJumpBps: 0 }],
];

describe("initialize", () => {
  let f: OracleFixture;
  beforeEach(() => {
    f = new OracleFixture();
  });

  it("creates the Oracle PDA owned by the program, rent-exempt, with the authority, limits, canonical bump, no feeders and no price", async () => {
    const r = await f.initialize();
    const s = f.state();
    expect(s.owner.equals(f.programId)).toBe(true);
    expect(s.size).toBe(428);
    expect(s.lamports).toBe(f.chain.minimumBalance(428));
    expect(s.authority.equals(f.authority.publicKey)).toBe(true);
    expect(s.pendingAuthority.equals(PublicKey.default)).toBe(true);
    expect(s.limits).toEqual(LIMITS);
    expect(s.bump).toBe(f.bump);
    expect(s.feederCount).toBe(0);
    expect(s.feeders.every((k) => k.equals(PublicKey.default))).toBe(true);
    expect([s.retailPrice, s.feedInPrice, s.updatedAt, s.updatedSlot, s.updateCount]).toEqual([
      0n,
      0n,
      0n,
      0n,
      0n,
    ]);
    expect(plain(f.event(r, "oracleInitialized"))).toEqual({
      authority: f.authority.publicKey.toBase58(),
      limits: LIMITS,
    });
    expectCu(r, { max: CU.initialize });
  });

  it("accepts the widest limits (1..u64::MAX, u32/u16 maxima)", async () => {
    const wide: Limits = {
      minPrice: 1n,
      maxPrice: U64_MAX,
      maxStalenessSecs: 2 ** 32 - 1,
      minUpdateIntervalSecs: 2 ** 32 - 1,
      maxJumpBps: 65_535,
    };
    await f.initialize(wide);
    expect(f.state().limits).toEqual(wide);
  });

  it("Anchor's accounts resolver derives the same PDA from the IDL seeds", async () => {
    const ix = await f.program.methods
      .initialize(f.authority.publicKey, limitsArg(LIMITS))
      .accounts({ payer: f.chain.payer.publicKey, deployer: f.deployer.publicKey })
      .instruction();
    expect(ix.keys[2]!.pubkey.equals(f.oracle)).toBe(true);
    expectOk(f.chain.send(ix, [f.deployer]));
    expect(f.state().authority.equals(f.authority.publicKey)).toBe(true);
  });

  it("refuses anyone but the deploy authority (NotDeployAuthority): nobody can front-run a fresh deployment", async () => {
    const stranger = f.chain.newKeypair();
    const before = f.chain.snapshot([f.oracle]); // the stranger pays the fee, nothing else
    const ix = await f.initIx(LIMITS, stranger.publicKey, f.oracle, {
      payer: stranger.publicKey,
      deployer: stranger.publicKey,
    });
    expectAnchorError(f.chain.send(ix, [stranger], { feePayer: stranger }), "NotDeployAuthority", oracleIdl);
    expectUnchanged(f.chain, before);
    // The deploy authority then initialises with the authority it chooses.
    await f.initialize();
    expect(f.state().authority.equals(f.authority.publicKey)).toBe(true);
  });

  it("lets any payer pay while the deploy authority only signs", async () => {
    const payer = f.chain.newKeypair();
    const ix = await f.initIx(LIMITS, f.authority.publicKey, f.oracle, { payer: payer.publicKey });
    expectOk(f.chain.send(ix, [payer, f.deployer]));
    expect(f.chain.balance(payer.publicKey)).toBeLessThan(10_000_000_000n);
  });

  it("works when someone pre-funded the PDA address", async () => {
    f.chain.airdrop(f.oracle, 1_000_000n);
    await f.initialize();
    expect(f.state().lamports).toBe(f.chain.minimumBalance(428));
  });

  for (const [name, patch] of BAD_LIMITS)
    it(`refuses invalid limits: ${name} (InvalidLimits), creating nothing`, async () => {
      const before = f.chain.snapshot([f.oracle, f.authority.publicKey]);
      expectAnchorError(
        f.chain.send(await f.initIx({ ...LIMITS, ...patch }), [f.deployer]),
        "InvalidLimits",
        oracleIdl,
      );
      expectUnchanged(f.chain, before);
    });

  it("refuses a second initialize (AccountNotSystemOwned), even naming another authority", async () => {
    await f.initialize();
    const other = f.chain.newKeypair();
    const before = f.chain.snapshot([f.oracle, f.authority.publicKey, other.publicKey]);
    expectAnchorError(
      f.chain.send(await f.initIx(LIMITS), [f.deployer]),
      "AccountNotSystemOwned",
      oracleIdl,
    );
    expectAnchorError(
      f.chain.send(await f.initIx(LIMITS, other.publicKey), [f.deployer]),
      "AccountNotSystemOwned",
      oracleIdl,
    );
    expectUnchanged(f.chain, before);
  });

  it("refuses an oracle address that is not the PDA (ConstraintSeeds)", async () => {
    const wrong = Keypair.generate().publicKey;
    const before = f.chain.snapshot([wrong, f.oracle, f.authority.publicKey]);
    expectAnchorError(
      f.chain.send(await f.initIx(LIMITS, undefined, wrong), [f.deployer]),
      "ConstraintSeeds",
      oracleIdl,
    );
    expectUnchanged(f.chain, before);
  });

  it("refuses an unsigned deploy authority (AccountNotSigner)", async () => {
    const ix = await f.initIx();
    ix.keys[1]!.isSigner = false;
    const before = f.chain.snapshot([f.oracle, f.authority.publicKey]);
    expectAnchorError(f.chain.send(ix), "AccountNotSigner", oracleIdl);
    expectUnchanged(f.chain, before);
  });

  it("refuses a read-only oracle (AccountNotMutable)", async () => {
    const ix = await f.initIx();
    ix.keys[2]!.isWritable = false;
    const before = f.chain.snapshot([f.oracle, f.authority.publicKey]);
    expectAnchorError(f.chain.send(ix, [f.deployer]), "AccountNotMutable", oracleIdl);
    expectUnchanged(f.chain, before);
  });

  it("refuses a fake system program (InvalidProgramId)", async () => {
    const ix = await f.initIx();
    ix.keys[3]!.pubkey = f.programId;
    const before = f.chain.snapshot([f.oracle, f.authority.publicKey]);
    expectAnchorError(f.chain.send(ix, [f.deployer]), "InvalidProgramId", oracleIdl);
    expectUnchanged(f.chain, before);
  });

  it("refuses too few accounts (AccountNotEnoughKeys)", async () => {
    const ix = await f.initIx();
    ix.keys = ix.keys.slice(0, 3);
    const before = f.chain.snapshot([f.oracle, f.authority.publicKey]);
    expectAnchorError(f.chain.send(ix, [f.deployer]), "AccountNotEnoughKeys", oracleIdl);
    expectUnchanged(f.chain, before);
  });
});

describe("with an initialized oracle", () => {
  let f: OracleFixture;
  let intruder: Keypair;
  beforeEach(async () => {
    f = new OracleFixture();
    await f.initialize();
    intruder = f.chain.newKeypair();
  });

  describe("add_feeder", () => {
    it("lists the feeder and emits FeederAdded with the new count", async () => {
      const feeder = Keypair.generate().publicKey;
      const r = expectOk(f.chain.send(await f.addFeederIx(feeder), [f.authority]));
      const s = f.state();
      expect(s.feederCount).toBe(1);
      expect(s.feeders[0]!.equals(feeder)).toBe(true);
      expect(plain(f.event(r, "feederAdded"))).toEqual({
        authority: f.authority.publicKey.toBase58(),
        feeder: feeder.toBase58(),
        feederCount: 1,
      });
      expectCu(r, { max: CU.addFeeder });
    });

    it("fills all 8 slots in order, then refuses a 9th (FeederListFull)", async () => {
      const keys = Array.from({ length: 8 }, () => Keypair.generate().publicKey);
      for (const k of keys) expectOk(f.chain.send(await f.addFeederIx(k), [f.authority]));
      const s = f.state();
      expect(s.feederCount).toBe(8);
      expect(s.feeders.map((k) => k.toBase58())).toEqual(keys.map((k) => k.toBase58()));
      const before = f.chain.snapshot([f.oracle]);
      expectAnchorError(
        f.chain.send(await f.addFeederIx(Keypair.generate().publicKey), [f.authority]),
        "FeederListFull",
        oracleIdl,
      );
      expectUnchanged(f.chain, before);
    });

    it("refuses a feeder that is already listed (FeederAlreadyAuthorised)", async () => {
      const feeder = await f.addFeeder();
      const before = f.chain.snapshot([f.oracle]);
      expectAnchorError(
        f.chain.send(await f.addFeederIx(feeder.publicKey), [f.authority]),
        "FeederAlreadyAuthorised",
        oracleIdl,
      );
      expectUnchanged(f.chain, before);
    });

    it("refuses the all-zero key (InvalidFeeder)", async () => {
      const before = f.chain.snapshot([f.oracle]);
      expectAnchorError(
        f.chain.send(await f.addFeederIx(PublicKey.default), [f.authority]),
        "InvalidFeeder",
        oracleIdl,
      );
      expectUnchanged(f.chain, before);
    });
  });

  describe("remove_feeder", () => {
    it("moves the last feeder into the freed slot, zeroes the tail and emits FeederRemoved", async () => {
      const [a, b, c] = [await f.addFeeder(), await f.addFeeder(), await f.addFeeder()];
      const r = expectOk(f.chain.send(await f.removeFeederIx(a.publicKey), [f.authority]));
      const s = f.state();
      expect(s.feederCount).toBe(2);
      expect(s.feeders.slice(0, 2).map((k) => k.toBase58())).toEqual([
        c.publicKey.toBase58(),
        b.publicKey.toBase58(),
      ]);
      expect(s.feeders.slice(2).every((k) => k.equals(PublicKey.default))).toBe(true);
      expect(plain(f.event(r, "feederRemoved"))).toEqual({
        authority: f.authority.publicKey.toBase58(),
        feeder: a.publicKey.toBase58(),
        feederCount: 2,
      });
      expectCu(r, { max: CU.removeFeeder });
    });

    it("removes the last (and only) feeder, after which it can be added again", async () => {
      const a = await f.addFeeder();
      expectOk(f.chain.send(await f.removeFeederIx(a.publicKey), [f.authority]));
      const s = f.state();
      expect(s.feederCount).toBe(0);
      expect(s.feeders.every((k) => k.equals(PublicKey.default))).toBe(true);
      await f.addFeeder(a);
      expect(f.state().feeders[0]!.equals(a.publicKey)).toBe(true);
    });

    it("refuses a key that is not listed (FeederNotFound), including the zero key of an empty slot", async () => {
      await f.addFeeder();
      const before = f.chain.snapshot([f.oracle]);
      expectAnchorError(
        f.chain.send(await f.removeFeederIx(Keypair.generate().publicKey), [f.authority]),
        "FeederNotFound",
        oracleIdl,
      );
      expectAnchorError(
        f.chain.send(await f.removeFeederIx(PublicKey.default), [f.authority]),
        "FeederNotFound",
        oracleIdl,
      );
      expectUnchanged(f.chain, before);
    });
  });

  describe("set_limits", () => {
    it("replaces the limits and emits LimitsUpdated with the previous and new limits", async () => {
      const next: Limits = {
        minPrice: 500_000n,
        maxPrice: 20_000_000n,
        maxStalenessSecs: 3_600,
        minUpdateIntervalSecs: 60,
        maxJumpBps: 500,
      };
      const r = await f.setLimits(next);
      expect(f.state().limits).toEqual(next);
      expect(plain(f.event(r, "limitsUpdated"))).toEqual({
        authority: f.authority.publicKey.toBase58(),
        previous: LIMITS,
        limits: next,
      });
      expectCu(r, { max: CU.setLimits });
    });

    for (const [name, patch] of BAD_LIMITS)
      it(`refuses invalid limits: ${name} (InvalidLimits)`, async () => {
        const before = f.chain.snapshot([f.oracle]);
        expectAnchorError(
          f.chain.send(await f.setLimitsIx({ ...LIMITS, ...patch }), [f.authority]),
          "InvalidLimits",
          oracleIdl,
        );
        expectUnchanged(f.chain, before);
      });
  });

  describe("authority hand-over", () => {
    it("transfer_authority records the pending authority (AuthorityTransferProposed) and changes nothing else", async () => {
      const next = f.chain.newKeypair();
      const r = expectOk(f.chain.send(await f.transferAuthorityIx(next.publicKey), [f.authority]));
      const s = f.state();
      expect(s.authority.equals(f.authority.publicKey)).toBe(true);
      expect(s.pendingAuthority.equals(next.publicKey)).toBe(true);
      expect(plain(f.event(r, "authorityTransferProposed"))).toEqual({
        authority: f.authority.publicKey.toBase58(),
        pendingAuthority: next.publicKey.toBase58(),
      });
      expectCu(r, { max: CU.transferAuthority });
    });

    it("accept_authority by the pending key hands over (AuthorityTransferred); the old authority is then refused", async () => {
      const next = f.chain.newKeypair();
      expectOk(f.chain.send(await f.transferAuthorityIx(next.publicKey), [f.authority]));
      const r = expectOk(f.chain.send(await f.acceptAuthorityIx(next.publicKey), [next]));
      const s = f.state();
      expect(s.authority.equals(next.publicKey)).toBe(true);
      expect(s.pendingAuthority.equals(PublicKey.default)).toBe(true);
      expect(plain(f.event(r, "authorityTransferred"))).toEqual({
        previousAuthority: f.authority.publicKey.toBase58(),
        newAuthority: next.publicKey.toBase58(),
      });
      expectCu(r, { max: CU.acceptAuthority });

      const before = f.chain.snapshot([f.oracle]);
      expectAnchorError(
        f.chain.send(await f.addFeederIx(Keypair.generate().publicKey), [f.authority]),
        "Unauthorized",
        oracleIdl,
      );
      expectUnchanged(f.chain, before);
      expectOk(
        f.chain.send(await f.addFeederIx(Keypair.generate().publicKey, next.publicKey), [next]),
      );
      // The hand-over is spent: the new authority cannot accept again.
      expectAnchorError(
        f.chain.send(await f.acceptAuthorityIx(next.publicKey), [next]),
        "NotPendingAuthority",
        oracleIdl,
      );
    });

    it("refuses accept_authority from anyone but the pending key (NotPendingAuthority)", async () => {
      const next = f.chain.newKeypair();
      expectOk(f.chain.send(await f.transferAuthorityIx(next.publicKey), [f.authority]));
      const before = f.chain.snapshot([f.oracle]);
      expectAnchorError(
        f.chain.send(await f.acceptAuthorityIx(intruder.publicKey), [intruder]),
        "NotPendingAuthority",
        oracleIdl,
      );
      expectAnchorError(
        f.chain.send(await f.acceptAuthorityIx(f.authority.publicKey), [f.authority]),
        "NotPendingAuthority",
        oracleIdl,
      );
      expectUnchanged(f.chain, before);
    });

    it("refuses accept_authority when nothing is pending, and after a cancel with the zero key (NotPendingAuthority)", async () => {
      const next = f.chain.newKeypair();
      let before = f.chain.snapshot([f.oracle]);
      expectAnchorError(
        f.chain.send(await f.acceptAuthorityIx(next.publicKey), [next]),
        "NotPendingAuthority",
        oracleIdl,
      );
      expectUnchanged(f.chain, before);

      expectOk(f.chain.send(await f.transferAuthorityIx(next.publicKey), [f.authority]));
      const r = expectOk(
        f.chain.send(await f.transferAuthorityIx(PublicKey.default), [f.authority]),
      );
      expect(f.state().pendingAuthority.equals(PublicKey.default)).toBe(true);
      expect(plain(f.event(r, "authorityTransferProposed")).pendingAuthority).toBe(
        PublicKey.default.toBase58(),
      );
      before = f.chain.snapshot([f.oracle]);
      expectAnchorError(
        f.chain.send(await f.acceptAuthorityIx(next.publicKey), [next]),
        "NotPendingAuthority",
        oracleIdl,
      );
      expectUnchanged(f.chain, before);
    });

    it("refuses an unsigned pending authority (AccountNotSigner)", async () => {
      const next = f.chain.newKeypair();
      expectOk(f.chain.send(await f.transferAuthorityIx(next.publicKey), [f.authority]));
      const ix = await f.acceptAuthorityIx(next.publicKey);
      ix.keys[0]!.isSigner = false;
      const before = f.chain.snapshot([f.oracle, next.publicKey]);
      expectAnchorError(f.chain.send(ix), "AccountNotSigner", oracleIdl);
      expectUnchanged(f.chain, before);
    });
  });

  describe("every authority-only instruction", () => {
    const adminIxs = {
      add_feeder: (fx: OracleFixture, auth: PublicKey) =>
        fx.addFeederIx(Keypair.generate().publicKey, auth),
      remove_feeder: (fx: OracleFixture, auth: PublicKey) =>
        fx.removeFeederIx(fx.authority.publicKey, auth),
      set_limits: (fx: OracleFixture, auth: PublicKey) =>
        fx.setLimitsIx({ ...LIMITS, maxJumpBps: 100 }, auth),
      transfer_authority: (fx: OracleFixture, auth: PublicKey) =>
        fx.transferAuthorityIx(Keypair.generate().publicKey, auth),
    };

    for (const [name, build] of Object.entries(adminIxs)) {
      it(`${name}: refuses a signer that is not the authority (Unauthorized)`, async () => {
        if (name === "remove_feeder") await f.addFeeder(f.authority); // so only the signer is wrong
        const before = f.chain.snapshot([f.oracle, intruder.publicKey]);
        const r = f.chain.send(await build(f, intruder.publicKey), [intruder]);
        expectAnchorError(r, "Unauthorized", oracleIdl);
        expect(r.err).toEqual({ InstructionError: [0, { Custom: 6000 }] });
        expectUnchanged(f.chain, before);
      });

      it(`${name}: refuses an authority that did not sign (AccountNotSigner)`, async () => {
        const ix = await build(f, f.authority.publicKey);
        ix.keys[0]!.isSigner = false;
        const before = f.chain.snapshot([f.oracle, f.authority.publicKey]);
        expectAnchorError(f.chain.send(ix), "AccountNotSigner", oracleIdl);
        expectUnchanged(f.chain, before);
      });

      it(`${name}: refuses a read-only oracle (AccountNotMutable)`, async () => {
        const ix = await build(f, f.authority.publicKey);
        ix.keys[1]!.isWritable = false;
        const before = f.chain.snapshot([f.oracle]);
        expectAnchorError(f.chain.send(ix, [f.authority]), "AccountNotMutable", oracleIdl);
        expectUnchanged(f.chain, before);
      });

      it(`${name}: refuses too few accounts (AccountNotEnoughKeys)`, async () => {
        const ix = await build(f, f.authority.publicKey);
        ix.keys = ix.keys.slice(0, 1);
        const before = f.chain.snapshot([f.oracle]);
        expectAnchorError(f.chain.send(ix, [f.authority]), "AccountNotEnoughKeys", oracleIdl);
        expectUnchanged(f.chain, before);
      });
    }
  });
});
