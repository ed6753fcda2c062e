/**
 * Display of the project's units: energy in Wh (GRID base units, 3 decimals: 1 GRID = 1 kWh),
 * THBC base units (6 decimals), prices in THBC base units per kWh. Exact: bigint → decimal text
 * without going through floating point.
 */
export function formatUnits(value: bigint, decimals: number, shown = decimals): string {
  const negative = value < 0n;
  const abs = negative ? -value : value;
  const base = 10n ** BigInt(decimals);
  const whole = abs / base;
  let frac = (abs % base).toString().padStart(decimals, "0").slice(0, shown);
  frac = frac.replace(/0+$/, "");
  const wholeText = whole.toLocaleString("en-US");
  return `${negative ? "-" : ""}${wholeText}${frac ? `.${frac}` : ""}`;
}

/** Wh → "1.234 kWh" (exact). */
export const formatKwh = (wh: bigint) => `${formatUnits(wh, 3)} kWh`;
/** GRID base units (= Wh) → "1.234 GRID" (exact). */
export const formatGrid = (baseUnits: bigint) => `${formatUnits(baseUnits, 3)} GRID`;
/** THBC base units → "12.5 THBC". */
export const formatThbc = (baseUnits: bigint) => `${formatUnits(baseUnits, 6, 2)} THBC`;
/** THBC base units per kWh → "4.2 THB/kWh". */
export const formatPricePerKwh = (baseUnits: bigint) => `${formatUnits(baseUnits, 6, 4)} THB/kWh`;
/** Lamports → "1.5 SOL". */
export const formatSol = (lamports: bigint) => `${formatUnits(lamports, 9, 4)} SOL`;

/** The energy behind a GRID amount, for a title/tooltip: "0.4 kWh of measured surplus". */
export const gridEnergyTitle = (baseUnits: bigint) => `${formatKwh(baseUnits)} of measured surplus (1 GRID = 1 kWh)`;

/** "20:03:15": a time of day, for "updated at" lines. */
export function formatTime(d: Date): string {
  return d.toLocaleTimeString("en-GB", { hour: "2-digit", minute: "2-digit", second: "2-digit", hourCycle: "h23" });
}

export function formatDateTime(d: Date): string {
  return d.toLocaleString("en-GB", { dateStyle: "medium", timeStyle: "short" });
}

export const METER_STATUS_STYLE: Record<string, string> = {
  pending: "bg-amber-500/15 text-amber-700 dark:text-amber-300",
  active: "bg-emerald-500/15 text-emerald-700 dark:text-emerald-300",
  suspended: "bg-danger/15 text-danger",
};

export const READING_STATE_STYLE: Record<string, string> = {
  pending: "bg-surface-muted text-fg-muted",
  submitted: "bg-sky-500/15 text-sky-700 dark:text-sky-300",
  confirmed: "bg-emerald-500/15 text-emerald-700 dark:text-emerald-300",
  covered: "bg-surface-muted text-fg-muted",
  failed: "bg-danger/15 text-danger",
};
