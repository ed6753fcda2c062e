"use client";

/**
 * `const { send, step, busy } = useWalletTx()`: the connected wallet signs what `build` returns,
 * then it is sent and confirmed on the app's Connection (runWalletTx in wallet-tx.ts). `step` is
 * "signing" | "sending" | "confirming" while a transaction is in those steps, else null, for a
 * progress line. `send` never throws: it resolves to `{ ok: true, signature }` or a failure with
 * the decoded chain error and one sentence to show. Callers guard double submits themselves
 * (they know what a second click means).
 */
import { useAnchorWallet, useConnection } from "@solana/wallet-adapter-react";
import { useCallback, useState } from "react";
import {
  runWalletTx,
  type WalletTxBuild,
  type WalletTxOptions,
  type WalletTxResult,
  type WalletTxStep,
} from "./wallet-tx";

export type { WalletTxResult, WalletTxStep } from "./wallet-tx";

export function useWalletTx(): {
  send: (build: WalletTxBuild, options?: WalletTxOptions) => Promise<WalletTxResult>;
  step: WalletTxStep | null;
  busy: boolean;
} {
  const { connection } = useConnection();
  const wallet = useAnchorWallet();
  const [step, setStep] = useState<WalletTxStep | null>(null);
  const [busy, setBusy] = useState(false);

  const send = useCallback(
    async (build: WalletTxBuild, options: WalletTxOptions = {}) => {
      setBusy(true);
      try {
        return await runWalletTx({ connection, wallet }, build, {
          ...options,
          onStep: (s) => {
            setStep(s);
            options.onStep?.(s);
          },
        });
      } finally {
        setStep(null);
        setBusy(false);
      }
    },
    [connection, wallet],
  );

  return { send, step, busy };
}
