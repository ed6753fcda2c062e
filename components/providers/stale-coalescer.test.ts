/**
 * A burst of live notices costs one refetch per stale query (issue 15): the coalescer drives the
 * app's own QueryClient (lib/trpc/query-client) with observed queries, as mounted components
 * hold them, and the refetches are counted at the query functions.
 */
import { QueryObserver, type QueryClient } from "@tanstack/react-query";
import { afterEach, describe, expect, it } from "vitest";
import { makeQueryClient } from "~/lib/trpc/query-client";
import { createStaleCoalescer, queryIsStale } from "./stale-coalescer";

const KEYS = [
  [["meters", "mine"], { type: "query" }],
  [["meters", "readings"], { input: { id: 1 }, type: "query" }],
  [["orders", "book"], { type: "query" }],
  ["wallet-balances", "abc"],
] as const;

let client: QueryClient;
const unsubscribes: (() => void)[] = [];

afterEach(() => {
  for (const u of unsubscribes.splice(0)) u();
  client.clear();
});

/** Mounts one observer per key; answers how often each query function ran. */
async function mount(): Promise<number[]> {
  client = makeQueryClient();
  const calls = KEYS.map(() => 0);
  KEYS.forEach((key, i) => {
    const observer = new QueryObserver(client, {
      queryKey: key,
      queryFn: async () => {
        calls[i]! += 1;
        await new Promise((r) => setTimeout(r, 5));
        return calls[i];
      },
      staleTime: 60_000,
    });
    unsubscribes.push(observer.subscribe(() => undefined));
  });
  await waitIdle();
  return calls;
}

async function waitIdle() {
  for (let i = 0; i < 100 && client.isFetching() > 0; i++) await new Promise((r) => setTimeout(r, 5));
  expect(client.isFetching()).toBe(0);
}

const invalidate = (names: ReadonlySet<string>) =>
  void client.invalidateQueries({ predicate: (q) => queryIsStale(q.queryKey, names) });

describe("stale coalescer", () => {
  it("twelve notices in a burst: each stale query refetches once, the others not at all", async () => {
    const calls = await mount();
    expect(calls).toEqual([1, 1, 1, 1]);
    const c = createStaleCoalescer(invalidate, 20);
    for (let i = 0; i < 12; i++) c.add(i % 2 === 0 ? ["meters"] : ["meters", "wallet-balances"]);
    await new Promise((r) => setTimeout(r, 40));
    await waitIdle();
    expect(calls).toEqual([2, 2, 1, 2]);
    c.dispose();
  });

  it("without it (one invalidation per notice) the same burst starts twelve fetches per query", async () => {
    const calls = await mount();
    for (let i = 0; i < 12; i++) invalidate(new Set(["meters"]));
    await waitIdle();
    // each invalidation cancels the running refetch and starts another: what the coalescer prevents
    expect(calls[0]).toBe(13);
  });

  it("notices after a flush make a second refetch; dispose drops what is pending", async () => {
    const calls = await mount();
    const c = createStaleCoalescer(invalidate, 10);
    c.add(["orders"]);
    c.flush();
    await waitIdle();
    c.add(["orders"]);
    await new Promise((r) => setTimeout(r, 30));
    await waitIdle();
    expect(calls[2]).toBe(3);
    c.add(["orders", "meters"]);
    c.dispose();
    await new Promise((r) => setTimeout(r, 30));
    await waitIdle();
    expect(calls).toEqual([1, 1, 3, 1]);
    c.add([]);
    c.flush();
    expect(client.isFetching()).toBe(0);
  });

  it("matches a query by its router name or its plain key's first part", () => {
    const names = new Set(["meters", "wallet-balances"]);
    expect(KEYS.map((k) => queryIsStale(k as unknown as readonly unknown[], names))).toEqual([true, true, false, true]);
  });
});
