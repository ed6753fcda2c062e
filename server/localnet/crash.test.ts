/**
 * Crash safety: the chain runs as a child process (`scripts/chain.ts`), senders stream
 * transfers and confirm them, the process is killed with SIGKILL mid-stream, and a restart on
 * the same data dir must show every acknowledged transaction and its effects.
 */
import { spawn, type ChildProcess } from "node:child_process";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import bs58 from "bs58";
import { Connection, Keypair, LAMPORTS_PER_SOL, SystemProgram, Transaction, type PublicKey } from "@solana/web3.js";
import { REPO_ROOT, closeConnection, rpcOk, sleep, tempDir, waitFor } from "./test-support";

const children: ChildProcess[] = [];
afterAll(() => {
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill("SIGKILL");
});

/** Starts `scripts/chain.ts` in its own node process and resolves with its RPC URL from the banner. */
async function startChild(dataDir: string): Promise<{ child: ChildProcess; rpcUrl: string; wsUrl: string; output: () => string }> {
  const child = spawn(
    process.execPath,
    ["--import", "tsx", path.join(REPO_ROOT, "scripts/chain.ts"), "--port", "0", "--data-dir", dataDir, "--slot-ms", "50", "--finalize-slots", "2", "--cheats"],
    { cwd: REPO_ROOT, stdio: ["ignore", "pipe", "pipe"] },
  );
  children.push(child);
  let out = "";
  child.stdout.on("data", (d: Buffer) => (out += d.toString("utf8")));
  child.stderr.on("data", (d: Buffer) => (out += d.toString("utf8")));
  const m = await waitFor(
    "chain banner",
    () => {
      if (child.exitCode !== null) throw new Error(`chain exited: ${out}`);
      return /rpc (http:\/\/127\.0\.0\.1:\d+) ws (ws:\/\/127\.0\.0\.1:\d+)/.exec(out) ?? undefined;
    },
    30_000,
  );
  return { child, rpcUrl: m[1]!, wsUrl: m[2]!, output: () => out };
}

interface Sent {
  sig: string;
  from: PublicKey;
  to: PublicKey;
  lamports: number;
  state: "in-flight" | "acked" | "confirmed";
}

describe("crash safety", () => {
  it("keeps every acknowledged transaction across kill -9", async () => {
    const dir = tempDir("crash");
    const first = await startChild(dir);
    const senders = [Keypair.generate(), Keypair.generate(), Keypair.generate()];
    const conns = senders.map(() => new Connection(first.rpcUrl, { commitment: "confirmed", wsEndpoint: first.wsUrl }));
    for (const s of senders) {
      await rpcOk(first.rpcUrl, "requestAirdrop", [s.publicKey.toBase58(), 1000 * LAMPORTS_PER_SOL]);
    }
    const sent: Sent[] = [];
    let killed = false;
    let snapshotTaken = false;
    // Our own polling, not web3.js's confirmTransaction: that one fires requests it never awaits,
    // and when the kill lands under them they surface as unhandled rejections after the test.
    const untilConfirmed = async (conn: Connection, sig: string) => {
      for (;;) {
        if (killed) throw new Error("the chain was killed");
        const status = (await conn.getSignatureStatuses([sig])).value[0];
        if (status?.err) throw new Error(`${sig} failed: ${JSON.stringify(status.err)}`);
        if (status?.confirmationStatus === "confirmed" || status?.confirmationStatus === "finalized") return;
        await sleep(20);
      }
    };

    const stream = async (i: number) => {
      const from = senders[i]!;
      const conn = conns[i]!;
      for (let n = 0; !killed; n++) {
        const to = Keypair.generate().publicKey;
        const lamports = 10_000_000 + i * 1000 + n;
        let bh;
        try {
          bh = await conn.getLatestBlockhash("processed");
        } catch {
          return;
        }
        const tx = new Transaction({ feePayer: from.publicKey, ...bh }).add(SystemProgram.transfer({ fromPubkey: from.publicKey, toPubkey: to, lamports }));
        tx.sign(from);
        const entry: Sent = { sig: bs58.encode(tx.signature!), from: from.publicKey, to, lamports, state: "in-flight" };
        sent.push(entry);
        try {
          // Every fourth one without preflight: acknowledged before it executes.
          await conn.sendRawTransaction(tx.serialize(), { skipPreflight: n % 4 === 3 });
          entry.state = "acked";
          await untilConfirmed(conn, entry.sig);
          entry.state = "confirmed";
        } catch {
          return; // the chain died under us
        }
        const acked = sent.filter((s) => s.state !== "in-flight").length;
        if (acked >= 30 && !snapshotTaken) {
          // A snapshot mid-stream, so the restart replays the ledger on top of it.
          snapshotTaken = true;
          await rpcOk(first.rpcUrl, "localnet_snapshot").catch(() => undefined);
        }
      }
    };
    // Two more senders pipeline eight sends each without waiting for confirmations, so the
    // kill lands with requests in flight and acknowledged transactions not yet confirmed.
    const blasters = [Keypair.generate(), Keypair.generate()];
    for (const s of blasters) await rpcOk(first.rpcUrl, "requestAirdrop", [s.publicKey.toBase58(), 1000 * LAMPORTS_PER_SOL]);
    senders.push(...blasters);
    const blast = async (from: Keypair, lane: number) => {
      const conn = conns[0]!;
      for (let n = 0; !killed; n++) {
        const to = Keypair.generate().publicKey;
        const lamports = 10_000_000 + 100_000 + lane * 10_000 + n;
        let bh;
        try {
          bh = await conn.getLatestBlockhash("processed");
        } catch {
          return;
        }
        const tx = new Transaction({ feePayer: from.publicKey, ...bh }).add(SystemProgram.transfer({ fromPubkey: from.publicKey, toPubkey: to, lamports }));
        tx.sign(from);
        const entry: Sent = { sig: bs58.encode(tx.signature!), from: from.publicKey, to, lamports, state: "in-flight" };
        sent.push(entry);
        try {
          await conn.sendRawTransaction(tx.serialize(), { skipPreflight: n % 2 === 1 });
          entry.state = "acked";
        } catch {
          return;
        }
      }
    };
    const streams = [
      ...[0, 1, 2].map((i) => stream(i)),
      ...blasters.flatMap((b, bi) => Array.from({ length: 8 }, (_, lane) => blast(b, bi * 8 + lane))),
    ];
    await waitFor("enough confirmed transfers", () => (sent.filter((s) => s.state === "confirmed").length >= 60 ? true : undefined), 60_000);
    // Kill while requests are in flight.
    first.child.kill("SIGKILL");
    killed = true;
    await Promise.all(streams);
    for (const c of conns) closeConnection(c);
    await waitFor("child exit", () => (first.child.signalCode !== null ? true : undefined));

    const second = await startChild(dir);
    // It started from the mid-stream snapshot and re-executed the ledger records after it.
    expect(snapshotTaken).toBe(true);
    expect(Number(/replayed (\d+) ledger records after the snapshot/.exec(second.output())?.[1] ?? 0)).toBeGreaterThan(0);
    if (process.env.LOCALNET_TEST_VERBOSE) {
      const count = (st: Sent["state"]) => sent.filter((s) => s.state === st).length;
      console.log(`crash test: ${sent.length} sent; at the kill ${count("in-flight")} in flight, ${count("acked")} acked, ${count("confirmed")} confirmed`);
    }
    const acked = sent.filter((s) => s.state !== "in-flight");
    const confirmed = sent.filter((s) => s.state === "confirmed");
    expect(confirmed.length).toBeGreaterThanOrEqual(60);
    // Accepted-without-preflight transactions that had not executed yet run in the first slots.
    const statuses = await waitFor("all acknowledged transactions visible", async () => {
      const out: ({ err: unknown } | null)[] = [];
      for (let i = 0; i < acked.length; i += 200) {
        const r = await rpcOk<{ value: ({ err: unknown } | null)[] }>(second.rpcUrl, "getSignatureStatuses", [acked.slice(i, i + 200).map((s) => s.sig)]);
        out.push(...r.value);
      }
      return out.every((s) => s !== null) ? out : undefined;
    });
    expect(statuses.every((s) => s?.err === null)).toBe(true);

    // Every acknowledged transfer's effect is there; unacknowledged ones landed whole or not at all.
    const landed = new Set<string>();
    for (const s of sent) {
      const bal = await rpcOk<{ value: number }>(second.rpcUrl, "getBalance", [s.to.toBase58()]);
      if (s.state !== "in-flight") expect(bal.value).toBe(s.lamports);
      else expect([0, s.lamports]).toContain(bal.value);
      if (bal.value === s.lamports) landed.add(s.sig);
    }
    // Senders paid exactly for what landed, plus one fee each.
    for (const from of senders) {
      const mine = sent.filter((s) => s.from.equals(from.publicKey) && landed.has(s.sig));
      const spent = mine.reduce((n, s) => n + s.lamports + 5000, 0);
      expect(await rpcOk<{ value: number }>(second.rpcUrl, "getBalance", [from.publicKey.toBase58()])).toMatchObject({
        value: 1000 * LAMPORTS_PER_SOL - spent,
      });
    }
    // The restarted chain goes on accepting transactions.
    const bh = await rpcOk<{ value: { blockhash: string } }>(second.rpcUrl, "getLatestBlockhash", [{ commitment: "processed" }]);
    const tx = new Transaction({ feePayer: senders[0]!.publicKey, recentBlockhash: bh.value.blockhash }).add(
      SystemProgram.transfer({ fromPubkey: senders[0]!.publicKey, toPubkey: Keypair.generate().publicKey, lamports: LAMPORTS_PER_SOL }),
    );
    tx.sign(senders[0]!);
    await rpcOk(second.rpcUrl, "sendTransaction", [tx.serialize().toString("base64"), { encoding: "base64" }]);
    second.child.kill("SIGTERM");
    await waitFor("clean exit", () => second.child.exitCode ?? undefined, 15_000);
    expect(second.child.exitCode).toBe(0);
    await sleep(0);
  }, 120_000);
});
