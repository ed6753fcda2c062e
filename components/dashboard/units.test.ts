import { describe, expect, it } from "vitest";
import { formatGrid, formatKwh, formatPricePerKwh, formatSol, formatThbc, formatUnits } from "./units";

describe("unit formatting (exact, bigint)", () => {
  it("GRID and kWh: 3 decimals, 1 base unit = 1 Wh", () => {
    expect(formatGrid(400n)).toBe("0.4 GRID");
    expect(formatGrid(1n)).toBe("0.001 GRID");
    expect(formatGrid(0n)).toBe("0 GRID");
    expect(formatKwh(1_234_567n)).toBe("1,234.567 kWh");
  });
  it("never rounds through floating point", () => {
    expect(formatUnits(9_007_199_254_740_993n, 3)).toBe("9,007,199,254,740.993");
    expect(formatUnits(-1_500n, 3)).toBe("-1.5");
  });
  it("THBC, prices and SOL", () => {
    expect(formatThbc(12_345_678n)).toBe("12.34 THBC");
    expect(formatPricePerKwh(4_200_000n)).toBe("4.2 THB/kWh");
    expect(formatSol(1_000_000_000n)).toBe("1 SOL");
  });
});
