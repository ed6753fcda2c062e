/**
 * thb_bridge withdrawals: request (the holder burns), complete (attested release, once) and
 * refund (attested rejection, or anyone after the timeout; re-mints exactly what was burned,
 * once), with CU pins and the attacks, each refused with its named error and nothing changed.
 */
import { Keypair, type PublicKey } from "@solana/web3.js";
import { beforeEach, describe, expect, it } from "vitest";
import { createAta, createMint, expectAnchorError, expectCu, expectOk, expectUnchanged, mintSupply, tokenBalance } from "~/programs/harness";
import { rejectAttestation, releaseAttestation, withdrawalAddress } from "./client";
import { BridgeFixture, LIMITS, THB, U64_MAX, rand32 } from "./fixture";
import { thbBridgeIdl as idl } from "./idl/thb_bridge";

const FUNDED = 1_000n * THB;

describe("withdrawals", () => {
  let f: BridgeFixture;
  let user: { wallet: Keypair; token: PublicKey };
  beforeEach(async () => {
    f = new BridgeFixture();
    await f.initialize();
    user = f.holder();
    expectOk(await f.deposit(f.depositParams(user.wallet.publicKey, FUNDED)));
  });

  describe("request_withdrawal", () => {
    it("burns the amount and records a pending withdrawal, with an event", async () => {
      const { r, withdrawal } = await f.request(user.wallet, 300n * THB);
      expectOk(r);
      const cu = expectCu(r, { max: 9_000 });
      console.log(`request_withdrawal: ${cu} CU`);
      expect(tokenBalance(f.chain, user.token)).toBe(700n * THB);
      expect(mintSupply(f.chain, f.mint)).toBe(700n * THB);
      const w = f.withdrawalState(withdrawal);
      expect(w).toMatchObject({ withdrawalId: 0n, amount: 300n * THB, status: "pending" });
      expect(w.holder.equals(user.wallet.publicKey)).toBe(true);
      expect(f.state()).toMatchObject({ totalWithdrawn: 300n * THB, withdrawalCount: 1n });
      expect(f.chain.events(f.program, r).map((e) => e.name)).toEqual(["withdrawalRequested"]);
      const second = await f.request(user.wallet, 1n);
      expectOk(second.r);
      expect(second.withdrawal.equals(withdrawalAddress(1n))).toBe(true);
    });

    it("a withdrawal by someone else: another holder's token account, or without the holder's signature", async () => {
      const thief = f.holder();
      const before = f.snapshot([user.token, thief.token, withdrawalAddress(0n)]);
      const ix = await f.requestIx(thief.wallet.publicKey, 10n * THB, { holderToken: user.token });
      expectAnchorError(f.chain.send(ix, [thief.wallet]), "WrongHolder", idl);
      expectUnchanged(f.chain, before);
      // The victim as holder, but not signing: the transaction cannot even be signed for them.
      const unsigned = await f.requestIx(user.wallet.publicKey, 10n * THB);
      unsigned.keys.find((k) => k.pubkey.equals(user.wallet.publicKey))!.isSigner = false;
      expectAnchorError(f.chain.send(unsigned), "AccountNotSigner", idl);
      expectUnchanged(f.chain, before);
    });

    it("more than the balance, zero, u64::MAX, a wrong mint, the wrong PDA, or while paused", async () => {
      const before = f.snapshot([user.token, withdrawalAddress(0n), withdrawalAddress(1n)]);
      const send = async (amount: bigint, over = {}) => f.chain.send(await f.requestIx(user.wallet.publicKey, amount, over), [user.wallet]);
      expectAnchorError(await send(FUNDED + 1n), "InsufficientFunds", idl);
      expectAnchorError(await send(U64_MAX), "InsufficientFunds", idl);
      expectAnchorError(await send(0n), "ZeroAmount", idl);
      const fake = createMint(f.chain, { authority: f.admin.publicKey, decimals: 6 });
      const fakeToken = createAta(f.chain, user.wallet.publicKey, fake);
      expectAnchorError(await send(1n, { holderToken: fakeToken }), "WrongMint", idl);
      expectAnchorError(await send(1n, { thbcMint: fake }), "WrongMint", idl);
      expectAnchorError(await send(1n, { withdrawal: withdrawalAddress(1n) }), "ConstraintSeeds", idl);
      expectOk(f.chain.send(await f.pauseIx(), [f.admin]));
      const paused = f.snapshot([user.token, withdrawalAddress(0n)]);
      expectAnchorError(await send(1n), "BridgePaused", idl);
      expectUnchanged(f.chain, paused);
      expectUnchanged(f.chain, new Map([...before].filter(([k]) => k !== f.bridge.toBase58())));
    });
  });

  describe("complete_withdrawal", () => {
    let withdrawal: PublicKey;
    beforeEach(async () => {
      ({ withdrawal } = await f.request(user.wallet, 250n * THB));
    });

    it("an attested release marks it completed, once (supply unchanged: the THBC was burned already)", async () => {
      const ref = rand32();
      const r = expectOk(await f.complete(withdrawal, ref));
      console.log(`complete_withdrawal: ${expectCu(r, { max: 3_500 })} CU`);
      const w = f.withdrawalState(withdrawal);
      expect(w.status).toBe("completed");
      expect(Buffer.from(w.releaseRef)).toEqual(Buffer.from(ref));
      expect(f.state().totalCompleted).toBe(250n * THB);
      expect(mintSupply(f.chain, f.mint)).toBe(750n * THB);
      expect(f.chain.events(f.program, r).map((e) => e.name)).toEqual(["withdrawalCompleted"]);
      const before = f.snapshot([withdrawal, user.token]);
      expectAnchorError(await f.complete(withdrawal, ref), "WithdrawalNotPending", idl);
      expectAnchorError(await f.complete(withdrawal, rand32()), "WithdrawalNotPending", idl);
      expectAnchorError(await f.refund(withdrawal), "WithdrawalNotPending", idl);
      f.chain.advanceTime(Number(LIMITS.withdrawalTimeoutSecs) + 1);
      expectAnchorError(await f.refund(withdrawal, { timeout: true }), "WithdrawalNotPending", idl);
      expectUnchanged(f.chain, before);
    });

    it("missing, non-attestor, or forged (other amount / holder / withdrawal / a rejection) releases", async () => {
      const before = f.snapshot([withdrawal, user.token]);
      const { completeWithdrawalInstruction } = await import("./client");
      const ref = rand32();
      expectAnchorError(f.chain.send(await completeWithdrawalInstruction(f.program, { withdrawal, thbTxRef: ref })), "NotEnoughAttestations", idl);
      expectAnchorError(await f.complete(withdrawal, ref, [Keypair.generate()]), "NotAttestor", idl);
      expectAnchorError(await f.complete(withdrawal, ref, [f.admin]), "NotAttestor", idl);
      const w = f.withdrawalState(withdrawal);
      for (const msg of [
        f.message(releaseAttestation(withdrawal, w.holder, w.amount + 1n, ref)),
        f.message(releaseAttestation(withdrawal, Keypair.generate().publicKey, w.amount, ref)),
        f.message(releaseAttestation(withdrawalAddress(7n), w.holder, w.amount, ref)),
        f.message(releaseAttestation(withdrawal, w.holder, w.amount, rand32())),
        f.message(rejectAttestation(withdrawal, w.holder, w.amount)),
        f.message(releaseAttestation(withdrawal, w.holder, w.amount, ref), new Uint8Array(32).fill(9)),
      ])
        expectAnchorError(f.chain.send(await f.completeIxs(withdrawal, ref, undefined, msg)), "AttestationMismatch", idl);
      expectUnchanged(f.chain, before);
    });
  });

  describe("refund_withdrawal", () => {
    let withdrawal: PublicKey;
    beforeEach(async () => {
      ({ withdrawal } = await f.request(user.wallet, 400n * THB));
    });

    it("attested rejection: re-mints exactly what was burned, once", async () => {
      const r = expectOk(await f.refund(withdrawal));
      console.log(`refund_withdrawal (attested): ${expectCu(r, { max: 4_500 })} CU`);
      expect(tokenBalance(f.chain, user.token)).toBe(FUNDED);
      expect(mintSupply(f.chain, f.mint)).toBe(FUNDED);
      expect(f.withdrawalState(withdrawal).status).toBe("refunded");
      expect(f.state().totalRefunded).toBe(400n * THB);
      const ev = f.chain.events(f.program, r);
      expect(ev.map((e) => e.name)).toEqual(["withdrawalRefunded"]);
      expect(ev[0]!.data.attested).toBe(true);
      const before = f.snapshot([withdrawal, user.token]);
      expectAnchorError(await f.refund(withdrawal), "WithdrawalNotPending", idl);
      f.chain.advanceTime(Number(LIMITS.withdrawalTimeoutSecs) + 1);
      expectAnchorError(await f.refund(withdrawal, { timeout: true }), "WithdrawalNotPending", idl);
      expectAnchorError(await f.complete(withdrawal), "WithdrawalNotPending", idl);
      expectUnchanged(f.chain, before);
    });

    it("before the timeout without a signature: refused; after it, anyone may refund", async () => {
      const before = f.snapshot([withdrawal, user.token]);
      expectAnchorError(await f.refund(withdrawal, { timeout: true }), "WithdrawalNotExpired", idl);
      f.chain.advanceTime(Number(LIMITS.withdrawalTimeoutSecs) - 10);
      expectAnchorError(await f.refund(withdrawal, { timeout: true }), "WithdrawalNotExpired", idl);
      expectUnchanged(f.chain, before);
      f.chain.advanceTime(10);
      const r = expectOk(await f.refund(withdrawal, { timeout: true }));
      console.log(`refund_withdrawal (timeout): ${expectCu(r, { max: 4_000 })} CU`);
      expect(tokenBalance(f.chain, user.token)).toBe(FUNDED);
      expect(f.chain.events(f.program, r)[0]!.data.attested).toBe(false);
    });

    it("forged or non-attestor rejections, and a refund to someone else's account", async () => {
      const before = f.snapshot([withdrawal, user.token]);
      expectAnchorError(await f.refund(withdrawal, { signers: [Keypair.generate()] }), "NotAttestor", idl);
      const w = f.withdrawalState(withdrawal);
      const wrong = f.message(rejectAttestation(withdrawal, w.holder, w.amount + 1n));
      const ix = await f.refundIx(withdrawal, w.holder);
      expectAnchorError(f.chain.send([await f.attest(wrong), ix]), "AttestationMismatch", idl);
      const release = f.message(releaseAttestation(withdrawal, w.holder, w.amount, new Uint8Array(32)));
      expectAnchorError(f.chain.send([await f.attest(release), ix]), "AttestationMismatch", idl);
      const thief = f.holder();
      const stolen = await f.refundIx(withdrawal, w.holder, { holderToken: thief.token });
      const msg = f.message(rejectAttestation(withdrawal, w.holder, w.amount));
      expectAnchorError(f.chain.send([await f.attest(msg), stolen]), "WrongHolder", idl);
      expectUnchanged(f.chain, before);
      expect(tokenBalance(f.chain, thief.token)).toBe(0n);
    });

    it("refunds and completions still work while paused (no burned THBC is stranded)", async () => {
      expectOk(f.chain.send(await f.pauseIx(), [f.admin]));
      expectOk(await f.refund(withdrawal));
      const second = await (async () => {
        expectOk(f.chain.send(await f.unpauseIx(), [f.admin]));
        const { r, withdrawal: w2 } = await f.request(user.wallet, 1n);
        expectOk(r);
        expectOk(f.chain.send(await f.pauseIx(), [f.admin]));
        return w2;
      })();
      expectOk(await f.complete(second));
    });
  });
});

describe("withdrawals, 2 of 3", () => {
  it("completion and attested refund need two distinct attestors", async () => {
    const f = new BridgeFixture({ attestors: 3, threshold: 2 });
    await f.initialize();
    const user = f.holder();
    const [a, b, c] = f.attestors as [Keypair, Keypair, Keypair];
    expectOk(await f.deposit(f.depositParams(user.wallet.publicKey, 10n * THB), [a, b]));
    const { withdrawal: w1 } = await f.request(user.wallet, 3n * THB);
    const { withdrawal: w2 } = await f.request(user.wallet, 2n * THB);
    const before = f.snapshot([w1, w2, user.token]);
    expectAnchorError(await f.complete(w1, rand32(), [a]), "NotEnoughAttestations", idl);
    expectAnchorError(await f.complete(w1, rand32(), [b, b]), "DuplicateAttestor", idl);
    expectAnchorError(await f.refund(w2, { signers: [c] }), "NotEnoughAttestations", idl);
    expectUnchanged(f.chain, before);
    expectOk(await f.complete(w1, rand32(), [b, c]));
    expectOk(await f.refund(w2, { signers: [c, a] }));
    expect(tokenBalance(f.chain, user.token)).toBe(7n * THB);
    expect(mintSupply(f.chain, f.mint)).toBe(7n * THB);
  });
});

describe("u64 overflow", () => {
  it("totals that would pass u64::MAX are refused with Overflow, nothing changed", async () => {
    const f = new BridgeFixture();
    await f.initialize({ maxPerDeposit: U64_MAX, maxPerDay: U64_MAX, withdrawalTimeoutSecs: 60n });
    const user = f.holder();
    expectOk(await f.deposit(f.depositParams(user.wallet.publicKey, U64_MAX)));
    // Today's total would pass u64::MAX: the daily limit refuses it.
    let before = f.snapshot([user.token]);
    expectAnchorError(await f.deposit(f.depositParams(user.wallet.publicKey, 1n)), "DailyLimitExceeded", idl);
    expectUnchanged(f.chain, before);
    // The next day the daily total is back at 0, but total_deposited would overflow.
    f.chain.advanceTime(86_400);
    before = f.snapshot([user.token]);
    expectAnchorError(await f.deposit(f.depositParams(user.wallet.publicKey, 1n)), "Overflow", idl);
    expectUnchanged(f.chain, before);
    // Withdraw everything, get it refunded, withdraw again: total_withdrawn would overflow.
    const { r, withdrawal } = await f.request(user.wallet, U64_MAX);
    expectOk(r);
    f.chain.advanceTime(60);
    expectOk(await f.refund(withdrawal, { timeout: true }));
    expect(tokenBalance(f.chain, user.token)).toBe(U64_MAX);
    before = f.snapshot([user.token, withdrawalAddress(1n)]);
    expectAnchorError((await f.request(user.wallet, 1n)).r, "Overflow", idl);
    expectUnchanged(f.chain, before);
    expect(mintSupply(f.chain, f.mint)).toBe(U64_MAX);
  });
});
