/**
 * TestChain: an in-process LiteSVM with our real .so files loaded at the program ids from
 * Anchor.toml, driven with web3.js v1 types. LiteSVM speaks @solana/kit types; the conversion
 * happens only here (wire bytes -> kit Transaction, kit accounts -> web3 shapes).
 */
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { AnchorProvider, EventParser, Program, type Idl, type Provider } from "@coral-xyz/anchor";
import {
  ComputeBudgetProgram,
  Connection,
  Keypair,
  LAMPORTS_PER_SOL,
  PublicKey,
  Transaction,
  type TransactionInstruction,
} from "@solana/web3.js";
import { address, getTransactionDecoder, lamports as kitLamports, type Address } from "@solana/kit";
import bs58 from "bs58";
import { Clock, LiteSVM, type FailedTransactionMetadata, type TransactionMetadata } from "litesvm";
import { programIds, REPO_ROOT } from "../toolchain/anchor-toml";
import { transactionErrorJson, type TransactionErrorJson } from "./tx-error";

export const DEPLOY_DIR = path.join(REPO_ROOT, "programs", "deploy");

export interface TxResult {
  ok: boolean;
  /** base58 signature of the first signer */
  signature: string;
  logs: string[];
  computeUnits: number;
  /** agave-style JSON error, null on success */
  err: TransactionErrorJson | null;
  returnData: { programId: PublicKey; data: Buffer } | null;
}

export interface AccountState {
  lamports: bigint;
  owner: PublicKey;
  data: Buffer;
  executable: boolean;
}

export interface SendOptions {
  /** Fee payer; defaults to chain.payer (always added as a signer). */
  feePayer?: Keypair;
  /** Prepend a ComputeBudget setComputeUnitLimit instruction. */
  computeUnitLimit?: number;
}

const toAddress = (k: PublicKey): Address => address(k.toBase58());

/** What send/simulate accept: one instruction, several, or a web3.js v1 Transaction. */
export type Instructions = TransactionInstruction | TransactionInstruction[] | Transaction;

function toResult(sig: string, r: TransactionMetadata | FailedTransactionMetadata): TxResult {
  const failed = "err" in r;
  const meta = failed ? r.meta() : r;
  const rd = meta.returnData();
  const data = Buffer.from(rd.data());
  return {
    ok: !failed,
    signature: sig,
    logs: meta.logs(),
    computeUnits: Number(meta.computeUnitsConsumed()),
    err: failed ? transactionErrorJson(r.err()) : null,
    returnData: data.length ? { programId: new PublicKey(rd.programId()), data } : null,
  };
}

export class TestChain {
  readonly svm: LiteSVM;
  readonly programIds: Record<string, PublicKey>;
  /** Funded fee payer used when a send does not name one. */
  readonly payer: Keypair;
  private readonly offline = new Connection("http://127.0.0.1:9", "processed");

  private constructor(svm: LiteSVM, ids: Record<string, PublicKey>) {
    this.svm = svm;
    this.programIds = ids;
    this.payer = this.newKeypair(1000 * LAMPORTS_PER_SOL);
  }

  /**
   * Starts a LiteSVM with every program of Anchor.toml's [programs.localnet] whose .so exists in
   * `soDir` (default programs/deploy), or exactly `programs` (failing if one is missing).
   */
  static create(opts: { programs?: string[]; soDir?: string } = {}): TestChain {
    const soDir = opts.soDir ?? DEPLOY_DIR;
    const ids = programIds("localnet");
    const svm = new LiteSVM();
    const loaded: Record<string, PublicKey> = {};
    const wanted =
      opts.programs ?? Object.keys(ids).filter((n) => existsSync(path.join(soDir, `${n}.so`)));
    for (const name of wanted) {
      const id = ids[name];
      if (!id) throw new Error(`program ${name} is not in Anchor.toml [programs.localnet]`);
      const so = path.join(soDir, `${name}.so`);
      if (!existsSync(so)) throw new Error(`${so} is missing: run npm run build:programs`);
      svm.addProgram(toAddress(id), readFileSync(so));
      loaded[name] = id;
    }
    return new TestChain(svm, loaded);
  }

  /** Loads an extra program (e.g. one built by a test into a temp dir) at `programId`. */
  loadProgram(name: string, programId: PublicKey, so: Uint8Array): void {
    this.svm.addProgram(toAddress(programId), so);
    this.programIds[name] = programId;
  }

  programId(name: string): PublicKey {
    const id = this.programIds[name];
    if (!id) throw new Error(`program ${name} is not loaded`);
    return id;
  }

  // ---------- keys and lamports ----------

  airdrop(to: PublicKey, lamports: bigint | number): void {
    const r = this.svm.airdrop(toAddress(to), kitLamports(BigInt(lamports)));
    if (!r) throw new Error(`airdrop to ${to.toBase58()} failed`);
    if ("err" in r)
      throw new Error(
        `airdrop to ${to.toBase58()} failed: ${JSON.stringify(transactionErrorJson(r.err()))}`,
      );
  }

  /** A fresh keypair holding `lamports` (default 10 SOL). */
  newKeypair(lamports: bigint | number = 10 * LAMPORTS_PER_SOL): Keypair {
    const kp = Keypair.generate();
    if (BigInt(lamports) > 0n) this.airdrop(kp.publicKey, lamports);
    return kp;
  }

  balance(key: PublicKey): bigint {
    return this.svm.getBalance(toAddress(key)) ?? 0n;
  }

  minimumBalance(dataLen: number): bigint {
    return this.svm.minimumBalanceForRentExemption(BigInt(dataLen));
  }

  // ---------- accounts ----------

  getAccount(key: PublicKey): AccountState | null {
    const a = this.svm.getAccount(toAddress(key));
    if (!a.exists) return null;
    return {
      lamports: a.lamports,
      owner: new PublicKey(a.programAddress),
      data: Buffer.from(a.data),
      executable: a.executable,
    };
  }

  setAccount(
    key: PublicKey,
    a: { lamports: bigint | number; owner: PublicKey; data?: Uint8Array; executable?: boolean },
  ): void {
    const data = a.data ?? new Uint8Array();
    this.svm.setAccount({
      address: toAddress(key),
      lamports: kitLamports(BigInt(a.lamports)),
      programAddress: toAddress(a.owner),
      data,
      executable: a.executable ?? false,
      space: BigInt(data.length),
    });
  }

  /** Copies of the accounts' full state, for "nothing changed" assertions. */
  snapshot(keys: readonly PublicKey[]): Map<string, AccountState | null> {
    return new Map(keys.map((k) => [k.toBase58(), this.getAccount(k)]));
  }

  // ---------- clock ----------

  clock(): { slot: bigint; epoch: bigint; unixTimestamp: bigint; epochStartTimestamp: bigint } {
    const c = this.svm.getClock();
    return {
      slot: c.slot,
      epoch: c.epoch,
      unixTimestamp: c.unixTimestamp,
      epochStartTimestamp: c.epochStartTimestamp,
    };
  }

  warpToSlot(slot: bigint | number): void {
    this.svm.warpToSlot(BigInt(slot));
  }

  /** Sets the Clock sysvar's unix_timestamp (what sol_get_clock_sysvar returns). */
  setUnixTimestamp(ts: bigint | number): void {
    const c = this.svm.getClock();
    this.svm.setClock(
      new Clock(c.slot, c.epochStartTimestamp, c.epoch, c.leaderScheduleEpoch, BigInt(ts)),
    );
  }

  /** Moves time forward: unix_timestamp += seconds and slot += seconds * slotsPerSecond. */
  advanceTime(seconds: number, slotsPerSecond = 2.5): void {
    const c = this.svm.getClock();
    const slot = c.slot + BigInt(Math.round(seconds * slotsPerSecond));
    this.svm.setClock(
      new Clock(
        slot,
        c.epochStartTimestamp,
        c.epoch,
        c.leaderScheduleEpoch,
        c.unixTimestamp + BigInt(seconds),
      ),
    );
  }

  // ---------- transactions ----------

  private build(ixs: Instructions, signers: Keypair[], opts: SendOptions) {
    const feePayer = opts.feePayer ?? this.payer;
    const tx = new Transaction();
    if (opts.computeUnitLimit)
      tx.add(ComputeBudgetProgram.setComputeUnitLimit({ units: opts.computeUnitLimit }));
    // A prebuilt Transaction (e.g. Anchor's .transaction()) contributes its instructions; the
    // chain sets fee payer and blockhash.
    tx.add(...(ixs instanceof Transaction ? ixs.instructions : Array.isArray(ixs) ? ixs : [ixs]));
    tx.feePayer = feePayer.publicKey;
    tx.recentBlockhash = this.svm.latestBlockhash();
    const all = [feePayer, ...signers.filter((s) => !s.publicKey.equals(feePayer.publicKey))];
    tx.sign(...all);
    const sig = bs58.encode(tx.signature!);
    return { sig, kitTx: getTransactionDecoder().decode(tx.serialize()) };
  }

  /** Signs with the fee payer + `signers`, executes, and moves to a fresh blockhash (so an
   * identical later transaction is not rejected as AlreadyProcessed). */
  send(ixs: Instructions, signers: Keypair[] = [], opts: SendOptions = {}): TxResult {
    const { sig, kitTx } = this.build(ixs, signers, opts);
    const r = this.svm.sendTransaction(kitTx);
    this.svm.expireBlockhash();
    return toResult(sig, r);
  }

  /** Executes without committing any state. */
  simulate(ixs: Instructions, signers: Keypair[] = [], opts: SendOptions = {}): TxResult {
    const { sig, kitTx } = this.build(ixs, signers, opts);
    const r = this.svm.simulateTransaction(kitTx);
    return toResult(sig, "err" in r ? r : r.meta());
  }

  // ---------- Anchor ----------

  /** An Anchor Program for building instructions and decoding accounts/events. It has an offline
   * provider: use .instruction() and send through the chain (no .rpc()). */
  program<T extends Idl>(idl: T): Program<T> {
    const provider: Provider = new AnchorProvider(this.offline, {
      publicKey: this.payer.publicKey,
      signTransaction: () => Promise.reject(new Error("offline provider: send through TestChain")),
      signAllTransactions: () =>
        Promise.reject(new Error("offline provider: send through TestChain")),
    });
    return new Program<T>(idl, provider);
  }

  /** Anchor events emitted by `program` in a transaction's logs, in order. */
  events<T extends Idl>(
    program: Program<T>,
    result: TxResult,
  ): { name: string; data: Record<string, unknown> }[] {
    const parser = new EventParser(program.programId, program.coder);
    return [...parser.parseLogs(result.logs)].map((e) => ({
      name: e.name,
      data: e.data as Record<string, unknown>,
    }));
  }
}
