"use client";

import type { ReactNode } from "react";
import { EmptyBlock, ErrorBlock, LoadingBlock, Panel, StaleNote } from "~/components/dashboard/panel";
import type { RouterOutputs } from "~/lib/trpc/react";
import { kwhText, priceText } from "./trade-math";
import { useBook } from "./trade-queries";

type Level = RouterOutputs["orders"]["book"]["bids"][number];

function LevelRow({ level, side, max, onPick }: { level: Level; side: "bid" | "ask"; max: bigint; onPick?: (price: bigint) => void }) {
  const pct = max > 0n ? Number((level.cumulativeWh * 1000n) / max) / 10 : 0;
  const bar = side === "bid" ? "bg-emerald-500/15" : "bg-rose-500/15";
  const text = side === "bid" ? "text-emerald-700 dark:text-emerald-300" : "text-rose-700 dark:text-rose-300";
  return (
    <li className="relative">
      <div aria-hidden="true" className={`absolute inset-y-0 right-0 ${bar}`} style={{ width: `${pct}%` }} />
      <button
        type="button"
        onClick={() => onPick?.(level.price)}
        className="hover:bg-surface-muted relative grid w-full grid-cols-3 gap-2 px-2 py-1 text-right text-xs tabular-nums"
        title={`${level.orderCount} order${level.orderCount === 1 ? "" : "s"} at ${priceText(level.price)} THB/kWh — use this price`}
        data-testid={`book-${side}`}
        data-price={level.price.toString()}
        data-amount={level.totalWh.toString()}
      >
        <span className={`text-left font-medium ${text}`}>{priceText(level.price)}</span>
        <span>{kwhText(level.totalWh)}</span>
        <span className="text-fg-muted">{kwhText(level.cumulativeWh)}</span>
      </button>
    </li>
  );
}

function Header() {
  return (
    <div className="text-fg-muted grid grid-cols-3 gap-2 px-2 text-right text-[11px] font-medium tracking-wide uppercase">
      <span className="text-left">THB/kWh</span>
      <span>kWh</span>
      <span>Total kWh</span>
    </div>
  );
}

/**
 * The order book: asks above (best nearest the middle), the spread and last trade, bids below,
 * each level with its amount and the cumulative depth from the best price (bars to scale).
 * Clicking a level puts its price in the order form. Live: `orders` notices refetch it.
 */
export function OrderBook({ onPick }: { onPick?: (price: bigint) => void }) {
  const book = useBook();
  const data = book.data;
  let body: ReactNode;
  if (!data) {
    body = book.isError ? <ErrorBlock error={book.error} onRetry={() => void book.refetch()} /> : <LoadingBlock label="Loading the order book" className="h-64" />;
  } else if (data.bids.length === 0 && data.asks.length === 0) {
    body = <EmptyBlock>No open orders yet. Place the first one: sellers need GRID from a meter, buyers THBC from the Wallet page.</EmptyBlock>;
  } else {
    const max = [...data.bids, ...data.asks].reduce((m, l) => (l.cumulativeWh > m ? l.cumulativeWh : m), 0n);
    body = (
      <div className="flex flex-col gap-1" data-testid="order-book">
        <Header />
        {data.asks.length === 0 ? (
          <p className="text-fg-muted px-2 py-1 text-xs">No sell orders.</p>
        ) : (
          <ul aria-label="Asks (sell orders)" className="flex flex-col-reverse">
            {data.asks.map((l) => (
              <LevelRow key={l.price.toString()} level={l} side="ask" max={max} onPick={onPick} />
            ))}
          </ul>
        )}
        <div className="border-line bg-surface-muted flex flex-wrap items-center justify-between gap-2 rounded-lg border px-2 py-1.5 text-xs tabular-nums">
          <span data-testid="book-last">
            Last: {data.lastTrade ? <strong>{priceText(data.lastTrade.price)} THB/kWh</strong> : "no trades yet"}
          </span>
          <span className="text-fg-muted">Spread: {data.spread != null ? `${priceText(data.spread)}` : "—"}</span>
        </div>
        {data.bids.length === 0 ? (
          <p className="text-fg-muted px-2 py-1 text-xs">No buy orders.</p>
        ) : (
          <ul aria-label="Bids (buy orders)" className="flex flex-col">
            {data.bids.map((l) => (
              <LevelRow key={l.price.toString()} level={l} side="bid" max={max} onPick={onPick} />
            ))}
          </ul>
        )}
      </div>
    );
  }
  return (
    <Panel
      title="Order book"
      action={<span className="text-fg-muted text-xs">{data ? `${data.source === "cache" ? "Live" : "Database"} · slot ${data.sequence}` : null}</span>}
    >
      {body}
      {data && book.isError ? <StaleNote onRetry={() => void book.refetch()} /> : null}
    </Panel>
  );
}
