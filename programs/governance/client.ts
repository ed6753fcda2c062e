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
import { registryAddress, userAddress } from "../registry/client";
import { REGISTRY_PROGRAM_ID } from "../registry/idl/registry";
import { TRADING_PROGRAM_ID } from "../trading/idl/trading";
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

// ---------------------------------------------------------------------------------------------
// Voting: create_proposal, cast_vote, finalize_proposal, accept_market_authority.
// ---------------------------------------------------------------------------------------------

/** What a proposal changes: Trading's fee, price band or minimum order, or nothing (a signal). */
export type ProposalKind = "feeBps" | "priceBandBps" | "minOrderWh" | "signal";
export type ProposalStatus = "voting" | "executed" | "passed" | "rejected" | "noQuorum";
export type VoteChoice = "for" | "against" | "abstain";

/** Most meters one cast_vote may pass (the IDL constant MAX_VOTE_METERS). */
export const MAX_VOTE_METERS = 8;

/** Trading (the program a passed proposal executes through) and its Market PDA ["market"]; not
 * imported from programs/trading/client.ts, which imports this file. */
export const TRADING_PROGRAM = new PublicKey(TRADING_PROGRAM_ID);
export const tradingMarketAddress = () =>
  PublicKey.findProgramAddressSync([enc.encode("market")], TRADING_PROGRAM)[0];

/** The borsh enum arguments as Anchor's coder takes them. */
export const proposalKindArg = (k: ProposalKind) =>
  k === "feeBps"
    ? { feeBps: {} }
    : k === "priceBandBps"
      ? { priceBandBps: {} }
      : k === "minOrderWh"
        ? { minOrderWh: {} }
        : { signal: {} };
export const voteChoiceArg = (c: VoteChoice) =>
  c === "for" ? { for: {} } : c === "against" ? { against: {} } : { abstain: {} };

/**
 * create_proposal: a registered, Active prosumer opens proposal `id`, which must be the
 * Governance PDA's proposal_count (read it first); `payer` pays the proposal's rent. `value` must
 * be one Trading accepts (fee <= 500 bps, band 1..=9,000 bps, minimum order >= 1 Wh, a signal 0),
 * and `votingEndsAt - now` must lie within the config's min..max voting seconds.
 */
export function createProposalInstruction(
  program: Program<Governance>,
  p: {
    payer: PublicKey;
    proposer: PublicKey;
    id: bigint;
    kind: ProposalKind;
    value: bigint;
    descriptionHash: Uint8Array;
    votingEndsAt: bigint;
    user?: PublicKey;
    proposal?: PublicKey;
    registry?: PublicKey;
    market?: PublicKey;
    governance?: PublicKey;
  },
): Promise<TransactionInstruction> {
  return program.methods
    .createProposal(
      proposalKindArg(p.kind),
      bn(p.value),
      [...p.descriptionHash],
      bn(p.votingEndsAt),
    )
    .accountsStrict({
      payer: p.payer,
      proposer: p.proposer,
      user: p.user ?? userAddress(p.proposer),
      governance: p.governance ?? governanceAddress(),
      proposal: p.proposal ?? proposalAddress(p.id),
      registry: p.registry ?? registryAddress(),
      market: p.market ?? tradingMarketAddress(),
      systemProgram: SystemProgram.programId,
    })
    .instruction();
}

/**
 * cast_vote: the voter's one vote on `proposal`, weighted by the total production of `meters`
 * (1..=MAX_VOTE_METERS distinct Active Registry meters the voter owns, passed as remaining
 * accounts); `payer` pays the Vote account's rent.
 */
export function castVoteInstruction(
  program: Program<Governance>,
  p: {
    payer: PublicKey;
    voter: PublicKey;
    proposal: PublicKey;
    choice: VoteChoice;
    meters: readonly PublicKey[];
    vote?: PublicKey;
  },
): Promise<TransactionInstruction> {
  return program.methods
    .castVote(voteChoiceArg(p.choice))
    .accountsStrict({
      payer: p.payer,
      voter: p.voter,
      proposal: p.proposal,
      vote: p.vote ?? voteAddress(p.proposal, p.voter),
      systemProgram: SystemProgram.programId,
    })
    .remainingAccounts(p.meters.map((pubkey) => ({ pubkey, isSigner: false, isWritable: false })))
    .instruction();
}

/**
 * finalize_proposal (anyone, once voting has ended): `feeDestination` must be the market's
 * current fee destination (a passed parameter proposal executes through Trading's
 * set_market_params, which needs it).
 */
export function finalizeProposalInstruction(
  program: Program<Governance>,
  p: {
    proposal: PublicKey;
    feeDestination: PublicKey;
    market?: PublicKey;
    governance?: PublicKey;
    tradingProgram?: PublicKey;
  },
): Promise<TransactionInstruction> {
  return program.methods
    .finalizeProposal()
    .accountsStrict({
      proposal: p.proposal,
      governance: p.governance ?? governanceAddress(),
      market: p.market ?? tradingMarketAddress(),
      feeDestination: p.feeDestination,
      tradingProgram: p.tradingProgram ?? TRADING_PROGRAM,
    })
    .instruction();
}

/**
 * accept_market_authority (anyone): the Governance PDA takes over the market's params authority
 * after the current one proposed it (Trading's transfer_params_authority to governanceAddress()).
 */
export function acceptMarketAuthorityInstruction(
  program: Program<Governance>,
  p: { market?: PublicKey; governance?: PublicKey; tradingProgram?: PublicKey } = {},
): Promise<TransactionInstruction> {
  return program.methods
    .acceptMarketAuthority()
    .accountsStrict({
      governance: p.governance ?? governanceAddress(),
      market: p.market ?? tradingMarketAddress(),
      tradingProgram: p.tradingProgram ?? TRADING_PROGRAM,
    })
    .instruction();
}
