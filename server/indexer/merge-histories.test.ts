/**
 * mergeHistories: the catch-up's one list of transactions across every program's history.
 */
import { describe, expect, it } from "vitest";
import { mergeHistories } from "./indexer";

const sig = (signature: string, slot: number) => ({ signature, slot, err: null });

describe("mergeHistories", () => {
  it("lists a transaction seen under several programs once, with all of them, oldest slot first", () => {
    const merged = mergeHistories([
      { program: "registry", sigs: [sig("a", 1), sig("settle", 3), sig("d", 5)] },
      { program: "energy_token", sigs: [sig("b", 2), sig("settle", 3)] },
      { program: "oracle", sigs: [sig("c", 4)] },
    ]);
    expect(merged.map((e) => [e.signature, e.programs])).toEqual([
      ["a", ["registry"]],
      ["b", ["energy_token"]],
      ["settle", ["registry", "energy_token"]],
      ["c", ["oracle"]],
      ["d", ["registry"]],
    ]);
  });

  it("keeps each program's own order within a slot, and is empty for empty histories", () => {
    const merged = mergeHistories([
      { program: "registry", sigs: [sig("r1", 7), sig("r2", 7)] },
      { program: "oracle", sigs: [sig("o1", 7)] },
    ]);
    const order = merged.map((e) => e.signature);
    expect(order.indexOf("r1")).toBeLessThan(order.indexOf("r2"));
    expect(order).toHaveLength(3);
    expect(mergeHistories([{ program: "registry", sigs: [] }])).toEqual([]);
  });
});
