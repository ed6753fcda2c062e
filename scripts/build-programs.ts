/**
 * `npm run build:programs [-- <name>...] [--out <dir>] [--no-idl]` - regenerate the IDL-derived
 * files (as `npm run idl:gen`: discriminators, headers, dispatch, fixed PDAs), then compile every
 * programs/<name>/src/*.c and src/generated/*.c with clang-16 and link them with our relinker into
 * programs/deploy/<name>.so.
 */
import path from "node:path";
import { buildAll } from "../programs/toolchain/build";
import { generateAll, writeGenerated } from "../programs/toolchain/idl-gen";

const root = path.resolve(import.meta.dirname, "..");
const args = process.argv.slice(2);
const outIdx = args.indexOf("--out");
const outDir = outIdx >= 0 ? path.resolve(args[outIdx + 1] ?? "") : undefined;
const only = args.filter((a, i) => !a.startsWith("--") && (outIdx < 0 || i !== outIdx + 1));

const started = performance.now();
try {
  if (!args.includes("--no-idl")) {
    // Headers, dispatch and fixed PDAs come from the IDLs: never compile against stale ones.
    for (const f of writeGenerated(await generateAll(), root)) console.log(`regenerated ${f}`);
  }
  const built = await buildAll({ outDir, only });
  for (const b of built)
    console.log(
      `${path.relative(process.cwd(), b.soPath)}: ${b.so.length} bytes (text ${b.textSize}, rodata ${b.rodataSize}), ` +
        `${b.sources.length} sources, syscalls: ${b.syscalls.join(" ")}`,
    );
  console.log(`built ${built.length} program(s) in ${Math.round(performance.now() - started)} ms`);
} catch (e) {
  console.error(e instanceof Error ? e.message : e);
  process.exit(1);
}
