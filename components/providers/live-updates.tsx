"use client";

/**
 * Live updates for the signed-in user: one server-sent-events stream (tRPC `live.events`), and
 * each notice names the queries it makes stale (from the program list's channel table, on the
 * server), so the page refetches them at once instead of waiting for its next poll. The polls
 * stay as the fallback when the stream is down.
 */
import { useQueryClient } from "@tanstack/react-query";
import { useSubscription } from "@trpc/tanstack-react-query";
import { createContext, useCallback, useContext, useEffect, useMemo, useRef, type ReactNode } from "react";
import { useAuth } from "~/components/auth/auth-provider";
import { formatGrid } from "~/components/dashboard/units";
import { useToast } from "~/components/ui/toast";
import { useTRPC } from "~/lib/trpc/react";
import type { LiveEvent } from "~/server/api/live-events";
import { createStaleCoalescer, queryIsStale, type StaleCoalescer } from "./stale-coalescer";

/** off: signed out · connecting: opening or reopening the stream · live · error: polling only. */
export type LiveStatus = "off" | "connecting" | "live" | "error";

const LiveStatusContext = createContext<LiveStatus>("off");

/** The live stream's state, for an indicator. */
export function useLiveStatus(): LiveStatus {
  return useContext(LiveStatusContext);
}

export function LiveUpdatesProvider({ children }: { children: ReactNode }) {
  const { user } = useAuth();
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const { notify } = useToast();
  const connectedOnce = useRef(false);
  // One refetch per stale query per burst of notices (see stale-coalescer.ts).
  const coalescer = useRef<StaleCoalescer | null>(null);
  useEffect(() => {
    const c = createStaleCoalescer((names) => {
      void queryClient.invalidateQueries({ predicate: (q) => queryIsStale(q.queryKey, names) });
    });
    coalescer.current = c;
    return () => c.dispose();
  }, [queryClient]);

  const onData = useCallback(
    (event: LiveEvent) => {
      if (event.channel === "live") {
        // The first marker comes right after the page's own fetches; later ones follow a gap
        // (reconnect, or the server dropped us for falling behind): refetch everything then.
        if (connectedOnce.current) {
          coalescer.current?.dispose();
          void queryClient.invalidateQueries();
        }
        connectedOnce.current = true;
        return;
      }
      // The server names the stale queries by the first part of their key: a tRPC router
      // ([["meters", "mine"], …]) or a plain key (["wallet-balances", …]). A burst is gathered and
      // invalidated once.
      coalescer.current?.add(event.stale);
      if (event.channel === "mints" && event.amountWh && event.amountWh !== "0") {
        notify({
          tone: "success",
          title: `${formatGrid(BigInt(event.amountWh))} minted`,
          description: event.meterId ? `From meter ${event.meterId}'s surplus.` : undefined,
        });
      }
    },
    [queryClient, notify],
  );

  const subscription = useSubscription(
    trpc.live.events.subscriptionOptions(undefined, {
      enabled: user !== null,
      onData,
    }),
  );

  const status: LiveStatus = useMemo(() => {
    if (!user) return "off";
    // tRPC's subscription states: "pending" is connected and waiting for the next notice.
    if (subscription.status === "pending") return "live";
    if (subscription.status === "error") return "error";
    return "connecting";
  }, [user, subscription.status]);

  return <LiveStatusContext.Provider value={status}>{children}</LiveStatusContext.Provider>;
}

const LABELS: Record<Exclude<LiveStatus, "off">, string> = {
  connecting: "Connecting live updates…",
  live: "Live: new readings and mints appear as they happen",
  error: "Live updates unavailable; refreshing every few seconds instead",
};

/** A small dot and word in the header (phones too): green when live, amber while connecting, grey when polling. */
export function LiveIndicator() {
  const status = useLiveStatus();
  if (status === "off") return null;
  const color =
    status === "live" ? "bg-emerald-500" : status === "connecting" ? "bg-amber-500" : "bg-fg-muted";
  return (
    <span
      className="text-fg-muted inline-flex shrink-0 items-center gap-1 text-[11px] sm:gap-1.5 sm:px-1 sm:text-xs"
      title={LABELS[status]}
      data-testid="live-status"
      data-status={status}
    >
      <span
        aria-hidden="true"
        className={`size-1.5 rounded-full ${color} ${status === "live" ? "animate-pulse" : ""}`}
      />
      {status === "live" ? "Live" : status === "connecting" ? "Connecting" : "Polling"}
    </span>
  );
}
