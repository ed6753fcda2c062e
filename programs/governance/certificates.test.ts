/**
 * Renewable energy certificates on LiteSVM with the real governance.so and registry.so: issue_erc
 * (Registry claim_erc_generation by CPI, signed by the Governance PDA), validate_erc, revoke_erc,
 * transfer_erc (whole and partial, lineage), retire_erc (several claims per certificate). Every
 * success with its accounts, event and CU budget; then every refusal ("attacks") with its exact
 * error name and nothing changed, including Registry's claim_erc_generation called directly and
 * the Trading-only lock_for_order / unlock / deliver_green called by a wallet. The volume
 * invariant under random sequences: certificates.property.test.ts.
 */
import type { Idl } from "@coral-xyz/anchor";
import { PublicKey, type Keypair, type TransactionInstruction } from "@solana/web3.js";
import { beforeEach, describe, expect, it } from "vitest";
import {
  bn,
  createAta,
  expectAnchorError,
  expectCu,
  expectOk,
  expectUnchanged,
  mintTo,
} from "~/programs/harness";
import { plain } from "../oracle/fixture";
import { registryIdl } from "../registry/idl/registry";
import { BATTERY, GRID_METER, METER_SUSPENDED, WIND, type TestMeter } from "../registry/fixture";
import { GRID_FUNDS, RETAIL, THBC_FUNDS, TradingFixture, type Trader } from "../trading/fixture";
import {
  deliverGreenInstruction,
  fillCertificateAddress,
  governanceAddress,
  lockForOrderInstruction,
  tradingMarketAddress,
  unlockInstruction,
} from "./client";
import { budgetAtBump, CU, GovernanceFixture } from "./fixture";
import { governanceIdl } from "./idl/governance";

const ZERO = PublicKey.default;
const text = (bytes: number[], len: number) => Buffer.from(bytes.slice(0, len)).toString("utf8");

describe("issue_erc", () => {
  let f: GovernanceFixture;
  let m: TestMeter;
  beforeEach(async () => {
    f = await GovernanceFixture.create();
    m = await f.meterWithProduction(5_000n, undefined, { zoneId: 7 });
  });

  it("certifies part of the meter's generation: an Issued certificate, claimed_erc_gen advanced, within budget", async () => {
    const meter = f.grid.meterState(m.meter);
    const r = expectOk(f.chain.send(await f.issueIx(m, 1n, 2_000n), [m.owner]));
    const cert = f.certificateOf(m, 1n);
    const c = f.certificate(cert)!;
    expect(c).toMatchObject({
      certificateId: 1n,
      volumeWh: 2_000n,
      retiredWh: 0n,
      lockedWh: 0n,
      periodStart: meter.activatedAt,
      periodEnd: meter.lastReadingAt,
      issuedAt: f.now(),
      zoneId: 7,
      children: 0,
      retirements: 0,
      kind: "issued",
      meterType: "solar",
      status: "issued",
    });
    expect(c.owner.equals(m.owner.publicKey)).toBe(true);
    expect(c.meter.equals(m.meter)).toBe(true);
    expect(c.origin.equals(cert)).toBe(true);
    expect([c.parent, c.lockedOrder, c.buyOrder].every((k) => k.equals(ZERO))).toBe(true);
    expect(f.chain.getAccount(cert)!.owner.equals(f.programId)).toBe(true);
    const after = f.grid.meterState(m.meter);
    expect(after.claimedErcGen).toBe(2_000n);
    expect(after.ercCertifiedUntil).toBe(0n); // 3,000 Wh still uncertified
    const gov = f.events(r);
    expect(gov.map((e) => e.name)).toEqual(["certificateIssued"]);
    expect(plain(gov[0]!.data)).toEqual({
      certificate: cert.toBase58(),
      owner: m.owner.publicKey.toBase58(),
      meter: m.meter.toBase58(),
      certificateId: 1n,
      volumeWh: 2_000n,
      periodStart: meter.activatedAt,
      periodEnd: meter.lastReadingAt,
      zoneId: 7,
      meterType: { solar: {} },
      claimedErcGen: 2_000n,
    });
    // the Registry's event, logged inside the CPI (Anchor's EventParser reads the outer program's only)
    const reg = r.logs
      .filter((l) => l.startsWith("Program data: "))
      .map((l) => f.grid.registry.coder.events.decode(l.slice("Program data: ".length)))
      .filter((e) => e !== null);
    expect(reg.map((e) => e.name)).toEqual(["ercGenerationClaimed"]);
    expect(plain(reg[0]!.data as Record<string, unknown>)).toMatchObject({
      volumeWh: 2_000n,
      claimedErcGen: 2_000n,
      totalProduction: 5_000n,
    });
    expectCu(r, { max: budgetAtBump(CU.issueErc, c.bump) });
  });

  it("the claim that certifies the rest sets erc_certified_until; the next certificate's period starts there", async () => {
    await f.issue(m, 1n, 2_000n);
    await f.issue(m, 2n, 3_000n);
    const s = f.grid.meterState(m.meter);
    expect([s.claimedErcGen, s.ercCertifiedUntil]).toEqual([5_000n, s.lastReadingAt]);
    const certifiedUntil = s.lastReadingAt;
    await f.produce(m, 700n);
    const c3 = f.certificate(await f.issue(m, 3n, 700n))!;
    expect([c3.periodStart, c3.periodEnd]).toEqual([
      certifiedUntil,
      f.grid.meterState(m.meter).lastReadingAt,
    ]);
    expect(f.grid.meterState(m.meter).claimedErcGen).toBe(5_700n);
  });

  it("a wind meter's certificate says Wind; any payer may pay the rent", async () => {
    const w = await f.meterWithProduction(1_000n, undefined, { type: WIND });
    const payer = f.chain.newKeypair();
    expectOk(
      f.chain.send(await f.issueIx(w, 9n, 1_000n, { payer: payer.publicKey }), [payer, w.owner]),
    );
    expect(f.certificate(f.certificateOf(w, 9n))!.meterType).toBe("wind");
  });
});

describe("validate_erc / revoke_erc", () => {
  it("the issuer validates an Issued certificate, then revokes what is not retired", async () => {
    const f = await GovernanceFixture.create();
    const m = await f.meterWithProduction(1_000n);
    const cert = await f.issue(m, 1n, 1_000n);
    let r = await f.validate(cert);
    expectCu(r, { max: CU.validateErc });
    expect(f.certificate(cert)!.status).toBe("validated");
    expect(plain(f.event(r, "certificateValidated"))).toEqual({
      certificate: cert.toBase58(),
      authority: f.authority.publicKey.toBase58(),
      owner: m.owner.publicKey.toBase58(),
      volumeWh: 1_000n,
    });
    await f.retire(m.owner, cert, 400n);
    r = expectOk(f.chain.send(await f.revokeIx(cert, 3), [f.authority]));
    expectCu(r, { max: CU.revokeErc });
    expect(f.certificate(cert)).toMatchObject({
      status: "revoked",
      retiredWh: 400n,
      volumeWh: 1_000n,
    });
    expect(plain(f.event(r, "certificateRevoked"))).toEqual({
      certificate: cert.toBase58(),
      authority: f.authority.publicKey.toBase58(),
      owner: m.owner.publicKey.toBase58(),
      reason: 3,
      previousStatus: { validated: {} },
      frozenWh: 600n,
    });
  });
});

describe("transfer_erc", () => {
  let f: GovernanceFixture;
  let m: TestMeter;
  let cert: PublicKey;
  beforeEach(async () => {
    f = await GovernanceFixture.create();
    m = await f.meterWithProduction(10_000n, undefined, { zoneId: 3 });
    cert = await f.issue(m, 1n, 10_000n);
    await f.validate(cert);
  });

  it("a partial transfer creates the recipient's certificate with the same provenance and a link to its parent", async () => {
    const buyer = f.chain.newKeypair();
    const r = expectOk(
      f.chain.send(await f.transferIx(m.owner, cert, buyer.publicKey, 3_000n), [m.owner]),
    );
    const child = f.childOf(cert, 0);
    expectCu(r, { max: budgetAtBump(CU.transferErc, f.certificate(child)!.bump) });
    const src = f.certificate(cert)!;
    const c = f.certificate(child)!;
    expect([src.volumeWh, src.children]).toEqual([7_000n, 1]);
    expect(c).toMatchObject({
      volumeWh: 3_000n,
      certificateId: 0n,
      kind: "split",
      status: "validated",
      zoneId: 3,
      meterType: "solar",
      periodStart: src.periodStart,
      periodEnd: src.periodEnd,
      children: 0,
      retirements: 0,
    });
    expect(c.owner.equals(buyer.publicKey)).toBe(true);
    expect(c.parent.equals(cert)).toBe(true);
    expect(c.origin.equals(cert)).toBe(true);
    expect(c.meter.equals(m.meter)).toBe(true);
    expect(plain(f.event(r, "certificateTransferred"))).toEqual({
      certificate: cert.toBase58(),
      child: child.toBase58(),
      from: m.owner.publicKey.toBase58(),
      to: buyer.publicKey.toBase58(),
      origin: cert.toBase58(),
      volumeWh: 3_000n,
      remainingWh: 7_000n,
      childIndex: 0,
    });
  });

  it("a whole transfer leaves the source at volume 0 (its account stays); the lineage reaches back to the origin", async () => {
    const a = f.chain.newKeypair();
    const b = f.chain.newKeypair();
    f.chain.airdrop(a.publicKey, 1_000_000_000n);
    const first = await f.transfer(m.owner, cert, a.publicKey, 10_000n);
    expect(f.certificate(cert)!.volumeWh).toBe(0n);
    const second = await f.transfer(a, first, b.publicKey, 2_500n);
    const c = f.certificate(second)!;
    expect(c.parent.equals(first)).toBe(true);
    expect(c.origin.equals(cert)).toBe(true);
    expect(c.owner.equals(b.publicKey)).toBe(true);
    expect(f.certificate(first)!.volumeWh).toBe(7_500n);
  });

  it("an unvalidated certificate can move too (it keeps its status)", async () => {
    const m2 = await f.meterWithProduction(100n);
    const c2 = await f.issue(m2, 5n, 100n);
    const child = await f.transfer(m2.owner, c2, f.chain.newKeypair().publicKey, 40n);
    expect(f.certificate(child)!.status).toBe("issued");
  });
});

describe("retire_erc", () => {
  it("records each claim in its own PDA; several retirements of one certificate; retired volume stays put", async () => {
    const f = await GovernanceFixture.create();
    const m = await f.meterWithProduction(5_000n);
    const cert = await f.issue(m, 1n, 5_000n);
    const r = expectOk(
      f.chain.send(
        await f.retireIx(m.owner, cert, 1_200n, {
          beneficiary: "Bangkok Hospital",
          purpose: "RE100 claim, Q1 2026 — ภาษาไทย",
        }),
        [m.owner],
      ),
    );
    const rec = f.retirementOf(cert, 0);
    expectCu(r, { max: budgetAtBump(CU.retireErc, Number(f.retirement(rec)!.bump)) });
    const d = f.retirement(rec)!;
    const c = f.certificate(cert)!;
    expect([c.retiredWh, c.retirements, c.volumeWh]).toEqual([1_200n, 1, 5_000n]);
    expect(plain(d)).toMatchObject({
      certificate: cert.toBase58(),
      origin: cert.toBase58(),
      owner: m.owner.publicKey.toBase58(),
      meter: m.meter.toBase58(),
      volumeWh: 1_200n,
      periodStart: c.periodStart,
      periodEnd: c.periodEnd,
      retiredAt: f.now(),
      index: 0,
    });
    expect(text(d.beneficiary as number[], Number(d.beneficiaryLen))).toBe("Bangkok Hospital");
    expect(text(d.purpose as number[], Number(d.purposeLen))).toBe(
      "RE100 claim, Q1 2026 — ภาษาไทย",
    );
    const e = plain(f.event(r, "certificateRetired"));
    expect(e).toMatchObject({
      retirement: rec.toBase58(),
      volumeWh: 1_200n,
      retiredWh: 1_200n,
      index: 0,
    });
    await f.retire(m.owner, cert, 800n);
    expect(f.certificate(cert)).toMatchObject({ retiredWh: 2_000n, retirements: 2 });
    expect(f.retirement(f.retirementOf(cert, 1))!.index).toBe(1);
    // the free rest still moves; the retired part does not
    const child = await f.transfer(m.owner, cert, f.chain.newKeypair().publicKey, 3_000n);
    expect(f.certificate(child)!.volumeWh).toBe(3_000n);
    expect(f.certificate(cert)).toMatchObject({ volumeWh: 2_000n, retiredWh: 2_000n });
  });

  it("the longest texts fit: 64-byte beneficiary, 128-byte purpose", async () => {
    const f = await GovernanceFixture.create();
    const m = await f.meterWithProduction(10n);
    const cert = await f.issue(m, 1n, 10n);
    expectOk(
      f.chain.send(
        await f.retireIx(m.owner, cert, 10n, {
          beneficiary: "b".repeat(64),
          purpose: "p".repeat(128),
        }),
        [m.owner],
      ),
    );
    const d = f.retirement(f.retirementOf(cert, 0))!;
    expect([Number(d.beneficiaryLen), Number(d.purposeLen)]).toEqual([64, 128]);
  });
});

// ---------------------------------------------------------------------------------------------
// Refusals: each one names its exact error (Governance's IDL, the Registry's for what the claim
// CPI refuses, Anchor's framework errors for account checks) and changes nothing it touches.
// ---------------------------------------------------------------------------------------------

/** Sends, expects the named error and every `watch` account exactly as it was before. */
function refuse(
  f: GovernanceFixture,
  ixs: TransactionInstruction | TransactionInstruction[],
  signers: Keypair[],
  name: string,
  watch: PublicKey[],
  idl: Idl = governanceIdl,
) {
  const before = f.chain.snapshot(watch);
  expectAnchorError(f.chain.send(ixs, signers), name, idl);
  expectUnchanged(f.chain, before);
}

/** Registry's claim_erc_generation built straight from its IDL (no client builder: only
 * Governance's CPI is meant to call it). */
const claimIx = (
  f: GovernanceFixture,
  p: { governance: PublicKey; meter: PublicKey; owner: PublicKey; volumeWh: bigint },
) =>
  f.grid.registry.methods
    .claimErcGeneration(bn(p.volumeWh))
    .accountsStrict({ governance: p.governance, meter: p.meter, owner: p.owner })
    .instruction();

describe("issue_erc refusals (nothing changes)", () => {
  let f: GovernanceFixture;
  let m: TestMeter;
  beforeEach(async () => {
    f = await GovernanceFixture.create();
    m = await f.meterWithProduction(5_000n);
  });

  it("more than the meter's uncertified production, the first claim or a later one", async () => {
    const watch = (id: bigint) => [m.meter, f.certificateOf(m, id), m.owner.publicKey];
    refuse(
      f,
      await f.issueIx(m, 1n, 5_001n),
      [m.owner],
      "ExceedsUncertifiedGeneration",
      watch(1n),
      registryIdl,
    );
    await f.issue(m, 1n, 3_000n);
    // 2,000 Wh left uncertified: 2,001 is one too many
    refuse(
      f,
      await f.issueIx(m, 2n, 2_001n),
      [m.owner],
      "ExceedsUncertifiedGeneration",
      watch(2n),
      registryIdl,
    );
    await f.issue(m, 2n, 2_000n);
    refuse(
      f,
      await f.issueIx(m, 3n, 1n),
      [m.owner],
      "ExceedsUncertifiedGeneration",
      watch(3n),
      registryIdl,
    );
    // u64 overflow of claimed + volume is the same refusal, not a wrap-around
    refuse(
      f,
      await f.issueIx(m, 3n, 2n ** 64n - 1n),
      [m.owner],
      "ExceedsUncertifiedGeneration",
      watch(3n),
      registryIdl,
    );
    expect(f.grid.meterState(m.meter).claimedErcGen).toBe(5_000n);
  });

  it("a zero volume", async () => {
    refuse(f, await f.issueIx(m, 1n, 0n), [m.owner], "ZeroVolume", [
      m.meter,
      f.certificateOf(m, 1n),
    ]);
  });

  it("anyone but the meter's owner (signing as owner, paying)", async () => {
    const thief = f.chain.newKeypair();
    const ix = await f.issueIx(m, 1n, 1_000n, { payer: thief.publicKey, owner: thief.publicKey });
    refuse(
      f,
      ix,
      [thief],
      "NotMeterOwner",
      [m.meter, f.certificateOf(m, 1n), thief.publicKey],
      registryIdl,
    );
    // the owner of another meter is anyone else too
    const other = await f.meterWithProduction(1_000n);
    const ix2 = await f.issueIx(m, 1n, 1_000n, {
      payer: other.owner.publicKey,
      owner: other.owner.publicKey,
    });
    refuse(
      f,
      ix2,
      [other.owner],
      "NotMeterOwner",
      [m.meter, other.meter, f.certificateOf(m, 1n)],
      registryIdl,
    );
  });

  it("a Battery or Grid meter's production is not green", async () => {
    for (const type of [BATTERY, GRID_METER]) {
      const b = await f.meterWithProduction(1_000n, undefined, { type });
      refuse(
        f,
        await f.issueIx(b, 1n, 500n),
        [b.owner],
        "NotGreenMeter",
        [b.meter, f.certificateOf(b, 1n)],
        registryIdl,
      );
    }
  });

  it("a suspended meter (its production verified before), or one still Pending", async () => {
    expectOk(f.chain.send(await f.grid.setMeterStatusIx(m.meter, METER_SUSPENDED), [f.grid.admin]));
    refuse(
      f,
      await f.issueIx(m, 1n, 1_000n),
      [m.owner],
      "MeterNotActive",
      [m.meter, f.certificateOf(m, 1n)],
      registryIdl,
    );
    const p = await f.grid.pendingMeter();
    refuse(
      f,
      await f.issueIx(p, 1n, 1n),
      [p.owner],
      "MeterNotActive",
      [p.meter, f.certificateOf(p, 1n)],
      registryIdl,
    );
  });

  it("a certificate id already used (the account exists); the claim is not made", async () => {
    const cert = await f.issue(m, 1n, 1_000n);
    refuse(f, await f.issueIx(m, 1n, 1_000n), [m.owner], "AccountNotSystemOwned", [m.meter, cert]);
    expect(f.grid.meterState(m.meter).claimedErcGen).toBe(1_000n);
  });

  it("a certificate address that is not the PDA of (meter, id), a fake meter, another registry program", async () => {
    const other = await f.meterWithProduction(1_000n);
    // another meter's certificate address
    refuse(
      f,
      await f.issueIx(m, 1n, 1_000n, { certificate: f.certificateOf(other, 1n) }),
      [m.owner],
      "ConstraintSeeds",
      [m.meter, f.certificateOf(other, 1n)],
    );
    // a Governance account posing as the meter
    refuse(
      f,
      await f.issueIx(m, 1n, 1_000n, { meter: f.governance, certificate: f.certificateOf(m, 1n) }),
      [m.owner],
      "InvalidMeter",
      [m.meter, f.governance, f.certificateOf(m, 1n)],
    );
    // a different program posing as the Registry (it would "approve" any claim)
    refuse(
      f,
      await f.issueIx(m, 1n, 1_000n, { registryProgram: f.programId }),
      [m.owner],
      "InvalidProgramId",
      [m.meter, f.certificateOf(m, 1n)],
    );
  });

  it("Registry's claim_erc_generation called directly: a wallet posing as Governance, or the Governance PDA unsigned", async () => {
    const fake = f.chain.newKeypair();
    refuse(
      f,
      await claimIx(f, {
        governance: fake.publicKey,
        meter: m.meter,
        owner: m.owner.publicKey,
        volumeWh: 1_000n,
      }),
      [fake, m.owner],
      "NotGovernance",
      [m.meter],
      registryIdl,
    );
    // the real PDA, which only Governance's CPI can sign for
    const ix = await claimIx(f, {
      governance: governanceAddress(),
      meter: m.meter,
      owner: m.owner.publicKey,
      volumeWh: 1_000n,
    });
    ix.keys[0]!.isSigner = false;
    refuse(f, ix, [m.owner], "AccountNotSigner", [m.meter], registryIdl);
    expect(f.grid.meterState(m.meter).claimedErcGen).toBe(0n);
  });
});

describe("validate_erc / revoke_erc refusals (nothing changes)", () => {
  let f: GovernanceFixture;
  let m: TestMeter;
  let cert: PublicKey;
  beforeEach(async () => {
    f = await GovernanceFixture.create();
    m = await f.meterWithProduction(1_000n);
    cert = await f.issue(m, 1n, 1_000n);
  });

  it("anyone but the issuer authority: the owner, a stranger", async () => {
    const stranger = f.chain.newKeypair();
    for (const who of [m.owner, stranger]) {
      refuse(f, await f.validateIx(cert, who.publicKey), [who], "Unauthorized", [cert]);
      refuse(f, await f.revokeIx(cert, 1, who.publicKey), [who], "Unauthorized", [cert]);
    }
    expect(f.certificate(cert)!.status).toBe("issued");
  });

  it("validating twice, validating or revoking a Revoked one", async () => {
    await f.validate(cert);
    refuse(f, await f.validateIx(cert), [f.authority], "NotIssued", [cert]);
    expectOk(f.chain.send(await f.revokeIx(cert), [f.authority]));
    refuse(f, await f.validateIx(cert), [f.authority], "CertificateIsRevoked", [cert]);
    refuse(f, await f.revokeIx(cert, 2), [f.authority], "AlreadyRevoked", [cert]);
  });

  it("revoking what is all retired", async () => {
    await f.retire(m.owner, cert, 1_000n);
    refuse(f, await f.revokeIx(cert), [f.authority], "NothingToRevoke", [cert]);
    // a transferred-away (volume 0) certificate holds nothing to revoke either
    const m2 = await f.meterWithProduction(500n);
    const c2 = await f.issue(m2, 1n, 500n);
    await f.transfer(m2.owner, c2, f.chain.newKeypair().publicKey, 500n);
    refuse(f, await f.revokeIx(c2), [f.authority], "NothingToRevoke", [c2]);
  });
});

describe("transfer_erc refusals (nothing changes)", () => {
  let f: GovernanceFixture;
  let m: TestMeter;
  let cert: PublicKey;
  let to: PublicKey;
  const watch = () => [cert, f.childOf(cert, 0), m.owner.publicKey];
  beforeEach(async () => {
    f = await GovernanceFixture.create();
    m = await f.meterWithProduction(10_000n);
    cert = await f.issue(m, 1n, 10_000n);
    await f.validate(cert);
    to = f.chain.newKeypair().publicKey;
  });

  it("more than the free volume (volume - retired - locked)", async () => {
    refuse(
      f,
      await f.transferIx(m.owner, cert, to, 10_001n),
      [m.owner],
      "InsufficientFreeVolume",
      watch(),
    );
    await f.retire(m.owner, cert, 4_000n);
    refuse(
      f,
      await f.transferIx(m.owner, cert, to, 6_001n),
      [m.owner],
      "InsufficientFreeVolume",
      watch(),
    );
    refuse(
      f,
      await f.transferIx(m.owner, cert, to, 2n ** 64n - 1n),
      [m.owner],
      "InsufficientFreeVolume",
      watch(),
    );
    await f.transfer(m.owner, cert, to, 6_000n);
    expect(f.certificate(cert)).toMatchObject({ volumeWh: 4_000n, retiredWh: 4_000n });
    refuse(f, await f.transferIx(m.owner, cert, to, 1n), [m.owner], "InsufficientFreeVolume", [
      cert,
      f.childOf(cert, 1),
    ]);
  });

  it("a zero volume", async () => {
    refuse(f, await f.transferIx(m.owner, cert, to, 0n), [m.owner], "ZeroVolume", watch());
  });

  it("anyone but the owner, even sending to itself", async () => {
    const thief = f.chain.newKeypair();
    refuse(
      f,
      await f.transferIx(thief, cert, thief.publicKey, 1_000n),
      [thief],
      "NotCertificateOwner",
      [...watch(), thief.publicKey],
    );
    // the recipient of a split owns only its child, not the parent
    const recipient = f.chain.newKeypair();
    const child = await f.transfer(m.owner, cert, recipient.publicKey, 1_000n);
    expect(f.certificate(child)!.owner.equals(recipient.publicKey)).toBe(true);
    refuse(
      f,
      await f.transferIx(recipient, cert, recipient.publicKey, 1n),
      [recipient],
      "NotCertificateOwner",
      [cert, f.childOf(cert, 1)],
    );
  });

  it("a Revoked certificate", async () => {
    expectOk(f.chain.send(await f.revokeIx(cert), [f.authority]));
    refuse(
      f,
      await f.transferIx(m.owner, cert, to, 1_000n),
      [m.owner],
      "CertificateIsRevoked",
      watch(),
    );
  });

  it("a child address that is not the next split PDA, or one that already exists", async () => {
    refuse(
      f,
      await f.transferIx(m.owner, cert, to, 1_000n, { childIndex: 1 }),
      [m.owner],
      "ConstraintSeeds",
      [cert, f.childOf(cert, 1)],
    );
    const first = await f.transfer(m.owner, cert, to, 1_000n);
    // child 0 exists: naming it again (instead of child 1) is refused before the seeds
    refuse(
      f,
      await f.transferIx(m.owner, cert, to, 1_000n, { childIndex: 0 }),
      [m.owner],
      "AccountNotSystemOwned",
      [cert, first],
    );
  });
});

describe("retire_erc refusals (nothing changes)", () => {
  let f: GovernanceFixture;
  let m: TestMeter;
  let cert: PublicKey;
  const watch = () => [cert, f.retirementOf(cert, 0), m.owner.publicKey];
  beforeEach(async () => {
    f = await GovernanceFixture.create();
    m = await f.meterWithProduction(5_000n);
    cert = await f.issue(m, 1n, 5_000n);
  });

  it("more than the free volume, including after an earlier retirement and a transfer", async () => {
    refuse(
      f,
      await f.retireIx(m.owner, cert, 5_001n),
      [m.owner],
      "InsufficientFreeVolume",
      watch(),
    );
    await f.retire(m.owner, cert, 2_000n);
    await f.transfer(m.owner, cert, f.chain.newKeypair().publicKey, 1_000n);
    // volume 4,000, retired 2,000: 2,000 free
    const w = [cert, f.retirementOf(cert, 1)];
    refuse(f, await f.retireIx(m.owner, cert, 2_001n), [m.owner], "InsufficientFreeVolume", w);
    refuse(
      f,
      await f.retireIx(m.owner, cert, 2n ** 64n - 1n),
      [m.owner],
      "InsufficientFreeVolume",
      w,
    );
  });

  it("a zero volume", async () => {
    refuse(f, await f.retireIx(m.owner, cert, 0n), [m.owner], "ZeroVolume", watch());
  });

  it("anyone but the owner", async () => {
    const thief = f.chain.newKeypair();
    refuse(f, await f.retireIx(thief, cert, 1_000n), [thief], "NotCertificateOwner", [
      ...watch(),
      thief.publicKey,
    ]);
  });

  it("a Revoked certificate", async () => {
    expectOk(f.chain.send(await f.revokeIx(cert), [f.authority]));
    refuse(f, await f.retireIx(m.owner, cert, 1_000n), [m.owner], "CertificateIsRevoked", watch());
  });

  it("a beneficiary over 64 bytes or a purpose over 128 bytes (UTF-8 bytes, not characters)", async () => {
    refuse(
      f,
      await f.retireIx(m.owner, cert, 1n, { beneficiary: "b".repeat(65) }),
      [m.owner],
      "BeneficiaryTooLong",
      watch(),
    );
    // 22 Thai characters are 66 bytes
    refuse(
      f,
      await f.retireIx(m.owner, cert, 1n, { beneficiary: "ก".repeat(22) }),
      [m.owner],
      "BeneficiaryTooLong",
      watch(),
    );
    refuse(
      f,
      await f.retireIx(m.owner, cert, 1n, { purpose: "p".repeat(129) }),
      [m.owner],
      "PurposeTooLong",
      watch(),
    );
    refuse(
      f,
      await f.retireIx(m.owner, cert, 1n, { purpose: "ก".repeat(43) }),
      [m.owner],
      "PurposeTooLong",
      watch(),
    );
  });

  it("a record address that is not the next retirement PDA", async () => {
    refuse(f, await f.retireIx(m.owner, cert, 1n, { index: 1 }), [m.owner], "ConstraintSeeds", [
      cert,
      f.retirementOf(cert, 1),
    ]);
  });
});

describe("certificates locked by a green order (with Trading)", () => {
  let f: GovernanceFixture;
  let t: TradingFixture;
  let m: TestMeter;
  let seller: Trader;
  let cert: PublicKey;
  let order: PublicKey;

  beforeEach(async () => {
    f = await GovernanceFixture.create({ programs: ["oracle", "trading"] });
    t = new TradingFixture(f.chain);
    await t.setupChain();
    expectOk(t.chain.send(await t.initIx(), [t.deployer]));
    m = await f.meterWithProduction(50_000n);
    cert = await f.issue(m, 1n, 20_000n);
    await f.validate(cert);
    // the meter's readings moved the clock by hours: a fresh price for the order
    await t.refreshOracle();
    seller = {
      kp: m.owner,
      grid: createAta(f.chain, m.owner.publicKey, t.gridMint),
      thbc: createAta(f.chain, m.owner.publicKey, t.thbcMint),
    };
    mintTo(f.chain, t.gridMint, seller.grid, t.mintAuthority, GRID_FUNDS);
    mintTo(f.chain, t.thbcMint, seller.thbc, t.mintAuthority, THBC_FUNDS);
    const tx = await t.createTx(
      seller,
      { side: "sell", id: 1n, amountWh: 8_000n, limitPrice: RETAIL },
      { certificate: cert },
    );
    expectOk(t.sendCreate(tx));
    order = tx.order;
    expect(f.certificate(cert)).toMatchObject({ lockedWh: 8_000n, volumeWh: 20_000n });
  });

  it("transfer_erc and retire_erc move only what the lock leaves free; the lock stays", async () => {
    const to = f.chain.newKeypair().publicKey;
    refuse(f, await f.transferIx(m.owner, cert, to, 12_001n), [m.owner], "InsufficientFreeVolume", [
      cert,
      f.childOf(cert, 0),
    ]);
    refuse(f, await f.retireIx(m.owner, cert, 12_001n), [m.owner], "InsufficientFreeVolume", [
      cert,
      f.retirementOf(cert, 0),
    ]);
    await f.transfer(m.owner, cert, to, 7_000n);
    await f.retire(m.owner, cert, 5_000n);
    const c = f.certificate(cert)!;
    expect([c.volumeWh, c.retiredWh, c.lockedWh]).toEqual([13_000n, 5_000n, 8_000n]);
    expect(c.lockedOrder.equals(order)).toBe(true);
    refuse(f, await f.transferIx(m.owner, cert, to, 1n), [m.owner], "InsufficientFreeVolume", [
      cert,
      f.childOf(cert, 1),
    ]);
    refuse(f, await f.retireIx(m.owner, cert, 1n), [m.owner], "InsufficientFreeVolume", [
      cert,
      f.retirementOf(cert, 1),
    ]);
    // revoking still works (8,000 not retired); the locked part then cannot be delivered or moved
    expectOk(f.chain.send(await f.revokeIx(cert), [f.authority]));
    refuse(f, await f.retireIx(m.owner, cert, 1n), [m.owner], "CertificateIsRevoked", [
      cert,
      f.retirementOf(cert, 1),
    ]);
  });

  it("lock_for_order, unlock and deliver_green called by a wallet, or with the market PDA unsigned", async () => {
    const wallet = f.chain.newKeypair();
    const buyOrder = t.orderOf(wallet.publicKey, 1n);
    const buyerCert = fillCertificateAddress(cert, buyOrder);
    const watch = [cert, order, buyerCert];
    const lock = (market: PublicKey) =>
      lockForOrderInstruction(f.program, {
        market,
        certificate: cert,
        order,
        owner: m.owner.publicKey,
        volumeWh: 1_000n,
      });
    const unlock = (market: PublicKey) =>
      unlockInstruction(f.program, { market, certificate: cert, order });
    const deliver = (market: PublicKey) =>
      deliverGreenInstruction(f.program, {
        market,
        source: cert,
        sellOrder: order,
        buyOrder,
        payer: wallet.publicKey,
        volumeWh: 1_000n,
      });
    // a wallet signing as "market" (the seller itself, or anyone)
    for (const who of [m.owner, wallet]) {
      refuse(
        f,
        await lock(who.publicKey),
        who === m.owner ? [m.owner] : [who, m.owner],
        "NotMarket",
        watch,
      );
      refuse(f, await unlock(who.publicKey), [who], "NotMarket", watch);
      refuse(f, await deliver(who.publicKey), [who, wallet], "NotMarket", watch);
    }
    // Trading's real market PDA, which only Trading's CPI can sign for
    const market = tradingMarketAddress();
    for (const ix of [await lock(market), await unlock(market), await deliver(market)]) {
      ix.keys[0]!.isSigner = false;
      const signers = [m.owner, wallet].filter((k) =>
        ix.keys.some((a) => a.isSigner && a.pubkey.equals(k.publicKey)),
      );
      refuse(f, ix, signers, "AccountNotSigner", watch);
    }
    expect(f.certificate(cert)).toMatchObject({ lockedWh: 8_000n, volumeWh: 20_000n });
    expect(f.certificate(buyerCert)).toBeNull();
  });
});
