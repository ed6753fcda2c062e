/**
 * Each program's idempotent set-up, as the program list (server/chain/programs.ts) names it:
 * done only when the chain does not have it yet. `initialize` calls are co-signed by the deploy
 * authority; the operator pays and becomes the Registry and Oracle authority, the THB bridge's
 * admin (never its attestor: that is a key of its own, server/solana/bridge-attestor.ts) and the
 * Trading market's params and emergency authority, and Governance's authority (the ERC issuer).
 */
import bs58 from "bs58";
import {
  createAssociatedTokenAccountIdempotentInstruction,
  getAssociatedTokenAddressSync,
} from "@solana/spl-token";
import type { Keypair, TransactionInstruction } from "@solana/web3.js";
import {
  addFeederInstruction,
  oracleAddress,
  oracleInitializeInstruction,
  updatePriceInstruction,
  type OracleLimits,
} from "~/programs/oracle/client";
import { registryAddress, registryInitializeInstruction } from "~/programs/registry/client";
import {
  energyTokenInitializeInstruction,
  gridMintAddress,
  tokenConfigAddress,
} from "~/programs/energy_token/client";
import {
  bridgeAddress,
  bridgeInitializeInstruction,
  thbcMintAddress,
  type BridgeLimits,
} from "~/programs/thb_bridge/client";
import {
  governanceAddress,
  governanceInitializeInstruction,
  type GovernanceConfig,
} from "~/programs/governance/client";
import { marketAddress, tradingInitializeInstruction, type MarketConfig } from "~/programs/trading/client";
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

/** One THB in THBC base units (6 decimals). */
const THB = 1_000_000n;

/**
 * The bridge's limits at bootstrap: 100,000 THB per deposit, 1,000,000 THB minted per UTC day,
 * and a withdrawal the attestors neither pay nor reject refundable by anyone after 24 h.
 */
export const DEFAULT_BRIDGE_LIMITS: BridgeLimits = {
  maxPerDeposit: 100_000n * THB,
  maxPerDay: 1_000_000n * THB,
  withdrawalTimeoutSecs: 86_400n,
};

/**
 * The Trading market's settings at bootstrap: orders of at least 1 kWh (1,000 Wh), a 0.25 % fee
 * (paid by the seller), limits within ±30 % of the Oracle's retail price, and a reference price
 * usable while the Oracle itself calls it fresh: `max_oracle_age_secs` is the Oracle's own
 * `max_staleness_secs` (DEFAULT_ORACLE_LIMITS, 15 min). A longer age would let orders be priced
 * against a price every other reader already treats as stale; a shorter one would refuse orders
 * between feeds the Oracle still accepts. Bootstrap publishes the first price once, so without a
 * feeder publishing again, create_order refuses (OracleStale) from 15 min after the last price.
 */
export const DEFAULT_MARKET_CONFIG: MarketConfig = {
  minOrderWh: 1_000n,
  maxOracleAgeSecs: DEFAULT_ORACLE_LIMITS.maxStalenessSecs,
  feeBps: 25,
  priceBandBps: 3_000,
};

export interface BootstrapContext {
  chain: ServerChain;
  /** The deploy authority, loaded on first use (a bootstrapped chain needs no deploy key). */
  deploy: () => Keypair;
  /**
   * The THB bridge's attestor key (bridge-attestor.ts), loaded on first use; never the operator.
   * `create`: make it when missing (only ever on a local chain).
   */
  bridgeAttestor: (options: { create: boolean }) => Keypair;
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

/**
 * The THB bridge: initialised once with the operator as admin, one attestor (1 of 1: the key of
 * bridge-attestor.ts, separate from the operator), DEFAULT_BRIDGE_LIMITS and the cluster's
 * genesis hash as the cluster tag every attestation is bound to. It creates the THBC mint
 * (`thbcMintAddress()`), the currency the Trading market settles in.
 */
export async function bootstrapThbBridge({ chain, deploy, bridgeAttestor, send, done, warnings }: BootstrapContext) {
  const me = chain.operator.publicKey;
  const program = chain.programs.thbBridge;
  const bridge = await program.account.bridge.fetchNullable(bridgeAddress(), "confirmed");
  if (!bridge) {
    const attestor = bridgeAttestor({ create: true }).publicKey;
    if (attestor.equals(me))
      throw new Error(
        "the bridge attestor key is the operator key: point BRIDGE_ATTESTOR_KEYPAIR_PATH at a key of its own (the bridge refuses an admin who is an attestor)",
      );
    const clusterTag = bs58.decode(await chain.connection.getGenesisHash());
    const ix = await bridgeInitializeInstruction(program, {
      payer: me,
      deployer: deploy().publicKey,
      admin: me,
      clusterTag,
      attestors: [attestor],
      threshold: 1,
      limits: DEFAULT_BRIDGE_LIMITS,
    });
    await send(ix, [deploy()]);
    done.push(
      `thb_bridge.initialize (THBC mint ${thbcMintAddress().toBase58()}; operator is the admin, attestor ${attestor.toBase58()} 1 of 1)`,
    );
    return;
  }
  if (!bridge.admin.equals(me))
    warnings.push(`the THB bridge admin is ${bridge.admin.toBase58()}, not the operator: pause and limits from the console will fail`);
  let attestor: Keypair | null = null;
  try {
    attestor = bridgeAttestor({ create: false });
  } catch (err) {
    warnings.push(`cannot check the THB bridge's attestors: ${(err as Error).message}`);
  }
  if (attestor && !bridge.attestors.slice(0, bridge.attestorCount).some((k) => k.equals(attestor.publicKey)))
    warnings.push(
      `the bridge attestor key ${attestor.publicKey.toBase58()} is not one of the THB bridge's attestors: its proofs will be refused`,
    );
}

/**
 * The Trading market: initialised once, co-signed by the deploy authority, with the operator as
 * its params authority and its emergency authority (pause), GRID = Energy Token's mint, THBC =
 * the THB bridge's mint (so this step runs after the bridge's: the list order is the bootstrap
 * order), DEFAULT_MARKET_CONFIG, and fees paid to the operator's THBC token account (its
 * associated token account, created when missing).
 */
export async function bootstrapTrading({ chain, deploy, send, done, warnings }: BootstrapContext) {
  const me = chain.operator.publicKey;
  const { programs, connection } = chain;
  const existing = await programs.trading.account.market.fetchNullable(marketAddress(), "confirmed");
  if (existing) {
    if (!existing.paramsAuthority.equals(me))
      warnings.push(
        `the Trading market's params authority is ${existing.paramsAuthority.toBase58()}, not the operator: market settings from the console will fail`,
      );
    if (!existing.emergencyAuthority.equals(me))
      warnings.push(
        `the Trading market's emergency authority is ${existing.emergencyAuthority.toBase58()}, not the operator: pause from the console will fail`,
      );
    return;
  }
  const bridge = await programs.thbBridge.account.bridge.fetchNullable(bridgeAddress(), "confirmed");
  if (!bridge) {
    warnings.push("the THB bridge is not initialised: the Trading market needs its THBC mint, so it was not initialised");
    return;
  }
  const gridMint = gridMintAddress();
  if (!(await connection.getAccountInfo(gridMint, "confirmed"))) {
    warnings.push("the GRID mint does not exist: the Trading market was not initialised");
    return;
  }
  const thbcMint = bridge.thbcMint;
  const feeDestination = getAssociatedTokenAddressSync(thbcMint, me);
  if (!(await connection.getAccountInfo(feeDestination, "confirmed"))) {
    await send(createAssociatedTokenAccountIdempotentInstruction(me, feeDestination, me, thbcMint), []);
    done.push(`created the operator's THBC account ${feeDestination.toBase58()} (the market's fee destination)`);
  }
  const ix = await tradingInitializeInstruction(programs.trading, {
    payer: me,
    deployer: deploy().publicKey,
    paramsAuthority: me,
    emergencyAuthority: me,
    gridMint,
    thbcMint,
    feeDestination,
    config: DEFAULT_MARKET_CONFIG,
  });
  await send(ix, [deploy()]);
  done.push(
    `trading.initialize (market ${marketAddress().toBase58()}; operator is the params and emergency authority; fee ${DEFAULT_MARKET_CONFIG.feeBps} bps to ${feeDestination.toBase58()})`,
  );
}

/**
 * Governance's voting settings at bootstrap: a vote lasts at least 1 day (the program's floor,
 * MIN_VOTING_SECS_FLOOR) and at most 30 days; the quorum is 10 % of the Registry's total
 * production (fixed per proposal when it is created).
 */
export const DEFAULT_GOVERNANCE_CONFIG: GovernanceConfig = {
  minVotingSecs: 86_400,
  maxVotingSecs: 30 * 86_400,
  quorumBps: 1_000,
};

/**
 * Governance: the Governance PDA initialised with the operator as its authority (the ERC issuer:
 * validates and revokes certificates, changes the voting config) and DEFAULT_GOVERNANCE_CONFIG.
 * It runs after Trading's step (the list order). It does NOT hand the market's params authority
 * to Governance: the admin console keeps setting market params, and a parameter proposal that
 * passes stays `Voting` (finalize refuses with NotMarketAuthority) until an admin proposes the
 * hand-over (Trading transfer_params_authority to the Governance PDA) and anyone sends
 * accept_market_authority. Signals and rejections finalize regardless.
 */
export async function bootstrapGovernance({ chain, deploy, send, done, warnings }: BootstrapContext) {
  const me = chain.operator.publicKey;
  const existing = await chain.programs.governance.account.governance.fetchNullable(governanceAddress(), "confirmed");
  if (existing) {
    if (!existing.authority.equals(me))
      warnings.push(
        `the Governance authority is ${existing.authority.toBase58()}, not the operator: validating and revoking certificates from the console will fail`,
      );
    return;
  }
  const ix = await governanceInitializeInstruction(chain.programs.governance, {
    payer: me,
    deployer: deploy().publicKey,
    authority: me,
    config: DEFAULT_GOVERNANCE_CONFIG,
  });
  await send(ix, [deploy()]);
  done.push(
    `governance.initialize (${governanceAddress().toBase58()}; operator is the ERC issuer; votes ${DEFAULT_GOVERNANCE_CONFIG.minVotingSecs / 86_400}–${DEFAULT_GOVERNANCE_CONFIG.maxVotingSecs / 86_400} days, quorum ${DEFAULT_GOVERNANCE_CONFIG.quorumBps / 100} % of total production; the market's params authority stays with the operator)`,
  );
}
