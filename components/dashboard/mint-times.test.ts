import { describe, expect, it } from "vitest";
import { mintTimeText, mintTimes, slotsNeedingTime } from "./mint-times";
import { formatDateTime } from "./units";

const stored = new Date("2026-11-23T13:05:00Z");
const items = [
  { id: 1, slot: 4389, mintedAt: stored },
  { id: 2, slot: 4400, mintedAt: null },
  { id: 3, slot: 4400, mintedAt: null },
  { id: 4, slot: 4410, mintedAt: null },
  { id: 5, slot: 4420, mintedAt: null },
  { id: 6, slot: 4430, mintedAt: null },
];

describe("mint history times, never slots", () => {
  it("asks the RPC once per slot, only for mints without a stored block time", () => {
    expect(slotsNeedingTime(items)).toEqual([4400, 4410, 4420, 4430]);
  });

  it("the stored block time, else the slot's time, else says it isn't known", () => {
    const t = Date.parse("2026-11-23T13:06:00Z");
    const times = mintTimes(
      items,
      new Map([
        [4400, { data: t, isError: false }],
        [4410, { data: null, isError: false }],
        [4420, { isError: true }],
        [4430, { isError: false }],
      ]),
    );
    expect(times.get(1)).toEqual(stored);
    expect(times.get(2)).toEqual(new Date(t));
    expect(times.get(3)).toEqual(new Date(t));
    expect(times.get(4)).toBe("unknown");
    expect(times.get(5)).toBe("unknown");
    expect(times.get(6)).toBe("pending");

    const lines = items.map((m) => mintTimeText(times.get(m.id)));
    expect(lines).toEqual([
      formatDateTime(stored),
      formatDateTime(new Date(t)),
      formatDateTime(new Date(t)),
      "Time not known yet",
      "Time not known yet",
      "…",
    ]);
    for (const line of lines) {
      expect(line).not.toMatch(/slot|\b44\d\d\b/i);
    }
  });
});
