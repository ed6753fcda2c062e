/**
 * The canonical reading encoding (exact bytes, every refusal, decode round trip) and the
 * node:crypto Ed25519 helpers (cross-checked against web3.js's independent Ed25519 signer and
 * Solana keypairs). That the Registry program verifies what this module signs is tested on the
 * chain in programs/registry/registry.test.ts.
 */
import { Ed25519Program, Keypair } from "@solana/web3.js";
import { describe, expect, it } from "vitest";
import { registryIdl } from "~/programs/registry/idl/registry";
import {
  decodeReading,
  encodeReading,
  generateMeterKeyPair,
  MAX_METER_ID_LEN,
  meterIdBytes,
  meterKeyPairFromSeed,
  MeterReadingError,
  publicKeyBytes,
  publicKeyFromBytes,
  READING_DOMAIN,
  READING_MESSAGE_LEN,
  signReading,
  verifyReading,
  type MeterReading,
} from "./meter-reading";

import fc from "fast-check";

const U64_MAX = (1n << 64n) - 1n;
const I64_MAX = (1n << 63n) - 1n;
const I64_MIN = -(1n << 63n);

const hex = (b: Uint8Array) => Buffer.from(b).toString("hex");
const sample: MeterReading = { meterId: "MTR-0001", productionRegisterWh: 1000, consumptionRegisterWh: 200, timestamp: 1_767_225_600 };

describe("encodeReading", () => {
  it("produces the documented 78 bytes: domain, id length, zero-padded id, u64 production, u64 consumption, i64 timestamp", () => {
    const expected =
      "47524944544f4b454e583a52454144494e473a5632" + // "GRIDTOKENX:READING:V2"
      "08" + // id length
      "4d54522d30303031" + "00".repeat(24) + // "MTR-0001", zero-padded to 32
      "e803000000000000" + // 1000 Wh
      "c800000000000000" + // 200 Wh
      "00b9556900000000"; // 1767225600
    expect(hex(encodeReading(sample))).toBe(expected);
    expect(encodeReading(sample)).toHaveLength(READING_MESSAGE_LEN);
  });

  it("agrees with the Registry IDL's constants", () => {
    const c = (name: string) => registryIdl.constants.find((k) => k.name === name)?.value;
    expect(Buffer.from(JSON.parse(c("READING_DOMAIN")!) as number[]).toString("latin1")).toBe(READING_DOMAIN);
    expect(Number(c("READING_MESSAGE_LEN"))).toBe(READING_MESSAGE_LEN);
    expect(Number(c("MAX_METER_ID_LEN"))).toBe(MAX_METER_ID_LEN);
  });

  it("encodes the extremes: u64::MAX energy, i64 min and max timestamps, a 32-byte id", () => {
    const id = "x".repeat(32);
    const b = encodeReading({ meterId: id, productionRegisterWh: U64_MAX, consumptionRegisterWh: U64_MAX, timestamp: I64_MAX });
    expect(b[21]).toBe(32);
    expect(hex(b.subarray(54, 70))).toBe("ff".repeat(16));
    expect(hex(b.subarray(70))).toBe("ffffffffffffff7f");
    expect(hex(encodeReading({ ...sample, timestamp: I64_MIN }).subarray(70))).toBe("0000000000000080");
    expect(hex(encodeReading({ ...sample, timestamp: -1 }).subarray(70))).toBe("ffffffffffffffff");
  });

  it("counts the id in UTF-8 bytes (a Thai id of 10 characters is 30 bytes)", () => {
    const id = "มิเตอร์บ้าน1".slice(0, 10);
    expect(meterIdBytes(id)).toHaveLength(30);
    expect(encodeReading({ ...sample, meterId: id })[21]).toBe(30);
    expect(() => encodeReading({ ...sample, meterId: "มิเตอร์บ้านเลขที่" })).toThrow(/1 to 32 bytes/);
  });

  it("is unambiguous about the padding: an id and the same id with a trailing NUL differ", () => {
    expect(hex(encodeReading({ ...sample, meterId: "m1" }))).not.toBe(hex(encodeReading({ ...sample, meterId: "m1\u0000" })));
  });

  it.each([
    ["an empty id", { meterId: "" }, "INVALID_METER_ID"],
    ["a 33-byte id", { meterId: "x".repeat(33) }, "INVALID_METER_ID"],
    ["a lone surrogate in the id", { meterId: "m\uD800" }, "INVALID_METER_ID"],
    ["negative production", { productionRegisterWh: -1 }, "OUT_OF_RANGE"],
    ["production over u64", { productionRegisterWh: U64_MAX + 1n }, "OUT_OF_RANGE"],
    ["consumption over u64", { consumptionRegisterWh: U64_MAX + 1n }, "OUT_OF_RANGE"],
    ["a fractional amount", { productionRegisterWh: 1.5 }, "OUT_OF_RANGE"],
    ["an unsafe JS number", { consumptionRegisterWh: 2 ** 60 }, "OUT_OF_RANGE"],
    ["a timestamp over i64", { timestamp: I64_MAX + 1n }, "OUT_OF_RANGE"],
    ["a timestamp under i64", { timestamp: I64_MIN - 1n }, "OUT_OF_RANGE"],
  ] as const)("refuses %s with a MeterReadingError", (_, change, code) => {
    let err: unknown;
    try {
      encodeReading({ ...sample, ...change });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(MeterReadingError);
    expect((err as MeterReadingError).code).toBe(code);
  });
});

describe("decodeReading", () => {
  it("inverts encodeReading for any valid reading (fast-check)", () => {
    const meterId = fc
      .string({ unit: fc.constantFrom(..."ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_กข"), minLength: 1, maxLength: 10 })
      .filter((id) => new TextEncoder().encode(id).length <= MAX_METER_ID_LEN);
    fc.assert(
      fc.property(
        meterId,
        fc.bigInt({ min: 0n, max: U64_MAX }),
        fc.bigInt({ min: 0n, max: U64_MAX }),
        fc.bigInt({ min: I64_MIN, max: I64_MAX }),
        (id, production, consumption, timestamp) => {
          const r = { meterId: id, productionRegisterWh: production, consumptionRegisterWh: consumption, timestamp };
          expect(decodeReading(encodeReading(r))).toEqual(r);
        },
      ),
      { numRuns: 500 },
    );
  });

  it.each([
    ["a short message", (b: Uint8Array) => b.subarray(0, 77)],
    ["a long message", (b: Uint8Array) => Uint8Array.from([...b, 0])],
    ["another domain (V3)", (b: Uint8Array) => ((b[20] = 0x33), b)],
    ["the retired V1 domain (per-interval amounts)", (b: Uint8Array) => ((b[20] = 0x31), b)],
    ["id length 0", (b: Uint8Array) => ((b[21] = 0), b)],
    ["id length 33", (b: Uint8Array) => ((b[21] = 33), b)],
    ["bytes in the padding", (b: Uint8Array) => ((b[53] = 1), b)],
    ["an id that is not UTF-8", (b: Uint8Array) => ((b[22] = 0xff), b)],
  ])("refuses %s", (_, mutate) => {
    expect(() => decodeReading(mutate(encodeReading(sample)))).toThrow(MeterReadingError);
  });
});

describe("signing", () => {
  const seed = Uint8Array.from({ length: 32 }, (_, i) => i + 1);

  it("keys from a seed are Solana's: the public key equals Keypair.fromSeed's", () => {
    const k = meterKeyPairFromSeed(seed);
    expect(hex(k.publicKey)).toBe(hex(Keypair.fromSeed(seed).publicKey.toBytes()));
    expect(hex(publicKeyBytes(publicKeyFromBytes(k.publicKey)))).toBe(hex(k.publicKey));
  });

  it("node:crypto's signature equals web3.js's (an independent Ed25519) over the canonical bytes", () => {
    const sig = signReading(sample, seed);
    const web3 = Ed25519Program.createInstructionWithPrivateKey({ privateKey: Keypair.fromSeed(seed).secretKey, message: encodeReading(sample) });
    expect(hex(sig)).toBe(hex(web3.data.subarray(48, 112))); // web3.js layout: key at 16, signature at 48
  });

  it("verifies its own signature, by raw key bytes or KeyObject", () => {
    const k = generateMeterKeyPair();
    const sig = signReading(sample, k.privateKey);
    expect(sig).toHaveLength(64);
    expect(verifyReading(sample, sig, k.publicKey)).toBe(true);
    expect(verifyReading(sample, sig, publicKeyFromBytes(k.publicKey))).toBe(true);
  });

  it("rejects any change to the reading, another key, or a damaged signature", () => {
    const k = generateMeterKeyPair();
    const sig = signReading(sample, k.privateKey);
    for (const change of [{ meterId: "MTR-0002" }, { productionRegisterWh: 1001 }, { consumptionRegisterWh: 199 }, { timestamp: 1_767_225_601 }])
      expect(verifyReading({ ...sample, ...change }, sig, k.publicKey)).toBe(false);
    expect(verifyReading(sample, sig, generateMeterKeyPair().publicKey)).toBe(false);
    const bad = Uint8Array.from(sig);
    bad[0]! ^= 1;
    expect(verifyReading(sample, bad, k.publicKey)).toBe(false);
    expect(verifyReading(sample, sig.subarray(0, 63), k.publicKey)).toBe(false);
    expect(verifyReading(sample, sig, new Uint8Array(31))).toBe(false);
  });

  it("refuses seeds and keys of the wrong length", () => {
    expect(() => meterKeyPairFromSeed(new Uint8Array(31))).toThrow(MeterReadingError);
    expect(() => publicKeyFromBytes(new Uint8Array(33))).toThrow(MeterReadingError);
  });
});
