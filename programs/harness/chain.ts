/**
 * TestChain: an in-process LiteSVM with our real .so files loaded at the program ids from
 * Anchor.toml, driven with web3.js v1 types. It runs on the same raw-bytes LiteSVM wrapper as the
 * local chain (lib/solana/svm.ts); web3.js keys and transactions become bytes only here.
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
import bs58 from "bs58";
import { Svm, type ExecResult } from "~/lib/solana/svm";
import type { TransactionErrorJson } from "~/lib/solana/tx-error";
import { programIds, REPO_ROOT } from "../toolchain/anchor-toml";

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

/** What send/simulate accept: one instruction, several, or a web3.js v1 Transaction. */
export type Instructions = TransactionInstruction | TransactionInstruction[] | Transaction;

function toResult(sig: string, r: ExecResult): TxResult {
  return {
    ok: r.err === null,
    signature: sig,
    logs: r.logs,
    computeUnits: r.unitsConsumed,
    err: r.err,
    returnData: r.returnData
      ? { programId: new PublicKey(r.returnData.programId), data: Buffer.from(r.returnData.data) }
      : null,
  };
}

export class TestChain {
  readonly svm: Svm;
  readonly programIds: Record<string, PublicKey>;
  /** Funded fee payer used when a send does not name one. */
  readonly payer: Keypair;
  private readonly offline = new Connection("http://127.0.0.1:9", "processed");

  private constructor(svm: Svm, ids: Record<string, PublicKey>) {
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
    const svm = Svm.standalone();
    const loaded: Record<string, PublicKey> = {};
    const wanted =
      opts.programs ?? Object.keys(ids).filter((n) => existsSync(path.join(soDir, `${n}.so`)));
    for (const name of wanted) {
      const id = ids[name];
      if (!id) throw new Error(`program ${name} is not in Anchor.toml [programs.localnet]`);
      const so = path.join(soDir, `${name}.so`);
      if (!existsSync(so)) throw new Error(`${so} is missing: run npm run build:programs`);
      svm.addProgram(id.toBytes(), readFileSync(so));
      loaded[name] = id;
    }
    return new TestChain(svm, loaded);
  }

  /** Loads an extra program (e.g. one built by a test into a temp dir) at `programId`. */
  loadProgram(name: string, programId: PublicKey, so: Uint8Array): void {
    this.svm.addProgram(programId.toBytes(), so);
    this.programIds[name] = programId;
  }

  programId(name: string): PublicKey {
    const id = this.programIds[name];
    if (!id) throw new Error(`program ${name} is not loaded`);
    return id;
  }

  // ---------- keys and lamports ----------

  airdrop(to: PublicKey, lamports: bigint | number): void {
    const r = this.svm.airdrop(to.toBytes(), BigInt(lamports));
    if (!r) throw new Error(`airdrop to ${to.toBase58()} failed`);
    if (r.err) throw new Error(`airdrop to ${to.toBase58()} failed: ${JSON.stringify(r.err)}`);
  }

  /** A fresh keypair holding `lamports` (default 10 SOL). */
  newKeypair(lamports: bigint | number = 10 * LAMPORTS_PER_SOL): Keypair {
    const kp = Keypair.generate();
    if (BigInt(lamports) > 0n) this.airdrop(kp.publicKey, lamports);
    return kp;
  }

  balance(key: PublicKey): bigint {
    return this.svm.getBalance(key.toBytes());
  }

  minimumBalance(dataLen: number): bigint {
    return this.svm.minimumBalanceForRentExemption(dataLen);
  }

  // ---------- accounts ----------

  getAccount(key: PublicKey): AccountState | null {
    const a = this.svm.getAccount(key.toBytes());
    if (!a) return null;
    return {
      lamports: a.lamports,
      owner: new PublicKey(a.owner),
      data: Buffer.from(a.data),
      executable: a.executable,
    };
  }

  setAccount(
    key: PublicKey,
    a: { lamports: bigint | number; owner: PublicKey; data?: Uint8Array; executable?: boolean },
  ): void {
    this.svm.setAccount(key.toBytes(), {
      lamports: BigInt(a.lamports),
      data: a.data ?? new Uint8Array(),
      owner: a.owner.toBase58(),
      executable: a.executable ?? false,
    });
  }

  /** Copies of the accounts' full state, for "nothing changed" assertions. */
  snapshot(keys: readonly PublicKey[]): Map<string, AccountState | null> {
    return new Map(keys.map((k) => [k.toBase58(), this.getAccount(k)]));
  }

  // ---------- clock ----------

  clock(): { slot: bigint; epoch: bigint; unixTimestamp: bigint; epochStartTimestamp: bigint } {
    const { slot, epoch, unixTimestamp, epochStartTimestamp } = this.svm.getClock();
    return { slot, epoch, unixTimestamp, epochStartTimestamp };
  }

  warpToSlot(slot: bigint | number): void {
    this.svm.warpToSlot(BigInt(slot));
  }

  /** Sets the Clock sysvar's unix_timestamp (what sol_get_clock_sysvar returns). */
  setUnixTimestamp(ts: bigint | number): void {
    this.svm.setClockState({ ...this.svm.getClock(), unixTimestamp: BigInt(ts) });
  }

  /** Moves time forward: unix_timestamp += seconds and slot += seconds * slotsPerSecond. */
  advanceTime(seconds: number, slotsPerSecond = 2.5): void {
    const c = this.svm.getClock();
    this.svm.setClockState({
      ...c,
      slot: c.slot + BigInt(Math.round(seconds * slotsPerSecond)),
      unixTimestamp: c.unixTimestamp + BigInt(seconds),
    });
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
    return { sig, raw: tx.serialize() };
  }

  /** Signs with the fee payer + `signers`, executes, and moves to a fresh blockhash (so an
   * identical later transaction is not rejected as AlreadyProcessed). */
  send(ixs: Instructions, signers: Keypair[] = [], opts: SendOptions = {}): TxResult {
    const { sig, raw } = this.build(ixs, signers, opts);
    const r = this.svm.send(raw, false);
    this.svm.expireBlockhash();
    return toResult(sig, r);
  }

  /** Executes without committing any state. */
  simulate(ixs: Instructions, signers: Keypair[] = [], opts: SendOptions = {}): TxResult {
    const { sig, raw } = this.build(ixs, signers, opts);
    // A legacy transaction (web3.js v1), signature checked, post-accounts not needed.
    return toResult(sig, this.svm.simulate(raw, false, true, false));
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
