/**
 * `npm run idl:gen` - fill in the IDLs' discriminators, then regenerate every program's C header,
 * entrypoint dispatch and TypeScript types from its IDL JSON, and gtx/anchor_errors.h from
 * @coral-xyz/anchor. `--check` writes nothing and exits 1 if any committed output is stale.
 */
import path from "node:path";
import { generateAll, writeGenerated } from "../programs/toolchain/idl-gen";

const root = path.resolve(import.meta.dirname, "..");
const check = process.argv.includes("--check");
const changed = writeGenerated(await generateAll(), root, { check });
for (const f of changed) console[check ? "error" : "log"](`${check ? "stale" : "wrote"}: ${f}`);
if (check && changed.length) process.exit(1);
