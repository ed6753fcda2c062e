/** Shared by the THB-chain tests: temp dirs, polling, a manual-block chain, signed transfers. */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { ThbChain, type ThbChainOptions } from "./chain";
import { signTransfer } from "./client";
import { generateKeypair, type ThbKeypair } from "./keys";
import type { SignedTransfer } from "./state";

export const REPO_ROOT = path.resolve(import.meta.dirname, "../..");

export function tempDir(prefix: string): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), `thb-chain-${prefix}-`));
}

/** Polls `check` until it returns something other than undefined (no fixed sleeps). */
export async function waitFor<T>(what: string, check: () => T | undefined | Promise<T | undefined>, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await check();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** A chain with no block timer (blocks only through produceBlock), in a fresh temp dir, quiet. */
export function openTestChain(opts: ThbChainOptions = {}): Promise<ThbChain> {
  return ThbChain.open({ dataDir: tempDir("unit"), blockMs: 0, log: () => undefined, chainId: "thb-sim-test", ...opts });
}

/** A signed transfer as the chain takes it (amount as bigint). */
export function signed(kp: ThbKeypair, chainId: string, to: string, amount: bigint, nonce: number, memo = ""): SignedTransfer {
  const { body } = signTransfer(kp, chainId, { to, amount, nonce, memo });
  return { ...body, amount: BigInt(body.amount) };
}

export function keys(n: number): ThbKeypair[] {
  return Array.from({ length: n }, () => generateKeypair());
}

/** Copies a live data dir as a crash would leave it (what is on disk now), minus the lock. */
export function crashCopy(dir: string): string {
  const to = tempDir("crash-copy");
  fs.cpSync(dir, to, { recursive: true });
  fs.rmSync(path.join(to, "LOCK"), { force: true });
  return to;
}
