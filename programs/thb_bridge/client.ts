/**
 * Client for the THB bridge program: its PDAs, the attestation message and digest the attestors
 * sign, the instruction builders (deposit / complete / refund with their Ed25519 attestation instruction,
 * the holder's request_withdrawal, the admin instructions, initialize for the deploy authority).
 * Browser-safe: no Node modules (no Buffer: TextEncoder and Uint8Array), `Program` a type import
 * only, like programs/oracle/client.ts. Signing stays with the caller (the attestor service holds
 * its keys; tests sign with their own keys), so this module never sees a secret key.
 */
import type { Program } from "@coral-xyz/anchor";
import BN from "bn.js";
import { TOKEN_PROGRAM_ID, getAssociatedTokenAddressSync } from "@solana/spl-token";
import {
  Ed25519Program,
  PublicKey,
  SYSVAR_INSTRUCTIONS_PUBKEY,
  SystemProgram,
  TransactionInstruction,
} from "@solana/web3.js";
import { idlBytes, idlNumber } from "../../lib/idl-constants";
import { THB_BRIDGE_PROGRAM_ID, thbBridgeIdl, type ThbBridge } from "./idl/thb_bridge";

export const THB_BRIDGE_ID = new PublicKey(THB_BRIDGE_PROGRAM_ID);

const seed = (text: string) => new TextEncoder().encode(text);
const pda = (seeds: Uint8Array[]) => PublicKey.findProgramAddressSync(seeds, THB_BRIDGE_ID)[0];

export const ATTESTATION_DOMAIN = idlBytes(thbBridgeIdl, "ATTESTATION_DOMAIN");
export const ATTESTATION_MESSAGE_LEN = idlNumber(thbBridgeIdl, "ATTESTATION_MESSAGE_LEN");
export const MAX_ATTESTORS = idlNumber(thbBridgeIdl, "MAX_ATTESTORS");
export const THBC_DECIMALS = idlNumber(thbBridgeIdl, "THBC_DECIMALS");

/** Bridge PDA ["bridge"]: settings and totals; the THBC mint authority. */
export const bridgeAddress = () => pda([seed("bridge")]);
/** THBC mint PDA ["thbc_mint"] (6 decimals, no freeze authority). */
export const thbcMintAddress = () => pda([seed("thbc_mint")]);
/** A wallet's THBC associated token account. */
export const thbcAccountAddress = (owner: PublicKey) =>
  getAssociatedTokenAddressSync(thbcMintAddress(), owner, true);

function bytes32(b: Uint8Array, what: string): Uint8Array {
  if (b.length !== 32) throw new Error(`${what} must be 32 bytes, got ${b.length}`);
  return b;
}

/** Deposit PDA ["deposit", deposit id (32 bytes)]: exists once the deposit was minted. */
export const depositAddress = (depositId: Uint8Array) => pda([seed("deposit"), bytes32(depositId, "deposit id")]);

const u64le = (v: bigint) => {
  const out = new Uint8Array(8);
  new DataView(out.buffer).setBigUint64(0, v, true);
  return out;
};

/** Withdrawal PDA ["withdrawal", id u64 LE]; the next id is the Bridge's withdrawal_count. */
export const withdrawalAddress = (id: bigint) => pda([seed("withdrawal"), u64le(id)]);

/** What an attestation is about: kind, subject, account, amount and reference. */
export type AttestationKind = "deposit" | "release" | "reject" | "acceptAttestors";
const KIND: Record<AttestationKind, number> = { deposit: 0, release: 1, reject: 2, acceptAttestors: 3 };

export interface Attestation {
  kind: AttestationKind;
  /** The deposit id, the Withdrawal account's address, or (acceptAttestors) the set's digest (32 bytes). */
  subject: Uint8Array;
  /** The deposit's recipient, the withdrawal's holder, or (acceptAttestors) the admin. */
  account: PublicKey;
  /** THBC base units. */
  amount: bigint;
  /** The THB deposit or payout transaction (32 bytes); zero for a rejection. */
  ref?: Uint8Array;
}

/**
 * The attestation message (ATTESTATION_MESSAGE_LEN = 225 bytes; the attestors sign its
 * attestationDigest): the domain
 * "GRIDTOKENX:THB_BRIDGE:V1", the kind (0 deposit, 1 release, 2 rejection), the program id, the
 * Bridge PDA, the cluster tag, subject, account, amount u64 LE and the reference — the same bytes
 * programs/thb_bridge/src/attest.c builds on chain.
 */
export function encodeAttestation(a: Attestation, clusterTag: Uint8Array, programId = THB_BRIDGE_ID): Uint8Array {
  const out = new Uint8Array(ATTESTATION_MESSAGE_LEN);
  let at = 0;
  const put = (b: Uint8Array) => {
    out.set(b, at);
    at += b.length;
  };
  if (a.amount < 0n || a.amount >= 1n << 64n) throw new Error("amount must be a u64");
  put(ATTESTATION_DOMAIN);
  put(Uint8Array.of(KIND[a.kind]));
  put(programId.toBytes());
  put(PublicKey.findProgramAddressSync([seed("bridge")], programId)[0].toBytes());
  put(bytes32(clusterTag, "cluster tag"));
  put(bytes32(a.subject, "subject"));
  put(a.account.toBytes());
  put(u64le(a.amount));
  put(a.ref ? bytes32(a.ref, "reference") : new Uint8Array(32));
  if (at !== ATTESTATION_MESSAGE_LEN) throw new Error("attestation encoding length");
  return out;
}

/**
 * What the attestors sign: sha256 of the encoded attestation (32 bytes). Web Crypto, which the
 * browser and Node both have, so this module stays free of Node modules.
 */
export async function attestationDigest(message: Uint8Array): Promise<Uint8Array> {
  return new Uint8Array(await globalThis.crypto.subtle.digest("SHA-256", new Uint8Array(message)));
}

/** One attestor's Ed25519 signature over an attestation digest. */
export interface AttestorSignature {
  publicKey: Uint8Array;
  signature: Uint8Array;
}

const ED25519_SELF = 0xffff;

/**
 * The one Ed25519-program instruction the bridge reads: every signature entry self-contained
 * (index 0xffff), all sharing one copy of the 32-byte digest. Layout: u8 count, u8 padding,
 * count × 14-byte offsets, the digest, then per signature its key (32) and signature (64).
 */
export function attestationInstruction(digest: Uint8Array, signatures: readonly AttestorSignature[]): TransactionInstruction {
  bytes32(digest, "digest");
  const header = 2 + 14 * signatures.length;
  const data = new Uint8Array(header + 32 + 96 * signatures.length);
  const view = new DataView(data.buffer);
  data[0] = signatures.length;
  data.set(digest, header);
  signatures.forEach((s, i) => {
    const key = header + 32 + 96 * i;
    data.set(bytes32(s.publicKey, "attestor key"), key);
    if (s.signature.length !== 64) throw new Error("an Ed25519 signature is 64 bytes");
    data.set(s.signature, key + 32);
    const t = 2 + 14 * i;
    for (const [at, v] of [
      [0, key + 32],
      [2, ED25519_SELF],
      [4, key],
      [6, ED25519_SELF],
      [8, header],
      [10, 32],
      [12, ED25519_SELF],
    ] as const)
      view.setUint16(t + at, v, true);
  });
  return new TransactionInstruction({ programId: Ed25519Program.programId, keys: [], data: data as unknown as TransactionInstruction["data"] });
}

const bn = (v: bigint) => new BN(v.toString());
const arr = (b: Uint8Array) => Array.from(b);

/** Bridge limits in THBC base units and seconds. */
export interface BridgeLimits {
  maxPerDeposit: bigint;
  maxPerDay: bigint;
  withdrawalTimeoutSecs: bigint;
}
export const bridgeLimitsArg = (l: BridgeLimits) => ({
  maxPerDeposit: bn(l.maxPerDeposit),
  maxPerDay: bn(l.maxPerDay),
  withdrawalTimeoutSecs: bn(l.withdrawalTimeoutSecs),
});

/** The attestor keys padded with the default key to MAX_ATTESTORS (the IDL's fixed array). */
export function attestorArray(attestors: readonly PublicKey[]): PublicKey[] {
  if (attestors.length > MAX_ATTESTORS) throw new Error(`at most ${MAX_ATTESTORS} attestors`);
  return [...attestors, ...Array.from({ length: MAX_ATTESTORS - attestors.length }, () => PublicKey.default)];
}

/** initialize: `deployer` (the build-time DEPLOY_AUTHORITY) signs, `payer` pays. */
export function bridgeInitializeInstruction(
  program: Program<ThbBridge>,
  p: {
    payer: PublicKey;
    deployer: PublicKey;
    admin: PublicKey;
    clusterTag: Uint8Array;
    attestors: readonly PublicKey[];
    threshold: number;
    limits: BridgeLimits;
    /** Raw attestor_count override (tests); default attestors.length. */
    attestorCount?: number;
    bridge?: PublicKey;
    thbcMint?: PublicKey;
  },
): Promise<TransactionInstruction> {
  return program.methods
    .initialize(
      p.admin,
      arr(bytes32(p.clusterTag, "cluster tag")),
      attestorArray(p.attestors),
      p.attestorCount ?? p.attestors.length,
      p.threshold,
      bridgeLimitsArg(p.limits),
    )
    .accountsStrict({
      payer: p.payer,
      deployer: p.deployer,
      bridge: p.bridge ?? bridgeAddress(),
      thbcMint: p.thbcMint ?? thbcMintAddress(),
      tokenProgram: TOKEN_PROGRAM_ID,
      systemProgram: SystemProgram.programId,
    })
    .instruction();
}

export interface DepositParams {
  depositId: Uint8Array;
  recipient: PublicKey;
  amount: bigint;
  thbTxRef: Uint8Array;
}

/** The attestation a deposit needs (sign encodeAttestation(depositAttestation(d), clusterTag)). */
export const depositAttestation = (d: DepositParams): Attestation => ({
  kind: "deposit",
  subject: d.depositId,
  account: d.recipient,
  amount: d.amount,
  ref: d.thbTxRef,
});

/** deposit alone (put the attestation instruction right before it; see depositInstructions). */
export function depositInstruction(
  program: Program<ThbBridge>,
  d: DepositParams & {
    payer: PublicKey;
    recipientToken?: PublicKey;
    deposit?: PublicKey;
    thbcMint?: PublicKey;
    bridge?: PublicKey;
  },
): Promise<TransactionInstruction> {
  return program.methods
    .deposit(arr(bytes32(d.depositId, "deposit id")), d.recipient, bn(d.amount), arr(bytes32(d.thbTxRef, "THB reference")))
    .accountsStrict({
      payer: d.payer,
      bridge: d.bridge ?? bridgeAddress(),
      deposit: d.deposit ?? depositAddress(d.depositId),
      thbcMint: d.thbcMint ?? thbcMintAddress(),
      recipientToken: d.recipientToken ?? thbcAccountAddress(d.recipient),
      tokenProgram: TOKEN_PROGRAM_ID,
      systemProgram: SystemProgram.programId,
      instructions: SYSVAR_INSTRUCTIONS_PUBKEY,
    })
    .instruction();
}

/** The attestors' Ed25519 instruction, then deposit: one transaction's instructions. The
 * signatures are over attestationDigest(encodeAttestation(depositAttestation(d), clusterTag)). */
export async function depositInstructions(
  program: Program<ThbBridge>,
  d: DepositParams & { payer: PublicKey; clusterTag: Uint8Array; signatures: readonly AttestorSignature[] },
): Promise<TransactionInstruction[]> {
  const digest = await attestationDigest(encodeAttestation(depositAttestation(d), d.clusterTag));
  return [attestationInstruction(digest, d.signatures), await depositInstruction(program, d)];
}

/** request_withdrawal, signed by the holder; `withdrawalId` is the Bridge's withdrawal_count. */
export function requestWithdrawalInstruction(
  program: Program<ThbBridge>,
  p: {
    holder: PublicKey;
    withdrawalId: bigint;
    amount: bigint;
    thbDestination: Uint8Array;
    holderToken?: PublicKey;
    withdrawal?: PublicKey;
    thbcMint?: PublicKey;
  },
): Promise<TransactionInstruction> {
  return program.methods
    .requestWithdrawal(bn(p.amount), arr(bytes32(p.thbDestination, "THB destination")))
    .accountsStrict({
      holder: p.holder,
      bridge: bridgeAddress(),
      withdrawal: p.withdrawal ?? withdrawalAddress(p.withdrawalId),
      thbcMint: p.thbcMint ?? thbcMintAddress(),
      holderToken: p.holderToken ?? thbcAccountAddress(p.holder),
      tokenProgram: TOKEN_PROGRAM_ID,
      systemProgram: SystemProgram.programId,
    })
    .instruction();
}

/** The release attestation for a withdrawal (its address, holder, amount, THB payout tx). */
export const releaseAttestation = (withdrawal: PublicKey, holder: PublicKey, amount: bigint, thbTxRef: Uint8Array): Attestation => ({
  kind: "release",
  subject: withdrawal.toBytes(),
  account: holder,
  amount,
  ref: thbTxRef,
});

/** The rejection attestation for a withdrawal (refund_withdrawal's attested path). */
export const rejectAttestation = (withdrawal: PublicKey, holder: PublicKey, amount: bigint): Attestation => ({
  kind: "reject",
  subject: withdrawal.toBytes(),
  account: holder,
  amount,
});

/** complete_withdrawal alone (right after the attestation instruction). */
export function completeWithdrawalInstruction(
  program: Program<ThbBridge>,
  p: { withdrawal: PublicKey; thbTxRef: Uint8Array },
): Promise<TransactionInstruction> {
  return program.methods
    .completeWithdrawal(arr(bytes32(p.thbTxRef, "THB reference")))
    .accountsStrict({ bridge: bridgeAddress(), withdrawal: p.withdrawal, instructions: SYSVAR_INSTRUCTIONS_PUBKEY })
    .instruction();
}

/** refund_withdrawal alone: right after a rejection attestation instruction, or with none (timeout path). */
export function refundWithdrawalInstruction(
  program: Program<ThbBridge>,
  p: { withdrawal: PublicKey; holder: PublicKey; holderToken?: PublicKey; thbcMint?: PublicKey },
): Promise<TransactionInstruction> {
  return program.methods
    .refundWithdrawal()
    .accountsStrict({
      bridge: bridgeAddress(),
      withdrawal: p.withdrawal,
      thbcMint: p.thbcMint ?? thbcMintAddress(),
      holderToken: p.holderToken ?? thbcAccountAddress(p.holder),
      tokenProgram: TOKEN_PROGRAM_ID,
      instructions: SYSVAR_INSTRUCTIONS_PUBKEY,
    })
    .instruction();
}

const adminAccounts = (admin: PublicKey) => ({ admin, bridge: bridgeAddress() });

export const pauseInstruction = (program: Program<ThbBridge>, admin: PublicKey) =>
  program.methods.pause().accountsStrict(adminAccounts(admin)).instruction();
export const unpauseInstruction = (program: Program<ThbBridge>, admin: PublicKey) =>
  program.methods.unpause().accountsStrict(adminAccounts(admin)).instruction();
export const setLimitsInstruction = (program: Program<ThbBridge>, admin: PublicKey, limits: BridgeLimits) =>
  program.methods.setLimits(bridgeLimitsArg(limits)).accountsStrict(adminAccounts(admin)).instruction();
/** propose_attestors (admin): the first step of a rotation; every proposed key must accept. */
export const proposeAttestorsInstruction = (
  program: Program<ThbBridge>,
  admin: PublicKey,
  attestors: readonly PublicKey[],
  threshold: number,
  attestorCount = attestors.length,
) =>
  program.methods
    .proposeAttestors(attestorArray(attestors), attestorCount, threshold)
    .accountsStrict(adminAccounts(admin))
    .instruction();

/**
 * The acceptance every proposed attestor signs (kind 3): subject sha256(the 5 pending slots, the
 * unused ones zero || count || threshold), account the admin.
 */
export async function acceptAttestorsAttestation(
  attestors: readonly PublicKey[],
  threshold: number,
  admin: PublicKey,
): Promise<Attestation> {
  const set = new Uint8Array(32 * MAX_ATTESTORS + 2);
  attestorArray(attestors).forEach((k, i) => set.set(k.toBytes(), 32 * i));
  set[32 * MAX_ATTESTORS] = attestors.length;
  set[32 * MAX_ATTESTORS + 1] = threshold;
  return { kind: "acceptAttestors", subject: await attestationDigest(set), account: admin, amount: 0n };
}

/** accept_attestors alone (right after the pending attestors' attestation instruction). */
export const acceptAttestorsInstruction = (program: Program<ThbBridge>) =>
  program.methods
    .acceptAttestors()
    .accountsStrict({ bridge: bridgeAddress(), instructions: SYSVAR_INSTRUCTIONS_PUBKEY })
    .instruction();
export const transferAdminInstruction = (program: Program<ThbBridge>, admin: PublicKey, newAdmin: PublicKey) =>
  program.methods.transferAdmin(newAdmin).accountsStrict(adminAccounts(admin)).instruction();
export const acceptAdminInstruction = (program: Program<ThbBridge>, newAdmin: PublicKey) =>
  program.methods.acceptAdmin().accountsStrict({ newAdmin, bridge: bridgeAddress() }).instruction();
