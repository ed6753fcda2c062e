/**
 * Bug 4 (issue 20): the meter's readings chart went blank after a mint until a reload. A mint
 * makes the live-updates stream invalidate every meters.* query; the chart's query then refetches
 * (and on the dashboard, the window switch changes its key). These drive the app's own
 * QueryClient (lib/trpc/query-client) through a QueryObserver, as useQuery does, and check what
 * the panel would show (liveView) at every step.
 */
import { QueryObserver, type QueryObserverResult } from "@tanstack/react-query";
import { afterEach, describe, expect, it } from "vitest";
import { makeQueryClient } from "~/lib/trpc/query-client";
import { KEEP_DATA_WHILE_REFRESHING, liveView, type LiveView } from "./live-query";

interface Point {
  at: Date;
  productionWh: bigint;
  consumptionWh: bigint;
}
const point = (hour: number, p: bigint): Point => ({
  at: new Date(Date.UTC(2026, 10, 23, hour)),
  productionWh: p,
  consumptionWh: 0n,
});

/** A query function whose answers the test hands out one at a time. */
function scripted() {
  const waiting: { resolve: (v: Point[]) => void; reject: (e: Error) => void }[] = [];
  return {
    fn: () => new Promise<Point[]>((resolve, reject) => waiting.push({ resolve, reject })),
    get calls() {
      return waiting.length;
    },
    answer(v: Point[]) {
      waiting.at(-1)!.resolve(v);
    },
    fail(message: string) {
      waiting.at(-1)!.reject(new Error(message));
    },
  };
}

const statsKey = (bucket: "hour" | "day") => [
  ["meters", "stats"],
  { input: { meterId: "m-1", bucket }, type: "query" },
];

const clients: ReturnType<typeof makeQueryClient>[] = [];
afterEach(() => {
  for (const c of clients.splice(0)) c.clear();
});

function observe(keep: boolean) {
  const client = makeQueryClient();
  clients.push(client);
  const source = scripted();
  const options = (bucket: "hour" | "day") => ({
    queryKey: statsKey(bucket),
    queryFn: source.fn,
    // A failed refetch is reported at once here (the app retries twice, with delays).
    retry: false,
    ...(keep ? KEEP_DATA_WHILE_REFRESHING : {}),
  });
  const observer = new QueryObserver<Point[], Error>(client, options("hour"));
  const seen: { view: LiveView; result: QueryObserverResult<Point[], Error> }[] = [];
  const unsubscribe = observer.subscribe((result) => seen.push({ view: liveView(result), result }));
  const now = () => liveView(observer.getCurrentResult());
  return { client, source, observer, options, seen, unsubscribe, now };
}

/** Lets the query's promise callbacks run. */
const settle = () => new Promise((r) => setTimeout(r, 0));

describe("live refetches keep the chart's data (bug 4)", () => {
  it("a mint's invalidation, a failed refetch and a window switch never blank the chart", async () => {
    const o = observe(true);
    expect(o.now()).toBe("loading");
    o.source.answer([point(18, 400n)]);
    await settle();
    expect(o.now()).toBe("data");
    const firstData = o.seen.findIndex((s) => s.view === "data");
    expect(firstData).toBeGreaterThanOrEqual(0);

    // A mint: live-updates invalidates trpc.meters.pathFilter(), which refetches the chart.
    void o.client.invalidateQueries({ queryKey: [["meters"]] });
    await settle();
    expect(o.source.calls).toBe(2);
    const during = o.observer.getCurrentResult();
    expect(during.isFetching).toBe(true);
    expect(liveView(during)).toBe("data");
    expect(during.data?.[0]?.productionWh).toBe(400n);
    o.source.answer([point(18, 400n), point(19, 70n)]);
    await settle();
    expect(o.observer.getCurrentResult().data).toHaveLength(2);

    // The next refetch fails (server busy, connection dropped): the bars stay, the error is known.
    void o.client.invalidateQueries({ queryKey: [["meters"]] });
    await settle();
    o.source.fail("connection reset");
    await settle();
    const failed = o.observer.getCurrentResult();
    expect(failed.isError).toBe(true);
    expect(liveView(failed)).toBe("data");
    expect(failed.data).toHaveLength(2);

    // The window switch (a new key): the old bars stand in until the new ones arrive.
    o.observer.setOptions(o.options("day"));
    await settle();
    const switching = o.observer.getCurrentResult();
    expect(switching.isPlaceholderData).toBe(true);
    expect(liveView(switching)).toBe("data");
    o.source.answer([point(0, 470n)]);
    await settle();
    const switched = o.observer.getCurrentResult();
    expect(switched.isPlaceholderData).toBe(false);
    expect(switched.data?.[0]?.productionWh).toBe(470n);

    // At no point after the first answer did the panel show anything but the chart.
    expect(o.seen.slice(firstData).map((s) => s.view)).not.toContain("loading");
    expect(o.seen.slice(firstData).map((s) => s.view)).not.toContain("error");
    expect(o.seen.slice(firstData).map((s) => s.view)).not.toContain("empty");
    o.unsubscribe();
  });

  it("without it, the window switch shows the loading block instead of the chart", async () => {
    const o = observe(false);
    o.source.answer([point(18, 400n)]);
    await settle();
    o.observer.setOptions(o.options("day"));
    await settle();
    expect(o.now()).toBe("loading");
    o.unsubscribe();
  });
});

describe("liveView", () => {
  it("data whenever there is some, loading before the first answer, the error only with nothing read", () => {
    expect(liveView({ data: undefined, isError: false })).toBe("loading");
    expect(liveView({ data: undefined, isError: true })).toBe("error");
    expect(liveView({ data: [], isError: false })).toBe("empty");
    expect(liveView({ data: [1], isError: true })).toBe("data");
    expect(liveView({ data: [], isError: true })).toBe("empty");
  });
});
