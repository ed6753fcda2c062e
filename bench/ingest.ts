/**
 * `npm run bench:ingest` — meter readings accepted per second, end to end: HTTP → JSON → zod →
 * Ed25519 verify → meter checks → rate limits (Redis through the Upstash-REST shim) → PostgreSQL
 * COMMIT → answer. Measured against two servers, each in its own process:
 *   - next: the production Next.js server (`next build` of HEAD in .cache/bench-ingest/app, then
 *     `next start`), i.e. the App Router routes app/api/meters/*;
 *   - raw:  the same gateway functions on a bare node:http server (server/meters/node-http.ts),
 *     to show what the framework costs.
 * Both use the configured-database path (postgres-js pool of 10) and the shared rate limiter.
 *
 * Setup (not timed): a fresh PostgreSQL database, migrated; the REST shim in its own process;
 * N active meters registered directly in the database with deterministic keys. Worker processes
 * pre-sign their readings, then fire them over keep-alive HTTP with a fixed number in flight.
 * A meter's next reading is sent only after all of that worker's other meters had one, so no
 * reading races its own predecessor; each simulated meter posts from its own X-Forwarded-For
 * address (meters post directly), each batch from one of 256 gateway addresses.
 *
 * After each scenario the database must hold exactly the readings answered 201 (nothing
 * acknowledged is lost, nothing extra is stored). CPU seconds per component come from /proc.
 * Writes bench/results/ingest-<date>.json and .md.
 *
 * Flags: --targets raw,next  --meters 20000  --single-rounds 2  --batch-rounds 10  --batch-size 100
 *        --workers 2  --single-inflight 64  --batch-inflight 4  --no-build (reuse the last build)
 */
import { spawn, execSync, fork, type ChildProcess } from "node:child_process";
import crypto from "node:crypto";
import fs from "node:fs";
import http from "node:http";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import bs58 from "bs58";
import postgres from "postgres";
import { percentile, round } from "./support";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const SELF = fileURLToPath(import.meta.url);
const REST_TOKEN = "bench-ingest-token";
const TIMESTAMP_STEP = 10;

const { values: args } = parseArgs({
  options: {
    role: { type: "string", default: "main" },
    port: { type: "string", default: "0" },
    targets: { type: "string", default: "raw,next" },
    modes: { type: "string", default: "single,batch" },
    meters: { type: "string", default: "20000" },
    "single-rounds": { type: "string", default: "2" },
    "batch-rounds": { type: "string", default: "10" },
    "batch-size": { type: "string", default: "100" },
    workers: { type: "string", default: "2" },
    "single-inflight": { type: "string", default: "64" },
    "batch-inflight": { type: "string", default: "4" },
    "no-build": { type: "boolean", default: false },
    // Profiling aid: the raw server writes a V8 CPU profile to .cache/bench-ingest/prof.
    profile: { type: "boolean", default: false },
    "pg-url": { type: "string", default: "postgres://postgres@127.0.0.1:5432/postgres" },
  },
});

// 1. SHARED ---------------------------------------------------------------------------------------

/** Meter i's id and its deterministic key (so workers derive keys instead of receiving them). */
const meterIdOf = (i: number) => `bench-${String(i).padStart(6, "0")}`;
const seedOf = (i: number) =>
  crypto.createHash("sha256").update(`gridtokenx-bench-ingest:${i}`).digest();
/** Meter i posts from its own address; batches from one of 256 gateway addresses. */
const meterIp = (i: number) => `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`;

interface WorkPlan {
  url: string;
  mode: "single" | "batch";
  /** This worker's meters: [from, to). */
  from: number;
  to: number;
  rounds: number;
  /** Reading k of a meter has timestamp base + k × 10 s; k starts here for this scenario. */
  kOffset: number;
  base: number;
  batchSize: number;
  inflight: number;
  worker: number;
}

interface WorkResult {
  requests: number;
  readings: number;
  accepted: number;
  /** Status (single) or item status (batch) → count; codes for refusals. */
  outcomes: Record<string, number>;
  latenciesMs: number[];
  startedAt: number;
  finishedAt: number;
  /** The worker's own CPU seconds while firing. */
  cpuSeconds: number;
}

// 2. WORKER: pre-sign, then fire ------------------------------------------------------------------

async function runWorker() {
  // One persistent listener and an inbox, registered before anything else: a message that
  // arrives while no listener is attached is dropped, and the parent sends only after "hello".
  const inbox: unknown[] = [];
  let waiter: ((m: unknown) => void) | null = null;
  process.on("message", (m) => {
    if (waiter) {
      const w = waiter;
      waiter = null;
      w(m);
    } else inbox.push(m);
  });
  const nextMessage = () =>
    inbox.length > 0 ? Promise.resolve(inbox.shift()) : new Promise<unknown>((r) => (waiter = r));
  const send = (m: unknown) => process.send!(m);
  send({ hello: true });
  const { encodeReading, privateKeyFromSeed } = await import("../lib/meter-reading");
  const plan = (await nextMessage()) as WorkPlan;

  // Round-major order: consecutive readings belong to different meters.
  const keys = new Map<number, { key: crypto.KeyObject; pub: string }>();
  for (let i = plan.from; i < plan.to; i++) {
    const seed = seedOf(i);
    const key = privateKeyFromSeed(seed);
    const spki = crypto.createPublicKey(key).export({ format: "der", type: "spki" });
    keys.set(i, { key, pub: bs58.encode(spki.subarray(spki.length - 32)) });
  }
  const readings: { meter: number; json: string }[] = [];
  for (let r = 0; r < plan.rounds; r++) {
    for (let i = plan.from; i < plan.to; i++) {
      const k = plan.kOffset + r;
      const timestamp = plan.base + k * TIMESTAMP_STEP;
      // Cumulative registers: they grow with k (a meter's k-th reading), never go back.
      const production = i * 7 + k * 13;
      const consumption = i * 11 + k * 3;
      const meterId = meterIdOf(i);
      const { key, pub } = keys.get(i)!;
      const sig = crypto.sign(
        null,
        encodeReading({
          meterId,
          productionRegisterWh: production,
          consumptionRegisterWh: consumption,
          timestamp,
        }),
        key,
      );
      readings.push({
        meter: i,
        json: JSON.stringify({
          data: {
            meter_id: meterId,
            production_register: production,
            consumption_register: consumption,
            timestamp,
          },
          signature: bs58.encode(sig),
          public_key: pub,
        }),
      });
    }
  }
  const requests: { body: Buffer; ip: string; count: number }[] = [];
  if (plan.mode === "single") {
    for (const r of readings)
      requests.push({ body: Buffer.from(r.json), ip: meterIp(r.meter), count: 1 });
  } else {
    for (let s = 0, b = 0; s < readings.length; s += plan.batchSize, b++) {
      const part = readings.slice(s, s + plan.batchSize);
      requests.push({
        body: Buffer.from(`{"readings":[${part.map((r) => r.json).join(",")}]}`),
        ip: `10.250.${plan.worker}.${b % 256}`,
        count: part.length,
      });
    }
  }
  send({ ready: true });
  await nextMessage(); // "go"

  const url = new URL(plan.url);
  const path = plan.mode === "single" ? "/api/meters/submit" : "/api/meters/submit-batch";
  // Plain keep-alive http.request: fetch costs the generator several times more CPU per request.
  const agent = new http.Agent({ keepAlive: true, maxSockets: plan.inflight });
  const post = (r: (typeof requests)[number]) =>
    new Promise<{ status: number; body: string }>((resolve, reject) => {
      const req = http.request(
        {
          host: url.hostname,
          port: url.port,
          method: "POST",
          path,
          agent,
          headers: {
            "content-type": "application/json",
            "content-length": r.body.length,
            "x-forwarded-for": r.ip,
          },
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on("data", (c: Buffer) => chunks.push(c));
          res.on("end", () =>
            resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString("utf8") }),
          );
        },
      );
      req.on("error", reject);
      req.end(r.body);
    });

  const result: WorkResult = {
    requests: requests.length,
    readings: readings.length,
    accepted: 0,
    outcomes: {},
    latenciesMs: [],
    startedAt: Date.now(),
    finishedAt: 0,
    cpuSeconds: 0,
  };
  const cpu0 = process.cpuUsage();
  const count = (k: string, n = 1) => (result.outcomes[k] = (result.outcomes[k] ?? 0) + n);
  let next = 0;
  const lane = async () => {
    while (next < requests.length) {
      const r = requests[next++]!;
      const t0 = performance.now();
      const res = await post(r);
      result.latenciesMs.push(performance.now() - t0);
      if (plan.mode === "single") {
        if (res.status === 201) result.accepted++;
        count(
          res.status === 201
            ? "201"
            : `${res.status} ${(JSON.parse(res.body) as { error?: { code: string } }).error?.code ?? ""}`,
        );
      } else if (res.status === 207) {
        const b = JSON.parse(res.body) as {
          stored: number;
          results: { status: number; error?: { code: string } }[];
        };
        result.accepted += b.stored;
        for (const x of b.results)
          count(x.error ? `${x.status} ${x.error.code}` : String(x.status));
      } else count(`batch ${res.status}`, r.count);
    }
  };
  await Promise.all(Array.from({ length: plan.inflight }, lane));
  result.finishedAt = Date.now();
  const cpu = process.cpuUsage(cpu0);
  result.cpuSeconds = (cpu.user + cpu.system) / 1e6;
  agent.destroy();
  // Exit only once the (large) result has left: process.send is asynchronous.
  process.send!(result, () => process.exit(0));
}

// 3. RAW SERVER: the gateway on node:http ---------------------------------------------------------

async function runRawServer() {
  const { getDb } = await import("../db/client");
  const { buildMeterGateway } = await import("../server/meters/default-gateway");
  const { startGatewayHttpServer } = await import("../server/meters/node-http");
  const db = await getDb();
  // The routes' own wiring (server/meters/default-gateway.ts).
  const writer = process.env.BENCH_WRITER_CONCURRENCY
    ? { maxConcurrent: Number(process.env.BENCH_WRITER_CONCURRENCY), maxGroup: 1_000 }
    : undefined;
  const gateway = buildMeterGateway(db, writer ? { writer } : {});
  const server = await startGatewayHttpServer({
    gateway,
    port: Number(args.port),
    trustForwardedFor: true,
  });
  process.on("SIGTERM", () => {
    const { transactions, readings } = gateway.writerStats;
    console.log(`writer: ${readings} readings in ${transactions} transactions`);
    void server.close().then(() => process.exit(0));
  });
  console.log(`raw gateway listening ${server.url}`);
}

// 4. MAIN -----------------------------------------------------------------------------------------

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}


/** CPU seconds (user + system) of processes, from /proc/<pid>/stat. */
function cpuSeconds(pids: number[]): number {
  const tick = 100; // USER_HZ on Linux
  let total = 0;
  for (const pid of pids) {
    try {
      const stat = fs.readFileSync(`/proc/${pid}/stat`, "utf8");
      const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      total += (Number(fields[11]) + Number(fields[12])) / tick;
    } catch {
      // the process ended
    }
  }
  return total;
}

/** Pids whose command name is `name` (postgres backends, redis-server) — read only. */
function pidsNamed(name: string): number[] {
  return fs
    .readdirSync("/proc")
    .filter((d) => /^\d+$/.test(d))
    .filter((d) => {
      try {
        return fs.readFileSync(`/proc/${d}/comm`, "utf8").trim() === name;
      } catch {
        return false;
      }
    })
    .map(Number);
}

/** A process and all its descendants (next start runs its server in a child). */
function treePids(root: number): number[] {
  const out = [root];
  // for-of visits the children pushed while it runs.
  for (const pid of out) {
    try {
      const children = fs.readFileSync(`/proc/${pid}/task/${pid}/children`, "utf8").trim();
      if (children) out.push(...children.split(" ").map(Number));
    } catch {
      // gone
    }
  }
  return out;
}

function waitForLine(
  child: ChildProcess,
  pattern: RegExp,
  what: string,
  timeoutMs = 120_000,
): Promise<RegExpExecArray> {
  let out = "";
  return new Promise((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`${what} did not start in ${timeoutMs} ms:\n${out}`)),
      timeoutMs,
    );
    const onData = (d: Buffer) => {
      out += d.toString("utf8");
      const m = pattern.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve(m);
      }
    };
    child.stdout?.on("data", onData);
    child.stderr?.on("data", (d: Buffer) => (out += d.toString("utf8")));
    child.once("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`${what} exited with ${code}:\n${out}`));
    });
  });
}

async function stopChild(child: ChildProcess | null) {
  if (child?.exitCode !== null) return;
  const exited = new Promise((r) => child.once("exit", r));
  child.kill("SIGTERM");
  await Promise.race([exited, new Promise((r) => setTimeout(r, 8_000))]);
  if (child.exitCode === null) child.kill("SIGKILL");
}

async function main() {
  const METERS = Number(args.meters);
  const WORKERS = Number(args.workers);
  const targets = args.targets.split(",").map((t) => t.trim()) as ("raw" | "next")[];
  const started = new Date();
  const commit = execSync("git rev-parse --short HEAD", { cwd: ROOT }).toString().trim();
  const load1 = os.loadavg()[0]!;
  // The floor of the work: one Ed25519 verification (node:crypto, one core, cached key).
  const verifyMicros = await (async () => {
    const { generateMeterKeyPair, signReading, encodeReading, publicKeyFromBytes } =
      await import("../lib/meter-reading");
    const kp = generateMeterKeyPair();
    const r = {
      meterId: "bench-000000",
      productionRegisterWh: 1n,
      consumptionRegisterWh: 2n,
      timestamp: 1_800_000_000,
    };
    const sig = signReading(r, kp.privateKey);
    const key = publicKeyFromBytes(kp.publicKey);
    const msg = encodeReading(r);
    for (let i = 0; i < 500; i++) crypto.verify(null, msg, key, sig);
    const t0 = performance.now();
    for (let i = 0; i < 5_000; i++) crypto.verify(null, msg, key, sig);
    return round(((performance.now() - t0) * 1000) / 5_000, 1);
  })();
  console.log(
    `bench:ingest — ${os.cpus().length} × ${os.cpus()[0]?.model}, load ${load1.toFixed(2)}, commit ${commit}`,
  );

  // Database: a fresh one, dropped at the end.
  const dbName = `gtx_bench_ingest_${Math.floor(Date.now() / 1000)}`;
  const admin = postgres(args["pg-url"], { max: 1, onnotice: () => undefined });
  await admin.unsafe(`create database "${dbName}"`);
  const dbUrl = new URL(args["pg-url"]);
  dbUrl.pathname = `/${dbName}`;
  const databaseUrl = dbUrl.toString();
  const children: ChildProcess[] = [];
  const cleanup = async () => {
    for (const c of children.reverse()) await stopChild(c);
    await admin.unsafe(`drop database if exists "${dbName}" with (force)`).catch(() => undefined);
    await admin.end({ timeout: 5 });
  };
  process.on("SIGINT", () => void cleanup().then(() => process.exit(130)));

  try {
    const { openPostgres } = await import("../db/client");
    const { migrateDb } = await import("../db/migrate");
    const handle = openPostgres(databaseUrl, { max: 2 });
    await migrateDb(handle);
    const { upsertUserOnSignIn } = await import("../db/queries/users");
    const { insertMeters } = await import("../db/queries/meters");
    const { meterKeyPairFromSeed } = await import("../lib/meter-reading");
    const { user } = await upsertUserOnSignIn(handle.db, {
      wallet: bs58.encode(crypto.randomBytes(32)),
      role: "prosumer",
      forceAdmin: false,
      at: new Date(),
    });
    console.log(`bench: registering ${METERS} active meters...`);
    for (let s = 0; s < METERS; s += 2_000) {
      const batch = [];
      for (let i = s; i < Math.min(METERS, s + 2_000); i++) {
        batch.push({
          meterId: meterIdOf(i),
          ownerId: user.id,
          publicKey: bs58.encode(meterKeyPairFromSeed(seedOf(i)).publicKey),
          type: "solar" as const,
          zone: `z${i % 16}`,
          ratedCapacityW: 1_000_000,
          status: "active" as const,
        });
      }
      await insertMeters(handle.db, { meters: batch });
    }
    const benchSql = postgres(databaseUrl, { max: 1, onnotice: () => undefined });
    const countRows = async () => {
      const [row] = await benchSql<{ n: number }[]>`select count(*)::int as n from meter_readings`;
      return row!.n;
    };

    // The Upstash-REST shim in its own process, as `npm run redis:rest` runs it.
    const restPort = await freePort();
    const restEnv = {
      ...process.env,
      REDIS_REST_PORT: String(restPort),
      UPSTASH_REDIS_REST_URL: `http://127.0.0.1:${restPort}`,
      UPSTASH_REDIS_REST_TOKEN: REST_TOKEN,
    };
    const rest = spawn(
      process.execPath,
      ["--import", "tsx", path.join(ROOT, "scripts/redis-rest.ts")],
      {
        cwd: ROOT,
        env: restEnv,
        stdio: ["ignore", "pipe", "pipe"],
      },
    );
    children.push(rest);
    await waitForLine(rest, /Upstash REST endpoint/, "redis-rest");
    const serverEnv = {
      ...restEnv,
      DATABASE_URL: databaseUrl,
      NODE_ENV: "production" as const,
      NEXT_TELEMETRY_DISABLED: "1",
      // No chain runs here: only the gateway is measured.
      INDEXER_AUTOSTART: "false",
    };

    // Timestamps: every scenario continues each meter's sequence, inside the 72 h window.
    const base = Math.floor(Date.now() / 1000) - 200_000;
    let kOffset = 0;
    let expectedRows = 0;

    const runScenario = async (
      url: string,
      mode: "single" | "batch",
      rounds: number,
      serverPids: () => number[],
      /** Only the first this many meters take part (the warm-up). */
      meterCount = METERS,
    ) => {
      const per = Math.ceil(meterCount / WORKERS);
      const workers = Array.from({ length: WORKERS }, () =>
        fork(SELF, ["--role", "worker"], { stdio: "inherit" }),
      );
      const plans: WorkPlan[] = workers.map((_, w) => ({
        url,
        mode,
        from: w * per,
        to: Math.min(meterCount, (w + 1) * per),
        rounds,
        kOffset,
        base,
        batchSize: Number(args["batch-size"]),
        inflight: Number(mode === "single" ? args["single-inflight"] : args["batch-inflight"]),
        worker: w,
      }));
      kOffset += rounds;
      // Each worker's messages in order: hello, ready, result. A worker that dies fails the run.
      const inboxes = workers.map((w, i) => {
        const queue: unknown[] = [];
        const waiting: { resolve: (m: unknown) => void; reject: (e: Error) => void }[] = [];
        w.on("message", (m) => (waiting.length ? waiting.shift()!.resolve(m) : queue.push(m)));
        w.once("exit", (code) => {
          for (const x of waiting.splice(0)) x.reject(new Error(`worker ${i} exited with ${code}`));
          queue.push(new Error(`worker ${i} exited with ${code}`));
        });
        return () =>
          new Promise<unknown>((resolve, reject) => {
            const m = queue.shift();
            if (m instanceof Error) reject(m);
            else if (m !== undefined) resolve(m);
            else waiting.push({ resolve, reject });
          });
      });
      await Promise.all(inboxes.map((next) => next())); // hello
      workers.forEach((w, i) => w.send(plans[i]!));
      await Promise.all(inboxes.map((next) => next())); // ready
      const results = inboxes.map((next) => next() as Promise<WorkResult>);
      const groups = {
        server: serverPids,
        "redis-rest": () => [rest.pid!],
        "redis-server": () => pidsNamed("redis-server"),
        postgres: () => pidsNamed("postgres"),
      };
      const cpu0 = Object.fromEntries(Object.entries(groups).map(([k, f]) => [k, cpuSeconds(f())]));
      const t0 = performance.now();
      workers.forEach((w) => w.send("go"));
      const done = await Promise.all(results);
      const seconds = (performance.now() - t0) / 1000;
      const cpu: Record<string, number> = Object.fromEntries(
        Object.entries(groups).map(([k, f]) => [k, round(cpuSeconds(f()) - cpu0[k]!, 1)]),
      );
      const latencies = done.flatMap((d) => d.latenciesMs).sort((a, b) => a - b);
      const outcomes: Record<string, number> = {};
      for (const d of done)
        for (const [k, v] of Object.entries(d.outcomes)) outcomes[k] = (outcomes[k] ?? 0) + v;
      cpu["load generator"] = round(
        done.reduce((s, d) => s + d.cpuSeconds, 0),
        1,
      );
      const accepted = done.reduce((s, d) => s + d.accepted, 0);
      const readings = done.reduce((s, d) => s + d.readings, 0);
      const requests = done.reduce((s, d) => s + d.requests, 0);
      expectedRows += accepted;
      const rows = await countRows();
      const r = {
        mode,
        readingsPerRequest: mode === "single" ? 1 : Number(args["batch-size"]),
        requests,
        readings,
        accepted,
        seconds: round(seconds, 2),
        readingsPerSecond: round(accepted / seconds, 0),
        requestsPerSecond: round(requests / seconds, 0),
        latencyMs: {
          p50: round(percentile(latencies, 50), 2),
          p95: round(percentile(latencies, 95), 2),
          p99: round(percentile(latencies, 99), 2),
          max: round(latencies.at(-1) ?? NaN, 1),
        },
        inflight: plans[0]!.inflight * WORKERS,
        outcomes,
        cpuSeconds: cpu,
        rowsInDatabase: rows,
        rowsMatchAcknowledged: rows === expectedRows,
      };
      console.log(
        `  ${mode}: ${r.accepted}/${r.readings} accepted in ${r.seconds} s = ${r.readingsPerSecond} readings/s; p50 ${r.latencyMs.p50} ms p95 ${r.latencyMs.p95} ms p99 ${r.latencyMs.p99} ms; cpu ${JSON.stringify(cpu)}; rows ${rows} (expected ${expectedRows})`,
      );
      if (rows !== expectedRows)
        throw new Error(`database holds ${rows} readings, ${expectedRows} were acknowledged`);
      return r;
    };

    const results: Record<string, unknown>[] = [];
    const buildFailures: string[] = [];
    for (const target of targets) {
      const port = await freePort();
      let server: ChildProcess;
      if (target === "raw") {
        const prof = args.profile
          ? ["--cpu-prof", `--cpu-prof-dir=${path.join(ROOT, ".cache/bench-ingest/prof")}`]
          : [];
        server = spawn(
          process.execPath,
          [...prof, "--import", "tsx", SELF, "--role", "raw-server", "--port", String(port)],
          {
            cwd: ROOT,
            env: serverEnv,
            stdio: ["ignore", "pipe", "pipe"],
          },
        );
        children.push(server);
        await waitForLine(server, /raw gateway listening/, "raw server");
        server.stdout?.on("data", (d: Buffer) => {
          const m = /writer: (\d+) readings in (\d+) transactions/.exec(d.toString("utf8"));
          if (m)
            console.log(
              `  raw writer: ${m[1]} readings in ${m[2]} transactions (${round(Number(m[1]) / Number(m[2]), 1)} per transaction, warm-up included)`,
            );
        });
      } else {
        const appDir = path.join(ROOT, ".cache/bench-ingest/app");
        if (!args["no-build"] || !fs.existsSync(path.join(appDir, ".next"))) {
          console.log("bench: next build of HEAD in .cache/bench-ingest/app ...");
          fs.rmSync(appDir, { recursive: true, force: true });
          fs.mkdirSync(appDir, { recursive: true });
          execSync(`git archive HEAD | tar -x -C "${appDir}"`, { cwd: ROOT, stdio: "inherit" });
          // Without its own lockfile the copy's workspace root is this repo, so the symlinked
          // node_modules stays inside it.
          fs.rmSync(path.join(appDir, "package-lock.json"), { force: true });
          // The copy lives inside this repo: keep its tests out of this repo's vitest runs.
          for (const f of fs.readdirSync(appDir, { recursive: true, encoding: "utf8" })) {
            if (/\.test\.tsx?$/.test(f)) fs.rmSync(path.join(appDir, f));
          }
          fs.symlinkSync(path.join(ROOT, "node_modules"), path.join(appDir, "node_modules"));
          try {
            execSync(`${path.join(ROOT, "node_modules/.bin/next")} build`, {
              cwd: appDir,
              env: { ...serverEnv },
              stdio: "inherit",
            });
          } catch {
            // HEAD belongs to everyone working in this tree: report it, measure the rest.
            console.error("bench: next build of HEAD failed; the next target is skipped");
            buildFailures.push(`next build of ${commit} failed`);
            fs.rmSync(path.join(appDir, ".next"), { recursive: true, force: true });
            continue;
          }
        }
        server = spawn(
          path.join(ROOT, "node_modules/.bin/next"),
          ["start", "-H", "127.0.0.1", "-p", String(port)],
          {
            cwd: appDir,
            env: serverEnv,
            stdio: ["ignore", "pipe", "pipe"],
          },
        );
        children.push(server);
        await waitForLine(server, /Ready in/, "next start");
      }
      const url = `http://127.0.0.1:${port}`;
      console.log(`bench: ${target} server at ${url}`);
      const pids = () => treePids(server.pid!);
      // Warm-up (JIT, pools, prepared statements, meter cache), not reported.
      const modes = args.modes.split(",").map((m) => m.trim()) as ("single" | "batch")[];
      for (const mode of modes) await runScenario(url, mode, 1, pids, Math.min(METERS, 2_000));
      for (const mode of modes) {
        const rounds = Number(mode === "single" ? args["single-rounds"] : args["batch-rounds"]);
        results.push({ target, ...(await runScenario(url, mode, rounds, pids)) });
      }
      await stopChild(server);
    }
    await handle.close();
    await benchSql.end({ timeout: 5 });

    // 5. REPORT ---------------------------------------------------------------------------------
    const date = started.toISOString().slice(0, 10);
    const machine = {
      cpu: os.cpus()[0]?.model ?? "unknown",
      cores: os.cpus().length,
      ramGiB: round(os.totalmem() / 2 ** 30, 1),
      os: `${os.type()} ${os.release()}`,
      node: process.version,
      postgres: (
        (await admin.unsafe("show server_version")) as unknown as { server_version: string }[]
      )[0]?.server_version,
      loadAverage1mAtStart: round(load1, 2),
      ed25519VerifyMicrosOneCore: verifyMicros,
    };
    const config = {
      meters: METERS,
      workers: WORKERS,
      batchSize: Number(args["batch-size"]),
      singleRounds: Number(args["single-rounds"]),
      batchRounds: Number(args["batch-rounds"]),
      dbPool: 10,
      rateLimits: "meter:ip and meter:submit through @upstash/ratelimit → REST shim → redis-server",
      writer: "group commit, ≤ 2 transactions in flight, ≤ 1000 readings per transaction",
      synchronousCommit: (
        (await admin.unsafe("show synchronous_commit")) as unknown as {
          synchronous_commit: string;
        }[]
      )[0]?.synchronous_commit,
    };
    const out = { date: started.toISOString(), commit, machine, config, results, buildFailures };
    const dir = path.join(ROOT, "bench/results");
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(path.join(dir, `ingest-${date}.json`), JSON.stringify(out, null, 2) + "\n");
    const rows = results as ({ target: string } & Awaited<ReturnType<typeof runScenario>>)[];
    const md = [
      `# Meter ingest benchmark (${date})`,
      "",
      `Machine: ${machine.cpu}, ${machine.cores} cores, ${machine.ramGiB} GiB, ${machine.os}, Node ${machine.node}, PostgreSQL ${machine.postgres}, commit ${commit}.`,
      `Run at ${out.date}; 1-minute load average ${machine.loadAverage1mAtStart} at the start (other processes share the cores).`,
      `Server, REST shim, redis-server, PostgreSQL and ${WORKERS} load-generator processes all ran on this machine.`,
      "",
      `${METERS} active meters; every reading is signed (Ed25519), verified, checked and committed to PostgreSQL (synchronous_commit=${config.synchronousCommit}) before its answer.`,
      "",
      "| server | endpoint | readings/request | in flight | readings | accepted/s | requests/s | p50 ms | p95 ms | p99 ms | rows = acks |",
      "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |",
      ...rows.map(
        (r) =>
          `| ${r.target} | ${r.mode === "single" ? "submit" : "submit-batch"} | ${r.readingsPerRequest} | ${r.inflight} | ${r.accepted}/${r.readings} | **${r.readingsPerSecond}** | ${r.requestsPerSecond} | ${r.latencyMs.p50} | ${r.latencyMs.p95} | ${r.latencyMs.p99} | ${r.rowsMatchAcknowledged ? "yes" : "NO"} |`,
      ),
      "",
      "CPU seconds used during each run, by component:",
      "",
      "| server | endpoint | seconds | server | redis-rest | redis-server | postgres | load generator |",
      "| --- | --- | --- | --- | --- | --- | --- | --- |",
      ...rows.map(
        (r) =>
          `| ${r.target} | ${r.mode === "single" ? "submit" : "submit-batch"} | ${r.seconds} | ${r.cpuSeconds.server} | ${r.cpuSeconds["redis-rest"]} | ${r.cpuSeconds["redis-server"]} | ${r.cpuSeconds.postgres} | ${r.cpuSeconds["load generator"]} |`,
      ),
      "",
      "The same as CPU microseconds per accepted reading (all components together on 2 cores):",
      "",
      "| server | endpoint | server | redis (shim + server) | postgres | load generator | total |",
      "| --- | --- | --- | --- | --- | --- | --- |",
      ...rows.map((r) => {
        const us = (sec: number) => round((sec * 1e6) / Math.max(1, r.accepted), 0);
        const c = r.cpuSeconds;
        const total =
          c.server! + c["redis-rest"]! + c["redis-server"]! + c.postgres! + c["load generator"]!;
        return `| ${r.target} | ${r.mode === "single" ? "submit" : "submit-batch"} | ${us(c.server!)} | ${us(c["redis-rest"]! + c["redis-server"]!)} | ${us(c.postgres!)} | ${us(c["load generator"]!)} | ${us(total)} |`;
      }),
      "",
      `One Ed25519 verification alone costs ${verifyMicros} µs of one core here (node:crypto, measured at the start of this run), ` +
        `so verifying alone caps this machine at about ${round((2 * 1e6) / verifyMicros, -2)} readings/s with both cores and nothing else running.`,
      "",
      "Outcomes other than 201 (if any): " +
        (rows
          .flatMap((r) =>
            Object.entries(r.outcomes)
              .filter(([k]) => k !== "201")
              .map(([k, v]) => `${r.target}/${r.mode}: ${k} × ${v}`),
          )
          .join("; ") || "none"),
      ...(buildFailures.length ? ["", `Not measured: ${buildFailures.join("; ")}.`] : []),
      "",
    ].join("\n");
    fs.writeFileSync(path.join(dir, `ingest-${date}.md`), md);
    console.log(md);
  } finally {
    await cleanup();
  }
}

if (args.role === "worker") await runWorker();
else if (args.role === "raw-server") await runRawServer();
else await main();
