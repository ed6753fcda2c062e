"use client";

import { useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { KEEP_DATA_WHILE_REFRESHING } from "~/components/dashboard/live-query";
import { EmptyBlock, ErrorBlock, LoadingBlock, Panel, StaleNote } from "~/components/dashboard/panel";
import { formatDateTime } from "~/components/dashboard/units";
import { buttonClasses } from "~/components/ui/button";
import { useTRPC } from "~/lib/trpc/react";
import { kwhText, priceText, thbcText } from "./trade-math";
import { useBook } from "./trade-queries";

/** The dashboard's market panel: the last trade price on the market and the user's latest fills, fees itemised. */
export function DashboardTrades({ className = "" }: { className?: string }) {
  const trpc = useTRPC();
  const book = useBook();
  const mine = useQuery({ ...trpc.orders.myTrades.queryOptions({ limit: 5 }), refetchInterval: 15_000, ...KEEP_DATA_WHILE_REFRESHING });
  const last = book.data?.lastTrade ?? null;
  const data = mine.data;
  return (
    <Panel
      title="Recent trades"
      className={className}
      action={
        <Link href="/trade" className={buttonClasses("secondary", "sm")}>
          Go to Trade
        </Link>
      }
    >
      <div className="bg-surface-muted flex flex-wrap items-baseline justify-between gap-2 rounded-xl p-4">
        <span className="text-fg-muted text-xs font-medium tracking-wide uppercase">Last price</span>
        <span className="text-xl font-semibold tabular-nums" data-testid="dashboard-last-price">
          {book.data ? (last ? `${priceText(last.price)} THB/kWh` : "No trades yet") : book.isError ? "—" : "…"}
        </span>
        {last ? (
          <span className="text-fg-muted w-full text-xs">
            {kwhText(last.amountWh)} kWh for {thbcText(last.cost)} THBC{last.filledAt ? ` · ${formatDateTime(last.filledAt)}` : ""}
          </span>
        ) : null}
      </div>
      {!data ? (
        mine.isError ? (
          <ErrorBlock error={mine.error} onRetry={() => void mine.refetch()} />
        ) : (
          <LoadingBlock label="Loading your trades" />
        )
      ) : data.length === 0 ? (
        <EmptyBlock>No trades yet. Your fills are listed here, with their fees, once an order of yours matches.</EmptyBlock>
      ) : (
        <ul className="flex flex-col divide-y divide-[var(--line)] text-sm" data-testid="dashboard-trades">
          {data.map((t) => (
            <li key={`${t.signature}:${t.fillIndex}`} className="flex flex-wrap items-baseline justify-between gap-x-3 py-2" data-testid="dashboard-trade">
              <span className="tabular-nums">
                {t.side === "buy" ? "Bought" : "Sold"} {kwhText(t.amountWh)} kWh @ {priceText(t.price)} THB/kWh
              </span>
              <span className="text-fg-muted text-xs tabular-nums">
                {t.side === "buy" ? `paid ${thbcText(-t.thbcNet)} THBC` : `received ${thbcText(t.thbcNet)} THBC after a ${thbcText(t.fee)} THBC fee`}
                {t.filledAt ? ` · ${formatDateTime(t.filledAt)}` : ""}
              </span>
            </li>
          ))}
        </ul>
      )}
      {data && mine.isError ? <StaleNote onRetry={() => void mine.refetch()} /> : null}
    </Panel>
  );
}
