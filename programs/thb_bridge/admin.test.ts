/**
 * thb_bridge admin instructions: pause/unpause, set_limits, the two-step attestor rotation
 * (propose_attestors / accept_attestors) and the two-step admin hand-over; each refused for
 * anyone but the admin (or the pending admin / every proposed attestor), with nothing changed.
 */
import { Keypair, PublicKey } from "@solana/web3.js";
import { beforeEach, describe, expect, it } from "vitest";
import { expectAnchorError, expectCu, expectOk, expectUnchanged, tokenBalance } from "~/programs/harness";
import { BridgeFixture, LIMITS, THB } from "./fixture";
import { thbBridgeIdl as idl } from "./idl/thb_bridge";

describe("admin", () => {
  let f: BridgeFixture;
  beforeEach(async () => {
    f = new BridgeFixture({ attestors: 2, threshold: 1 });
    await f.initialize();
  });

  it("pause / unpause by the admin, with events; refused for anyone else", async () => {
    const stranger = f.chain.newKeypair();
    const before = f.snapshot();
    expectAnchorError(f.chain.send(await f.pauseIx(stranger.publicKey), [stranger]), "Unauthorized", idl);
    expectAnchorError(f.chain.send(await f.pauseIx(f.attestors[0]!.publicKey), [f.attestors[0]!]), "Unauthorized", idl);
    expectUnchanged(f.chain, before);
    const r = expectOk(f.chain.send(await f.pauseIx(), [f.admin]));
    console.log(`pause: ${expectCu(r, { max: 1_000 })} CU`);
    expect(f.state().paused).toBe(true);
    expect(f.chain.events(f.program, r)[0]).toMatchObject({ name: "pausedSet", data: { paused: true } });
    const paused = f.snapshot();
    expectAnchorError(f.chain.send(await f.unpauseIx(stranger.publicKey), [stranger]), "Unauthorized", idl);
    expectUnchanged(f.chain, paused);
    expectOk(f.chain.send(await f.unpauseIx(), [f.admin]));
    expect(f.state().paused).toBe(false);
  });

  it("set_limits: new limits take effect; invalid limits and strangers refused", async () => {
    const limits = { maxPerDeposit: 10n * THB, maxPerDay: 15n * THB, withdrawalTimeoutSecs: 60n };
    const stranger = f.chain.newKeypair();
    const before = f.snapshot();
    expectAnchorError(f.chain.send(await f.setLimitsIx(limits, stranger.publicKey), [stranger]), "Unauthorized", idl);
    expectAnchorError(f.chain.send(await f.setLimitsIx({ ...limits, maxPerDay: 9n * THB }), [f.admin]), "InvalidLimits", idl);
    expectAnchorError(f.chain.send(await f.setLimitsIx({ ...limits, withdrawalTimeoutSecs: -1n }), [f.admin]), "InvalidLimits", idl);
    expectUnchanged(f.chain, before);
    const r = expectOk(f.chain.send(await f.setLimitsIx(limits), [f.admin]));
    expect(f.chain.events(f.program, r)[0]!.name).toBe("limitsSet");
    expect(f.state().limits).toEqual(limits);
    const user = f.holder();
    expectAnchorError(await f.deposit(f.depositParams(user.wallet.publicKey, 10n * THB + 1n)), "DepositOverLimit", idl);
    expectOk(await f.deposit(f.depositParams(user.wallet.publicKey, 10n * THB)));
    expectAnchorError(await f.deposit(f.depositParams(user.wallet.publicKey, 5n * THB + 1n)), "DailyLimitExceeded", idl);
    expectOk(await f.deposit(f.depositParams(user.wallet.publicKey, 5n * THB)));
  });

  it("attestor rotation in two steps: the admin proposes, every proposed key accepts; then old proofs stop working", async () => {
    const [old] = f.attestors as [Keypair];
    const next = [Keypair.generate(), Keypair.generate(), Keypair.generate()];
    const stranger = f.chain.newKeypair();
    const keys = next.map((k) => k.publicKey);
    let before = f.snapshot();
    expectAnchorError(f.chain.send(await f.proposeAttestorsIx(keys, 2, stranger.publicKey), [stranger]), "Unauthorized", idl);
    expectAnchorError(f.chain.send(await f.proposeAttestorsIx([...keys, f.admin.publicKey], 2), [f.admin]), "AdminIsAttestor", idl);
    expectAnchorError(f.chain.send(await f.proposeAttestorsIx(keys, 4), [f.admin]), "InvalidAttestorSet", idl);
    expectAnchorError(f.chain.send(await f.proposeAttestorsIx([keys[0]!, keys[0]!], 1), [f.admin]), "InvalidAttestorSet", idl);
    expectAnchorError(f.chain.send(await f.proposeAttestorsIx(keys, 1, undefined, 0), [f.admin]), "InvalidAttestorSet", idl);
    // Nothing to accept yet.
    expectAnchorError(f.chain.send(await f.acceptAttestorsIxs(keys, 2, next)), "NoPendingAttestors", idl);
    expectUnchanged(f.chain, before);

    const proposed = expectOk(f.chain.send(await f.proposeAttestorsIx(keys, 2), [f.admin]));
    expect(f.chain.events(f.program, proposed)[0]!.name).toBe("attestorsProposed");
    expect(f.state()).toMatchObject({ attestorCount: 2, threshold: 1, pendingAttestorCount: 3, pendingThreshold: 2 });
    // Still the old set until every proposed key accepts.
    const user = f.holder();
    expectOk(await f.deposit(f.depositParams(user.wallet.publicKey, 1n), [old]));
    before = f.snapshot();
    expectAnchorError(f.chain.send(await f.acceptAttestorsIxs(keys, 2, next.slice(0, 2))), "NotEnoughAttestations", idl);
    expectAnchorError(f.chain.send(await f.acceptAttestorsIxs(keys, 2, [...next.slice(0, 2), old])), "NotAttestor", idl);
    expectAnchorError(f.chain.send(await f.acceptAttestorsIxs(keys, 3, next)), "AttestationMismatch", idl);
    expectAnchorError(f.chain.send(await f.acceptAttestorsIxs(keys.slice(0, 2), 2, next)), "AttestationMismatch", idl);
    // An attestor proposed is not an admin candidate either.
    expectAnchorError(f.chain.send(await f.transferAdminIx(keys[1]!), [f.admin]), "AdminIsAttestor", idl);
    expectUnchanged(f.chain, before);

    const r = expectOk(f.chain.send(await f.acceptAttestorsIxs(keys, 2, [next[2]!, next[0]!, next[1]!])));
    console.log(`accept_attestors (3 signatures): ${expectCu(r, { max: 3_500 })} CU`);
    expect(f.chain.events(f.program, r)[0]!.name).toBe("attestorsSet");
    const s = f.state();
    expect(s).toMatchObject({ attestorCount: 3, threshold: 2, pendingAttestorCount: 0, pendingThreshold: 0 });
    expect(s.attestors.slice(0, 3).map((k) => k.toBase58())).toEqual(keys.map((k) => k.toBase58()));
    expect(s.pendingAttestors.every((k) => k.equals(PublicKey.default))).toBe(true);
    // Accepting again: nothing pending.
    expectAnchorError(f.chain.send(await f.acceptAttestorsIxs(keys, 2, next)), "NoPendingAttestors", idl);
    f.threshold = 2;
    expectAnchorError(await f.deposit(f.depositParams(user.wallet.publicKey, 1n), [old, next[0]!]), "NotAttestor", idl);
    expectOk(await f.deposit(f.depositParams(user.wallet.publicKey, 1n), [next[2]!, next[0]!]));
    expect(tokenBalance(f.chain, user.token)).toBe(2n);
  });

  it("two-step admin hand-over: propose, only the pending admin accepts, then the old admin is out", async () => {
    const next = f.chain.newKeypair();
    const stranger = f.chain.newKeypair();
    const before = f.snapshot();
    expectAnchorError(f.chain.send(await f.transferAdminIx(next.publicKey, stranger.publicKey), [stranger]), "Unauthorized", idl);
    expectAnchorError(f.chain.send(await f.transferAdminIx(f.attestors[1]!.publicKey), [f.admin]), "AdminIsAttestor", idl);
    expectAnchorError(f.chain.send(await f.acceptAdminIx(next.publicKey), [next]), "NotPendingAdmin", idl);
    expectUnchanged(f.chain, before);
    const proposed = expectOk(f.chain.send(await f.transferAdminIx(next.publicKey), [f.admin]));
    expect(f.chain.events(f.program, proposed)[0]!.name).toBe("adminTransferProposed");
    expect(f.state().pendingAdmin.equals(next.publicKey)).toBe(true);
    // Nothing changed hands yet; the pending admin cannot be made an attestor meanwhile.
    expect(f.state().admin.equals(f.admin.publicKey)).toBe(true);
    const pending = f.snapshot();
    expectAnchorError(f.chain.send(await f.proposeAttestorsIx([next.publicKey], 1), [f.admin]), "AdminIsAttestor", idl);
    expectAnchorError(f.chain.send(await f.acceptAdminIx(stranger.publicKey), [stranger]), "NotPendingAdmin", idl);
    expectUnchanged(f.chain, pending);
    const r = expectOk(f.chain.send(await f.acceptAdminIx(next.publicKey), [next]));
    expect(f.chain.events(f.program, r)[0]!.name).toBe("adminTransferred");
    const s = f.state();
    expect(s.admin.equals(next.publicKey)).toBe(true);
    expect(s.pendingAdmin.equals(PublicKey.default)).toBe(true);
    expectAnchorError(f.chain.send(await f.pauseIx(), [f.admin]), "Unauthorized", idl);
    expectOk(f.chain.send(await f.pauseIx(next.publicKey), [next]));
    // A second accept (the pending slot is cleared) is refused.
    expectAnchorError(f.chain.send(await f.acceptAdminIx(next.publicKey), [next]), "NotPendingAdmin", idl);
  });

  it("a pending hand-over is cancelled with the default key", async () => {
    const next = f.chain.newKeypair();
    expectOk(f.chain.send(await f.transferAdminIx(next.publicKey), [f.admin]));
    expectOk(f.chain.send(await f.transferAdminIx(PublicKey.default), [f.admin]));
    expectAnchorError(f.chain.send(await f.acceptAdminIx(next.publicKey), [next]), "NotPendingAdmin", idl);
    expect(f.state().limits).toEqual(LIMITS);
  });
});
