import { describe, expect, it } from "vitest";
import bs58 from "bs58";
import {
  AddressLookupTableAccount,
  Keypair,
  PublicKey,
  SystemProgram,
  Transaction,
  TransactionMessage,
  VersionedTransaction,
} from "@solana/web3.js";
import { decodeWire, encodeShortVec, isStaticWritable, parseMessage, parseTransaction, withBlockhash, WireError } from "./wire";

const payer = Keypair.generate();
const to = Keypair.generate().publicKey;
const blockhash = Keypair.generate().publicKey.toBase58();

function legacy(): Transaction {
  const tx = new Transaction({ feePayer: payer.publicKey, recentBlockhash: blockhash }).add(
    SystemProgram.transfer({ fromPubkey: payer.publicKey, toPubkey: to, lamports: 1234 }),
  );
  tx.sign(payer);
  return tx;
}

describe("parseTransaction", () => {
  it("reads a legacy transaction the way web3.js wrote it", () => {
    const tx = legacy();
    const p = parseTransaction(tx.serialize());
    expect(p.version).toBe("legacy");
    expect(p.signature).toBe(bs58.encode(tx.signature!));
    expect(p.recentBlockhash).toBe(blockhash);
    expect(p.staticKeys).toEqual([payer.publicKey.toBase58(), to.toBase58(), SystemProgram.programId.toBase58()]);
    expect(p.header).toEqual({ numRequiredSignatures: 1, numReadonlySigned: 0, numReadonlyUnsigned: 1 });
    expect(p.instructions).toHaveLength(1);
    expect(p.instructions[0]!.programIdIndex).toBe(2);
    expect(p.instructions[0]!.accounts).toEqual([0, 1]);
    expect(Buffer.from(p.messageBytes)).toEqual(tx.serializeMessage());
    const msg = tx.compileMessage();
    p.staticKeys.forEach((_, i) => expect(isStaticWritable(p, i)).toBe(msg.isAccountWritable(i)));
  });

  it("reads a v0 transaction with address lookup tables", () => {
    const table = new AddressLookupTableAccount({
      key: Keypair.generate().publicKey,
      state: { deactivationSlot: BigInt("18446744073709551615"), lastExtendedSlot: 0, lastExtendedSlotStartIndex: 0, addresses: [to, Keypair.generate().publicKey] },
    });
    const msg = new TransactionMessage({
      payerKey: payer.publicKey,
      recentBlockhash: blockhash,
      instructions: [SystemProgram.transfer({ fromPubkey: payer.publicKey, toPubkey: to, lamports: 1 })],
    }).compileToV0Message([table]);
    const vtx = new VersionedTransaction(msg);
    vtx.sign([payer]);
    const p = parseTransaction(vtx.serialize());
    expect(p.version).toBe(0);
    expect(p.lookups).toEqual([{ accountKey: table.key.toBase58(), writableIndexes: [0], readonlyIndexes: [] }]);
    expect(p.staticKeys).not.toContain(to.toBase58());
    expect(p.instructions[0]!.accounts).toEqual([0, 2]);
  });

  it("rejects malformed input with a WireError", () => {
    const raw = legacy().serialize();
    const cases: [string, Uint8Array][] = [
      ["truncated", raw.subarray(0, raw.length - 3)],
      ["trailing bytes", Buffer.concat([raw, Buffer.from([0])])],
      ["no signatures", Buffer.concat([Buffer.from([0]), raw.subarray(65)])],
      ["too large", new Uint8Array(1300)],
      ["non-canonical length", Buffer.concat([Buffer.from([0x81, 0x00]), raw.subarray(1)])],
    ];
    for (const [what, bytes] of cases) expect(() => parseTransaction(bytes), what).toThrow(WireError);
    // Two signatures where the message requires one.
    const twoSigs = Buffer.concat([Buffer.from([2]), raw.subarray(1, 65), raw.subarray(1, 65), raw.subarray(65)]);
    expect(() => parseTransaction(twoSigs)).toThrow(/signature count/);
    // Program id index pointing at the fee payer.
    const badProgram = Buffer.from(raw);
    const p = parseTransaction(raw);
    badProgram[p.blockhashOffset + 32 + 1] = 0;
    expect(() => parseTransaction(badProgram)).toThrow(/program id index/);
  });

  it("replaces the blockhash in place", () => {
    const p = parseTransaction(legacy().serialize());
    const other = Keypair.generate().publicKey.toBase58();
    expect(parseTransaction(withBlockhash(p, other)).recentBlockhash).toBe(other);
    expect(p.recentBlockhash).toBe(blockhash);
  });

  it("parses a bare message for getFeeForMessage", () => {
    const tx = legacy();
    const p = parseMessage(tx.serializeMessage());
    expect(p.staticKeys[0]).toBe(payer.publicKey.toBase58());
    expect(p.header.numRequiredSignatures).toBe(1);
  });
});

describe("encodings", () => {
  it("round-trips compact-u16 lengths", () => {
    expect(encodeShortVec(0)).toEqual([0]);
    expect(encodeShortVec(127)).toEqual([0x7f]);
    expect(encodeShortVec(128)).toEqual([0x80, 0x01]);
    expect(encodeShortVec(16383)).toEqual([0xff, 0x7f]);
  });

  it("decodes base64 and base58 and refuses anything else", () => {
    const raw = legacy().serialize();
    expect(Buffer.from(decodeWire(raw.toString("base64"), "base64"))).toEqual(raw);
    expect(Buffer.from(decodeWire(bs58.encode(raw), "base58"))).toEqual(raw);
    expect(() => decodeWire("***", "base64")).toThrow(WireError);
    expect(() => decodeWire("0OIl", "base58")).toThrow(WireError);
    expect(() => decodeWire("AAAA", "hex")).toThrow(/unsupported encoding/);
    expect(new PublicKey(parseTransaction(decodeWire(raw.toString("base64"), "base64")).staticKeys[0]!).equals(payer.publicKey)).toBe(true);
  });
});
