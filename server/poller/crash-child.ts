/**
 * Test helper process (mint-poller.test.ts): runs one poller pass and SIGKILLs itself right after
 * its first transaction is confirmed on chain, before the database hears of it — a real kill -9
 * mid-batch. Usage: tsx server/poller/crash-child.ts <postgres-url> <rpc-url> <ws-url> <operator-keypair>
 */
import { openPostgres } from "~/db/client";
import { openServerChain } from "~/server/solana/connection";
import { runMintPoller } from "./mint-poller";

const [dbUrl, rpcUrl, wsUrl, keypairPath] = process.argv.slice(2);
if (!dbUrl || !rpcUrl || !wsUrl || !keypairPath) {
  console.error("usage: crash-child <postgres-url> <rpc-url> <ws-url> <operator-keypair>");
  process.exit(2);
}
const handle = openPostgres(dbUrl, { max: 2 });
const chain = openServerChain({ rpcUrl, wsUrl, operatorKeypairPath: keypairPath });
await runMintPoller({
  db: handle.db,
  connection: chain.connection,
  operator: chain.operator,
  programs: chain.programs,
  leaseMs: 500,
  hooks: {
    afterSend: () => {
      process.stdout.write("sent\n");
      process.kill(process.pid, "SIGKILL");
    },
  },
});
console.log("finished without sending");
process.exit(3);
