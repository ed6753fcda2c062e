/**
 * The browser-safe client's encodings, checked independently: the attestation message at the
 * offsets the C program uses (src/thb_bridge.h), its digest against node:crypto, and the
 * Ed25519 instruction against the harness's builder and the Ed25519 program's own layout.
 */
import { createHash } from "node:crypto";
import { Keypair, PublicKey } from "@solana/web3.js";
import { describe, expect, it } from "vitest";
import { ed25519Data } from "~/programs/harness/ed25519";
import {
  ATTESTATION_MESSAGE_LEN,
  THB_BRIDGE_ID,
  attestationDigest,
  attestationInstruction,
  bridgeAddress,
  depositAddress,
  encodeAttestation,
  withdrawalAddress,
} from "./client";

describe("thb_bridge client", () => {
  it("encodes the attestation at the documented offsets", () => {
    const subject = new Uint8Array(32).fill(1);
    const ref = new Uint8Array(32).fill(2);
    const tag = new Uint8Array(32).fill(3);
    const account = Keypair.generate().publicKey;
    const m = Buffer.from(encodeAttestation({ kind: "release", subject, account, amount: 0x0102030405060708n, ref }, tag));
    expect(m.length).toBe(ATTESTATION_MESSAGE_LEN);
    expect(m.subarray(0, 24).toString()).toBe("GRIDTOKENX:THB_BRIDGE:V1");
    expect(m[24]).toBe(1);
    expect(new PublicKey(m.subarray(25, 57)).equals(THB_BRIDGE_ID)).toBe(true);
    expect(new PublicKey(m.subarray(57, 89)).equals(bridgeAddress())).toBe(true);
    expect(m.subarray(89, 121)).toEqual(Buffer.from(tag));
    expect(m.subarray(121, 153)).toEqual(Buffer.from(subject));
    expect(new PublicKey(m.subarray(153, 185)).equals(account)).toBe(true);
    expect(m.readBigUInt64LE(185)).toBe(0x0102030405060708n);
    expect(m.subarray(193, 225)).toEqual(Buffer.from(ref));
    const reject = encodeAttestation({ kind: "reject", subject, account, amount: 1n }, tag);
    expect(reject[24]).toBe(2);
    expect(Buffer.from(reject.subarray(193))).toEqual(Buffer.alloc(32));
    expect(() => encodeAttestation({ kind: "deposit", subject, account, amount: 1n << 64n }, tag)).toThrow();
    expect(() => encodeAttestation({ kind: "deposit", subject: new Uint8Array(31), account, amount: 1n }, tag)).toThrow();
  });

  it("digests with sha256", async () => {
    const m = encodeAttestation({ kind: "deposit", subject: new Uint8Array(32), account: PublicKey.default, amount: 5n }, new Uint8Array(32).fill(9));
    expect(Buffer.from(await attestationDigest(m))).toEqual(createHash("sha256").update(m).digest());
  });

  it("builds one self-contained Ed25519 instruction whose entries share the digest", () => {
    const digest = new Uint8Array(32).fill(7);
    const sigs = [1, 2, 3].map((n) => ({ publicKey: new Uint8Array(32).fill(n), signature: new Uint8Array(64).fill(10 + n) }));
    const ix = attestationInstruction(digest, sigs);
    const d = Buffer.from(ix.data);
    expect(ix.programId.toBase58()).toBe("Ed25519SigVerify111111111111111111111111111");
    expect(d[0]).toBe(3);
    const header = 2 + 14 * 3;
    expect(d.length).toBe(header + 32 + 96 * 3);
    for (let i = 0; i < 3; i++) {
      const o = 2 + 14 * i;
      const [sigOff, sigIx, pkOff, pkIx, msgOff, msgLen, msgIx] = [0, 2, 4, 6, 8, 10, 12].map((k) => d.readUInt16LE(o + k));
      expect([sigIx, pkIx, msgIx]).toEqual([0xffff, 0xffff, 0xffff]);
      expect([msgOff, msgLen]).toEqual([header, 32]);
      expect(d.subarray(pkOff, pkOff! + 32)).toEqual(Buffer.from(sigs[i]!.publicKey));
      expect(d.subarray(sigOff, sigOff! + 64)).toEqual(Buffer.from(sigs[i]!.signature));
    }
    expect(d.subarray(header, header + 32)).toEqual(Buffer.from(digest));
    // One signature: the same verified bytes as the harness's independent builder (other order).
    const one = Buffer.from(attestationInstruction(digest, sigs.slice(0, 1)).data);
    const ref = ed25519Data([{ ...sigs[0]!, message: digest }]).data;
    expect(one.length).toBe(ref.length);
  });

  it("derives the PDAs from their seeds", () => {
    const id = new Uint8Array(32).fill(4);
    expect(depositAddress(id).equals(PublicKey.findProgramAddressSync([Buffer.from("deposit"), id], THB_BRIDGE_ID)[0])).toBe(true);
    const le = Buffer.alloc(8);
    le.writeBigUInt64LE(258n);
    expect(withdrawalAddress(258n).equals(PublicKey.findProgramAddressSync([Buffer.from("withdrawal"), le], THB_BRIDGE_ID)[0])).toBe(true);
  });
});
