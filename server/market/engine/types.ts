/** The engine's public shapes. Every amount, price and time is a bigint (the chain's u64 / i64). */

export type Side = "buy" | "sell";

/** An open order as the chain holds it (the part matching needs). */
export interface OrderInput {
  /** The order's PDA, base58: the key of everything. */
  readonly id: string;
  readonly side: Side;
  /** The owner's wallet, base58: two orders of one owner never fill each other (SelfTrade). */
  readonly owner: string;
  /** THBC base units per kWh, > 0, a multiple of the tick size. */
  readonly limitPrice: bigint;
  /** What is left to fill: amount_wh − filled_wh, > 0. */
  readonly remainingWh: bigint;
  /** The order's `created_at` (unix seconds): time priority, and the chain's maker rule. */
  readonly createdAt: bigint;
  /**
   * Tiebreak between orders of the same `createdAt`, a u64 the caller derives from the chain so
   * every rebuild gives the same number — the matcher passes the slot of the create_order
   * transaction. Default 0; equal sequences fall back to the id (base58 string order).
   */
  readonly seq?: bigint;
  /** The order's `expires_at` (unix seconds): it can fill while now < expiresAt. */
  readonly expiresAt: bigint;
  /** A sell backed by a Governance certificate (the Order account's `certificate` is set). Sells only; default false. */
  readonly green?: boolean;
  /** A buy that fills only against green sells (the chain refuses others: GreenOnlyBuy). Buys only; default false. */
  readonly greenOnly?: boolean;
}

/** An order in the book (what `get` and `orders` return): the input with `seq` filled in. */
export interface OrderView {
  readonly id: string;
  readonly side: Side;
  readonly owner: string;
  readonly limitPrice: bigint;
  readonly remainingWh: bigint;
  readonly createdAt: bigint;
  readonly seq: bigint;
  readonly expiresAt: bigint;
  readonly green: boolean;
  readonly greenOnly: boolean;
}

/** One fill `match_orders` would accept: the buy, the sell, the amount, and what it costs. */
export interface ProposedFill {
  readonly buyId: string;
  readonly sellId: string;
  readonly buyOwner: string;
  readonly sellOwner: string;
  readonly amountWh: bigint;
  /** The maker's limit price. */
  readonly price: bigint;
  /** floor(amountWh × price / 1000) > 0: what the buyer pays. */
  readonly cost: bigint;
  /** floor(cost × feeBps / 10,000): what the seller owes (0 when the engine has no fee). */
  readonly fee: bigint;
  /** Which order is the maker (the one created first; a tie goes to the sell). */
  readonly maker: Side;
  readonly makerId: string;
  /** The sell is green: the fill hands the certificate volume to the buyer (the matcher passes the certificate). */
  readonly green: boolean;
}

export interface ProposeOptions {
  /** At most this many fills (the chain takes 16 per match_orders transaction). */
  readonly maxFills: number;
  /** The chain's clock (unix seconds): orders with expiresAt ≤ now are not proposed. */
  readonly now: bigint;
}

/** One price level of one side. */
export interface LevelView {
  readonly price: bigint;
  readonly totalWh: bigint;
  readonly orderCount: number;
  /** totalWh of this level and every better one on its side. */
  readonly cumulativeWh: bigint;
}

export interface BookSnapshot {
  readonly tickSize: bigint;
  /** Best first (highest price). */
  readonly bids: readonly LevelView[];
  /** Best first (lowest price). */
  readonly asks: readonly LevelView[];
  readonly bestBid: bigint | null;
  readonly bestAsk: bigint | null;
  readonly orderCount: number;
  /** `MatchingEngine.hash()` of the whole book (not only the levels shown). */
  readonly hash: string;
}

export interface EngineOptions {
  /** Prices must be multiples of it; default 1 (every price). */
  readonly tickSize?: bigint;
  /** The market's fee_bps, for `ProposedFill.fee`; default 0. */
  readonly feeBps?: bigint;
}
