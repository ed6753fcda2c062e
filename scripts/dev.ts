/**
 * `npm run dev`: the whole product on one machine.
 *  1. the Upstash-REST endpoint in front of the local Redis server (if one answers),
 *  2. the local Solana chain (LiteSVM behind JSON-RPC :8899 / WebSocket :8900, programs deployed,
 *     state kept in .data/localnet),
 *  3. the Next.js app on http://localhost:3000 (PGlite in .data/pglite unless DATABASE_URL is set;
 *     migrations apply on first use),
 *  4. chain bootstrap (scripts/bootstrap-chain.ts) before the app, and after it the indexer and a
 *     mint-poller timer inside the app process (through /api/cron/index and /api/cron/mint),
 *  5. the THB-chain simulator (`npm run thb-chain`, http://127.0.0.1:7070, state in .data/thb-chain)
 *     and the bridge service on a timer (/api/cron/bridge every BRIDGE_INTERVAL_MS), with the
 *     bridge's THB account key in BRIDGE_THB_KEYPAIR_PATH (created when missing),
 *  6. the oracle feeder (/api/cron/oracle) at once and every ORACLE_FEED_INTERVAL_MS (60 s), so the
 *     reference price the Trading market needs never goes stale (server/oracle-feeder).
 * Ctrl-C stops everything. Flags: --no-chain (use SOLANA_RPC_URL as it is), --no-thb-chain (use
 * THB_CHAIN_URL as it is, or none), --prod (next start after next build instead of next dev).
 */
import { spawn, type ChildProcess } from "node:child_process";
import path from "node:path";
import { loadBridgeThbKey, thbAddressOf } from "~/server/bridge/keys";
import { startRedisRestServer } from "~/server/redis/rest-server";
import { portAnswers } from "./test-backends";

const root = path.resolve(import.meta.dirname, "..");
const args = new Set(process.argv.slice(2));
process.env.NEXT_TELEMETRY_DISABLED = "1";

const children: ChildProcess[] = [];
let stopping = false;

function start(name: string, cmd: string, cmdArgs: string[]): ChildProcess {
  const child = spawn(cmd, cmdArgs, { cwd: root, stdio: "inherit", env: process.env });
  child.on("exit", (code, signal) => {
    if (stopping) return;
    console.error(`[dev] ${name} exited (${signal ?? code}); stopping everything`);
    void shutdown(1);
  });
  children.push(child);
  return child;
}

async function waitForPort(port: number, what: string, timeoutMs = 120_000) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await portAnswers("127.0.0.1", port)) return;
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`${what} did not open port ${port} within ${timeoutMs / 1000}s`);
}

let closeRest: (() => Promise<void>) | null = null;

async function shutdown(code: number) {
  if (stopping) return;
  stopping = true;
  for (const c of children) c.kill("SIGTERM");
  await closeRest?.();
  process.exit(code);
}
process.on("SIGINT", () => void shutdown(0));
process.on("SIGTERM", () => void shutdown(0));

const redisRestPort = Number(process.env.REDIS_REST_PORT ?? 8079);
const redisUrl = process.env.REDIS_URL ?? "redis://127.0.0.1:6379";
if (await portAnswers("127.0.0.1", redisRestPort)) {
  console.log(`[dev] Redis REST endpoint already answers on :${redisRestPort}`);
} else {
  const rest = await startRedisRestServer({
    port: redisRestPort,
    token: process.env.UPSTASH_REDIS_REST_TOKEN ?? "gridtokenx-local-token",
    redisUrl,
  });
  closeRest = () => rest.close();
  console.log(`[dev] Redis REST endpoint ${rest.url} → ${redisUrl}`);
}

if (!args.has("--no-chain")) {
  if (await portAnswers("127.0.0.1", 8899)) {
    console.log("[dev] a chain already answers on :8899; using it");
  } else {
    start("chain", "npx", ["tsx", "scripts/chain.ts"]);
    await waitForPort(8899, "the local chain");
  }
}

// The THB-chain simulator and the bridge's THB account (the deposit address the Wallet page shows).
if (!args.has("--no-thb-chain")) {
  const port = Number(process.env.THB_CHAIN_PORT ?? 7070);
  if (await portAnswers("127.0.0.1", port)) {
    console.log(`[dev] a THB chain already answers on :${port}; using it`);
  } else {
    start("thb-chain", "npx", ["tsx", "scripts/thb-chain.ts"]);
    await waitForPort(port, "the THB-chain simulator");
  }
  process.env.THB_CHAIN_URL ??= `http://127.0.0.1:${port}`;
}
if (process.env.THB_CHAIN_URL) {
  const key = loadBridgeThbKey(process.env.BRIDGE_THB_KEYPAIR_PATH ?? ".data/bridge-thb-keypair.json", { createIfMissing: true });
  process.env.BRIDGE_THB_DEPOSIT_ADDRESS ??= thbAddressOf(key);
  console.log(`[dev] THB chain ${process.env.THB_CHAIN_URL}; bridge deposit address ${process.env.BRIDGE_THB_DEPOSIT_ADDRESS}`);
}

// Idempotent chain set-up with the operator key (registry, GRID mint, oracle + first price).
{
  const boot = spawn("npx", ["tsx", "scripts/bootstrap-chain.ts"], {
    cwd: root,
    stdio: "inherit",
    env: process.env,
  });
  const code = await new Promise<number>((r) => boot.on("exit", (c) => r(c ?? 1)));
  if (code !== 0)
    console.error("[dev] chain bootstrap failed; the mint poller and indexer will report errors");
}

if (args.has("--prod")) {
  const build = spawn("npx", ["next", "build"], { cwd: root, stdio: "inherit" });
  const code = await new Promise<number>((r) => build.on("exit", (c) => r(c ?? 1)));
  if (code !== 0) await shutdown(code);
  start("next", "npx", ["next", "start", "-H", "127.0.0.1", "-p", "3000"]);
} else {
  start("next", "npx", ["next", "dev", "-H", "127.0.0.1", "-p", "3000"]);
}
await waitForPort(3000, "the Next.js app");
console.log("[dev] GridTokenX is up: http://localhost:3000");

// Background jobs run INSIDE the app process (PGlite allows one process per data dir): the app
// starts its indexer (the index call waits for it to be up, or starts it when INDEXER_AUTOSTART is
// false), then the mint poller runs every MINT_POLLER_INTERVAL_MS (default 1 s) and the matcher
// every MATCHER_INTERVAL_MS (default 1 s, /api/cron/match).
{
  const cron = (route: string) =>
    fetch(`http://127.0.0.1:3000/api/cron/${route}`, {
      method: "POST",
      headers: {
        Authorization: `Bearer ${process.env.CRON_SECRET ?? "gridtokenx-local-cron-secret"}`,
      },
    });
  await cron("index").catch((err: unknown) => console.error("[dev] indexer start failed:", err));
  const timer = (route: string, label: string, every: number, options: { now?: boolean } = {}) => {
    let busy = false;
    let lastError = "";
    const tick = () => {
      if (busy || stopping) return;
      busy = true;
      cron(route)
        .then(async (res) => {
          const text = res.ok ? "" : `${res.status} ${(await res.text()).slice(0, 200)}`;
          // The same failure every second says nothing new: log it when it changes.
          if (text && text !== lastError) console.error(`[dev] ${label}: ${text}`);
          lastError = text;
        })
        .catch(() => undefined)
        .finally(() => (busy = false));
    };
    if (every > 0) {
      if (options.now) tick();
      setInterval(tick, every);
    }
  };
  timer("mint", "mint poller", Number(process.env.MINT_POLLER_INTERVAL_MS ?? 1_000));
  timer("match", "matcher", Number(process.env.MATCHER_INTERVAL_MS ?? 1_000));
  timer("oracle", "oracle feeder", Number(process.env.ORACLE_FEED_INTERVAL_MS ?? 60_000), { now: true });
  if (process.env.THB_CHAIN_URL) timer("bridge", "bridge service", Number(process.env.BRIDGE_INTERVAL_MS ?? 500));
}
