import Link from "next/link";
import { AccountControl } from "~/components/auth/account-control";
import { LiveIndicator } from "~/components/providers/live-updates";
import { ThemeToggle } from "~/components/theme/theme-toggle";
import { LogoMark } from "~/components/ui/icons";
import { env } from "~/env.js";
import { CLUSTER_LABELS, CLUSTER_SHORT_LABELS } from "~/lib/format";
import { MobileNav } from "./mobile-nav";
import { DesktopNav } from "./nav-links";

export function SiteHeader() {
  const cluster = env.NEXT_PUBLIC_SOLANA_CLUSTER;
  return (
    <header className="border-line bg-surface/85 sticky top-0 z-40 border-b backdrop-blur">
      <div className="mx-auto flex h-16 max-w-7xl items-center gap-2 px-3 sm:gap-3 sm:px-6">
        <MobileNav />
        <Link
          href="/"
          aria-label="GridTokenX home"
          className="flex shrink-0 items-center gap-2 rounded-lg pr-1 font-semibold"
        >
          <LogoMark />
          <span className="hidden text-base tracking-tight sm:inline">GridTokenX</span>
        </Link>
        <div className="ml-2 hidden lg:block">
          <DesktopNav />
        </div>
        <div className="ml-auto flex min-w-0 items-center gap-1.5 sm:gap-2">
          {/* On a phone too: which network the money is on matters most there. Compact below sm. */}
          <span
            className="border-line text-fg-muted inline-flex shrink-0 items-center gap-1 rounded-full border px-1.5 py-0.5 text-[11px] font-medium sm:gap-1.5 sm:px-2.5 sm:py-1 sm:text-xs"
            title={`Solana cluster: ${cluster}`}
            data-testid="network-badge"
          >
            <span
              aria-hidden="true"
              className={`size-1.5 rounded-full ${cluster === "mainnet-beta" ? "bg-accent" : "bg-energy"}`}
            />
            <span className="sm:hidden">{CLUSTER_SHORT_LABELS[cluster]}</span>
            <span className="max-sm:sr-only">{CLUSTER_LABELS[cluster]}</span>
          </span>
          <LiveIndicator />
          <ThemeToggle className="hidden sm:grid" />
          <AccountControl />
        </div>
      </div>
    </header>
  );
}
