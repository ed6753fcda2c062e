"use client";

import { useId, useMemo } from "react";
import { Bar, BarChart, CartesianGrid, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";
import {
  bucketLabel,
  bucketTitle,
  chartData,
  energyScale,
  energyUnitFor,
  formatEnergyIn,
  formatNetEnergy,
  type Bucket,
  type EnergyPoint,
} from "./energy-scale";

export type { EnergyPoint } from "./energy-scale";

const SERIES = [
  { key: "production", name: "Production", color: "var(--energy)" },
  { key: "consumption", name: "Consumption", color: "var(--accent)" },
] as const;

const TICK = { fontSize: 11, fill: "var(--fg-muted)" };

/**
 * Production vs consumption per hour or day over the window (every bucket shown, empty ones as
 * gaps), with the totals and the net surplus above it. One unit per axis, picked from the largest
 * bar; the legend lists the bars in their order. No animation: the data refreshes live, and a
 * chart that re-animates (or waits for an animation frame) on every refetch is one that can be
 * caught blank.
 */
export function EnergyChart({
  data,
  bucket,
  asOf,
  windowLabel,
}: {
  data: readonly EnergyPoint[];
  bucket: Bucket;
  /** When the data was read (ms since the epoch, e.g. the query's dataUpdatedAt): the window ends in its bucket. */
  asOf: number;
  /** "48 h", "30 days": what the totals cover. */
  windowLabel: string;
}) {
  const summaryId = useId();
  // Stable across re-renders that don't change the data: recharts sees the same rows.
  const chart = useMemo(() => chartData(data, bucket, new Date(asOf)), [data, bucket, asOf]);
  const scale = useMemo(() => energyScale(chart.maxWh), [chart.maxWh]);
  const totalsUnit = energyUnitFor(
    Math.max(Number(chart.productionWh), Number(chart.consumptionWh)),
  );
  const totals = {
    production: formatEnergyIn(chart.productionWh, totalsUnit),
    consumption: formatEnergyIn(chart.consumptionWh, totalsUnit),
  };
  const net = formatNetEnergy(chart.netWh, totalsUnit);
  const netLabel = chart.netWh >= 0n ? "Net surplus" : "Net deficit";

  return (
    <div className="flex min-w-0 flex-col gap-3" data-testid="energy-chart">
      <dl className="flex flex-wrap items-baseline gap-x-5 gap-y-1 text-sm" aria-label={`Totals, last ${windowLabel}`}>
        {SERIES.map((s) => (
          <div key={s.key} className="flex items-baseline gap-1.5">
            <dt className="text-fg-muted flex items-center gap-1.5">
              <span aria-hidden="true" className="inline-block size-2.5 rounded-sm" style={{ background: s.color }} />
              {s.name}
            </dt>
            <dd className="font-medium tabular-nums">{totals[s.key]}</dd>
          </div>
        ))}
        <div className="flex items-baseline gap-1.5">
          <dt className="text-fg-muted">
            {netLabel} · {windowLabel}
          </dt>
          <dd
            className={`font-semibold tabular-nums ${chart.netWh > 0n ? "text-energy" : chart.netWh < 0n ? "text-danger" : ""}`}
            data-testid="net-surplus"
          >
            {net}
          </dd>
        </div>
      </dl>
      <p id={summaryId} className="sr-only">
        Last {windowLabel}: production {totals.production}, consumption {totals.consumption},{" "}
        {netLabel.toLowerCase()} {net}. Axis in {scale.unit}.
      </p>
      <div
        className="h-64 w-full"
        role="img"
        aria-label="Production and consumption chart"
        aria-describedby={summaryId}
      >
        <ResponsiveContainer width="100%" height="100%">
          <BarChart data={chart.rows} margin={{ top: 8, right: 28, left: 0, bottom: 0 }} barGap={1}>
            <CartesianGrid strokeDasharray="3 3" stroke="var(--line)" vertical={false} />
            <XAxis
              dataKey="t"
              tick={TICK}
              tickFormatter={(t: number) => bucketLabel(t, bucket)}
              interval="preserveStartEnd"
              minTickGap={24}
              tickLine={false}
            />
            <YAxis
              tick={TICK}
              ticks={scale.ticks}
              domain={[0, scale.top]}
              allowDataOverflow={false}
              tickFormatter={scale.format}
              width={scale.labelWidth(TICK.fontSize)}
              tickLine={false}
              axisLine={false}
            />
            <Tooltip
              cursor={{ fill: "var(--surface-muted)" }}
              labelFormatter={(t) => bucketTitle(Number(t), bucket)}
              formatter={(v) => formatEnergyIn(BigInt(Math.round(Number(v))), scale.unit)}
              contentStyle={{
                background: "var(--surface)",
                border: "1px solid var(--line)",
                borderRadius: 8,
                fontSize: 12,
              }}
            />
            {SERIES.map((s) => (
              <Bar
                key={s.key}
                dataKey={s.key}
                name={s.name}
                fill={s.color}
                radius={[3, 3, 0, 0]}
                isAnimationActive={false}
              />
            ))}
          </BarChart>
        </ResponsiveContainer>
      </div>
    </div>
  );
}
