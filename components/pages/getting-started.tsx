"use client";

import { useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { useAuth } from "~/components/auth/auth-provider";
import { CheckIcon } from "~/components/ui/icons";
import { useTRPC } from "~/lib/trpc/react";
import { gettingStartedSteps } from "./getting-started-steps";

/**
 * The path from a first visit to a first trade, each step ticked from real state: a connected
 * wallet, a session, a registered meter (meters.mine) or a minted THBC deposit (bridge.deposits)
 * for consumers, a first fill (orders.myTrades).
 */
export function GettingStarted() {
  const auth = useAuth();
  const trpc = useTRPC();
  const signedIn = auth.user !== null;
  const meters = useQuery({ ...trpc.meters.mine.queryOptions(), enabled: signedIn });
  const deposits = useQuery({
    ...trpc.bridge.deposits.queryOptions({ limit: 1 }),
    enabled: signedIn && auth.user?.role === "consumer",
  });
  const trades = useQuery({ ...trpc.orders.myTrades.queryOptions({ limit: 1 }), enabled: signedIn });
  if (auth.status === "loading") {
    return (
      <section className="mt-6" aria-busy="true" aria-label="Loading getting started" role="status">
        <div className="bg-surface-muted mb-3 h-5 w-36 animate-pulse rounded" />
        <div className="grid gap-3 sm:grid-cols-2 xl:grid-cols-4">
          {[0, 1, 2, 3].map((i) => (
            <div key={i} className="border-line bg-surface flex gap-3 rounded-xl border p-4">
              <span className="bg-surface-muted size-7 shrink-0 animate-pulse rounded-full" />
              <span className="bg-surface-muted h-10 flex-1 animate-pulse rounded" />
            </div>
          ))}
        </div>
      </section>
    );
  }
  const steps = gettingStartedSteps({
    walletConnected: auth.walletAddress !== null,
    role: auth.user?.role ?? null,
    // Unknown (null) only while loading: a failed read leaves the step open, not "checking" forever.
    meterCount: meters.data?.length ?? (meters.isError ? 0 : null),
    depositCount: deposits.data?.length ?? (deposits.isError ? 0 : null),
    tradeCount: trades.data?.length ?? (trades.isError ? 0 : null),
  });

  return (
    <section aria-labelledby="getting-started" className="mt-6">
      <h2 id="getting-started" className="mb-3 text-base font-semibold">
        Getting started
      </h2>
      <ol className="grid gap-3 sm:grid-cols-2 xl:grid-cols-4">
        {steps.map((step, i) => (
          <li
            key={step.title}
            className="border-line bg-surface flex gap-3 rounded-xl border p-4"
            data-done={step.done || undefined}
            aria-busy={step.checking ? true : undefined}
            data-testid="getting-started-step"
          >
            <span
              className={`grid size-7 shrink-0 place-items-center rounded-full text-xs font-semibold ${
                step.done ? "bg-accent text-accent-fg" : "bg-surface-muted text-fg-muted"
              }`}
              aria-hidden="true"
            >
              {step.done ? <CheckIcon width={14} height={14} strokeWidth={2.5} /> : i + 1}
            </span>
            <div className="min-w-0">
              <p className="text-sm font-medium">
                {step.href && !step.done ? (
                  <Link href={step.href} className="hover:text-accent hover:underline">
                    {step.title}
                  </Link>
                ) : (
                  step.title
                )}
                {step.done ? <span className="sr-only"> (done)</span> : null}
              </p>
              <p className="text-fg-muted mt-0.5 text-sm">{step.detail}</p>
            </div>
          </li>
        ))}
      </ol>
    </section>
  );
}
