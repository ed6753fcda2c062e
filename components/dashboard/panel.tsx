"use client";

import type { ReactNode } from "react";
import { Button } from "~/components/ui/button";
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
        <h2 id={labelledBy} className="text-base font-semibold">
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

export function EmptyBlock({ children }: { children: ReactNode }) {
  return <p className="bg-surface-muted text-fg-muted rounded-xl p-4 text-sm">{children}</p>;
}
