import { describe, expect, it } from "vitest";
import {
  amountFieldSchema,
  amountInputText,
  formatThbcAmount,
  isThbAddress,
  parseAmount,
  thbAddressFromHex,
  thbAddressSchema,
  U64_MAX,
} from "./thb-amounts";

describe("THB amounts", () => {
  it("parses plain decimals with up to 6 places exactly, and refuses anything else", () => {
    expect(parseAmount("12.5")).toBe(12_500_000n);
    expect(parseAmount(" 1,000.000001 ")).toBe(1_000_000_001n);
    expect(parseAmount("0")).toBe(0n);
    expect(parseAmount("7.")).toBe(7_000_000n);
    for (const bad of ["", "-1", "1e3", "0.0000001", "abc", "1.2.3", "18446744073710"]) expect(parseAmount(bad)).toBeNull();
    expect(parseAmount(amountInputText(U64_MAX))).toBe(U64_MAX);
  });

  it("formats every significant decimal, grouped", () => {
    expect(formatThbcAmount(1_234_500_000n)).toBe("1,234.5 THBC");
    expect(formatThbcAmount(1n)).toBe("0.000001 THBC");
    expect(formatThbcAmount(40_000_000n)).toBe("40 THBC");
    expect(amountInputText(12_345_678n)).toBe("12.345678");
  });

  it("the amount field: > 0, at most 6 decimals, under each bound with its own reason", () => {
    const field = amountFieldSchema({ max: [{ units: 10_000_000n, reason: "over the balance" }] });
    expect(field.parse("10")).toBe(10_000_000n);
    const message = (text: string) => field.safeParse(text).error?.issues[0]?.message;
    expect(message("10.000001")).toBe("over the balance");
    expect(message("0")).toBe("The amount must be more than 0");
    expect(message("")).toBe("Enter an amount");
    expect(message("1.1234567")).toMatch(/at most 6 decimals/);
  });

  it("THB addresses are base58 of 32 bytes; a recorded destination's hex reads back as one", () => {
    const address = "11111111111111111111111111111112";
    expect(isThbAddress(address)).toBe(true);
    expect(isThbAddress("not-an-address")).toBe(false);
    expect(isThbAddress("1111111111111111111111111111111")).toBe(false);
    expect(thbAddressSchema.safeParse("0OIl").success).toBe(false);
    expect(thbAddressFromHex("00".repeat(31) + "01")).toBe(address);
    expect(thbAddressFromHex("zz")).toBeNull();
    expect(thbAddressFromHex(null)).toBeNull();
  });
});
