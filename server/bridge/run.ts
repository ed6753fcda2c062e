/**
 * The app's entry point around runBridgePass: the cron route (/api/cron/bridge), the dev runner's
 * timer (through that route) and the admin console's *Run now* call `runBridgePassNow()`. One pass
 * at a time per process (a second caller gets the running one's result); several processes are
 * safe by design (server/bridge/README.md).
 */
import { getDb } from "~/db/client";
import { env } from "~/env.js";
import { dropProcessSingleton, processSingleton } from "~/lib/process-singleton";
import { loadBridgeAttestor } from "~/server/solana/bridge-attestor";
import { getServerChain } from "~/server/solana/server-chain";
import { ThbChainClient } from "~/server/thb-chain/client";
import { loadBridgeThbKey, thbAddressOf } from "./keys";
import { BridgeConfigError, runBridgePass, type BridgePassSummary } from "./service";

export function runBridgePassNow(): Promise<BridgePassSummary> {
  return processSingleton("bridgeRun", "", () =>
    (async () => {
      if (!env.THB_CHAIN_URL) throw new BridgeConfigError("THB_CHAIN_URL is not set: there is no THB chain to watch");
      const chain = getServerChain();
      const thbKey = loadBridgeThbKey(env.BRIDGE_THB_KEYPAIR_PATH, { createIfMissing: true });
      if (env.BRIDGE_THB_DEPOSIT_ADDRESS && env.BRIDGE_THB_DEPOSIT_ADDRESS !== thbAddressOf(thbKey))
        throw new BridgeConfigError("BRIDGE_THB_DEPOSIT_ADDRESS is not the address of BRIDGE_THB_KEYPAIR_PATH");
      const attestor = processSingleton("bridgeAttestor", env.BRIDGE_ATTESTOR_KEYPAIR_PATH, () =>
        loadBridgeAttestor(env.BRIDGE_ATTESTOR_KEYPAIR_PATH, { createIfMissing: false }),
      );
      const thb = processSingleton("bridgeThbClient", env.THB_CHAIN_URL, () => new ThbChainClient(env.THB_CHAIN_URL));
      return runBridgePass({
        db: await getDb(),
        connection: chain.connection,
        programs: chain.programs,
        operator: chain.operator,
        attestor,
        thb,
        thbKey,
        confirmations: env.BRIDGE_CONFIRMATIONS,
        maxAttempts: env.BRIDGE_MAX_ATTEMPTS,
        log: (line) => console.error(line),
      });
    })().finally(() => dropProcessSingleton("bridgeRun")),
  );
}
