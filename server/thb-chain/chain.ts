/**
 * The THB chain: the ledger state machine (`state.ts`) made durable by the journal and snapshots,
 * with a block timer.
 *
 * Every change is a journal record. A change is validated and applied to the *speculative* state
 * at once (so the next request is validated against it: a sender's next nonce, its balance), then
 * written; once its fsync is done it is applied, in order, to the *durable* state, and only then
 * is the caller answered. Reads are served from the durable state, so nothing a client ever saw
 * (a 200 on a transfer, a block, a confirmation count) can be undone by a crash. Both states run
 * the same deterministic records, so they agree whenever the journal is idle.
 *
 * Snapshots (every `snapshotEvery` records and on close): the journal moves to a new segment, the
 * durable state is written atomically (`snapshot.json`: temp file, fsync, rename, fsync the dir),
 * then the segments it covers are deleted. On open: the snapshot, then every later record.
 */
import fs from "node:fs";
import path from "node:path";
import { randomBytes } from "node:crypto";
import { crc32 } from "node:zlib";
import { ThbChainError } from "./errors";
import { fundId, sha256Hex } from "./encoding";
import { fsyncDirSync, writeFileAtomic } from "~/server/durable/group-commit";
import { Journal, listSegments } from "./journal";
import {
  JournalDivergenceError,
  LedgerState,
  type AccountView,
  type BlockView,
  type JournalRecord,
  type NewRecord,
  type ReorgResult,
  type SerializedState,
  type SignedTransfer,
  type TransferView,
} from "./state";

export interface ThbChainOptions {
  /** default `.data/thb-chain` */
  dataDir?: string;
  /** block interval; 0 = no timer, blocks only through `produceBlock()` (tests). Default 2000. */
  blockMs?: number;
  /** depth at which a transfer counts as confirmed. Default 3. */
  confirmations?: number;
  /** enables `/admin/*` (reorg, produce blocks, snapshot). Default false. */
  testKnobs?: boolean;
  /** write a snapshot after this many records. Default 10,000. */
  snapshotEvery?: number;
  /** most transfers in one block. Default 10,000. */
  maxBlockTransfers?: number;
  /** most transfers waiting in the mempool. Default 100,000. */
  mempoolMax?: number;
  /** a fixed chain id for a new data dir (default: random) */
  chainId?: string;
  /** the clock blocks are stamped with (ms). Default Date.now. */
  now?: () => number;
  log?: (message: string) => void;
}

export interface RecoveryInfo {
  snapshotSeq: number;
  replayed: number;
  created: boolean;
}

export interface TipView {
  chainId: string;
  height: number;
  hash: string;
  timestamp: number;
  confirmationsRequired: number;
  blockMs: number;
  mempool: number;
  testKnobs: boolean;
}

const SNAPSHOT = "snapshot.json";
const LOCK = "LOCK";

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === "EPERM";
  }
}

function takeLock(dir: string): string {
  const file = path.join(dir, LOCK);
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      fs.writeFileSync(file, String(process.pid), { flag: "wx" });
      return file;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== "EEXIST") throw e;
      const pid = Number(fs.readFileSync(file, "utf8").trim());
      if (Number.isSafeInteger(pid) && pid > 0 && pidAlive(pid)) {
        throw new Error(`${dir} is in use by the THB chain in process ${pid}`);
      }
      fs.rmSync(file, { force: true }); // left by a process that died (kill -9)
    }
  }
  throw new Error(`could not lock ${dir}`);
}

/** snapshot.json: `<crc32 hex8> <JSON>` of the serialized state. */
function readSnapshot(file: string): SerializedState | null {
  if (!fs.existsSync(file)) return null;
  const buf = fs.readFileSync(file);
  const json = buf.subarray(9);
  if (buf.length < 10 || buf[8] !== 0x20 || Number.parseInt(buf.subarray(0, 8).toString("ascii"), 16) !== crc32(json)) {
    throw new Error(`${file} is damaged (checksum mismatch); the journal before it was compacted away, so the chain cannot start`);
  }
  return JSON.parse(json.toString("utf8")) as SerializedState;
}

export class ThbChain {
  readonly dataDir: string;
  readonly blockMs: number;
  readonly confirmations: number;
  readonly testKnobs: boolean;
  private readonly snapshotEvery: number;
  private readonly maxBlockTransfers: number;
  private readonly mempoolMax: number;
  private readonly now: () => number;
  private readonly log: (m: string) => void;

  /** validated and applied at once; what new requests are checked against */
  private spec: LedgerState;
  /** applied once durable; what reads see */
  private view: LedgerState;
  private journal!: Journal;
  private undurable: JournalRecord[] = [];
  private lastAppend: Promise<void> = Promise.resolve();
  private snapshotSeq = 0;
  private snapshotting: Promise<void> | null = null;
  private timer: NodeJS.Timeout | null = null;
  private blockInFlight = false;
  private brokenBy: Error | null = null;
  private closed = false;
  private lockFile = "";
  recovery: RecoveryInfo = { snapshotSeq: 0, replayed: 0, created: false };

  private constructor(opts: ThbChainOptions) {
    this.dataDir = path.resolve(opts.dataDir ?? ".data/thb-chain");
    this.blockMs = opts.blockMs ?? 2000;
    this.confirmations = opts.confirmations ?? 3;
    this.testKnobs = opts.testKnobs ?? false;
    this.snapshotEvery = opts.snapshotEvery ?? 10_000;
    this.maxBlockTransfers = opts.maxBlockTransfers ?? 10_000;
    this.mempoolMax = opts.mempoolMax ?? 100_000;
    this.now = opts.now ?? Date.now;
    this.log = opts.log ?? ((m) => console.log(m));
    if (!Number.isSafeInteger(this.confirmations) || this.confirmations < 1) throw new Error("confirmations must be an integer >= 1");
    if (!Number.isSafeInteger(this.blockMs) || this.blockMs < 0) throw new Error("blockMs must be an integer >= 0");
    this.spec = new LedgerState(this.confirmations);
    this.view = new LedgerState(this.confirmations);
  }

  static async open(opts: ThbChainOptions = {}): Promise<ThbChain> {
    const chain = new ThbChain(opts);
    await chain.recover(opts.chainId);
    return chain;
  }

  private async recover(chainId: string | undefined): Promise<void> {
    fs.mkdirSync(this.dataDir, { recursive: true });
    this.lockFile = takeLock(this.dataDir);
    try {
      const snap = readSnapshot(path.join(this.dataDir, SNAPSHOT));
      const journalDir = path.join(this.dataDir, "journal");
      const segments = listSegments(journalDir);
      if (snap) {
        this.spec = LedgerState.deserialize(snap, this.confirmations);
        this.view = LedgerState.deserialize(snap, this.confirmations);
        this.snapshotSeq = snap.seq;
      }
      if (segments[0] && segments[0].first > this.snapshotSeq + 1) {
        throw new JournalDivergenceError(`the journal starts at record ${segments[0].first} but the snapshot ends at ${this.snapshotSeq}`);
      }
      let replayed = 0;
      this.journal = await Journal.open(journalDir, {
        firstSeq: this.snapshotSeq + 1,
        log: this.log,
        onRecord: (r) => {
          const rec = r as JournalRecord;
          if (rec.seq <= this.snapshotSeq) return;
          this.spec.apply(rec);
          this.view.apply(rec);
          replayed += 1;
        },
        onDurable: (seq) => this.applyDurable(seq),
      });
      this.recovery = { snapshotSeq: this.snapshotSeq, replayed, created: false };
      if (this.spec.blocks.length === 0) {
        this.recovery.created = true;
        await this.commit({ t: "genesis", chainId: chainId ?? `thb-sim-${randomBytes(8).toString("hex")}`, timestamp: this.now() });
      }
    } catch (e) {
      fs.rmSync(this.lockFile, { force: true });
      throw e;
    }
    if (this.blockMs > 0) {
      this.timer = setInterval(() => this.tick(), this.blockMs);
      this.timer.unref?.();
    }
  }

  get chainId(): string {
    return this.view.chainId;
  }

  get broken(): Error | null {
    return this.brokenBy ?? this.journal.broken;
  }

  private applyDurable(seq: number): void {
    while (this.undurable.length > 0 && this.undurable[0]!.seq <= seq) {
      const rec = this.undurable.shift()!;
      try {
        this.view.apply(rec);
      } catch (e) {
        this.brokenBy = e instanceof Error ? e : new Error(String(e));
        this.log(`thb-chain: the durable state refused record ${rec.seq}: ${this.brokenBy.message}`);
        throw e;
      }
    }
  }

  private assertWritable(): void {
    if (this.closed) throw new ThbChainError("UNAVAILABLE", "the chain is shutting down");
    const b = this.broken;
    if (b) throw new ThbChainError("UNAVAILABLE", `the chain stopped accepting writes: ${b.message}`);
  }

  /**
   * Applies a validated record to the speculative state and journals it; resolves once durable
   * (and applied to the state reads see). Synchronous up to the journal append, so records keep
   * the order in which they were validated. Returns what applying it answered (a reorg's result).
   */
  private commit(r: NewRecord): Promise<ReorgResult | null> {
    const rec = { ...r, seq: this.spec.seq + 1 };
    let result: ReorgResult | null;
    try {
      result = this.spec.apply(rec);
    } catch (e) {
      // A validated record that does not apply is a bug; the speculative state may be half-changed.
      this.brokenBy = e instanceof Error ? e : new Error(String(e));
      throw new ThbChainError("INTERNAL", `internal error: ${this.brokenBy.message}`);
    }
    this.undurable.push(rec);
    const durable = this.journal.append(rec);
    this.lastAppend = durable;
    if (rec.seq - this.snapshotSeq >= this.snapshotEvery && !this.snapshotting) {
      void this.snapshot().catch((e: unknown) => this.log(`thb-chain: snapshot failed: ${String(e)}`));
    }
    return durable.then(
      () => result,
      (e: unknown) => {
        throw new ThbChainError("UNAVAILABLE", `the journal write failed: ${e instanceof Error ? e.message : String(e)}`);
      },
    );
  }

  // ---- writes ----

  async submitTransfer(t: SignedTransfer): Promise<TransferView> {
    this.assertWritable();
    if (this.spec.mempool.length >= this.mempoolMax) throw new ThbChainError("MEMPOOL_FULL", "the mempool is full; retry after the next block");
    const id = this.spec.checkTransfer(t, { verifySignature: true });
    await this.commit({ t: "transfer", from: t.from, to: t.to, amount: t.amount.toString(), memo: t.memo, nonce: t.nonce, signature: t.signature });
    return this.view.transfer(id)!;
  }

  /** The local faucet: credits `amount` base units to `address` through the next block. */
  async fund(address: string, amount: bigint): Promise<TransferView> {
    this.assertWritable();
    if (this.spec.mempool.length >= this.mempoolMax) throw new ThbChainError("MEMPOOL_FULL", "the mempool is full; retry after the next block");
    this.spec.checkFund(address, amount);
    const id = fundId(this.spec.chainId, this.spec.fundSeq + 1, address, amount);
    await this.commit({ t: "fund", to: address, amount: amount.toString() });
    return this.view.transfer(id)!;
  }

  /** Seals the mempool (up to the per-block cap) into a block on top of the tip. */
  async produceBlock(): Promise<BlockView> {
    this.assertWritable();
    const rec = this.spec.nextBlock(this.now(), this.maxBlockTransfers);
    const height = this.spec.tip + 1;
    await this.commit(rec);
    return this.view.block(height)!;
  }

  private tick(): void {
    if (this.blockInFlight || this.closed || this.broken) return;
    this.blockInFlight = true;
    this.produceBlock()
      .catch((e: unknown) => this.log(`thb-chain: block production failed: ${String(e)}`))
      .finally(() => (this.blockInFlight = false));
  }

  /** Test knob: drops the last `depth` blocks (never a confirmed one). */
  async reorg(depth: number, opts: { requeue?: boolean } = {}): Promise<ReorgResult & { tip: number }> {
    this.assertWritable();
    if (!this.testKnobs) throw new ThbChainError("TEST_KNOBS_DISABLED", "reorgs are a test knob: start the chain with --test-knobs (THB_CHAIN_TEST_KNOBS=1)");
    this.spec.checkReorg(depth);
    const result = (await this.commit({ t: "reorg", depth, requeue: opts.requeue ?? false }))!;
    return { ...result, tip: this.view.tip };
  }

  /** Writes a snapshot of the durable state and deletes the journal segments it covers. */
  snapshot(): Promise<void> {
    this.snapshotting ??= this.writeSnapshot().finally(() => (this.snapshotting = null));
    return this.snapshotting;
  }

  private async writeSnapshot(): Promise<void> {
    if (this.spec.seq === this.snapshotSeq) return;
    this.journal.rotate(this.spec.seq + 1);
    await this.lastAppend.catch(() => undefined);
    await this.journal.sync();
    if (this.broken) throw this.broken;
    const state = this.view.serialize();
    const text = JSON.stringify(state);
    await writeFileAtomic(path.join(this.dataDir, SNAPSHOT), `${crc32(Buffer.from(text, "utf8")).toString(16).padStart(8, "0")} ${text}`);
    this.snapshotSeq = state.seq;
    const journalDir = path.join(this.dataDir, "journal");
    const segments = listSegments(journalDir);
    let removed = false;
    for (let i = 0; i + 1 < segments.length; i++) {
      if (segments[i + 1]!.first - 1 <= state.seq) {
        fs.rmSync(path.join(journalDir, segments[i]!.name), { force: true });
        removed = true;
      }
    }
    if (removed) fsyncDirSync(journalDir);
  }

  // ---- reads (the durable state) ----

  tip(): TipView {
    const b = this.view.tipBlock;
    return {
      chainId: this.view.chainId,
      height: b.height,
      hash: b.hash,
      timestamp: b.timestamp,
      confirmationsRequired: this.confirmations,
      blockMs: this.blockMs,
      mempool: this.view.mempool.length,
      testKnobs: this.testKnobs,
    };
  }

  account(address: string): AccountView {
    return this.view.account(address);
  }

  transfer(id: string): TransferView | null {
    return this.view.transfer(id);
  }

  accountTransfers(address: string, opts: { since?: number; direction?: "in" | "out" | "all"; limit?: number; includeDropped?: boolean } = {}) {
    return this.view.accountTransfers(address, {
      since: opts.since ?? 0,
      direction: opts.direction ?? "all",
      limit: opts.limit ?? 1000,
      includeDropped: opts.includeDropped ?? false,
    });
  }

  blocks(from: number, to: number): BlockView[] {
    const out: BlockView[] = [];
    for (let h = Math.max(0, from); h <= Math.min(to, this.view.tip); h++) out.push(this.view.block(h)!);
    return out;
  }

  /** Σ balances vs Σ faucet credits, in blocks and with the mempool (for tests and /health). */
  supply() {
    return this.view.supply();
  }

  /** A hash of the whole state (the served one and the one new requests are checked against). */
  digest(): string {
    return sha256Hex(Buffer.from(JSON.stringify([this.view.serialize(), this.spec.serialize()])));
  }

  /** Resolves when every accepted change is durable and visible to reads. */
  async settle(): Promise<void> {
    await this.journal.sync();
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.journal.sync();
    if (!this.broken) await this.snapshot().catch((e: unknown) => this.log(`thb-chain: final snapshot failed: ${String(e)}`));
    await this.journal.close();
    fs.rmSync(this.lockFile, { force: true });
  }
}
