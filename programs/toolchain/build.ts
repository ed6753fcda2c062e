/**
 * Builds programs/<name>/src/*.c (and the generated src/generated/entrypoint.c) into
 * programs/deploy/<name>.so: every .c file is compiled on its own with clang-16 (-target bpf
 * -mcpu=v1), then our relinker merges the objects into one SBPF v0 shared object. The generated
 * headers are found through -I programs/include (<gen/<name>.h>).
 */
import {
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
  mkdirSync,
  existsSync,
} from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { compileC, ensureClang } from "./clang";
import { listPrograms, PROGRAMS_DIR } from "./idl-gen";
import { relink, type RelinkResult } from "./relink";

export const INCLUDE_DIR = path.join(PROGRAMS_DIR, "include");
export const DEPLOY_DIR = path.join(PROGRAMS_DIR, "deploy");

/** The compiler flags; part of what the reproducibility test pins. */
export const CFLAGS: readonly string[] = [
  "-target",
  "bpf",
  "-mcpu=v1",
  "-O2",
  "-ffreestanding",
  "-fno-builtin",
  "-std=c17",
  "-Wall",
  "-Wextra",
  "-Werror",
  "-I",
  INCLUDE_DIR,
];

export interface BuiltProgram extends RelinkResult {
  name: string;
  soPath: string;
  sources: string[];
}

/** Runs `fn` over items with at most `limit` in flight (the machine has 2 cores). */
async function pool<T, R>(
  items: readonly T[],
  limit: number,
  fn: (t: T) => Promise<R>,
): Promise<R[]> {
  const out: R[] = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
}

/**
 * programs/<name>/src/*.c and the generated src/generated/*.c (the entrypoint dispatch), ordered by
 * file name so that the objects link in a stable order. Two sources of one name would share an
 * object file: refused (e.g. a hand-written entrypoint.c next to the generated one).
 */
export function programSources(name: string, programsDir = PROGRAMS_DIR): string[] {
  const src = path.join(programsDir, name, "src");
  if (!existsSync(src)) return [];
  const list = (dir: string) =>
    existsSync(dir)
      ? readdirSync(dir)
          .filter((f) => f.endsWith(".c"))
          .map((f) => path.join(dir, f))
      : [];
  const all = [...list(src), ...list(path.join(src, "generated"))].sort((a, b) =>
    path.basename(a) < path.basename(b) ? -1 : path.basename(a) > path.basename(b) ? 1 : 0,
  );
  for (let i = 1; i < all.length; i++)
    if (path.basename(all[i]!) === path.basename(all[i - 1]!))
      throw new Error(
        `${path.relative(programsDir, all[i - 1]!)} and ${path.relative(programsDir, all[i]!)}: two sources named ${path.basename(all[i]!)} (the entrypoint is generated from the IDL: delete the hand-written one)`,
      );
  return all;
}

/** Programs that have C sources (programs/<name>/src/*.c) and an IDL. */
export function buildablePrograms(programsDir = PROGRAMS_DIR): string[] {
  return listPrograms(programsDir).filter((n) => programSources(n, programsDir).length > 0);
}

export async function buildProgram(
  name: string,
  opts: { outDir?: string; programsDir?: string } = {},
): Promise<BuiltProgram> {
  ensureClang();
  const programsDir = opts.programsDir ?? PROGRAMS_DIR;
  const outDir = opts.outDir ?? DEPLOY_DIR;
  const sources = programSources(name, programsDir);
  if (sources.length === 0) throw new Error(`programs/${name}/src has no .c files`);
  const tmp = mkdtempSync(path.join(tmpdir(), `sbf-${name}-`));
  try {
    const objects = await pool(sources, 2, async (c) => {
      const o = path.join(tmp, `${path.basename(c, ".c")}.o`);
      await compileC(c, o, CFLAGS);
      return { name: path.relative(programsDir, c), bytes: readFileSync(o) };
    });
    const linked = relink(objects);
    mkdirSync(outDir, { recursive: true });
    const soPath = path.join(outDir, `${name}.so`);
    const old = existsSync(soPath) ? readFileSync(soPath) : null;
    if (!old || !Buffer.from(linked.so).equals(old)) writeFileSync(soPath, linked.so);
    return { ...linked, name, soPath, sources };
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

export async function buildAll(
  opts: { outDir?: string; programsDir?: string; only?: string[] } = {},
) {
  const names = buildablePrograms(opts.programsDir).filter(
    (n) => !opts.only?.length || opts.only.includes(n),
  );
  const out: BuiltProgram[] = [];
  for (const n of names) out.push(await buildProgram(n, opts));
  return out;
}
