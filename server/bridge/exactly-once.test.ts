/**
 * Exactly-once under concurrency and crashes, on a real local chain, a real database and a real
 * THB-chain simulator:
 *  - two services at once (separate connection pools, passes run with Promise.all over several
 *    rounds): every deposit minted once, every withdrawal paid once (THB balances, payout markers
 *    and the THBC supply checked);
 *  - a crash at every step boundary (a hook throws there: the pass stops with no further write,
 *    as a kill -9 would; a database transaction in flight is rolled back), then a fresh pass:
 *    each deposit minted once, each withdrawal paid once and resolved once;
 *  - a real kill -9 of a service process in the middle of a payout and after a deposit's send.
 */
import { spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import bs58 from "bs58";
import { Keypair, type PublicKey } from "@solana/web3.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openPostgres, type DbHandle } from "~/db/client";
import type { TransferView } from "~/server/thb-chain/client";
import { generateKeypair } from "~/server/thb-chain/keys";
import { payoutMemo } from "./ids";
import { BRIDGE_STEPS, BridgeHookAbort, runBridgePass, type BridgeStep } from "./service";
import {
  CONFIRMATIONS,
  THB,
  blocks,
  deposit,
  depositRow,
  passUntil,
  requestWithdrawal,
  startBridgeTestEnv,
  thbBalance,
  thbUser,
  thbcBalance,
  thbcSupply,
  wallet,
  withdrawalRow,
  type BridgeTestEnv,
} from "./test-support";

let t: BridgeTestEnv;
let second: DbHandle | null = null;

beforeAll(async () => {
  t = await startBridgeTestEnv();
  // The second service has its own connection pool on the same database (PGlite: the same one).
  if (t.env.tdb.url) second = openPostgres(t.env.tdb.url, { max: 3 });
}, 90_000);

afterAll(async () => {
  await second?.close();
  await t?.close();
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Live (not dropped) THB payouts carrying the withdrawal's marker. */
async function payoutsOf(withdrawal: PublicKey) {
  const outs = await t.thb.accountTransfers(t.depositAddress, { direction: "out" });
  return outs.transfers.filter((x) => x.memo === payoutMemo(withdrawal.toBase58()));
}

async function mintedDeposit(amount: bigint, to: PublicKey) {
  const user = await thbUser(t, amount);
  const sent = await deposit(t, user, amount, to.toBase58());
  await passUntil(t, async () => (await depositRow(t.env.tdb.db, sent.id))?.state === "minted", { what: "minted" });
  return sent;
}

describe("two services at once", () => {
  it("deposits and withdrawals processed by two concurrent services on the same rows over several rounds: each deposit minted once, each withdrawal paid once", async () => {
    const supply0 = await thbcSupply(t);
    const bridge0 = await thbBalance(t, t.depositAddress);
    // Holders pay the Withdrawal account's rent when they request one.
    const holders = await Promise.all([0, 1, 2].map(() => wallet(t)));
    // 6 deposits, two per holder, in the mempool together.
    const amounts = [11n, 12n, 13n, 14n, 15n, 16n].map((n) => n * THB + n);
    const sent: TransferView[] = [];
    for (let i = 0; i < amounts.length; i++) {
      const user = await thbUser(t, amounts[i]!);
      sent.push(await deposit(t, user, amounts[i]!, holders[i % 3]!.publicKey.toBase58()));
    }
    // Leases of 1 ms: both services take the same rows, so only what the chain and the payout
    // lock guarantee keeps it exactly-once (the leases normally keep them apart).
    const a = t.deps({ leaseMs: 1 });
    const b = t.deps({ leaseMs: 1, db: second?.db ?? t.env.tdb.db });
    const round = () => Promise.all([runBridgePass(a), runBridgePass(b)]);
    const allMinted = async () => (await Promise.all(sent.map((s) => depositRow(t.env.tdb.db, s.id)))).every((r) => r?.state === "minted");
    for (let i = 0; i < 10 && !(await allMinted()); i++) {
      const [x, y] = await round();
      expect([...x.errors, ...y.errors]).toEqual([]);
      await blocks(t);
    }
    expect(await allMinted()).toBe(true);
    for (let h = 0; h < 3; h++) expect(await thbcBalance(t, holders[h]!.publicKey)).toBe(amounts[h]! + amounts[h + 3]!);
    const total = amounts.reduce((s, x) => s + x, 0n);
    expect((await thbcSupply(t)) - supply0).toBe(total);

    // Each holder withdraws part of it to a THB address of their own; two services pay out.
    const dests = holders.map(() => generateKeypair().address);
    const ws: (Awaited<ReturnType<typeof requestWithdrawal>> & { amount: bigint })[] = [];
    for (let h = 0; h < 3; h++) ws.push({ ...(await requestWithdrawal(t, holders[h]!, amounts[h]!, dests[h]!)), amount: amounts[h]! });
    const allCompleted = async () =>
      (await Promise.all(ws.map((w) => withdrawalRow(t.env.tdb.db, w.withdrawal.toBase58())))).every((r) => r?.state === "completed");
    for (let i = 0; i < 12 && !(await allCompleted()); i++) {
      const [x, y] = await round();
      expect([...x.errors, ...y.errors]).toEqual([]);
      await blocks(t);
    }
    expect(await allCompleted()).toBe(true);
    // A few more rounds: nothing moves.
    for (let i = 0; i < 2; i++) {
      await round();
      await blocks(t);
    }
    for (let h = 0; h < 3; h++) {
      expect(await thbBalance(t, dests[h]!)).toBe(amounts[h]!);
      expect(await payoutsOf(ws[h]!.withdrawal)).toHaveLength(1);
      expect(await thbcBalance(t, holders[h]!.publicKey)).toBe(amounts[h + 3]!);
    }
    const paid = amounts[0]! + amounts[1]! + amounts[2]!;
    expect((await thbcSupply(t)) - supply0).toBe(total - paid);
    expect((await thbBalance(t, t.depositAddress)) - bridge0).toBe(total - paid);
  });
});

describe("a crash at every step boundary, then a fresh pass", () => {
  const crashAt = (step: BridgeStep, id: string) => (at: BridgeStep, info: { id: string }) => {
    if (at === step && info.id === id) throw new Error(`crash at ${step}`);
  };

  /** Passes with the crash hook (sealing blocks) until one stops at `step`. */
  async function runUntilCrash(step: BridgeStep, id: string) {
    for (let i = 0; i < 12; i++) {
      const p = t.pass({ hook: crashAt(step, id), leaseMs: 300 });
      const r = await p.then(
        () => null,
        (e: unknown) => e,
      );
      if (r) {
        expect(r).toBeInstanceOf(BridgeHookAbort);
        expect((r as BridgeHookAbort).step).toBe(step);
        return;
      }
      await blocks(t);
    }
    throw new Error(`never reached ${step}`);
  }

  for (const step of BRIDGE_STEPS.filter((s) => s.startsWith("deposit:"))) {
    it(`deposit, crash after ${step}: minted exactly once`, async () => {
      const to = Keypair.generate();
      const amount = 3n * THB + 7n;
      const supply0 = await thbcSupply(t);
      const user = await thbUser(t, amount);
      const sent = await deposit(t, user, amount, to.publicKey.toBase58());
      await blocks(t, CONFIRMATIONS);
      await runUntilCrash(step, sent.id);
      await sleep(350); // the crashed pass's lease
      await passUntil(t, async () => (await depositRow(t.env.tdb.db, sent.id))?.state === "minted", { what: "minted after the crash" });
      await t.pass();
      expect(await thbcBalance(t, to.publicKey)).toBe(amount);
      expect((await thbcSupply(t)) - supply0).toBe(amount);
    });
  }

  for (const step of BRIDGE_STEPS.filter((s) => s.startsWith("payout:") || s.startsWith("withdrawal:"))) {
    it(`withdrawal, crash after ${step}: paid exactly once and completed once`, async () => {
      const holder = await wallet(t);
      await mintedDeposit(9n * THB, holder.publicKey);
      const dest = generateKeypair().address;
      const supply0 = await thbcSupply(t);
      const bridge0 = await thbBalance(t, t.depositAddress);
      const w = await requestWithdrawal(t, holder, 4n * THB, dest);
      await runUntilCrash(step, w.withdrawal.toBase58());
      await sleep(350);
      await passUntil(t, async () => (await withdrawalRow(t.env.tdb.db, w.withdrawal.toBase58()))?.state === "completed", {
        what: "completed after the crash",
      });
      await blocks(t);
      await t.pass();
      expect(await thbBalance(t, dest)).toBe(4n * THB);
      expect(await payoutsOf(w.withdrawal)).toHaveLength(1);
      expect(bridge0 - (await thbBalance(t, t.depositAddress))).toBe(4n * THB);
      expect(await thbcSupply(t)).toBe(supply0 - 4n * THB);
      expect(await thbcBalance(t, holder.publicKey)).toBe(5n * THB);
    });
  }

  for (const step of BRIDGE_STEPS.filter((s) => s.startsWith("refund:"))) {
    it(`withdrawal to a destination that cannot be paid, crash after ${step}: refunded exactly once`, async () => {
      const holder = await wallet(t);
      await mintedDeposit(6n * THB, holder.publicKey);
      const supply0 = await thbcSupply(t);
      const w = await requestWithdrawal(t, holder, 6n * THB, bs58.encode(new Uint8Array(32)));
      expect(await thbcBalance(t, holder.publicKey)).toBe(0n);
      await runUntilCrash(step, w.withdrawal.toBase58());
      await sleep(350);
      await passUntil(t, async () => (await withdrawalRow(t.env.tdb.db, w.withdrawal.toBase58()))?.state === "refunded", {
        what: "refunded after the crash",
      });
      await t.pass();
      expect(await thbcBalance(t, holder.publicKey)).toBe(6n * THB);
      expect(await thbcSupply(t)).toBe(supply0); // burned at the request, re-minted once
      expect(await payoutsOf(w.withdrawal)).toHaveLength(0);
    });
  }
});

describe("a real kill -9 of a service process", () => {
  async function killedAt(step: BridgeStep, keyFile: string): Promise<string> {
    const url = t.env.tdb.url!;
    const child = spawn(
      "npx",
      [
        "tsx",
        path.join(import.meta.dirname, "crash-child.ts"),
        step,
        url,
        t.env.net.rpcUrl,
        t.env.net.wsUrl,
        t.env.keypairPath,
        t.env.attestorKeypairPath,
        t.thbChain.url,
        keyFile,
      ],
      { cwd: path.resolve(import.meta.dirname, "../.."), stdio: ["ignore", "pipe", "pipe"] },
    );
    let out = "";
    child.stdout.on("data", (b: Buffer) => (out += b.toString()));
    child.stderr.on("data", (b: Buffer) => (out += b.toString()));
    let exited = false;
    const exit = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((r) =>
      child.on("exit", (code, signal) => {
        exited = true;
        r({ code, signal });
      }),
    );
    // The THB chain seals blocks only when told: keep it moving while the child works.
    while (!exited) {
      await blocks(t);
      await sleep(100);
    }
    const e = await exit;
    expect(out).toContain(`killed at ${step}`);
    expect(e.signal === "SIGKILL" || e.code === 137).toBe(true);
    return out;
  }

  it("killed with the THB payout sent and its record uncommitted, then killed after a deposit's send: each paid or minted once", async () => {
    if (!t.env.tdb.url) return; // the child needs a PostgreSQL server (PGlite is one process)
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "gtx-bridge-kill-"));
    const keyFile = path.join(dir, "thb.json");
    fs.writeFileSync(keyFile, JSON.stringify(Array.from(t.thbKey.secretKey)));
    try {
      const holder = await wallet(t);
      await mintedDeposit(8n * THB, holder.publicKey);
      const dest = generateKeypair().address;
      const supply0 = await thbcSupply(t);
      const w = await requestWithdrawal(t, holder, 8n * THB, dest);
      await killedAt("payout:sent", keyFile);
      expect(await payoutsOf(w.withdrawal)).toHaveLength(1); // paid on the THB chain…
      expect((await withdrawalRow(t.env.tdb.db, w.withdrawal.toBase58()))?.payoutTransferId ?? null).toBeNull(); // …not recorded
      await sleep(550);
      await passUntil(t, async () => (await withdrawalRow(t.env.tdb.db, w.withdrawal.toBase58()))?.state === "completed", { what: "completed" });
      expect(await payoutsOf(w.withdrawal)).toHaveLength(1);
      expect(await thbBalance(t, dest)).toBe(8n * THB);
      expect(await thbcSupply(t)).toBe(supply0 - 8n * THB);

      const to = Keypair.generate();
      const user = await thbUser(t, 5n * THB);
      const sent = await deposit(t, user, 5n * THB, to.publicKey.toBase58());
      await killedAt("deposit:sent", keyFile);
      expect(await thbcBalance(t, to.publicKey)).toBe(5n * THB); // minted on chain…
      expect((await depositRow(t.env.tdb.db, sent.id))?.state).toBe("submitted"); // …the record says sent
      await sleep(550);
      await passUntil(t, async () => (await depositRow(t.env.tdb.db, sent.id))?.state === "minted", { what: "minted" });
      expect(await thbcBalance(t, to.publicKey)).toBe(5n * THB);
      expect(await thbcSupply(t)).toBe(supply0 - 8n * THB + 5n * THB);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);
});
