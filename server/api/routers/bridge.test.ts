/**
 * bridge.* against a real local chain (the bootstrap initialised the THB bridge with its own
 * attestor key) and a real database: the THBC balance from the chain, each user's deposits and
 * withdrawals from the indexer's mirrors (and only their own), the bridge's settings from the
 * Bridge account, or from the mirror when the chain cannot be reached.
 */
import { Keypair, LAMPORTS_PER_SOL } from "@solana/web3.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { THB_BRIDGE_ID, bridgeAddress, thbcAccountAddress, thbcMintAddress } from "~/programs/thb_bridge/client";
import { envIndexer, startChainEnv, type ChainEnv } from "~/server/poller/test-support";
import { DEFAULT_BRIDGE_LIMITS } from "~/server/solana/bootstrap";
import {
  THB,
  bridgeEnv,
  hex,
  sendDeposit,
  sendWithdrawalCompletion,
  sendWithdrawalRequest,
  type BridgeEnv,
} from "~/server/solana/bridge-testing";
import { closeConnectionSocket, openServerChain } from "~/server/solana/connection";
import { airdrop } from "~/server/solana/tx";
import type { ChainContext } from "../chain-context";
import { createBrowser, signInWith } from "../testing";
import { chainAuthConfig, keypairWallet, signedInBrowser, testChainContext } from "./router-chain-testing";

let env: ChainEnv;
let b: BridgeEnv;
let auth: ReturnType<typeof chainAuthConfig>;

beforeAll(async () => {
  env = await startChainEnv();
  b = await bridgeEnv(env);
  auth = chainAuthConfig();
}, 90_000);

afterAll(async () => {
  await env?.close();
});

async function funded() {
  const kp = Keypair.generate();
  await airdrop(env.chain.connection, kp.publicKey, LAMPORTS_PER_SOL);
  return kp;
}

describe("bridge router", () => {
  it("balance: the chain's THBC amount, 0 without a THBC account; deposits and withdrawals only to their own user", async () => {
    const alice = await funded();
    const bob = await funded();
    const aliceBrowser = await signedInBrowser(env, auth, alice);
    const bobBrowser = await signedInBrowser(env, auth, bob);

    expect(await aliceBrowser.call((c) => c.bridge.balance())).toEqual({
      mint: thbcMintAddress().toBase58(),
      tokenAccount: thbcAccountAddress(alice.publicKey).toBase58(),
      amount: 0n,
      decimals: 6,
      hasAccount: false,
    });
    expect(await aliceBrowser.call((c) => c.bridge.deposits())).toEqual([]);

    // The bridge service's part (attested deposits), then the indexer's pass.
    const d1 = await sendDeposit(b, alice.publicKey, 250n * THB);
    const d2 = await sendDeposit(b, alice.publicKey, 50n * THB);
    await envIndexer(env).catchUp();

    // The holder signs request_withdrawal; the page asks the router to sync it.
    const w = await sendWithdrawalRequest(b, alice, 40n * THB);
    const synced = await aliceBrowser.call((c) => c.bridge.syncFromChain({ signatures: [w.signature] }));
    expect(synced.withdrawals.map((x) => [x.withdrawalId, x.state])).toEqual([[w.withdrawalId, "pending"]]);

    expect(await aliceBrowser.call((c) => c.bridge.balance())).toMatchObject({ amount: 260n * THB, hasAccount: true });
    const deposits = await aliceBrowser.call((c) => c.bridge.deposits());
    expect(deposits.map((d) => d.depositId).sort()).toEqual([hex(d1.depositId), hex(d2.depositId)].sort());
    expect(deposits.find((d) => d.depositId === hex(d1.depositId))).toMatchObject({
      amount: 250n * THB,
      thbTxRef: hex(d1.thbTxRef),
      signature: d1.signature,
    });
    expect(await aliceBrowser.call((c) => c.bridge.withdrawals())).toEqual([
      expect.objectContaining({
        withdrawal: w.withdrawal.toBase58(),
        withdrawalId: w.withdrawalId,
        amount: 40n * THB,
        thbDestination: hex(w.thbDestination),
        state: "pending",
        requestedSignature: w.signature,
        settledSignature: null,
      }),
    ]);

    // Paid out on the THB chain: the attestor's release proof, mirrored by the indexer.
    const done = await sendWithdrawalCompletion(b, { withdrawal: w.withdrawal, holder: alice.publicKey, amount: 40n * THB });
    await envIndexer(env).catchUp();
    expect(await aliceBrowser.call((c) => c.bridge.withdrawals({ limit: 5 }))).toEqual([
      expect.objectContaining({ state: "completed", thbTxRef: hex(done.thbTxRef), settledSignature: done.signature }),
    ]);

    // Bob sees none of it.
    expect(await bobBrowser.call((c) => c.bridge.balance())).toMatchObject({ amount: 0n, hasAccount: false });
    expect(await bobBrowser.call((c) => c.bridge.deposits())).toEqual([]);
    expect(await bobBrowser.call((c) => c.bridge.withdrawals())).toEqual([]);
  });

  it("balance, deposits and withdrawals need a session; history limits are validated", async () => {
    const anon = createBrowser(env.tdb, auth, undefined, { chain: testChainContext(env) });
    await expect(anon.call((c) => c.bridge.balance())).rejects.toMatchObject({ appCode: "UNAUTHENTICATED" });
    await expect(anon.call((c) => c.bridge.deposits())).rejects.toMatchObject({ appCode: "UNAUTHENTICATED" });
    await expect(anon.call((c) => c.bridge.withdrawals())).rejects.toMatchObject({ appCode: "UNAUTHENTICATED" });
    const user = await signedInBrowser(env, auth, Keypair.generate());
    await expect(user.call((c) => c.bridge.deposits({ limit: 0 }))).rejects.toMatchObject({ code: "BAD_REQUEST" });
    await expect(user.call((c) => c.bridge.syncFromChain({ signatures: ["not-a-signature"] }))).rejects.toMatchObject({
      code: "BAD_REQUEST",
    });
  });

  it("config: the Bridge account as bootstrap set it up (public), and the deposit address is null until one is configured", async () => {
    const anon = createBrowser(env.tdb, auth, undefined, { chain: testChainContext(env) });
    const bridge = await env.chain.programs.thbBridge.account.bridge.fetch(bridgeAddress(), "confirmed");
    expect(await anon.call((c) => c.bridge.config())).toEqual({
      programId: THB_BRIDGE_ID.toBase58(),
      bridge: bridgeAddress().toBase58(),
      thbcMint: thbcMintAddress().toBase58(),
      decimals: 6,
      initialized: true,
      paused: false,
      limits: {
        maxPerDeposit: DEFAULT_BRIDGE_LIMITS.maxPerDeposit,
        maxPerDay: DEFAULT_BRIDGE_LIMITS.maxPerDay,
        withdrawalTimeoutSecs: Number(DEFAULT_BRIDGE_LIMITS.withdrawalTimeoutSecs),
      },
      attestorCount: 1,
      threshold: 1,
      admin: env.chain.operator.publicKey.toBase58(),
      clusterTag: hex(b.clusterTag),
      nextWithdrawalId: BigInt(bridge.withdrawalCount.toString()),
      dayIndex: BigInt(bridge.dayIndex.toString()),
      dayMinted: BigInt(bridge.dayMinted.toString()),
      thbDepositAddress: null,
      source: "chain",
    });
  });

  it("with the RPC unreachable: config comes from the indexer's mirror, balance is CHAIN_UNAVAILABLE", async () => {
    await envIndexer(env).catchUp();
    // A real Connection to a port nothing listens on.
    const dead = openServerChain({ rpcUrl: "http://127.0.0.1:9", operatorKeypairPath: env.keypairPath });
    const chain: ChainContext = { ...testChainContext(env), connect: () => Promise.resolve(dead) };
    try {
      const kp = Keypair.generate();
      const browser = createBrowser(env.tdb, auth, undefined, { chain });
      await signInWith(browser, keypairWallet(kp), "prosumer");
      expect(await browser.call((c) => c.bridge.config())).toMatchObject({
        initialized: true,
        paused: false,
        limits: { maxPerDeposit: DEFAULT_BRIDGE_LIMITS.maxPerDeposit },
        admin: env.chain.operator.publicKey.toBase58(),
        attestorCount: 1,
        threshold: 1,
        nextWithdrawalId: null,
        source: "indexer",
      });
      await expect(browser.call((c) => c.bridge.balance())).rejects.toMatchObject({ appCode: "CHAIN_UNAVAILABLE" });
    } finally {
      closeConnectionSocket(dead.connection);
    }
  });
});
