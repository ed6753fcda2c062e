/**
 * Reads Anchor.toml: just the subset it uses (tables, dotted table names, `key = "string" |
 * number | true/false`, comments). Program ids come from here, so the harness, the localnet server
 * and deploy instructions agree on one list.
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import { PublicKey } from "@solana/web3.js";

export const REPO_ROOT = path.resolve(import.meta.dirname, "..", "..");
export const ANCHOR_TOML = path.join(REPO_ROOT, "Anchor.toml");

export type TomlValue = string | number | boolean;
export type TomlTables = Record<string, Record<string, TomlValue>>;

export class AnchorTomlError extends Error {
  readonly code = "ANCHOR_TOML_INVALID";
  constructor(message: string) {
    super(message);
    this.name = "AnchorTomlError";
  }
}

function parseValue(raw: string, line: number): TomlValue {
  const v = raw.trim();
  if (v.startsWith('"')) {
    const m = /^"((?:[^"\\]|\\.)*)"$/.exec(v);
    if (!m) throw new AnchorTomlError(`Anchor.toml:${line}: bad string ${v}`);
    return JSON.parse(`"${m[1]}"`) as string;
  }
  if (v === "true" || v === "false") return v === "true";
  if (/^-?\d+(\.\d+)?$/.test(v)) return Number(v);
  throw new AnchorTomlError(`Anchor.toml:${line}: unsupported value ${v}`);
}

/** Parses the TOML subset into { "table.name": { key: value } }; top-level keys go under "". */
export function parseToml(text: string): TomlTables {
  const tables: TomlTables = { "": {} };
  let current = tables[""]!;
  text.split("\n").forEach((rawLine, i) => {
    // Strip comments outside strings (our values never contain '#').
    const line = rawLine.replace(/\s+#.*$|^#.*$/, "").trim();
    if (!line) return;
    const table = /^\[([A-Za-z0-9_.-]+)\]$/.exec(line);
    if (table) {
      current = tables[table[1]!] ??= {};
      return;
    }
    const kv = /^([A-Za-z0-9_-]+|"[^"]+")\s*=\s*(.+)$/.exec(line);
    if (!kv) throw new AnchorTomlError(`Anchor.toml:${i + 1}: cannot parse: ${rawLine}`);
    current[kv[1]!.replace(/^"|"$/g, "")] = parseValue(kv[2]!, i + 1);
  });
  return tables;
}

export interface AnchorConfig {
  programs: Record<string, Record<string, PublicKey>>; // cluster -> name -> id
  provider: { cluster: string; wallet: string };
  scripts: Record<string, string>;
}

export function readAnchorToml(file = ANCHOR_TOML): AnchorConfig {
  const t = parseToml(readFileSync(file, "utf8"));
  const programs: AnchorConfig["programs"] = {};
  for (const [name, table] of Object.entries(t)) {
    const m = /^programs\.(.+)$/.exec(name);
    if (!m) continue;
    programs[m[1]!] = Object.fromEntries(
      Object.entries(table).map(([prog, id]) => {
        if (typeof id !== "string") throw new AnchorTomlError(`[${name}] ${prog} must be a string`);
        try {
          return [prog, new PublicKey(id)];
        } catch {
          throw new AnchorTomlError(`[${name}] ${prog} = "${id}" is not a public key`);
        }
      }),
    );
  }
  const provider = t.provider ?? {};
  return {
    programs,
    provider: {
      cluster: String(provider.cluster ?? "localnet"),
      wallet: String(provider.wallet ?? ""),
    },
    scripts: Object.fromEntries(Object.entries(t.scripts ?? {}).map(([k, v]) => [k, String(v)])),
  };
}

/** Program ids for a cluster section (default localnet). */
export function programIds(cluster = "localnet", file = ANCHOR_TOML): Record<string, PublicKey> {
  const ids = readAnchorToml(file).programs[cluster];
  if (!ids) throw new AnchorTomlError(`Anchor.toml has no [programs.${cluster}] table`);
  return ids;
}
