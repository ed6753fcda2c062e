"use client";

/**
 * The Wallet page's queries, shared by its panels (TanStack Query dedupes them): the THBC balance
 * and the bridge's settings (the `bridge` router, refreshed by its live channels), the user's
 * local THB account and its transfers (`thbDev`, polled: the THB chain has no live channel).
 */
import { useQuery } from "@tanstack/react-query";
import { getAppError, describeError } from "~/lib/trpc/errors";
import { useTRPC } from "~/lib/trpc/react";

/** While something is on its way the page polls fast; otherwise slowly (live events do the rest). */
export const FAST_POLL_MS = 1_500;
export const SLOW_POLL_MS = 10_000;

export function useBridgeConfig() {
  const trpc = useTRPC();
  return useQuery({ ...trpc.bridge.config.queryOptions(), refetchInterval: SLOW_POLL_MS });
}

export function useThbcBalance(fast: boolean) {
  const trpc = useTRPC();
  return useQuery({ ...trpc.bridge.balance.queryOptions(), refetchInterval: fast ? FAST_POLL_MS : SLOW_POLL_MS });
}

/** Not configured is an answer, not a failure to retry. */
const retryUnlessNotConfigured = (count: number, error: unknown) =>
  getAppError(error)?.code !== "THB_CHAIN_NOT_CONFIGURED" && count < 1;

export function useThbAccount(fast: boolean) {
  const trpc = useTRPC();
  return useQuery({
    ...trpc.thbDev.account.queryOptions(),
    refetchInterval: (q) =>
      getAppError(q.state.error)?.code === "THB_CHAIN_NOT_CONFIGURED" ? false : fast ? FAST_POLL_MS : SLOW_POLL_MS,
    retry: retryUnlessNotConfigured,
  });
}

export function useThbTransfers(fast: boolean, enabled: boolean) {
  const trpc = useTRPC();
  return useQuery({
    ...trpc.thbDev.transfers.queryOptions({ limit: 50 }),
    enabled,
    refetchInterval: fast ? FAST_POLL_MS : SLOW_POLL_MS,
    retry: retryUnlessNotConfigured,
  });
}

/**
 * A bridge or THB-chain error as one sentence: the server's own words where they are specific
 * (a limit, a balance, "the THB chain at … is not reachable"), else the generic text.
 */
export function bridgeErrorText(error: unknown): string {
  const app = getAppError(error);
  if (app && ["CONFLICT", "THB_CHAIN_UNAVAILABLE", "THB_CHAIN_NOT_CONFIGURED"].includes(app.code)) return app.message;
  return describeError(error);
}
