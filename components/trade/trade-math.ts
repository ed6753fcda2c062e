/**
 * The Trade page's numbers, exact (bigint, no floating point): kWh and THB/kWh text to base
 * units, what an order locks, costs and receives with the fee itemised (the Trading program's
 * rules: a buy locks ceil(Wh × price / 1000); a fill costs floor(Wh × price / 1000); the seller
 * pays floor(cost × fee_bps / 10,000)), the price band, and the CSV of a trade history.
 */
import { formatUnits } from "~/components/dashboard/units";

export type Side = "buy" | "sell";

const U64_MAX = (1n << 64n) - 1n;

/** "2.5" kWh → 2,500 Wh (at most 3 decimals: one Wh is GRID's base unit); null when not a number. */
export function parseKwh(text: string): bigint | null {
  const m = /^\s*(\d{1,12})(?:\.(\d{0,3}))?\s*$/.exec(text);
  if (!m) return null;
  const v = BigInt(m[1]!) * 1_000n + BigInt((m[2] ?? "").padEnd(3, "0") || "0");
  return v <= U64_MAX ? v : null;
}

/** "4.10" THB/kWh → 4,100,000 THBC base units per kWh (at most 6 decimals); null when not a number. */
export function parsePrice(text: string): bigint | null {
  const m = /^\s*(\d{1,9})(?:\.(\d{0,6}))?\s*$/.exec(text);
  if (!m) return null;
  return BigInt(m[1]!) * 1_000_000n + BigInt((m[2] ?? "").padEnd(6, "0") || "0");
}

/** Wh → "2.5" (kWh, exact). */
export const kwhText = (wh: bigint) => formatUnits(wh, 3);
/** THBC base units per kWh → "4.1" (exact, every decimal). */
export const priceText = (units: bigint) => formatUnits(units, 6);
/** THBC base units → "10.225" (exact, every significant decimal). */
export const thbcText = (units: bigint) => formatUnits(units, 6);

/** Plain decimals for an input or a CSV cell (no thousands separators). */
export function plainUnits(value: bigint, decimals: number): string {
  const negative = value < 0n;
  const abs = negative ? -value : value;
  const base = 10n ** BigInt(decimals);
  const frac = (abs % base).toString().padStart(decimals, "0").replace(/0+$/, "");
  return `${negative ? "-" : ""}${abs / base}${frac ? `.${frac}` : ""}`;
}

export const buyLock = (amountWh: bigint, price: bigint) => (amountWh * price + 999n) / 1000n;
export const fillCost = (amountWh: bigint, price: bigint) => (amountWh * price) / 1000n;
export const sellerFee = (cost: bigint, feeBps: number) => (cost * BigInt(feeBps)) / 10_000n;

/** The band around the reference price: ceil(ref × (1 − band)) … floor(ref × (1 + band)). */
export function priceBand(ref: bigint, bps: number): { lower: bigint; upper: bigint } {
  const b = BigInt(bps);
  return { lower: (ref * (10_000n - b) + 9_999n) / 10_000n, upper: (ref * (10_000n + b)) / 10_000n };
}

export interface OrderEstimate {
  side: Side;
  /** What create_order moves into the vault: Wh of GRID (a sell) or THBC base units (a buy). */
  lock: bigint;
  /** At the order's own limit: a buy pays at most this; a sell's gross proceeds. */
  cost: bigint;
  /** Paid by the seller out of its proceeds; 0 for a buy. */
  fee: bigint;
  /** A sell: cost − fee received at least; a buy: the most it pays (= lock). */
  net: bigint;
}

export function estimateOrder(side: Side, amountWh: bigint, price: bigint, feeBps: number): OrderEstimate {
  if (side === "buy") {
    const lock = buyLock(amountWh, price);
    return { side, lock, cost: lock, fee: 0n, net: lock };
  }
  const cost = fillCost(amountWh, price);
  const fee = sellerFee(cost, feeBps);
  return { side, lock: amountWh, cost, fee, net: cost - fee };
}

export interface MarketRules {
  minOrderWh: bigint;
  feeBps: number;
  band: { lower: bigint; upper: bigint } | null;
  paused: boolean;
  stale: boolean | null;
}

/** The first reason the order can't be placed, in one sentence, or null. Nothing is sent before it is null. */
export function orderProblem(p: {
  side: Side;
  amountText: string;
  priceText: string;
  rules: MarketRules | null;
  /** GRID Wh (a sell) or THBC base units (a buy) the wallet holds; null while unknown. */
  balance: bigint | null;
}): string | null {
  const amountWh = parseKwh(p.amountText);
  if (p.amountText.trim() === "") return "Enter an amount in kWh.";
  if (amountWh === null) return "The amount must be a number of kWh with at most 3 decimals (1 Wh).";
  if (amountWh === 0n) return "The amount must be more than 0 kWh.";
  const price = parsePrice(p.priceText);
  if (p.priceText.trim() === "") return "Enter a limit price in THB/kWh.";
  if (price === null) return "The price must be in THB/kWh with at most 6 decimals.";
  if (price === 0n) return "The price must be more than 0 THB/kWh.";
  const r = p.rules;
  if (!r) return "The market's rules are still loading.";
  if (r.paused) return "The market is paused: no new orders until the operator unpauses it.";
  if (!r.band) return "The Oracle has no reference price yet, so no price band: orders can't be placed.";
  if (r.stale) return "The Oracle's reference price is too old (the market would refuse it as OracleStale); wait for the next price.";
  if (amountWh < r.minOrderWh) return `The market's smallest order is ${kwhText(r.minOrderWh)} kWh.`;
  if (price < r.band.lower || price > r.band.upper)
    return `The price must lie in the band ${priceText(r.band.lower)} – ${priceText(r.band.upper)} THB/kWh.`;
  if (fillCost(amountWh, price) === 0n) return "The order is worth less than 0.000001 THBC.";
  const est = estimateOrder(p.side, amountWh, price, r.feeBps);
  if (p.balance === null) return "Your balance is still loading.";
  if (est.lock > p.balance)
    return p.side === "sell"
      ? `You hold ${kwhText(p.balance)} GRID: you can sell at most ${kwhText(p.balance)} kWh. Nothing was sent.`
      : `This buy locks ${thbcText(est.lock)} THBC and your wallet holds ${thbcText(p.balance)} THBC. Nothing was sent.`;
  return null;
}

export interface TradeCsvRow {
  filledAt: Date | null;
  side: Side;
  role: "maker" | "taker";
  amountWh: bigint;
  price: bigint;
  cost: bigint;
  fee: bigint;
  feePayer: string;
  gridWh: bigint;
  thbcNet: bigint;
  counterparty: string;
  signature: string;
}

const csvCell = (v: string) => (/[",\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v);

/** The trade history as CSV: exact decimals, the fee and who paid it in their own columns. */
export function tradesCsv(rows: readonly TradeCsvRow[], me: string): string {
  const header = [
    "time_utc",
    "side",
    "role",
    "amount_kwh",
    "price_thb_per_kwh",
    "cost_thbc",
    "fee_thbc",
    "fee_paid_by",
    "grid_change",
    "thbc_change",
    "counterparty",
    "signature",
  ];
  const lines = rows.map((r) =>
    [
      r.filledAt ? r.filledAt.toISOString() : "",
      r.side,
      r.role,
      plainUnits(r.amountWh, 3),
      plainUnits(r.price, 6),
      plainUnits(r.cost, 6),
      plainUnits(r.fee, 6),
      r.feePayer === me ? "me" : "counterparty",
      plainUnits(r.gridWh, 3),
      plainUnits(r.thbcNet, 6),
      r.counterparty,
      r.signature,
    ]
      .map(csvCell)
      .join(","),
  );
  return [header.join(","), ...lines].join("\n") + "\n";
}

export const STATUS_LABEL: Record<string, string> = {
  open: "Open",
  partial: "Partly filled",
  filled: "Filled",
  cancelled: "Cancelled",
  expired: "Expired",
  closed: "Closed",
};
