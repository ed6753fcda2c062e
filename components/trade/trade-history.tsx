"use client";

import { useQuery } from "@tanstack/react-query";
import { useAuth } from "~/components/auth/auth-provider";
import { KEEP_DATA_WHILE_REFRESHING } from "~/components/dashboard/live-query";
import { EmptyBlock, ErrorBlock, LoadingBlock, Panel, StaleNote } from "~/components/dashboard/panel";
import { formatDateTime } from "~/components/dashboard/units";
import { Button } from "~/components/ui/button";
import { shortAddress } from "~/lib/format";
import { useTRPC, type RouterOutputs } from "~/lib/trpc/react";
import { kwhText, priceText, thbcText, tradesCsv } from "./trade-math";

type MyTrade = RouterOutputs["orders"]["myTrades"][number];

function download(name: string, text: string) {
  const url = URL.createObjectURL(new Blob([text], { type: "text/csv;charset=utf-8" }));
  const a = document.createElement("a");
  a.href = url;
  a.download = name;
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1_000);
}

function TradeItem({ t, me }: { t: MyTrade; me: string }) {
  const myFee = t.feePayer === me ? t.fee : 0n;
  return (
    <li className="flex flex-col gap-1 py-3" data-testid="my-trade" data-side={t.side}>
      <div className="flex flex-wrap items-center gap-x-2">
        <span className={`font-semibold ${t.side === "buy" ? "text-emerald-700 dark:text-emerald-300" : "text-rose-700 dark:text-rose-300"}`}>
          {t.side === "buy" ? "Bought" : "Sold"}
        </span>
        <span className="tabular-nums" data-testid="my-trade-amount">
          {kwhText(t.amountWh)} kWh @ {priceText(t.price)} THB/kWh
        </span>
        <span className="text-fg-muted text-xs">({t.role})</span>
        <span className="flex-1" />
        <span className="text-fg-muted text-xs">{t.filledAt ? formatDateTime(t.filledAt) : `slot ${t.slot}`}</span>
      </div>
      <dl className="grid grid-cols-2 gap-x-3 gap-y-1 text-xs sm:grid-cols-4">
        <div>
          <dt className="text-fg-muted">Cost</dt>
          <dd className="tabular-nums">{thbcText(t.cost)} THBC</dd>
        </div>
        <div>
          <dt className="text-fg-muted">Fee {t.feePayer === me ? "(you paid)" : "(seller paid)"}</dt>
          <dd className="tabular-nums" data-testid="my-trade-fee">
            {thbcText(t.fee)} THBC
          </dd>
        </div>
        <div>
          <dt className="text-fg-muted">{t.side === "buy" ? "You paid" : "You received"}</dt>
          <dd className="font-semibold tabular-nums" data-testid="my-trade-net">
            {thbcText(t.side === "buy" ? -t.thbcNet : t.thbcNet)} THBC
          </dd>
        </div>
        <div>
          <dt className="text-fg-muted">{t.side === "buy" ? "GRID received" : "GRID sold"}</dt>
          <dd className="tabular-nums">{kwhText(t.amountWh)} GRID</dd>
        </div>
        {t.side === "sell" && myFee > 0n ? (
          <div className="col-span-2 sm:col-span-4">
            <dd className="text-fg-muted tabular-nums">
              {thbcText(t.cost)} − {thbcText(myFee)} fee = {thbcText(t.thbcNet)} THBC
            </dd>
          </div>
        ) : null}
        {t.side === "buy" && t.releasedToBuyer > 0n ? (
          <div className="col-span-2 sm:col-span-4">
            <dd className="text-fg-muted tabular-nums">{thbcText(t.releasedToBuyer)} THBC of your lock released (a better price or rounding)</dd>
          </div>
        ) : null}
      </dl>
      <span className="text-fg-muted font-mono text-xs" title={t.signature}>
        tx {shortAddress(t.signature, 6)} · with {shortAddress(t.counterparty, 4)}
      </span>
    </li>
  );
}

/** The signed-in user's fills, newest first, the fee and who paid it itemised; CSV export. */
export function TradeHistory() {
  const trpc = useTRPC();
  const auth = useAuth();
  const me = auth.user?.wallet ?? "";
  const trades = useQuery({ ...trpc.orders.myTrades.queryOptions({ limit: 200 }), refetchInterval: 15_000, ...KEEP_DATA_WHILE_REFRESHING });
  const data = trades.data;
  return (
    <Panel
      title="Trade history"
      action={
        <Button
          size="sm"
          variant="secondary"
          disabled={!data || data.length === 0}
          onClick={() => data && download(`gridtokenx-trades-${new Date().toISOString().slice(0, 10)}.csv`, tradesCsv(data, me))}
        >
          Export CSV
        </Button>
      }
    >
      {!data ? (
        trades.isError ? (
          <ErrorBlock error={trades.error} onRetry={() => void trades.refetch()} />
        ) : (
          <LoadingBlock label="Loading your trades" />
        )
      ) : data.length === 0 ? (
        <EmptyBlock>No trades yet. When one of your orders fills, it shows here with its fee.</EmptyBlock>
      ) : (
        <ul className="flex flex-col divide-y divide-[var(--line)] text-sm" data-testid="my-trades">
          {data.map((t) => (
            <TradeItem key={`${t.signature}:${t.fillIndex}`} t={t} me={me} />
          ))}
        </ul>
      )}
      {data && trades.isError ? <StaleNote onRetry={() => void trades.refetch()} /> : null}
    </Panel>
  );
}
