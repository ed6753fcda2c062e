/**
 * Starts the app the way the e2e suite tests it, as Playwright's webServer:
 *  1. refuses any non-loopback URL in the environment;
 *  2. a fresh database: a new PostgreSQL database on 127.0.0.1:5432 when it answers, else PGlite
 *     in a new temp directory (migrations apply on first use either way); dropped/removed on exit;
 *  3. the Upstash-REST shim in front of the local Redis server when one answers (else the app
 *     falls back to its in-process rate limiter);
 *  4. a production build (`next build`), reused only when it was made from exactly the current
 *     sources and public env (a stamp in .next records their hash);
 *  3b/3c. the e2e Solana chain (e2e-chain.ts) and the THB-chain simulator with a fresh bridge THB
 *     account (e2e-thb-chain.ts: blocks every 500 ms, 2 confirmations) — THB_CHAIN_URL, BRIDGE_THB_*;
 *  5. `next start` on 127.0.0.1:3100 with APP_DOMAIN, ADMIN_WALLETS (the e2e admin key), a fresh
 *     CRON_SECRET and a fixed SOLANA_GENESIS_HASH, so sign-in needs no chain;
 *  6. the bridge service: POST /api/cron/bridge every 250 ms;
 *  7. the oracle feeder: POST /api/cron/oracle every 20 s (the price bootstrap published before the
 *     build would otherwise go stale, and create_order refuse OracleStale, 900 s later).
 * SIGTERM/SIGINT stop the app and clean up.
 */
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import crypto from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import postgres from "postgres";
import { portAnswers } from "~/scripts/test-backends";
import { startRedisRestServer } from "~/server/redis/rest-server";
import { KEYS } from "../fixtures/keys";
import { assertLocalOnly } from "./local-guard";
import { E2E_APP_DOMAIN, E2E_GENESIS_HASH, E2E_HOST, E2E_PORT } from "./settings";

const root = path.resolve(import.meta.dirname, "../..");
const log = (message: string) => console.log(`[e2e-app] ${message}`);

assertLocalOnly({
  DATABASE_URL: process.env.DATABASE_URL,
  TEST_POSTGRES_URL: process.env.TEST_POSTGRES_URL,
  REDIS_URL: process.env.REDIS_URL,
  TEST_REDIS_URL: process.env.TEST_REDIS_URL,
  UPSTASH_REDIS_REST_URL: process.env.UPSTASH_REDIS_REST_URL,
  SOLANA_RPC_URL: process.env.SOLANA_RPC_URL,
  NEXT_PUBLIC_SOLANA_RPC_URL: process.env.NEXT_PUBLIC_SOLANA_RPC_URL,
  NEXT_PUBLIC_SOLANA_WS_URL: process.env.NEXT_PUBLIC_SOLANA_WS_URL,
});

const cleanups: (() => Promise<void>)[] = [];
let child: ChildProcess | null = null;
let stopping = false;

async function stop(code: number): Promise<never> {
  if (!stopping) {
    stopping = true;
    const running = child?.exitCode === null ? child : null;
    if (running) {
      const exited = new Promise((r) => running.once("exit", r));
      running.kill("SIGTERM");
      await Promise.race([exited, new Promise((r) => setTimeout(r, 8_000))]);
      if (running.exitCode === null) running.kill("SIGKILL");
    }
    for (const cleanup of cleanups.reverse()) {
      await cleanup().catch((err: unknown) => log(`cleanup failed: ${String(err)}`));
    }
  }
  process.exit(code);
}
process.on("SIGTERM", () => void stop(0));
process.on("SIGINT", () => void stop(0));

// 2. The database --------------------------------------------------------------------------------

/** A database named gtx_e2e_<unix seconds>_<random>; stale ones (> 6 h) are dropped. */
async function freshPostgres(adminUrl: string): Promise<string> {
  const admin = postgres(adminUrl, { max: 1, onnotice: () => undefined });
  try {
    const name = `gtx_e2e_${Math.floor(Date.now() / 1000)}_${crypto.randomBytes(3).toString("hex")}`;
    const stale = await admin<{ datname: string }[]>`
      select datname from pg_database where datname like 'gtx\\_e2e\\_%'`;
    for (const { datname } of stale) {
      const created = Number(datname.split("_")[2]);
      if (Number.isFinite(created) && Date.now() / 1000 - created > 6 * 3600) {
        await admin.unsafe(`drop database if exists "${datname}" with (force)`);
        log(`dropped stale database ${datname}`);
      }
    }
    await admin.unsafe(`create database "${name}"`);
    cleanups.push(async () => {
      const again = postgres(adminUrl, { max: 1, onnotice: () => undefined });
      try {
        await again.unsafe(`drop database if exists "${name}" with (force)`);
        log(`dropped database ${name}`);
      } finally {
        await again.end({ timeout: 5 });
      }
    });
    const url = new URL(adminUrl);
    url.pathname = `/${name}`;
    return url.toString();
  } finally {
    await admin.end({ timeout: 5 });
  }
}

const dbEnv: Record<string, string> = {};
/** An environment variable, with "" treated as unset. */
function envVar(name: string): string | undefined {
  const value = process.env[name]?.trim() ?? "";
  return value.length > 0 ? value : undefined;
}

const pgOverride = envVar("TEST_POSTGRES_URL");
if (pgOverride !== "none" && (pgOverride !== undefined || (await portAnswers("127.0.0.1", 5432)))) {
  const adminUrl = new URL(pgOverride ?? "postgres://postgres@127.0.0.1:5432/postgres");
  adminUrl.pathname = "/postgres";
  dbEnv.DATABASE_URL = await freshPostgres(adminUrl.toString());
  log(`database: PostgreSQL ${dbEnv.DATABASE_URL}`);
} else {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "gtx-e2e-pglite-"));
  cleanups.push(() => Promise.resolve(fs.rmSync(dir, { recursive: true, force: true })));
  dbEnv.PGLITE_DIR = dir;
  log(`database: PGlite in ${dir}`);
}

// 3. Redis over the Upstash REST protocol ------------------------------------------------------

const redisEnv: Record<string, string> = {};
const redisOverride = envVar("TEST_REDIS_URL");
const redisUrl =
  (redisOverride !== "none" ? redisOverride : undefined) ??
  envVar("REDIS_URL") ??
  "redis://127.0.0.1:6379";
const redisTarget = new URL(redisUrl);
if (
  redisOverride !== "none" &&
  (await portAnswers(redisTarget.hostname, Number(redisTarget.port || 6379)))
) {
  const token = crypto.randomBytes(24).toString("base64url");
  const rest = await startRedisRestServer({ port: 0, token, redisUrl, log });
  cleanups.push(() => rest.close());
  redisEnv.UPSTASH_REDIS_REST_URL = rest.url;
  redisEnv.UPSTASH_REDIS_REST_TOKEN = token;
  log(`redis: REST shim ${rest.url} → ${redisUrl}`);
} else {
  // Nothing listens there: the app's Redis calls fail fast and it uses its in-process fallbacks.
  redisEnv.UPSTASH_REDIS_REST_URL = "http://127.0.0.1:9";
  log("redis: none answering; the app falls back to in-process rate limits");
}

// 3b. The local chain (e2e/support/e2e-chain.ts) ---------------------------------------------------
// Before the build: the browser's RPC URL is a NEXT_PUBLIC_ value baked into it. E2E_CHAIN=none
// skips it (sign-in needs no chain; only the chain flows need it).

if (envVar("E2E_CHAIN") !== "none") {
  const { startE2eChain } = await import("./e2e-chain");
  const e2eChain = await startE2eChain(root, log);
  cleanups.push(() => e2eChain.close());
  Object.assign(process.env, e2eChain.env);
}

// 3c. The THB-chain simulator (e2e/support/e2e-thb-chain.ts) for the bridge -----------------------
// Server-side only (nothing of it is baked into the build). E2E_THB_CHAIN=none skips it.

let bridgeTimer = false;
if (envVar("E2E_CHAIN") !== "none" && envVar("E2E_THB_CHAIN") !== "none") {
  const { startE2eThbChain } = await import("./e2e-thb-chain");
  const thbChain = await startE2eThbChain(log);
  cleanups.push(() => thbChain.close());
  Object.assign(process.env, thbChain.env);
  bridgeTimer = true;
}

// 4. The production build ------------------------------------------------------------------------

/** Only NEXT_PUBLIC_* values are baked into a build; server env is read at start. */
const publicEnv = Object.fromEntries(
  Object.entries(process.env)
    .filter(([k]) => k.startsWith("NEXT_PUBLIC_"))
    .sort(([a], [b]) => a.localeCompare(b)),
);

function sourceHash(): string {
  const listed = spawnSync(
    "git",
    ["ls-files", "-z", "--cached", "--others", "--exclude-standard"],
    {
      cwd: root,
      encoding: "utf8",
    },
  );
  if (listed.status !== 0) throw new Error(`git ls-files failed: ${listed.stderr}`);
  const files = listed.stdout
    .split("\0")
    .filter(Boolean)
    // Tests, docs and the on-chain sources are not part of the Next build.
    .filter((f) => !/^(e2e|programs|bench|\.ci)\//.test(f) && !/\.(test\.tsx?|md)$/.test(f))
    .sort();
  const hash = crypto.createHash("sha256");
  hash.update(JSON.stringify(publicEnv));
  for (const file of files) {
    const full = path.join(root, file);
    if (!fs.existsSync(full)) continue; // deleted but still in the index
    hash.update(file).update("\0").update(fs.readFileSync(full)).update("\0");
  }
  return hash.digest("hex");
}

const distDir = path.join(root, ".next");
const stampFile = path.join(distDir, "gtx-e2e-build-stamp");

function buildIsCurrent(expected: string): boolean {
  try {
    return (
      fs.existsSync(path.join(distDir, "BUILD_ID")) &&
      fs.readFileSync(stampFile, "utf8").trim() === expected
    );
  } catch {
    return false;
  }
}

const nextBin = path.join(root, "node_modules/.bin/next");
const buildEnv: NodeJS.ProcessEnv = {
  ...process.env,
  NEXT_TELEMETRY_DISABLED: "1",
  NODE_ENV: "production",
};

// E2E_DEV=1: `next dev` instead of a production build, for iterating on tests quickly. Not
// what the suite is for: the real run tests the production build.
const devMode = process.env.E2E_DEV === "1";
const hash = sourceHash();
if (devMode) {
  log("E2E_DEV=1: running next dev (no production build)");
} else if (process.env.E2E_SKIP_BUILD === "1" && fs.existsSync(path.join(distDir, "BUILD_ID"))) {
  log("E2E_SKIP_BUILD=1: using the existing .next build as it is");
} else if (buildIsCurrent(hash)) {
  log("reusing the production build in .next (made from these exact sources)");
} else {
  log("building the app (next build)…");
  // One build at a time in this work tree: two builds writing .next at once corrupt it.
  const build = spawnSync("flock", ["/tmp/gtx-next-build.lock", nextBin, "build"], {
    cwd: root,
    stdio: "inherit",
    env: buildEnv,
  });
  if (build.status !== 0) {
    log(`next build failed (exit ${build.status ?? build.signal})`);
    await stop(1);
  }
  // Sources edited during the build make the stamp a lie: only stamp what was built.
  if (sourceHash() === hash) fs.writeFileSync(stampFile, `${hash}\n`);
}

// 5. next start ----------------------------------------------------------------------------------

// The bridge timer below calls /api/cron/bridge with it.
const cronSecret = crypto.randomBytes(24).toString("base64url");
const appEnv: NodeJS.ProcessEnv = {
  ...process.env,
  CRON_SECRET: cronSecret,
  ...dbEnv,
  ...redisEnv,
  NODE_ENV: devMode ? "development" : "production",
  NEXT_TELEMETRY_DISABLED: "1",
  APP_DOMAIN: E2E_APP_DOMAIN,
  ADMIN_WALLETS: KEYS.admin.address,
  SOLANA_GENESIS_HASH: E2E_GENESIS_HASH,
  // Production refuses the development secret; a fresh one per run (sessions die with the run).
  AUTH_SECRET: crypto.randomBytes(32).toString("base64url"),
  PORT: String(E2E_PORT),
};
if (dbEnv.DATABASE_URL) delete appEnv.PGLITE_DIR;
else delete appEnv.DATABASE_URL;

log(
  `starting next ${devMode ? "dev" : "start"} on http://${E2E_HOST}:${E2E_PORT} (admin: ${KEYS.admin.address})`,
);
child = spawn(nextBin, [devMode ? "dev" : "start", "-H", E2E_HOST, "-p", String(E2E_PORT)], {
  cwd: root,
  stdio: "inherit",
  env: appEnv,
});
child.on("exit", (code, signal) => {
  if (stopping) return;
  log(`next start exited (${signal ?? code})`);
  void stop(code ?? 1);
});

// 6. The bridge service on a timer (as `npm run dev` runs it): one pass every 250 ms, so a
// deposit is minted within about one block of its second confirmation. Errors until the app
// answers are expected and ignored.
if (bridgeTimer) {
  let busy = false;
  let last = "";
  const timer = setInterval(() => {
    if (busy || stopping) return;
    busy = true;
    fetch(`http://${E2E_HOST}:${E2E_PORT}/api/cron/bridge`, {
      method: "POST",
      headers: { Authorization: `Bearer ${cronSecret}` },
      signal: AbortSignal.timeout(30_000),
    })
      .then(async (res) => {
        // Logged when it changes: the first pass that works, and any failure code.
        const now = res.ok ? "ok" : `${res.status} ${(await res.text()).slice(0, 200)}`;
        if (now !== last) log(`bridge service: ${now === "ok" ? "passes run" : now}`);
        last = now;
      })
      .catch(() => undefined)
      .finally(() => (busy = false));
  }, 250);
  cleanups.push(() => Promise.resolve(clearInterval(timer)));
}

// 7. The oracle feeder on a timer (as `npm run dev` runs it): the reference price stays fresh for
// create_order however long the build and the run take. Until the app answers, calls fail and are
// retried by the next tick.
{
  let busy = false;
  let last = "";
  const feed = () => {
    if (busy || stopping) return;
    busy = true;
    fetch(`http://${E2E_HOST}:${E2E_PORT}/api/cron/oracle`, {
      method: "POST",
      headers: { Authorization: `Bearer ${cronSecret}` },
      signal: AbortSignal.timeout(30_000),
    })
      .then(async (res) => {
        const now = res.ok ? "ok" : `${res.status} ${(await res.text()).slice(0, 200)}`;
        if (now !== last) log(`oracle feeder: ${now === "ok" ? "prices published" : now}`);
        last = now;
      })
      .catch(() => undefined)
      .finally(() => (busy = false));
  };
  // Every 2 s until the first pass succeeds (the app is starting), then every 20 s.
  const starting = setInterval(() => {
    if (last === "ok") clearInterval(starting);
    else feed();
  }, 2_000);
  const timer = setInterval(feed, 20_000);
  cleanups.push(() => Promise.resolve((clearInterval(starting), clearInterval(timer))));
}
