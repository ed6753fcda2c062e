/**
 * Solana JSON-RPC over HTTP: the methods web3.js v1, Anchor, spl-token, wallet-adapter and an
 * indexer call, with agave's result and error shapes. Batches are answered in order.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import bs58 from "bs58";
import { type Chain, type Commitment, type FullTransaction } from "./chain";
import {
  encodeAccount,
  innerInstructionsJson,
  isTokenAccountData,
  matchesFilters,
  parseDataSlice,
  parseEncoding,
  parseFilters,
  readMint,
  readTokenAccount,
  TOKEN_2022_PROGRAM,
  TOKEN_PROGRAM,
  uiTokenAmount,
  type AccountEncoding,
  type DataSlice,
} from "./encoding";
import { invalidParams, RpcCode, RpcError } from "./errors";
import { verifySignature } from "./keys";
import { address, config, parseCommitment, signature, smallInt, u64 } from "./params";
import { SLOTS_PER_EPOCH, type AccountState, type SimResult } from "~/lib/solana/svm";
import { decodeWire, parseMessage, parseTransaction, withBlockhash, WireError, type ParsedTx } from "./wire";

export const SOLANA_CORE_VERSION = "3.0.0";
const MAX_BODY = 10 * 1024 * 1024;

type Handler = (params: unknown[]) => unknown;

export interface RpcOptions {
  cheats: boolean;
}

function ctx(chain: Chain, c: Commitment = "processed") {
  return { apiVersion: SOLANA_CORE_VERSION, slot: chain.slotAt(c) };
}

function checkMinContextSlot(chain: Chain, cfg: Record<string, unknown>, c: Commitment): void {
  if (cfg.minContextSlot === undefined || cfg.minContextSlot === null) return;
  const min = smallInt(cfg.minContextSlot, "minContextSlot");
  const at = chain.slotAt(c);
  if (min > at) {
    throw new RpcError(RpcCode.MinContextSlotNotReached, "Minimum context slot has not been reached", { contextSlot: at });
  }
}

function decodeTx(data: unknown, encoding: unknown): ParsedTx {
  if (typeof data !== "string") throw invalidParams("transaction must be an encoded string");
  const enc = encoding ?? "base58";
  if (typeof enc !== "string") throw invalidParams("encoding must be a string");
  try {
    return parseTransaction(decodeWire(data, enc));
  } catch (e) {
    if (e instanceof WireError) throw invalidParams(`failed to deserialize transaction: ${e.message}`);
    throw e;
  }
}

export function createRpc(chain: Chain, opts: RpcOptions) {
  const decimals = (m: string) => chain.decimalsOf(m);
  const account = (bytes: Uint8Array): AccountState | null => {
    const a = chain.svm.getAccount(bytes);
    // The runtime keeps zero-lamport accounts around briefly; RPC treats them as absent.
    return a && a.lamports > 0n ? a : null;
  };
  const enc = (a: AccountState | null, e: AccountEncoding, s: DataSlice | undefined) =>
    a ? encodeAccount(a, e, s, decimals) : null;

  const methods: Record<string, Handler> = {
    getHealth: () => {
      const broken = chain.health;
      if (broken) throw new RpcError(RpcCode.NodeUnhealthy, `Node is unhealthy: ${broken.message}`);
      return "ok";
    },
    getVersion: () => ({ "solana-core": SOLANA_CORE_VERSION, "feature-set": 0 }),
    getGenesisHash: () => chain.genesisHash,
    getIdentity: () => ({ identity: chain.identity }),
    getSlotLeader: () => chain.identity,
    getFirstAvailableBlock: () => 0,
    minimumLedgerSlot: () => 0,
    getMaxRetransmitSlot: () => chain.slot,
    getMaxShredInsertSlot: () => chain.slot,
    getClusterNodes: () => [
      { pubkey: chain.identity, gossip: null, tpu: null, rpc: null, pubsub: null, version: SOLANA_CORE_VERSION, featureSet: 0, shredVersion: 0 },
    ],
    getRecentPrioritizationFees: () => [],
    getSlot: (p) => {
      const cfg = config(p, 0);
      const c = parseCommitment(cfg.commitment);
      checkMinContextSlot(chain, cfg, c);
      return chain.slotAt(c);
    },
    getBlockHeight: (p) => {
      const cfg = config(p, 0);
      const c = parseCommitment(cfg.commitment);
      checkMinContextSlot(chain, cfg, c);
      return chain.slotAt(c);
    },
    getTransactionCount: () => chain.transactionCount,
    getEpochSchedule: () => ({
      slotsPerEpoch: SLOTS_PER_EPOCH,
      leaderScheduleSlotOffset: SLOTS_PER_EPOCH,
      warmup: false,
      firstNormalEpoch: 0,
      firstNormalSlot: 0,
    }),
    getEpochInfo: (p) => {
      const c = parseCommitment(config(p, 0).commitment);
      const slot = chain.slotAt(c);
      return {
        absoluteSlot: slot,
        blockHeight: slot,
        epoch: Math.floor(slot / SLOTS_PER_EPOCH),
        slotIndex: slot % SLOTS_PER_EPOCH,
        slotsInEpoch: SLOTS_PER_EPOCH,
        transactionCount: chain.transactionCount,
      };
    },
    getLatestBlockhash: (p) => {
      const cfg = config(p, 0);
      const c = parseCommitment(cfg.commitment);
      checkMinContextSlot(chain, cfg, c);
      const b = chain.latestBlockhash(c);
      return { context: ctx(chain, c), value: { blockhash: b.blockhash, lastValidBlockHeight: b.lastValidBlockHeight } };
    },
    isBlockhashValid: (p) => {
      if (typeof p[0] !== "string") throw invalidParams("blockhash must be a string");
      return { context: ctx(chain), value: chain.isBlockhashValid(p[0]) };
    },
    getFeeForMessage: (p) => {
      if (typeof p[0] !== "string") throw invalidParams("message must be a base64 string");
      let tx: ParsedTx;
      try {
        tx = parseMessage(decodeWire(p[0], "base64"));
      } catch (e) {
        if (e instanceof WireError) throw invalidParams(`failed to deserialize message: ${e.message}`);
        throw e;
      }
      return { context: ctx(chain), value: chain.isBlockhashValid(tx.recentBlockhash) ? chain.feeFor(tx) : null };
    },
    getMinimumBalanceForRentExemption: (p) => Number(chain.svm.minimumBalanceForRentExemption(smallInt(p[0] ?? 0, "data length", 10 * 1024 * 1024))),
    getBlockTime: (p) => {
      const slot = smallInt(p[0], "slot");
      const t = chain.blockTime(slot);
      if (t === null) throw new RpcError(RpcCode.BlockNotAvailable, `Block not available for slot ${slot}`);
      return t;
    },

    getBalance: (p) => {
      const a = address(p[0]);
      const cfg = config(p, 1);
      checkMinContextSlot(chain, cfg, parseCommitment(cfg.commitment));
      return { context: ctx(chain), value: Number(account(a.bytes)?.lamports ?? 0n) };
    },
    getAccountInfo: (p) => {
      const a = address(p[0]);
      const cfg = config(p, 1);
      checkMinContextSlot(chain, cfg, parseCommitment(cfg.commitment));
      const e = parseEncoding(cfg.encoding, "binary");
      return { context: ctx(chain), value: enc(account(a.bytes), e, parseDataSlice(cfg.dataSlice)) };
    },
    getMultipleAccounts: (p) => {
      if (!Array.isArray(p[0])) throw invalidParams("first parameter must be an array of addresses");
      if (p[0].length > 100) throw invalidParams("Too many inputs provided; max 100");
      const keys = p[0].map((k) => address(k));
      const cfg = config(p, 1);
      checkMinContextSlot(chain, cfg, parseCommitment(cfg.commitment));
      const e = parseEncoding(cfg.encoding, "base64");
      const s = parseDataSlice(cfg.dataSlice);
      return { context: ctx(chain), value: keys.map((k) => enc(account(k.bytes), e, s)) };
    },
    getProgramAccounts: (p) => {
      const program = address(p[0], "program id");
      const cfg = config(p, 1);
      checkMinContextSlot(chain, cfg, parseCommitment(cfg.commitment));
      const e = parseEncoding(cfg.encoding, "binary");
      const s = parseDataSlice(cfg.dataSlice);
      const filters = parseFilters(cfg.filters);
      const value = chain.svm
        .programAccounts(program.bytes)
        .filter((x) => x.account.lamports > 0n && matchesFilters(x.account, filters))
        .map((x) => ({ pubkey: x.address, account: encodeAccount(x.account, e, s, decimals) }));
      return cfg.withContext === true ? { context: ctx(chain), value } : value;
    },
    getTokenAccountsByOwner: (p) => {
      const owner = address(p[0], "owner");
      const filter = p[1] as { mint?: unknown; programId?: unknown } | undefined;
      if (typeof filter !== "object" || filter === null) throw invalidParams("second parameter must be {mint} or {programId}");
      const cfg = config(p, 2);
      const e = parseEncoding(cfg.encoding, "binary");
      const s = parseDataSlice(cfg.dataSlice);
      let programs: string[];
      let mint: string | null = null;
      if (filter.mint !== undefined) {
        mint = address(filter.mint, "mint").b58;
        const m = account(address(filter.mint).bytes);
        if (!m || !readMint(m)) throw invalidParams("Invalid param: could not find mint");
        programs = [m.owner];
      } else if (filter.programId !== undefined) {
        const pid = address(filter.programId, "program id").b58;
        if (pid !== TOKEN_PROGRAM && pid !== TOKEN_2022_PROGRAM) throw invalidParams("Invalid param: unrecognized Token program id");
        programs = [pid];
      } else throw invalidParams("second parameter must be {mint} or {programId}");
      const value: unknown[] = [];
      for (const pid of programs) {
        for (const x of chain.svm.programAccounts(address(pid).bytes)) {
          if (x.account.lamports === 0n || !isTokenAccountData(x.account.data)) continue;
          const t = readTokenAccount(x.account);
          if (t?.owner !== owner.b58 || (mint !== null && t.mint !== mint)) continue;
          value.push({ pubkey: x.address, account: encodeAccount(x.account, e, s, decimals) });
        }
      }
      return { context: ctx(chain), value };
    },
    getTokenAccountBalance: (p) => {
      const a = account(address(p[0]).bytes);
      const t = a ? readTokenAccount(a) : null;
      if (!t) throw invalidParams("Invalid param: not a Token account");
      const d = t.isNative !== null ? 9 : decimals(t.mint);
      if (d === null) throw invalidParams("Invalid param: could not find mint");
      return { context: ctx(chain), value: uiTokenAmount(t.amount, d) };
    },
    getTokenSupply: (p) => {
      const a = account(address(p[0]).bytes);
      const m = a ? readMint(a) : null;
      if (!m) throw invalidParams("Invalid param: not a Token mint");
      return { context: ctx(chain), value: uiTokenAmount(m.supply, m.decimals) };
    },

    getSignatureStatuses: (p) => {
      if (!Array.isArray(p[0])) throw invalidParams("first parameter must be an array of signatures");
      if (p[0].length > 256) throw invalidParams("Too many inputs provided; max 256");
      const sigs = p[0].map(signature);
      return {
        context: ctx(chain),
        value: sigs.map((s) => {
          const e = chain.status(s);
          if (!e) return null;
          const level = chain.statusOf(e.slot);
          return {
            slot: e.slot,
            confirmations: level === "finalized" ? null : chain.slot - e.slot,
            err: e.err,
            status: e.err === null ? { Ok: null } : { Err: e.err },
            confirmationStatus: level,
          };
        }),
      };
    },
    getSignaturesForAddress: (p) => {
      const a = address(p[0]);
      const cfg = config(p, 1);
      const limit = cfg.limit === undefined || cfg.limit === null ? 1000 : smallInt(cfg.limit, "limit", 1000);
      if (limit === 0) throw invalidParams("Invalid limit; max 1000");
      const before = cfg.before === undefined || cfg.before === null ? undefined : signature(cfg.before);
      const until = cfg.until === undefined || cfg.until === null ? undefined : signature(cfg.until);
      return chain.signaturesFor(a.b58, { before, until, limit }).map((e) => ({
        signature: e.sig,
        slot: e.slot,
        err: e.err,
        memo: null,
        blockTime: e.time,
        confirmationStatus: chain.statusOf(e.slot),
      }));
    },
    getTransaction: async (p) => {
      const sig = signature(p[0]);
      const cfg = typeof p[1] === "string" ? { encoding: p[1] } : config(p, 1);
      const encoding = cfg.encoding ?? "json";
      if (encoding !== "json" && encoding !== "base64" && encoding !== "base58") {
        throw invalidParams(`unsupported encoding ${JSON.stringify(encoding)}; this local chain serves json, base64 and base58`);
      }
      const c = parseCommitment(cfg.commitment);
      if (c === "processed") throw invalidParams("Method does not support commitment below `confirmed`");
      const maxVersion = cfg.maxSupportedTransactionVersion;
      if (maxVersion !== undefined && maxVersion !== null && maxVersion !== 0) {
        throw invalidParams("maxSupportedTransactionVersion must be 0");
      }
      const full = await chain.transaction(sig);
      if (!full) return null;
      if (full.tx.version === 0 && (maxVersion === undefined || maxVersion === null)) {
        throw new RpcError(
          -32015,
          'Transaction version (0) is not supported by the requesting client. Please try the request again with the following configuration parameter: "maxSupportedTransactionVersion": 0',
        );
      }
      return encodeTransaction(full, encoding, maxVersion !== undefined && maxVersion !== null);
    },

    sendTransaction: async (p) => {
      const cfg = config(p, 1);
      const tx = decodeTx(p[0], cfg.encoding);
      checkMinContextSlot(chain, cfg, parseCommitment(cfg.preflightCommitment));
      return chain.submit(tx, { skipPreflight: cfg.skipPreflight === true });
    },
    simulateTransaction: (p) => {
      const cfg = config(p, 1);
      const tx = decodeTx(p[0], cfg.encoding);
      const sigVerify = cfg.sigVerify === true;
      const replace = cfg.replaceRecentBlockhash === true;
      if (sigVerify && replace) throw invalidParams("sigVerify may not be used with replaceRecentBlockhash");
      checkMinContextSlot(chain, cfg, parseCommitment(cfg.commitment));
      let accountsCfg: { addresses: { b58: string; bytes: Uint8Array }[]; encoding: AccountEncoding } | null = null;
      if (cfg.accounts !== undefined && cfg.accounts !== null) {
        const ac = cfg.accounts as { addresses?: unknown; encoding?: unknown };
        if (!Array.isArray(ac.addresses)) throw invalidParams("accounts.addresses must be an array");
        accountsCfg = { addresses: ac.addresses.map((x) => address(x)), encoding: parseEncoding(ac.encoding, "base64") };
        if (accountsCfg.encoding === "binary" || accountsCfg.encoding === "base58") {
          throw invalidParams("base58 encoding not supported for simulated accounts");
        }
      }
      // Agave verifies signatures before it looks at the blockhash or runs anything.
      if (sigVerify) {
        const ok = tx.signatures.every((sig, i) => verifySignature(bs58.decode(tx.staticKeys[i]!), tx.messageBytes, sig));
        if (!ok) throw new RpcError(RpcCode.SignatureVerificationFailure, "Transaction signature verification failure");
      }
      let raw = tx.raw;
      let replacement: { blockhash: string; lastValidBlockHeight: number } | null = null;
      if (replace) {
        const b = chain.latestBlockhash("processed");
        replacement = { blockhash: b.blockhash, lastValidBlockHeight: b.lastValidBlockHeight };
        raw = withBlockhash(tx, b.blockhash);
      } else if (!chain.isBlockhashValid(tx.recentBlockhash)) {
        return {
          context: ctx(chain),
          value: { err: "BlockhashNotFound", logs: [], accounts: null, unitsConsumed: 0, returnData: null, innerInstructions: null },
        };
      }
      const sim: SimResult = chain.simulate(raw, tx.version === 0, sigVerify);
      if (sigVerify && sim.err === "SignatureFailure") {
        throw new RpcError(RpcCode.SignatureVerificationFailure, "Transaction signature verification failure");
      }
      const accounts = accountsCfg
        ? accountsCfg.addresses.map((a) => {
            const post = sim.postAccounts.get(a.b58) ?? account(a.bytes);
            return post && post.lamports > 0n ? encodeAccount(post, accountsCfg.encoding, undefined, decimals) : null;
          })
        : null;
      return {
        context: ctx(chain),
        value: {
          err: sim.err,
          logs: sim.logs,
          accounts,
          unitsConsumed: sim.unitsConsumed,
          returnData: sim.returnData
            ? { programId: sim.returnData.programId, data: [Buffer.from(sim.returnData.data).toString("base64"), "base64"] }
            : null,
          innerInstructions: cfg.innerInstructions === true ? innerInstructionsJson(sim.innerInstructions) : null,
          ...(replacement ? { replacementBlockhash: replacement } : {}),
        },
      };
    },
    requestAirdrop: async (p) => {
      const to = address(p[0]);
      const lamports = u64(p[1], "lamports");
      if (lamports === 0n) throw invalidParams("lamports must be greater than 0");
      return chain.airdrop(to.b58, lamports);
    },
  };

  const cheats: Record<string, Handler> = {
    localnet_airdrop: async (p) => {
      const a = address(p[0]);
      const lamports = u64(p[1], "lamports");
      const cur = chain.svm.getAccount(a.bytes);
      const next: AccountState = cur
        ? { ...cur, lamports: cur.lamports + lamports }
        : { lamports, data: new Uint8Array(), owner: "11111111111111111111111111111111", executable: false };
      await chain.setAccount(a.b58, next);
      return { context: ctx(chain), value: Number(next.lamports) };
    },
    localnet_setAccount: async (p) => {
      const a = address(p[0]);
      const cfg = config(p, 1);
      const cur = chain.svm.getAccount(a.bytes);
      let data = cur?.data ?? new Uint8Array();
      if (cfg.data !== undefined) {
        if (typeof cfg.data !== "string" || !/^[A-Za-z0-9+/]*={0,2}$/.test(cfg.data)) throw invalidParams("data must be base64");
        data = new Uint8Array(Buffer.from(cfg.data, "base64"));
      }
      const next: AccountState = {
        lamports: cfg.lamports !== undefined ? u64(cfg.lamports, "lamports") : (cur?.lamports ?? 0n),
        data,
        owner: cfg.owner !== undefined ? address(cfg.owner, "owner").b58 : (cur?.owner ?? "11111111111111111111111111111111"),
        executable: cfg.executable !== undefined ? cfg.executable === true : (cur?.executable ?? false),
      };
      if (next.lamports === 0n) throw invalidParams("lamports must be greater than 0");
      await chain.setAccount(a.b58, next);
      return { context: ctx(chain), value: encodeAccount(next, "base64", undefined, decimals) };
    },
    localnet_warpSlots: async (p) => {
      const n = smallInt(p[0], "slots", 1_000_000_000);
      await chain.warp(n, 0);
      return { context: ctx(chain), value: chain.slot };
    },
    localnet_warpTime: async (p) => {
      const secs = smallInt(p[0], "seconds", 100 * 365 * 86400);
      await chain.warp(0, secs);
      return { context: ctx(chain), value: chain.blockTime(chain.slot) };
    },
    localnet_snapshot: async () => {
      await chain.snapshot();
      return { context: ctx(chain), value: true };
    },
  };

  function call(method: string, params: unknown[]): unknown {
    const h = methods[method] ?? (opts.cheats ? cheats[method] : undefined);
    if (!h) {
      if (method in cheats) {
        throw new RpcError(RpcCode.MethodNotFound, `Method not found: ${method} is a test-only cheat; start the chain with --cheats (LOCALNET_CHEATS=1)`);
      }
      throw new RpcError(RpcCode.MethodNotFound, "Method not found");
    }
    return h(params);
  }

  async function one(req: unknown): Promise<unknown> {
    if (typeof req !== "object" || req === null || Array.isArray(req)) {
      return { jsonrpc: "2.0", error: { code: RpcCode.InvalidRequest, message: "Invalid request" }, id: null };
    }
    const { id = null, method, params, jsonrpc } = req as { id?: unknown; method?: unknown; params?: unknown; jsonrpc?: unknown };
    const idOk = id === null || typeof id === "string" || typeof id === "number";
    if (jsonrpc !== "2.0" || typeof method !== "string" || !idOk) {
      return { jsonrpc: "2.0", error: { code: RpcCode.InvalidRequest, message: "Invalid request" }, id: idOk ? id : null };
    }
    try {
      const p = params ?? [];
      if (!Array.isArray(p)) throw invalidParams("params must be an array");
      const result = await call(method, p);
      return { jsonrpc: "2.0", result, id };
    } catch (e) {
      const err =
        e instanceof RpcError ? e : new RpcError(RpcCode.InternalError, `Internal error: ${e instanceof Error ? e.message : String(e)}`);
      return {
        jsonrpc: "2.0",
        error: { code: err.code, message: err.message, ...(err.data !== undefined ? { data: err.data } : {}) },
        id,
      };
    }
  }

  /** Answers one JSON-RPC body (a request or a batch). */
  async function handleBody(body: string): Promise<unknown> {
    let msg: unknown;
    try {
      msg = JSON.parse(body);
    } catch {
      return { jsonrpc: "2.0", error: { code: RpcCode.ParseError, message: "Parse error" }, id: null };
    }
    if (Array.isArray(msg)) {
      if (msg.length === 0) return { jsonrpc: "2.0", error: { code: RpcCode.InvalidRequest, message: "Invalid request" }, id: null };
      // Sequential, so a batch sees its own earlier transactions.
      const out: unknown[] = [];
      for (const r of msg) out.push(await one(r));
      return out;
    }
    return one(msg);
  }

  function listener(req: IncomingMessage, res: ServerResponse): void {
    res.setHeader("Access-Control-Allow-Origin", "*");
    res.setHeader("Access-Control-Allow-Headers", "content-type, solana-client");
    res.setHeader("Access-Control-Allow-Methods", "POST, GET, OPTIONS");
    if (req.method === "OPTIONS") {
      res.writeHead(204).end();
      return;
    }
    if (req.method === "GET" && req.url === "/health") {
      const broken = chain.health;
      res.writeHead(broken ? 503 : 200, { "content-type": "text/plain" }).end(broken ? "unhealthy" : "ok");
      return;
    }
    if (req.method !== "POST") {
      res.writeHead(405, { "content-type": "text/plain" }).end("Used HTTP Method is not allowed. POST or OPTIONS is required");
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    let aborted = false;
    req.on("data", (c: Buffer) => {
      size += c.length;
      if (size > MAX_BODY && !aborted) {
        aborted = true;
        res.writeHead(413, { "content-type": "text/plain" }).end("Payload Too Large");
        req.destroy();
        return;
      }
      chunks.push(c);
    });
    req.on("end", () => {
      if (aborted) return;
      void handleBody(Buffer.concat(chunks).toString("utf8")).then((out) => {
        const text = JSON.stringify(out);
        res.writeHead(200, { "content-type": "application/json", "content-length": Buffer.byteLength(text) }).end(text);
      });
    });
  }

  return { listener, handleBody, call };
}

function encodeTransaction(full: FullTransaction, encoding: string, withVersion: boolean): unknown {
  const { record: r, tx } = full;
  let transaction: unknown;
  if (encoding === "base64") transaction = [r.raw, "base64"];
  else if (encoding === "base58") transaction = [bs58.encode(tx.raw), "base58"];
  else {
    transaction = {
      signatures: tx.signatures.map((s) => bs58.encode(s)),
      message: {
        header: {
          numRequiredSignatures: tx.header.numRequiredSignatures,
          numReadonlySignedAccounts: tx.header.numReadonlySigned,
          numReadonlyUnsignedAccounts: tx.header.numReadonlyUnsigned,
        },
        accountKeys: tx.staticKeys,
        recentBlockhash: tx.recentBlockhash,
        instructions: tx.instructions.map((ix) => ({
          programIdIndex: ix.programIdIndex,
          accounts: ix.accounts,
          data: bs58.encode(ix.data),
          stackHeight: null,
        })),
        ...(tx.version === 0
          ? { addressTableLookups: tx.lookups.map((l) => ({ accountKey: l.accountKey, writableIndexes: l.writableIndexes, readonlyIndexes: l.readonlyIndexes })) }
          : {}),
      },
    };
  }
  const tokenBalance = (b: (typeof r.preTok)[number]) => ({
    accountIndex: b.accountIndex,
    mint: b.mint,
    owner: b.owner,
    programId: b.programId,
    uiTokenAmount: uiTokenAmount(BigInt(b.amount), b.decimals),
  });
  return {
    slot: r.slot,
    blockTime: r.time,
    ...(withVersion ? { version: tx.version } : {}),
    transaction,
    meta: {
      err: r.err,
      status: r.err === null ? { Ok: null } : { Err: r.err },
      fee: r.fee,
      preBalances: r.pre.map(Number),
      postBalances: r.post.map(Number),
      innerInstructions: r.inner,
      logMessages: r.logs,
      preTokenBalances: r.preTok.map(tokenBalance),
      postTokenBalances: r.postTok.map(tokenBalance),
      rewards: [],
      loadedAddresses: r.loaded ?? { writable: [], readonly: [] },
      ...(r.ret ? { returnData: { programId: r.ret.programId, data: [r.ret.data, "base64"] } } : {}),
      computeUnitsConsumed: r.cu,
    },
  };
}

