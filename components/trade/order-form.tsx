"use client";

import { useAnchorWallet, useConnection } from "@solana/wallet-adapter-react";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useEffect, useId, useRef, useState, type FormEvent } from "react";
import { useAuth } from "~/components/auth/auth-provider";
import { EmptyBlock, ErrorBlock, LoadingBlock, Panel } from "~/components/dashboard/panel";
import { Button } from "~/components/ui/button";
import { useToast } from "~/components/ui/toast";
import { fieldInput, fieldLabel } from "~/components/wallet/deposit-panel";
import { LowSolNotice, useSolBalance } from "~/components/wallet/test-sol";
import { useWalletTx, type WalletTxStep } from "~/components/wallet/use-wallet-tx";
import { useTRPC } from "~/lib/trpc/react";
import { estimateOrder, kwhText, orderProblem, parseKwh, parsePrice, plainUnits, priceText, thbcText, type Side } from "./trade-math";
import { buildCreateOrder, describePrepareError, describeTradeTxError, tradingProgram } from "./trading-program";
import { marketRules, useMarket, useTradeBalances } from "./trade-queries";

type Step = "idle" | "preparing" | WalletTxStep | "saving";
const STEP_TEXT: Record<Step, string> = {
  idle: "",
  preparing: "Checking the order with the market…",
  signing: "Approve the order in your wallet…",
  sending: "Sending to the Solana network…",
  confirming: "Waiting for confirmation…",
  saving: "Recording your order…",
};

export const EXPIRY_OPTIONS = [
  { secs: 3_600, label: "1 hour" },
  { secs: 86_400, label: "1 day" },
  { secs: 7 * 86_400, label: "7 days" },
  { secs: 30 * 86_400, label: "30 days" },
] as const;

function Row({ label, value, strong = false, testId }: { label: string; value: string; strong?: boolean; testId?: string }) {
  return (
    <div className="flex flex-wrap items-baseline justify-between gap-x-3">
      <dt className="text-fg-muted">{label}</dt>
      <dd className={`tabular-nums ${strong ? "font-semibold" : ""}`} data-testid={testId}>
        {value}
      </dd>
    </div>
  );
}

/**
 * Buy or sell GRID: an amount in kWh, a limit price in THB/kWh inside the band around the
 * Oracle's retail price, and an expiry. Before anything is signed it shows what the order locks
 * and what it costs or pays, the fee itemised (the seller pays it), and checks the balance; the
 * server checks again (prepareCreateOrder) and the wallet signs create_order.
 */
export function OrderForm({ pickedPrice }: { pickedPrice: { price: bigint; at: number } | null }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const auth = useAuth();
  const { connection } = useConnection();
  const anchorWallet = useAnchorWallet();
  const { notify } = useToast();
  const walletTx = useWalletTx();
  const ids = useId();
  const market = useMarket();
  const wallet = auth.user?.wallet ?? null;
  const balances = useTradeBalances(wallet);
  const prepare = useMutation(trpc.orders.prepareCreateOrder.mutationOptions());
  const sync = useMutation(trpc.orders.syncFromChain.mutationOptions());
  const sol = useSolBalance(describeTradeTxError);
  const [side, setSide] = useState<Side>("sell");
  const [amount, setAmount] = useState("");
  const [price, setPrice] = useState("");
  const [expiry, setExpiry] = useState<number>(86_400);
  const [step, setStep] = useState<Step>("idle");
  const [formError, setFormError] = useState<string | null>(null);
  const [touched, setTouched] = useState(false);
  const inFlight = useRef(false);

  useEffect(() => {
    if (pickedPrice) setPrice(plainUnits(pickedPrice.price, 6));
  }, [pickedPrice]);

  const rules = marketRules(market.data);
  const balance = balances.data ? (side === "sell" ? balances.data.grid : balances.data.thbc) : null;
  const problem = orderProblem({ side, amountText: amount, priceText: price, rules, balance });
  const amountWh = parseKwh(amount);
  const limit = parsePrice(price);
  const estimate = rules && amountWh && limit ? estimateOrder(side, amountWh, limit, rules.feeBps) : null;

  async function submit(e: FormEvent) {
    e.preventDefault();
    setTouched(true);
    if (inFlight.current) return;
    setFormError(null);
    if (problem) return setFormError(problem);
    if (!anchorWallet || !auth.user) return setFormError("Connect and sign in with your wallet first.");
    if (anchorWallet.publicKey.toBase58() !== auth.user.wallet) return setFormError("The connected wallet is not the one you signed in with.");
    inFlight.current = true;
    try {
      setStep("preparing");
      let prepared;
      try {
        prepared = await prepare.mutateAsync({ side, amountWh: amountWh!, limitPrice: limit!, expiresInSecs: expiry });
      } catch (err) {
        return setFormError(describePrepareError(err));
      }
      if (!prepared.sufficient)
        return setFormError(
          side === "sell"
            ? `You hold ${kwhText(prepared.balance)} GRID on chain: not enough for ${kwhText(prepared.amountWh)} kWh. Nothing was sent.`
            : `This buy locks ${thbcText(prepared.lock.amount)} THBC and your wallet holds ${thbcText(prepared.balance)} THBC. Nothing was sent.`,
        );
      const program = tradingProgram(connection, anchorWallet);
      const sent = await walletTx.send(() => buildCreateOrder(program, prepared), { onStep: setStep });
      if (!sent.ok) return setFormError(sent.message);
      setStep("saving");
      await sync.mutateAsync({ signatures: [sent.signature] }).catch(() => undefined);
      await Promise.all([
        queryClient.invalidateQueries({ queryKey: trpc.orders.pathKey() }),
        queryClient.invalidateQueries({ queryKey: ["wallet-balances"] }),
      ]);
      void sol.balance.refetch();
      notify({
        tone: "success",
        title: `${side === "sell" ? "Sell" : "Buy"} order placed: ${kwhText(prepared.amountWh)} kWh at ${priceText(prepared.limitPrice)} THB/kWh`,
        description: side === "sell" ? `${kwhText(prepared.lock.amount)} GRID locked until it fills or you cancel.` : `${thbcText(prepared.lock.amount)} THBC locked until it fills or you cancel.`,
      });
      setAmount("");
      setTouched(false);
    } finally {
      inFlight.current = false;
      setStep("idle");
    }
  }

  if (!auth.user) {
    return (
      <Panel title="Place an order">
        <EmptyBlock>Connect your wallet and sign in to buy or sell energy. The order book and prices are open to everyone.</EmptyBlock>
        <div className="mt-4">
          {auth.walletAddress ? (
            <Button onClick={auth.openSignIn}>Sign in</Button>
          ) : (
            <Button onClick={auth.openConnect} busy={auth.walletConnecting}>
              {auth.walletConnecting ? "Connecting…" : "Connect wallet"}
            </Button>
          )}
        </div>
      </Panel>
    );
  }
  if (!market.data) {
    return (
      <Panel title="Place an order">
        {market.isError ? <ErrorBlock error={market.error} onRetry={() => void market.refetch()} /> : <LoadingBlock label="Loading the market" className="h-64" />}
      </Panel>
    );
  }
  if (!market.data.initialized) {
    return (
      <Panel title="Place an order">
        <EmptyBlock>The market isn&apos;t set up on this network yet (run the chain bootstrap).</EmptyBlock>
      </Panel>
    );
  }

  const busy = step !== "idle";
  const band = market.data.band;
  const feeBps = market.data.feeBps ?? 0;
  return (
    <Panel title="Place an order" labelledBy={`${ids}-title`}>
      <LowSolNotice sol={sol} needsFor="the fee and the order's rent (returned when it closes)" />
      <form onSubmit={(e) => void submit(e)} className="flex flex-col gap-3" noValidate data-testid="order-form">
        <div role="radiogroup" aria-label="Side" className="border-line grid grid-cols-2 overflow-hidden rounded-lg border text-sm font-medium">
          {(["buy", "sell"] as const).map((s) => (
            <button
              key={s}
              type="button"
              role="radio"
              aria-checked={side === s}
              onClick={() => setSide(s)}
              className={`h-10 ${side === s ? (s === "buy" ? "bg-emerald-600 text-white" : "bg-rose-600 text-white") : "hover:bg-surface-muted"}`}
            >
              {s === "buy" ? "Buy" : "Sell"}
            </button>
          ))}
        </div>
        <div className="grid grid-cols-2 gap-3">
          <div className="flex min-w-0 flex-col gap-1.5">
            <label htmlFor={`${ids}-amount`} className={fieldLabel}>
              Amount (kWh)
            </label>
            <input id={`${ids}-amount`} className={`${fieldInput} tabular-nums`} inputMode="decimal" autoComplete="off" placeholder="e.g. 2.5" value={amount} onChange={(e) => setAmount(e.target.value)} />
          </div>
          <div className="flex min-w-0 flex-col gap-1.5">
            <label htmlFor={`${ids}-price`} className={fieldLabel}>
              Limit price (THB/kWh)
            </label>
            <input id={`${ids}-price`} className={`${fieldInput} tabular-nums`} inputMode="decimal" autoComplete="off" placeholder="e.g. 4.00" value={price} onChange={(e) => setPrice(e.target.value)} />
          </div>
        </div>
        <p className="text-fg-muted text-xs" data-testid="price-band">
          {band
            ? `Price band: ${priceText(band.lower)} – ${priceText(band.upper)} THB/kWh (±${band.bps / 100} % of the ${priceText(market.data.oracle.retailPrice ?? 0n)} THB/kWh reference). Minimum order ${kwhText(market.data.minOrderWh ?? 0n)} kWh.`
            : "No reference price yet: the band opens with the Oracle's first price."}
          {market.data.oracle.stale ? " The reference price is stale: orders are refused until the next price." : ""}
          {market.data.paused ? " The market is paused." : ""}
        </p>
        <div className="flex flex-col gap-1.5">
          <label htmlFor={`${ids}-expiry`} className={fieldLabel}>
            Expires after
          </label>
          <select id={`${ids}-expiry`} className={fieldInput} value={expiry} onChange={(e) => setExpiry(Number(e.target.value))}>
            {EXPIRY_OPTIONS.map((o) => (
              <option key={o.secs} value={o.secs}>
                {o.label}
              </option>
            ))}
          </select>
        </div>
        <dl className="bg-surface-muted flex flex-col gap-1 rounded-xl p-3 text-sm" data-testid="order-summary" aria-live="polite">
          <Row
            label="Available"
            testId="order-available"
            value={balances.data ? (side === "sell" ? `${kwhText(balances.data.grid)} GRID` : `${thbcText(balances.data.thbc)} THBC`) : balances.isError ? "Can't read the chain" : "Reading…"}
          />
          {estimate ? (
            side === "buy" ? (
              <>
                <Row label="You lock (at most you pay)" value={`${thbcText(estimate.lock)} THBC`} strong testId="order-cost" />
                <Row label="Fee" value="0 THBC (the seller pays it)" testId="order-fee" />
                <Row label="You receive" value={`${kwhText(amountWh!)} GRID`} />
                <p className="text-fg-muted text-xs">A fill at a lower maker price returns the difference to you.</p>
              </>
            ) : (
              <>
                <Row label="You lock" value={`${kwhText(estimate.lock)} GRID`} />
                <Row label="Proceeds at your limit" value={`${thbcText(estimate.cost)} THBC`} testId="order-gross" />
                <Row label={`Fee (${feeBps / 100} %, paid by you)`} value={`−${thbcText(estimate.fee)} THBC`} testId="order-fee" />
                <Row label="You receive at least" value={`${thbcText(estimate.net)} THBC`} strong testId="order-net" />
              </>
            )
          ) : (
            <p className="text-fg-muted text-xs">Enter an amount and a price to see the cost, the fee and what you receive.</p>
          )}
        </dl>
        {touched && problem && !formError ? (
          <p role="alert" className="text-danger text-sm">
            {problem}
          </p>
        ) : null}
        <Button type="submit" busy={busy} disabled={busy}>
          {side === "buy" ? "Buy" : "Sell"} {amountWh ? `${kwhText(amountWh)} kWh` : "GRID"}
        </Button>
        {busy ? (
          <p className="text-fg-muted text-sm" aria-live="polite" data-testid="order-step">
            {STEP_TEXT[step]}
          </p>
        ) : null}
        {formError ? (
          <p role="alert" className="bg-danger-soft text-danger rounded-xl p-3 text-sm" data-testid="order-error">
            {formError}
          </p>
        ) : null}
      </form>
    </Panel>
  );
}
