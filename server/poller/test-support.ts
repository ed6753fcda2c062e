/**
 * Shared by the poller, indexer and cron tests: a real local chain (fast slots, temp dir) with the
 * real programs, bootstrapped with a fresh operator; a real database (createTestDb); helpers that
 * register users and meters on chain the way a user and the admin would, mirror them into the
 * database (as the indexer will), and store signed readings.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import bs58 from "bs58";
import { getAssociatedTokenAddressSync } from "@solana/spl-token";
import { Keypair, LAMPORTS_PER_SOL, type Connection } from "@solana/web3.js";
import { eq } from "drizzle-orm";
import { storeReadings } from "~/db/queries/readings";
import { meters, users } from "~/db/schema";
import { createTestDb, type TestDb } from "~/db/testing";
import { generateMeterKeyPair, signReading, type MeterKeyPair } from "~/lib/meter-reading";
import { meterAddress, userAddress } from "~/programs/registry/client";
import { gridMintAddress } from "~/programs/energy_token/client";
import { createIndexer, type ChainIndexer, type IndexerOptions } from "~/server/indexer/indexer";
import { startLocalnet, type Localnet } from "~/server/localnet";
import { bootstrapChain } from "~/server/solana/bootstrap";
import {
  closeConnectionSocket,
  openServerChain,
  type ServerChain,
} from "~/server/solana/connection";
import {
  registerMeter,
  registerUser,
  sendSigned,
  setMeterStatusOnChain,
} from "~/server/solana/registry-actions";
import { updatePriceInstruction } from "~/programs/oracle/client";
import { airdrop } from "~/server/solana/tx";

const ROOT = path.resolve(import.meta.dirname, "../..");

export interface ChainEnv {
  net: Localnet;
  chain: ServerChain;
  tdb: TestDb;
  keypairPath: string;
  /** The THB bridge's attestor key (bootstrap initialised the bridge with it, 1 of 1). */
  attestorKeypairPath: string;
  close(): Promise<void>;
}

export async function startChainEnv(options: { slotMs?: number } = {}): Promise<ChainEnv> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "gtx-poller-"));
  const net = await startLocalnet({
    port: 0,
    dataDir: path.join(dir, "chain"),
    slotMs: options.slotMs ?? 50,
    finalizeSlots: 2,
    root: ROOT,
    log: () => undefined,
  });
  const keypairPath = path.join(dir, "operator.json");
  const chain = openServerChain({
    rpcUrl: net.rpcUrl,
    wsUrl: net.wsUrl,
    operatorKeypairPath: keypairPath,
  });
  const attestorKeypairPath = path.join(dir, "bridge-attestor.json");
  await bootstrapChain(chain, undefined, { bridgeAttestorKeypairPath: attestorKeypairPath });
  const tdb = await createTestDb();
  return {
    net,
    chain,
    tdb,
    keypairPath,
    attestorKeypairPath,
    async close() {
      closeConnectionSocket(chain.connection);
      await tdb.close();
      await net.close();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** oracle.update_price by the operator (a feeder after bootstrap); returns the signature. */
export async function publishPrice(env: ChainEnv, retail: bigint, feedIn: bigint): Promise<string> {
  const ix = await updatePriceInstruction(env.chain.programs.oracle, {
    feeder: env.chain.operator.publicKey,
    retail,
    feedIn,
  });
  return sendSigned(env.chain.programs, ix, []);
}

/** An indexer on the env's chain and database (no catch-up timer; start it or not). */
export function envIndexer(env: ChainEnv, options: Partial<IndexerOptions> = {}): ChainIndexer {
  return createIndexer({
    db: env.tdb.db,
    connection: env.chain.connection,
    programs: env.chain.programs,
    catchUpIntervalMs: 0,
    ...options,
  });
}

export interface ChainMeter {
  meterId: string;
  owner: Keypair;
  keys: MeterKeyPair;
  capacityW: number;
}

let counter = 0;

/** A prosumer with one active meter, on chain (owner-signed, admin-activated) and in the database. */
export async function createChainMeter(
  env: ChainEnv,
  options: {
    capacityW?: number;
    owner?: Keypair;
    /** false: chain only (the indexer mirrors it) */ mirror?: boolean;
  } = {},
): Promise<ChainMeter> {
  const { chain, tdb } = env;
  const owner = options.owner ?? Keypair.generate();
  // 50 kW: series() packs readings 10 s apart (the chain takes them from the activation on).
  const capacityW = options.capacityW ?? 50_000;
  const meterId = `pm-${process.pid}-${++counter}-${Math.random().toString(36).slice(2, 6)}`;
  const keys = generateMeterKeyPair();
  if (!options.owner) {
    await airdrop(chain.connection, owner.publicKey, LAMPORTS_PER_SOL);
    await registerUser(chain.programs, {
      wallet: owner,
      userType: "prosumer",
      name: "Test prosumer",
    });
  }
  await registerMeter(chain.programs, {
    owner,
    meterId,
    meterPublicKey: keys.publicKey,
    ratedCapacityW: capacityW,
  });
  await setMeterStatusOnChain(chain.programs, {
    authority: chain.operator,
    meterId,
    status: "active",
  });

  if (options.mirror === false) return { meterId, owner, keys, capacityW };
  const wallet = owner.publicKey.toBase58();
  await tdb.db
    .insert(users)
    .values({
      walletAddress: wallet,
      role: "prosumer",
      pdaAddress: userAddress(owner.publicKey).toBase58(),
    })
    .onConflictDoNothing();
  const [u] = await tdb.db
    .select({ id: users.id })
    .from(users)
    .where(eq(users.walletAddress, wallet));
  await tdb.db.insert(meters).values({
    meterId,
    ownerId: u!.id,
    publicKey: bs58.encode(keys.publicKey),
    type: "solar",
    zone: "1",
    ratedCapacityW: capacityW,
    status: "active",
    pdaAddress: meterAddress(meterId).toBase58(),
  });
  return { meterId, owner, keys, capacityW };
}

/** The energy of one interval (Wh) ending at `timestamp`. */
export interface PlainReading {
  productionWh: bigint;
  consumptionWh: bigint;
  timestamp: number;
}

/** Each test meter's registers after its last stored reading. */
const registersOf = new Map<string, { p: bigint; c: bigint }>();

/**
 * Stores signed readings the way the gateway does (its own transaction, state pending). The
 * intervals become cumulative registers; a meter's first call first stores its baseline (random
 * lifetime registers, 10 s before the first reading), so every interval given here is minted.
 */
export async function storeSigned(
  env: ChainEnv,
  meter: ChainMeter,
  readings: PlainReading[],
): Promise<void> {
  const signed = (r: {
    productionRegisterWh: bigint;
    consumptionRegisterWh: bigint;
    timestamp: number;
  }) => ({
    meterId: meter.meterId,
    ...r,
    signature: bs58.encode(signReading({ meterId: meter.meterId, ...r }, meter.keys.privateKey)),
    publicKey: bs58.encode(meter.keys.publicKey),
  });
  const rows = [];
  let regs = registersOf.get(meter.meterId);
  if (!regs && readings.length > 0) {
    regs = {
      p: BigInt(Math.floor(Math.random() * 1e9)),
      c: BigInt(Math.floor(Math.random() * 1e9)),
    };
    rows.push(
      signed({
        productionRegisterWh: regs.p,
        consumptionRegisterWh: regs.c,
        timestamp: readings[0]!.timestamp - 10,
      }),
    );
  }
  for (const r of readings) {
    regs = { p: regs!.p + r.productionWh, c: regs!.c + r.consumptionWh };
    rows.push(
      signed({
        productionRegisterWh: regs.p,
        consumptionRegisterWh: regs.c,
        timestamp: r.timestamp,
      }),
    );
  }
  const out = await storeReadings(env.tdb.db, { readings: rows });
  for (const o of out)
    if (o.kind !== "stored") throw new Error(`reading not stored: ${JSON.stringify(o)}`);
  if (regs) registersOf.set(meter.meterId, regs);
}

/**
 * `n` (≤ 25) intervals of 10 s from `start` (default: 15 s from now; createChainMeter's default
 * 50 kW allows 138 Wh each). The chain takes readings from the meter's activation on and at most
 * 300 s ahead of its clock, so a series starts after the meter was activated and stays close.
 */
export function series(
  n: number,
  f: (i: number) => { p: number; c: number },
  start = Math.floor(Date.now() / 1000) + 15,
): PlainReading[] {
  return Array.from({ length: n }, (_, i) => {
    const { p, c } = f(i);
    return { productionWh: BigInt(p), consumptionWh: BigInt(c), timestamp: start + i * 10 };
  });
}

/**
 * What the Registry mints over the whole run when every settlement happens after all the readings
 * so far were recorded: the running max of net generation (a deficit after a settle mints nothing
 * back). With settles only at the end this is max(0, ΣP − ΣC).
 */
export function netGeneration(readings: PlainReading[]): bigint {
  let p = 0n;
  let c = 0n;
  for (const r of readings) {
    p += r.productionWh;
    c += r.consumptionWh;
  }
  return p > c ? p - c : 0n;
}

export async function gridBalance(connection: Connection, owner: Keypair): Promise<bigint> {
  const ata = getAssociatedTokenAddressSync(gridMintAddress(), owner.publicKey, true);
  const info = await connection.getTokenAccountBalance(ata, "confirmed").catch(() => null);
  return info ? BigInt(info.value.amount) : 0n;
}

/** Polls `check` until it returns true. */
export async function until(
  check: () => Promise<boolean>,
  timeoutMs = 10_000,
  what = "condition",
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`timed out waiting for ${what}`);
}
