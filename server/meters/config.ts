/**
 * The meter gateway's limits. Defaults come from the environment (env.js); tests build their own.
 */
import { env } from "~/env.js";

export interface GatewayConfig {
  /** A reading may be at most this many seconds ahead of server time (Registry: ≤ 300). */
  maxFutureSecs: number;
  /** A reading older than this many seconds (against server time) is refused as stale. */
  maxAgeSecs: number;
  /** Most readings in one submit-batch request. */
  batchMax: number;
  /** Body cap of POST /api/meters/submit, bytes. */
  maxSubmitBytes: number;
  /** Body cap of POST /api/meters/submit-batch, bytes. */
  maxBatchBytes: number;
  /** How long a meter row read for early refusals stays in the process cache, ms. */
  meterCacheTtlMs: number;
  /** Most meter rows kept in that cache. */
  meterCacheMax: number;
}

/**
 * A valid reading is well under 1 KiB of JSON (hex signatures and \u-escaped ids included); the
 * caps leave room for whitespace and stop anyone making the server buffer megabytes.
 */
export const BYTES_PER_READING = 1_024;

export function gatewayConfigFromEnv(): GatewayConfig {
  return {
    maxFutureSecs: env.METER_MAX_FUTURE_SECS,
    maxAgeSecs: env.METER_MAX_AGE_SECS,
    batchMax: env.METER_BATCH_MAX,
    maxSubmitBytes: 8 * BYTES_PER_READING,
    maxBatchBytes: env.METER_BATCH_MAX * BYTES_PER_READING + 1_024,
    meterCacheTtlMs: env.METER_CACHE_TTL_MS,
    meterCacheMax: 100_000,
  };
}
