import Link from "next/link";
import { AccountControl } from "~/components/auth/account-control";
import { LiveIndicator } from "~/components/providers/live-updates";
import { ThemeToggle } from "~/components/theme/theme-toggle";
import { LogoMark } from "~/components/ui/icons";
import { env } from "~/env.js";
import { CLUSTER_LABELS } from "~/lib/format";
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
        <div className="ml-auto flex min-w-0 items-center gap-1 sm:gap-2">
          <span
            className="border-line text-fg-muted hidden items-center gap-1.5 rounded-full border px-2.5 py-1 text-xs font-medium md:inline-flex"
            title={`Solana cluster: ${cluster}`}
          >
            <span
              aria-hidden="true"
              className={`size-1.5 rounded-full ${cluster === "mainnet-beta" ? "bg-accent" : "bg-energy"}`}
            />
            {CLUSTER_LABELS[cluster]}
          </span>
          <LiveIndicator />
          <ThemeToggle className="hidden sm:grid" />
          <AccountControl />
        </div>
      </div>
    </header>
  );
}
