/**
 * Governance administration on LiteSVM with the real governance.so: initialize (deploy authority
 * only), set_config, transfer / accept_authority. Every success with its event; every refusal
 * with its named error and nothing changed.
 */
import { type Keypair, PublicKey, type TransactionInstruction } from "@solana/web3.js";
import { describe, expect, it } from "vitest";
import { expectAnchorError, expectCu, expectOk, expectUnchanged } from "~/programs/harness";
import { plain } from "../oracle/fixture";
import type { GovernanceConfig } from "./client";
import { CONFIG, CU, GovernanceFixture } from "./fixture";
import { governanceIdl } from "./idl/governance";

function refuse(
  f: GovernanceFixture,
  ixs: TransactionInstruction | TransactionInstruction[],
  signers: Keypair[],
  name: string,
) {
  const before = f.chain.snapshot([f.governance]);
  expectAnchorError(f.chain.send(ixs, signers), name, governanceIdl);
  expectUnchanged(f.chain, before);
}

const cfg = (c: Partial<GovernanceConfig>): GovernanceConfig => ({ ...CONFIG, ...c });
const BAD_CONFIGS: [string, Partial<GovernanceConfig>][] = [
  ["min below MIN_VOTING_SECS_FLOOR (1 day)", { minVotingSecs: 86_399 }],
  ["min above max", { minVotingSecs: 3 * 86_400, maxVotingSecs: 2 * 86_400 }],
  ["max above MAX_VOTING_SECS (90 days)", { maxVotingSecs: 90 * 86_400 + 1 }],
  ["quorum 0", { quorumBps: 0 }],
  ["quorum above 10,000 bps", { quorumBps: 10_001 }],
];

describe("initialize", () => {
  it("creates the Governance PDA with the authority and config, no pending authority, no proposal", async () => {
    const f = await GovernanceFixture.create({ initialize: false });
    const r = expectOk(f.chain.send(await f.initIx(), [f.grid.deployer]));
    expectCu(r, { max: CU.initialize });
    const a = f.chain.getAccount(f.governance)!;
    expect(a.owner.equals(f.programId)).toBe(true);
    expect(a.data.length).toBe(91);
    expect(plain(f.governanceState())).toEqual({
      authority: f.authority.publicKey.toBase58(),
      pendingAuthority: PublicKey.default.toBase58(),
      proposalCount: 0n,
      config: { minVotingSecs: 86_400, maxVotingSecs: 30 * 86_400, quorumBps: 1_000 },
      bump: PublicKey.findProgramAddressSync([Buffer.from("governance")], f.programId)[1],
    });
    expect(plain(f.event(r, "governanceInitialized"))).toEqual({
      governance: f.governance.toBase58(),
      authority: f.authority.publicKey.toBase58(),
      config: { minVotingSecs: 86_400, maxVotingSecs: 30 * 86_400, quorumBps: 1_000 },
    });
  });

  it("refuses anyone but DEPLOY_AUTHORITY, a second initialize and a bad config", async () => {
    const f = await GovernanceFixture.create({ initialize: false });
    const stranger = f.chain.newKeypair();
    refuse(
      f,
      await f.initIx(CONFIG, { deployer: stranger.publicKey }),
      [stranger],
      "NotDeployAuthority",
    );
    for (const [, c] of BAD_CONFIGS)
      refuse(f, await f.initIx(cfg(c)), [f.grid.deployer], "InvalidConfig");
    expectOk(f.chain.send(await f.initIx(), [f.grid.deployer]));
    refuse(f, await f.initIx(), [f.grid.deployer], "AccountNotSystemOwned");
  });
});

describe("set_config", () => {
  it("the authority replaces the config (event with the previous one)", async () => {
    const f = await GovernanceFixture.create();
    const next = cfg({ minVotingSecs: 2 * 86_400, quorumBps: 2_500 });
    const r = expectOk(f.chain.send(await f.setConfigIx(next), [f.authority]));
    expectCu(r, { max: CU.admin });
    expect(plain(f.governanceState()).config).toEqual({ ...next });
    expect(plain(f.event(r, "configChanged"))).toEqual({
      authority: f.authority.publicKey.toBase58(),
      previous: { ...CONFIG },
      config: { ...next },
    });
  });

  it.each(BAD_CONFIGS)("refuses %s (InvalidConfig)", async (_, c) => {
    const f = await GovernanceFixture.create();
    refuse(f, await f.setConfigIx(cfg(c)), [f.authority], "InvalidConfig");
  });

  it("refuses anyone but the authority (Unauthorized)", async () => {
    const f = await GovernanceFixture.create();
    const stranger = f.chain.newKeypair();
    refuse(f, await f.setConfigIx(CONFIG, stranger.publicKey), [stranger], "Unauthorized");
  });
});

describe("transfer_authority / accept_authority", () => {
  it("hands the authority over in two steps; the old one loses it, a zero key cancels", async () => {
    const f = await GovernanceFixture.create();
    const next = f.chain.newKeypair();
    const stranger = f.chain.newKeypair();
    refuse(f, await f.acceptAuthorityIx(next.publicKey), [next], "NotPendingAuthority");
    let r = expectOk(f.chain.send(await f.transferAuthorityIx(next.publicKey), [f.authority]));
    expect(plain(f.event(r, "authorityTransferProposed"))).toEqual({
      authority: f.authority.publicKey.toBase58(),
      pendingAuthority: next.publicKey.toBase58(),
    });
    refuse(f, await f.acceptAuthorityIx(stranger.publicKey), [stranger], "NotPendingAuthority");
    r = expectOk(f.chain.send(await f.acceptAuthorityIx(next.publicKey), [next]));
    expectCu(r, { max: CU.admin });
    expect(plain(f.event(r, "authorityTransferred"))).toEqual({
      previousAuthority: f.authority.publicKey.toBase58(),
      newAuthority: next.publicKey.toBase58(),
    });
    expect(plain(f.governanceState())).toMatchObject({
      authority: next.publicKey.toBase58(),
      pendingAuthority: PublicKey.default.toBase58(),
    });
    refuse(f, await f.setConfigIx(CONFIG), [f.authority], "Unauthorized");
    refuse(f, await f.transferAuthorityIx(stranger.publicKey), [f.authority], "Unauthorized");
    // a pending hand-over is cancelled by the zero key
    expectOk(f.chain.send(await f.transferAuthorityIx(stranger.publicKey, next.publicKey), [next]));
    expectOk(f.chain.send(await f.transferAuthorityIx(PublicKey.default, next.publicKey), [next]));
    refuse(f, await f.acceptAuthorityIx(stranger.publicKey), [stranger], "NotPendingAuthority");
  });
});
