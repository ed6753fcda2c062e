/**
 * package.json and package-lock.json agree, so `npm ci` (what CI runs) installs exactly what
 * `npm install` would, and `npm install` leaves the lock file as committed. Fails when one is
 * edited without the other, or when npm would rewrite the lock (as it does for optional platform
 * packages the lock lacks, npm/cli#9846).
 */
import { execFileSync } from "node:child_process";
import { copyFileSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";

const root = path.resolve(import.meta.dirname, "..");
const read = (file: string) => JSON.parse(readFileSync(file, "utf8")) as Record<string, unknown>;
const pkg = read(path.join(root, "package.json")) as {
  dependencies: Record<string, string>;
  devDependencies: Record<string, string>;
};
const lock = read(path.join(root, "package-lock.json")) as {
  lockfileVersion: number;
  packages: Record<
    string,
    {
      version?: string;
      dependencies?: Record<string, string>;
      devDependencies?: Record<string, string>;
      optionalDependencies?: Record<string, string>;
    }
  >;
};

/** npm's `^`, `~` and exact ranges (parts may be left out: `~5.9`), the ones this project writes. */
function satisfies(version: string, range: string): boolean {
  const m = /^([\^~]?)(\d+)(?:\.(\d+))?(?:\.(\d+))?$/.exec(range);
  const v = /^(\d+)\.(\d+)\.(\d+)$/.exec(version);
  if (!m || !v) return false;
  const given = m.slice(2).filter((x) => x !== undefined).length;
  const want = m.slice(2).map((x) => Number(x ?? 0));
  const have = v.slice(1).map(Number);
  // How many leading parts must match exactly; the rest only may not be older.
  let fixed = given;
  if (m[1] === "~") fixed = given >= 2 ? 2 : 1;
  if (m[1] === "^") {
    const lead = want.slice(0, given).findIndex((n) => n !== 0);
    fixed = lead < 0 ? given : lead + 1;
  }
  for (let i = 0; i < fixed; i++) if (have[i] !== want[i]) return false;
  for (let i = fixed; i < 3; i++) if (have[i] !== want[i]) return have[i]! > want[i]!;
  return true;
}

const tmp = mkdtempSync(path.join(os.tmpdir(), "gtx-lock-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe("package-lock.json", () => {
  it("lists package.json's dependencies, with versions their ranges accept", () => {
    expect(lock.lockfileVersion).toBe(3);
    const rootEntry = lock.packages[""]!;
    expect(rootEntry.dependencies).toEqual(pkg.dependencies);
    expect(rootEntry.devDependencies).toEqual(pkg.devDependencies);
    for (const [name, range] of Object.entries({ ...pkg.dependencies, ...pkg.devDependencies })) {
      const installed = lock.packages[`node_modules/${name}`]?.version;
      expect(installed, name).toBeDefined();
      expect(satisfies(installed!, range), `${name}@${installed} for ${range}`).toBe(true);
    }
  });

  it("has an entry for every optional dependency a locked package declares", () => {
    const missing: string[] = [];
    for (const [where, entry] of Object.entries(lock.packages)) {
      for (const dep of Object.keys(entry.optionalDependencies ?? {})) {
        // Resolution walks up the node_modules folders, as Node's does.
        let dir = where;
        let found = false;
        for (;;) {
          if (lock.packages[`${dir ? `${dir}/` : ""}node_modules/${dep}`]) {
            found = true;
            break;
          }
          if (!dir) break;
          const i = dir.lastIndexOf("/node_modules/");
          dir = i < 0 ? "" : dir.slice(0, i);
        }
        if (!found) missing.push(`${where || "(root)"} → ${dep}`);
      }
    }
    expect(missing).toEqual([]);
  });

  it("is what `npm install` writes: a lock-only install changes nothing", () => {
    copyFileSync(path.join(root, "package.json"), path.join(tmp, "package.json"));
    copyFileSync(path.join(root, "package-lock.json"), path.join(tmp, "package-lock.json"));
    // Metadata from npm's cache when it has it (npm ci just filled it); the registry otherwise.
    execFileSync(
      "npm",
      ["install", "--package-lock-only", "--ignore-scripts", "--no-audit", "--no-fund", "--prefer-offline"],
      { cwd: tmp, stdio: "pipe", timeout: 120_000 },
    );
    expect(read(path.join(tmp, "package-lock.json"))).toEqual(lock);
  }, 150_000);
});

describe("satisfies (the range check above)", () => {
  it("accepts what npm's caret, tilde and exact ranges accept; other forms never", () => {
    expect(satisfies("1.4.0", "^1.2.3")).toBe(true);
    expect(satisfies("2.0.0", "^1.2.3")).toBe(false);
    expect(satisfies("1.2.2", "^1.2.3")).toBe(false);
    expect(satisfies("0.2.9", "^0.2.3")).toBe(true);
    expect(satisfies("0.3.0", "^0.2.3")).toBe(false);
    expect(satisfies("1.2.3", "1.2.3")).toBe(true);
    expect(satisfies("1.2.4", "1.2.3")).toBe(false);
    expect(satisfies("1.2.9", "~1.2.3")).toBe(true);
    expect(satisfies("1.3.0", "~1.2.3")).toBe(false);
    expect(satisfies("5.9.3", "~5.9")).toBe(true);
    expect(satisfies("5.10.0", "~5.9")).toBe(false);
    expect(satisfies("1.2.4", ">=1.2.3")).toBe(false);
  });
});
