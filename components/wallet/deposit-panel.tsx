"use client";

import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useId, useRef, useState, type FormEvent } from "react";
import { ErrorBlock, LoadingBlock, Panel } from "~/components/dashboard/panel";
import { Button } from "~/components/ui/button";
import { AlertIcon, CopyIcon } from "~/components/ui/icons";
import { useToast } from "~/components/ui/toast";
import { amountFieldSchema, formatThbAmount } from "~/lib/thb-amounts";
import { getAppError } from "~/lib/trpc/errors";
import { useTRPC } from "~/lib/trpc/react";
import { bridgeErrorText, useBridgeConfig, useThbAccount } from "./bridge-queries";

/** What one click of the faucet gives: 1,000 THB. */
export const FAUCET_AMOUNT = 1_000n * 1_000_000n;

export const fieldLabel = "text-sm font-medium";
export const fieldInput =
  "border-line bg-canvas h-10 w-full min-w-0 rounded-lg border px-3 text-sm outline-none focus-visible:ring-2 focus-visible:ring-[var(--accent)]";

export function CopyValue({ label, value, testId }: { label: string; value: string; testId: string }) {
  const { notify } = useToast();
  return (
    <div className="bg-surface-muted flex min-w-0 flex-col gap-1 rounded-xl p-3">
      <span className="text-fg-muted text-xs font-medium tracking-wide uppercase">{label}</span>
      <div className="flex min-w-0 items-start gap-2">
        <code className="min-w-0 flex-1 font-mono text-xs break-all" data-testid={testId}>
          {value}
        </code>
        <button
          type="button"
          className="text-fg-muted hover:text-fg shrink-0"
          aria-label={`Copy ${label.toLowerCase()}`}
          onClick={() => {
            void navigator.clipboard
              ?.writeText(value)
              .then(() => notify({ tone: "success", title: `${label} copied` }))
              .catch(() => notify({ tone: "error", title: "Couldn't copy; select the text instead" }));
          }}
        >
          <CopyIcon width={16} height={16} />
        </button>
      </div>
    </div>
  );
}

/**
 * Deposit: the user's local THB account (development: a simulator account the server keeps for
 * them), its balance, the bridge's deposit address and the memo, the faucet, and one-click
 * *Send THB* to the bridge.
 */
export function DepositPanel({ fast }: { fast: boolean }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const { notify } = useToast();
  const ids = useId();
  const account = useThbAccount(fast);
  const config = useBridgeConfig();
  const [amount, setAmount] = useState("");
  const [formError, setFormError] = useState<string | null>(null);
  const inFlight = useRef(false);

  const refresh = () =>
    Promise.all([
      queryClient.invalidateQueries({ queryKey: trpc.thbDev.pathKey() }),
      queryClient.invalidateQueries({ queryKey: trpc.bridge.depositProgress.queryKey() }),
    ]);

  const fund = useMutation(
    trpc.thbDev.fund.mutationOptions({
      onSuccess: (t) => {
        notify({ tone: "success", title: `${formatThbAmount(t.amount)} added to your THB account`, description: "Usable at once; it confirms in the next blocks." });
        void refresh();
      },
      onError: (e) => notify({ tone: "error", title: "The faucet did not pay", description: bridgeErrorText(e) }),
    }),
  );
  const deposit = useMutation(trpc.thbDev.deposit.mutationOptions());

  const limits = config.data?.limits ?? null;
  const paused = config.data?.paused === true;

  async function submit(e: FormEvent) {
    e.preventDefault();
    if (inFlight.current || !account.data) return;
    setFormError(null);
    const max = [{ units: account.data.pendingBalance, reason: `Your THB account holds ${formatThbAmount(account.data.pendingBalance)}: you can deposit at most that. Nothing was sent.` }];
    if (limits) max.push({ units: limits.maxPerDeposit, reason: `Over the bridge's limit of ${formatThbAmount(limits.maxPerDeposit)} per deposit. Nothing was sent.` });
    const parsed = amountFieldSchema({ max }).safeParse(amount);
    if (!parsed.success) return setFormError(parsed.error.issues[0]?.message ?? "Check the amount");
    if (paused) return setFormError("The bridge is paused: deposits are not accepted right now. Nothing was sent.");
    inFlight.current = true;
    try {
      const sent = await deposit.mutateAsync({ amount: parsed.data });
      notify({
        tone: "success",
        title: `${formatThbAmount(sent.amount)} sent to the bridge`,
        description: "THBC is minted to your wallet once the THB chain confirms it.",
      });
      setAmount("");
      await refresh();
    } catch (err) {
      setFormError(bridgeErrorText(err));
    } finally {
      inFlight.current = false;
    }
  }

  const notConfigured = getAppError(account.error)?.code === "THB_CHAIN_NOT_CONFIGURED";
  const data = account.data;
  return (
    <Panel title="Deposit THB" labelledBy={`${ids}-title`} className="lg:col-span-2">
      <p className="text-fg-muted -mt-2 text-sm">
        Send baht to the bridge&apos;s THB account with your Solana wallet as the memo: once the THB chain
        confirms it, exactly that amount of THBC (1 THBC = 1 THB) is minted to your wallet.
      </p>
      {account.isPending ? (
        <LoadingBlock label="Loading your THB account" className="h-32" />
      ) : notConfigured ? (
        <div role="status" className="bg-surface-muted flex items-start gap-2 rounded-xl p-3 text-sm" data-testid="thb-not-configured">
          <AlertIcon width={18} height={18} className="mt-0.5 shrink-0" />
          <span>
            {getAppError(account.error)?.message}. Local THB accounts exist only in development; on a real
            network you deposit from your bank.
          </span>
        </div>
      ) : !data ? (
        <div data-testid="thb-chain-error">
          <ErrorBlock error={new Error(bridgeErrorText(account.error))} onRetry={() => void account.refetch()} />
          <p className="text-fg-muted mt-2 text-xs">THB chain not reachable: deposits wait until it answers.</p>
        </div>
      ) : (
        <>
          {account.isError ? (
            <p role="status" className="text-danger text-xs" data-testid="thb-chain-stale">
              THB chain not reachable; showing the last balance read.
            </p>
          ) : null}
          <div className="grid gap-3 sm:grid-cols-2">
            <div className="bg-surface-muted flex min-w-0 flex-col gap-1 rounded-xl p-3">
              <span className="text-fg-muted text-xs font-medium tracking-wide uppercase">Your THB balance</span>
              <span className="text-xl font-semibold tabular-nums" data-testid="thb-balance">
                {formatThbAmount(data.pendingBalance)}
              </span>
              <span className="text-fg-muted text-xs">
                {data.pendingBalance !== data.confirmedBalance
                  ? `${formatThbAmount(data.confirmedBalance)} confirmed (${data.confirmationsRequired} blocks deep)`
                  : "All confirmed"}
              </span>
            </div>
            <CopyValue label="Your local THB account" value={data.address} testId="thb-account" />
            {data.depositAddress ? (
              <CopyValue label="Bridge deposit address" value={data.depositAddress} testId="thb-deposit-address" />
            ) : (
              <p className="bg-surface-muted rounded-xl p-3 text-sm">The bridge has no THB deposit address configured yet.</p>
            )}
            <CopyValue label="Memo (your Solana wallet)" value={data.memo} testId="thb-deposit-memo" />
          </div>
          <div className="flex flex-wrap items-center gap-3">
            <Button size="sm" variant="secondary" busy={fund.isPending} onClick={() => fund.mutate({ amount: FAUCET_AMOUNT })}>
              Fund my THB account
            </Button>
            <span className="text-fg-muted text-xs">Development faucet: {formatThbAmount(FAUCET_AMOUNT)} per click.</span>
          </div>
          <form onSubmit={(e) => void submit(e)} className="flex flex-col gap-2" noValidate>
            <label htmlFor={`${ids}-amount`} className={fieldLabel}>
              Amount to deposit (THB)
            </label>
            <div className="flex flex-col gap-2 sm:flex-row">
              <input
                id={`${ids}-amount`}
                className={`${fieldInput} tabular-nums`}
                inputMode="decimal"
                autoComplete="off"
                placeholder="e.g. 250"
                value={amount}
                onChange={(e) => setAmount(e.target.value)}
                aria-invalid={formError ? true : undefined}
                aria-describedby={`${ids}-hint`}
              />
              <Button type="submit" busy={deposit.isPending} disabled={paused || !data.depositAddress || deposit.isPending}>
                Send THB
              </Button>
            </div>
            <p id={`${ids}-hint`} className="text-fg-muted text-xs" data-testid="deposit-limits">
              {paused
                ? "The bridge is paused: deposits resume when the operator unpauses it."
                : limits
                  ? `Up to ${formatThbAmount(limits.maxPerDeposit)} per deposit, ${formatThbAmount(limits.maxPerDay)} a day for the whole bridge.`
                  : "The bridge's limits load…"}{" "}
              The server signs this transfer with your local THB key.
            </p>
            {formError ? (
              <p role="alert" className="bg-danger-soft text-danger rounded-xl p-3 text-sm" data-testid="deposit-error">
                {formError}
              </p>
            ) : null}
          </form>
        </>
      )}
    </Panel>
  );
}
