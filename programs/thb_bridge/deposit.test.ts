/**
 * thb_bridge initialize and deposit: success paths with their CU pins, and every attack on a
 * deposit refused with its named error and no account changed.
 */
import { Ed25519Program, Keypair, PublicKey } from "@solana/web3.js";
import { beforeEach, describe, expect, it } from "vitest";
import { createAta, createMint, expectAnchorError, expectCu, expectOk, expectUnchanged, mintSupply, tokenBalance } from "~/programs/harness";
import { ed25519Instruction } from "~/programs/harness/ed25519";
import { attestationDigest, attestationInstruction, depositAddress, depositAttestation, encodeAttestation, thbcAccountAddress } from "./client";
import { BridgeFixture, CLUSTER_TAG, LIMITS, THB, U64_MAX, rand32, seededDepositId, signWith } from "./fixture";
import { thbBridgeIdl as idl } from "./idl/thb_bridge";

describe("initialize", () => {
  it("creates the Bridge and the THBC mint (6 decimals, authority the Bridge PDA, no freeze authority)", async () => {
    const f = new BridgeFixture({ attestors: 3, threshold: 2 });
    const r = await f.initialize();
    const cu = expectCu(r, { max: 12_000 });
    const s = f.state();
    expect(s.admin.equals(f.admin.publicKey)).toBe(true);
    expect(s.attestorCount).toBe(3);
    expect(s.threshold).toBe(2);
    expect(s.attestors.slice(0, 3).map((k) => k.toBase58())).toEqual(f.attestors.map((k) => k.publicKey.toBase58()));
    expect(s.attestors.slice(3).every((k) => k.equals(PublicKey.default))).toBe(true);
    expect(Buffer.from(s.clusterTag)).toEqual(Buffer.from(CLUSTER_TAG));
    expect(s.limits).toEqual(LIMITS);
    const mint = f.chain.getAccount(f.mint)!;
    // Mint layout: COption<authority> (u32 tag + key), supply u64, decimals u8, init bool, COption<freeze>.
    expect(mint.data.readUInt32LE(0)).toBe(1);
    expect(new PublicKey(mint.data.subarray(4, 36)).equals(f.bridge)).toBe(true);
    expect(mint.data[44]).toBe(6);
    expect(mint.data.readUInt32LE(46)).toBe(0);
    expect(f.chain.events(f.program, r).map((e) => e.name)).toEqual(["bridgeInitialized"]);
    console.log(`initialize: ${cu} CU`);
  });

  it("refuses anyone but the deploy authority, and a second initialize", async () => {
    const f = new BridgeFixture();
    const stranger = f.chain.newKeypair();
    const before = f.snapshot();
    expectAnchorError(f.chain.send(await f.initIx({ deployer: stranger.publicKey }), [stranger]), "NotDeployAuthority", idl);
    expectUnchanged(f.chain, before);
    await f.initialize();
    expectAnchorError(f.chain.send(await f.initIx(), [f.deployer]), "AccountNotSystemOwned", idl);
  });

  it("refuses an admin who is also an attestor, and invalid attestor sets, limits and cluster tags", async () => {
    const f = new BridgeFixture({ attestors: 2, threshold: 1 });
    const keys = f.attestors.map((k) => k.publicKey);
    const send = async (p: Parameters<BridgeFixture["initIx"]>[0]) => f.chain.send(await f.initIx(p), [f.deployer]);
    const before = f.snapshot();
    expectAnchorError(await send({ admin: keys[1] }), "AdminIsAttestor", idl);
    expectAnchorError(await send({ threshold: 0 }), "InvalidAttestorSet", idl);
    expectAnchorError(await send({ threshold: 3 }), "InvalidAttestorSet", idl);
    expectAnchorError(await send({ attestors: [] , threshold: 1 }), "InvalidAttestorSet", idl);
    expectAnchorError(await send({ attestors: [keys[0]!, keys[0]!] }), "InvalidAttestorSet", idl);
    expectAnchorError(await send({ attestors: [keys[0]!, PublicKey.default] }), "InvalidAttestorSet", idl);
    expectAnchorError(await send({ attestors: keys, attestorCount: 6 }), "InvalidAttestorSet", idl);
    expectAnchorError(await send({ clusterTag: new Uint8Array(32) }), "InvalidClusterTag", idl);
    expectAnchorError(await send({ limits: { ...LIMITS, maxPerDeposit: 0n } }), "InvalidLimits", idl);
    expectAnchorError(await send({ limits: { ...LIMITS, maxPerDeposit: LIMITS.maxPerDay + 1n } }), "InvalidLimits", idl);
    expectAnchorError(await send({ limits: { ...LIMITS, withdrawalTimeoutSecs: 0n } }), "InvalidLimits", idl);
    expectUnchanged(f.chain, before);
  });
});

describe("deposit (1 of 1)", () => {
  let f: BridgeFixture;
  let user: { wallet: Keypair; token: PublicKey };
  beforeEach(async () => {
    f = new BridgeFixture();
    await f.initialize();
    user = f.holder();
  });

  it("mints exactly the attested amount to the recipient, once, with an event (CU pinned <= 10,000)", async () => {
    // A seeded id whose Deposit PDA has bump 255: the CU is the same on every run.
    const d = f.depositParams(user.wallet.publicKey, 1_234n * THB, { depositId: seededDepositId(0, 255) });
    const r = expectOk(await f.deposit(d));
    const cu = expectCu(r, { max: 10_000 });
    console.log(`deposit (1 attestor): ${cu} CU`);
    expect(tokenBalance(f.chain, user.token)).toBe(1_234n * THB);
    expect(mintSupply(f.chain, f.mint)).toBe(1_234n * THB);
    const s = f.state();
    expect(s.totalDeposited).toBe(1_234n * THB);
    expect(s.depositCount).toBe(1n);
    expect(s.dayMinted).toBe(1_234n * THB);
    const dep = f.depositState(d.depositId)!;
    expect(dep.amount).toBe(1_234n * THB);
    expect(dep.recipient.equals(user.wallet.publicKey)).toBe(true);
    const ev = f.chain.events(f.program, r);
    expect(ev.map((e) => e.name)).toEqual(["deposited"]);
    expect((ev[0]!.data.recipientToken as PublicKey).equals(user.token)).toBe(true);
  });

  it("anyone may submit a valid proof (the payer is a stranger)", async () => {
    const stranger = f.chain.newKeypair();
    const d = f.depositParams(user.wallet.publicKey, 5n * THB);
    const ixs = await f.depositIxs(d, { over: { payer: stranger.publicKey } });
    expectOk(f.chain.send(ixs, [stranger]));
    expect(tokenBalance(f.chain, user.token)).toBe(5n * THB);
  });

  describe("attacks: refused with the named error, nothing changed", () => {
    let d: ReturnType<BridgeFixture["depositParams"]>;
    let before: ReturnType<BridgeFixture["snapshot"]>;
    beforeEach(() => {
      d = f.depositParams(user.wallet.publicKey, 100n * THB);
      before = f.snapshot([user.token, depositAddress(d.depositId)]);
    });
    const refused = (r: Parameters<typeof expectAnchorError>[0], name: string) => {
      expectAnchorError(r, name, idl);
      expectUnchanged(f.chain, before);
    };

    it("missing attestation", async () => {
      refused(f.chain.send(await f.depositIx(d)), "NotEnoughAttestations");
    });

    it("a non-attestor's signature over the right message", async () => {
      refused(f.chain.send(await f.depositIxs(d, { signers: [Keypair.generate()] })), "NotAttestor");
    });

    it("the admin's signature (admin and attestor are different keys)", async () => {
      refused(f.chain.send(await f.depositIxs(d, { signers: [f.admin] })), "NotAttestor");
    });

    it("forged: the attestor signed another amount / recipient / deposit id / THB reference", async () => {
      for (const other of [
        { ...d, amount: d.amount + 1n },
        { ...d, recipient: Keypair.generate().publicKey },
        { ...d, depositId: rand32() },
        { ...d, thbTxRef: rand32() },
      ]) {
        const ixs = await f.depositIxs(d, { message: f.message(depositAttestation(other)) });
        refused(f.chain.send(ixs), "AttestationMismatch");
      }
    });

    it("a valid proof for another program, another bridge or another cluster", async () => {
      const otherProgram = Keypair.generate().publicKey;
      const forOtherProgram = encodeAttestation(depositAttestation(d), CLUSTER_TAG, otherProgram);
      refused(f.chain.send(await f.depositIxs(d, { message: forOtherProgram })), "AttestationMismatch");
      const forOtherCluster = f.message(depositAttestation(d), new Uint8Array(32).fill(0x44));
      refused(f.chain.send(await f.depositIxs(d, { message: forOtherCluster })), "AttestationMismatch");
      // Another bridge: the same message with a different Bridge address in bytes 57..89.
      const forOtherBridge = f.message(depositAttestation(d));
      forOtherBridge.set(Keypair.generate().publicKey.toBytes(), 57);
      refused(f.chain.send(await f.depositIxs(d, { message: forOtherBridge })), "AttestationMismatch");
      // A different domain/kind: a release attestation with the same fields.
      const asRelease = f.message({ ...depositAttestation(d), kind: "release" });
      refused(f.chain.send(await f.depositIxs(d, { message: asRelease })), "AttestationMismatch");
    });

    it("forged: the attestor's key shown, but the verified key/signature/digest read from another instruction", async () => {
      const digest = await attestationDigest(f.message(depositAttestation(d)));
      const attacker = Keypair.generate();
      const [own] = signWith(digest, [attacker]);
      const entry = (publicKey: Uint8Array) => ({ publicKey, signature: own!.signature, message: digest });
      // Instruction 0: the attacker's own valid signature. Instruction 1: the attestor's key in
      // its data, with offsets that make the precompile verify instruction 0's bytes instead.
      const real = ed25519Instruction([entry(attacker.publicKey.toBytes())]);
      const shown = f.attestors[0]!.publicKey.toBytes();
      for (const redirect of [
        { publicKeyInstructionIndex: 0 },
        { publicKeyInstructionIndex: 0, signatureInstructionIndex: 0, messageInstructionIndex: 0 },
      ]) {
        const forged = ed25519Instruction([entry(shown)], () => redirect);
        refused(f.chain.send([real, forged, await f.depositIx(d)]), "InvalidAttestationInstruction");
      }
    });

    it("an Ed25519 instruction that is not the one just before the deposit", async () => {
      const [attest, deposit] = await f.depositIxs(d);
      const { ComputeBudgetProgram } = await import("@solana/web3.js");
      refused(f.chain.send([attest!, ComputeBudgetProgram.setComputeUnitLimit({ units: 200_000 }), deposit!]), "NotEnoughAttestations");
    });

    it("two signatures in the attestation, one by a non-attestor", async () => {
      const digest = await attestationDigest(f.message(depositAttestation(d)));
      const two = attestationInstruction(digest, signWith(digest, [f.attestors[0]!, Keypair.generate()]));
      refused(f.chain.send([two, await f.depositIx(d)]), "NotAttestor");
    });

    it("the attestor signed the full message instead of its digest", async () => {
      const msg = f.message(depositAttestation(d));
      const full = ed25519Instruction(signWith(msg, [f.attestors[0]!]).map((sig) => ({ ...sig, message: msg })));
      refused(f.chain.send([full, await f.depositIx(d)]), "AttestationMismatch");
    });

    it("an Ed25519 instruction with zero signatures", async () => {
      refused(f.chain.send([ed25519Instruction([]), await f.depositIx(d)]), "InvalidAttestationInstruction");
    });

    it("an invalid signature is refused by the Ed25519 program before the bridge runs", async () => {
      const msg = f.message(depositAttestation(d));
      const bad = Ed25519Program.createInstructionWithPublicKey({
        publicKey: f.attestors[0]!.publicKey.toBytes(),
        message: msg,
        signature: new Uint8Array(64).fill(1),
      });
      const r = f.chain.send([bad, await f.depositIx(d)]);
      expect(r.ok).toBe(false);
      expectUnchanged(f.chain, before);
    });

    it("the same deposit id twice, also with another amount", async () => {
      expectOk(await f.deposit(d));
      const after = f.snapshot([user.token, depositAddress(d.depositId)]);
      for (const again of [d, { ...d, amount: 1n }, { ...d, thbTxRef: rand32() }]) {
        const r = await f.deposit(again);
        expectAnchorError(r, "DepositAlreadyProcessed", idl);
        expectUnchanged(f.chain, after);
      }
      expect(tokenBalance(f.chain, user.token)).toBe(100n * THB);
    });

    it("over max_per_deposit, and over max_per_day", async () => {
      refused(await f.deposit({ ...d, amount: LIMITS.maxPerDeposit + 1n }), "DepositOverLimit");
      for (let i = 0; i < 4; i++) expectOk(await f.deposit(f.depositParams(user.wallet.publicKey, LIMITS.maxPerDeposit)));
      before = f.snapshot([user.token, depositAddress(d.depositId)]);
      refused(await f.deposit({ ...d, amount: 1n }), "DailyLimitExceeded");
      // The next UTC day the allowance is back.
      f.chain.advanceTime(86_400);
      expectOk(await f.deposit({ ...d, amount: 1n }));
      expect(f.state().dayMinted).toBe(1n);
    });

    it("zero amount and u64::MAX (over the limit, and no overflow anywhere)", async () => {
      refused(await f.deposit({ ...d, amount: 0n }), "ZeroAmount");
      refused(await f.deposit({ ...d, amount: U64_MAX }), "DepositOverLimit");
    });

    it("a wrong mint: a token account of another mint, or another mint account", async () => {
      const fake = createMint(f.chain, { authority: f.admin.publicKey, decimals: 6 });
      const fakeToken = createAta(f.chain, user.wallet.publicKey, fake);
      refused(f.chain.send(await f.depositIxs(d, { over: { recipientToken: fakeToken } })), "WrongMint");
      refused(f.chain.send(await f.depositIxs(d, { over: { thbcMint: fake } })), "WrongMint");
    });

    it("a wrong recipient account: someone else's THBC account", async () => {
      const other = f.holder();
      refused(f.chain.send(await f.depositIxs(d, { over: { recipientToken: other.token } })), "WrongRecipient");
      expect(tokenBalance(f.chain, other.token)).toBe(0n);
    });

    it("a deposit PDA of another id, also of one already minted, and another account of ours", async () => {
      refused(f.chain.send(await f.depositIxs(d, { over: { deposit: depositAddress(rand32()) } })), "ConstraintSeeds");
      const minted = f.depositParams(user.wallet.publicKey, 1n);
      expectOk(await f.deposit(minted));
      before = f.snapshot([user.token, depositAddress(d.depositId), depositAddress(minted.depositId)]);
      // Not "already processed": this id was never minted.
      refused(f.chain.send(await f.depositIxs(d, { over: { deposit: depositAddress(minted.depositId) } })), "ConstraintSeeds");
      refused(f.chain.send(await f.depositIxs(d, { over: { deposit: f.bridge } })), "ConstraintSeeds");
    });

    it("while paused", async () => {
      expectOk(f.chain.send(await f.pauseIx(), [f.admin]));
      before = f.snapshot([user.token, depositAddress(d.depositId)]);
      refused(await f.deposit(d), "BridgePaused");
      expectOk(f.chain.send(await f.unpauseIx(), [f.admin]));
      expectOk(await f.deposit(d));
    });
  });
});

describe("deposit (M of N)", () => {
  it("2 of 3: any two distinct attestors; one, or the same one twice, is refused", async () => {
    const f = new BridgeFixture({ attestors: 3, threshold: 2 });
    await f.initialize();
    const user = f.holder();
    const [a, b, c] = f.attestors as [Keypair, Keypair, Keypair];
    const d = f.depositParams(user.wallet.publicKey, 10n * THB);
    const before = f.snapshot([user.token, depositAddress(d.depositId)]);
    expectAnchorError(await f.deposit(d, [a]), "NotEnoughAttestations", idl);
    expectAnchorError(await f.deposit(d, [a, a]), "DuplicateAttestor", idl);
    expectAnchorError(await f.deposit(d, [a, Keypair.generate()]), "NotAttestor", idl);
    expectUnchanged(f.chain, before);
    const r = expectOk(await f.deposit(d, [c, a]));
    console.log(`deposit (2 of 3): ${r.computeUnits} CU`);
    expectOk(await f.deposit(f.depositParams(user.wallet.publicKey, 1n), [b, c]));
    expect(tokenBalance(f.chain, thbcAccountAddress(user.wallet.publicKey))).toBe(10n * THB + 1n);
  });

  it("5 of 5 fits one transaction (the signatures share one digest); 4 of them are refused", async () => {
    const f = new BridgeFixture({ attestors: 5, threshold: 5 });
    await f.initialize();
    const user = f.holder();
    const d = f.depositParams(user.wallet.publicKey, 7n, { depositId: seededDepositId(0, 255) });
    const before = f.snapshot([user.token, depositAddress(d.depositId)]);
    expectAnchorError(await f.deposit(d, f.attestors.slice(0, 4)), "NotEnoughAttestations", idl);
    expectAnchorError(await f.deposit(d, [...f.attestors.slice(0, 4), f.attestors[0]!]), "DuplicateAttestor", idl);
    expectUnchanged(f.chain, before);
    const r = expectOk(await f.deposit(d, [...f.attestors].reverse()));
    console.log(`deposit (5 of 5): ${expectCu(r, { max: 10_000 })} CU`);
    expect(tokenBalance(f.chain, user.token)).toBe(7n);
  });

  it("more attestor signatures than the threshold are fine (2 of 3 signed by all three)", async () => {
    const f = new BridgeFixture({ attestors: 3, threshold: 2 });
    await f.initialize();
    const user = f.holder();
    expectOk(await f.deposit(f.depositParams(user.wallet.publicKey, 3n), f.attestors));
    expect(tokenBalance(f.chain, user.token)).toBe(3n);
  });
});
