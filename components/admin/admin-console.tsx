"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useEffect, useId, useRef, useState } from "react";
import { EmptyBlock, ErrorBlock, LoadingBlock, Panel } from "~/components/dashboard/panel";
import { SignedInGate } from "~/components/dashboard/signed-in-gate";
import { formatDateTime, formatGrid, gridEnergyTitle } from "~/components/dashboard/units";
import { StatusBadge } from "~/components/meters/meter-list";
import { BridgeQueue, BridgeSettings } from "./bridge-queue";
import { Button } from "~/components/ui/button";
import { Dialog } from "~/components/ui/dialog";
import { ShieldIcon } from "~/components/ui/icons";
import { useToast } from "~/components/ui/toast";
import { shortAddress } from "~/lib/format";
import { describeError, getAppError } from "~/lib/trpc/errors";
import { useTRPC, type RouterOutputs } from "~/lib/trpc/react";
import { RunErrors } from "./run-errors";

type Filter = "pending" | "active" | "suspended" | "all";
const FILTERS: Filter[] = ["pending", "active", "suspended", "all"];

/** The server's message when it names a chain error (e.g. "… refused on chain: StatusUnchanged"). */
function adminErrorText(error: unknown): string {
  const app = getAppError(error);
  if (app?.message.includes("on chain:")) return app.message;
  return describeError(error);
}

function MeterActivation() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const { notify } = useToast();
  const [filter, setFilter] = useState<Filter>("pending");
  const list = useQuery({
    ...trpc.admin.meters.list.queryOptions(
      filter === "all" ? { limit: 100 } : { status: filter, limit: 100 },
    ),
    refetchInterval: 10_000,
  });
  const setStatus = useMutation(
    trpc.admin.meters.setStatus.mutationOptions({
      onSuccess: (r) => {
        notify({
          tone: "success",
          title: `Meter ${r.meterId} is ${r.status}`,
          description: `Transaction ${shortAddress(r.txSignature, 6)}`,
        });
        void queryClient.invalidateQueries({ queryKey: trpc.admin.meters.list.queryKey() });
      },
      onError: (e) =>
        notify({
          tone: "error",
          title: "The meter's status did not change",
          description: adminErrorText(e),
        }),
    }),
  );
  const pendingId = setStatus.isPending ? setStatus.variables.meterId : null;
  // Suspending is destructive: it asks first, with the focus on Cancel (the Dialog's own effect,
  // which opens it, runs before this one).
  const [confirmSuspend, setConfirmSuspend] = useState<string | null>(null);
  const confirmActions = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (confirmSuspend) confirmActions.current?.querySelector("button")?.focus();
  }, [confirmSuspend]);

  return (
    <Panel
      title="Meters"
      className="lg:col-span-2"
      action={
        <div className="flex flex-wrap gap-1" role="group" aria-label="Filter meters">
          {FILTERS.map((f) => (
            <Button
              key={f}
              size="sm"
              variant={filter === f ? "secondary" : "ghost"}
              onClick={() => setFilter(f)}
              aria-pressed={filter === f}
            >
              <span className="capitalize">{f}</span>
            </Button>
          ))}
        </div>
      }
    >
      {list.isPending ? (
        <LoadingBlock label="Loading meters" />
      ) : list.isError ? (
        <ErrorBlock error={list.error} onRetry={() => void list.refetch()} />
      ) : list.data.length === 0 ? (
        <EmptyBlock>
          {filter === "pending"
            ? "No meters waiting for activation."
            : `No ${filter === "all" ? "" : filter + " "}meters.`}
        </EmptyBlock>
      ) : (
        <ul className="flex flex-col gap-3" data-testid="admin-meter-list">
          {list.data.map((m: RouterOutputs["admin"]["meters"]["list"][number]) => (
            <li
              key={m.meterId}
              className="border-line flex flex-col gap-2 rounded-xl border p-3 sm:flex-row sm:items-center"
              data-testid={`admin-meter-${m.meterId}`}
            >
              <div className="min-w-0 flex-1">
                <div className="flex flex-wrap items-center gap-2">
                  <span className="font-medium break-all">{m.meterId}</span>
                  <StatusBadge status={m.status} />
                </div>
                <div className="text-fg-muted mt-1 text-xs">
                  owner {shortAddress(m.ownerWallet, 5)} · {m.type} · zone {m.zone} ·{" "}
                  {(m.ratedCapacityW / 1000).toLocaleString("en-US")} kW · minted{" "}
                  <span title={gridEnergyTitle(m.mintedWh)}>{formatGrid(m.mintedWh)}</span> ·
                  registered {formatDateTime(m.createdAt)}
                </div>
              </div>
              <div className="flex gap-2">
                {m.status !== "active" ? (
                  <Button
                    size="sm"
                    busy={pendingId === m.meterId && setStatus.variables?.status === "active"}
                    disabled={setStatus.isPending}
                    onClick={() => setStatus.mutate({ meterId: m.meterId, status: "active" })}
                  >
                    Activate
                  </Button>
                ) : null}
                {m.status !== "suspended" ? (
                  <Button
                    size="sm"
                    variant="danger"
                    busy={pendingId === m.meterId && setStatus.variables?.status === "suspended"}
                    disabled={setStatus.isPending}
                    onClick={() => setConfirmSuspend(m.meterId)}
                  >
                    Suspend
                  </Button>
                ) : null}
              </div>
            </li>
          ))}
        </ul>
      )}
      <Dialog
        open={confirmSuspend !== null}
        onClose={() => setConfirmSuspend(null)}
        title={`Suspend meter ${confirmSuspend ?? ""}?`}
        description={
          <>
            Nothing more is minted for this meter until an admin activates it again: the gateway
            refuses its new readings, and the chain refuses to record or settle any. The change is
            sent on chain with the operator key and recorded in the audit log.
          </>
        }
      >
        <div ref={confirmActions} className="flex justify-end gap-2" data-testid="suspend-confirm">
          <Button variant="secondary" onClick={() => setConfirmSuspend(null)}>
            Cancel
          </Button>
          <Button
            variant="danger"
            onClick={() => {
              if (confirmSuspend)
                setStatus.mutate({ meterId: confirmSuspend, status: "suspended" });
              setConfirmSuspend(null);
            }}
          >
            Suspend meter
          </Button>
        </div>
      </Dialog>
    </Panel>
  );
}

function MintPollerJob() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const status = useQuery({ ...trpc.admin.poller.status.queryOptions(), refetchInterval: 5_000 });
  const run = useMutation(
    trpc.admin.poller.run.mutationOptions({
      onSettled: () =>
        void queryClient.invalidateQueries({ queryKey: trpc.admin.poller.status.queryKey() }),
    }),
  );
  const s = run.data;
  return (
    <Panel
      title="Mint poller"
      action={
        <Button size="sm" busy={run.isPending} onClick={() => run.mutate()}>
          {run.isPending ? "Running…" : "Run now"}
        </Button>
      }
    >
      {status.isPending ? (
        <LoadingBlock label="Loading job status" />
      ) : status.isError ? (
        <ErrorBlock error={status.error} onRetry={() => void status.refetch()} />
      ) : (
        <dl className="grid grid-cols-3 gap-2 text-sm" data-testid="mint-queue">
          {(["pending", "submitted", "confirmed", "failed", "minted"] as const).map((k) => (
            <div key={k} className="bg-surface-muted rounded-lg p-2">
              <dt className="text-fg-muted text-xs capitalize">{k}</dt>
              <dd className="font-semibold tabular-nums">
                {status.data[k].toLocaleString("en-US")}
              </dd>
            </div>
          ))}
        </dl>
      )}
      {run.isError ? (
        <p role="alert" className="bg-danger-soft text-danger rounded-xl p-3 text-sm">
          {adminErrorText(run.error)}
        </p>
      ) : null}
      {s ? (
        <div
          className="bg-surface-muted rounded-xl p-3 text-sm"
          data-testid="poller-summary"
          aria-live="polite"
        >
          <p className="font-medium">
            Last run: {s.confirmed} readings confirmed, {s.settlements} settlements, minted{" "}
            {formatGrid(BigInt(s.mintedWh))} in {s.durationMs} ms
          </p>
          <p className="text-fg-muted text-xs">
            {s.meters} meters · {s.claimed} claimed · {s.duplicates} already on chain · {s.deferred}{" "}
            deferred · {s.failed} failed · {s.transactions} transactions
          </p>
          <RunErrors errors={s.errors} />
        </div>
      ) : null}
    </Panel>
  );
}

type Level = "ok" | "warn" | "error";
const LEVEL_STYLE: Record<Level, string> = {
  ok: "bg-emerald-500/15 text-emerald-700 dark:text-emerald-300",
  warn: "bg-amber-500/15 text-amber-700 dark:text-amber-300",
  error: "bg-danger/15 text-danger",
};

function HealthBadge({ level, text }: { level: Level; text: string }) {
  return (
    <span className={`rounded-full px-2 py-0.5 text-xs font-medium ${LEVEL_STYLE[level]}`}>
      {text}
    </span>
  );
}

function IndexerHealthDetails({
  indexer,
}: {
  indexer: RouterOutputs["health"]["status"]["indexer"];
}) {
  const lag =
    indexer.lagSlots !== null || indexer.lagSeconds !== null
      ? [
          indexer.lagSlots !== null ? `${indexer.lagSlots.toLocaleString("en-US")} slots` : null,
          indexer.lagSeconds !== null ? `${indexer.lagSeconds} s since the last pass` : null,
        ]
          .filter(Boolean)
          .join(" · ")
      : "unknown";
  return (
    <dl
      className="text-fg-muted grid grid-cols-[auto_1fr] gap-x-3 gap-y-1 text-xs"
      data-testid="indexer-details"
    >
      <dt>Lag</dt>
      <dd data-testid="indexer-lag">{lag}</dd>
      <dt>Failed passes</dt>
      <dd data-testid="indexer-failures">{indexer.consecutiveFailures} in a row</dd>
      <dt>Dead letters</dt>
      <dd data-testid="indexer-dead-letters">{indexer.openDeadLetters ?? "unknown"} open</dd>
      <dt>Last error</dt>
      <dd className="break-words" data-testid="indexer-last-error">
        {indexer.lastError
          ? `${indexer.lastError.message ?? "(hidden)"} · ${formatDateTime(indexer.lastError.at)}`
          : "none"}
      </dd>
      {indexer.reasons.length ? (
        <>
          <dt>Why</dt>
          <dd data-testid="indexer-reasons">{indexer.reasons.join("; ")}</dd>
        </>
      ) : null}
    </dl>
  );
}

function DeadLetters() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const { notify } = useToast();
  const list = useQuery({
    ...trpc.admin.indexer.deadLetters.queryOptions({ limit: 50 }),
    refetchInterval: 10_000,
  });
  const retry = useMutation(
    trpc.admin.indexer.retryDeadLetter.mutationOptions({
      onSuccess: (r) => {
        if (r.outcome === "resolved") {
          notify({
            tone: "success",
            title: "Transaction applied",
            description: `${shortAddress(r.deadLetter.signature, 6)} is indexed now`,
          });
        } else {
          notify({
            tone: "error",
            title: "Still cannot apply it",
            description: r.deadLetter.error,
          });
        }
      },
      onError: (e) =>
        notify({ tone: "error", title: "The retry did not run", description: adminErrorText(e) }),
      onSettled: () => {
        void queryClient.invalidateQueries({ queryKey: trpc.admin.indexer.deadLetters.queryKey() });
        void queryClient.invalidateQueries({ queryKey: trpc.health.status.queryKey() });
      },
    }),
  );
  const retrying = retry.isPending ? retry.variables.id : null;
  const titleId = useId();
  return (
    <Panel title="Indexer dead letters" className="lg:col-span-3" labelledBy={titleId}>
      <p className="text-fg-muted -mt-2 text-xs">
        Chain transactions the indexer could not apply after 3 attempts; it skipped them and went
        on. Fix the cause, then <em>Retry</em> fetches the transaction from the chain and applies it
        again.
      </p>
      {list.isPending ? (
        <LoadingBlock label="Loading dead letters" />
      ) : list.isError ? (
        <ErrorBlock error={list.error} onRetry={() => void list.refetch()} />
      ) : list.data.length === 0 ? (
        <EmptyBlock>No open dead letters: every chain transaction is indexed.</EmptyBlock>
      ) : (
        <ul className="flex flex-col gap-3" data-testid="dead-letter-list">
          {list.data.map((d) => (
            <li
              key={d.id}
              className="border-line flex flex-col gap-2 rounded-xl border p-3 sm:flex-row sm:items-start"
              data-testid={`dead-letter-${d.id}`}
            >
              <div className="min-w-0 flex-1 text-sm">
                <div className="flex flex-wrap items-center gap-2">
                  <span className="font-mono text-xs break-all" title={d.signature}>
                    {shortAddress(d.signature, 8)}
                  </span>
                  <span className="bg-surface-muted rounded-full px-2 py-0.5 text-xs">
                    {d.program}
                  </span>
                  <span className="text-fg-muted text-xs">
                    slot {d.slot.toLocaleString("en-US")} · {d.attempts} attempts · last{" "}
                    {formatDateTime(d.lastFailedAt)} · first {formatDateTime(d.firstFailedAt)}
                  </span>
                </div>
                <p className="text-danger mt-1 text-xs break-words">{d.error}</p>
              </div>
              <Button
                size="sm"
                variant="secondary"
                busy={retrying === d.id}
                disabled={retry.isPending}
                onClick={() => retry.mutate({ id: d.id })}
              >
                Retry
              </Button>
            </li>
          ))}
        </ul>
      )}
    </Panel>
  );
}

function Health() {
  const trpc = useTRPC();
  const health = useQuery({ ...trpc.health.status.queryOptions(), refetchInterval: 10_000 });
  const row = (label: string, level: Level, text: string) => (
    <li
      className="flex items-center justify-between gap-2"
      data-testid={`health-${label.toLowerCase().replace(/\W+/g, "-")}`}
    >
      <span>{label}</span>
      <HealthBadge level={level} text={text} />
    </li>
  );
  const item = (label: string, ok: boolean, extra?: string) =>
    row(label, ok ? "ok" : "error", `${ok ? "ok" : "down"}${extra ? ` · ${extra}` : ""}`);
  const titleId = useId();
  return (
    <Panel title="Health" labelledBy={titleId}>
      {health.isPending ? (
        <LoadingBlock label="Loading health" />
      ) : health.isError ? (
        <ErrorBlock error={health.error} onRetry={() => void health.refetch()} />
      ) : (
        <ul className="flex flex-col gap-2 text-sm">
          {item("Database", health.data.db.ok, health.data.db.driver)}
          {item("Redis", health.data.redis.ok)}
          {item(
            "Solana RPC",
            health.data.chain.ok,
            health.data.chain.slot !== undefined ? `slot ${health.data.chain.slot}` : undefined,
          )}
          {row(
            "Indexer",
            health.data.indexer.level,
            `${health.data.indexer.level} · ${health.data.indexer.state}`,
          )}
          <li>
            <IndexerHealthDetails indexer={health.data.indexer} />
          </li>
        </ul>
      )}
    </Panel>
  );
}

export function AdminConsole() {
  return (
    <SignedInGate
      audience="admin"
      icon={<ShieldIcon width={24} height={24} />}
      title="The console"
      upcoming={[
        "Meter activation",
        "Job status with manual runs",
        "Health",
        "Indexer dead letters",
        "The THB bridge queue, limits and pause",
      ]}
    >
      <div className="grid gap-6 lg:grid-cols-3">
        <MeterActivation />
        <div className="flex flex-col gap-6">
          <MintPollerJob />
          <Health />
        </div>
        <BridgeQueue />
        <BridgeSettings />
        <DeadLetters />
      </div>
    </SignedInGate>
  );
}
