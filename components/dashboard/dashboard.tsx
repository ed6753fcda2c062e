"use client";

import { useConnection } from "@solana/wallet-adapter-react";
import { PublicKey, SolanaJSONRPCError } from "@solana/web3.js";
import { useQueries, useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { useState, type ReactNode } from "react";
import { useAuth } from "~/components/auth/auth-provider";
import { DashboardTrades } from "~/components/trade/dashboard-trades";
import { Button } from "~/components/ui/button";
import { DashboardIcon } from "~/components/ui/icons";
import { gridAccountAddress } from "~/programs/energy_token/client";
import { thbcAccountAddress } from "~/programs/thb_bridge/client";
import { formatThbcAmount } from "~/lib/thb-amounts";
import { useTRPC, type RouterOutputs } from "~/lib/trpc/react";
import { EnergyChart } from "./energy-chart";
import { KEEP_DATA_WHILE_REFRESHING, liveView } from "./live-query";
import { mintTimeText, mintTimes, slotsNeedingTime, type MintTime } from "./mint-times";
import {
  ChainErrorBlock,
  EmptyBlock,
  ErrorBlock,
  LoadingBlock,
  Panel,
  PanelSkeleton,
  StaleNote,
} from "./panel";
import { ProfileCard } from "./profile-card";
import { SignedInGate } from "./signed-in-gate";
import {
  formatDateTime,
  formatGrid,
  formatPricePerKwh,
  formatSol,
  formatTime,
  gridEnergyTitle,
} from "./units";

function BalanceTile({
  label,
  value,
  title,
  hint,
  testId,
  loading,
  stale = false,
}: {
  label: string;
  value: ReactNode;
  title?: string;
  hint?: ReactNode;
  testId: string;
  loading: boolean;
  /** The last known value, not a live one (the chain can't be read right now). */
  stale?: boolean;
}) {
  return (
    <div className="bg-surface-muted flex min-w-0 flex-col gap-1 rounded-xl p-4">
      <span className="text-fg-muted text-xs font-medium tracking-wide uppercase">{label}</span>
      {loading ? (
        <span
          className="bg-line h-7 w-24 animate-pulse rounded"
          aria-busy="true"
          aria-label={`Loading ${label}`}
        />
      ) : (
        <span
          className={`truncate text-xl font-semibold tabular-nums ${stale ? "text-fg-muted" : ""}`}
          data-testid={testId}
          data-stale={stale || undefined}
          title={title}
        >
          {value}
        </span>
      )}
      {hint ? <span className="text-fg-muted text-xs">{hint}</span> : null}
    </div>
  );
}

/**
 * GRID, THBC and SOL of the signed-in wallet, read in the browser through our Connection (the
 * browser's RPC). When it can't be reached: "Can't reach Solana" with Retry, and the last values
 * read, marked as such, instead of an endless "Updating…".
 */
function Balances({ wallet }: { wallet: string }) {
  const { connection } = useConnection();
  const owner = new PublicKey(wallet);
  const balances = useQuery({
    queryKey: ["wallet-balances", wallet, connection.rpcEndpoint],
    // Every 3 s while the chain answers; once it doesn't, the last values stay on screen and
    // Retry (or the tab regaining focus or the network) reads again, instead of a spinner
    // that never ends.
    refetchInterval: (query) => (query.state.status === "error" ? false : 3_000),
    retry: 1,
    queryFn: async () => {
      // No token account yet: nothing was ever minted to this wallet. Anything else (the RPC
      // is down) is an error, not a zero balance.
      const tokenBalance = (account: PublicKey) =>
        connection.getTokenAccountBalance(account, "confirmed").then(
          (r) => BigInt(r.value.amount),
          (error: unknown) => {
            if (isMissingAccount(error)) return 0n;
            throw error;
          },
        );
      const [lamports, grid, thbc] = await Promise.all([
        connection.getBalance(owner, "confirmed"),
        tokenBalance(gridAccountAddress(owner)),
        tokenBalance(thbcAccountAddress(owner)),
      ]);
      return { sol: BigInt(lamports), grid, thbc };
    },
  });
  const offline = balances.isError;
  const updated = balances.dataUpdatedAt ? formatTime(new Date(balances.dataUpdatedAt)) : null;
  return (
    <Panel
      title="Wallet balances"
      action={
        <span className="text-fg-muted text-xs" aria-live="polite" data-testid="balances-status">
          {offline
            ? "Offline"
            : balances.isPending
              ? "Reading the chain…"
              : `Live from the chain · ${updated ?? ""}`}
        </span>
      }
    >
      {offline ? (
        <ChainErrorBlock
          endpoint={connection.rpcEndpoint}
          lastUpdated={updated}
          retrying={balances.isFetching}
          failures={balances.errorUpdateCount}
          onRetry={() => void balances.refetch()}
        />
      ) : null}
      <div className="grid gap-3 sm:grid-cols-3">
        <BalanceTile
          label="GRID"
          testId="grid-balance"
          loading={balances.isPending && !offline}
          stale={offline}
          value={balances.data ? formatGrid(balances.data.grid) : "—"}
          title={balances.data ? gridEnergyTitle(balances.data.grid) : undefined}
          hint="1 GRID = 1 kWh of measured surplus"
        />
        <BalanceTile
          label="THBC"
          testId="thbc-balance"
          loading={balances.isPending && !offline}
          stale={offline}
          value={balances.data ? formatThbcAmount(balances.data.thbc) : "—"}
          title={balances.data ? formatThbcAmount(balances.data.thbc) : undefined}
          hint={
            <>
              1 THBC = 1 THB ·{" "}
              <Link className="text-accent underline" href="/wallet">
                deposit or withdraw
              </Link>
            </>
          }
        />
        <BalanceTile
          label="SOL"
          testId="sol-balance"
          loading={balances.isPending && !offline}
          stale={offline}
          value={balances.data ? formatSol(balances.data.sol) : "—"}
          hint="Pays network fees"
        />
      </div>
    </Panel>
  );
}

/**
 * The RPC's answer for a token account that doesn't exist ("invalid params": could not find
 * account / not a Token account), as opposed to no answer at all.
 */
function isMissingAccount(error: unknown): boolean {
  return error instanceof SolanaJSONRPCError && error.code === -32602;
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
            <div className="text-lg font-semibold tabular-nums">
              {formatPricePerKwh(price.data.feedInPerKwh)}
            </div>
          </div>
          <p className="text-fg-muted col-span-2 text-xs">
            Published {formatDateTime(price.data.publishedAt)} · update #{price.data.sequence}
          </p>
        </div>
      )}
    </Panel>
  );
}

const WINDOW_LABEL = { hour: "48 h", day: "30 days" } as const;

function ProductionChart() {
  const trpc = useTRPC();
  const [bucket, setBucket] = useState<"hour" | "day">("hour");
  const stats = useQuery({
    ...trpc.meters.stats.queryOptions({ bucket, days: bucket === "hour" ? 2 : 30 }),
    ...KEEP_DATA_WHILE_REFRESHING,
    refetchInterval: 15_000,
  });
  const view = liveView(stats);
  return (
    <Panel
      title="Production vs consumption"
      className="lg:col-span-2"
      action={
        <div className="flex gap-1" role="group" aria-label="Chart resolution">
          {(["hour", "day"] as const).map((b) => (
            <Button
              key={b}
              size="sm"
              variant={bucket === b ? "secondary" : "ghost"}
              onClick={() => setBucket(b)}
              aria-pressed={bucket === b}
            >
              {WINDOW_LABEL[b]}
            </Button>
          ))}
        </div>
      }
    >
      {stats.data && stats.isError ? <StaleNote onRetry={() => void stats.refetch()} /> : null}
      {view === "loading" ? (
        <LoadingBlock className="h-72" label="Loading chart" />
      ) : view === "error" ? (
        <ErrorBlock error={stats.error} onRetry={() => void stats.refetch()} />
      ) : view === "empty" ? (
        <EmptyBlock>
          No readings in this period.{" "}
          <Link className="text-accent underline" href="/meters">
            Register a meter
          </Link>{" "}
          and its signed readings show up here.
        </EmptyBlock>
      ) : (
        <EnergyChart
          data={stats.data ?? []}
          bucket={bucket}
          asOf={stats.dataUpdatedAt}
          windowLabel={WINDOW_LABEL[bucket]}
        />
      )}
    </Panel>
  );
}

type MintItem = RouterOutputs["meters"]["mints"]["items"][number];

/** When each mint happened (mint-times.ts), asking the browser's RPC only for slots without one. */
function useMintTimes(items: readonly MintItem[] | undefined): Map<number, MintTime> {
  const { connection } = useConnection();
  const missing = slotsNeedingTime(items ?? []);
  const times = useQueries({
    queries: missing.map((slot) => ({
      queryKey: ["block-time", connection.rpcEndpoint, slot],
      queryFn: async () => {
        const t = await connection.getBlockTime(slot);
        return t === null ? null : t * 1000;
      },
      staleTime: Infinity,
      retry: 1,
    })),
  });
  return mintTimes(items ?? [], new Map(missing.map((slot, i) => [slot, times[i]])));
}

function MintHistory() {
  const trpc = useTRPC();
  const mints = useQuery({
    ...trpc.meters.mints.queryOptions({ limit: 10 }),
    refetchInterval: 15_000,
  });
  const times = useMintTimes(mints.data?.items);
  return (
    <Panel title="Minted GRID">
      {mints.data && mints.isError ? <StaleNote onRetry={() => void mints.refetch()} /> : null}
      {mints.isPending ? (
        <LoadingBlock label="Loading mint history" />
      ) : mints.isError && !mints.data ? (
        <ErrorBlock error={mints.error} onRetry={() => void mints.refetch()} />
      ) : mints.data.items.length === 0 ? (
        <EmptyBlock>
          No mints recorded yet. Surplus from your active meters is minted as GRID by the mint
          poller; the balance above is read from the chain directly, this history follows as the
          indexer records each mint.
        </EmptyBlock>
      ) : (
        <>
          <p className="text-sm">
            Total{" "}
            <span
              className="font-semibold"
              data-testid="minted-total"
              title={gridEnergyTitle(mints.data.totalWh)}
            >
              {formatGrid(mints.data.totalWh)}
            </span>
          </p>
          <ul
            className="flex flex-col divide-y divide-[var(--line)] text-sm"
            data-testid="mint-history"
          >
            {mints.data.items.map((m) => {
              const at = times.get(m.id);
              return (
                <li key={m.id} className="flex items-center justify-between gap-3 py-2">
                  <span className="min-w-0">
                    <span className="block truncate">{m.meterId ?? "meter"}</span>
                    <span className="text-fg-muted text-xs" data-testid="mint-time">
                      {mintTimeText(at)}
                    </span>
                  </span>
                  <span className="font-medium tabular-nums" title={gridEnergyTitle(m.amountWh)}>
                    +{formatGrid(m.amountWh)}
                  </span>
                </li>
              );
            })}
          </ul>
        </>
      )}
    </Panel>
  );
}

/** The dashboard's shape while the session loads: grey blocks where the panels will be. */
export function DashboardSkeleton() {
  return (
    <div
      className="grid gap-6 lg:grid-cols-3"
      aria-busy="true"
      aria-label="Loading your dashboard"
      role="status"
    >
      <PanelSkeleton className="lg:col-span-3" blocks={["h-24"]} />
      <PanelSkeleton className="lg:col-span-2" blocks={["h-72"]} />
      <PanelSkeleton blocks={["h-24"]} />
      <PanelSkeleton className="lg:col-span-2" blocks={["h-8", "h-8", "h-8"]} />
      <PanelSkeleton blocks={["h-16", "h-9"]} />
    </div>
  );
}

export function DashboardContent() {
  const auth = useAuth();
  return (
    <SignedInGate
      icon={<DashboardIcon width={24} height={24} />}
      title="Your dashboard"
      skeleton={<DashboardSkeleton />}
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
          <DashboardTrades className="lg:col-span-3" />
        </div>
      ) : null}
    </SignedInGate>
  );
}
