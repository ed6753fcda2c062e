/**
 * `installTestWallet` outside the test runner: a plain Playwright script run with `tsx` (whose
 * esbuild keepNames once broke the injected page script with "__name is not defined"). It serves
 * a tiny Wallet Standard app on loopback, installs the test wallet into Chromium, and has the page
 * discover it, connect and sign a message; Node then verifies that signature. Prints one JSON line
 * and exits 0 only if everything worked. Run: `npx tsx e2e/support/wallet-under-tsx.ts`
 * (e2e/test-wallet-tsx.spec.ts does, and checks its output).
 */
import crypto from "node:crypto";
import http from "node:http";
import { chromium } from "@playwright/test";
import bs58 from "bs58";
import { testKey } from "../fixtures/keys";
import { installTestWallet } from "../fixtures/wallet";
import { CHROMIUM_PATH } from "./settings";

/** A page that listens for wallets the way @wallet-standard/app does (both handshake halves). */
const APP_HTML = `<!doctype html><html><head><title>wallet app</title><script>
  window.__wallets = [];
  const api = { register: (...ws) => { window.__wallets.push(...ws); return () => {}; } };
  window.addEventListener("wallet-standard:register-wallet", (e) => e.detail(api));
  window.dispatchEvent(new CustomEvent("wallet-standard:app-ready", { detail: api }));
</script></head><body>app</body></html>`;

interface PageResult {
  names: string[];
  features: string[];
  address: string;
  signature: number[];
}

async function main(): Promise<{ ok: boolean; [k: string]: unknown }> {
  const server = http.createServer((_req, res) => {
    res.setHeader("content-type", "text/html");
    res.end(APP_HTML);
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const address = server.address();
  const port = typeof address === "object" && address ? address.port : 0;
  const browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: ["--no-sandbox"] });
  try {
    const page = await browser.newPage();
    const pageErrors: string[] = [];
    page.on("pageerror", (e) => pageErrors.push(e.message));
    const key = testKey("wallet-under-tsx");
    const wallet = await installTestWallet(page, { secretKey: key.secretKey, name: "Phantom" });
    await page.goto(`http://127.0.0.1:${port}/`);
    const text = "GridTokenX test wallet under tsx";
    const result = await page.evaluate(async (message): Promise<PageResult> => {
      type Feature = Record<string, (...args: unknown[]) => Promise<unknown>>;
      interface W {
        name: string;
        features: Record<string, Feature>;
      }
      const wallets = (window as unknown as { __wallets: W[] }).__wallets;
      const w = wallets.find((x) => x.name === "Phantom");
      if (!w) throw new Error(`no Phantom among ${wallets.length} wallet(s)`);
      const connected = (await w.features["standard:connect"]!.connect!()) as {
        accounts: { address: string }[];
      };
      const account = connected.accounts[0];
      if (!account) throw new Error("connect returned no account");
      const [out] = (await w.features["solana:signMessage"]!.signMessage!({
        account,
        message: new TextEncoder().encode(message),
      })) as { signature: Uint8Array }[];
      return {
        names: wallets.map((x) => x.name),
        features: Object.keys(w.features),
        address: account.address,
        signature: Array.from(out?.signature ?? []),
      };
    }, text);
    const verified =
      result.signature.length === 64 &&
      crypto.verify(
        null,
        Buffer.from(text),
        crypto.createPublicKey({
          key: Buffer.concat([
            Buffer.from("302a300506032b6570032100", "hex"),
            Buffer.from(key.publicKey),
          ]),
          format: "der",
          type: "spki",
        }),
        Buffer.from(result.signature),
      );
    const ok =
      pageErrors.length === 0 &&
      result.address === key.address &&
      bs58.decode(result.address).length === 32 &&
      verified &&
      wallet.signedMessages.length === 1 &&
      wallet.signedMessages[0]?.text === text;
    return {
      ok,
      pageErrors,
      names: result.names,
      features: result.features,
      address: result.address,
      verified,
    };
  } finally {
    await browser.close();
    server.close();
  }
}

main().then(
  (r) => {
    console.log(JSON.stringify(r));
    process.exit(r.ok ? 0 : 1);
  },
  (error: unknown) => {
    console.log(
      JSON.stringify({ ok: false, error: error instanceof Error ? error.message : String(error) }),
    );
    process.exit(1);
  },
);
