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
import {
  chainErrorLogs,
  decodeChainError,
  isProgramRefusal,
  type ChainErrorContext,
} from "~/lib/solana/chain-error";

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

/**
 * The program's error name and number, by the one decoder (lib/solana/chain-error.ts): only a
 * refusal by a program's own or Anchor's framework error counts; runtime and network failures
 * stay unnamed (callers retry those).
 */
function refusalOf(err: unknown, context?: ChainErrorContext): { name: string; code: number } | null {
  const d = decodeChainError(err, context);
  return isProgramRefusal(d) && d.code !== null ? { name: d.name, code: d.code } : null;
}

/** The named program error in program logs (e.g. "StaleReading", 6016). */
export function namedErrorFromLogs(logs: readonly string[]): { name: string; code: number } | null {
  return refusalOf({ logs: [...logs] });
}

const TRANSIENT = /blockhash not found|BlockhashNotFound|block height exceeded|fetch failed|ECONNREFUSED|ECONNRESET|socket hang up|timed out|Timeout|429|503|502|network/i;

/** Maps whatever a send or a confirmation threw into a ChainTxError. */
export function toChainTxError(err: unknown, context?: ChainErrorContext): ChainTxError {
  if (err instanceof ChainTxError) return err;
  const message = (err as { message?: string } | null)?.message ?? String(err);
  const logs = chainErrorLogs(err);
  const named = refusalOf(err, context);
  return new ChainTxError(message, named?.name ?? null, named?.code ?? null, logs, !named && TRANSIENT.test(message));
}

/** Program id of each instruction of a compiled transaction: maps InstructionError's index. */
function instructionProgramIds(tx: VersionedTransaction): string[] {
  const keys = tx.message.staticAccountKeys;
  return tx.message.compiledInstructions.map((ix) => keys[ix.programIdIndex]?.toBase58() ?? "");
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
    if (!/AlreadyProcessed|already been processed/i.test(msg)) throw toChainTxError(err, { instructionProgramIds: instructionProgramIds(signed.tx) });
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
    const named = refusalOf({ err: result.value.err, logs }, { instructionProgramIds: instructionProgramIds(signed.tx) });
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
