/**
 * Account encodings (`base64`, `base58`, legacy `binary`, `jsonParsed` for SPL Token accounts
 * and mints), `dataSlice`, and `getProgramAccounts` filters, shaped like agave's UiAccount.
 */
import bs58 from "bs58";
import { invalidParams, RpcCode, RpcError } from "./errors";
import type { AccountState, InnerIx } from "~/lib/solana/svm";

export const TOKEN_PROGRAM = "TokenkegQfeZyiNwAJbNbGKPFXCWuBvf9Ss623VQ5DA";
export const TOKEN_2022_PROGRAM = "TokenzQdBNbLqP5VEhdkAS6EPFLC1PHnBqCXEpPxuEb";

export type AccountEncoding = "base64" | "base58" | "binary" | "jsonParsed";
export interface DataSlice {
  offset: number;
  length: number;
}

export interface UiTokenAmount {
  amount: string;
  decimals: number;
  uiAmount: number | null;
  uiAmountString: string;
}

export function parseEncoding(v: unknown, fallback: AccountEncoding): AccountEncoding {
  if (v === undefined || v === null) return fallback;
  if (v === "base64" || v === "base58" || v === "binary" || v === "jsonParsed") return v;
  if (v === "base64+zstd") throw invalidParams("base64+zstd encoding is not supported by this local chain; use base64");
  throw invalidParams(`unknown encoding ${JSON.stringify(v)}`);
}

export function parseDataSlice(v: unknown): DataSlice | undefined {
  if (v === undefined || v === null) return undefined;
  if (typeof v !== "object") throw invalidParams("dataSlice must be an object");
  const { offset, length } = v as Record<string, unknown>;
  if (!Number.isSafeInteger(offset) || !Number.isSafeInteger(length) || (offset as number) < 0 || (length as number) < 0) {
    throw invalidParams("dataSlice needs non-negative integer offset and length");
  }
  return { offset: offset as number, length: length as number };
}

export function uiTokenAmount(amount: bigint, decimals: number): UiTokenAmount {
  const s = amount.toString();
  let uiAmountString: string;
  if (decimals === 0) uiAmountString = s;
  else {
    const padded = s.padStart(decimals + 1, "0");
    const whole = padded.slice(0, padded.length - decimals);
    const frac = padded.slice(padded.length - decimals).replace(/0+$/, "");
    uiAmountString = frac ? `${whole}.${frac}` : whole;
  }
  return { amount: s, decimals, uiAmount: Number(uiAmountString), uiAmountString };
}

function isTokenProgram(owner: string): boolean {
  return owner === TOKEN_PROGRAM || owner === TOKEN_2022_PROGRAM;
}

/** Token-2022 puts an account-type byte at offset 165 when extensions follow. */
export function isTokenAccountData(data: Uint8Array): boolean {
  return data.length === 165 || (data.length > 165 && data[165] === 2);
}

export function isMintData(data: Uint8Array): boolean {
  return data.length === 82 || (data.length > 165 && data[165] === 1);
}

function readU64(d: Uint8Array, off: number): bigint {
  return Buffer.from(d.buffer, d.byteOffset, d.byteLength).readBigUInt64LE(off);
}

function readOptKey(d: Uint8Array, off: number): string | null {
  return d[off] === 1 ? bs58.encode(d.subarray(off + 4, off + 36)) : null;
}

export interface TokenAccountView {
  mint: string;
  owner: string;
  amount: bigint;
  delegate: string | null;
  state: number;
  isNative: bigint | null;
  delegatedAmount: bigint;
  closeAuthority: string | null;
}

export function readTokenAccount(a: AccountState): TokenAccountView | null {
  if (!isTokenProgram(a.owner) || !isTokenAccountData(a.data)) return null;
  const d = a.data;
  return {
    mint: bs58.encode(d.subarray(0, 32)),
    owner: bs58.encode(d.subarray(32, 64)),
    amount: readU64(d, 64),
    delegate: readOptKey(d, 72),
    state: d[108] ?? 0,
    isNative: d[109] === 1 ? readU64(d, 113) : null,
    delegatedAmount: readU64(d, 121),
    closeAuthority: readOptKey(d, 129),
  };
}

export interface MintView {
  mintAuthority: string | null;
  supply: bigint;
  decimals: number;
  isInitialized: boolean;
  freezeAuthority: string | null;
}

export function readMint(a: AccountState): MintView | null {
  if (!isTokenProgram(a.owner) || !isMintData(a.data)) return null;
  const d = a.data;
  return {
    mintAuthority: readOptKey(d, 0),
    supply: readU64(d, 36),
    decimals: d[44] ?? 0,
    isInitialized: d[45] === 1,
    freezeAuthority: readOptKey(d, 46),
  };
}

const TOKEN_STATES = ["uninitialized", "initialized", "frozen"];

function jsonParsed(a: AccountState, mintDecimals: (mint: string) => number | null): unknown {
  if (!isTokenProgram(a.owner)) return null;
  const program = a.owner === TOKEN_PROGRAM ? "spl-token" : "spl-token-2022";
  const acct = readTokenAccount(a);
  if (acct) {
    const decimals = acct.isNative !== null ? 9 : mintDecimals(acct.mint);
    if (decimals === null) return null;
    const info: Record<string, unknown> = {
      isNative: acct.isNative !== null,
      mint: acct.mint,
      owner: acct.owner,
      state: TOKEN_STATES[acct.state] ?? "uninitialized",
      tokenAmount: uiTokenAmount(acct.amount, decimals),
    };
    if (acct.delegate) {
      info.delegate = acct.delegate;
      info.delegatedAmount = uiTokenAmount(acct.delegatedAmount, decimals);
    }
    if (acct.isNative !== null) info.rentExemptReserve = uiTokenAmount(acct.isNative, 9);
    if (acct.closeAuthority) info.closeAuthority = acct.closeAuthority;
    return { program, parsed: { type: "account", info }, space: a.data.length };
  }
  const mint = readMint(a);
  if (mint) {
    return {
      program,
      parsed: {
        type: "mint",
        info: {
          decimals: mint.decimals,
          freezeAuthority: mint.freezeAuthority,
          isInitialized: mint.isInitialized,
          mintAuthority: mint.mintAuthority,
          supply: mint.supply.toString(),
        },
      },
      space: a.data.length,
    };
  }
  return null;
}

export function encodeAccount(
  a: AccountState,
  encoding: AccountEncoding,
  slice: DataSlice | undefined,
  mintDecimals: (mint: string) => number | null,
): Record<string, unknown> {
  let data: unknown;
  const sliced = slice ? a.data.subarray(slice.offset, slice.offset + slice.length) : a.data;
  if (encoding === "jsonParsed") {
    // Like agave: accounts with no parser (or a slice) fall back to base64.
    data = (slice ? null : jsonParsed(a, mintDecimals)) ?? [Buffer.from(sliced).toString("base64"), "base64"];
  } else if (encoding === "base64") {
    data = [Buffer.from(sliced).toString("base64"), "base64"];
  } else {
    if (sliced.length > 128) {
      throw new RpcError(
        RpcCode.InvalidRequest,
        "Encoded binary (base 58) data should be less than 128 bytes, please use Base64 encoding.",
      );
    }
    data = encoding === "binary" ? bs58.encode(sliced) : [bs58.encode(sliced), "base58"];
  }
  return {
    data,
    executable: a.executable,
    lamports: Number(a.lamports),
    owner: a.owner,
    rentEpoch: 0,
    space: a.data.length,
  };
}

export type AccountFilter =
  | { kind: "memcmp"; offset: number; bytes: Uint8Array }
  | { kind: "dataSize"; size: number }
  | { kind: "tokenAccountState" };

export function parseFilters(v: unknown): AccountFilter[] {
  if (v === undefined || v === null) return [];
  if (!Array.isArray(v)) throw invalidParams("filters must be an array");
  if (v.length > 4) throw invalidParams(`too many filters provided; max 4`);
  return v.map((f: unknown): AccountFilter => {
    if (typeof f !== "object" || f === null) throw invalidParams("filter must be an object");
    const o = f as Record<string, unknown>;
    if ("dataSize" in o) {
      if (!Number.isSafeInteger(o.dataSize) || (o.dataSize as number) < 0) throw invalidParams("dataSize must be a non-negative integer");
      return { kind: "dataSize", size: o.dataSize as number };
    }
    if ("memcmp" in o) {
      const m = o.memcmp as Record<string, unknown> | null;
      if (typeof m !== "object" || m === null) throw invalidParams("memcmp must be an object");
      if (!Number.isSafeInteger(m.offset) || (m.offset as number) < 0) throw invalidParams("memcmp.offset must be a non-negative integer");
      if (typeof m.bytes !== "string") throw invalidParams("memcmp.bytes must be a string");
      const enc = m.encoding ?? "base58";
      let bytes: Uint8Array;
      if (enc === "base58") {
        if (m.bytes.length > 175) throw invalidParams("memcmp.bytes too long; max 128 bytes");
        try {
          bytes = bs58.decode(m.bytes);
        } catch {
          throw invalidParams("memcmp.bytes is not valid base58");
        }
      } else if (enc === "base64") {
        if (!/^[A-Za-z0-9+/]*={0,2}$/.test(m.bytes)) throw invalidParams("memcmp.bytes is not valid base64");
        bytes = new Uint8Array(Buffer.from(m.bytes, "base64"));
      } else {
        throw invalidParams(`unsupported memcmp encoding ${JSON.stringify(enc)}`);
      }
      if (bytes.length > 128) throw invalidParams("memcmp.bytes too long; max 128 bytes");
      return { kind: "memcmp", offset: m.offset as number, bytes };
    }
    if ("tokenAccountState" in o) return { kind: "tokenAccountState" };
    throw invalidParams(`unknown filter ${JSON.stringify(Object.keys(o))}`);
  });
}

export function matchesFilters(a: AccountState, filters: AccountFilter[]): boolean {
  for (const f of filters) {
    if (f.kind === "dataSize") {
      if (a.data.length !== f.size) return false;
    } else if (f.kind === "memcmp") {
      if (f.offset + f.bytes.length > a.data.length) return false;
      for (let i = 0; i < f.bytes.length; i++) if (a.data[f.offset + i] !== f.bytes[i]) return false;
    } else if (!isTokenAccountData(a.data)) {
      return false;
    }
  }
  return true;
}

/** Inner instructions as agave's JSON: one entry per top-level instruction that made CPIs. */
export type InnerInstructionsJson = {
  index: number;
  instructions: { programIdIndex: number; accounts: number[]; data: string; stackHeight: number }[];
}[];

/** The shape getTransaction and simulateTransaction return (data in base58); the ledger keeps it too. */
export function innerInstructionsJson(inner: InnerIx[][]): InnerInstructionsJson {
  const out: InnerInstructionsJson = [];
  inner.forEach((list, index) => {
    if (list.length === 0) return;
    out.push({
      index,
      instructions: list.map((ii) => ({
        programIdIndex: ii.programIdIndex,
        accounts: ii.accounts,
        data: bs58.encode(ii.data),
        stackHeight: ii.stackHeight,
      })),
    });
  });
  return out;
}
