/**
 * What the benchmark scripts share: percentiles, rounding, a JSON-RPC client, the local chain as
 * its own process, a fee payer signed natively, and a description of the machine.
 */
import { execSync, spawn, type ChildProcess } from "node:child_process";
import crypto from "node:crypto";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { PublicKey } from "@solana/web3.js";

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");

/** Nearest-rank percentile of an ascending list; NaN when empty. */
export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  const i = Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1);
  return sorted[Math.max(0, i)]!;
}

export const round = (n: number, d = 1) => Math.round(n * 10 ** d) / 10 ** d;

export type Rpc = <T>(method: string, params?: unknown[]) => Promise<T>;

/** A bare JSON-RPC client (no web3.js overhead); an error carries the simulation's logs. */
export function rpcClient(url: string): Rpc {
  let id = 0;
  return async <T>(method: string, params: unknown[] = []): Promise<T> => {
    const res = await fetch(url, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ jsonrpc: "2.0", id: ++id, method, params }),
    });
    const body = (await res.json()) as {
      result?: T;
      error?: { code: number; message: string; data?: { logs?: string[] } };
    };
    if (body.error) {
      const logs = body.error.data?.logs ?? [];
      throw new Error(`${method}: ${body.error.code} ${body.error.message}${logs.length ? `\n${logs.join("\n")}` : ""}`);
    }
    return body.result as T;
  };
}

/** The local chain (scripts/chain.ts) as its own process on free ports; `echo` prints its banner. */
export function startChain(
  dataDir: string,
  options: { slotMs: number; echo?: boolean },
): Promise<{ child: ChildProcess; rpcUrl: string; wsUrl: string }> {
  const child = spawn(
    process.execPath,
    ["--import", "tsx", path.join(ROOT, "scripts/chain.ts"), "--port", "0", "--data-dir", dataDir, "--slot-ms", String(options.slotMs)],
    { cwd: ROOT, stdio: ["ignore", "pipe", "inherit"] },
  );
  let out = "";
  return new Promise((resolve, reject) => {
    child.stdout.on("data", (d: Buffer) => {
      out += d.toString("utf8");
      const m = /rpc (http:\/\/[\d.:]+) ws (ws:\/\/[\d.:]+)/.exec(out);
      if (m) {
        if (options.echo) process.stdout.write(out);
        resolve({ child, rpcUrl: m[1]!, wsUrl: m[2]! });
      }
    });
    child.once("exit", (code) => reject(new Error(`chain exited with ${code}: ${out}`)));
  });
}

/** An Ed25519 key signed through node:crypto (native), with its web3.js public key. */
export function fastKey(): { publicKey: PublicKey; sign: (m: Uint8Array) => Buffer } {
  const { privateKey, publicKey } = crypto.generateKeyPairSync("ed25519");
  const spki = publicKey.export({ format: "der", type: "spki" });
  return { publicKey: new PublicKey(spki.subarray(spki.length - 32)), sign: (m) => crypto.sign(null, m, privateKey) };
}

/** CPU, cores, memory, Node, platform and commit, for the result files. */
export function machine() {
  let commit = "unknown";
  try {
    commit = execSync("git rev-parse --short HEAD", { cwd: ROOT }).toString().trim();
  } catch {
    // not a git checkout
  }
  return {
    cpu: os.cpus()[0]?.model ?? "unknown",
    cores: os.cpus().length,
    memoryGiB: round(os.totalmem() / 2 ** 30, 1),
    node: process.version,
    platform: `${os.platform()} ${os.release()}`,
    commit,
  };
}
