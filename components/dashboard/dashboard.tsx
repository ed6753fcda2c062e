"use client";

import { useConnection } from "@solana/wallet-adapter-react";
import { PublicKey } from "@solana/web3.js";
import { useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { useState, type ReactNode } from "react";
import { useAuth } from "~/components/auth/auth-provider";
import { Button, buttonClasses } from "~/components/ui/button";
import { DashboardIcon } from "~/components/ui/icons";
import { gridTokenAccount as gridAccountAddress } from "~/components/meters/pdas";
import { useTRPC } from "~/lib/trpc/react";
import { EnergyChart } from "./energy-chart";
import { EmptyBlock, ErrorBlock, LoadingBlock, Panel } from "./panel";
import { ProfileCard } from "./profile-card";
import { SignedInGate } from "./signed-in-gate";
import { formatDateTime, formatGrid, formatKwh, formatPricePerKwh, formatSol } from "./units";

function BalanceTile({
  label,
  value,
  hint,
  testId,
  loading,
}: {
  label: string;
  value: ReactNode;
  hint?: ReactNode;
  testId: string;
  loading: boolean;
}) {
  return (
    <div className="bg-surface-muted flex min-w-0 flex-col gap-1 rounded-xl p-4">
      <span className="text-fg-muted text-xs font-medium tracking-wide uppercase">{label}</span>
      {loading ? (
        <span className="bg-line h-7 w-24 animate-pulse rounded" aria-busy="true" aria-label={`Loading ${label}`} />
      ) : (
        <span className="truncate text-xl font-semibold tabular-nums" data-testid={testId}>
          {value}
        </span>
      )}
      {hint ? <span className="text-fg-muted text-xs">{hint}</span> : null}
    </div>
  );
}

/** GRID, THBC and SOL of the signed-in wallet, read in the browser through our Connection. */
function Balances({ wallet }: { wallet: string }) {
  const { connection } = useConnection();
  const owner = new PublicKey(wallet);
  const balances = useQuery({
    queryKey: ["wallet-balances", wallet, connection.rpcEndpoint],
    refetchInterval: 3_000,
    queryFn: async () => {
      const [lamports, grid] = await Promise.all([
        connection.getBalance(owner, "confirmed"),
        connection.getTokenAccountBalance(gridAccountAddress(owner), "confirmed").then(
          (r) => BigInt(r.value.amount),
          // No GRID account yet: nothing was ever minted to this wallet.
          () => 0n,
        ),
      ]);
      return { sol: BigInt(lamports), grid };
    },
  });
  return (
    <Panel
      title="Wallet balances"
      action={
        <span className="text-fg-muted text-xs" aria-live="polite">
          {balances.isFetching ? "Updating…" : "Live from the chain"}
        </span>
      }
    >
      {balances.isError ? <ErrorBlock error={new Error("Can't reach the Solana RPC to read your balances.")} onRetry={() => void balances.refetch()} /> : null}
      <div className="grid gap-3 sm:grid-cols-3">
        <BalanceTile
          label="GRID"
          testId="grid-balance"
          loading={balances.isPending}
          value={balances.data ? formatGrid(balances.data.grid) : "—"}
          hint="1 GRID = 1 kWh of measured surplus"
        />
        <BalanceTile
          label="THBC"
          testId="thbc-balance"
          loading={false}
          value="—"
          hint="The THB stablecoin isn't deployed on this network yet; deposits arrive with the bridge."
        />
        <BalanceTile
          label="SOL"
          testId="sol-balance"
          loading={balances.isPending}
          value={balances.data ? formatSol(balances.data.sol) : "—"}
          hint="Pays network fees"
        />
      </div>
    </Panel>
  );
}

function PriceCard() {
  const trpc = useTRPC();
  const price = useQuery({ ...trpc.market.price.queryOptions(), refetchInterval: 30_000 });
  return (
    <Panel title="Reference price">
      {price.isPending ? (
        <LoadingBlock label="Loading price" />
      ) : price.isError ? (
        <ErrorBlock error={price.error} onRetry={() => void price.refetch()} />
      ) : !price.data ? (
        <EmptyBlock>The oracle hasn&apos;t published a price yet.</EmptyBlock>
      ) : (
        <div className="grid grid-cols-2 gap-3">
          <div className="bg-surface-muted rounded-xl p-4">
            <div className="text-fg-muted text-xs">Retail</div>
            <div className="text-lg font-semibold tabular-nums" data-testid="retail-price">
              {formatPricePerKwh(price.data.retailPerKwh)}
            </div>
          </div>
          <div className="bg-surface-muted rounded-xl p-4">
            <div className="text-fg-muted text-xs">Feed-in</div>
            <div className="text-lg font-semibold tabular-nums">{formatPricePerKwh(price.data.feedInPerKwh)}</div>
          </div>
          <p className="text-fg-muted col-span-2 text-xs">
            Published {formatDateTime(price.data.publishedAt)} · update #{price.data.sequence}
          </p>
        </div>
      )}
    </Panel>
  );
}

function ProductionChart() {
  const trpc = useTRPC();
  const [bucket, setBucket] = useState<"hour" | "day">("hour");
  const stats = useQuery({
    ...trpc.meters.stats.queryOptions({ bucket, days: bucket === "hour" ? 2 : 30 }),
    refetchInterval: 15_000,
  });
  return (
    <Panel
      title="Production vs consumption"
      className="lg:col-span-2"
      action={
        <div className="flex gap-1" role="group" aria-label="Chart resolution">
          {(["hour", "day"] as const).map((b) => (
            <Button key={b} size="sm" variant={bucket === b ? "secondary" : "ghost"} onClick={() => setBucket(b)} aria-pressed={bucket === b}>
              {b === "hour" ? "48 h" : "30 days"}
            </Button>
          ))}
        </div>
      }
    >
      {stats.isPending ? (
        <LoadingBlock className="h-64" label="Loading chart" />
      ) : stats.isError ? (
        <ErrorBlock error={stats.error} onRetry={() => void stats.refetch()} />
      ) : stats.data.length === 0 ? (
        <EmptyBlock>
          No readings in this period. <Link className="text-accent underline" href="/meters">Register a meter</Link> and its
          signed readings show up here.
        </EmptyBlock>
      ) : (
        <EnergyChart data={stats.data} bucket={bucket} />
      )}
    </Panel>
  );
}

function MintHistory() {
  const trpc = useTRPC();
  const mints = useQuery({ ...trpc.meters.mints.queryOptions({ limit: 10 }), refetchInterval: 15_000 });
  return (
    <Panel title="Minted GRID">
      {mints.isPending ? (
        <LoadingBlock label="Loading mint history" />
      ) : mints.isError ? (
        <ErrorBlock error={mints.error} onRetry={() => void mints.refetch()} />
      ) : mints.data.items.length === 0 ? (
        <EmptyBlock>
          No mints recorded yet. Surplus from your active meters is minted as GRID by the mint poller; the balance above
          is read from the chain directly, this history follows as the indexer records each mint.
        </EmptyBlock>
      ) : (
        <>
          <p className="text-sm">
            Total <span className="font-semibold">{formatKwh(mints.data.totalWh)}</span>
          </p>
          <ul className="flex flex-col divide-y divide-[var(--line)] text-sm">
            {mints.data.items.map((m) => (
              <li key={m.id} className="flex items-center justify-between gap-3 py-2">
                <span className="min-w-0">
                  <span className="block truncate">{m.meterId ?? "meter"}</span>
                  <span className="text-fg-muted text-xs">{m.mintedAt ? formatDateTime(m.mintedAt) : `slot ${m.slot}`}</span>
                </span>
                <span className="font-medium tabular-nums">+{formatGrid(m.amountWh)}</span>
              </li>
            ))}
          </ul>
        </>
      )}
    </Panel>
  );
}

export function DashboardContent() {
  const auth = useAuth();
  return (
    <SignedInGate
      icon={<DashboardIcon width={24} height={24} />}
      title="Your dashboard"
      upcoming={[
        "GRID (kWh) and THBC balances from your wallet",
        "Production and consumption charts from your meters",
        "The current reference price in THB per kWh",
        "Your most recent trades",
      ]}
    >
      {auth.user ? (
        <div className="grid gap-6 lg:grid-cols-3">
          <div className="lg:col-span-3">
            <Balances wallet={auth.user.wallet} />
          </div>
          <ProductionChart />
          <PriceCard />
          <div className="lg:col-span-2">
            <MintHistory />
          </div>
          <ProfileCard />
          <Panel title="Recent trades" className="lg:col-span-3">
            <EmptyBlock>Trading opens with the order book. Your fills will be listed here.</EmptyBlock>
            <Link href="/trade" className={`${buttonClasses("secondary", "sm")} self-start`}>
              Go to Trade
            </Link>
          </Panel>
        </div>
      ) : null}
    </SignedInGate>
  );
}
