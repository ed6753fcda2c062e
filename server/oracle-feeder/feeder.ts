/**
 * The Oracle price feeder: publishes the configured reference retail and feed-in prices (THBC base
 * units per kWh) with the feeder key through programs/oracle/client.ts, so the Trading market's
 * reference price never goes stale (create_order refuses OracleStale once the price is older than
 * the market's max_oracle_age_secs, 900 s by default). One pass (`runOracleFeed`) reads the Oracle
 * account and the chain's Clock, and sends at most one update_price:
 *
 * - the price is fresh and a target moved more than `max_jump_bps` away: the published price steps
 *   toward the target by at most the jump limit (exact integers, as the program compares them), so
 *   a new target is reached over a few passes instead of being refused (PriceJumpTooLarge);
 * - the price is stale or was never set: the target itself (the Oracle accepts any in-range price);
 * - the last update is younger than `min_update_interval_secs`: nothing is sent (UpdateTooSoon).
 *
 * Targets outside the Oracle's [min_price, max_price] or with feed-in above retail are refused
 * before anything is sent, with the reason; so is a key that is not a listed feeder.
 */
import type { Keypair, PublicKey } from "@solana/web3.js";
import { SYSVAR_CLOCK_PUBKEY } from "@solana/web3.js";
import { oracleAddress, updatePriceInstruction } from "~/programs/oracle/client";
import type { ChainPrograms } from "~/server/solana/connection";
import { sendSigned } from "~/server/solana/registry-actions";

/** Target prices, THBC base units (6 decimals) per kWh. */
export interface FeedTarget {
  retail: bigint;
  feedIn: bigint;
}

/** What the Oracle account holds that a pass needs. */
export interface OracleSnapshot {
  retail: bigint;
  feedIn: bigint;
  updatedAt: bigint;
  updateCount: bigint;
  minPrice: bigint;
  maxPrice: bigint;
  maxStalenessSecs: bigint;
  minUpdateIntervalSecs: bigint;
  maxJumpBps: bigint;
}

/** A configuration problem (bad target, key not a feeder): retrying will not help. */
export class OracleFeedConfigError extends Error {
  override name = "OracleFeedConfigError";
}

/** Checks a target against the Oracle's rules 2–4 (zero, range, feed-in ≤ retail). */
export function checkTarget(target: FeedTarget, limits: Pick<OracleSnapshot, "minPrice" | "maxPrice">): void {
  const thb = (v: bigint) => `${Number(v) / 1e6} THB/kWh`;
  if (target.retail <= 0n || target.feedIn <= 0n) throw new OracleFeedConfigError("the feeder's prices must be greater than 0");
  for (const [label, v] of [
    ["retail", target.retail],
    ["feed-in", target.feedIn],
  ] as const) {
    if (v < limits.minPrice || v > limits.maxPrice)
      throw new OracleFeedConfigError(
        `the ${label} price ${thb(v)} is outside the Oracle's range ${thb(limits.minPrice)} – ${thb(limits.maxPrice)}`,
      );
  }
  if (target.feedIn > target.retail)
    throw new OracleFeedConfigError(`the feed-in price ${thb(target.feedIn)} is above the retail price ${thb(target.retail)}`);
}

/** One price's step from `old` toward `target`, at most old × maxJumpBps / 10,000 (floor). */
export function stepToward(old: bigint, target: bigint, maxJumpBps: bigint): bigint {
  const limit = (old * maxJumpBps) / 10_000n;
  if (target > old) return target - old <= limit ? target : old + limit;
  return old - target <= limit ? target : old - limit;
}

/** Is the stored price fresh at `now` (the Oracle's rule: age ≤ max_staleness_secs; a clock behind counts as age 0). */
export function isFresh(s: Pick<OracleSnapshot, "updatedAt" | "updateCount" | "maxStalenessSecs">, now: bigint): boolean {
  if (s.updateCount === 0n) return false;
  const age = now > s.updatedAt ? now - s.updatedAt : 0n;
  return age <= s.maxStalenessSecs;
}

/**
 * The price this pass publishes: the target when the stored price is stale or unset, else each
 * price stepped toward its target within the jump limit. From a valid stored price (feed-in ≤
 * retail) toward a valid target the steps cannot cross (each bound is proportional to its own
 * price); the clamp is a guard only.
 */
export function nextPrice(s: OracleSnapshot, target: FeedTarget, now: bigint): FeedTarget {
  if (!isFresh(s, now)) return { ...target };
  const retail = stepToward(s.retail, target.retail, s.maxJumpBps);
  let feedIn = stepToward(s.feedIn, target.feedIn, s.maxJumpBps);
  if (feedIn > retail) feedIn = retail;
  return { retail, feedIn };
}

export type FeedOutcome =
  | { kind: "published"; retail: bigint; feedIn: bigint; reachedTarget: boolean; reanchored: boolean; signature: string }
  | { kind: "too-soon"; retryInSecs: number };

/** Reads the chain's Clock sysvar unix_timestamp (the time the Oracle itself compares against). */
export async function chainUnixTime(programs: ChainPrograms): Promise<bigint> {
  const info = await programs.oracle.provider.connection.getAccountInfo(SYSVAR_CLOCK_PUBKEY, "confirmed");
  if (!info || info.data.length < 40) throw new Error("the chain did not return its Clock sysvar");
  // Clock: slot u64, epoch_start_timestamp i64, epoch u64, leader_schedule_epoch u64, unix_timestamp i64.
  return Buffer.from(info.data).readBigInt64LE(32);
}

export async function readOracle(programs: ChainPrograms): Promise<OracleSnapshot & { feeders: PublicKey[] }> {
  const o = await programs.oracle.account.oracle.fetchNullable(oracleAddress(), "confirmed");
  if (!o) throw new OracleFeedConfigError("the Oracle is not initialised on this chain (run npm run chain:bootstrap)");
  const big = (v: { toString(): string } | number) => BigInt(v.toString());
  return {
    retail: big(o.retailPrice),
    feedIn: big(o.feedInPrice),
    updatedAt: big(o.updatedAt),
    updateCount: big(o.updateCount),
    minPrice: big(o.limits.minPrice),
    maxPrice: big(o.limits.maxPrice),
    maxStalenessSecs: big(o.limits.maxStalenessSecs),
    minUpdateIntervalSecs: big(o.limits.minUpdateIntervalSecs),
    maxJumpBps: big(o.limits.maxJumpBps),
    feeders: o.feeders.slice(0, o.feederCount),
  };
}

/**
 * One feeder pass. `feeder` signs update_price; the programs' provider wallet (the operator) pays
 * the fee (when the feeder is the operator, it is the one signer).
 */
export async function runOracleFeed(params: {
  programs: ChainPrograms;
  feeder: Keypair;
  target: FeedTarget;
}): Promise<FeedOutcome> {
  const { programs, feeder, target } = params;
  const s = await readOracle(programs);
  checkTarget(target, s);
  if (!s.feeders.some((f) => f.equals(feeder.publicKey)))
    throw new OracleFeedConfigError(`${feeder.publicKey.toBase58()} is not one of the Oracle's feeders (add_feeder first)`);
  const now = await chainUnixTime(programs);
  if (s.updateCount > 0n && s.minUpdateIntervalSecs > 0n && now - s.updatedAt < s.minUpdateIntervalSecs)
    return { kind: "too-soon", retryInSecs: Number(s.minUpdateIntervalSecs - (now - s.updatedAt)) };
  const reanchored = !isFresh(s, now);
  const next = nextPrice(s, target, now);
  const ix = await updatePriceInstruction(programs.oracle, { feeder: feeder.publicKey, retail: next.retail, feedIn: next.feedIn });
  const payer = programs.oracle.provider.publicKey;
  const signature = await sendSigned(programs, ix, payer?.equals(feeder.publicKey) ? [] : [feeder]);
  return {
    kind: "published",
    retail: next.retail,
    feedIn: next.feedIn,
    reachedTarget: next.retail === target.retail && next.feedIn === target.feedIn,
    reanchored,
    signature,
  };
}

/** "4.20" (THB per kWh, at most 6 decimals) → 4_200_000n THBC base units. */
export function parseThbPerKwh(text: string): bigint {
  const m = /^\s*(\d{1,9})(?:\.(\d{1,6}))?\s*$/.exec(text);
  if (!m) throw new OracleFeedConfigError(`"${text}" is not a price in THB/kWh with at most 6 decimals`);
  return BigInt(m[1]!) * 1_000_000n + BigInt((m[2] ?? "").padEnd(6, "0"));
}
