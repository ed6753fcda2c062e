"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useId, useState, type FormEvent } from "react";
import { EmptyBlock, ErrorBlock, LoadingBlock, Panel } from "~/components/dashboard/panel";
import { formatDateTime } from "~/components/dashboard/units";
import { Button } from "~/components/ui/button";
import { Dialog } from "~/components/ui/dialog";
import { useToast } from "~/components/ui/toast";
import { shortAddress } from "~/lib/format";
import { BRIDGE_DEPOSIT_STATES, BRIDGE_WITHDRAWAL_STATES } from "~/lib/bridge-states";
import { amountFieldSchema, amountInputText, formatThbAmount, formatThbcAmount } from "~/lib/thb-amounts";
import { describeError, getAppError } from "~/lib/trpc/errors";
import { useTRPC, type RouterOutputs } from "~/lib/trpc/react";
import { RunErrors } from "./run-errors";

type Queue = RouterOutputs["bridge"]["queue"];
type QueueDeposit = Queue["deposits"][number];
type QueueWithdrawal = Queue["withdrawals"][number];

/** Every state of both tables: the "All" view (the default view is the open, failed and refused ones). */
const ALL_STATES: (QueueDeposit["state"] | QueueWithdrawal["state"])[] = [
  ...new Set([...BRIDGE_DEPOSIT_STATES, ...BRIDGE_WITHDRAWAL_STATES]),
];

/** The server's own words for a conflict or a chain refusal, else the generic text. */
function adminBridgeErrorText(error: unknown): string {
  const app = getAppError(error);
  if (app && (app.code === "CONFLICT" || app.code === "BRIDGE_FAILED" || app.message.includes("on chain:"))) return app.message;
  return describeError(error);
}

const FINAL_OK = new Set(["minted", "completed", "refunded"]);
const DEAD = new Set(["failed", "rejected", "invalid_memo", "reorged"]);

function StateBadge({ state, stuck }: { state: string; stuck: boolean }) {
  const style = DEAD.has(state)
    ? "bg-danger/15 text-danger"
    : FINAL_OK.has(state)
      ? "bg-emerald-500/15 text-emerald-700 dark:text-emerald-300"
      : "bg-sky-500/15 text-sky-700 dark:text-sky-300";
  return (
    <span className="flex flex-wrap gap-1">
      <span className={`rounded-full px-2 py-0.5 text-xs font-medium ${style}`}>{state.replace("_", " ")}</span>
      {stuck ? (
        <span className="rounded-full bg-amber-500/20 px-2 py-0.5 text-xs font-semibold text-amber-800 dark:text-amber-200" data-testid="stuck-badge">
          stuck
        </span>
      ) : null}
    </span>
  );
}

function Counts({ title, counts }: { title: string; counts: Record<string, number> }) {
  const entries = Object.entries(counts).filter(([, n]) => n > 0);
  return (
    <div className="min-w-0">
      <p className="text-fg-muted text-xs font-medium tracking-wide uppercase">{title}</p>
      {entries.length === 0 ? (
        <p className="text-fg-muted text-xs">none</p>
      ) : (
        <dl className="mt-1 flex flex-wrap gap-1.5 text-xs">
          {entries.map(([state, n]) => (
            <div key={state} className="bg-surface-muted rounded-lg px-2 py-1">
              <dt className="inline capitalize">{state.replace("_", " ")}</dt>{" "}
              <dd className="inline font-semibold tabular-nums">{n.toLocaleString("en-US")}</dd>
            </div>
          ))}
        </dl>
      )}
    </div>
  );
}

function QueueItem({
  item,
  retrying,
  disabled,
  onRetry,
}: {
  item: QueueDeposit | QueueWithdrawal;
  retrying: boolean;
  disabled: boolean;
  onRetry: () => void;
}) {
  const retryable = item.stuck || item.state === "failed" || item.state === "rejected";
  return (
    <li
      className={`flex flex-col gap-2 rounded-xl border p-3 sm:flex-row sm:items-start ${item.stuck ? "border-amber-500/60 bg-amber-500/5" : "border-line"}`}
      data-testid={`bridge-${item.kind}-${item.id}`}
      data-stuck={item.stuck || undefined}
    >
      <div className="min-w-0 flex-1 text-sm">
        <div className="flex flex-wrap items-center gap-2">
          <span className="font-medium tabular-nums">{formatThbcAmount(item.amount)}</span>
          <StateBadge state={item.state} stuck={item.stuck} />
          <span className="text-fg-muted font-mono text-xs" title={item.id}>
            {item.kind === "deposit" ? "THB tx" : "withdrawal"} {shortAddress(item.id, 6)}
          </span>
        </div>
        <p className="text-fg-muted mt-1 text-xs break-words">
          {item.kind === "deposit"
            ? `to ${item.recipientWallet ? shortAddress(item.recipientWallet, 5) : `memo "${item.memo.slice(0, 24)}"`} · ${Math.min(item.confirmations, item.confirmationsRequired)}/${item.confirmationsRequired} confirmations`
            : `#${item.withdrawalId.toString()} from ${shortAddress(item.holderWallet, 5)} to ${shortAddress(item.thbDestination, 5)}${item.payoutTransferId ? ` · payout ${shortAddress(item.payoutTransferId, 6)} ${Math.min(item.payoutConfirmations, item.confirmationsRequired)}/${item.confirmationsRequired}` : ""}`}{" "}
          · {item.attempts} attempts · seen {formatDateTime(item.seenAt)} · changed {formatDateTime(item.updatedAt)}
          {item.txSignature ? (
            <>
              {" "}
              · tx <span title={item.txSignature}>{shortAddress(item.txSignature, 6)}</span>
            </>
          ) : null}
        </p>
        {item.lastError ? (
          <p className="text-danger mt-1 text-xs break-words">
            {item.lastError}
            {item.lastErrorAt ? ` · ${formatDateTime(item.lastErrorAt)}` : ""}
          </p>
        ) : null}
      </div>
      {retryable ? (
        <Button size="sm" variant="secondary" busy={retrying} disabled={disabled} onClick={onRetry}>
          Retry
        </Button>
      ) : null}
    </li>
  );
}

/** The bridge service's queue: deposits and withdrawals by state, stuck ones highlighted, Retry, Run bridge now. */
export function BridgeQueue() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const { notify } = useToast();
  const titleId = useId();
  const [showAll, setShowAll] = useState(false);
  const input = showAll ? { limit: 50, states: ALL_STATES } : { limit: 50 };
  const queue = useQuery({ ...trpc.bridge.queue.queryOptions(input), refetchInterval: 5_000 });
  const invalidate = () => void queryClient.invalidateQueries({ queryKey: trpc.bridge.pathKey() });
  const run = useMutation(trpc.bridge.runNow.mutationOptions({ onSettled: invalidate }));
  const retry = useMutation(
    trpc.bridge.retry.mutationOptions({
      onSuccess: (r) => notify({ tone: "success", title: `The ${r.kind} is queued again`, description: `State: ${r.state}; the next pass takes it.` }),
      onError: (e) => notify({ tone: "error", title: "The retry did not run", description: adminBridgeErrorText(e) }),
      onSettled: invalidate,
    }),
  );
  const retryingId = retry.isPending ? retry.variables.id : null;
  const s = run.data;
  const items = queue.data ? [...queue.data.deposits, ...queue.data.withdrawals] : [];
  return (
    <Panel
      title="Bridge queue"
      className="lg:col-span-2"
      labelledBy={titleId}
      action={
        <div className="flex flex-wrap gap-1">
          <Button size="sm" variant={showAll ? "ghost" : "secondary"} aria-pressed={!showAll} onClick={() => setShowAll(false)}>
            Open
          </Button>
          <Button size="sm" variant={showAll ? "secondary" : "ghost"} aria-pressed={showAll} onClick={() => setShowAll(true)}>
            All
          </Button>
          <Button size="sm" busy={run.isPending} onClick={() => run.mutate()}>
            {run.isPending ? "Running…" : "Run bridge now"}
          </Button>
        </div>
      }
    >
      <p className="text-fg-muted -mt-2 text-xs">
        The bridge service&apos;s deposits and withdrawals
        {queue.data ? `; one that has not moved for ${queue.data.stuckAfterMinutes} min is marked stuck` : ""}.{" "}
        <em>Retry</em> clears a failed, refused or stuck item&apos;s backoff so the next pass takes it again.
      </p>
      {queue.data ? (
        <div className="grid gap-3 sm:grid-cols-2" data-testid="bridge-counts">
          <Counts title="Deposits" counts={queue.data.counts.deposits} />
          <Counts title="Withdrawals" counts={queue.data.counts.withdrawals} />
        </div>
      ) : null}
      {run.isError ? (
        <p role="alert" className="bg-danger-soft text-danger rounded-xl p-3 text-sm">
          {adminBridgeErrorText(run.error)}
        </p>
      ) : null}
      {s ? (
        <div className="bg-surface-muted rounded-xl p-3 text-sm" data-testid="bridge-summary" aria-live="polite">
          <p className="font-medium">
            Last run: {s.minted} minted, {s.completed} withdrawals completed, {s.refunded} refunded, {s.payouts} payouts in{" "}
            {s.durationMs} ms
          </p>
          <p className="text-fg-muted text-xs">
            THB tip {s.thbTip} · {s.scanned} transfers scanned · {s.depositsClaimed} deposits claimed · {s.rejected} rejected ·{" "}
            {s.reorged} reorged · {s.withdrawalsSeen} withdrawals seen · {s.deferred} deferred · {s.transactions} transactions
          </p>
          <RunErrors errors={s.errors} />
        </div>
      ) : null}
      {queue.isPending ? (
        <LoadingBlock label="Loading the bridge queue" />
      ) : queue.isError && !queue.data ? (
        <ErrorBlock error={queue.error} onRetry={() => void queue.refetch()} />
      ) : items.length === 0 ? (
        <EmptyBlock>{showAll ? "No deposits or withdrawals yet." : "Nothing waiting: every deposit is minted and every withdrawal settled."}</EmptyBlock>
      ) : (
        <ul className="flex flex-col gap-3" data-testid="bridge-queue-list">
          {items
            .sort((a, b) => Number(b.stuck) - Number(a.stuck) || b.updatedAt.getTime() - a.updatedAt.getTime())
            .map((item) => (
              <QueueItem
                key={`${item.kind}-${item.id}`}
                item={item}
                retrying={retryingId === item.id}
                disabled={retry.isPending}
                onRetry={() => retry.mutate({ kind: item.kind, id: item.id })}
              />
            ))}
        </ul>
      )}
    </Panel>
  );
}

/** The bridge's settings on chain: paused or open (Pause asks first) and its limits, editable. */
export function BridgeSettings() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const { notify } = useToast();
  const ids = useId();
  const config = useQuery({ ...trpc.bridge.config.queryOptions(), refetchInterval: 10_000 });
  const invalidate = () => void queryClient.invalidateQueries({ queryKey: trpc.bridge.config.queryKey() });
  const onError = (title: string) => (e: unknown) => notify({ tone: "error", title, description: adminBridgeErrorText(e) });
  const pause = useMutation(
    trpc.bridgeAdmin.pause.mutationOptions({
      onSuccess: () => notify({ tone: "success", title: "The bridge is paused", description: "No deposits or withdrawals until it is unpaused." }),
      onError: onError("The bridge was not paused"),
      onSettled: invalidate,
    }),
  );
  const unpause = useMutation(
    trpc.bridgeAdmin.unpause.mutationOptions({
      onSuccess: () => notify({ tone: "success", title: "The bridge is open again" }),
      onError: onError("The bridge was not unpaused"),
      onSettled: invalidate,
    }),
  );
  const setLimits = useMutation(
    trpc.bridgeAdmin.setLimits.mutationOptions({
      onSuccess: () => {
        notify({ tone: "success", title: "The bridge's limits are set" });
        setEditing(false);
      },
      onError: onError("The limits did not change"),
      onSettled: invalidate,
    }),
  );
  const [confirmPause, setConfirmPause] = useState(false);
  const [editing, setEditing] = useState(false);
  const [perDeposit, setPerDeposit] = useState("");
  const [perDay, setPerDay] = useState("");
  const [timeoutHours, setTimeoutHours] = useState("");
  const [formError, setFormError] = useState<string | null>(null);

  const c = config.data;
  function startEditing() {
    if (!c?.limits) return;
    setPerDeposit(amountInputText(c.limits.maxPerDeposit));
    setPerDay(amountInputText(c.limits.maxPerDay));
    setTimeoutHours(String(c.limits.withdrawalTimeoutSecs / 3600));
    setFormError(null);
    setEditing(true);
  }
  function submit(e: FormEvent) {
    e.preventDefault();
    setFormError(null);
    const dep = amountFieldSchema().safeParse(perDeposit);
    if (!dep.success) return setFormError(`Per deposit: ${dep.error.issues[0]?.message}`);
    const day = amountFieldSchema().safeParse(perDay);
    if (!day.success) return setFormError(`Per day: ${day.error.issues[0]?.message}`);
    if (dep.data > day.data) return setFormError("The per-deposit limit cannot be above the daily limit.");
    const hours = Number(timeoutHours);
    if (!Number.isFinite(hours) || hours * 3600 < 60 || hours > 720) return setFormError("The refund timeout must be between 1 minute and 720 hours.");
    setLimits.mutate({ maxPerDeposit: dep.data, maxPerDay: day.data, withdrawalTimeoutSecs: Math.round(hours * 3600) });
  }
  const input =
    "border-line bg-canvas h-9 w-full min-w-0 rounded-lg border px-3 text-sm tabular-nums outline-none focus-visible:ring-2 focus-visible:ring-[var(--accent)]";

  return (
    <Panel title="THB bridge" labelledBy={`${ids}-title`}>
      {config.isPending ? (
        <LoadingBlock label="Loading the bridge" />
      ) : config.isError && !c ? (
        <ErrorBlock error={config.error} onRetry={() => void config.refetch()} />
      ) : !c?.initialized ? (
        <EmptyBlock>The bridge is not set up on this network (run chain:bootstrap).</EmptyBlock>
      ) : (
        <>
          <div className="flex flex-wrap items-center justify-between gap-2">
            <span
              className={`rounded-full px-2 py-0.5 text-xs font-medium ${c.paused ? "bg-amber-500/15 text-amber-700 dark:text-amber-300" : "bg-emerald-500/15 text-emerald-700 dark:text-emerald-300"}`}
              data-testid="admin-bridge-state"
            >
              {c.paused ? "Paused" : "Open"}
            </span>
            {c.paused ? (
              <Button size="sm" busy={unpause.isPending} onClick={() => unpause.mutate()}>
                Unpause
              </Button>
            ) : (
              <Button size="sm" variant="danger" busy={pause.isPending} onClick={() => setConfirmPause(true)}>
                Pause
              </Button>
            )}
          </div>
          {c.limits && !editing ? (
            <dl className="grid grid-cols-[auto_1fr] gap-x-3 gap-y-1 text-sm" data-testid="admin-bridge-limits">
              <dt className="text-fg-muted">Per deposit</dt>
              <dd className="tabular-nums">{formatThbAmount(c.limits.maxPerDeposit)}</dd>
              <dt className="text-fg-muted">Per day</dt>
              <dd className="tabular-nums">
                {formatThbAmount(c.limits.maxPerDay)}
                {c.dayMinted !== null ? ` (${formatThbAmount(c.dayMinted)} today)` : ""}
              </dd>
              <dt className="text-fg-muted">Refund after</dt>
              <dd>{(c.limits.withdrawalTimeoutSecs / 3600).toLocaleString("en-US")} h unpaid</dd>
              <dt className="text-fg-muted">Attestors</dt>
              <dd>
                {c.threshold} of {c.attestorCount}
              </dd>
            </dl>
          ) : null}
          {!editing ? (
            <Button size="sm" variant="secondary" className="self-start" onClick={startEditing} disabled={!c.limits}>
              Change limits
            </Button>
          ) : (
            <form className="flex flex-col gap-2" onSubmit={submit} noValidate>
              <label className="flex flex-col gap-1 text-sm">
                Per deposit (THB)
                <input className={input} inputMode="decimal" value={perDeposit} onChange={(e) => setPerDeposit(e.target.value)} />
              </label>
              <label className="flex flex-col gap-1 text-sm">
                Per day (THB)
                <input className={input} inputMode="decimal" value={perDay} onChange={(e) => setPerDay(e.target.value)} />
              </label>
              <label className="flex flex-col gap-1 text-sm">
                Refund an unpaid withdrawal after (hours)
                <input className={input} inputMode="decimal" value={timeoutHours} onChange={(e) => setTimeoutHours(e.target.value)} />
              </label>
              {formError ? (
                <p role="alert" className="bg-danger-soft text-danger rounded-xl p-2 text-sm">
                  {formError}
                </p>
              ) : null}
              <div className="flex gap-2">
                <Button type="submit" size="sm" busy={setLimits.isPending}>
                  Set limits
                </Button>
                <Button size="sm" variant="secondary" onClick={() => setEditing(false)}>
                  Cancel
                </Button>
              </div>
            </form>
          )}
        </>
      )}
      <Dialog
        open={confirmPause}
        onClose={() => setConfirmPause(false)}
        title="Pause the THB bridge?"
        description={
          <>
            New deposits are not minted and withdrawals cannot be requested until the bridge is unpaused;
            withdrawals already requested are still paid or refunded. Sent on chain with the operator key and
            audited.
          </>
        }
      >
        <div className="flex justify-end gap-2">
          <Button variant="secondary" onClick={() => setConfirmPause(false)}>
            Cancel
          </Button>
          <Button
            variant="danger"
            onClick={() => {
              pause.mutate();
              setConfirmPause(false);
            }}
          >
            Pause bridge
          </Button>
        </div>
      </Dialog>
    </Panel>
  );
}
