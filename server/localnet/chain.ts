/**
 * The local chain: a LiteSVM plus what a validator adds on top of it — slots, a ring of recent
 * blockhashes, commitment levels, signature history (failed transactions included) and
 * durability.
 *
 * Durability: every state change is a ledger record, fsync'd before it is acknowledged or made
 * visible through statuses and notifications. A snapshot (VM bytes + metadata) is taken now and
 * then; on start the latest snapshot is loaded and the ledger records after it are executed
 * again. Each transaction record carries the slot and clock it ran under, so replay is
 * deterministic. The ledger is also the transaction history: `getTransaction` reads it.
 */
import crypto from "node:crypto";
import fs from "node:fs";
import fsp from "node:fs/promises";
import path from "node:path";
import bs58 from "bs58";
import { encodeKey } from "~/lib/solana/b58";
import { Svm, type AccountState, type ExecResult } from "~/lib/solana/svm";
import { txErrorText, type TransactionErrorJson } from "~/lib/solana/tx-error";
import { RpcCode, RpcError } from "./errors";
import { Ledger, type RecordLocation } from "./ledger";
import { signerFromSeed, type Signer } from "./keys";
import type { ProgramSpec } from "./programs";
import { innerInstructionsJson, readMint, readTokenAccount, type InnerInstructionsJson } from "./encoding";
import { writeFileAtomic } from "~/server/durable/group-commit";
import { decodeSnapshot, encodeSnapshot, readSnapshot } from "./snapshot";
import { isStaticWritable, parseTransaction, type ParsedTx } from "./wire";

export const MAX_PROCESSING_AGE = 150;
export const LAMPORTS_PER_SIGNATURE = 5000;
const SYSTEM_PROGRAM = "11111111111111111111111111111111";
const MEMO_PROGRAM = "MemoSq4gqABAXKb96qnH8TysNcWxMyWCqXgDLGmfcHr";
const COMPUTE_BUDGET_PROGRAM = "ComputeBudget111111111111111111111111111111";
const ED25519_PROGRAM = "Ed25519SigVerify111111111111111111111111111";
const SECP256K1_PROGRAM = "KeccakSecp256k11111111111111111111111111111";
const SECP256R1_PROGRAM = "Secp256r1SigVerify1111111111111111111111111";
const LOOKUP_TABLE_PROGRAM = "AddressLookupTab1e1111111111111111111111111";
const FAUCET_LAMPORTS = 500_000_000n * 1_000_000_000n;

export type Commitment = "processed" | "confirmed" | "finalized";

export interface ChainOptions {
  dataDir: string;
  slotMs: number;
  /** A transaction processed in slot s is finalized once the chain reaches slot s + finalizeSlots. */
  finalizeSlots: number;
  programs: ProgramSpec[];
  /** Take a snapshot after this many ledger records (and on close). */
  snapshotEveryRecords?: number;
  snapshotEveryMs?: number;
  log?: (line: string) => void;
}

/** Metadata stored with every snapshot. */
interface ChainMeta {
  version: 1;
  genesisHash: string;
  identity: string;
  faucetSeed: string;
  createdAt: number;
  nextSeq: number;
  slot: number;
  time: number;
  timeOffset: number;
  airdrops: number;
  txCount: number;
  programs: Record<string, { programId: string; sha256: string }>;
}

interface TxRecord {
  k: "tx";
  seq: number;
  slot: number;
  time: number;
  sig: string;
  raw: string;
  err: TransactionErrorJson | null;
  cu: number;
  fee: number;
  logs: string[];
  pre: string[];
  post: string[];
  ret: { programId: string; data: string } | null;
  inner: InnerInstructionsJson;
  loaded: { writable: string[]; readonly: string[] } | null;
  preTok: TokenBalance[];
  postTok: TokenBalance[];
}

export interface TokenBalance {
  accountIndex: number;
  mint: string;
  owner: string;
  programId: string;
  amount: string;
  decimals: number;
}

interface SetRecord {
  k: "set";
  seq: number;
  slot: number;
  time: number;
  address: string;
  lamports: string;
  data: string;
  owner: string;
  executable: boolean;
}

interface DeployRecord {
  k: "deploy";
  seq: number;
  slot: number;
  time: number;
  name: string;
  programId: string;
  sha256: string;
  so: string;
}

interface ClockRecord {
  k: "clock";
  seq: number;
  slot: number;
  time: number;
  timeOffset: number;
}

/** A transaction sent without preflight, acknowledged before it executes at the next slot. */
interface AcceptRecord {
  k: "accept";
  seq: number;
  slot: number;
  time: number;
  sig: string;
  raw: string;
}

/** An accepted transaction that could not land when its slot came. */
interface DropRecord {
  k: "drop";
  seq: number;
  slot: number;
  time: number;
  sig: string;
}

type LedgerRecord = TxRecord | SetRecord | DeployRecord | ClockRecord | AcceptRecord | DropRecord;

/** Errors that mean a transaction could not pay its fee, so it would never land. */
const UNPAYABLE = new Set([
  "SignatureFailure",
  "AccountNotFound",
  "InsufficientFundsForFee",
  "InvalidAccountForFee",
  "SanitizeFailure",
  "AccountLoadedTwice",
  "InvalidAccountIndex",
  "TooManyAccountLocks",
  "AlreadyProcessed",
  "MissingSignatureForFee",
  "UnsupportedVersion",
]);

export interface TxEntry {
  sig: string;
  seq: number;
  slot: number;
  time: number;
  err: TransactionErrorJson | null;
  loc: RecordLocation;
}

export interface AccountChange {
  address: string;
  state: AccountState | null;
}

/** One durable state change, as the pubsub layer sees it. */
export interface ChainEvent {
  slot: number;
  tx: { signature: string; err: TransactionErrorJson | null; logs: string[]; mentions: string[] } | null;
  accounts: AccountChange[];
}

export interface ChainListener {
  onReceived(signature: string): void;
  onEvent(ev: ChainEvent): void;
  onSlot(slot: number): void;
  /** Whether account snapshots should be captured for each transaction. */
  wantsAccounts(): boolean;
}

export interface FullTransaction {
  slot: number;
  blockTime: number;
  tx: ParsedTx;
  record: TxRecord;
}

class DataDirLock {
  private static held = new Set<string>();
  private constructor(private file: string) {}
  static acquire(dir: string): DataDirLock {
    const file = path.join(dir, "LOCK");
    const key = path.resolve(file);
    if (DataDirLock.held.has(key)) throw new Error(`data dir ${dir} is already used by a chain in this process`);
    if (fs.existsSync(file)) {
      const pid = Number(fs.readFileSync(file, "utf8").trim());
      if (Number.isSafeInteger(pid) && pid > 0 && pid !== process.pid && isAlive(pid)) {
        throw new Error(`data dir ${dir} is in use by process ${pid}`);
      }
    }
    fs.writeFileSync(file, String(process.pid));
    DataDirLock.held.add(key);
    return new DataDirLock(key);
  }
  release(): void {
    DataDirLock.held.delete(this.file);
    try {
      if (fs.readFileSync(this.file, "utf8").trim() === String(process.pid)) fs.unlinkSync(this.file);
    } catch {
      // already gone
    }
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === "EPERM";
  }
}

function sha256(b: Uint8Array): string {
  return crypto.createHash("sha256").update(b).digest("hex");
}

function u32le(n: number): Uint8Array {
  const b = Buffer.alloc(4);
  b.writeUInt32LE(n, 0);
  return b;
}

function u64le(n: bigint): Uint8Array {
  const b = Buffer.alloc(8);
  b.writeBigUInt64LE(n, 0);
  return b;
}

export class Chain {
  readonly svm: Svm;
  private meta: ChainMeta;
  private ledger!: Ledger;
  private faucet: Signer;
  private lock: DataDirLock;

  slot = 0;
  private time = 0;
  private clockSet = { slot: -1, time: -1 };
  private ring = new Map<string, number>();
  private slotTimes = new Map<number, number>();
  private nextSeq = 0;
  /** Signatures taken but not yet visible (in flight to disk, or accepted for the next slot). */
  private pending = new Map<string, Promise<void>>();
  private accepted: ParsedTx[] = [];
  private bySig = new Map<string, TxEntry>();
  private byAddress = new Map<string, TxEntry[]>();
  private recent = new Map<string, TxRecord>();
  private recordsSinceSnapshot = 0;
  private snapshotting: Promise<void> | null = null;
  private timer: NodeJS.Timeout | null = null;
  private snapshotTimer: NodeJS.Timeout | null = null;
  private lastStateWrite = 0;
  private closed = false;
  listener: ChainListener | null = null;

  private constructor(
    readonly opts: ChainOptions,
    svm: Svm,
    meta: ChainMeta,
    lock: DataDirLock,
  ) {
    this.svm = svm;
    this.meta = meta;
    this.faucet = signerFromSeed(Buffer.from(meta.faucetSeed, "base64"));
    this.lock = lock;
  }

  private get log(): (line: string) => void {
    return this.opts.log ?? (() => undefined);
  }

  get genesisHash(): string {
    return this.meta.genesisHash;
  }
  get identity(): string {
    return this.meta.identity;
  }
  get faucetAddress(): string {
    return encodeKey(this.faucet.publicKey);
  }
  get transactionCount(): number {
    return this.meta.txCount;
  }
  get deployedPrograms(): Record<string, string> {
    return Object.fromEntries(Object.entries(this.meta.programs).map(([n, p]) => [n, p.programId]));
  }
  get health(): Error | null {
    return this.ledger.broken;
  }

  /** Opens (or creates) the chain in `opts.dataDir`, replaying the ledger after the last snapshot. */
  static async open(opts: ChainOptions): Promise<Chain> {
    fs.mkdirSync(opts.dataDir, { recursive: true });
    const lock = DataDirLock.acquire(opts.dataDir);
    try {
      return await Chain.openLocked(opts, lock);
    } catch (e) {
      lock.release();
      throw e;
    }
  }

  private static async openLocked(opts: ChainOptions, lock: DataDirLock): Promise<Chain> {
    const genesisFile = path.join(opts.dataDir, "genesis.bin");
    if (!fs.existsSync(genesisFile)) await Chain.writeGenesis(genesisFile, opts.programs);
    const genesis = decodeSnapshot<ChainMeta>(fs.readFileSync(genesisFile), "genesis.bin");

    let base = genesis;
    const snapFile = path.join(opts.dataDir, "snapshot.bin");
    try {
      const snap = readSnapshot<ChainMeta>(snapFile);
      if (snap?.meta.genesisHash === genesis.meta.genesisHash) base = snap ?? base;
    } catch (e) {
      // A damaged snapshot only costs start-up time: the ledger still holds everything.
      opts.log?.(`localnet: ignoring snapshot (${(e as Error).message}); replaying from genesis`);
    }
    const chain = new Chain(opts, Svm.fromBytes(base.vm), { ...base.meta }, lock);
    await chain.replay(base.meta.nextSeq);
    await chain.upgradePrograms();
    chain.startClock();
    return chain;
  }

  private static async writeGenesis(file: string, programs: ProgramSpec[]): Promise<void> {
    const svm = Svm.create();
    const createdAt = Math.floor(Date.now() / 1000);
    svm.setClock(0, createdAt);
    const faucetSeed = crypto.randomBytes(32);
    const faucet = signerFromSeed(faucetSeed);
    svm.setAccount(faucet.publicKey, { lamports: FAUCET_LAMPORTS, data: new Uint8Array(), owner: SYSTEM_PROGRAM, executable: false });
    const deployed: ChainMeta["programs"] = {};
    for (const p of programs) {
      const so = fs.readFileSync(p.soPath);
      deployProgram(svm, p, so);
      deployed[p.name] = { programId: p.programId, sha256: sha256(so) };
    }
    const meta: ChainMeta = {
      version: 1,
      genesisHash: bs58.encode(crypto.randomBytes(32)),
      identity: bs58.encode(signerFromSeed(crypto.randomBytes(32)).publicKey),
      faucetSeed: faucetSeed.toString("base64"),
      createdAt,
      nextSeq: 0,
      slot: 0,
      time: createdAt,
      timeOffset: 0,
      airdrops: 0,
      txCount: 0,
      programs: deployed,
    };
    await writeFileAtomic(file, encodeSnapshot(meta, svm.toBytes()));
  }

  // ---------------------------------------------------------------- replay and indexing

  private async replay(snapshotNextSeq: number): Promise<void> {
    let expected = 0;
    let replayed = 0;
    // Accepted transactions with neither an execution nor a drop record were acknowledged
    // but not yet run when the chain stopped: they run at the first slot after start.
    const unexecuted = new Map<string, string>();
    this.ledger = await Ledger.open(path.join(this.opts.dataDir, "ledger"), (payload, loc) => {
      const rec = JSON.parse(payload.toString("utf8")) as LedgerRecord;
      if (rec.seq !== expected) {
        throw new Error(`ledger record ${rec.seq} found where ${expected} was expected; the ledger is damaged`);
      }
      expected += 1;
      if (rec.k === "tx") this.index(rec, loc, null);
      if (rec.k === "accept") unexecuted.set(rec.sig, rec.raw);
      if (rec.k === "tx" || rec.k === "drop") unexecuted.delete(rec.sig);
      if (rec.seq >= snapshotNextSeq) {
        this.apply(rec);
        replayed += 1;
      }
      this.slot = Math.max(this.slot, rec.slot);
      this.time = Math.max(this.time, rec.time);
    });
    if (expected < snapshotNextSeq) {
      throw new Error(`snapshot covers ledger records up to ${snapshotNextSeq - 1} but the ledger ends at ${expected - 1}`);
    }
    this.nextSeq = expected;
    this.meta.nextSeq = expected;
    for (const [sig, raw] of unexecuted) {
      this.accepted.push(parseTransaction(new Uint8Array(Buffer.from(raw, "base64"))));
      this.pending.set(sig, Promise.resolve());
    }
    if (replayed > 0) this.log(`localnet: replayed ${replayed} ledger records after the snapshot`);
  }

  /** Re-executes one record on the VM (replay path). */
  private apply(rec: LedgerRecord): void {
    this.setClock(rec.slot, rec.time);
    switch (rec.k) {
      case "tx": {
        const tx = parseTransaction(new Uint8Array(Buffer.from(rec.raw, "base64")));
        const res = this.svm.send(tx.raw, tx.version === 0);
        if (JSON.stringify(res.err) !== JSON.stringify(rec.err) || res.unitsConsumed !== rec.cu) {
          throw new Error(
            `replay of ${rec.sig} (ledger record ${rec.seq}) diverged: recorded ${JSON.stringify(rec.err)}/${rec.cu} CU, got ${JSON.stringify(res.err)}/${res.unitsConsumed} CU`,
          );
        }
        this.meta.txCount += 1;
        if (tx.staticKeys[0] === this.faucetAddress) this.meta.airdrops += 1;
        break;
      }
      case "set":
        this.svm.setAccount(bs58.decode(rec.address), {
          lamports: BigInt(rec.lamports),
          data: new Uint8Array(Buffer.from(rec.data, "base64")),
          owner: rec.owner,
          executable: rec.executable,
        });
        break;
      case "deploy":
        this.svm.addProgram(bs58.decode(rec.programId), new Uint8Array(Buffer.from(rec.so, "base64")));
        this.meta.programs[rec.name] = { programId: rec.programId, sha256: rec.sha256 };
        break;
      case "clock":
        this.meta.timeOffset = rec.timeOffset;
        break;
      case "accept":
      case "drop":
        // Acceptance changes no state; the transaction's own record (or a drop) follows.
        break;
    }
  }

  /** `keys`: the transaction's account keys when the caller has them (else parsed from the record). */
  private index(rec: TxRecord, loc: RecordLocation, keys: string[] | null): void {
    const entry: TxEntry = { sig: rec.sig, seq: rec.seq, slot: rec.slot, time: rec.time, err: rec.err, loc };
    this.bySig.set(rec.sig, entry);
    const all =
      keys ??
      [...parseTransaction(new Uint8Array(Buffer.from(rec.raw, "base64"))).staticKeys, ...(rec.loaded?.writable ?? []), ...(rec.loaded?.readonly ?? [])];
    for (const k of new Set(all)) {
      let list = this.byAddress.get(k);
      if (!list) this.byAddress.set(k, (list = []));
      list.push(entry);
    }
    this.slotTimes.set(rec.slot, rec.time);
    // Live transactions stay in memory for a while (Anchor and indexers read them right
    // away); history loaded at start is read from the ledger on demand.
    if (keys !== null) this.remember(rec);
  }

  private remember(rec: TxRecord): void {
    this.recent.set(rec.sig, rec);
    if (this.recent.size > 4096) {
      const oldest = this.recent.keys().next().value;
      if (oldest !== undefined) this.recent.delete(oldest);
    }
  }

  /** Deploys programs whose `.so` is new or changed since the data dir was created. */
  private async upgradePrograms(): Promise<void> {
    for (const p of this.opts.programs) {
      const so = fs.readFileSync(p.soPath);
      const hash = sha256(so);
      const cur = this.meta.programs[p.name];
      if (cur?.sha256 === hash && cur.programId === p.programId) continue;
      deployProgram(this.svm, p, so);
      this.meta.programs[p.name] = { programId: p.programId, sha256: hash };
      const rec: DeployRecord = {
        k: "deploy",
        seq: this.nextSeq,
        slot: this.slot,
        time: this.time,
        name: p.name,
        programId: p.programId,
        sha256: hash,
        so: so.toString("base64"),
      };
      await this.appendRecord(rec).durable;
      this.log(`localnet: ${cur ? "redeployed" : "deployed"} ${p.name} at ${p.programId}`);
    }
  }

  // ---------------------------------------------------------------- slots and clock

  private blockhashFor(slot: number): string {
    const h = crypto.createHash("sha256");
    h.update(bs58.decode(this.meta.genesisHash));
    h.update(u64le(BigInt(slot)));
    return bs58.encode(h.digest());
  }

  /**
   * Sets the Clock sysvar, and with a new slot the SlotHashes sysvar: the 512 slots before it,
   * newest first, with their blockhashes. Both are pure functions of (slot, time), so replay
   * reproduces them from what each record carries.
   */
  private setClock(slot: number, time: number): void {
    if (this.clockSet.slot === slot && this.clockSet.time === time) return;
    this.svm.setClock(slot, time);
    if (this.clockSet.slot !== slot) {
      const hashes: { slot: number; hash: string }[] = [];
      for (let s = slot - 1; s >= 0 && s >= slot - 512; s--) hashes.push({ slot: s, hash: this.cachedBlockhash(s) });
      this.svm.setSlotHashes(hashes);
    }
    this.clockSet = { slot, time };
  }

  private hashCache = new Map<number, string>();

  private cachedBlockhash(slot: number): string {
    let h = this.hashCache.get(slot);
    if (h === undefined) {
      h = this.blockhashFor(slot);
      this.hashCache.set(slot, h);
      if (this.hashCache.size > 2048) {
        const oldest = this.hashCache.keys().next().value;
        if (oldest !== undefined) this.hashCache.delete(oldest);
      }
    }
    return h;
  }

  private rebuildRing(): void {
    this.ring.clear();
    for (let s = Math.max(0, this.slot - MAX_PROCESSING_AGE); s <= this.slot; s++) this.ring.set(this.cachedBlockhash(s), s);
  }

  private wallTime(): number {
    return Math.floor(Date.now() / 1000) + this.meta.timeOffset;
  }

  private startClock(): void {
    const state = this.readState();
    // Skip past any slot handed out before a crash (the state file is written every second or so),
    // so a blockhash given to a client is never reissued for a different slot.
    const margin = Math.ceil(2000 / this.opts.slotMs) + 1;
    this.slot = Math.max(this.slot, this.meta.slot, state?.slot ?? 0) + (this.nextSeq > 0 || state ? margin : 0);
    this.time = Math.max(this.time, this.meta.time, state?.time ?? 0, this.wallTime());
    this.setClock(this.slot, this.time);
    this.rebuildRing();
    this.slotTimes.set(this.slot, this.time);
    this.timer = setInterval(() => this.tick(1), this.opts.slotMs);
    this.timer.unref();
    const every = this.opts.snapshotEveryMs ?? 60_000;
    this.snapshotTimer = setInterval(() => {
      if (this.recordsSinceSnapshot > 0) void this.snapshot();
    }, every);
    this.snapshotTimer.unref();
  }

  private readState(): { slot: number; time: number } | null {
    try {
      const s = JSON.parse(fs.readFileSync(path.join(this.opts.dataDir, "state.json"), "utf8")) as { slot: number; time: number };
      return Number.isSafeInteger(s.slot) && Number.isSafeInteger(s.time) ? s : null;
    } catch {
      return null;
    }
  }

  /** Advances `n` slots: new blockhash, clock, commitment progression, notifications. */
  tick(n: number): void {
    if (this.closed) return;
    const old = this.slot;
    this.slot += n;
    this.time = Math.max(this.time, this.wallTime());
    this.setClock(this.slot, this.time);
    if (n > MAX_PROCESSING_AGE) this.rebuildRing();
    else {
      for (let s = old + 1; s <= this.slot; s++) {
        this.ring.set(this.cachedBlockhash(s), s);
        if (s > MAX_PROCESSING_AGE) this.ring.delete(this.cachedBlockhash(s - MAX_PROCESSING_AGE - 1));
      }
    }
    this.slotTimes.set(this.slot, this.time);
    this.slotTimes.delete(this.slot - 512);
    this.listener?.onSlot(this.slot);
    if (this.accepted.length > 0) this.drainAccepted();
    const now = Date.now();
    if (now - this.lastStateWrite > 1000) {
      this.lastStateWrite = now;
      const file = path.join(this.opts.dataDir, "state.json");
      void fsp
        .writeFile(`${file}.tmp`, JSON.stringify({ slot: this.slot, time: this.time }))
        .then(() => fsp.rename(`${file}.tmp`, file))
        .catch(() => undefined);
    }
  }

  slotAt(c: Commitment): number {
    if (c === "processed") return this.slot;
    if (c === "confirmed") return Math.max(0, this.slot - 1);
    return this.rootSlot();
  }

  rootSlot(): number {
    return Math.max(0, this.slot - this.opts.finalizeSlots);
  }

  latestBlockhash(c: Commitment): { blockhash: string; lastValidBlockHeight: number; slot: number } {
    const slot = this.slotAt(c);
    return { blockhash: this.cachedBlockhash(slot), lastValidBlockHeight: slot + MAX_PROCESSING_AGE, slot };
  }

  isBlockhashValid(blockhash: string): boolean {
    return this.ring.has(blockhash);
  }

  blockTime(slot: number): number | null {
    return this.slotTimes.get(slot) ?? null;
  }

  statusOf(slot: number): Commitment {
    if (slot <= this.rootSlot()) return "finalized";
    if (slot <= this.slotAt("confirmed")) return "confirmed";
    return "processed";
  }

  // ---------------------------------------------------------------- fees

  /** Fee in lamports: base fee per signature (precompile signatures included) plus priority fee. */
  feeFor(tx: ParsedTx): number {
    let sigs = tx.header.numRequiredSignatures;
    let price = 0n;
    let limit: bigint | null = null;
    let nonBudgetIx = 0;
    for (const ix of tx.instructions) {
      const program = tx.staticKeys[ix.programIdIndex];
      if (program === ED25519_PROGRAM || program === SECP256K1_PROGRAM || program === SECP256R1_PROGRAM) {
        sigs += ix.data[0] ?? 0;
      }
      if (program === COMPUTE_BUDGET_PROGRAM) {
        const d = Buffer.from(ix.data);
        if (d[0] === 2 && d.length >= 5) limit = BigInt(d.readUInt32LE(1));
        else if (d[0] === 3 && d.length >= 9) price = d.readBigUInt64LE(1);
      } else {
        nonBudgetIx += 1;
      }
    }
    let priority = 0n;
    if (price > 0n) {
      const cuLimit = limit ?? BigInt(Math.min(1_400_000, 200_000 * nonBudgetIx));
      priority = (price * (cuLimit > 1_400_000n ? 1_400_000n : cuLimit) + 999_999n) / 1_000_000n;
    }
    return sigs * LAMPORTS_PER_SIGNATURE + Number(priority);
  }

  // ---------------------------------------------------------------- transactions

  private resolveLookups(tx: ParsedTx): { writable: string[]; readonly: string[] } | null {
    if (tx.lookups.length === 0) return null;
    const writable: string[] = [];
    const readonly: string[] = [];
    for (const l of tx.lookups) {
      const acct = this.svm.getAccount(bs58.decode(l.accountKey));
      if (acct?.owner !== LOOKUP_TABLE_PROGRAM) return null;
      // 56-byte lookup table header, then 32-byte addresses.
      const at = (i: number) => {
        const off = 56 + i * 32;
        return off + 32 <= acct.data.length ? bs58.encode(acct.data.subarray(off, off + 32)) : null;
      };
      for (const i of l.writableIndexes) {
        const a = at(i);
        if (a === null) return null;
        writable.push(a);
      }
      for (const i of l.readonlyIndexes) {
        const a = at(i);
        if (a === null) return null;
        readonly.push(a);
      }
    }
    return { writable, readonly };
  }

  private preflightError(err: TransactionErrorJson, res: ExecResult | null): RpcError {
    if (err === "SignatureFailure") {
      return new RpcError(RpcCode.SignatureVerificationFailure, "Transaction signature verification failure");
    }
    return new RpcError(RpcCode.PreflightFailure, `Transaction simulation failed: ${txErrorText(err)}`, {
      err,
      logs: res?.logs ?? [],
      accounts: null,
      unitsConsumed: res?.unitsConsumed ?? 0,
      returnData: res?.returnData
        ? { programId: res.returnData.programId, data: [Buffer.from(res.returnData.data).toString("base64"), "base64"] }
        : null,
      innerInstructions: null,
    });
  }

  /**
   * Takes a transaction from a client. Rejects (changing nothing) on a bad signature, an unknown
   * blockhash, a duplicate under preflight, or a preflight failure.
   *
   * With preflight the transaction executes at once and this resolves when its ledger record is
   * durable. Without preflight it is, as on a real cluster, accepted for the next block: this
   * resolves once an "accept" record is durable, and it executes at the next slot boundary
   * (so a client's first status check sees it pending and learns the outcome from the
   * signature notification, the path Anchor's error handling expects).
   */
  async submit(tx: ParsedTx, opts: { skipPreflight: boolean }): Promise<string> {
    if (this.closed) throw new RpcError(RpcCode.NodeUnhealthy, "Node is shutting down");
    const broken = this.ledger.broken;
    if (broken) throw new RpcError(RpcCode.NodeUnhealthy, `Node is unhealthy: ledger write failed (${broken.message})`);
    this.listener?.onReceived(tx.signature);
    const inFlight = this.pending.get(tx.signature);
    if (inFlight !== undefined || this.bySig.has(tx.signature)) {
      // Already taken: resending is harmless without preflight; agave's preflight says so.
      if (opts.skipPreflight) {
        await inFlight;
        return tx.signature;
      }
      throw this.preflightError("AlreadyProcessed", null);
    }
    if (!this.ring.has(tx.recentBlockhash)) throw this.preflightError("BlockhashNotFound", null);
    const sim = this.svm.simulate(tx.raw, tx.version === 0, true, false);
    if (opts.skipPreflight) {
      // Signatures are checked on receipt, and a transaction that could not even pay its fee
      // is refused here rather than silently dropped later.
      if (sim.err !== null && typeof sim.err === "string" && UNPAYABLE.has(sim.err)) throw this.preflightError(sim.err, sim);
      return this.accept(tx);
    }
    if (sim.err !== null) throw this.preflightError(sim.err, sim);
    const run = this.execute(tx);
    if (!run.landed) throw this.preflightError(run.err, null);
    await run.durable;
    return tx.signature;
  }

  private async accept(tx: ParsedTx): Promise<string> {
    const rec: AcceptRecord = { k: "accept", seq: this.nextSeq, slot: this.slot, time: this.time, sig: tx.signature, raw: Buffer.from(tx.raw).toString("base64") };
    const { durable } = this.appendRecord(rec);
    this.pending.set(tx.signature, durable);
    try {
      await durable;
    } catch (e) {
      this.pending.delete(tx.signature);
      throw e;
    }
    this.accepted.push(tx);
    return tx.signature;
  }

  /** Executes transactions accepted without preflight (called at each slot boundary). */
  private drainAccepted(): void {
    const queue = this.accepted;
    this.accepted = [];
    for (const tx of queue) {
      const run = this.ring.has(tx.recentBlockhash) ? this.execute(tx) : ({ landed: false, err: "BlockhashNotFound" } as const);
      if (run.landed) {
        run.durable.catch(() => undefined);
        continue;
      }
      // It could not land (it expired, or its fee payer could no longer pay): agave drops such
      // transactions; the ledger notes it so a restart does not execute it again.
      this.log(`localnet: dropped accepted transaction ${tx.signature}: ${JSON.stringify(run.err)}`);
      const drop: DropRecord = { k: "drop", seq: this.nextSeq, slot: this.slot, time: this.time, sig: tx.signature };
      const { durable } = this.appendRecord(drop);
      void durable.then(
        () => this.pending.delete(tx.signature),
        () => undefined,
      );
    }
  }

  /**
   * Runs a transaction on the VM and appends its record. If it did not land (nothing was
   * charged: bad signature, unpayable fee, ...) nothing changed and nothing is recorded.
   */
  private execute(tx: ParsedTx): { landed: true; durable: Promise<void> } | { landed: false; err: TransactionErrorJson } {
    const versioned = tx.version === 0;
    const loaded = this.resolveLookups(tx);
    const keys = [...tx.staticKeys, ...(loaded?.writable ?? []), ...(loaded?.readonly ?? [])];
    const keyBytes = keys.map((k) => bs58.decode(k));
    const writableIdx: number[] = [];
    tx.staticKeys.forEach((_, i) => {
      if (isStaticWritable(tx, i)) writableIdx.push(i);
    });
    loaded?.writable.forEach((_, i) => writableIdx.push(tx.staticKeys.length + i));
    const pre = keyBytes.map((k) => this.svm.getBalance(k));
    // Token balances only for writable accounts: a read-only token account cannot change.
    const preTok = this.tokenBalances(writableIdx, keyBytes);
    const res = this.svm.send(tx.raw, versioned);
    const post = keyBytes.map((k) => this.svm.getBalance(k));
    if (res.err !== null && pre[0] === post[0]) return { landed: false, err: res.err };
    const record: TxRecord = {
      k: "tx",
      seq: this.nextSeq,
      slot: this.slot,
      time: this.time,
      sig: tx.signature,
      raw: Buffer.from(tx.raw).toString("base64"),
      err: res.err,
      cu: res.unitsConsumed,
      fee: this.feeFor(tx),
      logs: res.logs,
      pre: pre.map(String),
      post: post.map(String),
      ret: res.returnData ? { programId: res.returnData.programId, data: Buffer.from(res.returnData.data).toString("base64") } : null,
      inner: innerInstructionsJson(res.innerInstructions),
      loaded,
      preTok,
      postTok: this.tokenBalances(writableIdx, keyBytes),
    };
    const accounts = this.listener?.wantsAccounts() ? this.captureAccounts(new Set(writableIdx.map((i) => keys[i]!))) : [];
    this.meta.txCount += 1;
    if (tx.staticKeys[0] === this.faucetAddress) this.meta.airdrops += 1;
    const { loc, durable } = this.appendRecord(record);
    const visible = durable.then(
      () => {
        this.pending.delete(tx.signature);
        this.index(record, loc, keys);
        this.listener?.onEvent({
          slot: record.slot,
          tx: { signature: tx.signature, err: res.err, logs: res.logs, mentions: keys },
          accounts,
        });
      },
      (e: unknown) => {
        this.pending.delete(tx.signature);
        throw e;
      },
    );
    this.pending.set(tx.signature, visible);
    return { landed: true, durable: visible };
  }

  private mintDecimals = new Map<string, number>();

  /** Decimals of an initialized mint (immutable once set, so cached). */
  decimalsOf(mint: string): number | null {
    const cached = this.mintDecimals.get(mint);
    if (cached !== undefined) return cached;
    const acct = this.svm.getAccount(bs58.decode(mint));
    const m = acct ? readMint(acct) : null;
    if (!m?.isInitialized) return null;
    this.mintDecimals.set(mint, m.decimals);
    return m.decimals;
  }

  private tokenBalances(indexes: number[], keyBytes: Uint8Array[]): TokenBalance[] {
    const out: TokenBalance[] = [];
    for (const i of indexes) {
      const acct = this.svm.getAccount(keyBytes[i]!);
      const t = acct ? readTokenAccount(acct) : null;
      if (!acct || !t || t.state === 0) continue;
      const decimals = this.decimalsOf(t.mint);
      if (decimals === null) continue;
      out.push({ accountIndex: i, mint: t.mint, owner: t.owner, programId: acct.owner, amount: t.amount.toString(), decimals });
    }
    return out;
  }

  private captureAccounts(keys: Iterable<string>): AccountChange[] {
    const out: AccountChange[] = [];
    for (const address of keys) out.push({ address, state: this.svm.getAccount(bs58.decode(address)) });
    return out;
  }

  private appendRecord(rec: LedgerRecord): { loc: RecordLocation; durable: Promise<void> } {
    const r = this.ledger.append(Buffer.from(JSON.stringify(rec)), rec.seq);
    this.nextSeq += 1;
    this.recordsSinceSnapshot += 1;
    if (this.recordsSinceSnapshot >= (this.opts.snapshotEveryRecords ?? 20_000) && !this.snapshotting) {
      void r.durable.then(() => this.snapshot());
    }
    return r;
  }

  /** Simulates without changing anything. */
  simulate(raw: Uint8Array, versioned: boolean, sigverify: boolean) {
    return this.svm.simulate(raw, versioned, sigverify);
  }

  /** Sends lamports from the faucet through an ordinary, recorded transfer transaction. */
  async airdrop(to: string, lamports: bigint): Promise<string> {
    if (to === this.faucetAddress) throw new RpcError(RpcCode.InvalidParams, "Invalid params: cannot airdrop to the faucet");
    const faucetBalance = this.svm.getBalance(this.faucet.publicKey);
    if (lamports > faucetBalance - 1_000_000_000n) {
      throw new RpcError(RpcCode.InternalError, `airdrop request exceeds the faucet balance (${faucetBalance} lamports)`);
    }
    // The memo counter keeps two identical requests in one slot from sharing a signature.
    const memo = Buffer.from(`localnet airdrop ${this.meta.airdrops + 1}`);
    const keys = [this.faucet.publicKey, bs58.decode(to), bs58.decode(SYSTEM_PROGRAM), bs58.decode(MEMO_PROGRAM)];
    const transferData = Buffer.concat([u32le(2), u64le(lamports)]);
    const message = Buffer.concat([
      Buffer.from([1, 0, 2, keys.length]),
      ...keys,
      bs58.decode(this.cachedBlockhash(this.slot)),
      Buffer.from([2]),
      Buffer.from([2, 2, 0, 1, transferData.length]),
      transferData,
      Buffer.from([3, 0, memo.length]),
      memo,
    ]);
    const raw = Buffer.concat([Buffer.from([1]), this.faucet.sign(message), message]);
    return this.submit(parseTransaction(new Uint8Array(raw)), { skipPreflight: false });
  }

  /** Cheat: overwrite an account. Durable before it resolves. */
  async setAccount(address: string, state: AccountState): Promise<void> {
    this.svm.setAccount(bs58.decode(address), state);
    const rec: SetRecord = {
      k: "set",
      seq: this.nextSeq,
      slot: this.slot,
      time: this.time,
      address,
      lamports: state.lamports.toString(),
      data: Buffer.from(state.data).toString("base64"),
      owner: state.owner,
      executable: state.executable,
    };
    await this.appendRecord(rec).durable;
    this.listener?.onEvent({ slot: this.slot, tx: null, accounts: [{ address, state }] });
  }

  /** Cheat: jump ahead `slots` slots and/or `seconds` of clock time. Durable before it resolves. */
  async warp(slots: number, seconds: number): Promise<void> {
    this.meta.timeOffset += seconds;
    this.time += seconds;
    if (slots > 0) this.tick(slots);
    else this.setClock(this.slot, this.time);
    this.slotTimes.set(this.slot, this.time);
    const rec: ClockRecord = { k: "clock", seq: this.nextSeq, slot: this.slot, time: this.time, timeOffset: this.meta.timeOffset };
    await this.appendRecord(rec).durable;
  }

  // ---------------------------------------------------------------- history reads

  status(signature: string): TxEntry | null {
    return this.bySig.get(signature) ?? null;
  }

  async transaction(signature: string): Promise<FullTransaction | null> {
    const entry = this.bySig.get(signature);
    if (!entry) return null;
    const record = this.recent.get(signature) ?? (JSON.parse((await this.ledger.read(entry.loc)).toString("utf8")) as TxRecord);
    return { slot: record.slot, blockTime: record.time, tx: parseTransaction(new Uint8Array(Buffer.from(record.raw, "base64"))), record };
  }

  /** Newest first, like agave. `before`/`until` are exclusive. */
  signaturesFor(address: string, opts: { before?: string; until?: string; limit: number }): TxEntry[] {
    const list = this.byAddress.get(address) ?? [];
    let end = list.length;
    if (opts.before) {
      const b = this.bySig.get(opts.before);
      if (!b) return [];
      end = lowerBound(list, b.seq);
    }
    const untilSeq = opts.until ? (this.bySig.get(opts.until)?.seq ?? -1) : -1;
    const out: TxEntry[] = [];
    for (let i = end - 1; i >= 0 && out.length < opts.limit; i--) {
      const e = list[i]!;
      if (e.seq <= untilSeq) break;
      out.push(e);
    }
    return out;
  }

  // ---------------------------------------------------------------- snapshots and shutdown

  /** Writes a snapshot covering every record appended so far. */
  snapshot(): Promise<void> {
    if (this.snapshotting) return this.snapshotting;
    const run = async () => {
      // Capture the VM and metadata in one synchronous step, so they match `nextSeq` exactly.
      const vm = this.svm.toBytes();
      const meta: ChainMeta = { ...this.meta, programs: { ...this.meta.programs }, nextSeq: this.nextSeq, slot: this.slot, time: this.time };
      this.recordsSinceSnapshot = 0;
      // The snapshot must never cover a record that is not yet on disk.
      await this.ledger.sync();
      await writeFileAtomic(path.join(this.opts.dataDir, "snapshot.bin"), encodeSnapshot(meta, vm));
    };
    this.snapshotting = run()
      .catch((e: unknown) => this.log(`localnet: snapshot failed: ${(e as Error).message}`))
      .finally(() => {
        this.snapshotting = null;
      });
    return this.snapshotting;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    if (this.timer) clearInterval(this.timer);
    if (this.snapshotTimer) clearInterval(this.snapshotTimer);
    // Acknowledged transactions land before the final snapshot.
    if (this.accepted.length > 0 && !this.ledger.broken) this.drainAccepted();
    await this.snapshotting;
    await this.ledger.sync();
    if (!this.ledger.broken) await this.snapshot();
    await this.ledger.close();
    await fsp
      .writeFile(path.join(this.opts.dataDir, "state.json"), JSON.stringify({ slot: this.slot, time: this.time }))
      .catch(() => undefined);
    this.lock.release();
  }
}

function deployProgram(svm: Svm, p: ProgramSpec, so: Uint8Array): void {
  try {
    svm.addProgram(bs58.decode(p.programId), so);
  } catch (e) {
    throw new Error(`cannot deploy program ${p.name} (${p.programId}) from ${p.soPath}: ${(e as Error).message}`);
  }
}

function lowerBound(list: TxEntry[], seq: number): number {
  let lo = 0;
  let hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (list[mid]!.seq < seq) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

export type { TxRecord };
