/**
 * Shared by the bridge service tests: a real local Solana chain with the bridge bootstrapped
 * (server/poller/test-support.ts ChainEnv: its own operator and attestor keys), a real database,
 * and a real THB-chain simulator served over HTTP (blocks only when the test seals them, so every
 * confirmation count is the test's choice; test knobs on for reorgs). Helpers: THB users who
 * deposit with a memo, THBC balances and supply, withdrawals signed by their holder, and the pass's
 * dependencies for one or several "services".
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import bs58 from "bs58";
import { getMint } from "@solana/spl-token";
import { Keypair, LAMPORTS_PER_SOL, type PublicKey } from "@solana/web3.js";
import { eq } from "drizzle-orm";
import type { Db } from "~/db/client";
import { bridgeServiceDeposits, bridgeServiceWithdrawals } from "~/db/schema";
import { readKeypairFile } from "~/lib/solana/keypair-file";
import { thbcAccountAddress, thbcMintAddress } from "~/programs/thb_bridge/client";
import { startChainEnv, type ChainEnv } from "~/server/poller/test-support";
import { bridgeEnv, sendWithdrawalRequest, type BridgeEnv } from "~/server/solana/bridge-testing";
import { airdrop } from "~/server/solana/tx";
import { startThbChain, type StartedThbChain } from "~/server/thb-chain";
import { ThbChainClient, type TransferView } from "~/server/thb-chain/client";
import { generateKeypair, type ThbKeypair } from "~/server/thb-chain/keys";
import { runBridgePass, type BridgeDeps, type BridgePassSummary } from "./service";

export const THB = 1_000_000n;
export const CONFIRMATIONS = 2;

export interface BridgeTestEnv {
  env: ChainEnv;
  b: BridgeEnv;
  thbChain: StartedThbChain;
  thb: ThbChainClient;
  /** The bridge's THB account (deposit address, payer of withdrawals). */
  thbKey: Keypair;
  depositAddress: string;
  attestor: Keypair;
  deps(over?: Partial<BridgeDeps>): BridgeDeps;
  pass(over?: Partial<BridgeDeps>): Promise<BridgePassSummary>;
  close(): Promise<void>;
}

export async function startBridgeTestEnv(): Promise<BridgeTestEnv> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "gtx-bridge-thb-"));
  const [env, thbChain] = await Promise.all([
    startChainEnv(),
    startThbChain({ dataDir: dir, port: 0, blockMs: 0, confirmations: CONFIRMATIONS, testKnobs: true, log: () => undefined }),
  ]);
  const b = await bridgeEnv(env);
  const thb = new ThbChainClient(thbChain.url);
  const thbKey = Keypair.generate();
  const attestor = readKeypairFile(env.attestorKeypairPath, "bridge attestor");
  const deps = (over: Partial<BridgeDeps> = {}): BridgeDeps => ({
    db: env.tdb.db,
    connection: env.chain.connection,
    programs: env.chain.programs,
    operator: env.chain.operator,
    attestor,
    thb,
    thbKey,
    leaseMs: 30_000,
    ...over,
  });
  return {
    env,
    b,
    thbChain,
    thb,
    thbKey,
    depositAddress: bs58.encode(thbKey.publicKey.toBytes()),
    attestor,
    deps,
    pass: (over) => runBridgePass(deps(over)),
    async close() {
      await thbChain.close();
      await env.close();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Seals `n` THB blocks now. */
export const blocks = (t: BridgeTestEnv, n = 1) => t.thb.produceBlocks(n);

/** A THB user funded by the faucet (in the mempool until the next block). */
export async function thbUser(t: BridgeTestEnv, thb: bigint): Promise<ThbKeypair> {
  const kp = generateKeypair();
  await t.thb.fund(kp.address, thb);
  return kp;
}

/** `from` sends `amount` to the bridge's deposit address with `memo` (e.g. a wallet). */
export function deposit(t: BridgeTestEnv, from: ThbKeypair, amount: bigint, memo: string): Promise<TransferView> {
  return t.thb.send(from, { to: t.depositAddress, amount, memo });
}

export async function thbcBalance(t: BridgeTestEnv, owner: PublicKey): Promise<bigint> {
  const info = await t.env.chain.connection.getTokenAccountBalance(thbcAccountAddress(owner), "confirmed").catch(() => null);
  return info ? BigInt(info.value.amount) : 0n;
}

export async function thbcSupply(t: BridgeTestEnv): Promise<bigint> {
  return (await getMint(t.env.chain.connection, thbcMintAddress(), "confirmed")).supply;
}

export async function thbBalance(t: BridgeTestEnv, address: string): Promise<bigint> {
  return BigInt((await t.thb.account(address)).balance);
}

export const depositRow = async (db: Db, thbTransferId: string) =>
  (await db.select().from(bridgeServiceDeposits).where(eq(bridgeServiceDeposits.thbTransferId, thbTransferId)))[0];
export const withdrawalRow = async (db: Db, withdrawalPda: string) =>
  (await db.select().from(bridgeServiceWithdrawals).where(eq(bridgeServiceWithdrawals.withdrawalPda, withdrawalPda)))[0];

/** A Solana wallet with SOL for fees. */
export async function wallet(t: BridgeTestEnv): Promise<Keypair> {
  const kp = Keypair.generate();
  await airdrop(t.env.chain.connection, kp.publicKey, LAMPORTS_PER_SOL);
  return kp;
}

/** request_withdrawal signed by `holder` to the THB address `destination` (base58 of 32 bytes). */
export async function requestWithdrawal(t: BridgeTestEnv, holder: Keypair, amount: bigint, destination: string) {
  return sendWithdrawalRequest(t.b, holder, amount, bs58.decode(destination));
}

/** Runs passes (sealing a THB block between them) until `done` holds. */
export async function passUntil(
  t: BridgeTestEnv,
  done: () => Promise<boolean>,
  opts: { over?: Partial<BridgeDeps>; max?: number; what?: string } = {},
): Promise<void> {
  for (let i = 0; i < (opts.max ?? 12); i++) {
    await t.pass(opts.over);
    if (await done()) return;
    await blocks(t);
  }
  throw new Error(`not done after ${opts.max ?? 12} passes: ${opts.what ?? "condition"}`);
}
