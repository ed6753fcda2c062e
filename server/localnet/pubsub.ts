/**
 * Solana's PubSub WebSocket API over the chain's events: signature, account, program, logs,
 * slot and root subscriptions, each notified at the commitment it asked for. An event reaches
 * `processed` subscribers when its ledger record is durable, `confirmed` ones once the chain has
 * moved past its slot, `finalized` ones once its slot is rooted.
 */
import { WebSocketServer, WebSocket, type RawData } from "ws";
import type { Server } from "node:http";
import { parseCommitment } from "./params";
import { RpcCode, RpcError, invalidParams } from "./errors";
import {
  encodeAccount,
  matchesFilters,
  parseDataSlice,
  parseEncoding,
  parseFilters,
  type AccountEncoding,
  type AccountFilter,
  type DataSlice,
} from "./encoding";
import type { Chain, ChainEvent, ChainListener, Commitment } from "./chain";
import type { AccountState } from "~/lib/solana/svm";
import { isValidAddress } from "~/lib/solana/b58";

const LEVEL: Record<Commitment, number> = { processed: 0, confirmed: 1, finalized: 2 };

interface BaseSub {
  id: number;
  ws: WebSocket;
  level: number;
}
interface SignatureSub extends BaseSub {
  kind: "signature";
  signature: string;
  received: boolean;
}
interface AccountSub extends BaseSub {
  kind: "account";
  address: string;
  encoding: AccountEncoding;
  slice: DataSlice | undefined;
}
interface ProgramSub extends BaseSub {
  kind: "program";
  programId: string;
  encoding: AccountEncoding;
  slice: DataSlice | undefined;
  filters: AccountFilter[];
}
interface LogsSub extends BaseSub {
  kind: "logs";
  mentions: string | null;
}
interface SlotSub extends BaseSub {
  kind: "slot" | "root";
}
type Sub = SignatureSub | AccountSub | ProgramSub | LogsSub | SlotSub;

const UNSUBSCRIBE: Record<string, Sub["kind"]> = {
  signatureUnsubscribe: "signature",
  accountUnsubscribe: "account",
  programUnsubscribe: "program",
  logsUnsubscribe: "logs",
  slotUnsubscribe: "slot",
  rootUnsubscribe: "root",
};

const NOTIFICATION: Record<Sub["kind"], string> = {
  signature: "signatureNotification",
  account: "accountNotification",
  program: "programNotification",
  logs: "logsNotification",
  slot: "slotNotification",
  root: "rootNotification",
};

const CLOSED_ACCOUNT: AccountState = {
  lamports: 0n,
  data: new Uint8Array(),
  owner: "11111111111111111111111111111111",
  executable: false,
};

export class PubSub implements ChainListener {
  private wss: WebSocketServer;
  private nextId = 0;
  private subs = new Map<number, Sub>();
  private bySignature = new Map<string, Set<SignatureSub>>();
  private byAccount = new Map<string, Set<AccountSub>>();
  private byProgram = new Map<string, Set<ProgramSub>>();
  private logs = new Set<LogsSub>();
  private slots = new Set<SlotSub>();
  private roots = new Set<SlotSub>();
  private awaitingConfirmed: ChainEvent[] = [];
  private awaitingFinalized: ChainEvent[] = [];
  private lastRoot = -1;

  constructor(
    private chain: Chain,
    server: Server,
  ) {
    this.wss = new WebSocketServer({ server, maxPayload: 1024 * 1024 });
    this.wss.on("connection", (ws) => {
      ws.on("message", (data) => this.onMessage(ws, data));
      ws.on("close", () => this.dropSocket(ws));
      ws.on("error", () => this.dropSocket(ws));
    });
    chain.listener = this;
  }

  get subscriptionCount(): number {
    return this.subs.size;
  }

  async close(): Promise<void> {
    // 1000 = normal closure: web3.js reconnects only if it still has subscriptions.
    for (const ws of this.wss.clients) ws.close(1000, "server shutting down");
    const deadline = Date.now() + 500;
    while (this.wss.clients.size > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    for (const ws of this.wss.clients) ws.terminate();
    await new Promise<void>((res) => this.wss.close(() => res()));
  }

  // ------------------------------------------------------------------ requests

  private onMessage(ws: WebSocket, data: RawData): void {
    let msg: unknown;
    try {
      msg = JSON.parse(rawToString(data));
    } catch {
      this.send(ws, { jsonrpc: "2.0", id: null, error: { code: RpcCode.ParseError, message: "Parse error" } });
      return;
    }
    const reqs = Array.isArray(msg) ? msg : [msg];
    for (const req of reqs) this.handle(ws, req);
  }

  private handle(ws: WebSocket, req: unknown): void {
    if (typeof req !== "object" || req === null) {
      this.send(ws, { jsonrpc: "2.0", id: null, error: { code: RpcCode.InvalidRequest, message: "Invalid request" } });
      return;
    }
    const { id, method, params } = req as { id?: unknown; method?: unknown; params?: unknown };
    // web3.js sends a `ping` notification (no id) every few seconds to keep the socket open.
    if (id === undefined) return;
    const after: (() => void)[] = [];
    try {
      if (typeof method !== "string") throw new RpcError(RpcCode.InvalidRequest, "Invalid request");
      const p = params === undefined ? [] : params;
      if (!Array.isArray(p)) throw invalidParams("params must be an array");
      const result = this.dispatch(ws, method, p, after);
      this.send(ws, { jsonrpc: "2.0", result, id });
    } catch (e) {
      const err = e instanceof RpcError ? e : new RpcError(RpcCode.InternalError, `Internal error: ${(e as Error).message}`);
      this.send(ws, { jsonrpc: "2.0", error: { code: err.code, message: err.message, ...(err.data !== undefined ? { data: err.data } : {}) }, id });
    }
    // Notifications that are already due go out after the subscription id, as clients expect.
    for (const f of after) f();
  }

  private dispatch(ws: WebSocket, method: string, params: unknown[], after: (() => void)[]): unknown {
    const unsubKind = UNSUBSCRIBE[method];
    if (unsubKind) {
      const id = params[0];
      const sub = typeof id === "number" ? this.subs.get(id) : undefined;
      if (sub?.kind !== unsubKind || sub.ws !== ws) throw invalidParams("Invalid subscription id.");
      this.remove(sub);
      return true;
    }
    const cfg = (params[1] ?? {}) as Record<string, unknown>;
    const base = () => ({ id: this.nextId++, ws, level: LEVEL[parseCommitment(cfg.commitment)] });
    switch (method) {
      case "signatureSubscribe": {
        const signature = params[0];
        if (typeof signature !== "string" || signature.length < 64 || signature.length > 88) throw invalidParams("Invalid signature");
        const sub: SignatureSub = { ...base(), kind: "signature", signature, received: cfg.enableReceivedNotification === true };
        this.add(sub);
        const entry = this.chain.status(signature);
        if (entry && LEVEL[this.chain.statusOf(entry.slot)] >= sub.level) {
          after.push(() => this.notifySignature(sub, entry.slot, entry.err));
        }
        return sub.id;
      }
      case "accountSubscribe": {
        const address = params[0];
        if (typeof address !== "string" || !isValidAddress(address)) throw invalidParams("Invalid pubkey");
        const sub: AccountSub = {
          ...base(),
          kind: "account",
          address,
          encoding: parseEncoding(cfg.encoding, "binary"),
          slice: parseDataSlice(cfg.dataSlice),
        };
        this.add(sub);
        return sub.id;
      }
      case "programSubscribe": {
        const programId = params[0];
        if (typeof programId !== "string" || !isValidAddress(programId)) throw invalidParams("Invalid pubkey");
        const sub: ProgramSub = {
          ...base(),
          kind: "program",
          programId,
          encoding: parseEncoding(cfg.encoding, "binary"),
          slice: parseDataSlice(cfg.dataSlice),
          filters: parseFilters(cfg.filters),
        };
        this.add(sub);
        return sub.id;
      }
      case "logsSubscribe": {
        const filter = params[0];
        let mentions: string | null = null;
        if (filter === "all" || filter === "allWithVotes") mentions = null;
        else if (typeof filter === "object" && filter !== null && Array.isArray((filter as { mentions?: unknown }).mentions)) {
          const list = (filter as { mentions: unknown[] }).mentions;
          if (list.length !== 1 || typeof list[0] !== "string" || !isValidAddress(list[0])) {
            throw invalidParams("Invalid Request: Only 1 address supported");
          }
          mentions = list[0];
        } else throw invalidParams("logsSubscribe filter must be \"all\", \"allWithVotes\" or {mentions:[address]}");
        const sub: LogsSub = { ...base(), kind: "logs", mentions };
        this.add(sub);
        return sub.id;
      }
      case "slotSubscribe":
      case "rootSubscribe": {
        const sub: SlotSub = { id: this.nextId++, ws, level: 0, kind: method === "slotSubscribe" ? "slot" : "root" };
        this.add(sub);
        return sub.id;
      }
      default:
        throw new RpcError(RpcCode.MethodNotFound, "Method not found");
    }
  }

  private add(sub: Sub): void {
    this.subs.set(sub.id, sub);
    switch (sub.kind) {
      case "signature":
        getSet(this.bySignature, sub.signature).add(sub);
        break;
      case "account":
        getSet(this.byAccount, sub.address).add(sub);
        break;
      case "program":
        getSet(this.byProgram, sub.programId).add(sub);
        break;
      case "logs":
        this.logs.add(sub);
        break;
      case "slot":
        this.slots.add(sub);
        break;
      case "root":
        this.roots.add(sub);
        break;
    }
  }

  private remove(sub: Sub): void {
    this.subs.delete(sub.id);
    switch (sub.kind) {
      case "signature":
        deleteFrom(this.bySignature, sub.signature, sub);
        break;
      case "account":
        deleteFrom(this.byAccount, sub.address, sub);
        break;
      case "program":
        deleteFrom(this.byProgram, sub.programId, sub);
        break;
      case "logs":
        this.logs.delete(sub);
        break;
      case "slot":
        this.slots.delete(sub);
        break;
      case "root":
        this.roots.delete(sub);
        break;
    }
  }

  private dropSocket(ws: WebSocket): void {
    for (const sub of [...this.subs.values()]) if (sub.ws === ws) this.remove(sub);
  }

  // ------------------------------------------------------------------ chain events

  wantsAccounts(): boolean {
    return this.byAccount.size > 0 || this.byProgram.size > 0;
  }

  onReceived(signature: string): void {
    const subs = this.bySignature.get(signature);
    if (!subs) return;
    for (const sub of subs) {
      if (sub.received) this.notify(sub, { context: { slot: this.chain.slot }, value: "receivedSignature" });
    }
  }

  onEvent(ev: ChainEvent): void {
    this.deliver(ev, 0);
    if (ev.slot <= this.chain.slotAt("confirmed")) this.deliver(ev, 1);
    else this.awaitingConfirmed.push(ev);
    if (ev.slot <= this.chain.rootSlot()) this.deliver(ev, 2);
    else this.awaitingFinalized.push(ev);
  }

  onSlot(slot: number): void {
    const confirmed = this.chain.slotAt("confirmed");
    const root = this.chain.rootSlot();
    let i = 0;
    while (i < this.awaitingConfirmed.length && this.awaitingConfirmed[i]!.slot <= confirmed) this.deliver(this.awaitingConfirmed[i++]!, 1);
    if (i > 0) this.awaitingConfirmed.splice(0, i);
    i = 0;
    while (i < this.awaitingFinalized.length && this.awaitingFinalized[i]!.slot <= root) this.deliver(this.awaitingFinalized[i++]!, 2);
    if (i > 0) this.awaitingFinalized.splice(0, i);
    for (const sub of this.slots) this.notify(sub, { parent: Math.max(0, slot - 1), root, slot });
    if (root !== this.lastRoot) {
      this.lastRoot = root;
      for (const sub of this.roots) this.notify(sub, root);
    }
  }

  private deliver(ev: ChainEvent, level: number): void {
    const context = { slot: ev.slot };
    if (ev.tx) {
      const { signature, err, logs, mentions } = ev.tx;
      const sigSubs = this.bySignature.get(signature);
      if (sigSubs) for (const sub of [...sigSubs]) if (sub.level === level) this.notifySignature(sub, ev.slot, err);
      for (const sub of this.logs) {
        if (sub.level !== level) continue;
        if (sub.mentions !== null && !mentions.includes(sub.mentions)) continue;
        this.notify(sub, { context, value: { signature, err, logs } });
      }
    }
    for (const change of ev.accounts) {
      const state = change.state ?? CLOSED_ACCOUNT;
      const accSubs = this.byAccount.get(change.address);
      if (accSubs) {
        for (const sub of accSubs) {
          if (sub.level === level) this.notify(sub, { context, value: this.encode(state, sub.encoding, sub.slice) });
        }
      }
      const progSubs = this.byProgram.get(state.owner);
      if (progSubs) {
        for (const sub of progSubs) {
          if (sub.level !== level || !matchesFilters(state, sub.filters)) continue;
          this.notify(sub, { context, value: { pubkey: change.address, account: this.encode(state, sub.encoding, sub.slice) } });
        }
      }
    }
  }

  private encode(state: AccountState, encoding: AccountEncoding, slice: DataSlice | undefined): unknown {
    const len = slice ? Math.min(slice.length, state.data.length) : state.data.length;
    // A notification cannot fail: large data goes out as base64 rather than base58.
    const enc = (encoding === "binary" || encoding === "base58") && len > 128 ? "base64" : encoding;
    return encodeAccount(state, enc, slice, (m) => this.chain.decimalsOf(m));
  }

  private notifySignature(sub: SignatureSub, slot: number, err: unknown): void {
    if (!this.subs.has(sub.id)) return;
    this.notify(sub, { context: { slot }, value: { err } });
    // A signature subscription ends with its final notification.
    this.remove(sub);
  }

  private notify(sub: Sub, result: unknown): void {
    this.send(sub.ws, { jsonrpc: "2.0", method: NOTIFICATION[sub.kind], params: { result, subscription: sub.id } });
  }

  private send(ws: WebSocket, msg: unknown): void {
    if (ws.readyState === WebSocket.OPEN) ws.send(JSON.stringify(msg));
  }
}

function rawToString(data: RawData): string {
  if (Array.isArray(data)) return Buffer.concat(data).toString("utf8");
  if (data instanceof ArrayBuffer) return Buffer.from(data).toString("utf8");
  return data.toString("utf8");
}

function getSet<K, V>(m: Map<K, Set<V>>, k: K): Set<V> {
  let s = m.get(k);
  if (!s) m.set(k, (s = new Set()));
  return s;
}

function deleteFrom<K, V>(m: Map<K, Set<V>>, k: K, v: V): void {
  const s = m.get(k);
  if (!s) return;
  s.delete(v);
  if (s.size === 0) m.delete(k);
}
