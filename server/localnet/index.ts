/**
 * The embedded local chain: JSON-RPC on 127.0.0.1:<port>, PubSub on 127.0.0.1:<port+1>.
 *
 *   const chain = await startLocalnet({ dataDir: ".data/localnet" });
 *   new Connection(chain.rpcUrl, { wsEndpoint: chain.wsUrl });
 *   await chain.close();
 */
import http from "node:http";
import fs from "node:fs";
import path from "node:path";
import { Chain } from "./chain";
import { discoverPrograms, type ProgramSpec } from "./programs";
import { PubSub } from "./pubsub";
import { createRpc } from "./rpc";

export const HOST = "127.0.0.1";

export interface LocalnetOptions {
  /** HTTP port; the WebSocket port is this + 1 (what web3.js assumes). 0 picks a free pair. Default 8899. */
  port?: number;
  /** Default `.data/localnet`. */
  dataDir?: string;
  /** Slot length in ms. Default 400. */
  slotMs?: number;
  /** Slots from processed to finalized. Default 4. */
  finalizeSlots?: number;
  /** Enable the `localnet_*` test cheat methods. Default false. */
  cheats?: boolean;
  /** Delete the data dir first. */
  reset?: boolean;
  /** Programs to deploy; default: `programs/deploy/*.so` with ids from `Anchor.toml`. */
  programs?: ProgramSpec[];
  /** Repository root used to find `Anchor.toml` and `programs/deploy`. Default: cwd. */
  root?: string;
  snapshotEveryRecords?: number;
  log?: (line: string) => void;
}

export interface Localnet {
  rpcUrl: string;
  wsUrl: string;
  port: number;
  wsPort: number;
  genesisHash: string;
  programs: Record<string, string>;
  chain: Chain;
  close(): Promise<void>;
}

function listen(server: http.Server, port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const onError = (e: Error) => {
      server.off("listening", onListening);
      reject(e);
    };
    const onListening = () => {
      server.off("error", onError);
      resolve();
    };
    server.once("error", onError);
    server.once("listening", onListening);
    server.listen(port, HOST);
  });
}

function closeServer(server: http.Server): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
  });
}

/** Binds the HTTP server on `port` and the WebSocket server on `port + 1`; port 0 searches for a free pair. */
async function bindPair(rpc: http.Server, ws: http.Server, port: number): Promise<number> {
  for (let attempt = 0; attempt < 50; attempt++) {
    const p = port !== 0 ? port : 20_000 + Math.floor(Math.random() * 40_000);
    try {
      await listen(rpc, p);
    } catch (e) {
      if (port !== 0) throw e;
      continue;
    }
    try {
      await listen(ws, p + 1);
      return p;
    } catch (e) {
      await closeServer(rpc);
      if (port !== 0) throw e;
    }
  }
  throw new Error("could not find a free pair of ports");
}

export async function startLocalnet(options: LocalnetOptions = {}): Promise<Localnet> {
  const root = options.root ?? process.cwd();
  const dataDir = path.resolve(root, options.dataDir ?? ".data/localnet");
  const log = options.log ?? ((line: string) => console.log(line));
  if (options.reset) fs.rmSync(dataDir, { recursive: true, force: true });
  let skipped: string[] = [];
  let programs = options.programs;
  if (!programs) {
    const found = discoverPrograms(path.join(root, "Anchor.toml"), path.join(root, "programs", "deploy"));
    programs = found.programs;
    skipped = found.skipped;
  }
  const chain = await Chain.open({
    dataDir,
    slotMs: options.slotMs ?? 400,
    finalizeSlots: options.finalizeSlots ?? 4,
    programs,
    snapshotEveryRecords: options.snapshotEveryRecords,
    log,
  });
  const rpc = createRpc(chain, { cheats: options.cheats ?? false });
  const rpcServer = http.createServer(rpc.listener);
  rpcServer.keepAliveTimeout = 60_000;
  const wsServer = http.createServer((_req, res) => res.writeHead(426).end("WebSocket only"));
  let port: number;
  try {
    port = await bindPair(rpcServer, wsServer, options.port ?? 8899);
  } catch (e) {
    await chain.close();
    throw e;
  }
  const pubsub = new PubSub(chain, wsServer);
  const rpcUrl = `http://${HOST}:${port}`;
  const wsUrl = `ws://${HOST}:${port + 1}`;
  const deployed = chain.deployedPrograms;
  const programList = Object.entries(deployed).map(([n, id]) => `${n}=${id}`).join(", ") || "none";
  log(
    `localnet: rpc ${rpcUrl} ws ${wsUrl} genesis ${chain.genesisHash} slot ${chain.slot} programs: ${programList}` +
      (skipped.length ? ` (not deployed: ${skipped.join(", ")})` : "") +
      `${options.cheats ? " cheats: on" : ""} data ${dataDir}`,
  );
  let closing: Promise<void> | null = null;
  return {
    rpcUrl,
    wsUrl,
    port,
    wsPort: port + 1,
    genesisHash: chain.genesisHash,
    programs: deployed,
    chain,
    close() {
      closing ??= (async () => {
        await pubsub.close();
        await Promise.all([closeServer(rpcServer), closeServer(wsServer)]);
        await chain.close();
      })();
      return closing;
    },
  };
}
