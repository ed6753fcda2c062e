// @ts-check
/**
 * The app's environment, validated with zod when Next builds and when it starts
 * (next.config.mjs imports this file). Every variable has a default that runs the whole
 * product on one machine; README.md lists them all.
 * @see https://env.t3.gg/docs/nextjs
 */
import { createEnv } from "@t3-oss/env-nextjs";
import { z } from "zod";

const commaList = z
  .string()
  .default("")
  .transform((s) =>
    s
      .split(",")
      .map((x) => x.trim())
      .filter(Boolean),
  );

export const env = createEnv({
  server: {
    NODE_ENV: z.enum(["development", "test", "production"]).default("development"),
    /** Unset: embedded PGlite in PGLITE_DIR. Set: PostgreSQL through the `postgres` driver. */
    DATABASE_URL: z.url().optional(),
    PGLITE_DIR: z.string().default(".data/pglite"),
    /** Upstash REST endpoint; locally our own shim (scripts/redis-rest.ts) in front of REDIS_URL. */
    UPSTASH_REDIS_REST_URL: z.url().default("http://127.0.0.1:8079"),
    UPSTASH_REDIS_REST_TOKEN: z.string().min(1).default("gridtokenx-local-token"),
    /** The Redis server the local REST shim talks to. */
    REDIS_URL: z.string().default("redis://127.0.0.1:6379"),
    REDIS_REST_PORT: z.coerce.number().int().min(1).max(65535).default(8079),
    /** Server-side RPC (the indexer, the poller, sign-in's genesis hash). */
    SOLANA_RPC_URL: z.url().default("http://127.0.0.1:8899"),
    /** Optional: skip asking the RPC for the genesis hash (useful when the cluster is fixed). */
    SOLANA_GENESIS_HASH: z.string().min(32).max(44).optional(),
    /** HMAC key for session JWTs. The dev default is fine locally and refused in production. */
    AUTH_SECRET: z.string().min(32).default("gridtokenx-dev-secret-change-me-in-production-0000"),
    SESSION_TTL_SECONDS: z.coerce.number().int().min(60).max(86_400).default(3_600),
    /** Wallets (base58) that sign in with the admin role. */
    ADMIN_WALLETS: commaList,
    /** Bearer secret guarding /api/cron/* routes. */
    CRON_SECRET: z.string().min(16).default("gridtokenx-local-cron-secret"),
    /** Operator key (pays the poller's fees; Registry/Oracle authority locally). Created only on a local chain. */
    OPERATOR_KEYPAIR_PATH: z.string().default(".data/operator-keypair.json"),
    /** THB bridge attestor key (signs deposit and release proofs); never the operator key. Created only on a local chain. */
    BRIDGE_ATTESTOR_KEYPAIR_PATH: z.string().min(1).default(".data/bridge-attestor-keypair.json"),
    /** The THB-chain account users send THB to (shown on the Wallet page): the address of BRIDGE_THB_KEYPAIR_PATH (npm run dev and the e2e server set it; the bridge service refuses another). */
    BRIDGE_THB_DEPOSIT_ADDRESS: z.string().min(1).max(128).optional(),
    /** The THB chain's HTTP API (the simulator, `npm run thb-chain`). Unset: no THB chain (the bridge service and the local THB tools are off); `npm run dev` sets it. */
    THB_CHAIN_URL: z.url().optional(),
    /** The bridge's own THB-chain account key (receives deposits, pays withdrawals). Created when missing. */
    BRIDGE_THB_KEYPAIR_PATH: z.string().min(1).default(".data/bridge-thb-keypair.json"),
    /** THB confirmations the attestor waits for before it signs a deposit (never fewer than the THB chain's own). */
    BRIDGE_CONFIRMATIONS: z.coerce.number().int().min(1).max(1_000).optional(),
    /** Dev runner: bridge service interval (0 disables the timer). */
    BRIDGE_INTERVAL_MS: z.coerce.number().int().min(0).max(3_600_000).default(500),
    /** Admin queue: an open bridge row not changed for this many minutes is flagged stuck. */
    BRIDGE_STUCK_MINUTES: z.coerce.number().int().min(1).max(10_080).default(5),
    /** Failed attempts before a bridge row stops being retried (state failed; an admin retry resets it). */
    BRIDGE_MAX_ATTEMPTS: z.coerce.number().int().min(1).max(1_000).default(20),
    /** Oracle feeder (/api/cron/oracle): the reference retail price it publishes, THB/kWh (at most 6 decimals). */
    ORACLE_FEED_RETAIL_PRICE: z
      .string()
      .regex(/^\d{1,9}(\.\d{1,6})?$/, "a price in THB/kWh with at most 6 decimals, e.g. 4.20")
      .default("4.20"),
    /** Oracle feeder: the reference feed-in price it publishes, THB/kWh (≤ the retail price). */
    ORACLE_FEED_FEED_IN_PRICE: z
      .string()
      .regex(/^\d{1,9}(\.\d{1,6})?$/, "a price in THB/kWh with at most 6 decimals, e.g. 2.20")
      .default("2.20"),
    /** Oracle feeder's key (a listed feeder). Unset: the operator key (bootstrap makes it a feeder). */
    ORACLE_FEEDER_KEYPAIR_PATH: z.string().min(1).optional(),
    /** Dev runner and e2e server: oracle feeder interval (0 disables the timer); well under the Oracle's 900 s staleness. */
    ORACLE_FEED_INTERVAL_MS: z.coerce.number().int().min(0).max(3_600_000).default(60_000),
    /** Dev runner: mint poller interval (0 disables the timer). */
    MINT_POLLER_INTERVAL_MS: z.coerce.number().int().min(0).max(3_600_000).default(1_000),
    /** How often `npm run dev` triggers the matcher (/api/cron/match); 0 turns the timer off. */
    MATCHER_INTERVAL_MS: z.coerce.number().int().min(0).max(3_600_000).default(1_000),
    /** Start the chain indexer when the server starts (else on the first cron call). */
    INDEXER_AUTOSTART: z
      .enum(["true", "false", "1", "0"])
      .default("true")
      .transform((v) => v === "true" || v === "1"),
    /** The domain sign-in messages must name (host[:port]). */
    APP_DOMAIN: z.string().min(1).default("localhost:3000"),
    /** Meter gateway: how far ahead of server time a reading may be (≤ the Registry's 300 s). */
    METER_MAX_FUTURE_SECS: z.coerce.number().int().min(0).max(300).default(300),
    /** Meter gateway: readings older than this are refused (72 h covers a weekend outage). */
    METER_MAX_AGE_SECS: z.coerce.number().int().min(60).max(31_536_000).default(259_200),
    /** Meter gateway: most readings in one submit-batch request. */
    METER_BATCH_MAX: z.coerce.number().int().min(1).max(5_000).default(1_000),
    /** Meter gateway: how long a meter row is cached in process for early refusals. */
    METER_CACHE_TTL_MS: z.coerce.number().int().min(0).max(60_000).default(5_000),
  },
  client: {
    /** RPC the browser's Connection talks to. */
    NEXT_PUBLIC_SOLANA_RPC_URL: z.url().default("http://127.0.0.1:8899"),
    NEXT_PUBLIC_SOLANA_WS_URL: z.url().optional(),
    /** localnet | devnet | mainnet-beta: labels the UI and picks wallet chains. */
    NEXT_PUBLIC_SOLANA_CLUSTER: z.enum(["localnet", "devnet", "mainnet-beta"]).default("localnet"),
  },
  runtimeEnv: {
    NODE_ENV: process.env.NODE_ENV,
    DATABASE_URL: process.env.DATABASE_URL,
    PGLITE_DIR: process.env.PGLITE_DIR,
    UPSTASH_REDIS_REST_URL: process.env.UPSTASH_REDIS_REST_URL,
    UPSTASH_REDIS_REST_TOKEN: process.env.UPSTASH_REDIS_REST_TOKEN,
    REDIS_URL: process.env.REDIS_URL,
    REDIS_REST_PORT: process.env.REDIS_REST_PORT,
    SOLANA_RPC_URL: process.env.SOLANA_RPC_URL,
    SOLANA_GENESIS_HASH: process.env.SOLANA_GENESIS_HASH,
    AUTH_SECRET: process.env.AUTH_SECRET,
    SESSION_TTL_SECONDS: process.env.SESSION_TTL_SECONDS,
    ADMIN_WALLETS: process.env.ADMIN_WALLETS,
    CRON_SECRET: process.env.CRON_SECRET,
    OPERATOR_KEYPAIR_PATH: process.env.OPERATOR_KEYPAIR_PATH,
    BRIDGE_ATTESTOR_KEYPAIR_PATH: process.env.BRIDGE_ATTESTOR_KEYPAIR_PATH,
    BRIDGE_THB_DEPOSIT_ADDRESS: process.env.BRIDGE_THB_DEPOSIT_ADDRESS,
    THB_CHAIN_URL: process.env.THB_CHAIN_URL,
    BRIDGE_THB_KEYPAIR_PATH: process.env.BRIDGE_THB_KEYPAIR_PATH,
    BRIDGE_CONFIRMATIONS: process.env.BRIDGE_CONFIRMATIONS,
    BRIDGE_INTERVAL_MS: process.env.BRIDGE_INTERVAL_MS,
    BRIDGE_STUCK_MINUTES: process.env.BRIDGE_STUCK_MINUTES,
    BRIDGE_MAX_ATTEMPTS: process.env.BRIDGE_MAX_ATTEMPTS,
    ORACLE_FEED_RETAIL_PRICE: process.env.ORACLE_FEED_RETAIL_PRICE,
    ORACLE_FEED_FEED_IN_PRICE: process.env.ORACLE_FEED_FEED_IN_PRICE,
    ORACLE_FEEDER_KEYPAIR_PATH: process.env.ORACLE_FEEDER_KEYPAIR_PATH,
    ORACLE_FEED_INTERVAL_MS: process.env.ORACLE_FEED_INTERVAL_MS,
    MINT_POLLER_INTERVAL_MS: process.env.MINT_POLLER_INTERVAL_MS,
    MATCHER_INTERVAL_MS: process.env.MATCHER_INTERVAL_MS,
    INDEXER_AUTOSTART: process.env.INDEXER_AUTOSTART,
    APP_DOMAIN: process.env.APP_DOMAIN,
    METER_MAX_FUTURE_SECS: process.env.METER_MAX_FUTURE_SECS,
    METER_MAX_AGE_SECS: process.env.METER_MAX_AGE_SECS,
    METER_BATCH_MAX: process.env.METER_BATCH_MAX,
    METER_CACHE_TTL_MS: process.env.METER_CACHE_TTL_MS,
    NEXT_PUBLIC_SOLANA_RPC_URL: process.env.NEXT_PUBLIC_SOLANA_RPC_URL,
    NEXT_PUBLIC_SOLANA_WS_URL: process.env.NEXT_PUBLIC_SOLANA_WS_URL,
    NEXT_PUBLIC_SOLANA_CLUSTER: process.env.NEXT_PUBLIC_SOLANA_CLUSTER,
  },
  skipValidation: !!process.env.SKIP_ENV_VALIDATION,
  emptyStringAsUndefined: true,
});
