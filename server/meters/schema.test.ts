import { describe, expect, it } from "vitest";
import { isoSeconds, parseSubmission, parseTimestamp } from "./schema";

describe("timestamps", () => {
  it("reads unix seconds and strict ISO-8601 UTC, and writes the same ISO form back", () => {
    expect(parseTimestamp(1_767_225_600)).toBe(1_767_225_600);
    expect(parseTimestamp("2026-01-01T00:00:00Z")).toBe(1_767_225_600);
    expect(parseTimestamp("2024-02-29T23:59:59Z")).toBe(1_709_251_199);
    expect(isoSeconds(1_767_225_600)).toBe("2026-01-01T00:00:00Z");
    for (const t of [0, 1, 1_709_251_199, 4_102_444_800])
      expect(parseTimestamp(isoSeconds(t))).toBe(t);
  });

  it("refuses anything that could round or shift", () => {
    const refused = [
      1.5,
      2 ** 53,
      Number.NaN,
      "1767225600",
      "2026-01-01T00:00:00.000Z",
      "2026-01-01T00:00:00+00:00",
      "2026-01-01T00:00:00z",
      "2026-01-01 00:00:00Z",
      "2025-02-29T00:00:00Z",
      "2026-13-01T00:00:00Z",
      "2026-01-01T24:00:00Z",
      "2026-01-01T00:00:60Z",
      "0050-01-01T00:00:00Z",
      null,
      {},
    ];
    for (const v of refused) expect(parseTimestamp(v), JSON.stringify(v)).toBeNull();
  });
});

describe("parseSubmission", () => {
  const valid = {
    data: {
      meter_id: "m-1",
      production_register: 1,
      consumption_register: "18446744073709551",
      timestamp: 1_767_225_600,
    },
    signature: "1".repeat(64),
    public_key: "1".repeat(32),
  };

  it("turns amounts into bigints and decodes the binary fields", () => {
    const r = parseSubmission(valid);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.value).toMatchObject({
      meterId: "m-1",
      productionRegisterWh: 1n,
      consumptionRegisterWh: 18_446_744_073_709_551n,
      timestamp: 1_767_225_600,
    });
    expect(r.value.signature).toEqual(new Uint8Array(64));
    expect(r.value.publicKey).toEqual(new Uint8Array(32));
    // Base58 input is kept as sent; hex and base64 are re-encoded to base58.
    expect(r.value.signatureBase58).toBe("1".repeat(64));
    const hex = parseSubmission({
      ...valid,
      public_key: "00".repeat(31) + "01",
      signature: "A".repeat(86) + "==",
    });
    expect(hex.ok && hex.value.publicKeyBase58).toBe("1".repeat(31) + "2");
    expect(hex.ok && hex.value.signatureBase58).toBe("1".repeat(64));
  });

  it("names every bad field in the message", () => {
    const r = parseSubmission({
      ...valid,
      data: { ...valid.data, production_register: -1, meter_id: "" },
      public_key: "x",
    });
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.message).toMatch(/data\.meter_id/);
    expect(r.message).toMatch(/data\.production_register/);
    expect(r.message).toMatch(/public_key/);
  });

  it("accepts meter ids up to 32 UTF-8 bytes, counting bytes not characters", () => {
    const ok = (meter_id: string) =>
      parseSubmission({ ...valid, data: { ...valid.data, meter_id } }).ok;
    expect(ok("x".repeat(32))).toBe(true);
    expect(ok("é".repeat(16))).toBe(true);
    expect(ok("é".repeat(16) + "x")).toBe(false);
    expect(ok("😀".repeat(8))).toBe(true);
    expect(ok("😀".repeat(8) + "x")).toBe(false);
  });
});
