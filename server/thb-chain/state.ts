/**
 * The THB chain's ledger as a pure, deterministic state machine: journal records in, state out.
 * No I/O and no clock (a block record carries its timestamp), so replaying the journal rebuilds
 * exactly the state that acknowledged it.
 *
 * Two account views are kept:
 * - `head`: the effect of every transfer in a block;
 * - `pending`: head plus the mempool applied in order. New transfers are validated against it
 *   (nonce = the sender's next nonce, balance, u64 overflow), so a block can always include the
 *   whole mempool in order and every head state is a state that was once validated.
 *
 * A reorg removes the last `depth` blocks (never a confirmed one) and undoes their effect on head.
 * Their transfers are DROPPED (status `dropped`; default) or, with `requeue`, put back at the front
 * of the mempool in their original order. The mempool is then revalidated against the reverted
 * head in order, and entries that no longer fit (the funds or the nonce they relied on were in a
 * dropped block) are dropped too. Re-submitting a dropped transfer, identical, makes it pending
 * again under the same id.
 */
import { ThbChainError } from "./errors";
import { blockHash, fundId, transferId, transferMessage, decodeAddress, U64_MAX, type TransferFields } from "./encoding";
import { verifyBytes } from "./keys";
import bs58 from "bs58";

export type JournalRecord =
  | { seq: number; t: "genesis"; chainId: string; timestamp: number }
  | { seq: number; t: "fund"; to: string; amount: string }
  | { seq: number; t: "transfer"; from: string; to: string; amount: string; memo: string; nonce: number; signature: string }
  | { seq: number; t: "block"; timestamp: number; count: number; hash: string }
  | { seq: number; t: "reorg"; depth: number; requeue: boolean };

/** A record before it has its place in the journal. */
export type NewRecord = JournalRecord extends infer R ? (R extends JournalRecord ? Omit<R, "seq"> : never) : never;

export interface SignedTransfer extends TransferFields {
  /** base58, 64 bytes */
  signature: string;
}

interface Account {
  balance: bigint;
  nonce: number;
}

export interface StoredTransfer {
  id: string;
  kind: "transfer" | "fund";
  from: string | null;
  to: string;
  amount: bigint;
  memo: string;
  nonce: number | null;
  signature: string | null;
  where: "mempool" | "block" | "dropped";
  height: number | null;
  index: number | null;
}

export interface StoredBlock {
  height: number;
  hash: string;
  parentHash: string;
  timestamp: number;
  epoch: number;
  transfers: string[];
}

export type TransferStatus = "pending" | "confirmed" | "dropped";

export interface TransferView {
  id: string;
  kind: "transfer" | "fund";
  from: string | null;
  to: string;
  /** base units (0.000001 THB), decimal string */
  amount: string;
  memo: string;
  nonce: number | null;
  signature: string | null;
  /** pending: in the mempool or in a block not yet `confirmationsRequired` deep */
  status: TransferStatus;
  inBlock: boolean;
  height: number | null;
  index: number | null;
  blockHash: string | null;
  timestamp: number | null;
  /** tip - height + 1 when in a block, else 0 */
  confirmations: number;
  confirmationsRequired: number;
}

export interface BlockView {
  height: number;
  hash: string;
  parentHash: string;
  timestamp: number;
  confirmations: number;
  transfers: TransferView[];
}

export interface AccountView {
  address: string;
  /** in blocks */
  balance: string;
  /** in blocks at least `confirmationsRequired` deep */
  confirmedBalance: string;
  /** with the mempool applied */
  pendingBalance: string;
  /** the nonce the account's next transfer must carry (counts its mempool transfers) */
  nonce: number;
  confirmationsRequired: number;
}

export interface ReorgResult {
  droppedBlocks: { height: number; hash: string }[];
  /** ids that left the chain (status dropped) */
  dropped: string[];
  /** ids back in the mempool (requeue) */
  requeued: string[];
}

export const ZERO_HASH = "0".repeat(64);

/** Thrown when a journal record does not fit the state it is replayed on. */
export class JournalDivergenceError extends Error {
  override readonly name = "JournalDivergenceError";
}

export interface SerializedState {
  chainId: string;
  seq: number;
  fundSeq: number;
  epoch: number;
  blocks: StoredBlock[];
  transfers: (Omit<StoredTransfer, "amount"> & { amount: string })[];
  mempool: string[];
  head: [string, string, number][];
}

export class LedgerState {
  chainId = "";
  seq = 0;
  fundSeq = 0;
  epoch = 0;
  readonly blocks: StoredBlock[] = [];
  readonly transfers = new Map<string, StoredTransfer>();
  mempool: string[] = [];
  private head = new Map<string, Account>();
  private pending = new Map<string, Account>();
  private readonly byAddress = new Map<string, string[]>();

  constructor(readonly confirmations: number) {}

  get tip(): number {
    return this.blocks.length - 1;
  }

  get tipBlock(): StoredBlock {
    const b = this.blocks[this.blocks.length - 1];
    if (!b) throw new Error("no genesis block");
    return b;
  }

  // ---- validation (nothing changes) ----

  /** Checks a signed transfer against the pending state; returns its id. */
  checkTransfer(t: SignedTransfer, opts: { verifySignature: boolean }): string {
    const from = decodeAddress(t.from);
    if (!from) throw new ThbChainError("INVALID_ADDRESS", "from is not a base58 32-byte address");
    if (!decodeAddress(t.to)) throw new ThbChainError("INVALID_ADDRESS", "to is not a base58 32-byte address");
    if (t.from === t.to) throw new ThbChainError("SELF_TRANSFER", "from and to are the same account");
    if (t.amount <= 0n || t.amount > U64_MAX) throw new ThbChainError("INVALID_INPUT", "amount must be between 1 and 2^64-1 base units");
    const message = transferMessage(this.chainId, t);
    const id = transferId(this.chainId, t);
    if (opts.verifySignature) {
      let sig: Uint8Array;
      try {
        sig = bs58.decode(t.signature);
      } catch {
        throw new ThbChainError("INVALID_SIGNATURE", "signature is not base58");
      }
      if (!verifyBytes(from, message, sig)) {
        throw new ThbChainError("INVALID_SIGNATURE", "the signature does not verify for from over this transfer on this chain");
      }
    }
    const known = this.transfers.get(id);
    if (known && known.where !== "dropped") {
      throw new ThbChainError("DUPLICATE_TRANSFER", "this transfer was already accepted", { id, status: this.statusOf(known) });
    }
    this.checkFits(this.pending, t.from, t.to, t.amount, t.nonce);
    return id;
  }

  private checkFits(accounts: Map<string, Account>, from: string | null, to: string, amount: bigint, nonce: number | null): void {
    if (from !== null) {
      const a = accounts.get(from) ?? { balance: 0n, nonce: 0 };
      if (nonce! < a.nonce) throw new ThbChainError("NONCE_USED", `nonce ${nonce} was already used; the next is ${a.nonce}`, { expected: a.nonce });
      if (nonce! > a.nonce) throw new ThbChainError("NONCE_TOO_HIGH", `nonce ${nonce} is ahead; the next is ${a.nonce}`, { expected: a.nonce });
      if (a.balance < amount) {
        throw new ThbChainError("INSUFFICIENT_FUNDS", `the balance (with pending transfers) is ${a.balance}, the transfer needs ${amount}`, {
          available: a.balance.toString(),
        });
      }
    }
    const b = accounts.get(to)?.balance ?? 0n;
    if (b + amount > U64_MAX) throw new ThbChainError("BALANCE_OVERFLOW", "the recipient's balance would pass 2^64-1 base units");
  }

  checkFund(to: string, amount: bigint): void {
    if (!decodeAddress(to)) throw new ThbChainError("INVALID_ADDRESS", "address is not a base58 32-byte address");
    if (amount <= 0n || amount > U64_MAX) throw new ThbChainError("INVALID_INPUT", "amount must be between 1 and 2^64-1 base units");
    this.checkFits(this.pending, null, to, amount, null);
  }

  checkReorg(depth: number): void {
    const max = Math.min(this.confirmations - 1, this.tip);
    if (!Number.isSafeInteger(depth) || depth < 1 || depth > max) {
      throw new ThbChainError("REORG_TOO_DEEP", `a reorg may drop 1 to ${max} unconfirmed blocks (confirmations required: ${this.confirmations})`, {
        max,
      });
    }
  }

  /** The next block's record: the first `max` mempool entries on top of the tip. */
  nextBlock(timestamp: number, max: number): Omit<Extract<JournalRecord, { t: "block" }>, "seq"> {
    const parent = this.tipBlock;
    const ts = Math.max(timestamp, parent.timestamp);
    const ids = this.mempool.slice(0, max);
    const hash = blockHash(this.chainId, { height: parent.height + 1, parentHash: parent.hash, timestamp: ts, epoch: this.epoch, transfers: ids });
    return { t: "block", timestamp: ts, count: ids.length, hash };
  }

  // ---- application ----

  /** Applies one record (a reorg's answer is returned: what it dropped or requeued). */
  apply(rec: JournalRecord): ReorgResult | null {
    if (rec.seq !== this.seq + 1) throw new JournalDivergenceError(`record ${rec.seq} follows ${this.seq}`);
    if (rec.t !== "genesis" && this.blocks.length === 0) throw new JournalDivergenceError("the first record is not the genesis");
    let result: ReorgResult | null = null;
    switch (rec.t) {
      case "genesis": {
        if (this.blocks.length > 0) throw new JournalDivergenceError("a second genesis");
        this.chainId = rec.chainId;
        const header = { height: 0, parentHash: ZERO_HASH, timestamp: rec.timestamp, epoch: 0, transfers: [] };
        this.blocks.push({ ...header, hash: blockHash(rec.chainId, header) });
        break;
      }
      case "fund": {
        const amount = BigInt(rec.amount);
        this.fundSeq += 1;
        const id = fundId(this.chainId, this.fundSeq, rec.to, amount);
        this.addPending({ id, kind: "fund", from: null, to: rec.to, amount, memo: "", nonce: null, signature: null, where: "mempool", height: null, index: null });
        break;
      }
      case "transfer": {
        const t = { from: rec.from, to: rec.to, amount: BigInt(rec.amount), memo: rec.memo, nonce: rec.nonce };
        const id = transferId(this.chainId, t);
        this.addPending({ id, kind: "transfer", ...t, signature: rec.signature, where: "mempool", height: null, index: null });
        break;
      }
      case "block":
        this.applyBlock(rec);
        break;
      case "reorg":
        result = this.applyReorg(rec.depth, rec.requeue);
        break;
    }
    this.seq = rec.seq;
    return result;
  }

  private addPending(tr: StoredTransfer): void {
    try {
      this.checkFits(this.pending, tr.from, tr.to, tr.amount, tr.nonce);
    } catch (e) {
      throw new JournalDivergenceError(`record ${this.seq + 1} (${tr.id}) does not fit: ${(e as Error).message}`);
    }
    const known = this.transfers.get(tr.id);
    if (known && known.where !== "dropped") throw new JournalDivergenceError(`record ${this.seq + 1}: ${tr.id} is already on the chain`);
    move(this.pending, tr);
    this.transfers.set(tr.id, tr);
    this.mempool.push(tr.id);
    if (!known) {
      if (tr.from !== null) this.index(tr.from, tr.id);
      this.index(tr.to, tr.id);
    }
  }

  private index(address: string, id: string): void {
    const list = this.byAddress.get(address);
    if (list) list.push(id);
    else this.byAddress.set(address, [id]);
  }

  private applyBlock(rec: Extract<JournalRecord, { t: "block" }>): void {
    const parent = this.tipBlock;
    if (rec.count > this.mempool.length) throw new JournalDivergenceError(`block ${parent.height + 1} takes ${rec.count} of ${this.mempool.length} mempool entries`);
    const ids = this.mempool.slice(0, rec.count);
    const height = parent.height + 1;
    const header = { height, parentHash: parent.hash, timestamp: rec.timestamp, epoch: this.epoch, transfers: ids };
    const hash = blockHash(this.chainId, header);
    if (hash !== rec.hash) throw new JournalDivergenceError(`block ${height}: hash ${hash} is not the recorded ${rec.hash}`);
    this.mempool = this.mempool.slice(rec.count);
    ids.forEach((id, index) => {
      const tr = this.transfers.get(id)!;
      move(this.head, tr);
      tr.where = "block";
      tr.height = height;
      tr.index = index;
    });
    this.blocks.push({ ...header, hash });
  }

  private applyReorg(depth: number, requeue: boolean): ReorgResult {
    if (depth < 1 || depth > this.tip) throw new JournalDivergenceError(`reorg of ${depth} blocks at tip ${this.tip}`);
    const removed = this.blocks.splice(this.blocks.length - depth, depth);
    for (let b = removed.length - 1; b >= 0; b--) {
      const ids = removed[b]!.transfers;
      for (let i = ids.length - 1; i >= 0; i--) unmove(this.head, this.transfers.get(ids[i]!)!);
    }
    const fromBlocks = removed.flatMap((b) => b.transfers);
    const fromBlockSet = new Set(fromBlocks);
    const result: ReorgResult = { droppedBlocks: removed.map((b) => ({ height: b.height, hash: b.hash })), dropped: [], requeued: [] };
    for (const id of fromBlocks) {
      const tr = this.transfers.get(id)!;
      tr.height = null;
      tr.index = null;
      tr.where = requeue ? "mempool" : "dropped";
      if (!requeue) result.dropped.push(id);
    }
    this.epoch += 1;
    // Rebuild the pending view on the reverted head and keep the mempool entries that still fit.
    const candidates = requeue ? [...fromBlocks, ...this.mempool] : this.mempool;
    this.pending = cloneAccounts(this.head);
    this.mempool = [];
    for (const id of candidates) {
      const tr = this.transfers.get(id)!;
      try {
        this.checkFits(this.pending, tr.from, tr.to, tr.amount, tr.nonce);
      } catch {
        tr.where = "dropped";
        result.dropped.push(id);
        continue;
      }
      move(this.pending, tr);
      this.mempool.push(id);
      if (requeue && fromBlockSet.has(id)) result.requeued.push(id);
    }
    return result;
  }

  // ---- reads ----

  statusOf(tr: StoredTransfer): TransferStatus {
    if (tr.where === "dropped") return "dropped";
    if (tr.where === "mempool") return "pending";
    return this.tip - tr.height! + 1 >= this.confirmations ? "confirmed" : "pending";
  }

  viewTransfer(tr: StoredTransfer): TransferView {
    const block = tr.height !== null ? this.blocks[tr.height] : undefined;
    return {
      id: tr.id,
      kind: tr.kind,
      from: tr.from,
      to: tr.to,
      amount: tr.amount.toString(),
      memo: tr.memo,
      nonce: tr.nonce,
      signature: tr.signature,
      status: this.statusOf(tr),
      inBlock: tr.where === "block",
      height: tr.height,
      index: tr.index,
      blockHash: block?.hash ?? null,
      timestamp: block?.timestamp ?? null,
      confirmations: tr.height !== null ? this.tip - tr.height + 1 : 0,
      confirmationsRequired: this.confirmations,
    };
  }

  transfer(id: string): TransferView | null {
    const tr = this.transfers.get(id);
    return tr ? this.viewTransfer(tr) : null;
  }

  account(address: string): AccountView {
    const head = this.head.get(address) ?? { balance: 0n, nonce: 0 };
    const pending = this.pending.get(address) ?? { balance: 0n, nonce: 0 };
    // Undo the blocks that are not yet deep enough.
    let confirmed = head.balance;
    for (let h = Math.max(1, this.tip - this.confirmations + 2); h <= this.tip; h++) {
      for (const id of this.blocks[h]!.transfers) {
        const tr = this.transfers.get(id)!;
        if (tr.to === address) confirmed -= tr.amount;
        if (tr.from === address) confirmed += tr.amount;
      }
    }
    return {
      address,
      balance: head.balance.toString(),
      confirmedBalance: confirmed.toString(),
      pendingBalance: pending.balance.toString(),
      nonce: pending.nonce,
      confirmationsRequired: this.confirmations,
    };
  }

  /**
   * The account's transfers, incoming and outgoing: those in blocks at height >= since (by height,
   * then position), then those in the mempool. Dropped ones only with includeDropped.
   */
  accountTransfers(
    address: string,
    opts: { since: number; direction: "in" | "out" | "all"; limit: number; includeDropped: boolean },
  ): { transfers: TransferView[]; truncated: boolean } {
    const ids = this.byAddress.get(address) ?? [];
    const picked: StoredTransfer[] = [];
    for (const id of ids) {
      const tr = this.transfers.get(id)!;
      if (opts.direction === "in" && tr.to !== address) continue;
      if (opts.direction === "out" && tr.from !== address) continue;
      if (tr.where === "dropped" && !opts.includeDropped) continue;
      if (tr.where === "block" && tr.height! < opts.since) continue;
      picked.push(tr);
    }
    const rank = (t: StoredTransfer) => (t.where === "block" ? 0 : t.where === "mempool" ? 1 : 2);
    const pos = new Map(this.mempool.map((id, i) => [id, i]));
    picked.sort(
      (a, b) =>
        rank(a) - rank(b) ||
        (a.where === "block" ? a.height! - b.height! || a.index! - b.index! : a.where === "mempool" ? pos.get(a.id)! - pos.get(b.id)! : 0),
    );
    return { transfers: picked.slice(0, opts.limit).map((t) => this.viewTransfer(t)), truncated: picked.length > opts.limit };
  }

  block(height: number): BlockView | null {
    const b = this.blocks[height];
    if (!b) return null;
    return {
      height: b.height,
      hash: b.hash,
      parentHash: b.parentHash,
      timestamp: b.timestamp,
      confirmations: this.tip - b.height + 1,
      transfers: b.transfers.map((id) => this.viewTransfer(this.transfers.get(id)!)),
    };
  }

  /** Σ balances in blocks and with the mempool, and Σ faucet credits in each (the invariant's two sides). */
  supply(): { head: bigint; pending: bigint; fundedHead: bigint; fundedPending: bigint } {
    const sum = (m: Map<string, Account>) => [...m.values()].reduce((s, a) => s + a.balance, 0n);
    let fundedHead = 0n;
    let fundedPending = 0n;
    for (const tr of this.transfers.values()) {
      if (tr.kind !== "fund") continue;
      if (tr.where === "block") fundedHead += tr.amount;
      if (tr.where !== "dropped") fundedPending += tr.amount;
    }
    return { head: sum(this.head), pending: sum(this.pending), fundedHead, fundedPending };
  }

  /** Every balance is >= 0 (the state machine never lets one go below). */
  balances(): { head: Map<string, bigint>; pending: Map<string, bigint> } {
    const pick = (m: Map<string, Account>) => new Map([...m].map(([k, a]) => [k, a.balance]));
    return { head: pick(this.head), pending: pick(this.pending) };
  }

  // ---- snapshots ----

  serialize(): SerializedState {
    return {
      chainId: this.chainId,
      seq: this.seq,
      fundSeq: this.fundSeq,
      epoch: this.epoch,
      blocks: this.blocks,
      transfers: [...this.transfers.values()].map((t) => ({ ...t, amount: t.amount.toString() })),
      mempool: this.mempool,
      head: [...this.head].map(([k, a]) => [k, a.balance.toString(), a.nonce]),
    };
  }

  static deserialize(s: SerializedState, confirmations: number): LedgerState {
    const st = new LedgerState(confirmations);
    st.chainId = s.chainId;
    st.seq = s.seq;
    st.fundSeq = s.fundSeq;
    st.epoch = s.epoch;
    st.blocks.push(...s.blocks.map((b) => ({ ...b, transfers: [...b.transfers] })));
    for (const t of s.transfers) {
      const tr: StoredTransfer = { ...t, amount: BigInt(t.amount) };
      st.transfers.set(tr.id, tr);
      if (tr.from !== null) st.index(tr.from, tr.id);
      st.index(tr.to, tr.id);
    }
    st.head = new Map(s.head.map(([k, b, n]) => [k, { balance: BigInt(b), nonce: n }]));
    st.pending = cloneAccounts(st.head);
    st.mempool = [...s.mempool];
    for (const id of st.mempool) move(st.pending, st.transfers.get(id)!);
    return st;
  }
}

function cloneAccounts(m: Map<string, Account>): Map<string, Account> {
  return new Map([...m].map(([k, a]) => [k, { ...a }]));
}

function move(accounts: Map<string, Account>, tr: StoredTransfer): void {
  if (tr.from !== null) {
    const a = accounts.get(tr.from) ?? { balance: 0n, nonce: 0 };
    accounts.set(tr.from, { balance: a.balance - tr.amount, nonce: a.nonce + 1 });
  }
  const b = accounts.get(tr.to) ?? { balance: 0n, nonce: 0 };
  accounts.set(tr.to, { balance: b.balance + tr.amount, nonce: b.nonce });
}

function unmove(accounts: Map<string, Account>, tr: StoredTransfer): void {
  const b = accounts.get(tr.to)!;
  accounts.set(tr.to, { balance: b.balance - tr.amount, nonce: b.nonce });
  if (tr.from !== null) {
    const a = accounts.get(tr.from)!;
    accounts.set(tr.from, { balance: a.balance + tr.amount, nonce: a.nonce - 1 });
  }
}
