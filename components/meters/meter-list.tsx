"use client";

import { useInfiniteQuery, useQuery } from "@tanstack/react-query";
import { useState } from "react";
import { EnergyChart } from "~/components/dashboard/energy-chart";
import { KEEP_DATA_WHILE_REFRESHING, liveView } from "~/components/dashboard/live-query";
import { EmptyBlock, ErrorBlock, LoadingBlock, Panel, StaleNote } from "~/components/dashboard/panel";
import {
  METER_STATUS_STYLE,
  READING_STATE_STYLE,
  formatDateTime,
  formatGrid,
  gridEnergyTitle,
} from "~/components/dashboard/units";
import { Button } from "~/components/ui/button";
import { shortAddress } from "~/lib/format";
import { useTRPC, type RouterOutputs } from "~/lib/trpc/react";

type MeterRow = RouterOutputs["meters"]["mine"][number];

export function StatusBadge({ status }: { status: string }) {
  return (
    <span className={`rounded-full px-2 py-0.5 text-xs font-medium capitalize ${METER_STATUS_STYLE[status] ?? ""}`}>
      {status}
    </span>
  );
}

function MeterCard({ meter, selected, onSelect }: { meter: MeterRow; selected: boolean; onSelect: () => void }) {
  return (
    <li>
      <button
        type="button"
        onClick={onSelect}
        aria-pressed={selected}
        data-testid={`meter-${meter.meterId}`}
        className={`border-line hover:bg-surface-muted flex w-full flex-col gap-2 rounded-xl border p-4 text-left ${selected ? "ring-2 ring-[var(--accent)]" : ""}`}
      >
        <div className="flex flex-wrap items-center justify-between gap-2">
          <span className="font-medium break-all">{meter.meterId}</span>
          <StatusBadge status={meter.status} />
        </div>
        <dl className="text-fg-muted grid grid-cols-2 gap-x-4 gap-y-1 text-xs sm:grid-cols-4">
          <div>
            <dt>Type · zone</dt>
            <dd className="text-fg capitalize">
              {meter.type} · {meter.zone}
            </dd>
          </div>
          <div>
            <dt>Capacity</dt>
            <dd className="text-fg">{(meter.ratedCapacityW / 1000).toLocaleString("en-US")} kW</dd>
          </div>
          <div>
            <dt>Minted</dt>
            <dd className="text-fg" data-testid="meter-minted" title={gridEnergyTitle(meter.mintedWh)}>
              {formatGrid(meter.mintedWh)}
            </dd>
          </div>
          <div>
            <dt>Readings</dt>
            <dd className="text-fg">
              {meter.readingsTotal.toLocaleString("en-US")}
              {meter.readingsPending > 0 ? ` (${meter.readingsPending} waiting)` : ""}
            </dd>
          </div>
        </dl>
        <span className="text-fg-muted font-mono text-xs">key {shortAddress(meter.publicKey, 6)}</span>
        {meter.status === "pending" ? (
          <span className="text-fg-muted text-xs">Waiting for an admin to activate it. Readings are refused until then.</span>
        ) : null}
      </button>
    </li>
  );
}

function MeterReadings({ meterId }: { meterId: string }) {
  const trpc = useTRPC();
  const [bucket, setBucket] = useState<"hour" | "day">("hour");
  const stats = useQuery({
    ...trpc.meters.stats.queryOptions({ meterId, bucket, days: bucket === "hour" ? 2 : 30 }),
    // A mint or a reading invalidates this (live updates): the bars stay until the new ones arrive.
    ...KEEP_DATA_WHILE_REFRESHING,
    refetchInterval: 10_000,
  });
  const chartView = liveView(stats);
  const readings = useInfiniteQuery(
    trpc.meters.readings.infiniteQueryOptions(
      { meterId, limit: 20 },
      { getNextPageParam: (last) => last.nextCursor ?? undefined, refetchInterval: 10_000 },
    ),
  );
  const rows = readings.data?.pages.flatMap((p) => p.items) ?? [];

  return (
    <Panel
      title={`Readings · ${meterId}`}
      action={
        <div className="flex gap-1" role="group" aria-label="Chart resolution">
          {(["hour", "day"] as const).map((b) => (
            <Button key={b} size="sm" variant={bucket === b ? "secondary" : "ghost"} onClick={() => setBucket(b)} aria-pressed={bucket === b}>
              {b === "hour" ? "Hourly" : "Daily"}
            </Button>
          ))}
        </div>
      }
    >
      {stats.data && stats.isError ? <StaleNote onRetry={() => void stats.refetch()} /> : null}
      {chartView === "loading" ? (
        <LoadingBlock className="h-72" label="Loading chart" />
      ) : chartView === "error" ? (
        <ErrorBlock error={stats.error} onRetry={() => void stats.refetch()} />
      ) : chartView === "empty" ? (
        <EmptyBlock>No readings in this period yet. Once the meter is active, its signed readings appear here.</EmptyBlock>
      ) : (
        <EnergyChart
          data={stats.data ?? []}
          bucket={bucket}
          asOf={stats.dataUpdatedAt}
          windowLabel={bucket === "hour" ? "48 h" : "30 days"}
        />
      )}

      {readings.data && readings.isError ? <StaleNote onRetry={() => void readings.refetch()} /> : null}
      {readings.isPending ? (
        <LoadingBlock label="Loading readings" />
      ) : readings.isError && !readings.data ? (
        <ErrorBlock error={readings.error} onRetry={() => void readings.refetch()} />
      ) : rows.length === 0 ? (
        <EmptyBlock>No readings received from this meter yet.</EmptyBlock>
      ) : (
        <div>
          {/* A table from 640 px up; below, each row is a card with its labels, so every column
              stays on screen without sideways scrolling. */}
          <table className="w-full text-sm max-sm:block" data-testid="readings-table">
            <thead className="text-fg-muted text-left text-xs max-sm:sr-only">
              <tr>
                <th className="py-2 pr-3 font-medium">Time</th>
                <th className="py-2 pr-3 text-right font-medium">Production</th>
                <th className="py-2 pr-3 text-right font-medium">Consumption</th>
                <th className="py-2 font-medium">State</th>
              </tr>
            </thead>
            <tbody className="max-sm:flex max-sm:flex-col max-sm:gap-2">
              {rows.map((r) => (
                <tr
                  key={r.id}
                  className="border-line border-t max-sm:grid max-sm:grid-cols-2 max-sm:gap-x-3 max-sm:gap-y-1 max-sm:rounded-xl max-sm:border max-sm:p-3"
                >
                  <td className="py-2 pr-3 whitespace-nowrap max-sm:col-span-2 max-sm:p-0 max-sm:font-medium">
                    {formatDateTime(r.readingAt)}
                  </td>
                  <td
                    className="py-2 pr-3 text-right tabular-nums max-sm:p-0 max-sm:text-left max-sm:before:block max-sm:before:text-xs max-sm:before:text-[var(--fg-muted)] max-sm:before:content-['Production']"
                  >
                    {r.productionWh.toLocaleString("en-US")} Wh
                  </td>
                  <td
                    className="py-2 pr-3 text-right tabular-nums max-sm:p-0 max-sm:text-left max-sm:before:block max-sm:before:text-xs max-sm:before:text-[var(--fg-muted)] max-sm:before:content-['Consumption']"
                  >
                    {r.consumptionWh.toLocaleString("en-US")} Wh
                  </td>
                  <td className="py-2 max-sm:col-span-2 max-sm:p-0">
                    <span
                      title={r.failureReason ?? r.txSignature ?? undefined}
                      className={`rounded-full px-2 py-0.5 text-xs font-medium ${READING_STATE_STYLE[r.state] ?? ""}`}
                    >
                      {r.state}
                      {r.minted ? " · minted" : ""}
                    </span>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
          {readings.hasNextPage ? (
            <Button
              className="mt-3"
              variant="secondary"
              size="sm"
              busy={readings.isFetchingNextPage}
              onClick={() => void readings.fetchNextPage()}
            >
              Load older readings
            </Button>
          ) : null}
        </div>
      )}
    </Panel>
  );
}

export function MeterList() {
  const trpc = useTRPC();
  const mine = useQuery({ ...trpc.meters.mine.queryOptions(), refetchInterval: 10_000 });
  const [selected, setSelected] = useState<string | null>(null);
  const current = selected ?? mine.data?.[0]?.meterId ?? null;

  return (
    <>
      <Panel title="Your meters">
        {mine.isPending ? (
          <LoadingBlock label="Loading meters" />
        ) : mine.isError ? (
          <ErrorBlock error={mine.error} onRetry={() => void mine.refetch()} />
        ) : mine.data.length === 0 ? (
          <EmptyBlock>You have no meters yet. Register your smart meter&apos;s device key above.</EmptyBlock>
        ) : (
          <ul className="flex flex-col gap-3" data-testid="meter-list">
            {mine.data.map((m) => (
              <MeterCard key={m.meterId} meter={m} selected={m.meterId === current} onSelect={() => setSelected(m.meterId)} />
            ))}
          </ul>
        )}
      </Panel>
      {current ? <MeterReadings key={current} meterId={current} /> : null}
    </>
  );
}
