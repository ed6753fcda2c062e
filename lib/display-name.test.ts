import { describe, expect, it } from "vitest";
import { ON_CHAIN_NAME_MAX_BYTES, onChainName } from "./display-name";

const bytes = (s: string) => new TextEncoder().encode(s).length;

describe("onChainName", () => {
  it("keeps a short name and cuts a long one to the Registry's byte limit", () => {
    expect(ON_CHAIN_NAME_MAX_BYTES).toBe(32);
    expect(onChainName("Roof")).toBe("Roof");
    expect(onChainName("a".repeat(40))).toBe("a".repeat(32));
  });

  it("cuts multi-byte names at a character boundary, never past 32 bytes", () => {
    const thai = "สมชายบ้านหลังคาโซลาร์"; // 3 bytes per character
    const cut = onChainName(thai);
    expect(bytes(cut)).toBeLessThanOrEqual(32);
    expect(bytes(cut)).toBeGreaterThan(29);
    expect(thai.startsWith(cut)).toBe(true);
    const emoji = "☀️".repeat(10);
    expect(bytes(onChainName(emoji))).toBeLessThanOrEqual(32);
  });
});
