"use client";

import type { ReactNode } from "react";
import { useAuth } from "~/components/auth/auth-provider";
import { Button } from "~/components/ui/button";
import { roleLabel } from "~/lib/format";

interface SectionPlaceholderProps {
  /** A 24px icon element (an element, not a component: pages are server components). */
  icon: ReactNode;
  /** What this page is for, e.g. "Your meters". */
  title: string;
  /** What the page will show once the feature lands. */
  upcoming: string[];
  /** Who may use the page: any signed-in user, or admins only. */
  audience?: "signed-in" | "admin";
  /** Shown to a signed-in user with access: what is (not yet) there and what to do next. */
  signedInNote: ReactNode;
}

/**
 * The honest empty state of a page whose real content comes later: it says what will be here,
 * and what the visitor has to do first (connect, sign in, have the right role). No fake numbers.
 */
export function SectionPlaceholder({
  icon,
  title,
  upcoming,
  audience = "signed-in",
  signedInNote,
}: SectionPlaceholderProps) {
  const auth = useAuth();

  let action: ReactNode;
  let heading: string;
  let body: ReactNode;

  if (auth.status === "loading") {
    // The placeholder's own shape in grey, so loading never looks like an empty white card.
    return (
      <div
        className="border-line bg-surface grid gap-8 rounded-2xl border p-6 sm:p-8 md:grid-cols-[1fr_minmax(0,20rem)]"
        aria-busy="true"
        aria-label="Loading"
        role="status"
      >
        <div className="flex flex-col gap-4" aria-hidden="true">
          <span className="bg-surface-muted size-12 animate-pulse rounded-xl" />
          <span className="bg-surface-muted h-6 w-2/3 animate-pulse rounded" />
          <span className="bg-surface-muted h-4 w-full max-w-prose animate-pulse rounded" />
          <span className="bg-surface-muted h-10 w-36 animate-pulse rounded-lg" />
        </div>
        <div className="bg-surface-muted h-40 animate-pulse rounded-xl" aria-hidden="true" />
      </div>
    );
  }

  if (auth.status === "error" && !auth.user) {
    heading = "Can't reach GridTokenX";
    body = auth.sessionError ?? "The server didn't answer.";
    action = (
      <Button variant="secondary" onClick={auth.retrySession}>
        Try again
      </Button>
    );
  } else if (!auth.user) {
    if (!auth.walletAddress) {
      heading = "Connect your wallet to get started";
      body =
        "GridTokenX works with your own Solana wallet, such as Phantom. Your keys never leave it.";
      action = (
        <Button onClick={auth.openConnect} busy={auth.walletConnecting}>
          {auth.walletConnecting ? "Connecting…" : "Connect wallet"}
        </Button>
      );
    } else {
      heading = "Sign in to continue";
      body = "Sign a short message with your wallet to prove the address is yours. It's free.";
      action = <Button onClick={auth.openSignIn}>Sign in</Button>;
    }
  } else if (audience === "admin" && auth.user.role !== "admin") {
    heading = "Admins only";
    body = `This console is for platform operators. You are signed in as a ${roleLabel(auth.user.role).toLowerCase()}.`;
    action = null;
  } else {
    heading = `Nothing here yet`;
    body = signedInNote;
    action = null;
  }

  return (
    <section
      aria-labelledby="placeholder-heading"
      className="border-line bg-surface grid gap-8 rounded-2xl border p-6 sm:p-8 md:grid-cols-[1fr_minmax(0,20rem)]"
    >
      <div className="flex flex-col items-start gap-4">
        <span className="bg-accent-soft text-accent grid size-12 place-items-center rounded-xl">
          {icon}
        </span>
        <div>
          <h2 id="placeholder-heading" className="text-lg font-semibold">
            {heading}
          </h2>
          <p className="text-fg-muted mt-1 max-w-prose text-sm">{body}</p>
        </div>
        {action}
      </div>
      <div className="bg-surface-muted rounded-xl p-4 sm:p-5">
        <h3 className="text-sm font-medium">{title} will show</h3>
        <ul className="text-fg-muted mt-3 flex flex-col gap-2 text-sm">
          {upcoming.map((line) => (
            <li key={line} className="flex gap-2">
              <span aria-hidden="true" className="bg-energy mt-2 size-1.5 shrink-0 rounded-full" />
              {line}
            </li>
          ))}
        </ul>
      </div>
    </section>
  );
}
