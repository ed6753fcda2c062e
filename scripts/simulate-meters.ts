/**
 * `npm run simulate:meters -- --meters 50 --rate 10/s [--duration 60s] [--api http://localhost:3000]
 *  [--rpc http://127.0.0.1:8899] [--data .data/simulator/fleet.json] [--capacity 5000] [--tz 7] [--single]`
 *
 * A smart-meter fleet. First run: for each meter, a device key and an owner wallet are generated
 * and saved (reruns reuse them); the owner is funded (airdrop, local chains only) and signs
 * register_user and register_meter itself, as a user would in the app; then the ADMIN STEP —
 * set_meter_status(Active) signed with the operator key — is done here on local chains only (on
 * a real cluster an admin activates meters in the console). Then it produces readings: solar
 * from a bell curve over the local day × capacity × passing clouds, household load with morning
 * and evening peaks, both integrated over the real seconds since the meter's previous reading
 * (never above what the rated capacity allows), added to the meter's cumulative registers, which
 * are what it signs with the device key (lib/meter-reading.ts, encoding V2) and posts to
 * /api/meters/submit-batch (or /submit with --single). The registers survive restarts in
 * <data>.registers.json (written every report and on exit), since a register may never go back.
 * Prints progress and accepted/rejected counts by error code.
 */
import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { parseArgs } from "node:util";
import bs58 from "bs58";
import { Keypair, LAMPORTS_PER_SOL } from "@solana/web3.js";
import { meterKeyPairFromSeed, signReading, type MeterKeyPair } from "~/lib/meter-reading";
import { meterAddress, userAddress } from "~/programs/registry/client";
import {
  closeConnectionSocket,
  createConnection,
  createPrograms,
  isLocalRpc,
  loadOperatorKeypair,
  type ChainPrograms,
} from "~/server/solana/connection";
import {
  registerMeter,
  registerUser,
  setMeterStatusOnChain,
} from "~/server/solana/registry-actions";
import { airdrop } from "~/server/solana/tx";

// ---------- the model (pure; also used by tests and the benchmark) ----------

/** Clear-sky solar output as a fraction of capacity: a bell over 06:00–18:00 local, peak at noon. */
export function solarFraction(localHour: number): number {
  if (localHour <= 6 || localHour >= 18) return 0;
  const x = (localHour - 12) / 3.2;
  return Math.exp(-x * x);
}

/** Household load in W: a base, a morning and a (larger) evening peak. */
export function loadWatts(localHour: number, baseW: number): number {
  const bump = (center: number, width: number, height: number) =>
    height * Math.exp(-(((localHour - center) / width) ** 2));
  return baseW + bump(7.5, 1.2, 900) + bump(19.5, 1.8, 1_600);
}

export interface SimMeterState {
  meterId: string;
  capacityW: number;
  baseLoadW: number;
  /** Cloud cover 0..0.9, a slow random walk. */
  cloud: number;
  lastTs: number | null;
  /** Fractions of a Wh carried to the next reading, so rounding loses nothing over time. */
  carryP: number;
  carryC: number;
  /** The cumulative registers, Wh (what the meter signs). Default 0. */
  regP?: number;
  regC?: number;
}

/**
 * The next reading at `ts` (unix s): the interval's energy over the real seconds since the
 * previous reading (the first covers 60 s; production never exceeds floor(capacity × elapsed /
 * 3600), the Registry's limit), and the registers after it.
 */
export function nextReading(
  m: SimMeterState,
  ts: number,
  tzHours: number,
  rand: () => number = Math.random,
) {
  const elapsed = m.lastTs === null ? 60 : Math.max(1, ts - m.lastTs);
  const hour = (((ts / 3600 + tzHours) % 24) + 24) % 24;
  m.cloud = Math.min(0.9, Math.max(0, m.cloud + (rand() - 0.5) * 0.1));
  const solarW = m.capacityW * solarFraction(hour) * (1 - m.cloud) * (0.97 + rand() * 0.03);
  const loadW = loadWatts(hour, m.baseLoadW) * (0.85 + rand() * 0.3);
  const p = (solarW * elapsed) / 3600 + m.carryP;
  const c = (loadW * elapsed) / 3600 + m.carryC;
  const cap = Math.floor((m.capacityW * elapsed) / 3600);
  const pWh = Math.min(cap, Math.floor(p));
  const cWh = Math.floor(c);
  m.carryP = Math.min(p - pWh, 1);
  m.carryC = c - cWh;
  m.lastTs = ts;
  m.regP = (m.regP ?? 0) + pWh;
  m.regC = (m.regC ?? 0) + cWh;
  return {
    productionWh: pWh,
    consumptionWh: cWh,
    productionRegisterWh: m.regP,
    consumptionRegisterWh: m.regC,
    timestamp: ts,
  };
}

/** The JSON body the gateway takes (base58 signature and key). */
export function readingBody(
  meterId: string,
  keys: MeterKeyPair,
  r: { productionRegisterWh: number; consumptionRegisterWh: number; timestamp: number },
) {
  const reading = {
    meterId,
    productionRegisterWh: r.productionRegisterWh,
    consumptionRegisterWh: r.consumptionRegisterWh,
    timestamp: r.timestamp,
  };
  const signature = signReading(reading, keys.privateKey);
  return {
    data: {
      meter_id: meterId,
      production_register: r.productionRegisterWh,
      consumption_register: r.consumptionRegisterWh,
      timestamp: r.timestamp,
    },
    signature: bs58.encode(signature),
    public_key: bs58.encode(keys.publicKey),
  };
}

// ---------- the fleet file ----------

interface FleetEntry {
  meterId: string;
  /** hex of the device's 32-byte Ed25519 seed */
  deviceSeed: string;
  /** base58 of the owner wallet's 64-byte secret key */
  ownerSecret: string;
  capacityW: number;
  baseLoadW: number;
}

function loadFleet(file: string, n: number, capacityW: number): FleetEntry[] {
  const fleet: FleetEntry[] = fs.existsSync(file)
    ? (JSON.parse(fs.readFileSync(file, "utf8")) as FleetEntry[])
    : [];
  while (fleet.length < n) {
    fleet.push({
      meterId: `sim-${crypto.randomBytes(4).toString("hex")}-${fleet.length + 1}`,
      deviceSeed: crypto.randomBytes(32).toString("hex"),
      ownerSecret: bs58.encode(Keypair.generate().secretKey),
      capacityW,
      baseLoadW: 250 + Math.floor(Math.random() * 400),
    });
  }
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, JSON.stringify(fleet, null, 1), { mode: 0o600 });
  return fleet.slice(0, n);
}

async function pool<T>(
  items: T[],
  concurrency: number,
  run: (item: T) => Promise<void>,
): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(concurrency, items.length) }, async () => {
      while (next < items.length) await run(items[next++]!);
    }),
  );
}

/** Registers (owner-signed) and, on local chains, activates (admin step) whatever is missing. */
async function ensureOnChain(
  programs: ChainPrograms,
  entry: FleetEntry,
  operator: Keypair | null,
  local: boolean,
): Promise<string> {
  const owner = Keypair.fromSecretKey(bs58.decode(entry.ownerSecret));
  const keys = meterKeyPairFromSeed(Buffer.from(entry.deviceSeed, "hex"));
  const connection = programs.registry.provider.connection;
  const meter = await programs.registry.account.meter.fetchNullable(
    meterAddress(entry.meterId),
    "confirmed",
  );
  if (meter && "active" in meter.status) return "active";
  if (!meter) {
    if ((await connection.getBalance(owner.publicKey, "confirmed")) < 0.05 * LAMPORTS_PER_SOL) {
      if (!local)
        throw new Error(
          `owner ${owner.publicKey.toBase58()} has no SOL (fund it; airdrops only on a local chain)`,
        );
      await airdrop(connection, owner.publicKey, LAMPORTS_PER_SOL);
    }
    // The owner's wallet signs and pays for its own registrations, as in the app.
    const asOwner = createPrograms(connection, owner);
    if (
      !(await programs.registry.account.user.fetchNullable(
        userAddress(owner.publicKey),
        "confirmed",
      ))
    ) {
      await registerUser(asOwner, {
        wallet: owner,
        userType: "prosumer",
        name: `Sim ${entry.meterId.slice(-6)}`,
      });
    }
    await registerMeter(asOwner, {
      owner,
      meterId: entry.meterId,
      meterPublicKey: keys.publicKey,
      ratedCapacityW: entry.capacityW,
    });
  }
  if (!operator) return "pending (an admin must activate it in the console)";
  // ADMIN STEP (local chains only): the operator key is the Registry authority there.
  await setMeterStatusOnChain(programs, {
    authority: operator,
    meterId: entry.meterId,
    status: "active",
  });
  return "activated by the operator (admin step)";
}

const parseDuration = (s: string) => {
  const m = /^(\d+(?:\.\d+)?)(ms|s|m|h)?$/.exec(s.trim());
  if (!m) throw new Error(`bad duration ${s}`);
  return (
    Number(m[1]) *
    { ms: 1, s: 1_000, m: 60_000, h: 3_600_000 }[(m[2] ?? "s") as "ms" | "s" | "m" | "h"]
  );
};
const parseRate = (s: string) => {
  const m = /^(\d+(?:\.\d+)?)(?:\/(s|m))?$/.exec(s.trim());
  if (!m) throw new Error(`bad rate ${s} (e.g. 10/s)`);
  return Number(m[1]) / (m[2] === "m" ? 60 : 1);
};

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      meters: { type: "string", default: "10" },
      rate: { type: "string", default: "1/s" },
      duration: { type: "string" },
      api: { type: "string", default: "http://localhost:3000" },
      rpc: { type: "string", default: process.env.SOLANA_RPC_URL ?? "http://127.0.0.1:8899" },
      data: { type: "string", default: ".data/simulator/fleet.json" },
      capacity: { type: "string", default: "5000" },
      tz: { type: "string", default: "7" },
      operator: {
        type: "string",
        default: process.env.OPERATOR_KEYPAIR_PATH ?? ".data/operator-keypair.json",
      },
      single: { type: "boolean", default: false },
      help: { type: "boolean", short: "h", default: false },
    },
    strict: true,
  });
  if (values.help) {
    console.log(
      "usage: npm run simulate:meters -- --meters 50 --rate 10/s [--duration 60s] [--api URL] [--rpc URL] [--data FILE] [--capacity W] [--tz H] [--single]",
    );
    return;
  }
  const n = Number(values.meters);
  const rate = parseRate(values.rate);
  const durationMs = values.duration ? parseDuration(values.duration) : Number.POSITIVE_INFINITY;
  const tz = Number(values.tz);
  const local = isLocalRpc(values.rpc);
  const connection = createConnection(values.rpc);
  const operator = local ? loadOperatorKeypair(values.operator, { createIfMissing: false }) : null;
  // Owners sign their own registrations; the provider's key only pays for the admin step.
  const programs = createPrograms(connection, operator ?? Keypair.generate());

  const fleet = loadFleet(values.data, n, Number(values.capacity));
  console.log(
    `[sim] ${fleet.length} meters (keys in ${values.data}); registering what is missing on ${values.rpc}`,
  );
  const states: Record<string, number> = {};
  await pool(fleet, 8, async (e) => {
    const s = await ensureOnChain(programs, e, operator, local);
    states[s] = (states[s] ?? 0) + 1;
  });
  console.log(
    `[sim] on chain: ${Object.entries(states)
      .map(([k, v]) => `${v} ${k}`)
      .join(", ")}`,
  );

  const registersFile = `${values.data}.registers.json`;
  const saved: Record<string, { p: number; c: number }> = fs.existsSync(registersFile)
    ? (JSON.parse(fs.readFileSync(registersFile, "utf8")) as Record<
        string,
        { p: number; c: number }
      >)
    : {};
  const meters = fleet.map((e) => ({
    entry: e,
    keys: meterKeyPairFromSeed(Buffer.from(e.deviceSeed, "hex")),
    state: {
      meterId: e.meterId,
      capacityW: e.capacityW,
      baseLoadW: e.baseLoadW,
      cloud: Math.random() * 0.3,
      lastTs: null,
      carryP: 0,
      carryC: 0,
      regP: saved[e.meterId]?.p ?? 0,
      regC: saved[e.meterId]?.c ?? 0,
    },
  }));
  const saveRegisters = () => {
    for (const m of meters) saved[m.entry.meterId] = { p: m.state.regP ?? 0, c: m.state.regC ?? 0 };
    fs.writeFileSync(registersFile, JSON.stringify(saved), { mode: 0o600 });
  };
  const counts: Record<string, number> = {};
  const bump = (k: string, by = 1) => (counts[k] = (counts[k] ?? 0) + by);
  let sent = 0;
  let stop = false;
  process.on("SIGINT", () => (stop = true));
  const started = Date.now();
  const tickMs = 250;
  let due = 0;
  let cursor = 0;
  let lastReport = Date.now();
  let inflight = 0;

  while (!stop && Date.now() - started < durationMs) {
    due += (rate * tickMs) / 1000;
    const now = Math.floor(Date.now() / 1000);
    const batch: ReturnType<typeof readingBody>[] = [];
    // Round-robin over meters; a meter reports at most once per second (timestamps strictly increase).
    for (let tried = 0; due >= 1 && tried < meters.length; tried++) {
      const m = meters[cursor]!;
      cursor = (cursor + 1) % meters.length;
      if (m.state.lastTs !== null && m.state.lastTs >= now) continue;
      batch.push(readingBody(m.entry.meterId, m.keys, nextReading(m.state, now, tz)));
      due -= 1;
    }
    due = Math.min(due, 1); // a slow gateway does not build a backlog of overdue readings
    if (batch.length > 0) {
      inflight += 1;
      void post(values.api, batch, values.single)
        .then((codes) => {
          for (const c of codes) bump(c);
          sent += batch.length;
        })
        .catch((err: unknown) =>
          bump(`network: ${(err as Error).message.slice(0, 60)}`, batch.length),
        )
        .finally(() => (inflight -= 1));
    }
    if (Date.now() - lastReport >= 5_000) {
      lastReport = Date.now();
      saveRegisters();
      console.log(
        `[sim] ${((Date.now() - started) / 1000).toFixed(0)} s: ${sent} posted; ${summary(counts)}`,
      );
    }
    await new Promise((r) => setTimeout(r, tickMs));
  }
  while (inflight > 0) await new Promise((r) => setTimeout(r, 50));
  saveRegisters();
  const secs = (Date.now() - started) / 1000;
  console.log(
    `[sim] done: ${sent} readings in ${secs.toFixed(1)} s (${(sent / secs).toFixed(1)}/s); ${summary(counts)}`,
  );
  closeConnectionSocket(connection);
}

function summary(counts: Record<string, number>): string {
  return Object.entries(counts)
    .sort((a, b) => b[1] - a[1])
    .map(([k, v]) => `${k}=${v}`)
    .join(" ");
}

/** Posts readings; returns one outcome label per reading ("stored", "duplicate" or the error code). */
async function post(
  api: string,
  batch: ReturnType<typeof readingBody>[],
  single: boolean,
): Promise<string[]> {
  const base = api.replace(/\/$/, "");
  if (single) {
    return Promise.all(
      batch.map(async (b) => {
        const res = await fetch(`${base}/api/meters/submit`, {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: JSON.stringify(b),
        });
        const body = (await res.json().catch(() => ({}))) as {
          error?: { code?: string };
          reading?: { duplicate?: boolean };
        };
        return res.ok
          ? body.reading?.duplicate
            ? "duplicate"
            : "stored"
          : (body.error?.code ?? `HTTP_${res.status}`);
      }),
    );
  }
  const res = await fetch(`${base}/api/meters/submit-batch`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ readings: batch }),
  });
  const body = (await res.json().catch(() => ({}))) as {
    results?: { status: number; error?: { code: string } }[];
    error?: { code?: string };
  };
  if (!body.results) return batch.map(() => body.error?.code ?? `HTTP_${res.status}`);
  return body.results.map((r) =>
    r.status === 201
      ? "stored"
      : r.status === 200
        ? "duplicate"
        : (r.error?.code ?? `HTTP_${r.status}`),
  );
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main().catch((err: unknown) => {
    console.error("[sim] failed:", err);
    process.exit(1);
  });
}
