/**
 * The server's view of the chain: one Connection (from SOLANA_RPC_URL unless given), the
 * operator keypair, and an Anchor `Program` for every program in the list
 * (server/chain/programs.ts), built from its IDL. The operator pays the poller's fees and, locally, is the Registry and Oracle authority;
 * it never signs user money actions (those are signed by the user's own wallet).
 */
import type { Program } from "@coral-xyz/anchor";
import { loadOrCreateKeypairFile } from "~/lib/solana/keypair-file";
import { anchor } from "./anchor";
import { Connection, type Keypair, type Transaction, type VersionedTransaction } from "@solana/web3.js";
import {
  chainProgramEntries,
  type ChainProgramIdl,
  type ChainProgramKey,
} from "~/server/chain/programs";

export const DEFAULT_OPERATOR_KEYPAIR_PATH = ".data/operator-keypair.json";

export function createConnection(rpcUrl: string, wsUrl?: string): Connection {
  return new Connection(rpcUrl, { commitment: "confirmed", ...(wsUrl ? { wsEndpoint: wsUrl } : {}) });
}

/** True for an RPC on this machine (where creating a key and airdropping are allowed). */
export function isLocalRpc(rpcUrl: string): boolean {
  const host = new URL(rpcUrl).hostname;
  return host === "127.0.0.1" || host === "localhost" || host === "::1" || host === "[::1]";
}

/**
 * The operator keypair from a Solana CLI-style JSON file (64 numbers). Created when missing only
 * if `createIfMissing` (localnet); elsewhere a missing key is an error, never a silent new key.
 */
export function loadOperatorKeypair(filePath: string, options: { createIfMissing: boolean }): Keypair {
  return loadOrCreateKeypairFile(filePath, { label: "operator", envName: "OPERATOR_KEYPAIR_PATH", ...options });
}

/** A wallet for AnchorProvider backed by a keypair (anchor's own Wallet is not exported in ESM). */
export function keypairWallet(kp: Keypair) {
  return {
    publicKey: kp.publicKey,
    payer: kp,
    signTransaction<T extends Transaction | VersionedTransaction>(tx: T): Promise<T> {
      if ("version" in tx) tx.sign([kp]);
      else tx.partialSign(kp);
      return Promise.resolve(tx);
    },
    signAllTransactions<T extends Transaction | VersionedTransaction>(txs: T[]): Promise<T[]> {
      for (const tx of txs) {
        if ("version" in tx) tx.sign([kp]);
        else tx.partialSign(kp);
      }
      return Promise.resolve(txs);
    },
  };
}

/** `programs.registry`, `programs.energyToken`, …: one typed Program per list entry. */
export type ChainPrograms = { [K in ChainProgramKey]: Program<ChainProgramIdl<K>> };

/** Programs whose `.rpc()` is signed and paid by `signer` (the operator, or a test's wallet). */
export function createPrograms(connection: Connection, signer: Keypair): ChainPrograms {
  const provider = new anchor.AnchorProvider(connection, keypairWallet(signer), {
    commitment: "confirmed",
    preflightCommitment: "confirmed",
  });
  return Object.fromEntries(
    chainProgramEntries().map(([key, e]) => [key, new anchor.Program(e.idl, provider)]),
  ) as ChainPrograms;
}

export interface ServerChain {
  connection: Connection;
  operator: Keypair;
  programs: ChainPrograms;
  rpcUrl: string;
  local: boolean;
}

/** Connection + operator + programs from explicit settings (the env-backed one is in server-chain.ts). */
export function openServerChain(options: { rpcUrl: string; wsUrl?: string; operatorKeypairPath: string }): ServerChain {
  const local = isLocalRpc(options.rpcUrl);
  const connection = createConnection(options.rpcUrl, options.wsUrl);
  const operator = loadOperatorKeypair(options.operatorKeypairPath, { createIfMissing: local });
  return { connection, operator, programs: createPrograms(connection, operator), rpcUrl: options.rpcUrl, local };
}

/** Closes a Connection's WebSocket so it stops reconnecting (tests, scripts on exit). */
export function closeConnectionSocket(connection: Connection): void {
  const ws = (connection as unknown as { _rpcWebSocket?: { close(): void } })._rpcWebSocket;
  ws?.close();
}
