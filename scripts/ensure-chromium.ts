/**
 * Makes sure Debian's Chromium is installed, because Playwright drives it (playwright.config.ts
 * sets executablePath) and `npx playwright install` cannot download browsers here. Installs the
 * `chromium` package with apt-get when it is missing (running `apt-get update` first when the
 * package lists do not know it yet), holding /tmp/apt.lock so it never races another apt job.
 */
import { spawnSync } from "node:child_process";
import fs from "node:fs";

const chromium = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";

function run(cmd: string, args: string[]): number {
  const r = spawnSync(cmd, args, {
    stdio: "inherit",
    env: { ...process.env, DEBIAN_FRONTEND: "noninteractive" },
  });
  return r.status ?? 1;
}

function version(): string | null {
  const r = spawnSync(chromium, ["--version"], { encoding: "utf8" });
  return r.status === 0 ? r.stdout.trim() : null;
}

if (fs.existsSync(chromium)) {
  console.log(`[ensure-chromium] ${version() ?? chromium}`);
  process.exit(0);
}

if (process.env.CHROMIUM_PATH) {
  console.error(`[ensure-chromium] CHROMIUM_PATH=${chromium} does not exist`);
  process.exit(1);
}

if (typeof process.getuid === "function" && process.getuid() !== 0) {
  console.error(
    "[ensure-chromium] /usr/bin/chromium is missing and installing it needs root: run `sudo apt-get install -y chromium`",
  );
  process.exit(1);
}

const known = spawnSync("apt-cache", ["policy", "chromium"], { encoding: "utf8" });
const hasCandidate = known.status === 0 && /Candidate:\s+(?!\(none\))\S+/.test(known.stdout);
const script = hasCandidate
  ? "apt-get install -y --no-install-recommends chromium"
  : "apt-get update && apt-get install -y --no-install-recommends chromium";
console.log(`[ensure-chromium] installing Debian's chromium: ${script}`);
const code = run("flock", ["/tmp/apt.lock", "sh", "-c", script]);
if (code !== 0 || !fs.existsSync(chromium)) {
  console.error(`[ensure-chromium] apt-get failed (exit ${code})`);
  process.exit(1);
}
console.log(`[ensure-chromium] installed ${version() ?? chromium}`);
