/**
 * End-to-end tests: the real app (production build, real database, real Redis when one runs) in
 * Debian's Chromium. Only the wallet extension is simulated (e2e/fixtures/wallet.ts).
 * Run with `npm run test:e2e` (installs Chromium with apt-get first if it is missing).
 */
import { defineConfig, devices } from "@playwright/test";
import { assertLocalOnly } from "./e2e/support/local-guard";
import { CHROMIUM_PATH, E2E_BASE_URL } from "./e2e/support/settings";

assertLocalOnly({ E2E_BASE_URL });

export default defineConfig({
  testDir: "./e2e",
  testMatch: "**/*.spec.ts",
  forbidOnly: true,
  // Tests are independent (each its own browser context, client address and, where it matters,
  // its own key), so they spread over the workers.
  fullyParallel: true,
  retries: 0,
  // Two cores: one browser per core, and the app server shares them.
  workers: process.env.CI ? 1 : 2,
  timeout: 60_000,
  // Two cores shared with builds and other suites: give the UI time, never sleep.
  expect: { timeout: 20_000 },
  reporter: process.env.CI ? [["list"], ["html", { open: "never" }]] : "list",
  use: {
    ...devices["Desktop Chrome"],
    baseURL: E2E_BASE_URL,
    trace: "retain-on-failure",
    screenshot: "only-on-failure",
    launchOptions: {
      executablePath: CHROMIUM_PATH,
      args: [
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
      ],
    },
  },
  projects: [{ name: "chromium" }],
  webServer: {
    command: "npx tsx e2e/support/app-server.ts",
    url: `${E2E_BASE_URL}/`,
    // A server left running from an earlier run has an older database and build: start fresh
    // unless asked (E2E_REUSE_SERVER=1 while iterating on tests).
    reuseExistingServer: process.env.E2E_REUSE_SERVER === "1",
    // The first run includes `next build` on two shared cores.
    timeout: 15 * 60_000,
    stdout: "pipe",
    stderr: "pipe",
    gracefulShutdown: { signal: "SIGTERM", timeout: 15_000 },
    env: { NEXT_TELEMETRY_DISABLED: "1" },
  },
});
