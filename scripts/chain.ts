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
import { closeOnSignals, intFlag, runService } from "./service-cli";
import { startLocalnet } from "../server/localnet";

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
    port: intFlag("chain", values.port, "port", 0),
    dataDir: values["data-dir"],
    slotMs: intFlag("chain", values["slot-ms"], "slot-ms", 10),
    finalizeSlots: intFlag("chain", values["finalize-slots"], "finalize-slots", 1),
    cheats: values.cheats || process.env.LOCALNET_CHEATS === "1",
    reset: values.reset,
  });
  closeOnSignals("localnet", () => net.close());
}

runService("chain", main);
