/**
 * The data path of the production vs consumption charts, as pure functions (tested without a
 * browser): the window's buckets with the empty ones filled in, totals and net surplus, one
 * energy unit per axis picked from the data's maximum, readable time labels.
 */
import { formatUnits } from "./units";

export type Bucket = "hour" | "day";

export interface EnergyPoint {
  /** Start of the hour/day (UTC), as meters.stats returns it. */
  at: Date;
  productionWh: bigint;
  consumptionWh: bigint;
}

export interface ChartRow {
  /** Bucket start, ms since the epoch (the row's stable key). */
  t: number;
  production: number;
  consumption: number;
}

export interface ChartData {
  rows: ChartRow[];
  /** Totals over the window shown, exact. */
  productionWh: bigint;
  consumptionWh: bigint;
  /** production − consumption over the window: positive is surplus, negative a deficit. */
  netWh: bigint;
  /** The largest bar, Wh. */
  maxWh: number;
}

const STEP_MS: Record<Bucket, number> = { hour: 3_600_000, day: 86_400_000 };
/** Buckets in the window each resolution shows: the dashboard's "48 h" and "30 days". */
export const WINDOW_BUCKETS: Record<Bucket, number> = { hour: 48, day: 30 };

const floorTo = (ms: number, step: number) => Math.floor(ms / step) * step;

/**
 * The window's buckets, oldest first, ending with the current one: every hour (or day) appears,
 * with zeros where nothing was measured, so gaps look like gaps. A bucket older than the window
 * that the server still returned widens it rather than being dropped.
 */
export function chartData(
  points: readonly EnergyPoint[],
  bucket: Bucket,
  now: Date,
  windowBuckets = WINDOW_BUCKETS[bucket],
): ChartData {
  const step = STEP_MS[bucket];
  const byStart = new Map<number, { p: bigint; c: bigint }>();
  for (const point of points) {
    const t = floorTo(point.at.getTime(), step);
    const prev = byStart.get(t) ?? { p: 0n, c: 0n };
    byStart.set(t, { p: prev.p + point.productionWh, c: prev.c + point.consumptionWh });
  }
  const last = Math.max(floorTo(now.getTime(), step), ...byStart.keys());
  const first = Math.min(last - (windowBuckets - 1) * step, ...byStart.keys());
  const rows: ChartRow[] = [];
  let productionWh = 0n;
  let consumptionWh = 0n;
  let maxWh = 0;
  for (let t = first; t <= last; t += step) {
    const v = byStart.get(t) ?? { p: 0n, c: 0n };
    productionWh += v.p;
    consumptionWh += v.c;
    const production = Number(v.p);
    const consumption = Number(v.c);
    maxWh = Math.max(maxWh, production, consumption);
    rows.push({ t, production, consumption });
  }
  return { rows, productionWh, consumptionWh, netWh: productionWh - consumptionWh, maxWh };
}

export type EnergyUnit = "Wh" | "kWh" | "MWh";
const UNIT_FACTOR: Record<EnergyUnit, number> = { Wh: 1, kWh: 1_000, MWh: 1_000_000 };

/** The unit a quantity of this size reads best in: Wh below 1 kWh, kWh below 1 MWh. */
export function energyUnitFor(maxWh: number): EnergyUnit {
  const m = Math.abs(maxWh);
  return m >= 1_000_000 ? "MWh" : m >= 1_000 ? "kWh" : "Wh";
}

export interface EnergyScale {
  unit: EnergyUnit;
  /** Tick values in Wh, from 0 to the top of the axis. */
  ticks: number[];
  /** The top of the axis, Wh (the last tick). */
  top: number;
  /** Decimals every tick is written with (the same for all, so they line up). */
  decimals: number;
  /** A tick in the axis's unit: "0.5 kWh". */
  format: (wh: number) => string;
  /** Width in px the longest tick label needs at `fontSize`. */
  labelWidth: (fontSize: number) => number;
}

function niceStep(raw: number): number {
  const magnitude = 10 ** Math.floor(Math.log10(raw));
  const n = raw / magnitude;
  const nice = n <= 1 ? 1 : n <= 2 ? 2 : n <= 2.5 ? 2.5 : n <= 5 ? 5 : 10;
  return nice * magnitude;
}

function decimalsOf(x: number): number {
  const text = x.toFixed(6).replace(/0+$/, "");
  const dot = text.indexOf(".");
  return dot < 0 ? 0 : text.length - dot - 1;
}

/**
 * One axis, one unit: the unit comes from the largest value, and every tick is written in it
 * with the same decimals ("0.0 kWh, 0.5 kWh, 1.0 kWh", never "800 Wh" next to "1.6 kWh").
 */
export function energyScale(maxWh: number, tickCount = 4): EnergyScale {
  const unit = energyUnitFor(maxWh);
  const factor = UNIT_FACTOR[unit];
  const maxInUnit = Math.max(maxWh, 0) / factor;
  // Below one Wh there is nothing to divide: a 0–4 Wh axis for an empty or tiny window.
  let step = maxInUnit > 0 ? niceStep(maxInUnit / tickCount) : 1;
  if (unit === "Wh") step = Math.max(1, step);
  const steps = Math.max(1, Math.ceil(maxInUnit / step - 1e-9));
  const ticks: number[] = [];
  for (let i = 0; i <= Math.max(steps, maxInUnit > 0 ? 1 : tickCount); i++) {
    ticks.push(Math.round(i * step * factor * 1e6) / 1e6);
  }
  const decimals = decimalsOf(step);
  const number = new Intl.NumberFormat("en-US", {
    minimumFractionDigits: decimals,
    maximumFractionDigits: decimals,
  });
  const format = (wh: number) => `${number.format(wh / factor)} ${unit}`;
  const longest = Math.max(...ticks.map((t) => format(t).length));
  return {
    unit,
    ticks,
    top: ticks[ticks.length - 1] ?? 0,
    decimals,
    format,
    // Tabular digits are about 0.6 em wide; a little room for the tick mark.
    labelWidth: (fontSize) => Math.ceil(longest * fontSize * 0.6) + 10,
  };
}

/** An exact quantity in `unit`: "1.234 kWh", "850 Wh", "2.5 MWh" (3 decimals at most). */
export function formatEnergyIn(wh: bigint, unit: EnergyUnit): string {
  const text =
    unit === "Wh"
      ? formatUnits(wh, 0)
      : unit === "kWh"
        ? formatUnits(wh, 3)
        : formatUnits(wh, 6, 3);
  return `${text} ${unit}`;
}

/** A signed net figure: "+1.2 kWh" (surplus) or "−0.3 kWh" (deficit), in `unit`. */
export function formatNetEnergy(netWh: bigint, unit: EnergyUnit): string {
  if (netWh === 0n) return formatEnergyIn(0n, unit);
  return netWh > 0n ? `+${formatEnergyIn(netWh, unit)}` : `−${formatEnergyIn(-netWh, unit)}`;
}

/** An axis label: "Mon 20:00" per hour, "Mon 20 Nov" per day, in the viewer's time zone. */
export function bucketLabel(t: number, bucket: Bucket, timeZone?: string): string {
  const d = new Date(t);
  return bucket === "hour"
    ? d.toLocaleString("en-GB", {
        weekday: "short",
        hour: "2-digit",
        minute: "2-digit",
        hourCycle: "h23",
        timeZone,
      })
    : d.toLocaleDateString("en-GB", { weekday: "short", day: "numeric", month: "short", timeZone });
}

/** A tooltip heading: "Mon 20 Nov, 20:00–21:00" per hour, "Mon 20 Nov 2026" per day. */
export function bucketTitle(t: number, bucket: Bucket, timeZone?: string): string {
  const d = new Date(t);
  if (bucket === "day") {
    return `${bucketLabel(t, "day", timeZone)} ${d.toLocaleDateString("en-GB", { year: "numeric", timeZone })}`;
  }
  const time = (x: Date) =>
    x.toLocaleTimeString("en-GB", {
      hour: "2-digit",
      minute: "2-digit",
      hourCycle: "h23",
      timeZone,
    });
  const day = d.toLocaleDateString("en-GB", {
    weekday: "short",
    day: "numeric",
    month: "short",
    timeZone,
  });
  return `${day}, ${time(d)}–${time(new Date(t + STEP_MS.hour))}`;
}
