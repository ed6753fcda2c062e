/**
 * Which programs the local chain deploys: every `programs/deploy/<name>.so` whose name has a
 * program id in `Anchor.toml` under `[programs.localnet]`.
 */
import fs from "node:fs";
import path from "node:path";
import bs58 from "bs58";

export interface ProgramSpec {
  name: string;
  programId: string;
  soPath: string;
}

/** Reads `[programs.<cluster>]` key = "value" pairs; enough TOML for Anchor's program table. */
export function readAnchorPrograms(tomlText: string, cluster = "localnet"): Record<string, string> {
  const out: Record<string, string> = {};
  let inSection = false;
  for (const rawLine of tomlText.split(/\r?\n/)) {
    const line = rawLine.replace(/#.*$/, "").trim();
    if (!line) continue;
    const section = /^\[([^\]]+)\]$/.exec(line);
    if (section) {
      inSection = section[1]!.trim() === `programs.${cluster}`;
      continue;
    }
    if (!inSection) continue;
    const kv = /^([A-Za-z0-9_-]+)\s*=\s*"([^"]*)"$/.exec(line);
    if (kv) out[kv[1]!] = kv[2]!;
  }
  return out;
}

export function isValidAddress(s: string): boolean {
  try {
    return bs58.decode(s).length === 32;
  } catch {
    return false;
  }
}

/**
 * Programs to deploy, plus the names that could not be (an id without a `.so`, or a `.so`
 * without an id), so the banner can say so.
 */
export function discoverPrograms(
  anchorToml: string,
  deployDir: string,
): { programs: ProgramSpec[]; skipped: string[] } {
  const ids = fs.existsSync(anchorToml) ? readAnchorPrograms(fs.readFileSync(anchorToml, "utf8")) : {};
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
