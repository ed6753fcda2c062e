/**
 * Test helpers for the toolchain: compile C snippets with the pinned clang into a temp dir.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { CFLAGS } from "./build";
import { compileC, ensureClang } from "./clang";

export class Scratch {
  readonly dir = mkdtempSync(path.join(tmpdir(), "sbf-test-"));
  constructor() {
    ensureClang();
  }
  /** Compiles `source` (C text) as <name>.c and returns the object bytes. */
  async compile(
    name: string,
    source: string,
    extraFlags: string[] = [],
  ): Promise<{ name: string; bytes: Uint8Array }> {
    const c = path.join(this.dir, `${name}.c`);
    const o = path.join(this.dir, `${name}.o`);
    writeFileSync(c, source);
    // Snippets are allowed warnings (e.g. unused globals); the flags otherwise match the build.
    await compileC(c, o, [...CFLAGS.filter((f) => f !== "-Werror"), ...extraFlags]);
    return { name: `${name}.o`, bytes: readFileSync(o) };
  }
  cleanup() {
    rmSync(this.dir, { recursive: true, force: true });
  }
}
