import { describe, expect, it } from "vitest";
import {
  bucketLabel,
  bucketTitle,
  chartData,
  energyScale,
  energyUnitFor,
  formatEnergyIn,
  formatNetEnergy,
} from "./energy-scale";

const HOUR = 3_600_000;
const at = (iso: string) => new Date(iso);

describe("energyScale: one unit per axis, from the data's maximum", () => {
  it("800 Wh and 1.6 kWh in one window: every tick in kWh, same decimals", () => {
    const s = energyScale(1_600);
    expect(s.unit).toBe("kWh");
    expect(s.ticks.map(s.format)).toEqual(["0.0 kWh", "0.5 kWh", "1.0 kWh", "1.5 kWh", "2.0 kWh"]);
    expect(s.top).toBe(2_000);
    // 800 Wh is written in the axis's unit too.
    expect(s.format(800)).toBe("0.8 kWh");
  });

  it("below 1 kWh the axis is in Wh, whole numbers", () => {
    const s = energyScale(400);
    expect(s.unit).toBe("Wh");
    expect(s.ticks.map(s.format)).toEqual(["0 Wh", "100 Wh", "200 Wh", "300 Wh", "400 Wh"]);
    expect(energyScale(3).ticks.map(energyScale(3).format)).toEqual([
      "0 Wh",
      "1 Wh",
      "2 Wh",
      "3 Wh",
    ]);
  });

  it("exactly 1 kWh, and megawatt-hours", () => {
    const k = energyScale(1_000);
    expect(k.ticks.map(k.format)).toEqual([
      "0.00 kWh",
      "0.25 kWh",
      "0.50 kWh",
      "0.75 kWh",
      "1.00 kWh",
    ]);
    const m = energyScale(2_300_000);
    expect(m.unit).toBe("MWh");
    expect(m.ticks.map(m.format)).toEqual(["0 MWh", "1 MWh", "2 MWh", "3 MWh"]);
  });

  it("an empty window still has an axis (0–4 Wh)", () => {
    const s = energyScale(0);
    expect(s.ticks.map(s.format)).toEqual(["0 Wh", "1 Wh", "2 Wh", "3 Wh", "4 Wh"]);
  });

  it("the axis is wide enough for its longest label, and the top covers the maximum", () => {
    for (const max of [1, 7, 99, 999, 1_001, 12_345, 987_654, 5_000_001]) {
      const s = energyScale(max);
      expect(s.top).toBeGreaterThanOrEqual(max);
      const longest = Math.max(...s.ticks.map((t) => s.format(t).length));
      expect(s.labelWidth(11)).toBeGreaterThanOrEqual(longest * 11 * 0.6);
      // Ticks are distinct once written: no "1 kWh, 1 kWh".
      expect(new Set(s.ticks.map(s.format)).size).toBe(s.ticks.length);
    }
  });
});

describe("chartData: the window shown", () => {
  it("fills every hour of the 48 h window, oldest first, ending with the current hour", () => {
    const now = at("2026-11-23T20:35:00Z");
    const d = chartData(
      [
        { at: at("2026-11-23T18:00:00Z"), productionWh: 800n, consumptionWh: 200n },
        { at: at("2026-11-23T20:00:00Z"), productionWh: 1_600n, consumptionWh: 300n },
      ],
      "hour",
      now,
    );
    expect(d.rows).toHaveLength(48);
    expect(d.rows.at(-1)).toEqual({
      t: Date.parse("2026-11-23T20:00:00Z"),
      production: 1_600,
      consumption: 300,
    });
    expect(d.rows.at(-2)).toEqual({
      t: Date.parse("2026-11-23T19:00:00Z"),
      production: 0,
      consumption: 0,
    });
    expect(d.rows[0]?.t).toBe(Date.parse("2026-11-23T20:00:00Z") - 47 * HOUR);
    expect(d.productionWh).toBe(2_400n);
    expect(d.consumptionWh).toBe(500n);
    expect(d.netWh).toBe(1_900n);
    expect(d.maxWh).toBe(1_600);
  });

  it("keeps a bucket older than the window instead of dropping it from the totals", () => {
    const d = chartData(
      [{ at: at("2026-10-20T00:00:00Z"), productionWh: 5n, consumptionWh: 9n }],
      "day",
      at("2026-11-23T12:00:00Z"),
    );
    expect(d.rows[0]?.t).toBe(Date.parse("2026-10-20T00:00:00Z"));
    expect(d.rows.at(-1)?.t).toBe(Date.parse("2026-11-23T00:00:00Z"));
    expect(d.netWh).toBe(-4n);
  });

  it("the same data gives the same rows (a refetch changes nothing the chart draws)", () => {
    const points = [{ at: at("2026-11-23T18:00:00Z"), productionWh: 70n, consumptionWh: 20n }];
    const now = at("2026-11-23T18:30:00Z");
    const refetched = points.map((p) => ({ ...p, at: new Date(p.at) }));
    expect(chartData(refetched, "hour", now)).toEqual(chartData(points, "hour", now));
    expect(chartData(points, "hour", now).rows.filter((r) => r.production > 0)).toHaveLength(1);
  });
});

describe("labels", () => {
  const t = Date.parse("2026-11-23T13:00:00Z"); // a Monday
  it("hours read as weekday and time, days as weekday, day and month", () => {
    expect(bucketLabel(t, "hour", "UTC")).toBe("Mon 13:00");
    expect(bucketLabel(t, "hour", "Asia/Bangkok")).toBe("Mon 20:00");
    expect(bucketLabel(Date.parse("2026-11-23T00:00:00Z"), "day", "UTC")).toBe("Mon 23 Nov");
    expect(bucketTitle(t, "hour", "Asia/Bangkok")).toBe("Mon 23 Nov, 20:00–21:00");
    expect(bucketTitle(t, "day", "UTC")).toBe("Mon 23 Nov 2026");
  });

  it("quantities in one unit, exact; the net figure is signed", () => {
    expect(energyUnitFor(999)).toBe("Wh");
    expect(energyUnitFor(1_000)).toBe("kWh");
    expect(formatEnergyIn(800n, "kWh")).toBe("0.8 kWh");
    expect(formatEnergyIn(1_234n, "Wh")).toBe("1,234 Wh");
    expect(formatEnergyIn(2_345_678n, "MWh")).toBe("2.345 MWh");
    expect(formatNetEnergy(1_900n, "kWh")).toBe("+1.9 kWh");
    expect(formatNetEnergy(-300n, "Wh")).toBe("−300 Wh");
    expect(formatNetEnergy(0n, "Wh")).toBe("0 Wh");
  });
});
