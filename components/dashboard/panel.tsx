"use client";

import type { ReactNode } from "react";
import { Button } from "~/components/ui/button";
import { AlertIcon } from "~/components/ui/icons";
import { describeError } from "~/lib/trpc/errors";

/** A titled card, the building block of the dashboard, meters and admin pages. */
export function Panel({
  title,
  action,
  children,
  className = "",
  labelledBy,
}: {
  title: ReactNode;
  action?: ReactNode;
  children: ReactNode;
  className?: string;
  labelledBy?: string;
}) {
  return (
    <section
      aria-labelledby={labelledBy}
      className={`border-line bg-surface flex min-w-0 flex-col gap-4 rounded-2xl border p-4 sm:p-6 ${className}`}
    >
      <div className="flex flex-wrap items-center justify-between gap-2">
        <h2 id={labelledBy} className="min-w-0 text-base font-semibold [overflow-wrap:anywhere]">
          {title}
        </h2>
        {action}
      </div>
      {children}
    </section>
  );
}

export function LoadingBlock({ label = "Loading", className = "h-24" }: { label?: string; className?: string }) {
  return (
    <div
      className={`bg-surface-muted animate-pulse rounded-xl ${className}`}
      aria-busy="true"
      aria-label={label}
      role="status"
    />
  );
}

export function ErrorBlock({ error, onRetry }: { error: unknown; onRetry?: () => void }) {
  return (
    <div role="alert" className="bg-danger-soft text-danger flex flex-wrap items-center gap-3 rounded-xl p-3 text-sm">
      <span className="min-w-0 flex-1">{describeError(error)}</span>
      {onRetry ? (
        <Button size="sm" variant="secondary" onClick={onRetry}>
          Try again
        </Button>
      ) : null}
    </div>
  );
}

/**
 * The browser's Solana RPC doesn't answer: say so, offer Retry, and say what is still shown (the
 * last values read) so the page stays useful.
 */
export function ChainErrorBlock({
  endpoint,
  lastUpdated,
  retrying,
  failures,
  onRetry,
}: {
  endpoint: string;
  /** When the values still on screen were read, or null if nothing was read yet. */
  lastUpdated: string | null;
  retrying: boolean;
  /** How many reads have failed so far (each after its retries); tests wait on it. */
  failures?: number;
  onRetry: () => void;
}) {
  let host = endpoint;
  try {
    host = new URL(endpoint).host;
  } catch {
    // not a URL: show it as it is
  }
  return (
    <div
      role="alert"
      className="bg-danger-soft text-danger flex flex-wrap items-center gap-3 rounded-xl p-3 text-sm"
      data-testid="chain-error"
      data-failures={failures}
    >
      <div className="min-w-0 flex-1">
        <p className="font-semibold">Can&apos;t reach Solana</p>
        <p>
          The network&apos;s RPC ({host}) isn&apos;t answering.{" "}
          {lastUpdated
            ? `Showing the values last read at ${lastUpdated}.`
            : "Nothing could be read yet."}{" "}
          Check your connection, then retry.
        </p>
      </div>
      <Button size="sm" variant="secondary" onClick={onRetry} busy={retrying}>
        Retry
      </Button>
    </div>
  );
}

/**
 * A refresh failed but the panel still has what it read before: it keeps showing that, and this
 * line says so (with Retry) instead of replacing it with an error or an empty card.
 */
export function StaleNote({ onRetry }: { onRetry: () => void }) {
  return (
    <p className="text-fg-muted flex flex-wrap items-center gap-2 text-xs" role="status" data-testid="stale-note">
      <AlertIcon className="text-danger shrink-0" width={14} height={14} />
      Couldn&apos;t refresh; showing the last data read.
      <button type="button" className="text-accent font-medium hover:underline" onClick={onRetry}>
        Retry
      </button>
    </p>
  );
}

/** A panel's shape while its data loads: a title bar and grey blocks, never an empty white card. */
export function PanelSkeleton({ className = "", blocks = ["h-24"] }: { className?: string; blocks?: string[] }) {
  return (
    <div
      aria-hidden="true"
      className={`border-line bg-surface flex min-w-0 flex-col gap-4 rounded-2xl border p-4 sm:p-6 ${className}`}
      data-testid="panel-skeleton"
    >
      <div className="bg-surface-muted h-5 w-40 animate-pulse rounded" />
      {blocks.map((b, i) => (
        <div key={i} className={`bg-surface-muted animate-pulse rounded-xl ${b}`} />
      ))}
    </div>
  );
}

export function EmptyBlock({ children }: { children: ReactNode }) {
  return <p className="bg-surface-muted text-fg-muted rounded-xl p-4 text-sm">{children}</p>;
}
