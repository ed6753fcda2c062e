"use client";

import { useQuery } from "@tanstack/react-query";
import { EmptyBlock, ErrorBlock, LoadingBlock, Panel, StaleNote } from "~/components/dashboard/panel";
import { useTRPC } from "~/lib/trpc/react";
import { kwhText, priceText } from "./trade-math";
import { BOOK_POLL_MS } from "./trade-queries";

const W = 600;
const H = 180;
const PAD = { l: 8, r: 8, t: 8, b: 22 };

interface Point {
  price: bigint;
  cumulativeWh: bigint;
}

/** Step path of one side's cumulative depth: bids step down to the left, asks up to the right. */
function stepPath(points: Point[], x: (p: bigint) => number, y: (wh: bigint) => number, side: "bid" | "ask"): string {
  if (points.length === 0) return "";
  const base = y(0n);
  let d = `M ${x(points[0]!.price)} ${base}`;
  let prevY = base;
  for (const p of points) {
    const px = x(p.price);
    d += ` L ${px} ${prevY} L ${px} ${y(p.cumulativeWh)}`;
    prevY = y(p.cumulativeWh);
  }
  const edge = side === "bid" ? PAD.l : W - PAD.r;
  d += ` L ${edge} ${prevY} L ${edge} ${base} Z`;
  return d;
}

/** The depth chart: cumulative kWh on each side of the spread (orders.depth), live like the book. */
export function DepthChart() {
  const trpc = useTRPC();
  const depth = useQuery({ ...trpc.orders.depth.queryOptions({ levels: 100 }), refetchInterval: BOOK_POLL_MS });
  const d = depth.data;
  let body;
  if (!d) {
    body = depth.isError ? <ErrorBlock error={depth.error} onRetry={() => void depth.refetch()} /> : <LoadingBlock label="Loading depth" className="h-44" />;
  } else if (d.bids.length === 0 && d.asks.length === 0) {
    body = <EmptyBlock>No depth yet: the chart fills in as orders are placed.</EmptyBlock>;
  } else {
    const prices = [...d.bids, ...d.asks].map((p) => p.price);
    let lo = prices.reduce((a, b) => (b < a ? b : a));
    let hi = prices.reduce((a, b) => (b > a ? b : a));
    if (lo === hi) {
      lo = (lo * 95n) / 100n;
      hi = (hi * 105n) / 100n;
    }
    const maxWh = [...d.bids, ...d.asks].reduce((m, p) => (p.cumulativeWh > m ? p.cumulativeWh : m), 1n);
    const x = (p: bigint) => PAD.l + (Number(p - lo) / Number(hi - lo)) * (W - PAD.l - PAD.r);
    const y = (wh: bigint) => H - PAD.b - (Number(wh) / Number(maxWh)) * (H - PAD.t - PAD.b);
    body = (
      <figure className="flex flex-col gap-2">
        <svg viewBox={`0 0 ${W} ${H}`} className="h-44 w-full" role="img" aria-label={`Depth: ${kwhText(d.bids.at(-1)?.cumulativeWh ?? 0n)} kWh bid, ${kwhText(d.asks.at(-1)?.cumulativeWh ?? 0n)} kWh asked`} preserveAspectRatio="none" data-testid="depth-chart">
          <line x1={PAD.l} x2={W - PAD.r} y1={H - PAD.b} y2={H - PAD.b} stroke="var(--line)" />
          <path d={stepPath(d.bids, x, y, "bid")} fill="rgb(16 185 129 / 0.25)" stroke="rgb(16 185 129)" strokeWidth={1.5} vectorEffect="non-scaling-stroke" />
          <path d={stepPath(d.asks, x, y, "ask")} fill="rgb(244 63 94 / 0.2)" stroke="rgb(244 63 94)" strokeWidth={1.5} vectorEffect="non-scaling-stroke" />
        </svg>
        <figcaption className="text-fg-muted flex flex-wrap justify-between gap-2 text-xs tabular-nums">
          <span>{priceText(lo)} THB/kWh</span>
          <span>up to {kwhText(maxWh)} kWh</span>
          <span>{priceText(hi)} THB/kWh</span>
        </figcaption>
      </figure>
    );
  }
  return (
    <Panel title="Depth">
      {body}
      {d && depth.isError ? <StaleNote onRetry={() => void depth.refetch()} /> : null}
    </Panel>
  );
}
