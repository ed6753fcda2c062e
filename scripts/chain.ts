/**
 * `npm run chain` — runs the local Solana chain alone.
 *
 *   --port <n>            HTTP JSON-RPC port (WebSocket = port + 1). Default 8899.
 *   --data-dir <path>     State directory. Default .data/localnet.
 *   --slot-ms <n>         Slot length. Default 400.
 *   --finalize-slots <n>  Slots from processed to finalized. Default 4.
 *   --cheats              Enable localnet_* test cheat methods (also LOCALNET_CHEATS=1).
 *   --reset               Delete the data dir first (new genesis).
 */
import { parseArgs } from "node:util";
import { startLocalnet } from "../server/localnet";

function int(v: string | undefined, name: string, min: number): number | undefined {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isSafeInteger(n) || n < min) {
    console.error(`chain: --${name} must be an integer >= ${min}`);
    process.exit(2);
  }
  return n;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      port: { type: "string" },
      "data-dir": { type: "string" },
      "slot-ms": { type: "string" },
      "finalize-slots": { type: "string" },
      cheats: { type: "boolean", default: false },
      reset: { type: "boolean", default: false },
      help: { type: "boolean", short: "h", default: false },
    },
    strict: true,
  });
  if (values.help) {
    console.log("usage: npm run chain -- [--port 8899] [--data-dir .data/localnet] [--slot-ms 400] [--finalize-slots 4] [--cheats] [--reset]");
    return;
  }
  const net = await startLocalnet({
    port: int(values.port, "port", 0),
    dataDir: values["data-dir"],
    slotMs: int(values["slot-ms"], "slot-ms", 10),
    finalizeSlots: int(values["finalize-slots"], "finalize-slots", 1),
    cheats: values.cheats || process.env.LOCALNET_CHEATS === "1",
    reset: values.reset,
  });
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    console.log(`localnet: ${signal}, writing a snapshot and stopping`);
    net.close().then(
      () => process.exit(0),
      (e: unknown) => {
        console.error("localnet: close failed", e);
        process.exit(1);
      },
    );
  };
  process.on("SIGINT", () => stop("SIGINT"));
  process.on("SIGTERM", () => stop("SIGTERM"));
}

main().catch((e: unknown) => {
  console.error(`chain: ${e instanceof Error ? e.message : String(e)}`);
  process.exit(1);
});
