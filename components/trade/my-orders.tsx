"use client";

import { useAnchorWallet, useConnection } from "@solana/wallet-adapter-react";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { KEEP_DATA_WHILE_REFRESHING } from "~/components/dashboard/live-query";
import { EmptyBlock, ErrorBlock, LoadingBlock, Panel, StaleNote } from "~/components/dashboard/panel";
import { formatDateTime } from "~/components/dashboard/units";
import { Button } from "~/components/ui/button";
import { useToast } from "~/components/ui/toast";
import { useWalletTx } from "~/components/wallet/use-wallet-tx";
import { shortAddress } from "~/lib/format";
import { useTRPC, type RouterOutputs } from "~/lib/trpc/react";
import { kwhText, priceText, STATUS_LABEL, thbcText } from "./trade-math";
import { buildCancelOrder, describePrepareError, tradingProgram } from "./trading-program";

type MyOrder = RouterOutputs["orders"]["myOrders"][number];

const STATUS_STYLE: Record<string, string> = {
  open: "bg-sky-500/15 text-sky-700 dark:text-sky-300",
  partial: "bg-amber-500/15 text-amber-700 dark:text-amber-300",
  filled: "bg-emerald-500/15 text-emerald-700 dark:text-emerald-300",
  cancelled: "bg-surface-muted text-fg-muted",
  expired: "bg-surface-muted text-fg-muted",
  closed: "bg-surface-muted text-fg-muted",
};

const FILTERS = [
  { key: "active", label: "Open", statuses: ["open", "partial"] as MyOrder["status"][] },
  { key: "all", label: "All", statuses: undefined },
] as const;

function Field({ label, children }: { label: string; children: React.ReactNode }) {
  return (
    <div className="flex min-w-0 flex-col">
      <span className="text-fg-muted text-[11px] tracking-wide uppercase">{label}</span>
      <span className="tabular-nums [overflow-wrap:anywhere]">{children}</span>
    </div>
  );
}

function OrderItem({ o, onCancel, cancelling }: { o: MyOrder; onCancel: () => void; cancelling: boolean }) {
  const lockedText = o.locked == null ? "—" : o.side === "sell" ? `${kwhText(o.locked)} GRID` : `${thbcText(o.locked)} THBC`;
  return (
    <li className="flex flex-col gap-2 py-3" data-testid="my-order" data-status={o.status} data-order={o.order}>
      <div className="flex flex-wrap items-center gap-2">
        <span className={`font-semibold ${o.side === "buy" ? "text-emerald-700 dark:text-emerald-300" : "text-rose-700 dark:text-rose-300"}`}>
          {o.side === "buy" ? "Buy" : "Sell"}
        </span>
        <span className="tabular-nums">
          {o.amountWh != null ? `${kwhText(o.amountWh)} kWh` : "—"} @ {o.limitPrice != null ? `${priceText(o.limitPrice)} THB/kWh` : "—"}
        </span>
        <span className={`rounded-full px-2 py-0.5 text-xs font-medium ${STATUS_STYLE[o.status] ?? ""}`} data-testid="my-order-status">
          {STATUS_LABEL[o.status] ?? o.status}
        </span>
        <span className="flex-1" />
        {o.cancellable ? (
          <Button size="sm" variant="secondary" busy={cancelling} disabled={cancelling} onClick={onCancel}>
            Cancel
          </Button>
        ) : null}
      </div>
      <div className="grid grid-cols-2 gap-2 text-xs sm:grid-cols-4">
        <Field label="Filled">
          <span data-testid="my-order-filled">{kwhText(o.filledWh)}</span>
          {o.amountWh != null ? ` of ${kwhText(o.amountWh)} kWh` : " kWh"}
        </Field>
        <Field label="Remaining">{o.remainingWh != null ? `${kwhText(o.remainingWh)} kWh` : "—"}</Field>
        <Field label="Locked">{lockedText}</Field>
        <Field label={o.side === "sell" ? "Fees paid" : "Avg. price"}>
          {o.side === "sell" ? `${thbcText(o.feesPaid)} THBC` : o.averagePrice != null ? `${priceText(o.averagePrice)} THB/kWh` : "—"}
        </Field>
        <Field label="Placed">{o.createdAt ? formatDateTime(o.createdAt) : "—"}</Field>
        <Field label="Expires">{o.expiresAt ? formatDateTime(o.expiresAt) : "—"}</Field>
        {o.paidGrid != null || o.paidThbc != null ? (
          <Field label="Paid back">
            {[o.paidGrid ? `${kwhText(o.paidGrid)} GRID` : null, o.paidThbc ? `${thbcText(o.paidThbc)} THBC` : null].filter(Boolean).join(" + ") || "nothing"}
          </Field>
        ) : null}
        <Field label="Order">
          <span className="font-mono" title={o.order}>
            {shortAddress(o.order, 5)}
          </span>
        </Field>
      </div>
    </li>
  );
}

/** The signed-in user's orders (open and partly filled first; All adds filled, cancelled, expired), with Cancel. */
export function MyOrders() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const { connection } = useConnection();
  const anchorWallet = useAnchorWallet();
  const { notify } = useToast();
  const walletTx = useWalletTx();
  const [filter, setFilter] = useState<(typeof FILTERS)[number]["key"]>("active");
  const statuses = FILTERS.find((f) => f.key === filter)!.statuses;
  const orders = useQuery({
    ...trpc.orders.myOrders.queryOptions(statuses ? { status: [...statuses], limit: 100 } : { limit: 100 }),
    refetchInterval: 10_000,
    ...KEEP_DATA_WHILE_REFRESHING,
  });
  const prepare = useMutation(trpc.orders.prepareCancelOrder.mutationOptions());
  const sync = useMutation(trpc.orders.syncFromChain.mutationOptions());
  const [cancelling, setCancelling] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);

  async function cancel(o: MyOrder) {
    if (cancelling) return;
    setError(null);
    if (!anchorWallet) return setError("Connect your wallet first.");
    setCancelling(o.order);
    try {
      let prepared;
      try {
        prepared = await prepare.mutateAsync({ order: o.order });
      } catch (err) {
        return setError(describePrepareError(err));
      }
      const program = tradingProgram(connection, anchorWallet);
      const sent = await walletTx.send(() => buildCancelOrder(program, prepared));
      if (!sent.ok) return setError(sent.message);
      await sync.mutateAsync({ signatures: [sent.signature] }).catch(() => undefined);
      await Promise.all([
        queryClient.invalidateQueries({ queryKey: trpc.orders.pathKey() }),
        queryClient.invalidateQueries({ queryKey: ["wallet-balances"] }),
      ]);
      const back = [
        prepared.payout.grid > 0n ? `${kwhText(prepared.payout.grid)} GRID` : null,
        prepared.payout.thbc > 0n ? `${thbcText(prepared.payout.thbc)} THBC` : null,
      ].filter(Boolean);
      notify({
        tone: "success",
        title: "Order cancelled",
        description: `${back.length ? back.join(" and ") : "Nothing"} returned to your wallet${prepared.payout.fee > 0n ? `; ${thbcText(prepared.payout.fee)} THBC fee paid` : ""}.`,
      });
    } finally {
      setCancelling(null);
    }
  }

  const data = orders.data;
  return (
    <Panel
      title="My orders"
      action={
        <div role="group" aria-label="Which orders" className="border-line flex overflow-hidden rounded-lg border text-xs">
          {FILTERS.map((f) => (
            <button
              key={f.key}
              type="button"
              aria-pressed={filter === f.key}
              onClick={() => setFilter(f.key)}
              className={`px-3 py-1 font-medium ${filter === f.key ? "bg-accent text-accent-fg" : "hover:bg-surface-muted"}`}
            >
              {f.label}
            </button>
          ))}
        </div>
      }
    >
      {error ? (
        <p role="alert" className="bg-danger-soft text-danger rounded-xl p-3 text-sm" data-testid="cancel-error">
          {error}
        </p>
      ) : null}
      {!data ? (
        orders.isError ? (
          <ErrorBlock error={orders.error} onRetry={() => void orders.refetch()} />
        ) : (
          <LoadingBlock label="Loading your orders" />
        )
      ) : data.length === 0 ? (
        <EmptyBlock>{filter === "active" ? "No open orders. Place one with the form." : "You haven't placed any orders yet."}</EmptyBlock>
      ) : (
        <ul className="flex flex-col divide-y divide-[var(--line)] text-sm" data-testid="my-orders">
          {data.map((o) => (
            <OrderItem key={o.order} o={o} cancelling={cancelling === o.order} onCancel={() => void cancel(o)} />
          ))}
        </ul>
      )}
      {data && orders.isError ? <StaleNote onRetry={() => void orders.refetch()} /> : null}
    </Panel>
  );
}
