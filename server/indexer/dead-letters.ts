/**
 * Retrying a dead letter (the admin console's *Retry*): fetch the transaction from the chain
 * again and apply it the way the indexer does. Applied → the dead letter is resolved in the same
 * database transaction; refused again → one more attempt is counted and the new error kept.
 *
 * The transaction is applied out of chain order (the cursor went past it long ago). Every write is
 * an upsert or a guarded update, so that is safe, but a fact that later transactions changed (a
 * meter registered and then activated) can come back in its older state; `npm run reindex`
 * replays the whole history in order when that matters.
 */
import type { Connection } from "@solana/web3.js";
import type { Db } from "~/db/client";
import { bumpDeadLetter, getDeadLetter } from "~/db/queries/indexer-dead-letters";
import type { IndexerDeadLetter } from "~/db/schema";
import { describeError, isConflictError } from "~/db/retry";
import { AppError } from "~/server/errors";
import type { ChainPrograms } from "~/server/solana/connection";
import { DEAD_LETTER_MAX_ERROR_CHARS, isUnavailableError } from "./failures";
import { applyChainTx, createChainDecoder, type Publish } from "./indexer";

export interface DeadLetterRetryResult {
  outcome: "resolved" | "failed";
  deadLetter: IndexerDeadLetter;
}

export async function retryDeadLetter(p: {
  db: Db;
  connection: Connection;
  programs: ChainPrograms;
  id: number;
  publish?: Publish;
}): Promise<DeadLetterRetryResult> {
  const dl = await getDeadLetter(p.db, { id: p.id });
  if (!dl) throw new AppError("NOT_FOUND", `No dead letter ${p.id}`);
  if (dl.resolvedAt) throw new AppError("CONFLICT", `Dead letter ${p.id} is already resolved`);

  let tx;
  try {
    tx = await p.connection.getTransaction(dl.signature, { commitment: "confirmed", maxSupportedTransactionVersion: 0 });
  } catch (err) {
    throw new AppError("CHAIN_UNAVAILABLE", `Fetching transaction ${dl.signature}: the Solana RPC did not answer`, {
      cause: err,
    });
  }

  const failed = async (error: string): Promise<DeadLetterRetryResult> => {
    const row = await bumpDeadLetter(p.db, { id: dl.id, error: error.slice(0, DEAD_LETTER_MAX_ERROR_CHARS) });
    return { outcome: "failed", deadLetter: row ?? dl };
  };
  if (!tx) return failed(`The chain has no confirmed transaction ${dl.signature}`);

  try {
    const notes = await applyChainTx(
      p.db,
      createChainDecoder(p.programs),
      { signature: dl.signature, slot: tx.slot, blockTime: tx.blockTime ?? null, logs: tx.meta?.logMessages ?? [] },
      { resolveDeadLetters: [dl.program] },
    );
    for (const n of notes) await p.publish?.(n.channel, n.payload).catch(() => undefined);
  } catch (err) {
    // Not the transaction's fault: say so and count nothing.
    if (isConflictError(err))
      throw new AppError("CONFLICT", "The database was busy with the same rows; retry", { cause: err });
    if (isUnavailableError(err)) throw err;
    return failed(describeError(err));
  }
  const row = await getDeadLetter(p.db, { id: dl.id });
  return { outcome: "resolved", deadLetter: row ?? dl };
}
