/**
 * runWalletTx (what useWalletTx runs) against a real local chain with the real programs,
 * bootstrapped: the Meters page's registration transaction, signed by a stand-in wallet that
 * records what it was asked. Steps, success, a program refusal at preflight and after landing
 * (logs fetched), a declined signature, a build that throws and a payer without SOL.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { WalletSignTransactionError } from "@solana/wallet-adapter-base";
import {
  Keypair,
  LAMPORTS_PER_SOL,
  PublicKey,
  SystemProgram,
  type Connection,
  type Transaction,
} from "@solana/web3.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildRegistrationTx, registryProgram } from "~/components/meters/registry-program";
import { generateMeterKeyPair } from "~/lib/meter-reading";
import { meterAddress, registryAddress } from "~/programs/registry/client";
import { startLocalnet, type Localnet } from "~/server/localnet";
import { bootstrapChain } from "~/server/solana/bootstrap";
import { closeConnectionSocket, openServerChain, type ServerChain } from "~/server/solana/connection";
import { airdrop } from "~/server/solana/tx";
import { runWalletTx, type WalletTxSigner, type WalletTxStep } from "./wallet-tx";

const ROOT = path.resolve(import.meta.dirname, "../..");

let dir: string;
let net: Localnet;
let chain: ServerChain;
let connection: Connection;

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "gtx-wallet-tx-"));
  net = await startLocalnet({
    port: 0,
    dataDir: path.join(dir, "chain"),
    slotMs: 50,
    finalizeSlots: 2,
    root: ROOT,
    log: () => undefined,
  });
  chain = openServerChain({ rpcUrl: net.rpcUrl, wsUrl: net.wsUrl, operatorKeypairPath: path.join(dir, "operator.json") });
  await bootstrapChain(chain, undefined, { bridgeAttestorKeypairPath: path.join(dir, "bridge-attestor.json") });
  connection = chain.connection;
}, 120_000);

afterAll(async () => {
  closeConnectionSocket(chain.connection);
  await net.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

/** A wallet-adapter-like signer over a Keypair, recording each request; `decline` says no. */
function testWallet(kp: Keypair, behaviour: { decline?: boolean } = {}) {
  const requests: Transaction[] = [];
  const wallet: WalletTxSigner & { requests: Transaction[] } = {
    publicKey: kp.publicKey,
    requests,
    signTransaction<T extends Transaction>(tx: T): Promise<T> {
      requests.push(tx);
      if (behaviour.decline) {
        return Promise.reject(
          new WalletSignTransactionError("User rejected the request.", { code: 4001, message: "User rejected the request." }),
        );
      }
      tx.partialSign(kp);
      return Promise.resolve(tx);
    },
  };
  return wallet;
}

async function fundedUser(): Promise<Keypair> {
  const kp = Keypair.generate();
  await airdrop(connection, kp.publicKey, 2 * LAMPORTS_PER_SOL);
  return kp;
}

function registration(wallet: WalletTxSigner, meterKey: PublicKey, meterId = `wtx-${Math.random().toString(16).slice(2, 10)}`) {
  const program = registryProgram(connection, {
    publicKey: wallet.publicKey,
    signTransaction: (tx) => wallet.signTransaction(tx as Transaction) as never,
    signAllTransactions: (txs) => Promise.all(txs.map((tx) => wallet.signTransaction(tx as Transaction))) as never,
  });
  return {
    meterId,
    build: () =>
      buildRegistrationTx(program, {
        wallet: wallet.publicKey,
        registerUser: { userType: "prosumer", name: "Wallet tx test" },
        meterId,
        meterPublicKey: meterKey,
        meterType: "solar",
        zoneId: 1,
        ratedCapacityW: 5000,
      }),
  };
}

const deviceKey = () => new PublicKey(generateMeterKeyPair().publicKey);
/** Off the Ed25519 curve, so no device can own it: the Registry refuses it on chain. */
const offCurveKey = () => registryAddress();

describe("runWalletTx on a local chain", () => {
  it("success: steps in order, one signature asked, the meter on chain", async () => {
    const wallet = testWallet(await fundedUser());
    const { build, meterId } = registration(wallet, deviceKey());
    const steps: WalletTxStep[] = [];
    const result = await runWalletTx({ connection, wallet }, build, { onStep: (s) => steps.push(s) });
    expect(result).toEqual({ ok: true, signature: expect.any(String) as string });
    expect(steps).toEqual(["signing", "sending", "confirming"]);
    expect(wallet.requests).toHaveLength(1);
    // The wallet signed with the fee payer and a recent blockhash already set.
    expect(wallet.requests[0]!.feePayer?.equals(wallet.publicKey)).toBe(true);
    expect(wallet.requests[0]!.recentBlockhash).toBeTruthy();
    expect(await connection.getAccountInfo(meterAddress(meterId), "confirmed")).not.toBeNull();
  });

  it("a refusal at preflight names the Registry's error", async () => {
    const wallet = testWallet(await fundedUser());
    const steps: WalletTxStep[] = [];
    const result = await runWalletTx({ connection, wallet }, registration(wallet, offCurveKey()).build, {
      onStep: (s) => steps.push(s),
    });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result).toMatchObject({
      stage: "sending",
      signature: null,
      rejected: false,
      chainError: { kind: "program", program: "registry", name: "InvalidMeterKey", code: 6003, instructionIndex: 1 },
    });
    expect(result.message).toMatch(/^The Registry refused it: InvalidMeterKey — Meter public key must be/);
    expect(steps).toEqual(["signing", "sending"]);
  });

  it("a refusal after landing (no preflight): the logs are fetched and decoded", async () => {
    const wallet = testWallet(await fundedUser());
    const result = await runWalletTx({ connection, wallet }, registration(wallet, offCurveKey()).build, {
      skipPreflight: true,
    });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.stage).toBe("confirming");
    expect(result.signature).toEqual(expect.any(String));
    expect(result.chainError).toMatchObject({ program: "registry", name: "InvalidMeterKey", instructionIndex: 1 });
    expect(result.message).toContain("The Registry refused it: InvalidMeterKey");
  });

  it("a declined signature: nothing sent, the form's sentence", async () => {
    const user = await fundedUser();
    const wallet = testWallet(user, { decline: true });
    const before = await connection.getBalance(user.publicKey, "confirmed");
    const result = await runWalletTx({ connection, wallet }, registration(wallet, deviceKey()).build);
    expect(result).toMatchObject({
      ok: false,
      stage: "signing",
      signature: null,
      rejected: true,
      chainError: null,
      message: "You declined the transaction in your wallet. Nothing was sent.",
    });
    expect(wallet.requests).toHaveLength(1);
    expect(await connection.getBalance(user.publicKey, "confirmed")).toBe(before);
  });

  it("a wallet without SOL is told to fund it", async () => {
    const wallet = testWallet(Keypair.generate());
    const to = Keypair.generate().publicKey;
    const result = await runWalletTx({ connection, wallet }, () => [
      SystemProgram.transfer({ fromPubkey: wallet.publicKey, toPubkey: to, lamports: 1_000 }),
    ]);
    expect(result).toMatchObject({ ok: false, stage: "sending", rejected: false });
    if (result.ok) return;
    expect(result.message).toBe(
      "Your wallet has no SOL to pay the transaction fee and account rent. Fund it with a little SOL first.",
    );
  });

  it("a build that throws stops before the wallet is asked, with its own message", async () => {
    const wallet = testWallet(await fundedUser());
    const steps: WalletTxStep[] = [];
    const result = await runWalletTx(
      { connection, wallet },
      () => {
        throw new Error("The meter id is already registered. Choose another id.");
      },
      { onStep: (s) => steps.push(s) },
    );
    expect(result).toMatchObject({
      ok: false,
      stage: "preparing",
      message: "The meter id is already registered. Choose another id.",
      chainError: null,
    });
    expect(steps).toEqual([]);
    expect(wallet.requests).toHaveLength(0);
  });

  it("no wallet connected", async () => {
    const result = await runWalletTx({ connection, wallet: null }, () => []);
    expect(result).toMatchObject({ ok: false, stage: "preparing", message: "Connect your wallet first." });
  });
});
