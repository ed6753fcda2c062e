/**
 * `npm run bench:trading` — the Trading program (programs/trading):
 *
 *  1. Compute units per instruction on LiteSVM (the test fixture, programs/trading/fixture.ts):
 *     initialize, create_order (sell, buy), cancel_order and close_order (one to three payouts),
 *     match_orders with 1, 4, 8 and 16 fills (distinct orders in every fill), read from the transaction metadata
 *     (unitsConsumed) and, for the program alone, from its "consumed" log line; and the
 *     transaction bytes of match_orders, legacy and v0 with an address lookup table (ALT).
 *  2. Fills settled per second through the local chain's RPC server: the chain as its own
 *     process (scripts/chain.ts, 400 ms slots, as `npm run chain`), set up through the programs'
 *     clients (Oracle with a price, GRID and THBC mints, the Market), N traders with resting
 *     orders, then match_orders transactions (--fills per transaction through an ALT) pre-signed
 *     and sent concurrently with sendTransaction (what web3.js's sendRawTransaction calls) for
 *     --seconds; a fill counts once getSignatureStatuses reports its transaction `confirmed`
 *     without error.
 *
 * Writes bench/results/trading-<date>.json and .md.
 */
import fs from "node:fs";
import http from "node:http";
import os from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import anchor from "@coral-xyz/anchor";
import bs58 from "bs58";
import { Bench } from "tinybench";
import {
  createAssociatedTokenAccountIdempotentInstruction,
  createInitializeMint2Instruction,
  createMintToInstruction,
  getAssociatedTokenAddressSync,
  MINT_SIZE,
} from "@solana/spl-token";
import {
  AddressLookupTableAccount,
  AddressLookupTableProgram,
  Connection,
  Keypair,
  PublicKey,
  SystemProgram,
  Transaction,
  TransactionMessage,
  VersionedTransaction,
  type TransactionInstruction,
} from "@solana/web3.js";
import { loadDeployAuthority } from "~/lib/solana/deploy-authority";
import { addFeederInstruction, oracleInitializeInstruction, updatePriceInstruction } from "~/programs/oracle/client";
import { LIMITS } from "~/programs/oracle/fixture";
import { oracleIdl, type Oracle } from "~/programs/oracle/idl/oracle";
import {
  clientOrderIdWithBump255,
  createOrderInstruction,
  marketAddress,
  matchOrdersInstruction,
  orderAddress,
  tradingInitializeInstruction,
  TOKEN_PROGRAM,
  type Fill,
} from "~/programs/trading/client";
import { CONFIG, RETAIL, FEED_IN, TradingFixture, type Trader } from "~/programs/trading/fixture";
import { tradingIdl, type Trading } from "~/programs/trading/idl/trading";
import { ROOT, fastKey, machine, percentile, round, rpcClient, startChain } from "./support";

const { AnchorProvider, Program, Wallet } = anchor;

const LAMPORTS_PER_SOL = 1_000_000_000;
const PACKET = 1232;
/** Pre-signed transactions per phase: enough for this many fills per second over --seconds. */
const POOL_FILLS_PER_SECOND = 2_500;
const ALT_PROGRAM = new PublicKey("AddressLookupTab1e1111111111111111111111111");

const { values: args } = parseArgs({
  options: {
    seconds: { type: "string", default: "20" },
    fills: { type: "string", default: "8" },
    pairs: { type: "string", default: "128" },
    "orders-per-trader": { type: "string", default: "4" },
    cranks: { type: "string", default: "8" },
    window: { type: "string", default: "32" },
    "slot-ms": { type: "string", default: "400" },
    "skip-rpc": { type: "boolean", default: false },
  },
  strict: true,
});
const SECONDS = Number(args.seconds);
const FILLS = Number(args.fills);
const PAIRS = Number(args.pairs);
const ORDERS_PER_TRADER = Number(args["orders-per-trader"]);
const CRANKS = Number(args.cranks);
const WINDOW = Number(args.window);
const SLOT_MS = Number(args["slot-ms"]);

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
/** The 56-byte lookup table header (active, never deactivated) followed by the addresses. */
function altData(addresses: PublicKey[]): Uint8Array {
  const d = Buffer.alloc(56 + 32 * addresses.length);
  d.writeUInt32LE(1, 0); // ProgramState::LookupTable
  d.writeBigUInt64LE((1n << 64n) - 1n, 4); // deactivation_slot: u64::MAX (active)
  d.writeBigUInt64LE(0n, 12); // last_extended_slot
  d.writeUInt8(0, 20); // last_extended_slot_start_index
  d.writeUInt8(0, 21); // authority: None (frozen)
  addresses.forEach((a, i) => a.toBuffer().copy(d, 56 + 32 * i));
  return d;
}

const altAccount = (key: PublicKey, addresses: PublicKey[]) =>
  new AddressLookupTableAccount({
    key,
    state: { deactivationSlot: (1n << 64n) - 1n, lastExtendedSlot: 0, lastExtendedSlotStartIndex: 0, addresses },
  });

/** Serialised size of a legacy transaction, or null if it does not fit a packet. */
function legacyBytes(ixs: TransactionInstruction[], payer: Keypair, blockhash: string): number | null {
  const tx = new Transaction({ feePayer: payer.publicKey, recentBlockhash: blockhash }).add(...ixs);
  try {
    tx.sign(payer);
    const n = tx.serialize().length;
    return n <= PACKET ? n : null;
  } catch {
    return null;
  }
}

function v0Tx(ixs: TransactionInstruction[], payer: Keypair, blockhash: string, alts: AddressLookupTableAccount[]): Uint8Array | null {
  const msg = new TransactionMessage({ payerKey: payer.publicKey, recentBlockhash: blockhash, instructions: ixs }).compileToV0Message(alts);
  const tx = new VersionedTransaction(msg);
  tx.sign([payer]);
  try {
    const raw = tx.serialize();
    return raw.length <= PACKET ? raw : null;
  } catch {
    return null;
  }
}

// ---------------------------------------------------------------- 1. compute units on LiteSVM

interface CuRow {
  instruction: string;
  txCu: number;
  programCu: number;
  perFillCu?: number;
  bytes?: number;
  note?: string;
}

async function computeUnits() {
  const f = new TradingFixture();
  await f.setupChain();
  const rows: CuRow[] = [];
  const programCuOf = (logs: string[]) => f.programCu({ logs } as Parameters<TradingFixture["programCu"]>[0]);
  const ok = <T extends { ok: boolean; err: unknown }>(what: string, r: T): T => {
    if (!r.ok) throw new Error(`${what} failed: ${JSON.stringify(r.err)}`);
    return r;
  };

  const init = ok("initialize", f.chain.send(await f.initIx(), [f.deployer]));
  rows.push({ instruction: "initialize", txCu: init.computeUnits, programCu: f.programCu(init) });

  const nextId = (t: Trader, from = 1n) => clientOrderIdWithBump255(t.kp.publicKey, from);
  const create = async (t: Trader, side: "buy" | "sell", id: bigint, amountWh = 10_000n, limitPrice = RETAIL) => {
    const tx = await f.createTx(t, { side, id, amountWh, limitPrice });
    return ok(`create_order ${side}`, f.sendCreate(tx));
  };

  const seller = f.trader();
  const buyer = f.trader();
  const sId = nextId(seller);
  const bId = nextId(buyer);
  const cs = await create(seller, "sell", sId);
  rows.push({ instruction: "create_order (sell, bump 255)", txCu: cs.computeUnits, programCu: f.programCu(cs), });
  const cb = await create(buyer, "buy", bId);
  rows.push({ instruction: "create_order (buy, bump 255)", txCu: cb.computeUnits, programCu: f.programCu(cb) });

  const cId = nextId(seller, sId + 1n);
  await create(seller, "sell", cId);
  const cancel = ok("cancel_order", f.chain.send(await f.cancelIx(seller, cId), [seller.kp]));
  rows.push({ instruction: "cancel_order (sell, nothing filled)", txCu: cancel.computeUnits, programCu: f.programCu(cancel), note: "1 payout" });
  // partly filled orders: a buy pays out GRID and THBC, a sell its GRID back, its THBC and the fee
  {
    const pb = f.trader();
    const ps = f.trader();
    const pbId = nextId(pb);
    const psId = nextId(ps);
    await create(ps, "sell", psId);
    await create(pb, "buy", pbId, 10_000n, RETAIL + 200_000n);
    ok("partial fill", f.chain.send(f.matchIx([f.fill(pb, pbId, ps, psId, 4_000n)])));
    const cbuy = ok("cancel_order buy", f.chain.send(await f.cancelIx(pb, pbId), [pb.kp]));
    rows.push({ instruction: "cancel_order (buy, partly filled)", txCu: cbuy.computeUnits, programCu: f.programCu(cbuy), note: "2 payouts: GRID, THBC" });
    const csell = ok("cancel_order sell", f.chain.send(await f.cancelIx(ps, psId), [ps.kp]));
    rows.push({ instruction: "cancel_order (sell, partly filled)", txCu: csell.computeUnits, programCu: f.programCu(csell), note: "3 payouts: GRID back, THBC, fee" });
  }

  // match_orders with n fills, each between two orders of its own (distinct traders).
  const blockhash = f.chain.svm.latestBlockhash();
  const bytes: { fills: number; legacy: number | null; v0Alt: number | null; note?: string }[] = [];
  let logsTruncated16 = false;
  let maxLegacy = 0;
  let firstFilled: { t: Trader; id: bigint } | null = null;
  // Same limits: a full fill leaves the buy nothing to release. A buy limit above the sell's: the
  // fill settles at the maker's (the sell's) price and the difference is credited to the buyer.
  // Neither moves a token: a fill writes the two orders.
  const IMPROVED = RETAIL + 200_000n;
  const cases = [
    ...[1, 2, 3, 4, 8, 16].map((n) => ({ n, buyLimit: RETAIL })),
    ...[1, 4, 8].map((n) => ({ n, buyLimit: IMPROVED })),
  ];
  for (const { n, buyLimit } of cases) {
    const improved = buyLimit !== RETAIL;
    const fills: Fill[] = [];
    for (let i = 0; i < n; i++) {
      const s = f.trader();
      const b = f.trader();
      const si = nextId(s);
      const bi = nextId(b);
      await create(s, "sell", si);
      await create(b, "buy", bi, 10_000n, buyLimit);
      fills.push(f.fill(b, bi, s, si, 10_000n));
      if (n === 1 && !improved) firstFilled = { t: s, id: si };
    }
    const ix = f.matchIx(fills);
    const addresses = [...new Set(ix.keys.map((k) => k.pubkey.toBase58()))].map((k) => new PublicKey(k));
    const altKey = Keypair.generate().publicKey;
    f.chain.setAccount(altKey, { lamports: f.chain.minimumBalance(56 + 32 * addresses.length), owner: ALT_PROGRAM, data: altData(addresses) });
    const alt = altAccount(altKey, addresses);
    const legacy = legacyBytes([ix], f.chain.payer, blockhash);
    if (legacy !== null) maxLegacy = Math.max(maxLegacy, n);
    const raw = v0Tx([ix], f.chain.payer, f.chain.svm.latestBlockhash(), [alt]);
    if (!improved) bytes.push({ fills: n, legacy, v0Alt: raw?.length ?? null, note: "distinct pairs" });
    if (!raw) throw new Error(`${n} fills do not fit a v0 transaction`);
    if (![1, 4, 8, 16].includes(n)) continue;
    const r = f.chain.svm.send(raw, true);
    f.chain.svm.expireBlockhash();
    if (r.err !== null) throw new Error(`match_orders ${n} failed: ${JSON.stringify(r.err)}\n${r.logs.join("\n")}`);
    const programCu = programCuOf(r.logs);
    rows.push({
      instruction: `match_orders, ${n} fill${n > 1 ? "s" : ""}${improved ? `, buy limit +${(IMPROVED - RETAIL) / 1000n} base units/Wh (release)` : ", same limits"}`,
      txCu: r.unitsConsumed, programCu, perFillCu: round(programCu / n, 0), bytes: raw.length, note: `v0 + ALT, ${ix.keys.length + 2} accounts`,
    });
  }
  // 16 fills that share orders: 4 buys x 4 sells, each fill 2.5 kWh of 10 kWh orders (33 accounts).
  {
    const ss = Array.from({ length: 4 }, () => f.trader());
    const bs = Array.from({ length: 4 }, () => f.trader());
    const sIds = ss.map((t) => nextId(t));
    const bIds = bs.map((t) => nextId(t));
    for (let i = 0; i < 4; i++) {
      await create(ss[i]!, "sell", sIds[i]!);
      await create(bs[i]!, "buy", bIds[i]!);
    }
    const fills: Fill[] = [];
    for (let i = 0; i < 4; i++) for (let j = 0; j < 4; j++) fills.push(f.fill(bs[i]!, bIds[i]!, ss[j]!, sIds[j]!, 2_500n));
    const ix = f.matchIx(fills);
    const addresses = [...new Set(ix.keys.map((k) => k.pubkey.toBase58()))].map((k) => new PublicKey(k));
    const altKey = Keypair.generate().publicKey;
    f.chain.setAccount(altKey, { lamports: f.chain.minimumBalance(56 + 32 * addresses.length), owner: ALT_PROGRAM, data: altData(addresses) });
    const raw = v0Tx([ix], f.chain.payer, f.chain.svm.latestBlockhash(), [altAccount(altKey, addresses)]);
    if (!raw) throw new Error("16 shared fills do not fit");
    const r = f.chain.svm.send(raw, true);
    f.chain.svm.expireBlockhash();
    if (r.err !== null) throw new Error(`match_orders 4x4 failed: ${JSON.stringify(r.err)}\n${r.logs.join("\n")}`);
    // Were the logs past the 10,000-byte limit ("Log truncated"), the program's "consumed" line
    // would be lost; the transaction's units are then all the program's (one instruction).
    logsTruncated16 = r.logs.includes("Log truncated");
    const programCu = logsTruncated16 ? r.unitsConsumed : programCuOf(r.logs);
    rows.push({ instruction: "match_orders, 16 fills, 4 buys x 4 sells", txCu: r.unitsConsumed, programCu, perFillCu: round(programCu / 16, 0), bytes: raw.length, note: `v0 + ALT, ${addresses.length + 2} accounts${logsTruncated16 ? "; logs truncated (program CU = transaction CU)" : ""}` });
    const legacy = legacyBytes([ix], f.chain.payer, blockhash);
    bytes.push({ fills: 16, legacy, v0Alt: raw.length, note: "4 buys x 4 sells" });
  }
  // Legacy probe past the measured sizes (distinct orders; sizes only).
  for (let n = maxLegacy + 1; n <= 64; n++) {
    const fills = Array.from({ length: n }, () => ({
      buyOrder: Keypair.generate().publicKey, sellOrder: Keypair.generate().publicKey, amountWh: 1n,
    }));
    if (legacyBytes([f.matchIx(fills)], f.chain.payer, blockhash) === null) break;
    maxLegacy = n;
  }

  // Execution time on LiteSVM in-process (no RPC, no ledger): the chain's ceiling. Pre-signed
  // 8-fill transactions (release case, distinct pairs, 500 kWh orders, 1.0-1.3 kWh fills) and,
  // for scale, SOL transfers; each iteration executes the next one.
  const EXEC_TXS = 300;
  const execFills: Fill[] = [];
  for (let i = 0; i < 8; i++) {
    const s = f.trader();
    const b = f.trader();
    const si = nextId(s);
    const bi = nextId(b);
    await create(s, "sell", si, 500_000n);
    await create(b, "buy", bi, 500_000n, IMPROVED);
    execFills.push(f.fill(b, bi, s, si, 0n));
  }
  const execIx = f.matchIx(execFills);
  const execAddresses = [...new Set(execIx.keys.map((k) => k.pubkey.toBase58()))].map((k) => new PublicKey(k));
  const execAltKey = Keypair.generate().publicKey;
  f.chain.setAccount(execAltKey, { lamports: f.chain.minimumBalance(56 + 32 * execAddresses.length), owner: ALT_PROGRAM, data: altData(execAddresses) });
  const execAlt = altAccount(execAltKey, execAddresses);
  const bh = f.chain.svm.latestBlockhash();
  const matchPool = Array.from({ length: EXEC_TXS + 20 }, (_, k) =>
    v0Tx([f.matchIx(execFills.map((x) => ({ ...x, amountWh: 1_000n + BigInt(k) })))], f.chain.payer, bh, [execAlt])!,
  );
  const to = Keypair.generate().publicKey;
  const transferPool = Array.from({ length: EXEC_TXS + 20 }, (_, k) => {
    const tx = new Transaction({ feePayer: f.chain.payer.publicKey, recentBlockhash: bh }).add(SystemProgram.transfer({ fromPubkey: f.chain.payer.publicKey, toPubkey: to, lamports: 1_000_000 + k }));
    tx.sign(f.chain.payer);
    return tx.serialize();
  });
  let mi = 0;
  let ti = 0;
  let execErr: unknown = null;
  const bench = new Bench({ time: 0, iterations: EXEC_TXS, warmupTime: 0, warmupIterations: 10 });
  bench
    .add("match_orders, 8 fills (release)", () => {
      const r = f.chain.svm.send(matchPool[mi++]!, true);
      execErr ??= r.err;
    })
    .add("SOL transfer", () => {
      f.chain.svm.send(transferPool[ti++]!, false);
    });
  await bench.run();
  if (execErr !== null) throw new Error(`timed match_orders failed: ${JSON.stringify(execErr)}`);
  const execution = bench.tasks.map((t) => ({
    tx: t.name,
    samples: t.result!.samples.length,
    meanMs: round(t.result!.mean, 3),
    p99Ms: round(t.result!.p99, 3),
    perSecond: round(1000 / t.result!.mean, 0),
  }));

  const { t, id } = firstFilled!;
  const close = ok("close_order", f.chain.send(await f.closeIx(t, id), [t.kp]));
  rows.push({ instruction: "close_order (filled sell)", txCu: close.computeUnits, programCu: f.programCu(close), note: "2 payouts: THBC, fee" });
  return { rows, bytes, execution, maxLegacyFills: maxLegacy, logsTruncated16, litesvm: "programs/harness TestChain (LiteSVM), p-token at the SPL Token address" };
}

// ---------------------------------------------------------------- 2. fills/s through the RPC

/** CPU time (user + system) of a process so far, from /proc (Linux); NaN elsewhere. */
function cpuMs(pid: number | undefined): number {
  try {
    const f = fs.readFileSync(`/proc/${pid}/stat`, "utf8");
    const fields = f.slice(f.lastIndexOf(")") + 2).split(" ");
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100; // utime, stime in 1/100 s
  } catch {
    return NaN;
  }
}

async function rpcThroughput() {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "localnet-bench-trading-"));
  const chain = await startChain(dataDir, { slotMs: SLOT_MS });
  try {
    const rpc = rpcClient(chain.rpcUrl);
    const conn = new Connection(chain.rpcUrl, { commitment: "confirmed", wsEndpoint: chain.wsUrl });
    const payer = Keypair.generate();
    const deployer = loadDeployAuthority();
    const provider = new AnchorProvider(conn, new Wallet(payer), { commitment: "confirmed" });
    const oracleProgram = new Program<Oracle>(oracleIdl, provider);
    const trading: anchor.Program<Trading> = new Program<Trading>(tradingIdl, provider);

    const waitStatus = async (sig: string) => {
      for (;;) {
        const st = await rpc<{ value: ({ err: unknown } | null)[] }>("getSignatureStatuses", [[sig]]);
        if (st.value[0]) return;
        await sleep(20);
      }
    };
    for (const [k, sol] of [[payer.publicKey, 1_000_000], [deployer.publicKey, 100]] as const)
      await waitStatus(await rpc<string>("requestAirdrop", [k.toBase58(), sol * LAMPORTS_PER_SOL]));
    let blockhash = "";
    const refreshBlockhash = async () => {
      blockhash = (await rpc<{ value: { blockhash: string } }>("getLatestBlockhash", [{ commitment: "processed" }])).value.blockhash;
    };
    await refreshBlockhash();
    const bhTimer = setInterval(() => void refreshBlockhash(), 5_000);
    /** Sends a legacy transaction with preflight: the reply comes after execution and the fsync. */
    const send = async (ixs: TransactionInstruction[], signers: Keypair[], feePayer = payer) => {
      const tx = new Transaction({ feePayer: feePayer.publicKey, recentBlockhash: blockhash }).add(...ixs);
      tx.sign(feePayer, ...signers.filter((s) => !s.publicKey.equals(feePayer.publicKey)));
      return rpc<string>("sendTransaction", [tx.serialize().toString("base64"), { encoding: "base64" }]);
    };
    const rent = async (n: number) => rpc<number>("getMinimumBalanceForRentExemption", [n]);

    console.log("bench:trading: setting up the oracle, mints and market over RPC...");
    const oracleAuthority = Keypair.generate();
    const feeder = Keypair.generate();
    await send([await oracleInitializeInstruction(oracleProgram, { payer: payer.publicKey, deployer: deployer.publicKey, authority: oracleAuthority.publicKey, limits: LIMITS })], [deployer]);
    await send([await addFeederInstruction(oracleProgram, { authority: oracleAuthority.publicKey, feeder: feeder.publicKey })], [oracleAuthority]);
    await send([await updatePriceInstruction(oracleProgram, { feeder: feeder.publicKey, retail: RETAIL, feedIn: FEED_IN })], [feeder]);

    const gridMint = Keypair.generate();
    const thbcMint = Keypair.generate();
    const mintRent = await rent(MINT_SIZE);
    for (const [m, decimals] of [[gridMint, 3], [thbcMint, 6]] as const)
      await send([
        SystemProgram.createAccount({ fromPubkey: payer.publicKey, newAccountPubkey: m.publicKey, lamports: mintRent, space: MINT_SIZE, programId: TOKEN_PROGRAM }),
        createInitializeMint2Instruction(m.publicKey, decimals, payer.publicKey, null, TOKEN_PROGRAM),
      ], [m]);
    const feeOwner = Keypair.generate();
    const feeAccount = getAssociatedTokenAddressSync(thbcMint.publicKey, feeOwner.publicKey);
    await send([createAssociatedTokenAccountIdempotentInstruction(payer.publicKey, feeAccount, feeOwner.publicKey, thbcMint.publicKey)], []);
    await send([await tradingInitializeInstruction(trading, {
      payer: payer.publicKey, deployer: deployer.publicKey, paramsAuthority: payer.publicKey, emergencyAuthority: payer.publicKey,
      gridMint: gridMint.publicKey, thbcMint: thbcMint.publicKey, feeDestination: feeAccount, config: CONFIG,
    })], [deployer]);

    // Traders: PAIRS sell orders and PAIRS buy orders, ORDERS_PER_TRADER per trader.
    const orderWh = 4_000_000n; // 4 MWh: room for both phases' fills
    // Buys bid above the sells' limit: every fill settles at the sell's price and returns the
    // difference to the buyer.
    const buyLimit = RETAIL + 200_000n;
    const buyLock = (orderWh * buyLimit + 999n) / 1000n;
    const nTraders = Math.ceil(PAIRS / ORDERS_PER_TRADER);
    interface RpcTrader { kp: Keypair; grid: PublicKey; thbc: PublicKey }
    const mkTrader = async (): Promise<RpcTrader> => {
      const kp = Keypair.generate();
      const grid = getAssociatedTokenAddressSync(gridMint.publicKey, kp.publicKey);
      const thbc = getAssociatedTokenAddressSync(thbcMint.publicKey, kp.publicKey);
      await send([
        SystemProgram.transfer({ fromPubkey: payer.publicKey, toPubkey: kp.publicKey, lamports: LAMPORTS_PER_SOL }),
        createAssociatedTokenAccountIdempotentInstruction(payer.publicKey, grid, kp.publicKey, gridMint.publicKey),
        createAssociatedTokenAccountIdempotentInstruction(payer.publicKey, thbc, kp.publicKey, thbcMint.publicKey),
        createMintToInstruction(gridMint.publicKey, grid, payer.publicKey, orderWh * BigInt(ORDERS_PER_TRADER)),
        createMintToInstruction(thbcMint.publicKey, thbc, payer.publicKey, buyLock * BigInt(ORDERS_PER_TRADER)),
      ], []);
      return { kp, grid, thbc };
    };
    const sellers = await Promise.all(Array.from({ length: nTraders }, mkTrader));
    const buyers = await Promise.all(Array.from({ length: nTraders }, mkTrader));
    console.log(`bench:trading: ${2 * nTraders} traders funded; creating ${2 * PAIRS} resting orders...`);
    interface Placed { order: PublicKey; t: RpcTrader }
    const place = async (t: RpcTrader, side: "buy" | "sell", n: number): Promise<Placed[]> => {
      const out: Placed[] = [];
      let id = 0n;
      for (let i = 0; i < n; i++) {
        id = clientOrderIdWithBump255(t.kp.publicKey, id + 1n);
        const ix = await createOrderInstruction(trading, {
          owner: t.kp.publicKey, side, clientOrderId: id, amountWh: orderWh, limitPrice: side === "buy" ? buyLimit : RETAIL,
          expiresAt: BigInt(Math.floor(Date.now() / 1000) + 6 * 3600), ownerTokenAccount: side === "sell" ? t.grid : t.thbc,
        });
        await send([ix], [], t.kp);
        out.push({ order: orderAddress(t.kp.publicKey, id), t });
      }
      return out;
    };
    const sells = (await Promise.all(sellers.map((t) => place(t, "sell", ORDERS_PER_TRADER)))).flat().slice(0, PAIRS);
    const buys = (await Promise.all(buyers.map((t) => place(t, "buy", ORDERS_PER_TRADER)))).flat().slice(0, PAIRS);

    // Groups of FILLS pairs, one lookup table each (the market, 2 orders per fill).
    const groups = Math.floor(PAIRS / FILLS);
    const market = marketAddress();
    const tables: { alt: AddressLookupTableAccount; fills: Omit<Fill, "amountWh">[] }[] = [];
    console.log(`bench:trading: ${groups} address lookup tables of ${1 + 2 * FILLS} addresses...`);
    // Distinct recent slots (all within SlotHashes' 512) give distinct table addresses.
    let baseSlot = await rpc<number>("getSlot", [{ commitment: "processed" }]);
    while (baseSlot < groups + 2) {
      await sleep(SLOT_MS);
      baseSlot = await rpc<number>("getSlot", [{ commitment: "processed" }]);
    }
    for (let g = 0; g < groups; g++) {
      const fills = Array.from({ length: FILLS }, (_, i) => {
        const s = sells[g * FILLS + i]!;
        const b = buys[g * FILLS + i]!;
        return { buyOrder: b.order, sellOrder: s.order };
      });
      const addresses = [market, ...fills.flatMap((x) => [x.buyOrder, x.sellOrder])];
      const [createIx, key] = AddressLookupTableProgram.createLookupTable({ authority: payer.publicKey, payer: payer.publicKey, recentSlot: baseSlot - 1 - g });
      await send([createIx], []);
      for (let i = 0; i < addresses.length; i += 24)
        await send([AddressLookupTableProgram.extendLookupTable({ lookupTable: key, authority: payer.publicKey, payer: payer.publicKey, addresses: addresses.slice(i, i + 24) })], []);
      tables.push({ alt: altAccount(key, addresses), fills });
    }
    await sleep(3 * SLOT_MS); // extended addresses are usable from the next slot on

    const cranks = Array.from({ length: CRANKS }, fastKey);
    for (const c of cranks) await waitStatus(await rpc<string>("requestAirdrop", [c.publicKey.toBase58(), 1000 * LAMPORTS_PER_SOL]));
    clearInterval(bhTimer);
    const poolSize = Math.ceil((SECONDS * POOL_FILLS_PER_SECOND) / FILLS);
    // Both phases together must not overfill an order: fills per pair x the largest amount.
    const maxFillsPerPair = 2 * Math.ceil(poolSize / groups);
    if (BigInt(maxFillsPerPair) * (1_000n + BigInt(maxFillsPerPair)) > orderWh) throw new Error("orders too small for the pool");

    const agent = new http.Agent({ keepAlive: true, maxSockets: WINDOW + 4 });
    const url = new URL(chain.rpcUrl);
    const post = (body: Buffer) =>
      new Promise<string>((resolve, reject) => {
        const req = http.request({ host: url.hostname, port: url.port, method: "POST", path: "/", agent, headers: { "content-type": "application/json", "content-length": body.length } }, (res) => {
          const chunks: Buffer[] = [];
          res.on("data", (c: Buffer) => chunks.push(c));
          res.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
        });
        req.on("error", reject);
        req.end(body);
      });

    const phase = async (skipPreflight: boolean) => {
      // Pre-signed match_orders transactions: tx k uses table k % groups; the amounts
      // (1,000 + k / groups Wh) make every transaction of a table distinct.
      await refreshBlockhash();
      console.log(`bench:trading: signing ${poolSize} match_orders transactions of ${FILLS} fills...`);
      const pool: { body: Buffer; sig: string }[] = [];
      let txBytes = 0;
      for (let k = 0; k < poolSize; k++) {
        const t = tables[k % groups]!;
        const amountWh = 1_000n + BigInt(Math.floor(k / groups));
        const ix = matchOrdersInstruction(trading, { fills: t.fills.map((x) => ({ ...x, amountWh })) });
        const crank = cranks[k % CRANKS]!;
        const msg = new TransactionMessage({ payerKey: crank.publicKey, recentBlockhash: blockhash, instructions: [ix] }).compileToV0Message([t.alt]);
        const tx = new VersionedTransaction(msg);
        const sig = crank.sign(msg.serialize());
        tx.addSignature(crank.publicKey, sig);
        const raw = Buffer.from(tx.serialize());
        txBytes = raw.length;
        const opts = skipPreflight ? { encoding: "base64", skipPreflight: true } : { encoding: "base64" };
        pool.push({ sig: bs58.encode(sig), body: Buffer.from(JSON.stringify({ jsonrpc: "2.0", id: k, method: "sendTransaction", params: [raw.toString("base64"), opts] })) });
      }

      console.log(`bench:trading: sending for ${SECONDS} s, ${WINDOW} in flight, ${FILLS} fills per transaction, skipPreflight ${skipPreflight}...`);
      const sentAt = new Map<string, number>();
      const processedMs: number[] = [];
      const confirmedMs: number[] = [];
      const pending = new Set<string>();
      let rejected = 0;
      let firstError = "";
      let failedOnChain = 0;
      let firstFailure = "";
      let confirmedTxs = 0;
      let lastConfirm = 0;
      let next = 0;
      let sending = true;
      const chainCpu0 = cpuMs(chain.child.pid);
      const selfCpu0 = process.cpuUsage();
      const t0 = performance.now();
      const lane = async () => {
        while (next < pool.length && performance.now() - t0 < SECONDS * 1000) {
          const p = pool[next++]!;
          const at = performance.now();
          const reply = await post(p.body);
          if (reply.includes('"error"')) {
            rejected++;
            firstError ||= reply.slice(0, 400);
            continue;
          }
          processedMs.push(performance.now() - at);
          sentAt.set(p.sig, at);
          pending.add(p.sig);
        }
      };
      const poller = (async () => {
        while (sending || pending.size > 0) {
          const sigs = [...pending];
          for (let i = 0; i < sigs.length; i += 256) {
            const batch = sigs.slice(i, i + 256);
            const st = await rpc<{ value: ({ confirmationStatus: string; err: unknown } | null)[] }>("getSignatureStatuses", [batch]);
            const now = performance.now();
            st.value.forEach((x, j) => {
              if (!x || x.confirmationStatus === "processed") return;
              const sig = batch[j]!;
              pending.delete(sig);
              if (x.err !== null) {
                failedOnChain++;
                firstFailure ||= JSON.stringify(x.err);
              } else {
                confirmedTxs++;
                confirmedMs.push(now - sentAt.get(sig)!);
                lastConfirm = now;
              }
            });
          }
          await sleep(20);
          if (!sending && performance.now() - t0 > SECONDS * 1000 + 30_000) break;
        }
      })();
      await Promise.all(Array.from({ length: WINDOW }, lane));
      const sendSeconds = (performance.now() - t0) / 1000;
      sending = false;
      await poller;
      const chainCpu = cpuMs(chain.child.pid) - chainCpu0;
      const selfCpuUs = process.cpuUsage(selfCpu0);
      const confirmSeconds = (lastConfirm - t0) / 1000;
      processedMs.sort((a, b) => a - b);
      confirmedMs.sort((a, b) => a - b);
      const fills = confirmedTxs * FILLS;
      if (rejected > 0) console.error(`bench:trading: ${rejected} rejected, first: ${firstError}`);
      if (failedOnChain > 0) console.error(`bench:trading: ${failedOnChain} failed on chain, first: ${firstFailure}`);
      return {
        skipPreflight,
        txBytes,
        poolSize,
        sentTxs: sentAt.size,
        sendSeconds: round(sendSeconds, 2),
        rejected,
        firstError,
        failedOnChain,
        firstFailure,
        unconfirmed: pending.size,
        confirmedTxs,
        confirmedFills: fills,
        confirmSeconds: round(confirmSeconds, 2),
        fillsPerSecond: round(fills / confirmSeconds, 0),
        txPerSecond: round(confirmedTxs / confirmSeconds, 0),
        processedMs: { p50: round(percentile(processedMs, 50)), p95: round(percentile(processedMs, 95)), max: round(processedMs.at(-1) ?? NaN) },
        confirmedMs: { p50: round(percentile(confirmedMs, 50)), p95: round(percentile(confirmedMs, 95)), max: round(confirmedMs.at(-1) ?? NaN) },
        poolExhausted: next >= pool.length,
        // CPU over the phase (sending + confirming): the chain process and this load generator.
        chainCpuMsPerTx: round(chainCpu / Math.max(1, sentAt.size), 2),
        chainCpuCores: round(chainCpu / (performance.now() - t0), 2),
        generatorCpuMsPerTx: round((selfCpuUs.user + selfCpuUs.system) / 1000 / Math.max(1, sentAt.size), 2),
      };
    };
    const phases = [await phase(false), await phase(true)];
    agent.destroy();
    return {
      config: { slotMs: SLOT_MS, fillsPerTx: FILLS, pairs: PAIRS, traders: 2 * nTraders, restingOrders: 2 * PAIRS, orderWh: Number(orderWh), lookupTables: groups, cranks: CRANKS, inFlight: WINDOW, seconds: SECONDS },
      phases,
    };
  } finally {
    chain.child.kill("SIGTERM");
    await new Promise((r) => chain.child.once("exit", r));
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  const loadAtStart = os.loadavg();
  const date = new Date().toISOString();
  console.log("bench:trading: compute units on LiteSVM...");
  const cu = await computeUnits();
  console.table(cu.rows);
  console.table(cu.bytes);
  console.table(cu.execution);
  const rpcResult = args["skip-rpc"] ? null : await rpcThroughput();
  if (rpcResult) console.log(rpcResult);
  const result = { date, machine: { ...machine(), loadAverage: loadAtStart.map((l) => round(l, 2)) }, computeUnits: cu, rpc: rpcResult };
  if (args["skip-rpc"]) return;
  const day = date.slice(0, 10);
  const dir = path.join(ROOT, "bench/results");
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, `trading-${day}.json`), `${JSON.stringify(result, null, 2)}\n`);
  const m = result.machine;
  const r = rpcResult!;
  const fmt = (n: number | null | undefined) => (n === null || n === undefined ? "—" : n.toLocaleString("en-US"));
  const cuCell = (_x: CuRow, v: number | undefined) => fmt(v);
  const phaseRow = (label: string, f: (p: (typeof r.phases)[number]) => string) => `| ${label} | ${r.phases.map(f).join(" | ")} |`;
  const md = `# Trading benchmark (${day})

Machine: ${m.cpu}, ${m.cores} cores, ${m.memoryGiB} GiB, ${m.platform}, Node ${m.node}, commit ${m.commit}. Run at ${date};
load average ${m.loadAverage.join(" / ")} (1 / 5 / 15 min) when it started (other processes share the cores).
Script: \`npm run bench:trading\` ([bench/trading.ts](../trading.ts)); raw figures in [trading-${day}.json](trading-${day}.json).

## Compute units per instruction (LiteSVM, \`programs/trading/fixture.ts\`)

Transaction CU is \`unitsConsumed\` from the transaction metadata; program CU is the trading
program's own invocation (CPIs included) from its \`consumed\` log line. Orders have PDA bump
255 (\`clientOrderIdWithBump255\`), 10 kWh each; match_orders ran as v0 transactions with an
address lookup table, each fill between two orders of its own unless said otherwise, filling both
completely. "Same limits": buy and sell at the retail price, nothing to release; "release": the
buy bids 0.20 THB/kWh more, the fill settles at the sell's (maker's) price and the difference is
credited to the buyer. A fill moves no token (it writes the two orders); cancel_order and
close_order pay out of the market's vaults, one token transfer per payout.

| instruction | transaction CU | program CU | CU per fill | bytes | note |
| --- | ---: | ---: | ---: | ---: | --- |
${cu.rows.map((x) => `| ${x.instruction} | ${cuCell(x, x.txCu)} | ${cuCell(x, x.programCu)} | ${fmt(x.perFillCu)} | ${fmt(x.bytes)} | ${x.note ?? ""} |`).join("\n")}

16 fills of 16 distinct pairs take 1 + 2 × 16 = 33 accounts plus the fee payer and the program,
well inside the 64 account locks of a transaction.${cu.logsTruncated16 ? ` With 16 fills the logs passed the 10,000-byte limit ("Log truncated"): an indexer reading events from logs would miss fills.` : " The 16 OrderFilled events stay inside the 10,000-byte log limit."}

## Execution time on LiteSVM (in-process, tinybench)

Each iteration executes one more pre-signed transaction on the fixture's LiteSVM (signature
check and execution, no RPC, no ledger, no fsync): the ceiling of one chain process.

| transaction | iterations | mean ms | p99 ms | per second (one core) | fills/s |
| --- | ---: | ---: | ---: | ---: | ---: |
${cu.execution.map((x) => `| ${x.tx} | ${x.samples} | ${x.meanMs} | ${x.p99Ms} | ${fmt(x.perSecond)} | ${x.tx.startsWith("match") ? fmt(x.perSecond * 8) : "—"} |`).join("\n")}

## match_orders transaction bytes (limit ${PACKET})

| fills | orders | legacy | v0 + lookup table |
| ---: | --- | ---: | ---: |
${cu.bytes.map((x) => `| ${x.fills} | ${x.note ?? ""} | ${x.legacy ?? "does not fit"} | ${x.v0Alt ?? "does not fit"} |`).join("\n")}

At most **${cu.maxLegacyFills} fills** of distinct pairs fit a legacy transaction (2 keys of 32 bytes and an 8-byte
amount per fill); \`MAX_FILLS\` is 16, so a lookup table is needed only past that many distinct orders.

## Fills settled per second through the local chain's RPC

The chain ran as its own process (\`scripts/chain.ts\`, ${r.config.slotMs} ms slots). This process set it up
through the programs' clients (Oracle initialised with a price, GRID and THBC mints, the Market),
funded ${r.config.traders} traders with ${r.config.restingOrders} resting orders (${r.config.orderWh / 1e6} MWh each; buys 0.20 THB/kWh above the
sells, so every fill also releases THBC to the buyer) and ${r.config.lookupTables} lookup tables (one per
${r.config.fillsPerTx} pairs), then sent pre-signed match_orders transactions (${r.config.fillsPerTx} fills of distinct pairs, 1.0–${(1 + r.phases[0]!.poolSize / r.config.lookupTables / 1000).toFixed(1)} kWh each,
v0 with a lookup table, ${r.phases[0]!.txBytes} bytes; ${r.config.cranks} fee payers) with \`sendTransaction\`, ${r.config.inFlight} in flight,
for ${r.config.seconds} s per phase. A fill counts when \`getSignatureStatuses\` (polled every 20 ms) shows its
transaction \`confirmed\` without error; the rate is confirmed fills over first send → last confirmation.

| | preflight on (reply after execution) | skipPreflight (reply when durable, runs at the next slot) |
| --- | ---: | ---: |
${phaseRow("transactions sent / rejected / failed on chain", (p) => `${fmt(p.sentTxs)} / ${fmt(p.rejected)} / ${fmt(p.failedOnChain)}`)}
${phaseRow("fills confirmed", (p) => `${fmt(p.confirmedFills)} in ${p.confirmSeconds} s`)}
${phaseRow("**fills/s (confirmed)**", (p) => `**${fmt(p.fillsPerSecond)}** (${fmt(p.txPerSecond)} tx/s)`)}
${phaseRow("send → sendTransaction reply p50 / p95 / max ms", (p) => `${p.processedMs.p50} / ${p.processedMs.p95} / ${p.processedMs.max}`)}
${phaseRow("send → confirmed p50 / p95 / max ms", (p) => `${p.confirmedMs.p50} / ${p.confirmedMs.p95} / ${p.confirmedMs.max}`)}
${phaseRow("chain process CPU per transaction (cores busy)", (p) => `${p.chainCpuMsPerTx} ms (${p.chainCpuCores})`)}
${phaseRow("load generator CPU per transaction", (p) => `${p.generatorCpuMsPerTx} ms`)}
${phaseRow("pre-signed pool ran out before the period ended", (p) => (p.poolExhausted ? "yes" : "no"))}

Goal in the issue: ≥ 1,000 fills/s; the peer settles 0.6 fills/s. The load generator (HTTP
client, status polling) shares the ${m.cores} cores with the chain.
`;
  fs.writeFileSync(path.join(dir, `trading-${day}.md`), md);
  console.log(md);
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
