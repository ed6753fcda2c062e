"use client";

import { useAnchorWallet, useConnection } from "@solana/wallet-adapter-react";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useEffect, useId, useRef, useState, type FormEvent } from "react";
import { useAuth } from "~/components/auth/auth-provider";
import { Panel } from "~/components/dashboard/panel";
import { Button } from "~/components/ui/button";
import { useToast } from "~/components/ui/toast";
import { LowSolNotice, useSolBalance } from "~/components/wallet/test-sol";
import { useWalletTx, type WalletTxStep } from "~/components/wallet/use-wallet-tx";
import { describeWalletTxError } from "~/components/wallet/wallet-tx";
import { amountFieldSchema, formatThbcAmount, thbAddressBytes, thbAddressSchema } from "~/lib/thb-amounts";
import { useTRPC } from "~/lib/trpc/react";
import { THB_BRIDGE_ID } from "~/programs/thb_bridge/client";
import { bridgeErrorText, useBridgeConfig, useThbAccount, useThbcBalance } from "./bridge-queries";
import { fieldInput, fieldLabel } from "./deposit-panel";
import { buildWithdrawalInstructions, thbBridgeProgram } from "./thb-bridge-program";

type Step = "idle" | "checking" | WalletTxStep | "saving";
const STEP_TEXT: Record<Step, string> = {
  idle: "",
  checking: "Reading the bridge…",
  signing: "Approve the withdrawal in your wallet…",
  sending: "Sending to the Solana network…",
  confirming: "Waiting for confirmation…",
  saving: "Recording your withdrawal…",
};
const BRIDGE = { programId: THB_BRIDGE_ID.toBase58() };

/**
 * Withdraw: an amount of THBC and a THB destination (by default the user's local THB account);
 * the wallet signs request_withdrawal (the THBC is burned), the bridge service pays the THB out.
 */
export function WithdrawPanel({ fast }: { fast: boolean }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const auth = useAuth();
  const { connection } = useConnection();
  const anchorWallet = useAnchorWallet();
  const { notify } = useToast();
  const walletTx = useWalletTx();
  const ids = useId();
  const balance = useThbcBalance(fast);
  const config = useBridgeConfig();
  const thbAccount = useThbAccount(fast);
  const sync = useMutation(trpc.bridge.syncFromChain.mutationOptions());
  const [amount, setAmount] = useState("");
  const [destination, setDestination] = useState("");
  const destinationTouched = useRef(false);
  const [step, setStep] = useState<Step>("idle");
  const [formError, setFormError] = useState<string | null>(null);
  const inFlight = useRef(false);

  const localAccount = thbAccount.data?.address ?? null;
  useEffect(() => {
    if (localAccount && !destinationTouched.current) setDestination(localAccount);
  }, [localAccount]);

  const sol = useSolBalance((e) => describeWalletTxError(e, BRIDGE));

  const paused = config.data?.paused === true;
  const thbc = balance.data?.amount ?? null;

  async function submit(e: FormEvent) {
    e.preventDefault();
    if (inFlight.current) return;
    setFormError(null);
    if (thbc === null) return setFormError("Your THBC balance is still loading.");
    const parsedAmount = amountFieldSchema({
      max: [{ units: thbc, reason: `Your wallet holds ${formatThbcAmount(thbc)}: you can withdraw at most that. Nothing was sent.` }],
    }).safeParse(amount);
    if (!parsedAmount.success) return setFormError(parsedAmount.error.issues[0]?.message ?? "Check the amount");
    const parsedDest = thbAddressSchema.safeParse(destination);
    if (!parsedDest.success) return setFormError(parsedDest.error.issues[0]?.message ?? "Check the THB destination");
    if (paused) return setFormError("The bridge is paused: withdrawals are not accepted right now. Nothing was sent.");
    if (!anchorWallet || !auth.user) return setFormError("Connect and sign in with your wallet first.");
    if (anchorWallet.publicKey.toBase58() !== auth.user.wallet) {
      return setFormError("The connected wallet is not the one you signed in with.");
    }
    const thbDestination = thbAddressBytes(parsedDest.data)!;
    inFlight.current = true;
    try {
      const program = thbBridgeProgram(connection, anchorWallet);
      let sent;
      // Withdrawal ids come from one counter: a request built on a counter another request just
      // used fails with ConstraintSeeds; read it again and ask once more.
      for (let attempt = 0; ; attempt++) {
        setStep("checking");
        const fresh = await queryClient.fetchQuery({ ...trpc.bridge.config.queryOptions(), staleTime: 0 });
        if (!fresh.initialized) throw new Error("The THB bridge is not set up on this network yet.");
        if (fresh.paused) throw new Error("The bridge is paused: withdrawals are not accepted right now. Nothing was sent.");
        if (fresh.nextWithdrawalId === null) throw new Error("The Solana network can't be reached right now. Try again in a moment.");
        const withdrawalId = fresh.nextWithdrawalId;
        sent = await walletTx.send(
          () => buildWithdrawalInstructions(program, { withdrawalId, amount: parsedAmount.data, thbDestination }),
          { onStep: setStep },
        );
        if (sent.ok || attempt > 0 || sent.chainError?.name !== "ConstraintSeeds") break;
      }
      if (!sent.ok) return setFormError(sent.message);
      setStep("saving");
      await sync.mutateAsync({ signatures: [sent.signature] }).catch(() => undefined);
      await queryClient.invalidateQueries({ queryKey: trpc.bridge.pathKey() });
      void sol.balance.refetch();
      notify({
        tone: "success",
        title: `Withdrawal of ${formatThbcAmount(parsedAmount.data)} requested`,
        description: "The THBC is burned; the bridge pays the THB out after the THB chain confirms it.",
      });
      setAmount("");
    } catch (err) {
      setFormError(err instanceof Error && !("data" in err) ? err.message : bridgeErrorText(err));
    } finally {
      inFlight.current = false;
      setStep("idle");
    }
  }

  const busy = step !== "idle";
  return (
    <Panel title="Withdraw to THB" labelledBy={`${ids}-title`}>
      <p className="text-fg-muted -mt-2 text-sm">
        Your wallet signs the withdrawal: the THBC is burned at once and the bridge pays the same amount of
        THB to the destination.
      </p>
      <LowSolNotice sol={sol} needsFor={"the fee and the withdrawal record's rent"} />
      <form onSubmit={(e) => void submit(e)} className="flex flex-col gap-3" noValidate>
        <div className="flex flex-col gap-1.5">
          <label htmlFor={`${ids}-amount`} className={fieldLabel}>
            Amount to withdraw (THBC)
          </label>
          <input
            id={`${ids}-amount`}
            className={`${fieldInput} tabular-nums`}
            inputMode="decimal"
            autoComplete="off"
            placeholder="e.g. 100"
            value={amount}
            onChange={(e) => setAmount(e.target.value)}
          />
          <span className="text-fg-muted text-xs" data-testid="withdraw-available">
            {thbc === null ? "Reading your THBC…" : `Available: ${formatThbcAmount(thbc)}`}
          </span>
        </div>
        <div className="flex flex-col gap-1.5">
          <label htmlFor={`${ids}-dest`} className={fieldLabel}>
            THB destination address
          </label>
          <input
            id={`${ids}-dest`}
            className={`${fieldInput} font-mono`}
            autoComplete="off"
            spellCheck={false}
            value={destination}
            onChange={(e) => {
              destinationTouched.current = true;
              setDestination(e.target.value);
            }}
          />
          {localAccount ? (
            <span className="text-fg-muted text-xs">
              {destination.trim() === localAccount ? (
                "Your local THB account."
              ) : (
                <button
                  type="button"
                  className="text-accent font-medium hover:underline"
                  onClick={() => {
                    destinationTouched.current = false;
                    setDestination(localAccount);
                  }}
                >
                  Use my local THB account
                </button>
              )}
            </span>
          ) : null}
        </div>
        <Button type="submit" busy={busy} disabled={paused || busy} className="self-start">
          Withdraw
        </Button>
        {busy ? (
          <p className="text-fg-muted text-sm" aria-live="polite" data-testid="withdraw-step">
            {STEP_TEXT[step]}
          </p>
        ) : null}
        {paused ? (
          <p className="text-fg-muted text-xs">The bridge is paused: withdrawals resume when the operator unpauses it.</p>
        ) : null}
        {formError ? (
          <p role="alert" className="bg-danger-soft text-danger rounded-xl p-3 text-sm" data-testid="withdraw-error">
            {formError}
          </p>
        ) : null}
      </form>
    </Panel>
  );
}
