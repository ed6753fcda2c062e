"use client";

import Link from "next/link";
import { useAuth } from "~/components/auth/auth-provider";
import { CheckIcon } from "~/components/ui/icons";

interface Step {
  title: string;
  detail: string;
  done: boolean;
  href?: "/meters" | "/wallet" | "/trade";
}

/** The path from a first visit to a first trade; the first two steps reflect the real state. */
export function GettingStarted() {
  const auth = useAuth();
  if (auth.status === "loading") return null;
  const role = auth.user?.role;

  const steps: Step[] = [
    {
      title: "Connect a wallet",
      detail: "Phantom or any Solana wallet that supports the Wallet Standard.",
      done: auth.walletAddress !== null || auth.user !== null,
    },
    {
      title: "Sign in",
      detail: "Sign a message to prove the address is yours and pick your role.",
      done: auth.user !== null,
    },
    role === "consumer"
      ? {
          title: "Deposit baht",
          detail: "Turn THB into THBC on the Wallet page to pay for energy.",
          done: false,
          href: "/wallet",
        }
      : {
          title: "Register your meter",
          detail: "Prosumers add their smart meter's key so measured surplus becomes GRID.",
          done: false,
          href: "/meters",
        },
    {
      title: "Trade",
      detail: "Place buy or sell orders in kWh at a price in THB per kWh.",
      done: false,
      href: "/trade",
    },
  ];

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
