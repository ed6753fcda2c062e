/** The meter simulator's model (scripts/simulate-meters.ts): physical bounds and the Registry's limit. */
import { describe, expect, it } from "vitest";
import { generateMeterKeyPair, verifyReading, type MeterKeyPair } from "~/lib/meter-reading";
import {
  loadWatts,
  nextReading,
  readingBody,
  solarFraction,
  type SimMeterState,
} from "~/scripts/simulate-meters";
import bs58 from "bs58";

const meter = (): SimMeterState => ({
  meterId: "sim-x",
  capacityW: 5_000,
  baseLoadW: 400,
  cloud: 0,
  lastTs: null,
  carryP: 0,
  carryC: 0,
});

describe("simulator model", () => {
  it("solar is a bell over the day: zero at night, peak at noon", () => {
    expect(solarFraction(3)).toBe(0);
    expect(solarFraction(21)).toBe(0);
    expect(solarFraction(12)).toBe(1);
    expect(solarFraction(9)).toBeGreaterThan(0);
    expect(solarFraction(9)).toBeLessThan(solarFraction(11));
  });

  it("household load peaks in the evening above its base", () => {
    expect(loadWatts(19.5, 400)).toBeGreaterThan(loadWatts(14, 400));
    expect(loadWatts(3, 400)).toBeGreaterThanOrEqual(400);
  });

  it("never reports more than floor(capacity × elapsed / 3600), and rounding only carries a fraction of a Wh", () => {
    const m = meter();
    let rand = 1;
    const r = () => (rand = (rand * 48_271) % 2_147_483_647) / 2_147_483_647;
    const t0 = 1_767_225_600; // midnight UTC; tz 0
    let produced = 0;
    for (let ts = t0 + 60; ts <= t0 + 86_400; ts += 60) {
      const prevCloud = m.cloud;
      const x = nextReading(m, ts, 0, r);
      expect(x.productionWh).toBeLessThanOrEqual(Math.floor((5_000 * 60) / 3600));
      expect(Number.isInteger(x.productionWh) && Number.isInteger(x.consumptionWh)).toBe(true);
      produced += x.productionWh;
      expect(x.productionRegisterWh).toBe(produced); // registers are the running sums
      expect(m.carryP).toBeGreaterThanOrEqual(0);
      expect(m.carryP).toBeLessThanOrEqual(1);
      expect(m.carryC).toBeGreaterThanOrEqual(0);
      expect(m.carryC).toBeLessThan(1);
      expect(m.cloud).toBeGreaterThanOrEqual(0);
      expect(Math.abs(m.cloud - prevCloud)).toBeLessThanOrEqual(0.05 + 1e-9);
    }
    // A 5 kW array over a clear-ish day: several kWh, never above 24 h at full capacity.
    expect(produced).toBeGreaterThan(5_000);
    expect(produced).toBeLessThan(5_000 * 24);
  });

  it("signs exactly what it posts", () => {
    const keys: MeterKeyPair = generateMeterKeyPair();
    const body = readingBody("sim-x", keys, {
      productionRegisterWh: 12,
      consumptionRegisterWh: 7,
      timestamp: 1_767_225_660,
    });
    const ok = verifyReading(
      {
        meterId: body.data.meter_id,
        productionRegisterWh: body.data.production_register,
        consumptionRegisterWh: body.data.consumption_register,
        timestamp: body.data.timestamp,
      },
      bs58.decode(body.signature),
      bs58.decode(body.public_key),
    );
    expect(ok).toBe(true);
  });
});
