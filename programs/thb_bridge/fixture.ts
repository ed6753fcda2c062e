/**
 * Test fixture for the THB bridge: a TestChain with the real thb_bridge.so, an admin, attestor
 * keys (Ed25519, signing with @noble/curves), helpers that build every instruction through
 * programs/thb_bridge/client.ts, and a decoder for the Bridge, Deposit and Withdrawal accounts.
 * Shared by the thb_bridge test files; not used outside tests.
 */
import type { Program } from "@coral-xyz/anchor";
import { ed25519 } from "@noble/curves/ed25519";
import { Keypair, PublicKey, type TransactionInstruction } from "@solana/web3.js";
import { loadDeployAuthority } from "~/lib/solana/deploy-authority";
import { createAta, expectOk, TestChain, toBigInt, type TxResult } from "~/programs/harness";
import {
  acceptAdminInstruction,
  attestationDigest,
  attestationInstruction,
  bridgeAddress,
  bridgeInitializeInstruction,
  completeWithdrawalInstruction,
  depositAddress,
  depositAttestation,
  depositInstruction,
  encodeAttestation,
  pauseInstruction,
  refundWithdrawalInstruction,
  rejectAttestation,
  releaseAttestation,
  requestWithdrawalInstruction,
  proposeAttestorsInstruction,
  acceptAttestorsAttestation,
  acceptAttestorsInstruction,
  setLimitsInstruction,
  thbcMintAddress,
  transferAdminInstruction,
  unpauseInstruction,
  withdrawalAddress,
  THB_BRIDGE_ID,
  type Attestation,
  type AttestorSignature,
  type BridgeLimits,
  type DepositParams,
} from "./client";
import { thbBridgeIdl, type ThbBridge } from "./idl/thb_bridge";

/** 2026-01-01T00:00:00Z. */
export const START_TS = 1_767_225_600n;
export const U64_MAX = (1n << 64n) - 1n;
export const THB = 1_000_000n; // 1 THB in THBC base units (6 decimals)

export const LIMITS: BridgeLimits = {
  maxPerDeposit: 50_000n * THB,
  maxPerDay: 200_000n * THB,
  withdrawalTimeoutSecs: 86_400n,
};

/** The localnet cluster tag of these tests (a real deployment uses e.g. the genesis hash). */
export const CLUSTER_TAG = new Uint8Array(32).fill(0x4c);

/** Random 32 bytes (deposit ids, THB references and destinations). */
export const rand32 = () => Keypair.generate().publicKey.toBytes();

/** The canonical bump of a deposit id's Deposit PDA (the bump search `deposit` pays for). */
export const depositBump = (depositId: Uint8Array) =>
  PublicKey.findProgramAddressSync([new TextEncoder().encode("deposit"), depositId], THB_BRIDGE_ID)[1];

/**
 * Deterministic deposit ids for tests that pin compute units: the Deposit PDA's bump search
 * (~365 CU per bump below 255) depends on the id, so a random id makes CU vary from run to run.
 * `seededDepositId(n)` is the same 32 bytes on every run; with `bump`, the first seeded id from
 * `n` on whose PDA has that bump.
 */
export function seededDepositId(n: number, bump?: number): Uint8Array {
  for (let i = n; ; i++) {
    const id = new Uint8Array(32).fill(0xd5);
    new DataView(id.buffer).setUint32(0, 0x5eed0000 + i);
    if (bump === undefined || depositBump(id) === bump) return id;
  }
}

export const signWith = (message: Uint8Array, keys: readonly Keypair[]): AttestorSignature[] =>
  keys.map((k) => ({
    publicKey: k.publicKey.toBytes(),
    signature: ed25519.sign(message, k.secretKey.slice(0, 32)),
  }));

export interface BridgeState {
  admin: PublicKey;
  pendingAdmin: PublicKey;
  thbcMint: PublicKey;
  clusterTag: Uint8Array;
  attestors: PublicKey[];
  attestorCount: number;
  threshold: number;
  pendingAttestors: PublicKey[];
  pendingAttestorCount: number;
  pendingThreshold: number;
  limits: BridgeLimits;
  dayIndex: bigint;
  dayMinted: bigint;
  totalDeposited: bigint;
  totalWithdrawn: bigint;
  totalRefunded: bigint;
  totalCompleted: bigint;
  depositCount: bigint;
  withdrawalCount: bigint;
  paused: boolean;
  bump: number;
  mintBump: number;
}

export interface WithdrawalState {
  withdrawalId: bigint;
  holder: PublicKey;
  amount: bigint;
  thbDestination: Uint8Array;
  releaseRef: Uint8Array;
  requestedAt: bigint;
  resolvedAt: bigint;
  status: "pending" | "completed" | "refunded";
  bump: number;
}

type Raw = Record<string, unknown>;
const big = (v: unknown) => toBigInt(v);

export class BridgeFixture {
  readonly program: Program<ThbBridge>;
  readonly admin: Keypair;
  readonly deployer: Keypair;
  readonly attestors: Keypair[];
  readonly bridge = bridgeAddress();
  readonly mint = thbcMintAddress();
  threshold: number;

  constructor(
    opts: { attestors?: number; threshold?: number; chain?: TestChain } = {},
    readonly chain: TestChain = opts.chain ?? TestChain.create({ programs: ["thb_bridge"] }),
  ) {
    this.program = chain.program(thbBridgeIdl);
    this.admin = chain.newKeypair();
    this.deployer = loadDeployAuthority();
    this.attestors = Array.from({ length: opts.attestors ?? 1 }, () => Keypair.generate());
    this.threshold = opts.threshold ?? 1;
    chain.setUnixTimestamp(START_TS);
  }

  // ---------- initialize ----------

  initIx(
    p: Partial<Parameters<typeof bridgeInitializeInstruction>[1]> = {},
  ): Promise<TransactionInstruction> {
    return bridgeInitializeInstruction(this.program, {
      payer: this.chain.payer.publicKey,
      deployer: this.deployer.publicKey,
      admin: this.admin.publicKey,
      clusterTag: CLUSTER_TAG,
      attestors: this.attestors.map((k) => k.publicKey),
      threshold: this.threshold,
      limits: LIMITS,
      ...p,
    });
  }

  async initialize(limits: BridgeLimits = LIMITS): Promise<TxResult> {
    return expectOk(this.chain.send(await this.initIx({ limits }), [this.deployer]));
  }

  // ---------- accounts ----------

  /** A funded wallet with its THBC associated token account. */
  holder(): { wallet: Keypair; token: PublicKey } {
    const wallet = this.chain.newKeypair();
    return { wallet, token: createAta(this.chain, wallet.publicKey, this.mint) };
  }

  state(): BridgeState {
    const a = this.chain.getAccount(this.bridge);
    if (!a) throw new Error("bridge missing");
    const r = this.program.coder.accounts.decode<Raw>("bridge", a.data);
    const limits = r.limits as Raw;
    return {
      admin: r.admin as PublicKey,
      pendingAdmin: r.pendingAdmin as PublicKey,
      thbcMint: r.thbcMint as PublicKey,
      clusterTag: Uint8Array.from(r.clusterTag as number[]),
      attestors: r.attestors as PublicKey[],
      attestorCount: r.attestorCount as number,
      threshold: r.threshold as number,
      pendingAttestors: r.pendingAttestors as PublicKey[],
      pendingAttestorCount: r.pendingAttestorCount as number,
      pendingThreshold: r.pendingThreshold as number,
      limits: {
        maxPerDeposit: big(limits.maxPerDeposit),
        maxPerDay: big(limits.maxPerDay),
        withdrawalTimeoutSecs: big(limits.withdrawalTimeoutSecs),
      },
      dayIndex: big(r.dayIndex),
      dayMinted: big(r.dayMinted),
      totalDeposited: big(r.totalDeposited),
      totalWithdrawn: big(r.totalWithdrawn),
      totalRefunded: big(r.totalRefunded),
      totalCompleted: big(r.totalCompleted),
      depositCount: big(r.depositCount),
      withdrawalCount: big(r.withdrawalCount),
      paused: r.paused as boolean,
      bump: r.bump as number,
      mintBump: r.mintBump as number,
    };
  }

  withdrawalState(w: PublicKey): WithdrawalState {
    const a = this.chain.getAccount(w);
    if (!a) throw new Error("withdrawal missing");
    const r = this.program.coder.accounts.decode<Raw>("withdrawal", a.data);
    return {
      withdrawalId: big(r.withdrawalId),
      holder: r.holder as PublicKey,
      amount: big(r.amount),
      thbDestination: Uint8Array.from(r.thbDestination as number[]),
      releaseRef: Uint8Array.from(r.releaseRef as number[]),
      requestedAt: big(r.requestedAt),
      resolvedAt: big(r.resolvedAt),
      status: Object.keys(r.status as object)[0] as WithdrawalState["status"],
      bump: r.bump as number,
    };
  }

  depositState(depositId: Uint8Array) {
    const a = this.chain.getAccount(depositAddress(depositId));
    if (!a) return null;
    const r = this.program.coder.accounts.decode<Raw>("deposit", a.data);
    return {
      recipient: r.recipient as PublicKey,
      amount: big(r.amount),
      thbTxRef: Uint8Array.from(r.thbTxRef as number[]),
      depositedAt: big(r.depositedAt),
      bump: r.bump as number,
    };
  }

  // ---------- attestations ----------

  message(a: Attestation, clusterTag = CLUSTER_TAG, programId?: PublicKey): Uint8Array {
    return encodeAttestation(a, clusterTag, programId);
  }

  /** The Ed25519 instruction: `signers` (default: the first `threshold` attestors) over the
   * digest of `message`. */
  async attest(message: Uint8Array, signers: readonly Keypair[] = this.attestors.slice(0, this.threshold)) {
    const digest = await attestationDigest(message);
    return attestationInstruction(digest, signWith(digest, signers));
  }

  // ---------- deposit ----------

  depositParams(recipient: PublicKey, amount: bigint, over: Partial<DepositParams> = {}): DepositParams {
    return { depositId: rand32(), recipient, amount, thbTxRef: rand32(), ...over };
  }

  depositIx(d: DepositParams, over: Partial<Parameters<typeof depositInstruction>[1]> = {}) {
    return depositInstruction(this.program, { ...d, payer: this.chain.payer.publicKey, ...over });
  }

  /** The attested deposit transaction's instructions: attestation (by `signers`) + deposit. */
  async depositIxs(
    d: DepositParams,
    opts: { signers?: readonly Keypair[]; message?: Uint8Array; over?: Partial<Parameters<typeof depositInstruction>[1]> } = {},
  ): Promise<TransactionInstruction[]> {
    const message = opts.message ?? this.message(depositAttestation(d));
    return [await this.attest(message, opts.signers), await this.depositIx(d, opts.over)];
  }

  async deposit(d: DepositParams, signers?: readonly Keypair[]): Promise<TxResult> {
    return this.chain.send(await this.depositIxs(d, { signers }));
  }

  // ---------- withdrawals ----------

  async requestIx(holder: PublicKey, amount: bigint, over: Partial<Parameters<typeof requestWithdrawalInstruction>[1]> = {}) {
    const withdrawalId = this.state().withdrawalCount;
    return requestWithdrawalInstruction(this.program, {
      holder,
      withdrawalId,
      amount,
      thbDestination: new Uint8Array(32).fill(0x21),
      ...over,
    });
  }

  /** request_withdrawal by `holder`; returns the result and the Withdrawal it creates. */
  async request(holder: Keypair, amount: bigint): Promise<{ r: TxResult; withdrawal: PublicKey }> {
    const withdrawal = withdrawalAddress(this.state().withdrawalCount);
    const r = this.chain.send(await this.requestIx(holder.publicKey, amount), [holder]);
    return { r, withdrawal };
  }

  async completeIxs(withdrawal: PublicKey, thbTxRef: Uint8Array = rand32(), signers?: readonly Keypair[], message?: Uint8Array) {
    const w = this.withdrawalState(withdrawal);
    const msg = message ?? this.message(releaseAttestation(withdrawal, w.holder, w.amount, thbTxRef));
    return [await this.attest(msg, signers), await completeWithdrawalInstruction(this.program, { withdrawal, thbTxRef })];
  }

  async complete(withdrawal: PublicKey, thbTxRef: Uint8Array = rand32(), signers?: readonly Keypair[]): Promise<TxResult> {
    return this.chain.send(await this.completeIxs(withdrawal, thbTxRef, signers));
  }

  refundIx(withdrawal: PublicKey, holder: PublicKey, over: { holderToken?: PublicKey } = {}) {
    return refundWithdrawalInstruction(this.program, { withdrawal, holder, ...over });
  }

  /** refund_withdrawal: attested by `signers` (default: the threshold), or `timeout` with no attestation. */
  async refund(withdrawal: PublicKey, opts: { timeout?: boolean; signers?: readonly Keypair[] } = {}): Promise<TxResult> {
    const w = this.withdrawalState(withdrawal);
    const ix = await this.refundIx(withdrawal, w.holder);
    if (opts.timeout) return this.chain.send(ix);
    const msg = this.message(rejectAttestation(withdrawal, w.holder, w.amount));
    return this.chain.send([await this.attest(msg, opts.signers), ix]);
  }

  // ---------- admin ----------

  pauseIx = (admin = this.admin.publicKey) => pauseInstruction(this.program, admin);
  unpauseIx = (admin = this.admin.publicKey) => unpauseInstruction(this.program, admin);
  setLimitsIx = (limits: BridgeLimits, admin = this.admin.publicKey) => setLimitsInstruction(this.program, admin, limits);
  proposeAttestorsIx = (attestors: readonly PublicKey[], threshold: number, admin = this.admin.publicKey, count?: number) =>
    proposeAttestorsInstruction(this.program, admin, attestors, threshold, count);

  /** accept_attestors with the acceptance of `attestors`/`threshold` signed by `signers`. */
  async acceptAttestorsIxs(attestors: readonly PublicKey[], threshold: number, signers: readonly Keypair[]) {
    const a = await acceptAttestorsAttestation(attestors, threshold, this.state().admin);
    return [await this.attest(this.message(a), signers), await acceptAttestorsInstruction(this.program)];
  }
  transferAdminIx = (newAdmin: PublicKey, admin = this.admin.publicKey) => transferAdminInstruction(this.program, admin, newAdmin);
  acceptAdminIx = (newAdmin: PublicKey) => acceptAdminInstruction(this.program, newAdmin);

  /** Every account the program can change (for expectUnchanged), plus `extra`. */
  snapshot(extra: readonly PublicKey[] = []) {
    return this.chain.snapshot([this.bridge, this.mint, ...extra]);
  }
}
