import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { Keypair } from "@solana/web3.js";
import { afterAll, describe, expect, it } from "vitest";
import { deployAuthority, loadDeployAuthority } from "./deploy-authority";
import { readKeypairFile } from "./keypair-file";

const dir = fs.mkdtempSync(path.join(os.tmpdir(), "deploy-authority-"));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

function write(name: string, content: unknown): string {
  const file = path.join(dir, name);
  fs.writeFileSync(file, JSON.stringify(content));
  return file;
}

describe("deploy authority", () => {
  it("the committed dev key is the DEPLOY_AUTHORITY the IDL declares", () => {
    expect(loadDeployAuthority().publicKey.toBase58()).toBe(deployAuthority().toBase58());
  });

  it("refuses a missing file, a file that is not 64 bytes, and another key", () => {
    expect(() => loadDeployAuthority(path.join(dir, "none.json"))).toThrow(/does not exist \(set DEPLOY_AUTHORITY_KEYPAIR_PATH\)/);
    expect(() => loadDeployAuthority(write("short.json", [1, 2, 3]))).toThrow(/deploy authority keypair .* is not a 64-byte JSON array/);
    const other = Keypair.generate();
    expect(() => loadDeployAuthority(write("other.json", Array.from(other.secretKey)))).toThrow(/but the programs were built for/);
  });

  it("readKeypairFile reads a Solana CLI keypair file", () => {
    const kp = Keypair.generate();
    expect(readKeypairFile(write("kp.json", Array.from(kp.secretKey)), "test").publicKey.equals(kp.publicKey)).toBe(true);
    expect(() => readKeypairFile(write("obj.json", { a: 1 }), "operator")).toThrow(/^operator keypair .* is not a 64-byte JSON array$/);
  });
});
