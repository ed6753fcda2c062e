/**
 * `npm run thb-chain` — runs the THB-chain simulator (server/thb-chain) on 127.0.0.1.
 *
 *   --port <n>            HTTP port (THB_CHAIN_PORT). Default 7070; 0 picks a free one.
 *   --data-dir <path>     State directory (THB_CHAIN_DATA_DIR). Default .data/thb-chain.
 *   --block-ms <n>        Block interval (THB_CHAIN_BLOCK_MS). Default 2000; 0 = only /admin/blocks.
 *   --confirmations <n>   Depth at which a transfer is confirmed (THB_CHAIN_CONFIRMATIONS). Default 3.
 *   --snapshot-every <n>  Records between snapshots (THB_CHAIN_SNAPSHOT_EVERY). Default 10000.
 *   --test-knobs          Enable /admin/reorg, /admin/blocks, /admin/snapshot (THB_CHAIN_TEST_KNOBS=1).
 *   --reset               Delete the data dir first (a new chain id).
 */
import fs from "node:fs";
import path from "node:path";
import { parseArgs } from "node:util";
import { closeOnSignals, intFlag, runService } from "./service-cli";
import { startThbChain, thbChainOptionsFromEnv } from "../server/thb-chain";

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      port: { type: "string" },
      "data-dir": { type: "string" },
      "block-ms": { type: "string" },
      confirmations: { type: "string" },
      "snapshot-every": { type: "string" },
      "test-knobs": { type: "boolean", default: false },
      reset: { type: "boolean", default: false },
      help: { type: "boolean", short: "h", default: false },
    },
    strict: true,
  });
  if (values.help) {
    console.log(
      "usage: npm run thb-chain -- [--port 7070] [--data-dir .data/thb-chain] [--block-ms 2000] [--confirmations 3] [--snapshot-every 10000] [--test-knobs] [--reset]",
    );
    return;
  }
  const env = thbChainOptionsFromEnv();
  const dataDir = path.resolve(values["data-dir"] ?? env.dataDir ?? ".data/thb-chain");
  if (values.reset) fs.rmSync(dataDir, { recursive: true, force: true });
  const started = await startThbChain({
    ...env,
    dataDir,
    port: intFlag("thb-chain", values.port, "port", 0) ?? env.port,
    blockMs: intFlag("thb-chain", values["block-ms"], "block-ms", 0) ?? env.blockMs,
    confirmations: intFlag("thb-chain", values.confirmations, "confirmations", 1) ?? env.confirmations,
    snapshotEvery: intFlag("thb-chain", values["snapshot-every"], "snapshot-every", 1) ?? env.snapshotEvery,
    testKnobs: values["test-knobs"] || env.testKnobs,
  });
  const { chain } = started;
  const tip = chain.tip();
  const r = chain.recovery;
  console.log(
    `thb-chain: ${started.url} chain ${tip.chainId} tip ${tip.height}; blocks every ${chain.blockMs} ms, ${chain.confirmations} confirmations; ` +
      `${r.created ? "new chain" : `recovered snapshot at record ${r.snapshotSeq}, replayed ${r.replayed} journal records`}; ` +
      `data ${chain.dataDir}${chain.testKnobs ? "; test knobs ON" : ""}`,
  );
  closeOnSignals("thb-chain", () => started.close());
}

runService("thb-chain", main);
