/**
 * Test helper process (exactly-once.test.ts): runs bridge passes and SIGKILLs itself at the step
 * boundary it is given (e.g. `payout:sent`: THB paid out, the database transaction recording it
 * still open) — a real kill -9.
 * Usage: tsx server/bridge/crash-child.ts <step> <postgres-url> <rpc-url> <ws-url> <operator-keypair> <attestor-keypair> <thb-url> <thb-keypair>
 */
import { openPostgres } from "~/db/client";
import { readKeypairFile } from "~/lib/solana/keypair-file";
import { openServerChain } from "~/server/solana/connection";
import { ThbChainClient } from "~/server/thb-chain/client";
import { runBridgePass, type BridgeStep } from "./service";

const [step, dbUrl, rpcUrl, wsUrl, operatorPath, attestorPath, thbUrl, thbKeyPath] = process.argv.slice(2);
if (!step || !dbUrl || !rpcUrl || !wsUrl || !operatorPath || !attestorPath || !thbUrl || !thbKeyPath) {
  console.error("usage: crash-child <step> <postgres-url> <rpc-url> <ws-url> <operator-keypair> <attestor-keypair> <thb-url> <thb-keypair>");
  process.exit(2);
}
const handle = openPostgres(dbUrl, { max: 2 });
const chain = openServerChain({ rpcUrl, wsUrl, operatorKeypairPath: operatorPath });
const deps = {
  db: handle.db,
  connection: chain.connection,
  programs: chain.programs,
  operator: chain.operator,
  attestor: readKeypairFile(attestorPath, "bridge attestor"),
  thb: new ThbChainClient(thbUrl),
  thbKey: readKeypairFile(thbKeyPath, "bridge THB account"),
  leaseMs: 500,
  hook: (at: BridgeStep) => {
    if (at !== step) return;
    process.stdout.write(`killed at ${at}\n`);
    process.kill(process.pid, "SIGKILL");
  },
};
for (let i = 0; i < 50; i++) {
  await runBridgePass(deps);
  await new Promise((r) => setTimeout(r, 100));
}
console.log("finished without reaching the step");
process.exit(3);
