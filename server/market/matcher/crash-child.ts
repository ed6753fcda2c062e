/**
 * Test helper process (matcher.test.ts): runs matcher passes and SIGKILLs itself at the step it
 * is given, the `n`-th time it gets there (e.g. `match:sent 1`: the first match_orders transaction
 * confirmed on chain, its outcome not yet recorded) — a real kill -9 mid-batch.
 * Usage: tsx server/market/matcher/crash-child.ts <step> <n> <postgres-url> <rpc-url> <ws-url> <operator-keypair> <max-fills-per-tx>
 */
import { openPostgres } from "~/db/client";
import { openServerChain } from "~/server/solana/connection";
import { createMatcher, type MatcherStep } from "./matcher";

const [step, nth, dbUrl, rpcUrl, wsUrl, operatorPath, maxFills] = process.argv.slice(2);
if (!step || !nth || !dbUrl || !rpcUrl || !wsUrl || !operatorPath || !maxFills) {
  console.error("usage: crash-child <step> <n> <postgres-url> <rpc-url> <ws-url> <operator-keypair> <max-fills-per-tx>");
  process.exit(2);
}
const handle = openPostgres(dbUrl, { max: 2 });
const chain = openServerChain({ rpcUrl, wsUrl, operatorKeypairPath: operatorPath });
let seen = 0;
const matcher = createMatcher({
  db: handle.db,
  connection: chain.connection,
  programs: chain.programs,
  operator: chain.operator,
  holder: "crash-child",
  leaseMs: 1_000,
  maxFillsPerTx: Number(maxFills),
  hook: (at: MatcherStep, info) => {
    if (at !== step || ++seen < Number(nth)) return;
    process.stdout.write(`killed at ${at} #${seen} ${info.signature}\n`);
    process.kill(process.pid, "SIGKILL");
  },
});
for (let i = 0; i < 20; i++) await matcher.runPass("crash-test");
console.log("finished without reaching the step");
process.exit(3);
