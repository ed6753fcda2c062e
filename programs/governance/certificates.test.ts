/**
 * Renewable energy certificates on LiteSVM with the real governance.so and registry.so: issue_erc
 * (Registry claim_erc_generation by CPI, signed by the Governance PDA), validate_erc, revoke_erc,
 * transfer_erc (whole and partial, lineage), retire_erc (several claims per certificate). Every
 * success with its accounts, event and CU budget. Refusals: attacks.test.ts; the volume invariant
 * under random sequences: property.test.ts.
 */
import { PublicKey } from "@solana/web3.js";
import { beforeEach, describe, expect, it } from "vitest";
import { expectCu, expectOk } from "~/programs/harness";
import { plain } from "../oracle/fixture";
import { WIND, type TestMeter } from "../registry/fixture";
import { budgetAtBump, CU, GovernanceFixture } from "./fixture";

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
    expect(plain(reg[0]!.data as Record<string, unknown>)).toMatchObject({ volumeWh: 2_000n, claimedErcGen: 2_000n, totalProduction: 5_000n });
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
    expect([c3.periodStart, c3.periodEnd]).toEqual([certifiedUntil, f.grid.meterState(m.meter).lastReadingAt]);
    expect(f.grid.meterState(m.meter).claimedErcGen).toBe(5_700n);
  });

  it("a wind meter's certificate says Wind; any payer may pay the rent", async () => {
    const w = await f.meterWithProduction(1_000n, undefined, { type: WIND });
    const payer = f.chain.newKeypair();
    expectOk(f.chain.send(await f.issueIx(w, 9n, 1_000n, { payer: payer.publicKey }), [payer, w.owner]));
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
    expect(f.certificate(cert)).toMatchObject({ status: "revoked", retiredWh: 400n, volumeWh: 1_000n });
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
    const r = expectOk(f.chain.send(await f.transferIx(m.owner, cert, buyer.publicKey, 3_000n), [m.owner]));
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
        await f.retireIx(m.owner, cert, 1_200n, { beneficiary: "Bangkok Hospital", purpose: "RE100 claim, Q1 2026 — ภาษาไทย" }),
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
    expect(text(d.purpose as number[], Number(d.purposeLen))).toBe("RE100 claim, Q1 2026 — ภาษาไทย");
    const e = plain(f.event(r, "certificateRetired"));
    expect(e).toMatchObject({ retirement: rec.toBase58(), volumeWh: 1_200n, retiredWh: 1_200n, index: 0 });
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
      f.chain.send(await f.retireIx(m.owner, cert, 10n, { beneficiary: "b".repeat(64), purpose: "p".repeat(128) }), [
        m.owner,
      ]),
    );
    const d = f.retirement(f.retirementOf(cert, 0))!;
    expect([Number(d.beneficiaryLen), Number(d.purposeLen)]).toEqual([64, 128]);
  });
});
