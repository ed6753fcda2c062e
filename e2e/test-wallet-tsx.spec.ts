/**
 * installTestWallet outside the test runner: e2e/support/wallet-under-tsx.ts is a plain
 * Playwright script run with `tsx` (esbuild with keepNames, which once made the injected page
 * script throw "__name is not defined"). It installs the wallet into Chromium on its own tiny
 * page, connects and signs; this runs it as a user would and checks what it printed.
 */
import { spawn } from "node:child_process";
import path from "node:path";
import vm from "node:vm";
import { expect, test } from "@playwright/test";
import { injectedWalletScript } from "./fixtures/wallet";

const root = path.resolve(import.meta.dirname, "..");

function runScript(): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      [path.join(root, "node_modules/tsx/dist/cli.mjs"), "e2e/support/wallet-under-tsx.ts"],
      {
        cwd: root,
        env: { ...process.env, NODE_OPTIONS: "" },
        stdio: ["ignore", "pipe", "pipe"],
      },
    );
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    child.on("error", reject);
    child.on("exit", (code) => resolve({ code, stdout, stderr }));
  });
}

test("installTestWallet works in a plain Playwright script run with tsx", async () => {
  test.setTimeout(120_000);
  const { code, stdout, stderr } = await runScript();
  const last = stdout.trim().split("\n").at(-1) ?? "";
  let report: Record<string, unknown>;
  try {
    report = JSON.parse(last) as Record<string, unknown>;
  } catch {
    throw new Error(`the script printed no JSON report (exit ${code}):\n${stdout}\n${stderr}`);
  }
  expect(report).toMatchObject({
    ok: true,
    pageErrors: [],
    names: ["Phantom"],
    verified: true,
  });
  expect(report.features).toEqual(
    expect.arrayContaining(["standard:connect", "solana:signMessage", "solana:signTransaction"]),
  );
  expect(code).toBe(0);
});

test("the injected script defines its own __name, so any compiler's output runs in the page", () => {
  const script = injectedWalletScript({
    name: "Phantom",
    icon: "data:image/svg+xml;base64,",
    bindingPrefix: "__x",
    signMessage: true,
  });
  expect(script).toContain("const __name = ");
  // It is one self-contained expression: parsing it needs nothing from this module.
  expect(() => new vm.Script(script)).not.toThrow();
});
