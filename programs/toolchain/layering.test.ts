/**
 * Import layering: programs/ (the on-chain code, its clients, harness and toolchain) and lib/
 * (shared by browser and server) never reach into server/; lib/ never into components/ either.
 * Shared pieces belong in lib/ (e.g. lib/solana/), which both sides may import. A type-only
 * import (`import type`) is allowed: it is erased at build time and brings no code along, which
 * is how the tRPC client (lib/trpc) knows the router's type.
 */
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { REPO_ROOT } from "./anchor-toml";

const SOURCE = /\.(ts|tsx|mts|cts|js|mjs|cjs)$/;
// Imports and re-exports (group 1 is "type " for type-only ones), side-effect imports, dynamic
// imports and require: group 2 is the module specifier.
const SPECIFIER =
  /\b(?:(?:import|export)\s+(type\s+)?[^;"'`]*?\bfrom\s*|import\s*\(\s*|import\s+|require\s*\(\s*)["']([^"']+)["']/g;

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) return e.name === "node_modules" ? [] : sourceFiles(p);
    return SOURCE.test(e.name) ? [p] : [];
  });
}

/** The repository's top-level folder a specifier points into, or null for a package. */
function targetFolder(file: string, spec: string): string | null {
  let resolved: string;
  if (spec.startsWith("~/")) resolved = path.join(REPO_ROOT, spec.slice(2));
  else if (spec.startsWith(".")) resolved = path.resolve(path.dirname(file), spec);
  else return null;
  const rel = path.relative(REPO_ROOT, resolved);
  return rel.startsWith("..") ? null : (rel.split(path.sep)[0] ?? null);
}

/** "file: specifier" for every import from `folder` into one of `forbidden`. */
function violations(folder: string, forbidden: string[]): string[] {
  const out: string[] = [];
  for (const file of sourceFiles(path.join(REPO_ROOT, folder))) {
    // This file's own samples below are not imports.
    if (file === import.meta.filename) continue;
    for (const m of readFileSync(file, "utf8").matchAll(SPECIFIER)) {
      if (m[1]) continue;
      const target = targetFolder(file, m[2]!);
      if (target && forbidden.includes(target))
        out.push(`${path.relative(REPO_ROOT, file)}: ${m[2]}`);
    }
  }
  return out;
}

describe("layering", () => {
  it("programs/ imports nothing from server/", () => {
    expect(violations("programs", ["server"])).toEqual([]);
  });

  it("lib/ imports nothing from server/ or components/", () => {
    expect(violations("lib", ["server", "components"])).toEqual([]);
  });

  it("every program's client, and what it imports from lib/, is browser-safe: no node:* module, no Buffer", () => {
    const clients = readdirSync(path.join(REPO_ROOT, "programs"), { withFileTypes: true })
      .filter((d) => d.isDirectory())
      .map((d) => path.join(REPO_ROOT, "programs", d.name, "client.ts"))
      .filter((f) => {
        try {
          return readFileSync(f).length > 0;
        } catch {
          return false;
        }
      });
    expect(clients.map((f) => path.basename(path.dirname(f))).sort()).toEqual([
      "counter",
      "energy_token",
      "governance",
      "oracle",
      "registry",
      "thb_bridge",
      "trading",
    ]);
    const shared = ["lib/reading-encoding.ts", "lib/idl-constants.ts"].map((f) =>
      path.join(REPO_ROOT, f),
    );
    const offending: string[] = [];
    for (const file of [...clients, ...shared]) {
      const text = readFileSync(file, "utf8");
      for (const m of text.matchAll(SPECIFIER))
        if (m[2]!.startsWith("node:") || m[2] === "fs" || m[2] === "crypto")
          offending.push(`${path.relative(REPO_ROOT, file)}: ${m[2]}`);
      if (/\bBuffer\b/.test(text.replace(/\/\/.*$|\/\*[\s\S]*?\*\//gm, "")))
        offending.push(`${path.relative(REPO_ROOT, file)}: Buffer`);
    }
    expect(offending).toEqual([]);
  });

  it("the scan sees ~/ and relative imports, static and dynamic", () => {
    const file = path.join(REPO_ROOT, "programs", "x", "y.ts");
    expect(targetFolder(file, "~/server/solana/tx")).toBe("server");
    expect(targetFolder(file, "../../server/localnet")).toBe("server");
    expect(targetFolder(file, "../harness")).toBe("programs");
    expect(targetFolder(file, "@solana/web3.js")).toBeNull();
    const sample = [
      'import a, { b,\n  c } from "~/server/a";',
      'export { d } from "../d";',
      'await import("./e");',
      'import "f";',
      'const g = require("g");',
      'import type { H } from "~/server/h";',
      'import { type I, j } from "~/server/j";',
    ].join("\n");
    const found = [...sample.matchAll(SPECIFIER)].map((m) => `${m[1] ? "type " : ""}${m[2]}`);
    expect(found).toEqual(["~/server/a", "../d", "./e", "f", "g", "type ~/server/h", "~/server/j"]);
  });
});
