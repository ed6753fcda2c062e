"use client";

/**
 * The Trade page's queries, shared by its panels (TanStack Query dedupes them). The `orders`
 * router's queries are refreshed by the live stream's `orders` notices (the indexer's orders,
 * trades and market channels); the polls are the fallback while the stream is down. Balances are
 * read from the chain in the browser (as on the dashboard) under a `wallet-balances` key, which
 * the `order-funds` channel makes stale.
 */
import { useConnection } from "@solana/wallet-adapter-react";
import { PublicKey, SolanaJSONRPCError } from "@solana/web3.js";
import { useQuery } from "@tanstack/react-query";
import { useTRPC } from "~/lib/trpc/react";
import { gridAccountAddress } from "~/programs/energy_token/client";
import { thbcAccountAddress } from "~/programs/thb_bridge/client";
import type { MarketRules } from "./trade-math";

export const BOOK_POLL_MS = 5_000;
export const MARKET_POLL_MS = 15_000;

export function useMarket() {
  const trpc = useTRPC();
  return useQuery({ ...trpc.orders.market.queryOptions(), refetchInterval: MARKET_POLL_MS });
}

export function useBook() {
  const trpc = useTRPC();
  return useQuery({ ...trpc.orders.book.queryOptions({ depth: 50 }), refetchInterval: BOOK_POLL_MS });
}

/** The rules an order must meet, from orders.market; null while it loads or without a market. */
export function marketRules(m: ReturnType<typeof useMarket>["data"]): MarketRules | null {
  if (!m?.initialized || m.minOrderWh == null || m.feeBps == null) return null;
  return { minOrderWh: m.minOrderWh, feeBps: m.feeBps, band: m.band, paused: m.paused === true, stale: m.oracle.stale };
}

/** No token account yet (the RPC's "could not find account", -32602): a zero balance, not an error. */
const isMissingAccount = (error: unknown) => error instanceof SolanaJSONRPCError && error.code === -32602;

/** GRID (Wh) and THBC (base units) of `wallet`, from the chain; 0 without a token account. */
export function useTradeBalances(wallet: string | null) {
  const { connection } = useConnection();
  return useQuery({
    queryKey: ["wallet-balances", wallet, connection.rpcEndpoint, "trade"],
    enabled: wallet !== null,
    refetchInterval: (q) => (q.state.status === "error" ? false : 5_000),
    retry: 1,
    queryFn: async () => {
      const owner = new PublicKey(wallet!);
      const read = (account: PublicKey) =>
        connection.getTokenAccountBalance(account, "confirmed").then(
          (r) => BigInt(r.value.amount),
          (error: unknown) => {
            if (isMissingAccount(error)) return 0n;
            throw error;
          },
        );
      const [grid, thbc] = await Promise.all([read(gridAccountAddress(owner)), read(thbcAccountAddress(owner))]);
      return { grid, thbc };
    },
  });
}
