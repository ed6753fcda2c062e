/**
 * `npm run idl:gen` - regenerate every program's C header and TypeScript types from its IDL JSON,
 * and gtx/anchor_errors.h from @coral-xyz/anchor. `--check` writes nothing and exits 1 if any
 * committed output is stale.
 */
import { mkdirSync, readFileSync, writeFileSync, existsSync } from "node:fs";
import path from "node:path";
import { generateAll } from "../programs/toolchain/idl-gen";

const root = path.resolve(import.meta.dirname, "..");
const check = process.argv.includes("--check");
let stale = 0;
for (const f of await generateAll()) {
  const abs = path.join(root, f.path);
  const old = existsSync(abs) ? readFileSync(abs, "utf8") : null;
  if (old === f.content) continue;
  if (check) {
    console.error(`stale: ${f.path}`);
    stale++;
  } else {
    mkdirSync(path.dirname(abs), { recursive: true });
    writeFileSync(abs, f.content);
    console.log(`wrote ${f.path}`);
  }
}
if (check && stale) process.exit(1);
