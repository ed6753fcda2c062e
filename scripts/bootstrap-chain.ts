/**
 * `npm run chain:bootstrap` (the dev runner runs it after the chain is up): idempotent chain
 * set-up with the operator key — airdrop (local chains), then each bootstrap step of the program
 * list (server/chain/programs.ts): registry / energy_token / oracle initialisation, operator as
 * feeder, first reference price, the THB bridge with its own attestor key (THBC mint). See
 * server/solana/bootstrap.ts.
 */
import { env } from "~/env.js";
import { bootstrapChain } from "~/server/solana/bootstrap";
import { closeConnectionSocket, openServerChain } from "~/server/solana/connection";

const chain = openServerChain({ rpcUrl: env.SOLANA_RPC_URL, operatorKeypairPath: env.OPERATOR_KEYPAIR_PATH });
try {
  const r = await bootstrapChain(chain, (line) => console.log(line), {
    bridgeAttestorKeypairPath: env.BRIDGE_ATTESTOR_KEYPAIR_PATH,
  });
  console.log(
    `[bootstrap] ${r.done.length === 0 ? "already set up" : `${r.done.length} step(s) done`}; operator ${r.operator}, GRID mint ${r.gridMint}, THBC mint ${r.thbcMint}`,
  );
  closeConnectionSocket(chain.connection);
  process.exit(0);
} catch (err) {
  console.error("[bootstrap] failed:", err);
  process.exit(1);
}
