/**
 * The app's entry point around runOracleFeed: /api/cron/oracle (the dev runner's and the e2e
 * server's timer call it). The feeder key is ORACLE_FEEDER_KEYPAIR_PATH, else the operator key
 * (bootstrap lists the operator as a feeder); the targets are ORACLE_FEED_RETAIL_PRICE and
 * ORACLE_FEED_FEED_IN_PRICE (THB/kWh). One pass at a time per process.
 */
import { env } from "~/env.js";
import { readKeypairFile } from "~/lib/solana/keypair-file";
import { dropProcessSingleton, processSingleton } from "~/lib/process-singleton";
import { getServerChain } from "~/server/solana/server-chain";
import { parseThbPerKwh, runOracleFeed, type FeedOutcome } from "./feeder";

export interface OracleFeedSummary {
  feeder: string;
  outcome: "published" | "too-soon";
  /** THBC base units per kWh, as decimal strings (JSON has no bigint). */
  retail?: string;
  feedIn?: string;
  target: { retail: string; feedIn: string };
  reachedTarget?: boolean;
  reanchored?: boolean;
  signature?: string;
  retryInSecs?: number;
}

export function summarise(feeder: string, target: { retail: bigint; feedIn: bigint }, o: FeedOutcome): OracleFeedSummary {
  const t = { retail: target.retail.toString(), feedIn: target.feedIn.toString() };
  if (o.kind === "too-soon") return { feeder, outcome: "too-soon", target: t, retryInSecs: o.retryInSecs };
  return {
    feeder,
    outcome: "published",
    retail: o.retail.toString(),
    feedIn: o.feedIn.toString(),
    target: t,
    reachedTarget: o.reachedTarget,
    reanchored: o.reanchored,
    signature: o.signature,
  };
}

export function runOracleFeedNow(): Promise<OracleFeedSummary> {
  return processSingleton("oracleFeedRun", "", () =>
    (async () => {
      const chain = getServerChain();
      const feeder = env.ORACLE_FEEDER_KEYPAIR_PATH
        ? processSingleton("oracleFeederKey", env.ORACLE_FEEDER_KEYPAIR_PATH, () =>
            readKeypairFile(env.ORACLE_FEEDER_KEYPAIR_PATH!, "oracle feeder"),
          )
        : chain.operator;
      const target = { retail: parseThbPerKwh(env.ORACLE_FEED_RETAIL_PRICE), feedIn: parseThbPerKwh(env.ORACLE_FEED_FEED_IN_PRICE) };
      const outcome = await runOracleFeed({ programs: chain.programs, feeder, target });
      return summarise(feeder.publicKey.toBase58(), target, outcome);
    })().finally(() => dropProcessSingleton("oracleFeedRun")),
  );
}
