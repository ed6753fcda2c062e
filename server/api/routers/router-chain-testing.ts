/**
 * Router tests against a real local chain: a tRPC chain context (chain-context.ts) on the test's
 * chain and database, and browsers signed in with a Solana Keypair so the session wallet is the
 * key that signs on chain.
 */
import crypto from "node:crypto";
import { type Keypair } from "@solana/web3.js";
import bs58 from "bs58";
import { meterKeyPairFromSeed } from "~/lib/meter-reading";
import type { AuthConfig } from "~/server/auth/config";
import { createMatcher } from "~/server/market/matcher/matcher";
import { runMintPoller } from "~/server/poller/mint-poller";
import { envIndexer, type ChainEnv } from "~/server/poller/test-support";
import { createBrowser, signInWith, testAuthConfig, type TestWallet } from "../testing";
import type { ChainContext } from "../chain-context";

const contexts = new WeakMap<ChainEnv, ChainContext>();

/** The env's chain, its own (not started) indexer for applySignatures, and its poller. */
export function testChainContext(env: ChainEnv): ChainContext {
  let context = contexts.get(env);
  if (!context) {
    const indexer = envIndexer(env);
    const matcher = createMatcher({
      db: env.tdb.db,
      connection: env.chain.connection,
      programs: env.chain.programs,
      operator: env.chain.operator,
    });
    context = {
      connect: () => Promise.resolve(env.chain),
      indexer: () => Promise.resolve(indexer),
      runPoller: () =>
        runMintPoller({
          db: env.tdb.db,
          connection: env.chain.connection,
          operator: env.chain.operator,
          programs: env.chain.programs,
        }),
      // No THB chain here: a test that runs the bridge passes its own (server/bridge/test-support.ts).
      runBridge: () => Promise.reject(new Error("this test context has no THB chain: pass runBridge")),
      runMatcher: () => matcher.runPass("admin"),
    };
    contexts.set(env, context);
  }
  return context;
}

export function keypairWallet(kp: Keypair): TestWallet {
  // A Solana secret key is the Ed25519 seed followed by the public key.
  const { privateKey } = meterKeyPairFromSeed(kp.secretKey.slice(0, 32));
  return {
    publicKey: kp.publicKey.toBase58(),
    sign: (message) => bs58.encode(crypto.sign(null, Buffer.from(message, "utf8"), privateKey)),
  };
}

export function chainAuthConfig(admins: Keypair[] = []): AuthConfig {
  return testAuthConfig({ adminWallets: new Set(admins.map((k) => k.publicKey.toBase58())) });
}

/** A browser signed in as `kp` (role prosumer unless the wallet is an admin). */
export async function signedInBrowser(env: ChainEnv, auth: AuthConfig, kp: Keypair) {
  const browser = createBrowser(env.tdb, auth, undefined, { chain: testChainContext(env) });
  await signInWith(browser, keypairWallet(kp), "prosumer");
  return browser;
}
