/**
 * Solana transaction wire format (legacy and v0), parsed by hand so the hot path never goes
 * through an SDK object model: the server needs the signatures, the account keys, the
 * blockhash and the instructions, nothing more.
 */
import bs58 from "bs58";
import { encodeKey } from "~/lib/solana/b58";

/** Largest serialized transaction a validator accepts (`PACKET_DATA_SIZE`). */
export const MAX_TX_BYTES = 1232;

export interface CompiledIx {
  programIdIndex: number;
  accounts: number[];
  data: Uint8Array;
}

export interface LookupRef {
  accountKey: string;
  writableIndexes: number[];
  readonlyIndexes: number[];
}

export interface ParsedTx {
  /** Raw wire bytes. */
  raw: Uint8Array;
  signatures: Uint8Array[];
  /** base58 of the first signature: the transaction id. */
  signature: string;
  version: "legacy" | 0;
  messageBytes: Uint8Array;
  /** Offset of the 32-byte recent blockhash inside `raw`. */
  blockhashOffset: number;
  header: { numRequiredSignatures: number; numReadonlySigned: number; numReadonlyUnsigned: number };
  staticKeys: string[];
  recentBlockhash: string;
  instructions: CompiledIx[];
  lookups: LookupRef[];
}

export class WireError extends Error {
  override readonly name = "WireError";
}

class Reader {
  pos = 0;
  constructor(readonly buf: Uint8Array) {}
  byte(): number {
    const b = this.buf[this.pos];
    if (b === undefined) throw new WireError("transaction truncated");
    this.pos += 1;
    return b;
  }
  bytes(n: number): Uint8Array {
    if (this.pos + n > this.buf.length) throw new WireError("transaction truncated");
    const out = this.buf.subarray(this.pos, this.pos + n);
    this.pos += n;
    return out;
  }
  /** Solana's "compact-u16" (shortvec) length prefix. */
  shortVec(): number {
    let value = 0;
    for (let i = 0; i < 3; i++) {
      const b = this.byte();
      value |= (b & 0x7f) << (7 * i);
      if ((b & 0x80) === 0) {
        if (i > 0 && b === 0) throw new WireError("non-canonical compact-u16");
        if (value > 0xffff) throw new WireError("compact-u16 overflow");
        return value;
      }
    }
    throw new WireError("compact-u16 too long");
  }
}

export function encodeShortVec(n: number): number[] {
  const out: number[] = [];
  let rest = n;
  for (;;) {
    const b = rest & 0x7f;
    rest >>= 7;
    if (rest === 0) {
      out.push(b);
      return out;
    }
    out.push(b | 0x80);
  }
}

/** Parses and sanity-checks a serialized transaction; throws WireError on malformed input. */
export function parseTransaction(raw: Uint8Array): ParsedTx {
  if (raw.length > MAX_TX_BYTES) {
    throw new WireError(`transaction too large: ${raw.length} bytes (max: ${MAX_TX_BYTES})`);
  }
  const r = new Reader(raw);
  const numSigs = r.shortVec();
  if (numSigs === 0) throw new WireError("transaction has no signatures");
  const signatures: Uint8Array[] = [];
  for (let i = 0; i < numSigs; i++) signatures.push(r.bytes(64));
  const messageStart = r.pos;
  let version: "legacy" | 0 = "legacy";
  const first = r.buf[r.pos];
  if (first !== undefined && (first & 0x80) !== 0) {
    const v = first & 0x7f;
    if (v !== 0) throw new WireError(`unsupported transaction version ${v}`);
    version = 0;
    r.pos += 1;
  }
  const header = {
    numRequiredSignatures: r.byte(),
    numReadonlySigned: r.byte(),
    numReadonlyUnsigned: r.byte(),
  };
  const numKeys = r.shortVec();
  const staticKeys: string[] = [];
  for (let i = 0; i < numKeys; i++) staticKeys.push(encodeKey(r.bytes(32)));
  const blockhashOffset = r.pos;
  const recentBlockhash = encodeKey(r.bytes(32));
  const numIx = r.shortVec();
  const instructions: CompiledIx[] = [];
  for (let i = 0; i < numIx; i++) {
    const programIdIndex = r.byte();
    const nAcc = r.shortVec();
    const accounts = Array.from(r.bytes(nAcc));
    const dataLen = r.shortVec();
    const data = r.bytes(dataLen);
    instructions.push({ programIdIndex, accounts, data });
  }
  const lookups: LookupRef[] = [];
  if (version === 0) {
    const nLookups = r.shortVec();
    for (let i = 0; i < nLookups; i++) {
      const accountKey = encodeKey(r.bytes(32));
      const writableIndexes = Array.from(r.bytes(r.shortVec()));
      const readonlyIndexes = Array.from(r.bytes(r.shortVec()));
      lookups.push({ accountKey, writableIndexes, readonlyIndexes });
    }
  }
  if (r.pos !== raw.length) throw new WireError("trailing bytes after transaction message");
  if (header.numRequiredSignatures !== numSigs) {
    throw new WireError(
      `signature count ${numSigs} does not match the ${header.numRequiredSignatures} the message requires`,
    );
  }
  if (
    numKeys < header.numRequiredSignatures ||
    header.numReadonlySigned >= header.numRequiredSignatures ||
    header.numReadonlyUnsigned > numKeys - header.numRequiredSignatures
  ) {
    throw new WireError("invalid message header");
  }
  const numLoaded = lookups.reduce((n, l) => n + l.writableIndexes.length + l.readonlyIndexes.length, 0);
  for (const ix of instructions) {
    if (ix.programIdIndex >= numKeys || ix.programIdIndex === 0) {
      throw new WireError("instruction program id index out of range");
    }
    for (const a of ix.accounts) {
      if (a >= numKeys + numLoaded) throw new WireError("instruction account index out of range");
    }
  }
  const sig0 = signatures[0];
  if (!sig0) throw new WireError("transaction has no signatures");
  return {
    raw,
    signatures,
    signature: bs58.encode(sig0),
    version,
    messageBytes: raw.subarray(messageStart),
    blockhashOffset,
    header,
    staticKeys,
    recentBlockhash,
    instructions,
    lookups,
  };
}

/** Whether static key `i` is writable according to the message header. */
export function isStaticWritable(tx: ParsedTx, i: number): boolean {
  const { numRequiredSignatures, numReadonlySigned, numReadonlyUnsigned } = tx.header;
  if (i < numRequiredSignatures) return i < numRequiredSignatures - numReadonlySigned;
  return i < tx.staticKeys.length - numReadonlyUnsigned;
}

/** Copy of `raw` with the recent blockhash replaced (signatures become invalid). */
export function withBlockhash(tx: ParsedTx, blockhash: string): Uint8Array {
  const out = Uint8Array.from(tx.raw);
  out.set(bs58.decode(blockhash), tx.blockhashOffset);
  return out;
}

/**
 * Decodes a bare serialized message (as `getFeeForMessage` receives it) by wrapping it in a
 * transaction with zeroed signatures.
 */
export function parseMessage(message: Uint8Array): ParsedTx {
  let pos = 0;
  if (message[0] !== undefined && (message[0] & 0x80) !== 0) pos = 1;
  const numSigs = message[pos];
  if (numSigs === undefined || numSigs === 0) throw new WireError("message requires no signatures");
  const raw = new Uint8Array(encodeShortVec(numSigs).length + numSigs * 64 + message.length);
  raw.set(encodeShortVec(numSigs), 0);
  raw.set(message, raw.length - message.length);
  return parseTransaction(raw);
}

/** Decodes a transaction in the encoding a JSON-RPC client names (`base58` is agave's default). */
export function decodeWire(data: string, encoding: string): Uint8Array {
  if (encoding === "base64") {
    if (data.length > 1644) throw new WireError(`base64 transaction too large: ${data.length} bytes (max: encoded/raw 1644/1232)`);
    if (!/^[A-Za-z0-9+/]*={0,2}$/.test(data)) throw new WireError("invalid base64 encoding");
    return new Uint8Array(Buffer.from(data, "base64"));
  }
  if (encoding === "base58") {
    if (data.length > 1683) throw new WireError(`base58 transaction too large: ${data.length} bytes (max: encoded/raw 1683/1232)`);
    try {
      return bs58.decode(data);
    } catch {
      throw new WireError("invalid base58 encoding");
    }
  }
  throw new WireError(`unsupported encoding: ${encoding}. Supported encodings: base58, base64`);
}
