import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { isLocalRpc, loadOperatorKeypair } from "./connection";

describe("operator keypair", () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "gtx-op-"));

  it("is created once on a local chain and read back the same", () => {
    const file = path.join(dir, "a", "op.json");
    const a = loadOperatorKeypair(file, { createIfMissing: true });
    const b = loadOperatorKeypair(file, { createIfMissing: true });
    expect(b.publicKey.toBase58()).toBe(a.publicKey.toBase58());
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
  });

  it("must exist elsewhere (never a silent new key)", () => {
    expect(() => loadOperatorKeypair(path.join(dir, "missing.json"), { createIfMissing: false })).toThrow(/does not exist/);
  });

  it("refuses a file that is not a 64-byte key", () => {
    const file = path.join(dir, "bad.json");
    fs.writeFileSync(file, "[1,2,3]");
    expect(() => loadOperatorKeypair(file, { createIfMissing: true })).toThrow(/64-byte/);
  });

  it("treats only loopback RPCs as local", () => {
    expect(isLocalRpc("http://127.0.0.1:8899")).toBe(true);
    expect(isLocalRpc("http://localhost:8899")).toBe(true);
    expect(isLocalRpc("https://api.devnet.solana.com")).toBe(false);
  });
});
