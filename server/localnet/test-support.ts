/** Shared by the localnet test files: a chain on free ports in a temp dir, and raw JSON-RPC calls. */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { Keypair, LAMPORTS_PER_SOL, type Connection, type PublicKey } from "@solana/web3.js";
import { startLocalnet, type Localnet, type LocalnetOptions } from "./index";

export const REPO_ROOT = path.resolve(__dirname, "../..");

export function tempDir(prefix: string): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), `localnet-${prefix}-`));
}

/** A chain with fast slots, on a free port pair, in a fresh temp dir, quiet. */
export async function startTestChain(opts: LocalnetOptions = {}): Promise<Localnet> {
  return startLocalnet({
    port: 0,
    dataDir: tempDir("test"),
    slotMs: 100,
    finalizeSlots: 2,
    root: REPO_ROOT,
    log: () => undefined,
    ...opts,
  });
}

export interface RpcReply {
  jsonrpc: string;
  id: unknown;
  result?: unknown;
  error?: { code: number; message: string; data?: unknown };
}

export async function rpcRaw(url: string, body: unknown): Promise<unknown> {
  const res = await fetch(url, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
  return res.json();
}

export async function rpc(url: string, method: string, params: unknown[] = [], id: unknown = 1): Promise<RpcReply> {
  return (await rpcRaw(url, { jsonrpc: "2.0", id, method, params })) as RpcReply;
}

/** Result of a call that must succeed. */
export async function rpcOk<T = unknown>(url: string, method: string, params: unknown[] = []): Promise<T> {
  const r = await rpc(url, method, params);
  if (r.error) throw new Error(`${method} failed: ${r.error.code} ${r.error.message}`);
  return r.result as T;
}

/**
 * Closes a web3.js Connection's WebSocket with a normal closure, so it does not try to
 * reconnect to a chain that the test is about to stop.
 */
export function closeConnection(conn: Connection): void {
  const ws = (conn as unknown as { _rpcWebSocket?: { close(): void } })._rpcWebSocket;
  ws?.close();
}

/** Airdrops `sol` to `key` through the RPC and waits until the airdrop is confirmed. */
export async function airdropConfirmed(conn: Connection, key: PublicKey, sol: number): Promise<void> {
  const sig = await conn.requestAirdrop(key, sol * LAMPORTS_PER_SOL);
  const bh = await conn.getLatestBlockhash("confirmed");
  await conn.confirmTransaction({ signature: sig, ...bh }, "confirmed");
}

/** A new keypair holding `sol`, confirmed. */
export async function fundedKeypair(conn: Connection, sol: number): Promise<Keypair> {
  const kp = Keypair.generate();
  await airdropConfirmed(conn, kp.publicKey, sol);
  return kp;
}

export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

export async function waitFor<T>(what: string, f: () => T | undefined | Promise<T | undefined>, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await f();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(20);
  }
}
