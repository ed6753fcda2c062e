/**
 * Test fixture for the oracle program: a TestChain with the real oracle.so, an authority, the
 * Oracle PDA, instruction builders through Anchor's coder, and decoders for the account, the
 * events and PriceData. Shared by the oracle test files; not used outside tests.
 */
import anchor from "@coral-xyz/anchor";
import type { Program } from "@coral-xyz/anchor";
import { PublicKey, type Keypair, type TransactionInstruction } from "@solana/web3.js";
import { loadDeployAuthority } from "~/lib/solana/deploy-authority";
import { expectOk, TestChain, toBigInt, type TxResult } from "~/programs/harness";
import {
  acceptAuthorityInstruction,
  addFeederInstruction,
  getPriceInstruction,
  oracleInitializeInstruction,
  oracleLimitsArg,
  removeFeederInstruction,
  setLimitsInstruction,
  transferAuthorityInstruction,
  updatePriceInstruction,
} from "./client";
import { oracleIdl, type Oracle } from "./idl/oracle";

const { BN } = anchor;
export type BigNum = InstanceType<typeof BN>;

export const U64_MAX = (1n << 64n) - 1n;

/** 2026-01-01T00:00:00Z: tests start from a realistic clock (LiteSVM starts at 0). */
export const START_TS = 1_767_225_600n;

export interface Limits {
  minPrice: bigint;
  maxPrice: bigint;
  maxStalenessSecs: number;
  minUpdateIntervalSecs: number;
  maxJumpBps: number;
}

/** Thai tariffs are a few THB per kWh; THBC has 6 decimals. 0.1-100 THB/kWh is the sane band. */
export const LIMITS: Limits = {
  minPrice: 100_000n,
  maxPrice: 100_000_000n,
  maxStalenessSecs: 900,
  minUpdateIntervalSecs: 0,
  maxJumpBps: 2_000,
};

/** Typical prices: retail 4.20 THB/kWh, feed-in 2.20 THB/kWh. */
export const RETAIL = 4_200_000n;
export const FEED_IN = 2_200_000n;

export interface OracleState {
  authority: PublicKey;
  pendingAuthority: PublicKey;
  retailPrice: bigint;
  feedInPrice: bigint;
  updatedAt: bigint;
  updatedSlot: bigint;
  updateCount: bigint;
  lastFeeder: PublicKey;
  limits: Limits;
  feederCount: number;
  bump: number;
  feeders: PublicKey[];
  owner: PublicKey;
  size: number;
  lamports: bigint;
}

export interface PriceData {
  retail: bigint;
  feedIn: bigint;
  updatedAt: bigint;
  stale: boolean;
}

interface RawLimits {
  minPrice: BigNum;
  maxPrice: BigNum;
  maxStalenessSecs: number;
  minUpdateIntervalSecs: number;
  maxJumpBps: number;
}

export const limitsArg = oracleLimitsArg;

export const limitsFrom = (l: RawLimits): Limits => ({
  minPrice: toBigInt(l.minPrice),
  maxPrice: toBigInt(l.maxPrice),
  maxStalenessSecs: l.maxStalenessSecs,
  minUpdateIntervalSecs: l.minUpdateIntervalSecs,
  maxJumpBps: l.maxJumpBps,
});

export class OracleFixture {
  readonly program: Program<Oracle>;
  readonly authority: Keypair;
  /** The build-time DEPLOY_AUTHORITY (the committed development key): only it may initialize. */
  readonly deployer: Keypair;
  readonly oracle: PublicKey;
  readonly bump: number;

  constructor(readonly chain: TestChain = TestChain.create({ programs: ["oracle"] })) {
    this.program = chain.program(oracleIdl);
    this.authority = chain.newKeypair();
    this.deployer = loadDeployAuthority();
    [this.oracle, this.bump] = PublicKey.findProgramAddressSync(
      [Buffer.from("oracle")],
      this.program.programId,
    );
    chain.setUnixTimestamp(START_TS);
  }

  get programId(): PublicKey {
    return this.program.programId;
  }

  // ---------- instruction builders (accountsStrict: exactly the accounts we name) ----------

  /**
   * initialize making `authority` the oracle authority: the chain's payer pays and `deployer`
   * (default: the build-time DEPLOY_AUTHORITY, this.deployer) must co-sign.
   */
  initIx(
    limits: Limits = LIMITS,
    authority = this.authority.publicKey,
    oracle = this.oracle,
    opts: { payer?: PublicKey; deployer?: PublicKey } = {},
  ): Promise<TransactionInstruction> {
    return oracleInitializeInstruction(this.program, {
      payer: opts.payer ?? this.chain.payer.publicKey,
      deployer: opts.deployer ?? this.deployer.publicKey,
      authority,
      limits,
      oracle,
    });
  }

  addFeederIx(feeder: PublicKey, authority = this.authority.publicKey, oracle = this.oracle) {
    return addFeederInstruction(this.program, { authority, feeder, oracle });
  }

  removeFeederIx(feeder: PublicKey, authority = this.authority.publicKey, oracle = this.oracle) {
    return removeFeederInstruction(this.program, { authority, feeder, oracle });
  }

  setLimitsIx(limits: Limits, authority = this.authority.publicKey, oracle = this.oracle) {
    return setLimitsInstruction(this.program, { authority, limits, oracle });
  }

  transferAuthorityIx(
    newAuthority: PublicKey,
    authority = this.authority.publicKey,
    oracle = this.oracle,
  ) {
    return transferAuthorityInstruction(this.program, { authority, newAuthority, oracle });
  }

  acceptAuthorityIx(newAuthority: PublicKey, oracle = this.oracle) {
    return acceptAuthorityInstruction(this.program, { newAuthority, oracle });
  }

  updatePriceIx(feeder: PublicKey, retail: bigint, feedIn: bigint, oracle = this.oracle) {
    return updatePriceInstruction(this.program, { feeder, retail, feedIn, oracle });
  }

  getPriceIx(oracle = this.oracle) {
    return getPriceInstruction(this.program, { oracle });
  }

  getFreshPriceIx(oracle = this.oracle) {
    return getPriceInstruction(this.program, { fresh: true, oracle });
  }

  // ---------- common steps (each asserts success) ----------

  async initialize(limits: Limits = LIMITS): Promise<TxResult> {
    return expectOk(this.chain.send(await this.initIx(limits), [this.deployer]));
  }

  /** Authorises a new funded feeder (or `feeder`) and returns it. */
  async addFeeder(feeder: Keypair = this.chain.newKeypair()): Promise<Keypair> {
    expectOk(this.chain.send(await this.addFeederIx(feeder.publicKey), [this.authority]));
    return feeder;
  }

  async setLimits(limits: Limits): Promise<TxResult> {
    return expectOk(this.chain.send(await this.setLimitsIx(limits), [this.authority]));
  }

  /** Sends update_price signed by `feeder` (no clock change). */
  async update(feeder: Keypair, retail: bigint, feedIn: bigint): Promise<TxResult> {
    return this.chain.send(await this.updatePriceIx(feeder.publicKey, retail, feedIn), [feeder]);
  }

  /** Moves to the next slot and `seconds` later, then publishes (asserting success). */
  async publish(feeder: Keypair, retail: bigint, feedIn: bigint, seconds = 1): Promise<TxResult> {
    this.advance(seconds);
    return expectOk(await this.update(feeder, retail, feedIn));
  }

  // ---------- clock ----------

  /** Advances the Clock by `seconds` and at least one slot. */
  advance(seconds: number): void {
    const c = this.chain.clock();
    this.chain.warpToSlot(c.slot + BigInt(Math.max(1, Math.round(seconds * 2.5))));
    this.chain.setUnixTimestamp(c.unixTimestamp + BigInt(seconds));
  }

  // ---------- reads ----------

  state(oracle = this.oracle): OracleState {
    const a = this.chain.getAccount(oracle);
    if (!a) throw new Error("oracle account missing");
    const d = this.program.coder.accounts.decode<{
      authority: PublicKey;
      pendingAuthority: PublicKey;
      retailPrice: BigNum;
      feedInPrice: BigNum;
      updatedAt: BigNum;
      updatedSlot: BigNum;
      updateCount: BigNum;
      lastFeeder: PublicKey;
      limits: RawLimits;
      feederCount: number;
      bump: number;
      feeders: PublicKey[];
    }>("oracle", a.data);
    return {
      ...d,
      retailPrice: toBigInt(d.retailPrice),
      feedInPrice: toBigInt(d.feedInPrice),
      updatedAt: toBigInt(d.updatedAt),
      updatedSlot: toBigInt(d.updatedSlot),
      updateCount: toBigInt(d.updateCount),
      limits: limitsFrom(d.limits),
      owner: a.owner,
      size: a.data.length,
      lamports: a.lamports,
    };
  }

  /** Decodes PriceData bytes with Anchor's type coder (the IDL's `returns` type). */
  decodePriceData(bytes: Buffer): PriceData {
    const d = this.program.coder.types.decode<{
      retail: BigNum;
      feedIn: BigNum;
      updatedAt: BigNum;
      stale: boolean;
    }>("priceData", bytes);
    return {
      retail: toBigInt(d.retail),
      feedIn: toBigInt(d.feedIn),
      updatedAt: toBigInt(d.updatedAt),
      stale: d.stale,
    };
  }

  /** Events this program emitted in a transaction, decoded by Anchor's EventParser. */
  events(r: TxResult) {
    return this.chain.events(this.program, r);
  }

  /** The one event a transaction emitted, checked by name. */
  event(r: TxResult, name: string): Record<string, unknown> {
    const ev = this.events(r);
    if (ev.length !== 1 || ev[0]!.name !== name)
      throw new Error(
        `expected exactly one ${name} event, got ${JSON.stringify(ev.map((e) => e.name))}`,
      );
    return ev[0]!.data;
  }
}

/** A BN/number/PublicKey field of a decoded event as a bigint or base58 string, for toEqual. */
export function plain(data: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(data)) {
    if (v instanceof PublicKey) out[k] = v.toBase58();
    else if (BN.isBN(v)) out[k] = toBigInt(v);
    else if (v && typeof v === "object") out[k] = plain(v as Record<string, unknown>);
    else out[k] = v;
  }
  return out;
}

/**
 * Compute-unit budgets per instruction (measured, plus ~5%); a regression fails the tests that
 * pin them. Account checks re-derive the PDA with one sha256 (gtx/pda_fast.h, ~150 CU).
 * update_price is pinned at its worst case, the signer being the 8th of 8 feeders; initialize is
 * mostly the System-program CPI that creates the account.
 */
export const CU = {
  initialize: 3_000,
  addFeeder: 900,
  removeFeeder: 900,
  setLimits: 900,
  transferAuthority: 800,
  acceptAuthority: 820,
  updatePriceFirst: 1_050,
  updatePrice: 1_250,
  getPrice: 650,
  getFreshPrice: 650,
} as const;
