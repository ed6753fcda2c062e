"use client";

import { useQuery } from "@tanstack/react-query";
import { useEffect, useState, type ReactNode } from "react";
import { EmptyBlock, ErrorBlock, LoadingBlock, Panel, PanelSkeleton, StaleNote } from "~/components/dashboard/panel";
import { SignedInGate } from "~/components/dashboard/signed-in-gate";
import { formatDateTime, formatTime } from "~/components/dashboard/units";
import { WalletIcon } from "~/components/ui/icons";
import { shortAddress } from "~/lib/format";
import { formatThbAmount, formatThbcAmount, thbAddressFromHex } from "~/lib/thb-amounts";
import { useTRPC } from "~/lib/trpc/react";
import { FAST_POLL_MS, SLOW_POLL_MS, useBridgeConfig, useThbAccount, useThbcBalance, useThbTransfers } from "./bridge-queries";
import {
  depositInFlight,
  depositRows,
  withdrawalInFlight,
  withdrawalRows,
  type DepositRow,
  type DepositStage,
  type WithdrawalRow,
  type WithdrawalStage,
} from "./bridge-rows";
import { DepositPanel } from "./deposit-panel";
import { WithdrawPanel } from "./withdraw-panel";

const STAGE_STYLE: Record<DepositStage | WithdrawalStage, string> = {
  sent: "bg-surface-muted text-fg-muted",
  seen: "bg-sky-500/15 text-sky-700 dark:text-sky-300",
  confirming: "bg-sky-500/15 text-sky-700 dark:text-sky-300",
  minting: "bg-sky-500/15 text-sky-700 dark:text-sky-300",
  minted: "bg-emerald-500/15 text-emerald-700 dark:text-emerald-300",
  requested: "bg-amber-500/15 text-amber-700 dark:text-amber-300",
  paying: "bg-sky-500/15 text-sky-700 dark:text-sky-300",
  paid: "bg-emerald-500/15 text-emerald-700 dark:text-emerald-300",
  refunded: "bg-surface-muted text-fg",
  reorged: "bg-danger/15 text-danger",
  invalid_memo: "bg-danger/15 text-danger",
  rejected: "bg-danger/15 text-danger",
  failed: "bg-danger/15 text-danger",
};

function StageBadge({ stage, children }: { stage: DepositStage | WithdrawalStage; children: ReactNode }) {
  return (
    <span className={`rounded-full px-2 py-0.5 text-xs font-medium ${STAGE_STYLE[stage]}`} data-stage={stage}>
      {children}
    </span>
  );
}

function ProgressBar({ value, label }: { value: number; label: string }) {
  const pct = Math.round(Math.min(1, Math.max(0, value)) * 100);
  return (
    <div
      className="bg-surface-muted h-1.5 w-full overflow-hidden rounded-full"
      role="progressbar"
      aria-label={label}
      aria-valuemin={0}
      aria-valuemax={100}
      aria-valuenow={pct}
    >
      <div className="bg-accent h-full rounded-full transition-[width]" style={{ width: `${pct}%` }} />
    </div>
  );
}

function Sig({ label, value }: { label: string; value: string | null }) {
  if (!value) return null;
  return (
    <span className="font-mono" title={value}>
      {label} {shortAddress(value, 6)}
    </span>
  );
}

/** The THBC balance (from the chain through the server), live, with the bridge's state and limits. */
function ThbcBalancePanel({ fast }: { fast: boolean }) {
  const balance = useThbcBalance(fast);
  const config = useBridgeConfig();
  const limits = config.data?.limits;
  return (
    <Panel
      title="THBC balance"
      className="lg:col-span-3"
      action={
        config.data ? (
          <span
            className={`rounded-full px-2 py-0.5 text-xs font-medium ${config.data.paused ? "bg-amber-500/15 text-amber-700 dark:text-amber-300" : "bg-emerald-500/15 text-emerald-700 dark:text-emerald-300"}`}
            data-testid="bridge-state"
          >
            {!config.data.initialized ? "Bridge not set up" : config.data.paused ? "Bridge paused" : "Bridge open"}
          </span>
        ) : null
      }
    >
      {balance.data && balance.isError ? <StaleNote onRetry={() => void balance.refetch()} /> : null}
      {balance.isPending ? (
        <LoadingBlock label="Loading THBC balance" className="h-16" />
      ) : !balance.data ? (
        <ErrorBlock error={balance.error} onRetry={() => void balance.refetch()} />
      ) : (
        <div className="flex flex-col gap-1">
          <span className="text-3xl font-semibold tabular-nums" data-testid="wallet-thbc-balance">
            {formatThbcAmount(balance.data.amount)}
          </span>
          <span className="text-fg-muted text-xs">
            1 THBC = 1 THB · read from the chain at {formatTime(new Date(balance.dataUpdatedAt))}
          </span>
        </div>
      )}
      {config.isError && !config.data ? (
        <ErrorBlock error={config.error} onRetry={() => void config.refetch()} />
      ) : limits ? (
        <p className="text-fg-muted text-xs" data-testid="bridge-limits">
          Limits: {formatThbAmount(limits.maxPerDeposit)} per deposit, {formatThbAmount(limits.maxPerDay)} a day
          {config.data?.dayMinted != null
            ? ` (${formatThbAmount(config.data.dayMinted)} deposited today)`
            : ""}
          ; an unpaid withdrawal can be refunded after {Math.round(limits.withdrawalTimeoutSecs / 3600)} h.
        </p>
      ) : null}
    </Panel>
  );
}

function DepositItem({ r }: { r: DepositRow }) {
  return (
    <li className="flex flex-col gap-2 py-3" data-testid="deposit-row" data-stage={r.stage}>
      <div className="flex flex-wrap items-center justify-between gap-2">
        <span className="font-medium tabular-nums" data-testid="deposit-amount">
          +{formatThbcAmount(r.amount)}
        </span>
        <StageBadge stage={r.stage}>{r.label}</StageBadge>
      </div>
      {r.progress !== null && r.stage !== "minted" ? <ProgressBar value={r.progress} label={`Deposit progress: ${r.label}`} /> : null}
      <div className="text-fg-muted flex flex-wrap gap-x-3 gap-y-1 text-xs">
        <span>{formatDateTime(r.at)}</span>
        <Sig label="THB tx" value={r.thbTransferId} />
        <Sig label="mint tx" value={r.signature} />
      </div>
      {r.lastError ? <p className="text-danger text-xs break-words">Last error: {r.lastError}</p> : null}
    </li>
  );
}

function WithdrawalItem({ r }: { r: WithdrawalRow }) {
  const dest = thbAddressFromHex(r.destinationHex);
  const payoutFraction =
    r.stage === "paying" && r.payout ? Math.min(r.payout.confirmations, r.payout.confirmationsRequired) / r.payout.confirmationsRequired : null;
  return (
    <li className="flex flex-col gap-2 py-3" data-testid="withdrawal-row" data-stage={r.stage}>
      <div className="flex flex-wrap items-center justify-between gap-2">
        <span className="font-medium tabular-nums" data-testid="withdrawal-amount">
          −{formatThbcAmount(r.amount)}
        </span>
        <StageBadge stage={r.stage}>{r.label}</StageBadge>
      </div>
      {r.stage === "requested" ? <ProgressBar value={0.25} label="Withdrawal progress: pending" /> : null}
      {payoutFraction !== null ? <ProgressBar value={0.5 + payoutFraction / 2} label={`Withdrawal progress: ${r.label}`} /> : null}
      <div className="text-fg-muted flex flex-wrap gap-x-3 gap-y-1 text-xs">
        {r.requestedAt ? <span>requested {formatDateTime(r.requestedAt)}</span> : null}
        {r.settledAt ? <span>settled {formatDateTime(r.settledAt)}</span> : null}
        {dest ? (
          <span className="font-mono" title={dest}>
            to {shortAddress(dest, 6)}
          </span>
        ) : null}
        <Sig label="request tx" value={r.requestedSignature} />
        <Sig label="settle tx" value={r.settledSignature} />
      </div>
    </li>
  );
}

function History({
  deposits,
  withdrawals,
  loading,
  error,
  onRetry,
}: {
  deposits: DepositRow[];
  withdrawals: WithdrawalRow[];
  loading: boolean;
  error: unknown;
  onRetry: () => void;
}) {
  return (
    <>
      <Panel title="Deposits" className="lg:col-span-2">
        {loading ? (
          <LoadingBlock label="Loading deposits" />
        ) : deposits.length === 0 && error ? (
          <ErrorBlock error={error} onRetry={onRetry} />
        ) : deposits.length === 0 ? (
          <EmptyBlock>No deposits yet. Send THB to the bridge above and it shows here, from seen to minted.</EmptyBlock>
        ) : (
          <ul className="flex flex-col divide-y divide-[var(--line)] text-sm" data-testid="deposit-list">
            {deposits.map((r) => (
              <DepositItem key={r.key} r={r} />
            ))}
          </ul>
        )}
      </Panel>
      <Panel title="Withdrawals">
        {loading ? (
          <LoadingBlock label="Loading withdrawals" />
        ) : withdrawals.length === 0 && error ? (
          <ErrorBlock error={error} onRetry={onRetry} />
        ) : withdrawals.length === 0 ? (
          <EmptyBlock>No withdrawals yet.</EmptyBlock>
        ) : (
          <ul className="flex flex-col divide-y divide-[var(--line)] text-sm" data-testid="withdrawal-list">
            {withdrawals.map((r) => (
              <WithdrawalItem key={r.key} r={r} />
            ))}
          </ul>
        )}
      </Panel>
    </>
  );
}

function WalletContent() {
  const trpc = useTRPC();
  // Everything polls fast while a deposit or withdrawal is on its way, slowly otherwise (the
  // bridge's live channels refresh the Solana side as it changes).
  const [fast, setFast] = useState(false);
  const interval = fast ? FAST_POLL_MS : SLOW_POLL_MS;
  const progress = useQuery({ ...trpc.bridge.depositProgress.queryOptions({ limit: 50 }), refetchInterval: interval });
  const withdrawals = useQuery({ ...trpc.bridge.withdrawals.queryOptions({ limit: 50 }), refetchInterval: interval });
  const account = useThbAccount(fast);
  const transfers = useThbTransfers(fast, account.data !== undefined);
  const deposits = depositRows(progress.data ?? [], transfers.data ?? []);
  const wRows = withdrawalRows(withdrawals.data ?? [], transfers.data ?? []);
  const moving = deposits.some(depositInFlight) || wRows.some(withdrawalInFlight);
  useEffect(() => setFast(moving), [moving]);

  return (
    <div className="grid gap-6 lg:grid-cols-3">
      <ThbcBalancePanel fast={fast} />
      <DepositPanel fast={fast} />
      <WithdrawPanel fast={fast} />
      <History
        deposits={deposits}
        withdrawals={wRows}
        loading={progress.isPending || withdrawals.isPending}
        error={progress.error ?? withdrawals.error}
        onRetry={() => {
          void progress.refetch();
          void withdrawals.refetch();
        }}
      />
    </div>
  );
}

export function WalletPageContent() {
  return (
    <SignedInGate
      icon={<WalletIcon width={24} height={24} />}
      title="Deposits and withdrawals"
      skeleton={
        <div className="grid gap-6 lg:grid-cols-3" aria-busy="true" aria-label="Loading your wallet" role="status">
          <PanelSkeleton className="lg:col-span-3" blocks={["h-16"]} />
          <PanelSkeleton className="lg:col-span-2" blocks={["h-32", "h-10"]} />
          <PanelSkeleton blocks={["h-10", "h-10"]} />
        </div>
      }
      upcoming={[
        "Your THBC balance, live from the chain",
        "Deposit THB and receive exactly that THBC",
        "Withdraw THBC back to THB, signed by your wallet",
        "The status of each deposit and withdrawal",
      ]}
    >
      <WalletContent />
    </SignedInGate>
  );
}
