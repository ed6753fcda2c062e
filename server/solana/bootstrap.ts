/**
 * Idempotent chain set-up, run by the dev runner after the chain is up (scripts/bootstrap-chain.ts)
 * and by tests: fund the operator (local chains only), then each program's bootstrap step in the
 * program list's order (server/chain/programs.ts; the steps are in bootstrap-steps.ts), so
 * running it twice changes nothing.
 */
import { type Keypair, LAMPORTS_PER_SOL } from "@solana/web3.js";
import { loadDeployAuthority } from "~/lib/solana/deploy-authority";
import { oracleAddress } from "~/programs/oracle/client";
import { gridMintAddress } from "~/programs/energy_token/client";
import { thbcMintAddress } from "~/programs/thb_bridge/client";
import { chainProgramEntries } from "~/server/chain/programs";
import { type BootstrapContext } from "./bootstrap-steps";
import { loadBridgeAttestor } from "./bridge-attestor";
import type { ServerChain } from "./connection";
import { sendSigned } from "./registry-actions";
import { airdrop } from "./tx";

export {
  DEFAULT_BRIDGE_LIMITS,
  DEFAULT_GOVERNANCE_CONFIG,
  DEFAULT_MARKET_CONFIG,
  DEFAULT_ORACLE_LIMITS,
  INITIAL_FEED_IN_PRICE,
  INITIAL_RETAIL_PRICE,
} from "./bootstrap-steps";
export { oracleAddress };

export interface BootstrapResult {
  /** What this run did (empty when everything was already there). */
  done: string[];
  warnings: string[];
  operator: string;
  gridMint: string;
  /** The THB bridge's THBC mint (the Trading market's quote currency). */
  thbcMint: string;
}

export async function bootstrapChain(
  chain: ServerChain,
  log: (line: string) => void = () => undefined,
  options: {
    deployAuthority?: () => Keypair;
    /** Default BRIDGE_ATTESTOR_KEYPAIR_PATH, else .data/bridge-attestor-keypair.json; created on a local chain. */
    bridgeAttestorKeypairPath?: string;
  } = {},
): Promise<BootstrapResult> {
  const { connection, operator, programs } = chain;
  const me = operator.publicKey;
  let deployer: Keypair | undefined;
  let attestor: Keypair | undefined;
  const ctx: BootstrapContext = {
    chain,
    deploy: () => (deployer ??= (options.deployAuthority ?? loadDeployAuthority)()),
    bridgeAttestor: ({ create }) =>
      (attestor ??= loadBridgeAttestor(options.bridgeAttestorKeypairPath, { createIfMissing: create && chain.local })),
    send: (ix, signers) => sendSigned(programs, ix, signers),
    done: [],
    warnings: [],
  };

  if (chain.local) {
    const balance = await connection.getBalance(me, "confirmed");
    if (balance < 10 * LAMPORTS_PER_SOL) {
      await airdrop(connection, me, 100 * LAMPORTS_PER_SOL);
      ctx.done.push("airdropped 100 SOL to the operator");
    }
  }
  for (const [, program] of chainProgramEntries()) await program.bootstrap?.(ctx);

  for (const line of ctx.done) log(`[bootstrap] ${line}`);
  for (const line of ctx.warnings) log(`[bootstrap] warning: ${line}`);
  return {
    done: ctx.done,
    warnings: ctx.warnings,
    operator: me.toBase58(),
    gridMint: gridMintAddress().toBase58(),
    thbcMint: thbcMintAddress().toBase58(),
  };
}
