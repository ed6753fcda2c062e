/**
 * thbDev.* — each user's local THB account on a real THB-chain simulator (its HTTP API on a
 * free port, blocks only when the test seals them) and a real local Solana chain (the bridge's
 * limits and pause flag), with a real database: the derived key is stable per user and differs
 * across users; nothing works without a simulator URL; every refusal leaves the THB chain as it
 * was.
 */
import { Keypair } from "@solana/web3.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { bridgeAddress, pauseInstruction, unpauseInstruction } from "~/programs/thb_bridge/client";
import { envIndexer, startChainEnv, type ChainEnv } from "~/server/poller/test-support";
import { DEFAULT_BRIDGE_LIMITS } from "~/server/solana/bootstrap";
import { sendSigned } from "~/server/solana/registry-actions";
import { startThbChain, type StartedThbChain } from "~/server/thb-chain";
import { generateKeypair } from "~/server/thb-chain/keys";
import { tempDir } from "~/server/thb-chain/test-support";
import { createBrowser } from "../testing";
import { chainAuthConfig, signedInBrowser, testChainContext } from "./router-chain-testing";
import { devThbKeypair, THB_FAUCET_MAX } from "./thb-dev";

const THB = 1_000_000n;
let env: ChainEnv;
let thb: StartedThbChain;
let auth: ReturnType<typeof chainAuthConfig>;
const depositAddress = generateKeypair().address;
const saved = { url: process.env.THB_CHAIN_URL, deposit: process.env.BRIDGE_THB_DEPOSIT_ADDRESS };

beforeAll(async () => {
  [env, thb] = await Promise.all([
    startChainEnv(),
    startThbChain({ port: 0, dataDir: tempDir("thb-dev"), blockMs: 0, confirmations: 2, log: () => undefined }),
  ]);
  auth = chainAuthConfig();
  process.env.THB_CHAIN_URL = thb.url;
  process.env.BRIDGE_THB_DEPOSIT_ADDRESS = depositAddress;
}, 90_000);

afterAll(async () => {
  setEnv("THB_CHAIN_URL", saved.url);
  setEnv("BRIDGE_THB_DEPOSIT_ADDRESS", saved.deposit);
  await Promise.all([env?.close(), thb?.close()]);
});

function setEnv(name: string, value: string | undefined) {
  if (value === undefined) delete process.env[name];
  else process.env[name] = value;
}

/** Runs `fn` with an environment variable changed, then puts it back. */
async function withEnv<T>(name: string, value: string | undefined, fn: () => Promise<T>): Promise<T> {
  const before = process.env[name];
  setEnv(name, value);
  try {
    return await fn();
  } finally {
    setEnv(name, before);
  }
}

describe("devThbKeypair", () => {
  it("is the same for the same secret and wallet, and differs across wallets and secrets", () => {
    const secret = new TextEncoder().encode("a server secret of at least 32 characters");
    const other = new TextEncoder().encode("another server secret, also 32+ characters");
    const alice = Keypair.generate().publicKey.toBase58();
    const bob = Keypair.generate().publicKey.toBase58();
    const a1 = devThbKeypair(secret, alice);
    expect(devThbKeypair(secret, alice)).toEqual(a1);
    expect(a1.address).toMatch(/^[1-9A-HJ-NP-Za-km-z]{32,44}$/);
    expect(devThbKeypair(secret, bob).address).not.toBe(a1.address);
    expect(devThbKeypair(other, alice).address).not.toBe(a1.address);
  });
});

describe("thbDev router", () => {
  it("account, fund, deposit and transfers: the user's own derived account, a signed transfer to the deposit address with the wallet as memo", async () => {
    const alice = Keypair.generate();
    const bob = Keypair.generate();
    const a = await signedInBrowser(env, auth, alice);
    const b = await signedInBrowser(env, auth, bob);
    const aliceThb = devThbKeypair(auth.secret, alice.publicKey.toBase58()).address;

    const fresh = await a.call((c) => c.thbDev.account());
    expect(fresh).toMatchObject({
      address: aliceThb,
      balance: 0n,
      pendingBalance: 0n,
      confirmationsRequired: 2,
      depositAddress,
      memo: alice.publicKey.toBase58(),
    });
    // The same user again (another session): the same account. Another user: another one.
    expect((await (await signedInBrowser(env, auth, alice)).call((c) => c.thbDev.account())).address).toBe(aliceThb);
    expect((await b.call((c) => c.thbDev.account())).address).not.toBe(aliceThb);
    expect(await a.call((c) => c.thbDev.transfers())).toEqual([]);

    const funded = await a.call((c) => c.thbDev.fund({ amount: 100n * THB }));
    expect(funded).toMatchObject({ kind: "fund", direction: "in", to: aliceThb, amount: 100n * THB, status: "pending" });
    expect(await a.call((c) => c.thbDev.account())).toMatchObject({ balance: 0n, pendingBalance: 100n * THB });
    await thb.chain.produceBlock();
    expect(await a.call((c) => c.thbDev.account())).toMatchObject({ balance: 100n * THB, confirmedBalance: 0n });

    const sent = await a.call((c) => c.thbDev.deposit({ amount: 40n * THB + 250_000n }));
    expect(sent).toMatchObject({
      kind: "transfer",
      direction: "out",
      from: aliceThb,
      to: depositAddress,
      amount: 40n * THB + 250_000n,
      memo: alice.publicKey.toBase58(),
      status: "pending",
      toBridge: true,
    });
    // The simulator has it as a transfer signed by Alice's derived key.
    const onChain = await fetch(`${thb.url}/transfers/${sent.id}`).then((r) => r.json() as Promise<Record<string, unknown>>);
    expect(onChain).toMatchObject({ from: aliceThb, to: depositAddress, amount: String(40n * THB + 250_000n), memo: alice.publicKey.toBase58() });
    await thb.chain.produceBlock();
    await thb.chain.produceBlock();

    const history = await a.call((c) => c.thbDev.transfers());
    expect(history.map((t) => [t.kind, t.direction, t.amount, t.status, t.confirmations])).toEqual([
      ["transfer", "out", 40n * THB + 250_000n, "confirmed", 2],
      ["fund", "in", 100n * THB, "confirmed", 3],
    ]);
    expect(await a.call((c) => c.thbDev.account())).toMatchObject({ balance: 59n * THB + 750_000n });
    expect(await b.call((c) => c.thbDev.transfers())).toEqual([]);
  });

  it("refuses, with nothing sent: over the balance, over the per-deposit limit, while paused, without a deposit address; zero and the faucet's maximum are input errors", async () => {
    const user = Keypair.generate();
    const u = await signedInBrowser(env, auth, user);
    await u.call((c) => c.thbDev.fund({ amount: 10n * THB }));
    await thb.chain.produceBlock();
    const digest = thb.chain.digest();

    await expect(u.call((c) => c.thbDev.deposit({ amount: 10n * THB + 1n }))).rejects.toMatchObject({
      appCode: "CONFLICT",
      message: "Your THB account holds 10 THB: you can deposit at most that. Nothing was sent.",
    });
    await expect(u.call((c) => c.thbDev.deposit({ amount: DEFAULT_BRIDGE_LIMITS.maxPerDeposit + 1n }))).rejects.toMatchObject({
      appCode: "CONFLICT",
      message: expect.stringContaining("Over the bridge's limit of") as unknown,
    });
    await expect(u.call((c) => c.thbDev.deposit({ amount: 0n }))).rejects.toMatchObject({ code: "BAD_REQUEST" });
    await expect(u.call((c) => c.thbDev.deposit({ amount: -5n }))).rejects.toMatchObject({ code: "BAD_REQUEST" });
    await expect(u.call((c) => c.thbDev.fund({ amount: THB_FAUCET_MAX + 1n }))).rejects.toMatchObject({ code: "BAD_REQUEST" });
    await expect(u.call((c) => c.thbDev.transfers({ limit: 0 }))).rejects.toMatchObject({ code: "BAD_REQUEST" });

    await withEnv("BRIDGE_THB_DEPOSIT_ADDRESS", "", () =>
      expect(u.call((c) => c.thbDev.deposit({ amount: THB }))).rejects.toMatchObject({
        appCode: "CONFLICT",
        message: expect.stringContaining("no THB deposit address") as unknown,
      }),
    );

    const { programs, operator } = env.chain;
    await sendSigned(programs, await pauseInstruction(programs.thbBridge, operator.publicKey), [operator]);
    try {
      await expect(u.call((c) => c.thbDev.deposit({ amount: THB }))).rejects.toMatchObject({
        appCode: "CONFLICT",
        message: "The bridge is paused: deposits are not accepted right now",
      });
    } finally {
      await sendSigned(programs, await unpauseInstruction(programs.thbBridge, operator.publicKey), [operator]);
      await envIndexer(env).catchUp();
    }
    expect((await programs.thbBridge.account.bridge.fetch(bridgeAddress(), "confirmed")).paused).toBe(false);
    expect(thb.chain.digest()).toBe(digest);
    expect(await u.call((c) => c.thbDev.account())).toMatchObject({ balance: 10n * THB, pendingBalance: 10n * THB });
  });

  it("THB_CHAIN_NOT_CONFIGURED without a simulator URL, THB_CHAIN_UNAVAILABLE when it does not answer, UNAUTHENTICATED without a session", async () => {
    const u = await signedInBrowser(env, auth, Keypair.generate());
    await withEnv("THB_CHAIN_URL", undefined, async () => {
      for (const call of [
        () => u.call((c) => c.thbDev.account()),
        () => u.call((c) => c.thbDev.transfers()),
        () => u.call((c) => c.thbDev.fund({ amount: THB })),
        () => u.call((c) => c.thbDev.deposit({ amount: THB })),
      ]) {
        await expect(call()).rejects.toMatchObject({ appCode: "THB_CHAIN_NOT_CONFIGURED" });
      }
    });
    await withEnv("THB_CHAIN_URL", "http://127.0.0.1:9", async () => {
      await expect(u.call((c) => c.thbDev.account())).rejects.toMatchObject({
        appCode: "THB_CHAIN_UNAVAILABLE",
        message: "Reading your THB account: the THB chain at 127.0.0.1:9 is not reachable",
      });
      await expect(u.call((c) => c.thbDev.fund({ amount: THB }))).rejects.toMatchObject({ appCode: "THB_CHAIN_UNAVAILABLE" });
    });
    const anon = createBrowser(env.tdb, auth, undefined, { chain: testChainContext(env) });
    await expect(anon.call((c) => c.thbDev.account())).rejects.toMatchObject({ appCode: "UNAUTHENTICATED" });
    await expect(anon.call((c) => c.thbDev.fund({ amount: THB }))).rejects.toMatchObject({ appCode: "UNAUTHENTICATED" });
  });
});
