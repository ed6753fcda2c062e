/**
 * The only module that touches litesvm; the local chain (server/localnet) and the program test
 * harness (programs/harness, TestChain) both run on it. It talks to litesvm's native binding with
 * raw bytes: the package's @solana/kit wrapper converts every address through base58 (~35 µs
 * each) and re-encodes every transaction, which would dominate the per-transaction cost of the
 * server. Node-only (a native addon).
 */
import {
  Account,
  Clock,
  EpochSchedule,
  FailedTransactionMetadata,
  InstructionErrorBorshIo,
  InstructionErrorCustom,
  LiteSvm,
  SimulatedTransactionInfo,
  TransactionErrorDuplicateInstruction,
  TransactionErrorInstructionError,
  TransactionErrorInsufficientFundsForRent,
  TransactionErrorProgramExecutionTemporarilyRestricted,
  type TransactionMetadata,
} from "litesvm/dist/internal";
import bs58 from "bs58";
import { encodeKey } from "./b58";
import {
  IX_ERROR_NAMES,
  TX_ERROR_NAMES,
  type InstructionErrorJson,
  type TransactionErrorJson,
} from "./tx-error";

export const SLOTS_PER_EPOCH = 432_000;

export interface AccountState {
  lamports: bigint;
  data: Uint8Array;
  owner: string;
  executable: boolean;
}

export interface InnerIx {
  programIdIndex: number;
  accounts: number[];
  data: Uint8Array;
  stackHeight: number;
}

export interface ExecResult {
  err: TransactionErrorJson | null;
  logs: string[];
  unitsConsumed: number;
  returnData: { programId: string; data: Uint8Array } | null;
  /** Per top-level instruction, the CPIs it made. */
  innerInstructions: InnerIx[][];
}

export interface SimResult extends ExecResult {
  /** Post-execution state of the writable accounts (only when the simulation succeeded). */
  postAccounts: Map<string, AccountState>;
}

/** LiteSVM's error object (FailedTransactionMetadata.err()) as agave's JSON error. */
export function transactionErrorJson(e: ReturnType<FailedTransactionMetadata["err"]>): TransactionErrorJson {
  if (typeof e === "number") return TX_ERROR_NAMES[e] ?? `UnknownError(${e})`;
  if (e instanceof TransactionErrorInstructionError) {
    const inner = e.err();
    let ixErr: InstructionErrorJson;
    if (typeof inner === "number") ixErr = IX_ERROR_NAMES[inner] ?? `UnknownError(${inner})`;
    else if (inner instanceof InstructionErrorCustom) ixErr = { Custom: inner.code };
    else if (inner instanceof InstructionErrorBorshIo) ixErr = { BorshIoError: inner.msg };
    else ixErr = "GenericError";
    return { InstructionError: [e.index, ixErr] };
  }
  if (e instanceof TransactionErrorDuplicateInstruction) return { DuplicateInstruction: e.index };
  if (e instanceof TransactionErrorInsufficientFundsForRent) {
    return { InsufficientFundsForRent: { account_index: e.accountIndex } };
  }
  if (e instanceof TransactionErrorProgramExecutionTemporarilyRestricted) {
    return { ProgramExecutionTemporarilyRestricted: { account_index: e.accountIndex } };
  }
  return "SanitizeFailure";
}

function metaToResult(meta: TransactionMetadata, err: TransactionErrorJson | null): ExecResult {
  const rd = meta.returnData();
  const rdData = rd.data();
  return {
    err,
    logs: meta.logs(),
    unitsConsumed: Number(meta.computeUnitsConsumed()),
    // A program that never called sol_set_return_data still shows up here with empty data;
    // agave reports no return data in that case.
    returnData: rdData.length > 0 ? { programId: encodeKey(rd.programId()), data: rdData } : null,
    innerInstructions: meta.innerInstructions().map((list) =>
      list.map((ii) => {
        const ci = ii.instruction();
        return {
          programIdIndex: ci.programIdIndex(),
          accounts: Array.from(ci.accounts()),
          data: ci.data(),
          stackHeight: ii.stackHeight(),
        };
      }),
    ),
  };
}

function toState(a: Account): AccountState {
  return {
    lamports: a.lamports(),
    data: a.data(),
    owner: encodeKey(a.owner()),
    executable: a.executable(),
  };
}

/** The Clock sysvar's fields. */
export interface ClockState {
  slot: bigint;
  epochStartTimestamp: bigint;
  epoch: bigint;
  leaderScheduleEpoch: bigint;
  unixTimestamp: bigint;
}

export class Svm {
  private constructor(private inner: LiteSvm) {}

  /**
   * A fresh VM for the local chain: builtins, sysvars, SPL programs, precompiles, sigverify on,
   * and the chain's epoch schedule; blockhashes and history are the chain's own (see below).
   */
  static create(): Svm {
    const inner = new LiteSvm();
    // The chain keeps its own ring of recent blockhashes and its own signature history
    // (including failed transactions), so LiteSVM's single-blockhash check and history are off.
    inner.setBlockhashCheck(false);
    inner.setSigverify(true);
    inner.setTransactionHistory(0n);
    inner.setEpochSchedule(new EpochSchedule(BigInt(SLOTS_PER_EPOCH), BigInt(SLOTS_PER_EPOCH), false, 0n, 0n));
    return new Svm(inner);
  }

  /**
   * A fresh VM with LiteSVM's own defaults, for program tests: it checks blockhashes against its
   * latest one (latestBlockhash / expireBlockhash) and refuses a repeated signature itself.
   */
  static standalone(): Svm {
    return new Svm(new LiteSvm());
  }

  static fromBytes(bytes: Uint8Array): Svm {
    return new Svm(LiteSvm.fromBytes(bytes));
  }

  toBytes(): Uint8Array {
    return this.inner.toBytes();
  }

  getAccount(key: Uint8Array): AccountState | null {
    const a = this.inner.getAccount(key);
    return a ? toState(a) : null;
  }

  getBalance(key: Uint8Array): bigint {
    return this.inner.getBalance(key) ?? 0n;
  }

  setAccount(key: Uint8Array, a: AccountState): void {
    this.inner.setAccount(key, new Account(a.lamports, a.data, bs58.decode(a.owner), a.executable, 0n));
  }

  programAccounts(owner: Uint8Array): { address: string; account: AccountState }[] {
    return this.inner
      .getProgramAccounts(owner)
      .map((x) => ({ address: encodeKey(x.address), account: toState(x.account()) }));
  }

  minimumBalanceForRentExemption(len: number): bigint {
    return this.inner.minimumBalanceForRentExemption(BigInt(len));
  }

  addProgram(programId: Uint8Array, bytes: Uint8Array): void {
    this.inner.addProgram(programId, bytes);
  }

  setClock(slot: number, unixTimestamp: number): void {
    const epoch = BigInt(Math.floor(slot / SLOTS_PER_EPOCH));
    // Epoch start time is not tracked; programs here read only slot and unix_timestamp.
    this.inner.setClock(new Clock(BigInt(slot), 0n, epoch, epoch, BigInt(unixTimestamp)));
  }

  getClock(): ClockState {
    const c = this.inner.getClock();
    return {
      slot: c.slot,
      epochStartTimestamp: c.epochStartTimestamp,
      epoch: c.epoch,
      leaderScheduleEpoch: c.leaderScheduleEpoch,
      unixTimestamp: c.unixTimestamp,
    };
  }

  /** Writes every field of the Clock sysvar (setClock derives the epoch fields from the slot). */
  setClockState(c: ClockState): void {
    this.inner.setClock(new Clock(c.slot, c.epochStartTimestamp, c.epoch, c.leaderScheduleEpoch, c.unixTimestamp));
  }

  warpToSlot(slot: bigint): void {
    this.inner.warpToSlot(slot);
  }

  /** LiteSVM's own blockhash (standalone VMs check transactions against it). */
  latestBlockhash(): string {
    return this.inner.latestBlockhash();
  }

  expireBlockhash(): void {
    this.inner.expireBlockhash();
  }

  /** Credits `lamports` from LiteSVM's airdrop account (a real transfer); null if LiteSVM ran none. */
  airdrop(key: Uint8Array, lamports: bigint): { err: TransactionErrorJson | null } | null {
    const r = this.inner.airdrop(key, lamports);
    if (!r) return null;
    return { err: r instanceof FailedTransactionMetadata ? transactionErrorJson(r.err()) : null };
  }

  /** The SlotHashes sysvar (newest first), which e.g. the address lookup table program checks. */
  setSlotHashes(hashes: { slot: number; hash: string }[]): void {
    this.inner.setSlotHashes(hashes.map((h) => ({ slot: BigInt(h.slot), hash: h.hash })));
  }

  send(raw: Uint8Array, versioned: boolean): ExecResult {
    const r = versioned ? this.inner.sendVersionedTransaction(raw) : this.inner.sendLegacyTransaction(raw);
    if (r instanceof FailedTransactionMetadata) return metaToResult(r.meta(), transactionErrorJson(r.err()));
    return metaToResult(r, null);
  }

  /** `withAccounts: false` skips converting the post-simulation accounts (preflight needs none). */
  simulate(raw: Uint8Array, versioned: boolean, sigverify: boolean, withAccounts = true): SimResult {
    if (!sigverify) this.inner.setSigverify(false);
    try {
      const r = versioned
        ? this.inner.simulateVersionedTransaction(raw)
        : this.inner.simulateLegacyTransaction(raw);
      if (r instanceof SimulatedTransactionInfo) {
        const postAccounts = new Map<string, AccountState>();
        if (withAccounts) for (const x of r.postAccounts()) postAccounts.set(encodeKey(x.address), toState(x.account()));
        return { ...metaToResult(r.meta(), null), postAccounts };
      }
      return { ...metaToResult(r.meta(), transactionErrorJson(r.err())), postAccounts: new Map() };
    } finally {
      if (!sigverify) this.inner.setSigverify(true);
    }
  }
}
