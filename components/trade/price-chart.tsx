"use client";

/**
 * The price chart: OHLC candles and volume from the fills (orders.candles), with the last trade
 * price and the Oracle's reference retail and feed-in prices as horizontal lines. Drawn by
 * lightweight-charts, bundled with the app (loaded on the client only; nothing is fetched).
 */
import { useQuery } from "@tanstack/react-query";
import { useEffect, useRef, useState } from "react";
import type { IChartApi, IPriceLine, ISeriesApi, UTCTimestamp } from "lightweight-charts";
import { ErrorBlock, LoadingBlock, Panel, StaleNote } from "~/components/dashboard/panel";
import { useTRPC } from "~/lib/trpc/react";
import { priceText } from "./trade-math";
import { useBook, useMarket } from "./trade-queries";

const INTERVALS = [
  { key: "1m", label: "1m" },
  { key: "15m", label: "15m" },
  { key: "1h", label: "1h" },
  { key: "1d", label: "1d" },
] as const;
type Interval = (typeof INTERVALS)[number]["key"];

/** THBC base units per kWh → THB/kWh as the chart's number (display only; every figure shown in text is exact). */
const thb = (units: bigint) => Number(units) / 1e6;

interface ChartHandles {
  chart: IChartApi;
  candles: ISeriesApi<"Candlestick">;
  volume: ISeriesApi<"Histogram">;
  lines: IPriceLine[];
}

export function PriceChart() {
  const trpc = useTRPC();
  const [interval, setCandleInterval] = useState<Interval>("15m");
  const candles = useQuery({ ...trpc.orders.candles.queryOptions({ interval, limit: 300 }), refetchInterval: 15_000 });
  const market = useMarket();
  const book = useBook();
  const box = useRef<HTMLDivElement>(null);
  const handles = useRef<ChartHandles | null>(null);
  const [ready, setReady] = useState(false);
  const [chartError, setChartError] = useState<string | null>(null);

  // Create the chart once, on the client.
  useEffect(() => {
    let disposed = false;
    void import("lightweight-charts")
      .then((lc) => {
        if (disposed || !box.current) return;
        const muted = getComputedStyle(document.documentElement).getPropertyValue("--fg-muted").trim() || "#6b7280";
        const chart = lc.createChart(box.current, {
          autoSize: true,
          layout: { background: { type: lc.ColorType.Solid, color: "transparent" }, textColor: muted, fontSize: 11 },
          grid: { vertLines: { color: "rgba(127,127,127,0.12)" }, horzLines: { color: "rgba(127,127,127,0.12)" } },
          timeScale: { timeVisible: true, secondsVisible: false },
          rightPriceScale: { scaleMargins: { top: 0.1, bottom: 0.25 } },
          localization: { priceFormatter: (p: number) => p.toFixed(4) },
        });
        const candleSeries = chart.addSeries(lc.CandlestickSeries, {
          upColor: "#10b981",
          downColor: "#f43f5e",
          borderVisible: false,
          wickUpColor: "#10b981",
          wickDownColor: "#f43f5e",
          priceFormat: { type: "price", precision: 4, minMove: 0.0001 },
        });
        const volume = chart.addSeries(lc.HistogramSeries, { priceScaleId: "volume", priceFormat: { type: "volume" }, color: "rgba(99,102,241,0.45)" });
        volume.priceScale().applyOptions({ scaleMargins: { top: 0.8, bottom: 0 } });
        handles.current = { chart, candles: candleSeries, volume, lines: [] };
        setReady(true);
      })
      .catch(() => setChartError("The chart couldn't be drawn in this browser; the prices are listed below it."));
    return () => {
      disposed = true;
      handles.current?.chart.remove();
      handles.current = null;
    };
  }, []);

  const rows = candles.data;
  const retail = market.data?.oracle.retailPrice ?? null;
  const feedIn = market.data?.oracle.feedInPrice ?? null;
  const last = book.data?.lastTrade?.price ?? null;

  useEffect(() => {
    const h = handles.current;
    if (!ready || !h) return;
    const data = rows ?? [];
    h.candles.setData(
      data.map((c) => ({
        time: Math.floor(c.openTime.getTime() / 1000) as UTCTimestamp,
        open: thb(c.open),
        high: thb(c.high),
        low: thb(c.low),
        close: thb(c.close),
      })),
    );
    h.volume.setData(
      data.map((c) => ({
        time: Math.floor(c.openTime.getTime() / 1000) as UTCTimestamp,
        value: Number(c.volumeWh) / 1000,
        color: c.close >= c.open ? "rgba(16,185,129,0.45)" : "rgba(244,63,94,0.45)",
      })),
    );
    for (const line of h.lines) h.candles.removePriceLine(line);
    h.lines = [];
    const add = (price: bigint | null, title: string, color: string, dashed: boolean) => {
      if (price == null) return;
      h.lines.push(h.candles.createPriceLine({ price: thb(price), title, color, lineWidth: 1, lineStyle: dashed ? 2 : 0, axisLabelVisible: true }));
    };
    add(retail, "Retail", "#f59e0b", true);
    add(feedIn, "Feed-in", "#0ea5e9", true);
    add(last, "Last", "#6366f1", false);
    if (data.length > 0) h.chart.timeScale().fitContent();
  }, [ready, rows, retail, feedIn, last]);

  return (
    <Panel
      title="Price"
      action={
        <div role="group" aria-label="Candle interval" className="border-line flex overflow-hidden rounded-lg border text-xs">
          {INTERVALS.map((i) => (
            <button
              key={i.key}
              type="button"
              aria-pressed={interval === i.key}
              onClick={() => setCandleInterval(i.key)}
              className={`px-2.5 py-1 font-medium ${interval === i.key ? "bg-accent text-accent-fg" : "hover:bg-surface-muted"}`}
            >
              {i.label}
            </button>
          ))}
        </div>
      }
    >
      <dl className="grid grid-cols-3 gap-2 text-xs" data-testid="price-summary">
        <div className="bg-surface-muted rounded-lg p-2">
          <dt className="text-fg-muted">Last trade</dt>
          <dd className="font-semibold tabular-nums" data-testid="last-price">{last != null ? `${priceText(last)} THB/kWh` : "No trades yet"}</dd>
        </div>
        <div className="bg-surface-muted rounded-lg p-2">
          <dt className="text-fg-muted">Retail (oracle)</dt>
          <dd className="font-semibold tabular-nums" data-testid="retail-price">{retail != null ? `${priceText(retail)} THB/kWh` : "—"}</dd>
        </div>
        <div className="bg-surface-muted rounded-lg p-2">
          <dt className="text-fg-muted">Feed-in (oracle)</dt>
          <dd className="font-semibold tabular-nums" data-testid="feed-in-price">{feedIn != null ? `${priceText(feedIn)} THB/kWh` : "—"}</dd>
        </div>
      </dl>
      <div className="relative">
        <div ref={box} className="h-64 w-full min-w-0" data-testid="price-chart" data-candles={rows?.length ?? 0} aria-label="Price chart: candles and volume" role="img" />
        {!rows && !candles.isError ? <LoadingBlock label="Loading price history" className="absolute inset-0 h-64" /> : null}
        {rows?.length === 0 ? (
          <p className="text-fg-muted pointer-events-none absolute inset-x-0 top-1/3 text-center text-sm">
            No trades in this window yet: candles appear with the first fill.
          </p>
        ) : null}
      </div>
      {!rows && candles.isError ? <ErrorBlock error={candles.error} onRetry={() => void candles.refetch()} /> : null}
      {rows && candles.isError ? <StaleNote onRetry={() => void candles.refetch()} /> : null}
      {chartError ? <p className="text-fg-muted text-xs">{chartError}</p> : null}
    </Panel>
  );
}
