"use client";

import { QueryClientProvider, type QueryClient } from "@tanstack/react-query";
import {
  createTRPCClient,
  httpBatchLink,
  httpBatchStreamLink,
  httpSubscriptionLink,
  loggerLink,
  splitLink,
} from "@trpc/client";
import { createTRPCContext } from "@trpc/tanstack-react-query";
import type { inferRouterInputs, inferRouterOutputs } from "@trpc/server";
import { useState, type ReactNode } from "react";
import SuperJSON from "superjson";
import type { AppRouter } from "~/server/api/root";
import { makeQueryClient } from "./query-client";

export const { TRPCProvider, useTRPC, useTRPCClient } = createTRPCContext<AppRouter>();

export type RouterInputs = inferRouterInputs<AppRouter>;
export type RouterOutputs = inferRouterOutputs<AppRouter>;

/** `auth.me`'s query key prefix, as @trpc/tanstack-react-query builds it. */
const AUTH_ME_KEY = [["auth", "me"]] as const;

function trpcUrl(): string {
  // Queries only run in the browser (no server prefetch yet), where the same origin is right.
  if (typeof window !== "undefined") return `${window.location.origin}/api/trpc`;
  return `http://127.0.0.1:${process.env.PORT ?? 3000}/api/trpc`;
}

let browserQueryClient: QueryClient | undefined;

function getQueryClient(): QueryClient {
  // The server renders each request with its own client; the browser keeps one for the tab.
  if (typeof window === "undefined") return makeQueryClient();
  if (!browserQueryClient) {
    const client: QueryClient = makeQueryClient(() => {
      void client.invalidateQueries({ queryKey: AUTH_ME_KEY });
    });
    browserQueryClient = client;
  }
  return browserQueryClient;
}

export function TRPCReactProvider({ children }: { children: ReactNode }) {
  const queryClient = getQueryClient();
  const [trpcClient] = useState(() =>
    createTRPCClient<AppRouter>({
      links: [
        // Development only: operations carry wallet addresses and signatures, which have no
        // business in a production console.
        loggerLink({ enabled: () => process.env.NODE_ENV === "development" }),
        splitLink({
          // Live data: one server-sent-events stream per subscription.
          condition: (op) => op.type === "subscription",
          true: httpSubscriptionLink({ url: trpcUrl(), transformer: SuperJSON }),
          false: splitLink({
            // Mutations may set cookies (auth.signIn, auth.signOut). A streamed response has
            // already sent its headers when the procedure finishes, so mutations use the
            // buffered batch link; queries stream.
            condition: (op) => op.type === "mutation",
            true: httpBatchLink({ url: trpcUrl(), transformer: SuperJSON }),
            false: httpBatchStreamLink({ url: trpcUrl(), transformer: SuperJSON }),
          }),
        }),
      ],
    }),
  );

  return (
    <QueryClientProvider client={queryClient}>
      <TRPCProvider trpcClient={trpcClient} queryClient={queryClient}>
        {children}
      </TRPCProvider>
    </QueryClientProvider>
  );
}
