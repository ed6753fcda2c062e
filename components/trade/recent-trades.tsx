"use client";

import { useQuery } from "@tanstack/react-query";
import { KEEP_DATA_WHILE_REFRESHING } from "~/components/dashboard/live-query";
import { EmptyBlock, ErrorBlock, LoadingBlock, Panel, StaleNote } from "~/components/dashboard/panel";
import { formatDateTime } from "~/components/dashboard/units";
import { useTRPC } from "~/lib/trpc/react";
import { kwhText, priceText, thbcText } from "./trade-math";

/** The market's latest fills (orders.trades), newest first: price, amount, cost and fee. */
export function RecentTrades({ limit = 10, className = "" }: { limit?: number; className?: string }) {
  const trpc = useTRPC();
  const trades = useQuery({ ...trpc.orders.trades.queryOptions({ limit }), refetchInterval: 15_000, ...KEEP_DATA_WHILE_REFRESHING });
  const data = trades.data;
  return (
    <Panel title="Recent trades" className={className}>
      {!data ? (
        trades.isError ? (
          <ErrorBlock error={trades.error} onRetry={() => void trades.refetch()} />
        ) : (
          <LoadingBlock label="Loading recent trades" />
        )
      ) : data.length === 0 ? (
        <EmptyBlock>No trades on the market yet.</EmptyBlock>
      ) : (
        <ul className="flex flex-col divide-y divide-[var(--line)] text-sm" data-testid="recent-trades">
          {data.map((t) => (
            <li key={`${t.signature}:${t.fillIndex}`} className="flex flex-wrap items-baseline justify-between gap-x-3 py-2" data-testid="recent-trade">
              <span className="tabular-nums">
                <span className={t.takerSide === "buy" ? "text-emerald-700 dark:text-emerald-300" : "text-rose-700 dark:text-rose-300"}>
                  {priceText(t.price)} THB/kWh
                </span>{" "}
                · {kwhText(t.amountWh)} kWh
              </span>
              <span className="text-fg-muted text-xs tabular-nums">
                {thbcText(t.cost)} THBC, fee {thbcText(t.fee)} · {t.filledAt ? formatDateTime(t.filledAt) : `slot ${t.slot}`}
              </span>
            </li>
          ))}
        </ul>
      )}
      {data && trades.isError ? <StaleNote onRetry={() => void trades.refetch()} /> : null}
    </Panel>
  );
}
