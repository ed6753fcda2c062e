/**
 * Test helpers for router tests: a real database (db/testing.ts), an auth config with a fixed
 * genesis hash and clock the test controls, real Ed25519 wallets (node:crypto), and callers
 * that carry cookies like a browser would. Nothing here fakes the database or the crypto.
 */
import crypto from "node:crypto";
import bs58 from "bs58";
import type { TestDb } from "~/db/testing";
import { SIWS_STATEMENT } from "~/lib/siws";
import type { AuthConfig } from "~/server/auth/config";
import type { EventBus } from "~/server/redis/event-bus";
import { fixedGenesisHash } from "~/server/auth/genesis-hash";
import { SESSION_COOKIE } from "~/server/auth/session-cookie";
import type { ChainContext } from "./chain-context";
import { createCaller } from "./root";
import { createTRPCContext } from "./trpc";

export const TEST_DOMAIN = "gridtokenx.test:3000";

export function randomBase58(bytes: number): string {
  return bs58.encode(crypto.randomBytes(bytes));
}

/** A clock the test can move. */
export class TestClock {
  constructor(private t = Date.now()) {}
  now = () => new Date(this.t);
  advance(ms: number) {
    this.t += ms;
  }
}

export function testAuthConfig(overrides: Partial<AuthConfig> = {}): AuthConfig {
  return {
    domain: TEST_DOMAIN,
    uri: `http://${TEST_DOMAIN}`,
    statement: SIWS_STATEMENT,
    chainId: "localnet",
    getGenesisHash: fixedGenesisHash(randomBase58(32)),
    adminWallets: new Set(),
    secret: crypto.randomBytes(32),
    sessionTtlSeconds: 3600,
    challengeTtlSeconds: 300,
    clockSkewSeconds: 60,
    secureCookie: false,
    now: () => new Date(),
    ...overrides,
  };
}

export interface TestWallet {
  publicKey: string;
  sign(message: string): string;
}

export function createWallet(): TestWallet {
  const { publicKey, privateKey } = crypto.generateKeyPairSync("ed25519");
  // The raw key is the last 32 bytes of the SPKI DER encoding.
  const raw = publicKey.export({ format: "der", type: "spki" }).subarray(-32);
  return {
    publicKey: bs58.encode(raw),
    sign: (message) => bs58.encode(crypto.sign(null, Buffer.from(message, "utf8"), privateKey)),
  };
}

/** A fresh client IP per call, so tests never share a rate-limit bucket. */
export function randomIp(): string {
  const b = crypto.randomBytes(3);
  return `10.${b[0]}.${b[1]}.${b[2]}`;
}

/**
 * A caller as one browser: it keeps the session cookie the server sets and sends it back, and
 * exposes the last response headers.
 */
export function createBrowser(
  testDb: TestDb,
  auth: AuthConfig,
  ip = randomIp(),
  options: { eventBus?: EventBus; chain?: ChainContext } = {},
) {
  let cookie: string | undefined;
  let lastResHeaders = new Headers();
  async function caller() {
    const headers = new Headers({ "x-forwarded-for": ip, "user-agent": "vitest" });
    if (cookie) headers.set("cookie", `${SESSION_COOKIE}=${cookie}`);
    lastResHeaders = new Headers();
    const ctx = await createTRPCContext({
      headers,
      resHeaders: lastResHeaders,
      database: testDb,
      auth,
      eventBus: options.eventBus,
      chain: options.chain,
    });
    return createCaller(ctx);
  }
  function absorbCookies() {
    for (const line of lastResHeaders.getSetCookie()) {
      const [pair] = line.split(";");
      const [name, ...value] = (pair ?? "").split("=");
      if (name === SESSION_COOKIE) cookie = value.join("=") || undefined;
    }
  }
  return {
    ip,
    /** Runs one call with the current cookie, then stores any cookie the server set. */
    async call<T>(fn: (c: Awaited<ReturnType<typeof caller>>) => Promise<T>): Promise<T> {
      const c = await caller();
      try {
        return await fn(c);
      } finally {
        absorbCookies();
      }
    },
    get cookie() {
      return cookie;
    },
    set cookie(v: string | undefined) {
      cookie = v;
    },
    get lastResHeaders() {
      return lastResHeaders;
    },
  };
}

/** challenge → sign → signIn, through the routers, as the UI does. */
export async function signInWith(
  browser: ReturnType<typeof createBrowser>,
  wallet: TestWallet,
  role?: "prosumer" | "consumer",
) {
  const challenge = await browser.call((c) => c.auth.challenge({ publicKey: wallet.publicKey }));
  return browser.call((c) =>
    c.auth.signIn({
      publicKey: wallet.publicKey,
      message: challenge.message,
      signature: wallet.sign(challenge.message),
      ...(role ? { role } : {}),
    }),
  );
}
