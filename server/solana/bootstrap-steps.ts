/**
 * Each program's idempotent set-up, as the program list (server/chain/programs.ts) names it:
 * done only when the chain does not have it yet. `initialize` calls are co-signed by the deploy
 * authority; the operator pays and becomes the Registry and Oracle authority.
 */
import type { Keypair, TransactionInstruction } from "@solana/web3.js";
import {
  addFeederInstruction,
  oracleAddress,
  oracleInitializeInstruction,
  updatePriceInstruction,
  type OracleLimits,
} from "~/programs/oracle/client";
import { registryAddress, registryInitializeInstruction } from "~/programs/registry/client";
import { energyTokenInitializeInstruction, tokenConfigAddress } from "~/programs/energy_token/client";
import type { ServerChain } from "./connection";

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

export interface BootstrapContext {
  chain: ServerChain;
  /** The deploy authority, loaded on first use (a bootstrapped chain needs no deploy key). */
  deploy: () => Keypair;
  /** Sends with the operator paying; `signers` co-sign. */
  send: (ix: TransactionInstruction, signers: Keypair[]) => Promise<string>;
  /** What the step did, and what it could not do. */
  done: string[];
  warnings: string[];
}

export type BootstrapStep = (ctx: BootstrapContext) => Promise<void>;

export async function bootstrapRegistry({ chain, deploy, send, done, warnings }: BootstrapContext) {
  const me = chain.operator.publicKey;
  const registry = await chain.programs.registry.account.registry.fetchNullable(
    registryAddress(),
    "confirmed",
  );
  if (!registry) {
    const ix = await registryInitializeInstruction(chain.programs.registry, {
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
}

export async function bootstrapEnergyToken({ chain, deploy, send, done }: BootstrapContext) {
  if (await chain.connection.getAccountInfo(tokenConfigAddress(), "confirmed")) return;
  const ix = await energyTokenInitializeInstruction(chain.programs.energyToken, {
    payer: chain.operator.publicKey,
    deployer: deploy().publicKey,
  });
  await send(ix, [deploy()]);
  done.push("energy_token.initialize (GRID mint)");
}

export async function bootstrapOracle({ chain, deploy, send, done, warnings }: BootstrapContext) {
  const me = chain.operator.publicKey;
  const { programs } = chain;
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
}
