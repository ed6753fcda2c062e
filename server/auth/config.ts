/**
 * Everything sign-in depends on, gathered in one object so tests can vary it (domain, cluster,
 * admin wallets, clock) without touching process.env. The app uses `authConfigFromEnv()`.
 */
import { env } from "~/env.js";
import { SIWS_STATEMENT } from "~/lib/siws";
import { fixedGenesisHash, rpcGenesisHash, type GenesisHashSource } from "./genesis-hash";

/** The dev default in env.js; refused when NODE_ENV=production. */
const DEV_AUTH_SECRET = "gridtokenx-dev-secret-change-me-in-production-0000";

export interface AuthConfig {
  /** host[:port] the message must name (APP_DOMAIN). */
  domain: string;
  /** http(s)://domain: https in production. */
  uri: string;
  statement: string;
  /** Cluster name written as "Chain ID" (NEXT_PUBLIC_SOLANA_CLUSTER). */
  chainId: string;
  getGenesisHash: GenesisHashSource;
  adminWallets: ReadonlySet<string>;
  /** HS256 key for the session JWT. */
  secret: Uint8Array;
  sessionTtlSeconds: number;
  /** How long a challenge (nonce and message) stays valid. */
  challengeTtlSeconds: number;
  /** Tolerated clock difference for "Issued At" in the future. */
  clockSkewSeconds: number;
  secureCookie: boolean;
  now: () => Date;
}

export function authConfigFromEnv(): AuthConfig {
  const production = env.NODE_ENV === "production";
  if (production && env.AUTH_SECRET === DEV_AUTH_SECRET) {
    throw new Error("AUTH_SECRET is the development default; set a real secret in production");
  }
  return {
    domain: env.APP_DOMAIN,
    uri: `${production ? "https" : "http"}://${env.APP_DOMAIN}`,
    statement: SIWS_STATEMENT,
    chainId: env.NEXT_PUBLIC_SOLANA_CLUSTER,
    getGenesisHash: env.SOLANA_GENESIS_HASH
      ? fixedGenesisHash(env.SOLANA_GENESIS_HASH)
      : rpcGenesisHash(env.SOLANA_RPC_URL),
    adminWallets: new Set(env.ADMIN_WALLETS),
    secret: new TextEncoder().encode(env.AUTH_SECRET),
    sessionTtlSeconds: env.SESSION_TTL_SECONDS,
    challengeTtlSeconds: 300,
    clockSkewSeconds: 60,
    secureCookie: production,
    now: () => new Date(),
  };
}

let fromEnv: AuthConfig | undefined;
/** The process-wide config (built once: it holds the genesis-hash cache). */
export function getAuthConfig(): AuthConfig {
  fromEnv ??= authConfigFromEnv();
  return fromEnv;
}
