/**
 * Rebuilds the chain-derived tables from the chain alone: empty them (mints, prices, counters, the
 * bridge and trading mirrors, cursors; the meters' settlement mirror), then replay every
 * program's history from the beginning.
 */
import type { Connection } from "@solana/web3.js";
import type { Db } from "~/db/client";
import { resetChainDerived } from "~/db/queries/indexer";
import type { ChainPrograms } from "~/server/solana/connection";
import { createIndexer, type Publish } from "./indexer";

export async function reindexFromChain(options: { db: Db; connection: Connection; programs: ChainPrograms; publish?: Publish }): Promise<number> {
  await resetChainDerived(options.db);
  const indexer = createIndexer({ ...options, catchUpIntervalMs: 0 });
  return indexer.catchUp();
}
