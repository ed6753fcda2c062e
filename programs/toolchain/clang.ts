/**
 * Finds Debian's clang-16 (the pinned compiler: another clang version emits different bytes, and
 * the committed .so files are checked for byte-for-byte reproducibility), installing it with
 * apt-get when it is missing. Never silently skips: failure to get the compiler is an error.
 */
import { execFile, spawnSync } from "node:child_process";
import { promisify } from "node:util";

const run = promisify(execFile);

export const CLANG = "clang-16";
/** `clang-16 --version` must mention this; the committed .so files were built with it. */
export const PINNED_CLANG_VERSION = "16.0.6";

export class ToolchainError extends Error {
  constructor(
    readonly code: "CLANG_MISSING" | "CLANG_VERSION" | "COMPILE_FAILED",
    message: string,
  ) {
    super(`${code}: ${message}`);
    this.name = "ToolchainError";
  }
}

function clangVersion(): string | null {
  const r = spawnSync(CLANG, ["--version"], { encoding: "utf8" });
  if (r.status !== 0) return null;
  return r.stdout.split("\n")[0] ?? "";
}

function aptInstall(): boolean {
  // Another job may hold the apt lock; flock serialises us behind it.
  const install = () =>
    spawnSync(
      "flock",
      ["/tmp/apt.lock", "apt-get", "install", "-y", "--no-install-recommends", CLANG],
      {
        stdio: "inherit",
        env: { ...process.env, DEBIAN_FRONTEND: "noninteractive" },
      },
    ).status === 0;
  if (install()) return true;
  // Stale package lists are the usual cause; refresh once and retry.
  spawnSync("flock", ["/tmp/apt.lock", "apt-get", "update"], { stdio: "inherit" });
  return install();
}

let checked: string | null = null;

/** Returns the first line of `clang-16 --version`, installing clang-16 first if needed. */
export function ensureClang(opts: { install?: boolean } = {}): string {
  if (checked) return checked;
  let v = clangVersion();
  if (v === null && opts.install !== false) {
    console.error(`[sbf] ${CLANG} not found; installing it with apt-get`);
    aptInstall();
    v = clangVersion();
  }
  if (v === null)
    throw new ToolchainError(
      "CLANG_MISSING",
      `${CLANG} is not installed and could not be installed with apt-get`,
    );
  if (!v.includes(PINNED_CLANG_VERSION))
    throw new ToolchainError(
      "CLANG_VERSION",
      `expected ${CLANG} ${PINNED_CLANG_VERSION} (the committed .so files were built with it), found: ${v}`,
    );
  checked = v;
  return v;
}

/** Compiles one C file to a BPF object; rejects with the compiler's diagnostics. */
export async function compileC(
  cFile: string,
  outFile: string,
  flags: readonly string[],
): Promise<void> {
  try {
    await run(CLANG, [...flags, "-c", cFile, "-o", outFile], { maxBuffer: 16 * 1024 * 1024 });
  } catch (e) {
    const err = e as { stderr?: string; message: string };
    throw new ToolchainError("COMPILE_FAILED", `${cFile}\n${err.stderr ?? err.message}`);
  }
}
