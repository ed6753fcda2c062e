/**
 * The THB chain's canonical encodings: what a sender signs, how a transfer's id and a block's hash
 * are derived, and base58 addresses. Amounts are integers of 0.000001 THB (6 decimals, THBC's base
 * unit): 1 THB = 1,000,000.
 *
 * Signed message (all integers little-endian):
 *   "GTX-THB-CHAIN/transfer/v1\0" | u8 len(chainId) | chainId (ASCII)
 *   | from (32) | to (32) | amount u64 | nonce u64 | u16 len(memo) | memo (UTF-8)
 * The chain id is per chain (per data dir), so a transfer signed for one simulator cannot be
 * replayed on another; the prefix keeps these bytes from meaning anything in another protocol.
 * Transfer id = hex sha256 of the signed message (the signature is not part of it, so the id cannot
 * be changed by re-encoding a signature).
 */
import { createHash } from "node:crypto";
import bs58 from "bs58";

export const THB_DECIMALS = 6;
export const UNITS_PER_THB = 1_000_000n;
export const U64_MAX = (1n << 64n) - 1n;
export const MEMO_MAX_BYTES = 256;
export const TRANSFER_DOMAIN = "GTX-THB-CHAIN/transfer/v1\0";
export const FUND_DOMAIN = "GTX-THB-CHAIN/fund/v1\0";
export const BLOCK_DOMAIN = "GTX-THB-CHAIN/block/v1\0";

export interface TransferFields {
  from: string;
  to: string;
  /** base units (0.000001 THB) */
  amount: bigint;
  memo: string;
  nonce: number;
}

/** The 32 bytes of a base58 address, or null when it is not one. */
export function decodeAddress(address: string): Uint8Array | null {
  if (address.length < 32 || address.length > 44) return null;
  try {
    const bytes = bs58.decode(address);
    return bytes.length === 32 ? bytes : null;
  } catch {
    return null;
  }
}

export function isAddress(address: string): boolean {
  return decodeAddress(address) !== null;
}

function mustAddress(address: string, what: string): Uint8Array {
  const b = decodeAddress(address);
  if (!b) throw new Error(`${what} is not a base58 32-byte address`);
  return b;
}

function u64(n: bigint): Buffer {
  const b = Buffer.alloc(8);
  b.writeBigUInt64LE(n);
  return b;
}

export function memoBytes(memo: string): number {
  return Buffer.byteLength(memo, "utf8");
}

export function transferMessage(chainId: string, t: TransferFields): Uint8Array {
  if (t.amount <= 0n || t.amount > U64_MAX) throw new Error("amount out of range");
  if (!Number.isSafeInteger(t.nonce) || t.nonce < 0) throw new Error("nonce out of range");
  const memo = Buffer.from(t.memo, "utf8");
  if (memo.length > MEMO_MAX_BYTES) throw new Error(`memo longer than ${MEMO_MAX_BYTES} bytes`);
  const chain = Buffer.from(chainId, "ascii");
  const memoLen = Buffer.alloc(2);
  memoLen.writeUInt16LE(memo.length);
  return Buffer.concat([
    Buffer.from(TRANSFER_DOMAIN, "ascii"),
    Buffer.from([chain.length]),
    chain,
    mustAddress(t.from, "from"),
    mustAddress(t.to, "to"),
    u64(t.amount),
    u64(BigInt(t.nonce)),
    memoLen,
    memo,
  ]);
}

export function sha256Hex(...parts: Uint8Array[]): string {
  const h = createHash("sha256");
  for (const p of parts) h.update(p);
  return h.digest("hex");
}

export function transferId(chainId: string, t: TransferFields): string {
  return sha256Hex(transferMessage(chainId, t));
}

/** A faucet credit's id: its own domain, the chain, and the chain's running fund counter. */
export function fundId(chainId: string, seq: number, to: string, amount: bigint): string {
  return sha256Hex(Buffer.from(FUND_DOMAIN, "ascii"), Buffer.from(chainId, "ascii"), u64(BigInt(seq)), mustAddress(to, "to"), u64(amount));
}

export interface BlockHeader {
  height: number;
  parentHash: string;
  timestamp: number;
  /** how many reorgs the chain had before this block: a re-made height never repeats a hash */
  epoch: number;
  transfers: readonly string[];
}

export function blockHash(chainId: string, h: BlockHeader): string {
  const count = Buffer.alloc(4);
  count.writeUInt32LE(h.transfers.length);
  return sha256Hex(
    Buffer.from(BLOCK_DOMAIN, "ascii"),
    Buffer.from(chainId, "ascii"),
    u64(BigInt(h.height)),
    Buffer.from(h.parentHash, "hex"),
    u64(BigInt(h.timestamp)),
    u64(BigInt(h.epoch)),
    count,
    ...h.transfers.map((id) => Buffer.from(id, "hex")),
  );
}

/** "12.5" → 12_500_000n base units; at most 6 decimals, no sign, no exponent. */
export function parseThb(text: string): bigint {
  const m = /^(\d+)(?:\.(\d{1,6}))?$/.exec(text.trim());
  if (!m) throw new Error(`"${text}" is not an amount of THB with at most 6 decimals`);
  return BigInt(m[1]!) * UNITS_PER_THB + BigInt((m[2] ?? "").padEnd(6, "0") || "0");
}

/** 12_500_000n → "12.5" */
export function formatThb(units: bigint): string {
  const neg = units < 0n;
  const abs = neg ? -units : units;
  const whole = abs / UNITS_PER_THB;
  const frac = (abs % UNITS_PER_THB).toString().padStart(6, "0").replace(/0+$/, "");
  return `${neg ? "-" : ""}${whole}${frac ? `.${frac}` : ""}`;
}
