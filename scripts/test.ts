/**
 * `npm test`: every test, in order — system packages (setup), typecheck, lint, vitest (unit, integration against real
 * PostgreSQL/Redis when they answer, program tests on LiteSVM with the real .so files), then the
 * Playwright end-to-end suite in Debian's Chromium. Every step runs even when an earlier one fails,
 * so one run shows everything that is wrong; the exit code is non-zero if any step failed.
 *
 * Flags: --only=<step,...> to run a subset (setup, typecheck, lint, vitest, e2e).
 */
import { spawn } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, rmSync } from "node:fs";
import path from "node:path";

const root = path.resolve(import.meta.dirname, "..");
const cacheDir = path.join(root, ".cache");
mkdirSync(cacheDir, { recursive: true });

interface StepResult {
  name: string;
  ok: boolean;
  seconds: number;
  passed: number;
  failed: number;
}

function run(cmd: string, args: string[], extraEnv: Record<string, string> = {}): Promise<number> {
  return new Promise((resolve) => {
    const child = spawn(cmd, args, {
      cwd: root,
      stdio: "inherit",
      env: { ...process.env, NEXT_TELEMETRY_DISABLED: "1", FORCE_COLOR: "0", ...extraEnv },
    });
    child.on("exit", (code, signal) => resolve(code ?? (signal ? 1 : 0)));
    child.on("error", () => resolve(1));
  });
}

/** Failed tests, named again under the summary. */
const failures: string[] = [];

/** Counts from vitest's JSON report (jest-compatible shape). */
function vitestCounts(file: string): { passed: number; failed: number } {
  if (!existsSync(file)) return { passed: 0, failed: 0 };
  const report = JSON.parse(readFileSync(file, "utf8")) as {
    numPassedTests?: number;
    numFailedTests?: number;
    testResults?: {
      name?: string;
      message?: string;
      assertionResults?: { fullName?: string; status?: string; failureMessages?: string[] }[];
    }[];
  };
  // CI keeps only the tail of the log: repeat each failure, short, where the summary will show it.
  for (const file of report.testResults ?? []) {
    const where = path.relative(root, file.name ?? "");
    const failedTests = (file.assertionResults ?? []).filter((t) => t.status === "failed");
    for (const t of failedTests) {
      const why = (t.failureMessages?.[0] ?? "").split("\n").slice(0, 3).join(" | ");
      failures.push(`vitest ${where} > ${t.fullName ?? "?"}: ${why.slice(0, 400)}`);
    }
    if (failedTests.length === 0 && file.message) {
      failures.push(
        `vitest ${where}: ${file.message.split("\n").slice(0, 3).join(" | ").slice(0, 400)}`,
      );
    }
  }
  return { passed: report.numPassedTests ?? 0, failed: report.numFailedTests ?? 0 };
}

interface PlaywrightSuite {
  title?: string;
  specs?: {
    title?: string;
    ok?: boolean;
    tests?: { results?: { error?: { message?: string } }[] }[];
  }[];
  suites?: PlaywrightSuite[];
}

/** Counts from Playwright's JSON report. */
function playwrightCounts(file: string): { passed: number; failed: number } {
  if (!existsSync(file)) return { passed: 0, failed: 0 };
  const report = JSON.parse(readFileSync(file, "utf8")) as PlaywrightSuite & {
    stats?: { expected?: number; unexpected?: number; flaky?: number };
  };
  const walk = (suite: PlaywrightSuite, trail: string[]) => {
    for (const spec of suite.specs ?? []) {
      if (spec.ok !== false) continue;
      const error = spec.tests?.flatMap((t) => t.results ?? []).find((r) => r.error)?.error;
      const why = (error?.message ?? "").split("\n").slice(0, 3).join(" | ").slice(0, 400);
      failures.push(`e2e ${[...trail, spec.title ?? "?"].join(" > ")}: ${why}`);
    }
    for (const child of suite.suites ?? []) walk(child, [...trail, child.title ?? ""]);
  };
  walk(report, []);
  const s = report.stats ?? {};
  return { passed: (s.expected ?? 0) + (s.flaky ?? 0), failed: s.unexpected ?? 0 };
}

const onlyArg = process.argv.find((a) => a.startsWith("--only="));
const only = onlyArg ? new Set(onlyArg.slice("--only=".length).split(",")) : null;
const wanted = (name: string) => !only || only.has(name);

const steps: { name: string; exec: () => Promise<Omit<StepResult, "name" | "seconds">> }[] = [
  {
    // Debian packages the suite needs, installed up front (apt-get, when missing) so no test
    // spends its timeout on an install: clang-16 rebuilds the programs, Chromium runs the e2e.
    name: "setup",
    exec: async () => {
      const clang = (await run("npx", ["tsx", "scripts/sbf-ensure-clang.ts"])) === 0;
      const chromium = (await run("npx", ["tsx", "scripts/ensure-chromium.ts"])) === 0;
      return { ok: clang && chromium, passed: 0, failed: 0 };
    },
  },
  {
    name: "typecheck",
    exec: async () => {
      const ok = (await run("npx", ["tsc", "--noEmit", "-p", "."])) === 0;
      return { ok, passed: 0, failed: 0 };
    },
  },
  {
    name: "lint",
    exec: async () => {
      const ok = (await run("npx", ["eslint", ".", "--max-warnings", "0"])) === 0;
      return { ok, passed: 0, failed: 0 };
    },
  },
  {
    name: "vitest",
    exec: async () => {
      const out = path.join(cacheDir, "vitest-report.json");
      rmSync(out, { force: true });
      const code = await run("npx", [
        "vitest",
        "run",
        "--reporter=default",
        "--reporter=json",
        `--outputFile.json=${out}`,
      ]);
      const counts = vitestCounts(out);
      return { ok: code === 0 && counts.passed > 0, ...counts };
    },
  },
  {
    name: "e2e",
    exec: async () => {
      const out = path.join(cacheDir, "playwright-report.json");
      rmSync(out, { force: true });
      const code = await run("npm", ["run", "test:e2e", "--", "--reporter=list,json"], {
        PLAYWRIGHT_JSON_OUTPUT_NAME: out,
      });
      const counts = playwrightCounts(out);
      return { ok: code === 0 && counts.passed > 0, ...counts };
    },
  },
];

const results: StepResult[] = [];
for (const step of steps) {
  if (!wanted(step.name)) continue;
  console.log(`\n=== ${step.name} ===`);
  const started = Date.now();
  const r = await step.exec();
  results.push({ name: step.name, seconds: (Date.now() - started) / 1000, ...r });
}

console.log("\n=== summary ===");
for (const r of results) {
  const counts = r.passed || r.failed ? ` (${r.passed} passed, ${r.failed} failed)` : "";
  console.log(`${r.ok ? "ok  " : "FAIL"} ${r.name.padEnd(10)} ${r.seconds.toFixed(1)}s${counts}`);
}
const passed = results.reduce((n, r) => n + r.passed, 0);
const failed = results.reduce((n, r) => n + r.failed + (r.ok ? 0 : r.failed ? 0 : 1), 0);
for (const f of failures) console.log(`failed: ${f}`);
console.log(`tests: ${passed} passed, ${failed} failed`);
process.exit(results.every((r) => r.ok) ? 0 : 1);
