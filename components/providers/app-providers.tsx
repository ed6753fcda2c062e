"use client";

import type { ReactNode } from "react";
import { AuthProvider } from "~/components/auth/auth-provider";
import { ToastProvider } from "~/components/ui/toast";
import { TRPCReactProvider } from "~/lib/trpc/react";
import { LiveUpdatesProvider } from "./live-updates";
import { SolanaProvider } from "./solana-provider";

/** Every client-side context the pages rely on, outermost first. */
export function AppProviders({ children }: { children: ReactNode }) {
  return (
    <ToastProvider>
      <TRPCReactProvider>
        <SolanaProvider>
          <AuthProvider>
            <LiveUpdatesProvider>{children}</LiveUpdatesProvider>
          </AuthProvider>
        </SolanaProvider>
      </TRPCReactProvider>
    </ToastProvider>
  );
}
