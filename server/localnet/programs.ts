/**
 * Which programs the local chain deploys: every `programs/deploy/<name>.so` whose name has a
 * program id in `Anchor.toml` under `[programs.localnet]`. Anchor.toml is read with the
 * toolchain's parser (programs/toolchain/anchor-toml.ts), the one the test harness uses.
 */
import fs from "node:fs";
import path from "node:path";
import { isValidAddress } from "~/lib/solana/b58";
import { parseToml } from "~/programs/toolchain/anchor-toml";

export interface ProgramSpec {
  name: string;
  programId: string;
  soPath: string;
}

/**
 * Programs to deploy, plus the names that could not be (an id without a `.so`, a `.so` without
 * an id, or an id that is not an address), so the banner can say so.
 */
export function discoverPrograms(
  anchorToml: string,
  deployDir: string,
): { programs: ProgramSpec[]; skipped: string[] } {
  // Ids stay strings here: a bad one is reported as skipped instead of stopping the chain.
  const table = fs.existsSync(anchorToml) ? parseToml(fs.readFileSync(anchorToml, "utf8"))["programs.localnet"] : undefined;
  const ids = Object.fromEntries(Object.entries(table ?? {}).map(([name, id]) => [name, String(id)]));
  const sos = fs.existsSync(deployDir)
    ? fs.readdirSync(deployDir).filter((f) => f.endsWith(".so")).map((f) => f.slice(0, -3))
    : [];
  const programs: ProgramSpec[] = [];
  const skipped: string[] = [];
  for (const name of Object.keys(ids).sort()) {
    const id = ids[name]!;
    if (!isValidAddress(id)) skipped.push(`${name} (invalid program id ${id})`);
    else if (!sos.includes(name)) skipped.push(`${name} (no ${name}.so)`);
    else programs.push({ name, programId: id, soPath: path.join(deployDir, `${name}.so`) });
  }
  for (const name of sos) if (!(name in ids)) skipped.push(`${name}.so (no id in Anchor.toml)`);
  return { programs, skipped };
}
