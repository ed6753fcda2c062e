"use client";

import {
  WalletConnectionError,
  WalletDisconnectedError,
  WalletNotReadyError,
  WalletWindowClosedError,
  type Adapter,
  type WalletError,
} from "@solana/wallet-adapter-base";
import { ConnectionProvider, WalletProvider } from "@solana/wallet-adapter-react";
import { WalletModalProvider } from "@solana/wallet-adapter-react-ui";
import { useCallback, useMemo, type ReactNode } from "react";
import { useToast } from "~/components/ui/toast";
import { env } from "~/env.js";
import { describeWalletError } from "~/lib/wallet-errors";

/**
 * Connection (our RPC, never the wallet's) and wallet discovery. `wallets={NO_LEGACY_ADAPTERS}`: Phantom and
 * every other Wallet Standard wallet registers itself and the adapter wraps it; no legacy
 * adapters are bundled. The modal's styles live in app/globals.css.
 */
/** Stable identity: a fresh array each render would re-wrap the detected wallets. */
const NO_LEGACY_ADAPTERS: Adapter[] = [];

/**
 * An RPC call that gets no answer fails after this long, so the page can say "Can't reach
 * Solana" instead of waiting forever (a dropped connection or a blackholed host never errors).
 */
const RPC_TIMEOUT_MS = 10_000;

const fetchWithTimeout: typeof fetch = (input, init) => {
  const timeout = AbortSignal.timeout(RPC_TIMEOUT_MS);
  return fetch(input, { ...init, signal: init?.signal ? AbortSignal.any([init.signal, timeout]) : timeout });
};

export function SolanaProvider({ children }: { children: ReactNode }) {
  const { notify } = useToast();
  const config = useMemo(
    () => ({
      commitment: "confirmed" as const,
      fetch: fetchWithTimeout,
      ...(env.NEXT_PUBLIC_SOLANA_WS_URL ? { wsEndpoint: env.NEXT_PUBLIC_SOLANA_WS_URL } : {}),
    }),
    [],
  );

  // Errors of signing calls are shown where the call was made; here only the ones that
  // happen outside any button of ours (connecting from the modal, the wallet going away).
  const onError = useCallback(
    (error: WalletError) => {
      if (error instanceof WalletDisconnectedError) {
        notify({
          tone: "info",
          title: "Wallet disconnected",
          description: error.message || undefined,
        });
      } else if (
        error instanceof WalletConnectionError ||
        error instanceof WalletNotReadyError ||
        error instanceof WalletWindowClosedError
      ) {
        notify({
          tone: "error",
          title: "Couldn't connect the wallet",
          description: describeWalletError(error),
        });
      }
    },
    [notify],
  );

  return (
    <ConnectionProvider endpoint={env.NEXT_PUBLIC_SOLANA_RPC_URL} config={config}>
      <WalletProvider wallets={NO_LEGACY_ADAPTERS} autoConnect onError={onError}>
        <WalletModalProvider>{children}</WalletModalProvider>
      </WalletProvider>
    </ConnectionProvider>
  );
}
