"use client";

import { Bar, BarChart, CartesianGrid, Legend, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";
import { formatWhShort } from "./units";

export interface EnergyPoint {
  at: Date;
  productionWh: bigint;
  consumptionWh: bigint;
}

/** Production vs consumption per hour or day (bars; Wh on the axis, kWh above 1000). */
export function EnergyChart({ data, bucket }: { data: EnergyPoint[]; bucket: "hour" | "day" }) {
  const rows = data.map((d) => ({
    label:
      bucket === "hour"
        ? d.at.toLocaleString("en-GB", { day: "2-digit", hour: "2-digit", minute: "2-digit" })
        : d.at.toLocaleDateString("en-GB", { day: "2-digit", month: "short" }),
    production: Number(d.productionWh),
    consumption: Number(d.consumptionWh),
  }));
  return (
    <div className="h-64 w-full" role="img" aria-label="Production and consumption chart">
      <ResponsiveContainer width="100%" height="100%">
        <BarChart data={rows} margin={{ top: 8, right: 8, left: 0, bottom: 0 }}>
          <CartesianGrid strokeDasharray="3 3" stroke="var(--line)" vertical={false} />
          <XAxis dataKey="label" tick={{ fontSize: 11, fill: "var(--fg-muted)" }} minTickGap={16} />
          <YAxis
            tick={{ fontSize: 11, fill: "var(--fg-muted)" }}
            tickFormatter={(v: number) => formatWhShort(v)}
            width={64}
          />
          <Tooltip
            formatter={(v) => formatWhShort(Number(v))}
            contentStyle={{ background: "var(--surface)", border: "1px solid var(--line)", borderRadius: 8, fontSize: 12 }}
          />
          <Legend wrapperStyle={{ fontSize: 12 }} />
          <Bar dataKey="production" name="Production" fill="var(--energy)" radius={[3, 3, 0, 0]} />
          <Bar dataKey="consumption" name="Consumption" fill="var(--accent)" radius={[3, 3, 0, 0]} />
        </BarChart>
      </ResponsiveContainer>
    </div>
  );
}
