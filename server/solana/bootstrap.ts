/**
 * Idempotent chain set-up, run by the dev runner after the chain is up (scripts/bootstrap-chain.ts)
 * and by tests: fund the operator (local chains only), then registry.initialize,
 * energy_token.initialize, oracle.initialize + the operator as feeder + a first reference price —
 * each only when the chain does not have it yet, so running it twice changes nothing. The three
 * `initialize` calls are co-signed by the deploy authority (deploy-authority.ts); the operator
 * pays and becomes the Registry and Oracle authority.
 */
import {
  addFeederInstruction,
  oracleAddress,
  oracleInitializeInstruction,
  updatePriceInstruction,
  type OracleLimits,
} from "~/programs/oracle/client";
import { type Keypair, LAMPORTS_PER_SOL, type TransactionInstruction } from "@solana/web3.js";
import {
  energyTokenInitializeInstruction,
  gridMintAddress,
  registryAddress,
  registryInitializeInstruction,
  tokenConfigAddress,
} from "~/programs/registry/client";
import { loadDeployAuthority } from "./deploy-authority";
import { sendSigned } from "./registry-actions";
import type { ServerChain } from "./connection";
import { airdrop } from "./tx";

/** Retail 4.20 THB/kWh and feed-in 2.20 THB/kWh in THBC base units (6 decimals) per kWh. */
export const INITIAL_RETAIL_PRICE = 4_200_000n;
export const INITIAL_FEED_IN_PRICE = 2_200_000n;

/** 0.1–100 THB/kWh, stale after 15 min, at most ±20 % per update. */
export const DEFAULT_ORACLE_LIMITS: OracleLimits = {
  minPrice: 100_000n,
  maxPrice: 100_000_000n,
  maxStalenessSecs: 900,
  minUpdateIntervalSecs: 0,
  maxJumpBps: 2_000,
};

export { oracleAddress };

export interface BootstrapResult {
  /** What this run did (empty when everything was already there). */
  done: string[];
  warnings: string[];
  operator: string;
  gridMint: string;
}

export async function bootstrapChain(
  chain: ServerChain,
  log: (line: string) => void = () => undefined,
  options: { deployAuthority?: () => Keypair } = {},
): Promise<BootstrapResult> {
  const { connection, operator, programs } = chain;
  const done: string[] = [];
  const warnings: string[] = [];
  const me = operator.publicKey;
  // Loaded only when something needs initialising: a bootstrapped chain needs no deploy key.
  let deployer: Keypair | undefined;
  const deploy = () => (deployer ??= (options.deployAuthority ?? loadDeployAuthority)());
  // The operator (the provider's wallet) pays; co-signers sign too.
  const send = (ix: TransactionInstruction, signers: Keypair[]) =>
    sendSigned(programs, ix, signers);

  if (chain.local) {
    const balance = await connection.getBalance(me, "confirmed");
    if (balance < 10 * LAMPORTS_PER_SOL) {
      await airdrop(connection, me, 100 * LAMPORTS_PER_SOL);
      done.push("airdropped 100 SOL to the operator");
    }
  }

  const registry = await programs.registry.account.registry.fetchNullable(
    registryAddress(),
    "confirmed",
  );
  if (!registry) {
    const ix = await registryInitializeInstruction(programs.registry, {
      payer: me,
      deployer: deploy().publicKey,
      authority: me,
    });
    await send(ix, [deploy()]);
    done.push("registry.initialize (operator is the authority)");
  } else if (!registry.authority.equals(me)) {
    warnings.push(
      `the Registry authority is ${registry.authority.toBase58()}, not the operator: admin actions from the console will fail`,
    );
  }

  if (!(await connection.getAccountInfo(tokenConfigAddress(), "confirmed"))) {
    await send(
      await energyTokenInitializeInstruction(programs.energyToken, {
        payer: me,
        deployer: deploy().publicKey,
      }),
      [deploy()],
    );
    done.push("energy_token.initialize (GRID mint)");
  }

  const oraclePda = oracleAddress();
  let oracle = await programs.oracle.account.oracle.fetchNullable(oraclePda, "confirmed");
  if (!oracle) {
    const ix = await oracleInitializeInstruction(programs.oracle, {
      payer: me,
      deployer: deploy().publicKey,
      authority: me,
      limits: DEFAULT_ORACLE_LIMITS,
    });
    await send(ix, [deploy()]);
    done.push("oracle.initialize");
    oracle = await programs.oracle.account.oracle.fetch(oraclePda, "confirmed");
  }
  const feeders = oracle.feeders.slice(0, oracle.feederCount);
  if (!feeders.some((f) => f.equals(me))) {
    if (oracle.authority.equals(me)) {
      await send(await addFeederInstruction(programs.oracle, { authority: me, feeder: me }), []);
      done.push("oracle.add_feeder(operator)");
    } else {
      warnings.push(
        `the Oracle authority is ${oracle.authority.toBase58()}: cannot add the operator as feeder`,
      );
    }
  }
  if (
    oracle.updateCount.isZero() &&
    (feeders.some((f) => f.equals(me)) || oracle.authority.equals(me))
  ) {
    const ix = await updatePriceInstruction(programs.oracle, {
      feeder: me,
      retail: INITIAL_RETAIL_PRICE,
      feedIn: INITIAL_FEED_IN_PRICE,
    });
    await send(ix, []);
    done.push("oracle.update_price(4.20 / 2.20 THB/kWh)");
  }

  for (const line of done) log(`[bootstrap] ${line}`);
  for (const line of warnings) log(`[bootstrap] warning: ${line}`);
  return { done, warnings, operator: me.toBase58(), gridMint: gridMintAddress().toBase58() };
}
