/**
 * Sending the server's transactions and naming why one failed. The signature is known before
 * the send (the fee payer's signature), so callers can record it first and reconcile after a crash.
 */
import bs58 from "bs58";
import {
  type Connection,
  type Keypair,
  type TransactionInstruction,
  TransactionMessage,
  VersionedTransaction,
} from "@solana/web3.js";

/** Solana's packet limit for a serialized transaction. */
export const MAX_TX_BYTES = 1232;

export interface SignedTx {
  tx: VersionedTransaction;
  signature: string;
  blockhash: string;
  lastValidBlockHeight: number;
}

export function buildTx(
  payer: Keypair,
  instructions: TransactionInstruction[],
  blockhash: { blockhash: string; lastValidBlockHeight: number },
): SignedTx {
  const message = new TransactionMessage({
    payerKey: payer.publicKey,
    recentBlockhash: blockhash.blockhash,
    instructions,
  }).compileToV0Message();
  const tx = new VersionedTransaction(message);
  tx.sign([payer]);
  return { tx, signature: bs58.encode(tx.signatures[0]!), ...blockhash };
}

/** Serialized size, or Infinity when web3.js cannot even encode it (too many keys etc.). */
export function txSize(payer: Keypair, instructions: TransactionInstruction[], blockhash: string): number {
  try {
    const message = new TransactionMessage({ payerKey: payer.publicKey, recentBlockhash: blockhash, instructions }).compileToV0Message();
    return 1 + 64 * message.header.numRequiredSignatures + message.serialize().length;
  } catch {
    return Number.POSITIVE_INFINITY;
  }
}

/** A refusal with the program's error name when there is one (e.g. "StaleReading"). */
export class ChainTxError extends Error {
  constructor(
    message: string,
    readonly errorName: string | null,
    readonly errorCode: number | null,
    readonly logs: string[],
    /** True when retrying the same thing later may succeed (network, blockhash, timeout). */
    readonly transient: boolean,
  ) {
    super(message);
    this.name = "ChainTxError";
  }
}

const ANCHOR_ERR = /Error Code: (\w+)\. Error Number: (\d+)/;

/** The first Anchor-style named error in program logs. */
export function namedErrorFromLogs(logs: readonly string[]): { name: string; code: number } | null {
  for (const line of logs) {
    const m = ANCHOR_ERR.exec(line);
    if (m) return { name: m[1]!, code: Number(m[2]) };
  }
  return null;
}

const TRANSIENT = /blockhash not found|BlockhashNotFound|block height exceeded|fetch failed|ECONNREFUSED|ECONNRESET|socket hang up|timed out|Timeout|429|503|502|network/i;

/** Maps whatever a send or a confirmation threw into a ChainTxError. */
export function toChainTxError(err: unknown): ChainTxError {
  if (err instanceof ChainTxError) return err;
  const e = err as { message?: string; logs?: string[]; transactionLogs?: string[]; transactionError?: { logs?: string[] } };
  const logs = e.logs ?? e.transactionLogs ?? e.transactionError?.logs ?? [];
  const message = e.message ?? String(err);
  const named = namedErrorFromLogs(logs);
  return new ChainTxError(message, named?.name ?? null, named?.code ?? null, logs, !named && TRANSIENT.test(message));
}

/**
 * Sends (with preflight, so refusals come back with logs) and waits for `confirmed`. A failed
 * execution after a clean preflight is fetched with its logs so the error is named either way.
 */
export async function sendAndConfirm(connection: Connection, signed: SignedTx, options: { skipPreflight?: boolean } = {}): Promise<void> {
  try {
    await connection.sendRawTransaction(signed.tx.serialize(), {
      skipPreflight: options.skipPreflight ?? false,
      preflightCommitment: "confirmed",
      maxRetries: 0,
    });
  } catch (err) {
    const msg = (err as Error).message ?? "";
    // Our own earlier send of this very transaction already landed: that is success.
    if (!/AlreadyProcessed|already been processed/i.test(msg)) throw toChainTxError(err);
  }
  let result;
  try {
    result = await connection.confirmTransaction(
      { signature: signed.signature, blockhash: signed.blockhash, lastValidBlockHeight: signed.lastValidBlockHeight },
      "confirmed",
    );
  } catch (err) {
    throw toChainTxError(err);
  }
  if (result.value.err) {
    const tx = await connection.getTransaction(signed.signature, { commitment: "confirmed", maxSupportedTransactionVersion: 0 }).catch(() => null);
    const logs = tx?.meta?.logMessages ?? [];
    const named = namedErrorFromLogs(logs);
    throw new ChainTxError(`transaction ${signed.signature} failed: ${JSON.stringify(result.value.err)}`, named?.name ?? null, named?.code ?? null, logs, false);
  }
}

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** Airdrops on a local chain and waits for it. */
export async function airdrop(connection: Connection, to: Keypair["publicKey"], lamports: number): Promise<void> {
  const sig = await connection.requestAirdrop(to, lamports);
  const bh = await connection.getLatestBlockhash("confirmed");
  await connection.confirmTransaction({ signature: sig, ...bh }, "confirmed");
}
