/**
 * `npm run reindex`: rebuilds the chain-derived tables (mints, prices, cursors, and the users /
 * meters / readings marks the indexer keeps) from the chain alone. With PGlite, stop the app
 * first (one process per PGlite directory).
 */
import { getDbHandle } from "~/db/client";
import { env } from "~/env.js";
import { reindexFromChain } from "~/server/indexer/reindex";
import { closeConnectionSocket, openServerChain } from "~/server/solana/connection";

const chain = openServerChain({ rpcUrl: env.SOLANA_RPC_URL, operatorKeypairPath: env.OPERATOR_KEYPAIR_PATH });
const handle = await getDbHandle();
try {
  const started = Date.now();
  const applied = await reindexFromChain({ db: handle.db, connection: chain.connection, programs: chain.programs });
  console.log(`[reindex] replayed ${applied} transaction(s) from ${env.SOLANA_RPC_URL} into ${handle.driver} in ${Date.now() - started} ms`);
  process.exitCode = 0;
} catch (err) {
  console.error("[reindex] failed:", err);
  process.exitCode = 1;
} finally {
  closeConnectionSocket(chain.connection);
  await handle.close();
}
process.exit(process.exitCode);
