"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { EmptyBlock, ErrorBlock, LoadingBlock, Panel } from "~/components/dashboard/panel";
import { SignedInGate } from "~/components/dashboard/signed-in-gate";
import { formatDateTime, formatGrid, formatKwh } from "~/components/dashboard/units";
import { StatusBadge } from "~/components/meters/meter-list";
import { Button } from "~/components/ui/button";
import { ShieldIcon } from "~/components/ui/icons";
import { useToast } from "~/components/ui/toast";
import { shortAddress } from "~/lib/format";
import { describeError, getAppError } from "~/lib/trpc/errors";
import { useTRPC, type RouterOutputs } from "~/lib/trpc/react";

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
                  {formatKwh(m.mintedWh)} · registered {formatDateTime(m.createdAt)}
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
                    onClick={() => setStatus.mutate({ meterId: m.meterId, status: "suspended" })}
                  >
                    Suspend
                  </Button>
                ) : null}
              </div>
            </li>
          ))}
        </ul>
      )}
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
          {s.errors.length ? (
            <ul className="text-danger mt-2 list-disc pl-5 text-xs">
              {s.errors.map((e) => (
                <li key={e}>{e}</li>
              ))}
            </ul>
          ) : null}
        </div>
      ) : null}
    </Panel>
  );
}

function Health() {
  const trpc = useTRPC();
  const health = useQuery({ ...trpc.health.status.queryOptions(), refetchInterval: 10_000 });
  const item = (label: string, ok: boolean, extra?: string) => (
    <li
      className="flex items-center justify-between gap-2"
      data-testid={`health-${label.toLowerCase().replace(/\W+/g, "-")}`}
    >
      <span>{label}</span>
      <span
        className={`rounded-full px-2 py-0.5 text-xs font-medium ${ok ? "bg-emerald-500/15 text-emerald-700 dark:text-emerald-300" : "bg-danger/15 text-danger"}`}
      >
        {ok ? "ok" : "down"}
        {extra ? ` · ${extra}` : ""}
      </span>
    </li>
  );
  return (
    <Panel title="Health">
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
          {item("Indexer", health.data.indexer.ok, health.data.indexer.state)}
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
      upcoming={["Meter activation", "Job status with manual runs", "Health"]}
    >
      <div className="grid gap-6 lg:grid-cols-3">
        <MeterActivation />
        <div className="flex flex-col gap-6">
          <MintPollerJob />
          <Health />
        </div>
      </div>
    </SignedInGate>
  );
}
