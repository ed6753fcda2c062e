/**
 * `npm run bench:chain` — measures the local chain through its RPC server, with the chain in
 * its own process (as `npm run chain` runs it) and the load generator in this one:
 *
 *  1. SOL transfers per second: transactions pre-signed (node:crypto Ed25519, so client-side
 *     signing is not what is measured), then sent by several senders, each keeping a window of
 *     requests in flight over keep-alive HTTP. A transfer counts when sendTransaction answers,
 *     which is after its ledger record is fsync'd (processed and durable).
 *  2. Confirmation latency: one transfer at a time at a steady rate, send -> `processed` reply and
 *     send -> `confirmed` signatureNotification over the WebSocket (subscribed before sending).
 *  3. Compute units of each counter instruction, from getTransaction.
 *
 * Writes bench/results/chain-<date>.json and .md.
 */
import crypto from "node:crypto";
import fs from "node:fs";
import http from "node:http";
import os from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import bs58 from "bs58";
import { WebSocket } from "ws";
import anchor from "@coral-xyz/anchor";
import { Connection, Keypair, PublicKey, SystemProgram, Transaction, type TransactionInstruction } from "@solana/web3.js";
import { counterIdl, type Counter } from "../programs/counter/idl/counter";
import { ROOT, fastKey, machine, percentile, round, rpcClient, startChain, type Rpc } from "./support";

// Anchor is CommonJS; its default export is the module object under Node's ESM loader.
const { AnchorProvider, BN, Program, Wallet } = anchor;

const LAMPORTS_PER_SOL = 1_000_000_000;

const { values: args } = parseArgs({
  options: {
    transfers: { type: "string", default: "20000" },
    senders: { type: "string", default: "4" },
    window: { type: "string", default: "32" },
    "latency-samples": { type: "string", default: "200" },
    "slot-ms": { type: "string", default: "400" },
    // Profiling aid: load an already running chain instead of starting one; writes no results.
    "rpc-url": { type: "string" },
  },
});
const TRANSFERS = Number(args.transfers);
const SENDERS = Number(args.senders);
const WINDOW = Number(args.window);
const LATENCY_SAMPLES = Number(args["latency-samples"]);
const SLOT_MS = Number(args["slot-ms"]);

function signedTransfer(from: ReturnType<typeof fastKey>, to: PublicKey, lamports: number, blockhash: string): string {
  const tx = new Transaction({ feePayer: from.publicKey, recentBlockhash: blockhash }).add(
    SystemProgram.transfer({ fromPubkey: from.publicKey, toPubkey: to, lamports }),
  );
  const message = tx.serializeMessage();
  tx.addSignature(from.publicKey, from.sign(message));
  // web3.js would re-verify the signature in JavaScript (slow); node:crypto just made it.
  return tx.serialize({ verifySignatures: false }).toString("base64");
}

async function fund(rpc: Rpc, key: PublicKey, sol: number): Promise<void> {
  const sig = await rpc<string>("requestAirdrop", [key.toBase58(), sol * LAMPORTS_PER_SOL]);
  for (;;) {
    const st = await rpc<{ value: ({ confirmationStatus: string } | null)[] }>("getSignatureStatuses", [[sig]]);
    if (st.value[0]) return;
    await new Promise((r) => setTimeout(r, 50));
  }
}

async function throughput(rpc: Rpc, rpcUrl: string) {
  const senders = Array.from({ length: SENDERS }, fastKey);
  for (const s of senders) await fund(rpc, s.publicKey, 1_000_000);
  const recipients = Array.from({ length: 64 }, () => Keypair.generate().publicKey);
  const { value: bh } = await rpc<{ value: { blockhash: string } }>("getLatestBlockhash", [{ commitment: "processed" }]);
  console.log(`bench: signing ${TRANSFERS} transfers...`);
  const perSender = Math.ceil(TRANSFERS / SENDERS);
  const queues = senders.map((s, si) =>
    Array.from({ length: perSender }, (_, i) => signedTransfer(s, recipients[(si * perSender + i) % recipients.length]!, 1_000_000 + i, bh.blockhash)),
  );
  console.log(`bench: sending ${perSender * SENDERS} transfers from ${SENDERS} senders, ${WINDOW} in flight each...`);
  let done = 0;
  let failed = 0;
  // Plain keep-alive http.request: fetch (undici) costs the load generator several times more
  // CPU per request, and on a small machine the generator would be what is measured.
  const agent = new http.Agent({ keepAlive: true, maxSockets: SENDERS * WINDOW });
  const url = new URL(rpcUrl);
  const post = (body: Buffer) =>
    new Promise<string>((resolve, reject) => {
      const req = http.request(
        { host: url.hostname, port: url.port, method: "POST", path: "/", agent, headers: { "content-type": "application/json", "content-length": body.length } },
        (res) => {
          const chunks: Buffer[] = [];
          res.on("data", (c: Buffer) => chunks.push(c));
          res.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
        },
      );
      req.on("error", reject);
      req.end(body);
    });
  const bodies = queues.map((q) => q.map((tx, i) => Buffer.from(JSON.stringify({ jsonrpc: "2.0", id: i, method: "sendTransaction", params: [tx, { encoding: "base64" }] }))));
  const t0 = performance.now();
  await Promise.all(
    bodies.map(async (queue) => {
      let next = 0;
      const lane = async () => {
        while (next < queue.length) {
          const reply = await post(queue[next++]!);
          if (reply.includes('"error"')) failed++;
          else done++;
        }
      };
      await Promise.all(Array.from({ length: WINDOW }, lane));
    }),
  );
  agent.destroy();
  const seconds = (performance.now() - t0) / 1000;
  if (failed > 0) throw new Error(`${failed} transfers were rejected`);
  return { transfers: done, seconds: round(seconds, 2), tps: round(done / seconds, 0), senders: SENDERS, inFlightPerSender: WINDOW };
}

async function latency(rpc: Rpc, wsUrl: string) {
  const from = fastKey();
  await fund(rpc, from.publicKey, 1000);
  const ws = new WebSocket(wsUrl);
  await new Promise((r, j) => {
    ws.once("open", r);
    ws.once("error", j);
  });
  const waiters = new Map<number, (v: unknown) => void>();
  const subs = new Map<number, () => void>();
  ws.on("message", (d: Buffer) => {
    const m = JSON.parse(d.toString("utf8")) as { id?: number; result?: unknown; method?: string; params?: { subscription: number } };
    if (m.id !== undefined) waiters.get(m.id)?.(m.result);
    else if (m.method === "signatureNotification") subs.get(m.params!.subscription)?.();
  });
  let wsId = 0;
  const subscribe = (sig: string) =>
    new Promise<number>((resolve) => {
      const id = ++wsId;
      waiters.set(id, (v) => resolve(v as number));
      ws.send(JSON.stringify({ jsonrpc: "2.0", id, method: "signatureSubscribe", params: [sig, { commitment: "confirmed" }] }));
    });
  const processed: number[] = [];
  const confirmed: number[] = [];
  console.log(`bench: ${LATENCY_SAMPLES} latency samples, one transfer at a time...`);
  for (let i = 0; i < LATENCY_SAMPLES; i++) {
    const { value: bh } = await rpc<{ value: { blockhash: string } }>("getLatestBlockhash", [{ commitment: "processed" }]);
    const tx = signedTransfer(from, Keypair.generate().publicKey, 1_000_000, bh.blockhash);
    const sig = bs58.encode(Buffer.from(tx, "base64").subarray(1, 65));
    const subId = await subscribe(sig);
    const confirmedAt = new Promise<number>((resolve) => subs.set(subId, () => resolve(performance.now())));
    const t0 = performance.now();
    await rpc("sendTransaction", [tx, { encoding: "base64" }]);
    processed.push(performance.now() - t0);
    confirmed.push((await confirmedAt) - t0);
    // A random pause, so sends fall at random points of the slot (not just after a tick).
    await new Promise((r) => setTimeout(r, Math.random() * SLOT_MS));
  }
  ws.close();
  processed.sort((a, b) => a - b);
  confirmed.sort((a, b) => a - b);
  return {
    samples: LATENCY_SAMPLES,
    processedMs: { p50: round(percentile(processed, 50)), p95: round(percentile(processed, 95)), max: round(processed.at(-1)!) },
    confirmedMs: { p50: round(percentile(confirmed, 50)), p95: round(percentile(confirmed, 95)), max: round(confirmed.at(-1)!) },
  };
}

async function counterUnits(rpc: Rpc, rpcUrl: string, wsUrl: string) {
  // A fixed authority: initialize searches for the PDA bump (1,500 CU per rejected bump), so
  // its cost depends on the key; a fixed key keeps runs comparable.
  const kp = Keypair.fromSeed(crypto.createHash("sha256").update("gridtokenx bench counter authority").digest());
  await fund(rpc, kp.publicKey, 10);
  const conn = new Connection(rpcUrl, { commitment: "confirmed", wsEndpoint: wsUrl });
  const program: anchor.Program<Counter> = new Program<Counter>(counterIdl, new AnchorProvider(conn, new Wallet(kp), { commitment: "confirmed" }));
  const [pda] = PublicKey.findProgramAddressSync([Buffer.from("counter"), kp.publicKey.toBuffer()], program.programId);
  const ixs: [string, TransactionInstruction][] = [
    ["initialize", await program.methods.initialize().accounts({ authority: kp.publicKey }).instruction()],
    ["increment", await program.methods.increment().accounts({ authority: kp.publicKey }).instruction()],
    ["add", await program.methods.add(new BN(41)).accounts({ authority: kp.publicKey }).instruction()],
    ["get_count", await program.methods.getCount().accounts({ counter: pda }).instruction()],
  ];
  const out: Record<string, number> = {};
  for (const [name, ix] of ixs) {
    const { value: bh } = await rpc<{ value: { blockhash: string } }>("getLatestBlockhash", [{ commitment: "processed" }]);
    const tx = new Transaction({ feePayer: kp.publicKey, recentBlockhash: bh.blockhash }).add(ix);
    tx.sign(kp);
    const sig = await rpc<string>("sendTransaction", [tx.serialize().toString("base64"), { encoding: "base64" }]);
    const got = await rpc<{ meta: { computeUnitsConsumed: number; err: unknown } }>("getTransaction", [sig, { commitment: "confirmed" }]);
    if (got.meta.err !== null) throw new Error(`${name} failed: ${JSON.stringify(got.meta.err)}`);
    out[name] = got.meta.computeUnitsConsumed;
  }
  return out;
}

async function main(): Promise<void> {
  if (args["rpc-url"]) {
    console.log(await throughput(rpcClient(args["rpc-url"]), args["rpc-url"]));
    return;
  }
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "localnet-bench-"));
  const loadAtStart = os.loadavg()[0] ?? 0;
  const chain = await startChain(dataDir, { slotMs: SLOT_MS, echo: true });
  try {
    const rpc = rpcClient(chain.rpcUrl);
    const date = new Date().toISOString();
    const units = await counterUnits(rpc, chain.rpcUrl, chain.wsUrl);
    const tput = await throughput(rpc, chain.rpcUrl);
    const lat = await latency(rpc, chain.wsUrl);
    const result = { date, machine: { ...machine(), loadAverage1m: round(loadAtStart, 2) }, config: { slotMs: SLOT_MS, finalizeSlots: 4, fsync: "fdatasync per group commit" }, throughput: tput, latency: lat, counterComputeUnits: units };
    const day = date.slice(0, 10);
    const dir = path.join(ROOT, "bench/results");
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(path.join(dir, `chain-${day}.json`), `${JSON.stringify(result, null, 2)}\n`);
    const m = result.machine;
    const md = `# Local chain benchmark (${day})

Machine: ${m.cpu}, ${m.cores} cores, ${m.memoryGiB} GiB, ${m.platform}, Node ${m.node}, commit ${m.commit}. Run at ${date},
1-minute load average ${m.loadAverage1m} when it started (other processes share the cores).
The chain ran as its own process (\`scripts/chain.ts\`, ${SLOT_MS} ms slots); the load generator ran in another, on the same machine.

## SOL transfers through the RPC server

| transfers | senders | in flight per sender | seconds | transfers/s |
| --- | --- | --- | --- | --- |
| ${tput.transfers} | ${tput.senders} | ${tput.inFlightPerSender} | ${tput.seconds} | **${tput.tps}** |

Each transfer is pre-signed and counted when \`sendTransaction\` answers, i.e. after preflight,
execution and the fsync of its ledger record (group commit).

## Confirmation latency (${lat.samples} transfers, one at a time, sent at random points of the slot)

| | p50 ms | p95 ms | max ms |
| --- | --- | --- | --- |
| send → processed (sendTransaction reply, durable) | ${lat.processedMs.p50} | ${lat.processedMs.p95} | ${lat.processedMs.max} |
| send → confirmed (WebSocket signatureNotification) | ${lat.confirmedMs.p50} | ${lat.confirmedMs.p95} | ${lat.confirmedMs.max} |

Confirmed means the slot the transaction ran in has ended, so it is bounded by the slot length.

## Counter program compute units

Measured with a fixed authority key. \`initialize\` derives the PDA with a bump search, so its
cost varies with the authority (each rejected bump costs 1,500 CU); the others check the stored bump.

| instruction | CU |
| --- | --- |
${Object.entries(units).map(([k, v]) => `| ${k} | ${v} |`).join("\n")}
`;
    fs.writeFileSync(path.join(dir, `chain-${day}.md`), md);
    console.log(md);
  } finally {
    chain.child.kill("SIGTERM");
    await new Promise((r) => chain.child.once("exit", r));
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
