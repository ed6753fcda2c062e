/**
 * Client for the Governance program: its PDAs and the instructions of the certificate half
 * (admin, issue / validate / revoke / transfer / retire, and the builders of the three
 * instructions Trading calls by CPI: lock_for_order, unlock, deliver_green).
 * Browser-safe (no Node modules; `Program` is a type import only), like programs/trading/client.ts.
 *
 * Units: volumes in Wh, times in unix seconds.
 */
import type { Program } from "@coral-xyz/anchor";
import BN from "bn.js";
import { PublicKey, SystemProgram, type TransactionInstruction } from "@solana/web3.js";
import { REGISTRY_PROGRAM_ID } from "../registry/idl/registry";
import { GOVERNANCE_PROGRAM_ID, type Governance } from "./idl/governance";

export const GOVERNANCE_ID = new PublicKey(GOVERNANCE_PROGRAM_ID);
export const REGISTRY_PROGRAM = new PublicKey(REGISTRY_PROGRAM_ID);

const enc = new TextEncoder();
const uleb = (v: bigint, bytes: number): Uint8Array => {
  const b = new Uint8Array(bytes);
  let x = v;
  for (let i = 0; i < bytes; i++) {
    b[i] = Number(x & 0xffn);
    x >>= 8n;
  }
  return b;
};
const u64le = (v: bigint) => uleb(v, 8);
const u32le = (v: bigint | number) => uleb(BigInt(v), 4);
const bn = (v: bigint | number) => new BN(v.toString());
const pda = (seeds: Uint8Array[]) => PublicKey.findProgramAddressSync(seeds, GOVERNANCE_ID)[0];

/** The Governance PDA ["governance"]: config and authority; signs every CPI Governance makes. */
export const governanceAddress = () => pda([enc.encode("governance")]);

/** An issued certificate, PDA ["certificate", meter, certificate_id LE] (the owner picks the id). */
export const certificateAddress = (meter: PublicKey, certificateId: bigint) =>
  pda([enc.encode("certificate"), meter.toBytes(), u64le(certificateId)]);

/** A certificate split off by transfer_erc, PDA ["certificate_split", parent, index LE] (index = the parent's children). */
export const splitCertificateAddress = (parent: PublicKey, index: number) =>
  pda([enc.encode("certificate_split"), parent.toBytes(), u32le(index)]);

/** A buyer's certificate from green fills, PDA ["certificate_fill", source, buy_order]. */
export const fillCertificateAddress = (source: PublicKey, buyOrder: PublicKey) =>
  pda([enc.encode("certificate_fill"), source.toBytes(), buyOrder.toBytes()]);

/** A retirement (claim) record, PDA ["retirement", certificate, index LE] (index = the certificate's retirements). */
export const retirementAddress = (certificate: PublicKey, index: number) =>
  pda([enc.encode("retirement"), certificate.toBytes(), u32le(index)]);

/** A proposal, PDA ["proposal", id LE]. */
export const proposalAddress = (id: bigint) => pda([enc.encode("proposal"), u64le(id)]);

/** A vote, PDA ["vote", proposal, voter]. */
export const voteAddress = (proposal: PublicKey, voter: PublicKey) =>
  pda([enc.encode("vote"), proposal.toBytes(), voter.toBytes()]);

export interface GovernanceConfig {
  minVotingSecs: number;
  maxVotingSecs: number;
  quorumBps: number;
}

export type CertificateStatus = "issued" | "validated" | "revoked";
export type CertificateKind = "issued" | "split" | "fill";
export type GreenMeterType = "solar" | "wind";

/** initialize: `deployer` (the build-time DEPLOY_AUTHORITY) co-signs, `payer` pays. */
export function governanceInitializeInstruction(
  program: Program<Governance>,
  p: {
    payer: PublicKey;
    deployer: PublicKey;
    authority: PublicKey;
    config: GovernanceConfig;
    governance?: PublicKey;
  },
): Promise<TransactionInstruction> {
  return program.methods
    .initialize(p.authority, p.config)
    .accountsStrict({
      payer: p.payer,
      deployer: p.deployer,
      governance: p.governance ?? governanceAddress(),
      systemProgram: SystemProgram.programId,
    })
    .instruction();
}

/** set_config, signed by the governance authority. */
export function setConfigInstruction(
  program: Program<Governance>,
  p: { authority: PublicKey; config: GovernanceConfig; governance?: PublicKey },
): Promise<TransactionInstruction> {
  return program.methods
    .setConfig(p.config)
    .accountsStrict({ authority: p.authority, governance: p.governance ?? governanceAddress() })
    .instruction();
}

/** transfer_authority: the authority proposes `newAuthority` (the default key cancels), who must accept. */
export function transferAuthorityInstruction(
  program: Program<Governance>,
  p: { authority: PublicKey; newAuthority: PublicKey; governance?: PublicKey },
): Promise<TransactionInstruction> {
  return program.methods
    .transferAuthority(p.newAuthority)
    .accountsStrict({ authority: p.authority, governance: p.governance ?? governanceAddress() })
    .instruction();
}

/** accept_authority, signed by the proposed authority. */
export function acceptAuthorityInstruction(
  program: Program<Governance>,
  p: { newAuthority: PublicKey; governance?: PublicKey },
): Promise<TransactionInstruction> {
  return program.methods
    .acceptAuthority()
    .accountsStrict({
      newAuthority: p.newAuthority,
      governance: p.governance ?? governanceAddress(),
    })
    .instruction();
}

/**
 * issue_erc: the meter's owner certifies `volumeWh` of the meter's not yet certified generation
 * (Registry claim_erc_generation by CPI); `payer` pays the certificate's rent.
 */
export function issueErcInstruction(
  program: Program<Governance>,
  p: {
    payer: PublicKey;
    owner: PublicKey;
    meter: PublicKey;
    certificateId: bigint;
    volumeWh: bigint;
    certificate?: PublicKey;
    governance?: PublicKey;
    registryProgram?: PublicKey;
  },
): Promise<TransactionInstruction> {
  return program.methods
    .issueErc(bn(p.certificateId), bn(p.volumeWh))
    .accountsStrict({
      payer: p.payer,
      owner: p.owner,
      meter: p.meter,
      governance: p.governance ?? governanceAddress(),
      certificate: p.certificate ?? certificateAddress(p.meter, p.certificateId),
      registryProgram: p.registryProgram ?? REGISTRY_PROGRAM,
      systemProgram: SystemProgram.programId,
    })
    .instruction();
}

/** validate_erc, signed by the governance authority (the ERC issuer). */
export function validateErcInstruction(
  program: Program<Governance>,
  p: { authority: PublicKey; certificate: PublicKey; governance?: PublicKey },
): Promise<TransactionInstruction> {
  return program.methods
    .validateErc()
    .accountsStrict({
      authority: p.authority,
      governance: p.governance ?? governanceAddress(),
      certificate: p.certificate,
    })
    .instruction();
}

/** revoke_erc(reason), signed by the governance authority. */
export function revokeErcInstruction(
  program: Program<Governance>,
  p: { authority: PublicKey; certificate: PublicKey; reason: number; governance?: PublicKey },
): Promise<TransactionInstruction> {
  return program.methods
    .revokeErc(p.reason)
    .accountsStrict({
      authority: p.authority,
      governance: p.governance ?? governanceAddress(),
      certificate: p.certificate,
    })
    .instruction();
}

/**
 * transfer_erc: the owner moves `volumeWh` of free volume to `recipient`, as the certificate's
 * child number `childIndex` (its `children` count now: read it from the account).
 */
export function transferErcInstruction(
  program: Program<Governance>,
  p: {
    payer: PublicKey;
    owner: PublicKey;
    certificate: PublicKey;
    recipient: PublicKey;
    childIndex: number;
    volumeWh: bigint;
    child?: PublicKey;
  },
): Promise<TransactionInstruction> {
  return program.methods
    .transferErc(bn(p.volumeWh))
    .accountsStrict({
      payer: p.payer,
      owner: p.owner,
      certificate: p.certificate,
      recipient: p.recipient,
      child: p.child ?? splitCertificateAddress(p.certificate, p.childIndex),
      systemProgram: SystemProgram.programId,
    })
    .instruction();
}

/**
 * retire_erc: the owner retires `volumeWh` for `beneficiary` (<= 64 bytes UTF-8) and `purpose`
 * (<= 128 bytes), recorded as retirement number `index` (the certificate's `retirements` now).
 */
export function retireErcInstruction(
  program: Program<Governance>,
  p: {
    payer: PublicKey;
    owner: PublicKey;
    certificate: PublicKey;
    index: number;
    volumeWh: bigint;
    beneficiary: string;
    purpose: string;
    retirement?: PublicKey;
  },
): Promise<TransactionInstruction> {
  return program.methods
    .retireErc(bn(p.volumeWh), p.beneficiary, p.purpose)
    .accountsStrict({
      payer: p.payer,
      owner: p.owner,
      certificate: p.certificate,
      retirement: p.retirement ?? retirementAddress(p.certificate, p.index),
      systemProgram: SystemProgram.programId,
    })
    .instruction();
}

/** lock_for_order: only Trading's market PDA can sign it (Trading's CPI); built here for Trading's client and tests. */
export function lockForOrderInstruction(
  program: Program<Governance>,
  p: {
    market: PublicKey;
    certificate: PublicKey;
    order: PublicKey;
    owner: PublicKey;
    volumeWh: bigint;
  },
): Promise<TransactionInstruction> {
  return program.methods
    .lockForOrder(bn(p.volumeWh))
    .accountsStrict({
      market: p.market,
      certificate: p.certificate,
      order: p.order,
      owner: p.owner,
    })
    .instruction();
}

/** unlock: only Trading's market PDA can sign it. */
export function unlockInstruction(
  program: Program<Governance>,
  p: { market: PublicKey; certificate: PublicKey; order: PublicKey },
): Promise<TransactionInstruction> {
  return program.methods
    .unlock()
    .accountsStrict({ market: p.market, certificate: p.certificate, order: p.order })
    .instruction();
}

/** deliver_green: only Trading's market PDA can sign it. */
export function deliverGreenInstruction(
  program: Program<Governance>,
  p: {
    market: PublicKey;
    source: PublicKey;
    sellOrder: PublicKey;
    buyOrder: PublicKey;
    payer: PublicKey;
    volumeWh: bigint;
    buyerCertificate?: PublicKey;
  },
): Promise<TransactionInstruction> {
  return program.methods
    .deliverGreen(bn(p.volumeWh))
    .accountsStrict({
      market: p.market,
      source: p.source,
      sellOrder: p.sellOrder,
      buyOrder: p.buyOrder,
      buyerCertificate: p.buyerCertificate ?? fillCertificateAddress(p.source, p.buyOrder),
      payer: p.payer,
      systemProgram: SystemProgram.programId,
    })
    .instruction();
}
