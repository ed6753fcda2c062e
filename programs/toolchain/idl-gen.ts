/**
 * Generators: from a program's IDL JSON, its C header (programs/include/gen/<name>.h), its
 * entrypoint dispatch (src/generated/entrypoint.c) and its TypeScript types (idl/<name>.ts); the
 * IDL's own discriminators (idl-fill.ts); from @coral-xyz/anchor's error table, gtx/anchor_errors.h.
 * Run through `npm run idl:gen`; `idl-gen.test.ts` fails when committed outputs are stale.
 */
import { existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { LangErrorCode, LangErrorMessage } from "@coral-xyz/anchor";
import { convertIdlToCamelCase } from "@coral-xyz/anchor/dist/cjs/idl.js";
import type { Idl } from "@coral-xyz/anchor";
import { PublicKey } from "@solana/web3.js";
import { format } from "prettier";
import { discriminatorU64 } from "./discriminator";
import { fillDiscriminators } from "./idl-fill";
import {
  IdlError,
  type IdlField,
  type IdlJson,
  type IdlType,
  type IdlTypeDef,
  validateIdl,
} from "./idl";

export const PROGRAMS_DIR = path.resolve(import.meta.dirname, "..");

/** Directories under programs/ that hold a program (programs/<name>/idl/<name>.json). */
export function listPrograms(programsDir = PROGRAMS_DIR): string[] {
  return readdirSync(programsDir, { withFileTypes: true })
    .filter(
      (d) => d.isDirectory() && existsSync(path.join(programsDir, d.name, "idl", `${d.name}.json`)),
    )
    .map((d) => d.name)
    .sort();
}

export function loadIdl(name: string, programsDir = PROGRAMS_DIR): IdlJson {
  const file = path.join(programsDir, name, "idl", `${name}.json`);
  const idl = JSON.parse(readFileSync(file, "utf8")) as IdlJson;
  validateIdl(idl, path.relative(path.dirname(programsDir), file));
  if (idl.metadata.name !== name) throw new IdlError(file, `metadata.name must be "${name}"`);
  return idl;
}

// ---------- names ----------

/** PascalCase or camelCase to snake_case ("CounterIncremented" -> "counter_incremented"). */
export function toSnake(s: string): string {
  return s
    .replace(/([a-z0-9])([A-Z])/g, "$1_$2")
    .replace(/([A-Z]+)([A-Z][a-z])/g, "$1_$2")
    .toLowerCase();
}
const upper = (s: string) => toSnake(s).toUpperCase();
const pascal = (s: string) =>
  toSnake(s)
    .split("_")
    .map((p) => (p ? p[0]!.toUpperCase() + p.slice(1) : p))
    .join("");

const cBytes = (b: readonly number[]) => `{${b.join(", ")}}`;
const hex64 = (v: bigint) => `0x${v.toString(16).padStart(16, "0")}ULL`;
const cComment = (s: string) => s.replace(/\*\//g, "* /");

// ---------- type layout ----------

const INT: Record<string, { bytes: number; signed: boolean }> = {
  u8: { bytes: 1, signed: false },
  i8: { bytes: 1, signed: true },
  u16: { bytes: 2, signed: false },
  i16: { bytes: 2, signed: true },
  u32: { bytes: 4, signed: false },
  i32: { bytes: 4, signed: true },
  u64: { bytes: 8, signed: false },
  i64: { bytes: 8, signed: true },
};
const RAW: Record<string, number> = { u128: 16, i128: 16, u256: 32, i256: 32 };

class Ctx {
  readonly P: string; // macro prefix, e.g. COUNTER
  readonly p: string; // function prefix, e.g. counter
  readonly T: string; // type prefix, e.g. Counter
  readonly types: Map<string, IdlTypeDef>;
  constructor(
    readonly idl: IdlJson,
    readonly file: string,
  ) {
    this.p = idl.metadata.name;
    this.P = idl.metadata.name.toUpperCase();
    this.T = pascal(idl.metadata.name);
    this.types = new Map((idl.types ?? []).map((t) => [t.name, t]));
  }
  fail(m: string): never {
    throw new IdlError(this.file, m);
  }
  typeDef(name: string): IdlTypeDef {
    return this.types.get(name) ?? this.fail(`unknown type ${name}`);
  }
  isUnitEnum(t: IdlType): t is { defined: { name: string } } {
    if (typeof t === "string" || !("defined" in t)) return false;
    const d = this.typeDef(t.defined.name).type;
    return d.kind === "enum" && d.variants.every((v) => !v.fields || v.fields.length === 0);
  }
  /** Borsh size when fixed, else null (an Option is not fixed: None is one byte). */
  fixedSize(t: IdlType): number | null {
    return this.size(t, false);
  }
  /** Borsh size with every Option present (the room a fixed layout keeps), else null. */
  maxSize(t: IdlType): number | null {
    return this.size(t, true);
  }
  private size(t: IdlType, some: boolean): number | null {
    if (typeof t === "string") {
      if (t in INT) return INT[t]!.bytes;
      if (t in RAW) return RAW[t]!;
      if (t === "bool") return 1;
      if (t === "pubkey") return 32;
      return null; // string, bytes, f32/f64 (unsupported anyway)
    }
    if ("option" in t) {
      if (!some) return null;
      const s = this.size(t.option, some);
      return s === null ? null : 1 + s;
    }
    if ("array" in t) {
      if (!Number.isInteger(t.array[1]) || t.array[1] < 0)
        this.fail(`array length ${JSON.stringify(t.array[1])} must be a non-negative integer`);
      const e = this.size(t.array[0], some);
      return e === null ? null : e * t.array[1];
    }
    if ("defined" in t) {
      const d = this.typeDef(t.defined.name).type;
      if (d.kind === "enum") return 1; // unit variants only (checkEnums)
      if (d.kind === "type") return this.size(d.alias, some);
      let sum = 0;
      for (const f of d.fields ?? []) {
        const s = this.size(f.type, some);
        if (s === null) return null;
        sum += s;
      }
      return sum;
    }
    return null;
  }
  /** Whether an Option occurs anywhere inside `t`. */
  hasOption(t: IdlType): boolean {
    if (typeof t === "string") return false;
    if ("option" in t) return true;
    if ("array" in t) return this.hasOption(t.array[0]);
    if ("vec" in t) return this.hasOption(t.vec);
    if ("defined" in t) {
      const d = this.typeDef(t.defined.name).type;
      if (d.kind === "struct") return (d.fields ?? []).some((f) => this.hasOption(f.type));
      if (d.kind === "type") return this.hasOption(d.alias);
    }
    return false;
  }
}

/**
 * Enums are borsh u8 variant indices. Variants that carry data would make every layout that holds
 * one variable-size (and C would need a tagged union per variant): refused, not half-supported.
 */
function checkEnums(ctx: Ctx) {
  for (const t of ctx.idl.types ?? []) {
    if (t.type.kind !== "enum") continue;
    for (const v of t.type.variants)
      if (v.fields && v.fields.length > 0)
        ctx.fail(
          `enum ${t.name}: variant ${v.name} carries data; only unit-variant enums (borsh u8 index) are supported`,
        );
    if (t.type.variants.length === 0 || t.type.variants.length > 256)
      ctx.fail(`enum ${t.name}: needs 1..256 variants (borsh u8 index)`);
  }
}

/**
 * One field of a fixed layout at a byte offset (nested structs flattened to parent_child names).
 * `raw` is a byte range (u128, arrays) with `array` telling its elements; `option` is the tag
 * byte at `off` with the payload's leaves in `inner`, starting at off + 1 (no padding).
 */
interface Leaf {
  name: string;
  off: number;
  kind: "int" | "bool" | "pubkey" | "raw" | "enum" | "option";
  bytes: number;
  signed?: boolean;
  enumName?: string;
  array?: { count: number; stride: number; elem: Leaf | null; elemType: IdlType };
  inner?: Leaf[];
}

function leaves(
  ctx: Ctx,
  fields: readonly IdlField[],
  base: number,
  prefix: string,
  where: string,
): Leaf[] {
  const out: Leaf[] = [];
  let off = base;
  for (const f of fields) {
    const name = prefix ? `${prefix}_${f.name}` : f.name;
    const l = leaf(ctx, f.type, name, off, `${where}.${f.name}`);
    out.push(...l);
    off += ctx.maxSize(f.type)!;
  }
  return out;
}

function leaf(ctx: Ctx, t: IdlType, name: string, off: number, where: string): Leaf[] {
  const size =
    ctx.maxSize(t) ??
    ctx.fail(
      `${where}: variable-size type in a fixed layout (accounts/events must be fixed size: use arrays and explicit has_x flags or Option instead of String/Vec)`,
    );
  if (typeof t === "string") {
    if (t in INT) return [{ name, off, kind: "int", bytes: INT[t]!.bytes, signed: INT[t]!.signed }];
    if (t === "bool") return [{ name, off, kind: "bool", bytes: 1 }];
    if (t === "pubkey") return [{ name, off, kind: "pubkey", bytes: 32 }];
    if (t in RAW) return [{ name, off, kind: "raw", bytes: size }];
    return ctx.fail(`${where}: unsupported type ${t}`);
  }
  if ("array" in t) {
    const [elemType, count] = t.array;
    // None would shift every later element: no fixed offsets.
    if (ctx.hasOption(elemType)) ctx.fail(`${where}: arrays of Option are not supported`);
    const stride = ctx.maxSize(elemType)!;
    const el = leaf(ctx, elemType, name, 0, `${where}[]`);
    const elem = el.length === 1 && el[0]!.kind !== "raw" ? el[0]! : null;
    return [{ name, off, kind: "raw", bytes: size, array: { count, stride, elem, elemType } }];
  }
  if ("option" in t) {
    const inner = leaf(ctx, t.option, name, off + 1, `${where}?`);
    return [{ name, off, kind: "option", bytes: size, inner }];
  }
  if ("defined" in t) {
    const d = ctx.typeDef(t.defined.name).type;
    if (d.kind === "enum") return [{ name, off, kind: "enum", bytes: 1, enumName: t.defined.name }];
    if (d.kind === "struct") return leaves(ctx, d.fields ?? [], off, name, where);
    return ctx.fail(`${where}: type aliases are not supported`);
  }
  return ctx.fail(`${where}: unsupported type`);
}

/** Every Option leaf, depth first (options inside options included). */
function optionLeaves(ls: readonly Leaf[]): Leaf[] {
  return ls.flatMap((l) => (l.kind === "option" ? [l, ...optionLeaves(l.inner ?? [])] : []));
}

/**
 * Borsh writes None as the tag alone, so everything after an Option moves when it is None. An
 * account keeps fixed offsets (zero-copy), so an Option may only end the layout: then None and
 * Some agree on every other offset and Anchor's coder ignores the unused tail.
 */
function checkAccountOptions(ctx: Ctx, ls: readonly Leaf[], end: number, where: string) {
  for (const o of optionLeaves(ls))
    if (o.off + o.bytes !== end)
      ctx.fail(
        `${where}.${o.name}: an Option in an account must be its last field (None shifts the fields after it in borsh); use a has_${o.name} bool and a plain field instead`,
      );
}

const cScalar = (l: Leaf) =>
  l.kind === "bool"
    ? "bool"
    : l.kind === "enum"
      ? "uint8_t"
      : `${l.signed ? "int" : "uint"}${l.bytes * 8}_t`;

// ---------- instruction args (borsh, may be variable size) ----------

interface ArgCode {
  decl: string[]; // C struct member lines
  read: string[]; // statements reading from GtxReader *r into out->...
}

function argCode(ctx: Ctx, t: IdlType, name: string, acc: string, where: string): ArgCode {
  if (typeof t === "string") {
    if (t in INT) {
      const { bytes, signed } = INT[t]!;
      const ty = `${signed ? "int" : "uint"}${bytes * 8}_t`;
      return {
        decl: [`${ty} ${name};`],
        read: [`${acc}${name} = gtx_read_${signed ? "i" : "u"}${bytes * 8}(r);`],
      };
    }
    if (t === "bool")
      return { decl: [`bool ${name};`], read: [`${acc}${name} = gtx_read_bool(r);`] };
    if (t === "pubkey")
      return { decl: [`const GtxPubkey *${name};`], read: [`${acc}${name} = gtx_read_pubkey(r);`] };
    if (t in RAW)
      return {
        decl: [`const uint8_t *${name}; /* ${t}, ${RAW[t]} bytes little-endian */`],
        read: [`${acc}${name} = gtx_read_fixed(r, ${RAW[t]});`],
      };
    if (t === "string")
      return {
        decl: [`const uint8_t *${name}; /* UTF-8, not NUL-terminated */`, `uint32_t ${name}_len;`],
        read: [`${acc}${name} = gtx_read_string(r, UINT32_MAX, &${acc}${name}_len);`],
      };
    if (t === "bytes")
      return {
        decl: [`const uint8_t *${name};`, `uint32_t ${name}_len;`],
        read: [`${acc}${name} = gtx_read_vec_u8(r, UINT32_MAX, &${acc}${name}_len);`],
      };
    return ctx.fail(`${where}: unsupported arg type ${t}`);
  }
  if ("vec" in t && t.vec === "u8") return argCode(ctx, "bytes", name, acc, where);
  if ("array" in t) {
    const size = ctx.fixedSize(t) ?? ctx.fail(`${where}: array of variable-size elements`);
    const e = t.array[0];
    const elemName = typeof e === "string" ? e : "defined" in e ? e.defined.name : "array";
    const elem = e === "u8" ? "" : `${elemName} x ${t.array[1]}, `;
    return {
      decl: [`const uint8_t *${name}; /* ${elem}${size} bytes */`],
      read: [`${acc}${name} = gtx_read_fixed(r, ${size});`],
    };
  }
  if ("option" in t) {
    // C: `bool has_<name>` next to the value, which stays zeroed/NULL when None.
    const inner = argCode(ctx, t.option, name, acc, where);
    const body = inner.read.length === 1 ? inner.read[0]! : `{ ${inner.read.join(" ")} }`;
    return {
      decl: [`bool has_${name};`, ...inner.decl],
      read: [`${acc}has_${name} = gtx_read_option(r);`, `if (${acc}has_${name}) ${body}`],
    };
  }
  if ("defined" in t) {
    const def = ctx.typeDef(t.defined.name);
    if (def.type.kind === "enum") {
      if (!ctx.isUnitEnum(t)) ctx.fail(`${where}: enums with fields are not supported`);
      const n = def.type.variants.length;
      return {
        decl: [`uint8_t ${name}; /* enum ${def.name}: ${ctx.P}_ENUM_${upper(def.name)}_* */`],
        read: [`${acc}${name} = gtx_read_u8(r);`, `if (${acc}${name} >= ${n}) r->ok = false;`],
      };
    }
    if (def.type.kind === "struct")
      return {
        decl: [`${ctx.T}${def.name} ${name};`],
        read: [`${ctx.p}_read_${toSnake(def.name)}(r, &${acc}${name});`],
      };
  }
  return ctx.fail(`${where}: unsupported arg type ${JSON.stringify(t)}`);
}

/** Generated members like `name` + `name_len` or `has_x` must not collide with real args. */
function checkMembers(ctx: Ctx, decl: readonly string[], where: string) {
  const seen = new Set<string>();
  for (const d of decl) {
    const m = /([A-Za-z_][A-Za-z0-9_]*);/.exec(d);
    if (!m) continue;
    if (seen.has(m[1]!))
      ctx.fail(`${where}: generated C member ${m[1]} collides with another arg (rename one)`);
    seen.add(m[1]!);
  }
}

/** Struct types reachable from instruction args, dependencies first. */
function argStructs(ctx: Ctx): IdlTypeDef[] {
  const order: IdlTypeDef[] = [];
  const seen = new Set<string>();
  const visit = (t: IdlType) => {
    if (typeof t === "string") return;
    if ("option" in t) return visit(t.option);
    if ("vec" in t) return visit(t.vec);
    if ("array" in t) return visit(t.array[0]);
    if ("defined" in t) {
      const d = ctx.typeDef(t.defined.name);
      if (d.type.kind !== "struct" || seen.has(d.name)) return;
      seen.add(d.name);
      for (const f of d.type.fields ?? []) visit(f.type);
      order.push(d);
    }
  };
  for (const ix of ctx.idl.instructions) for (const a of ix.args) visit(a.type);
  return order;
}

// ---------- fixed PDAs ----------

export interface FixedPda {
  /** C name, e.g. REGISTRY_PDA_REGISTRY (seeds joined, or the account's name for binary seeds). */
  macro: string;
  seeds: number[][];
  programId: PublicKey;
  address: PublicKey;
  bump: number;
  /** `instruction.account` of every account that names these seeds. */
  usedBy: string[];
}

const seedText = (b: readonly number[]) => {
  const s = Buffer.from(b).toString("latin1");
  return /^[\x20-\x7e]*$/.test(s) && !/["\\*]/.test(s)
    ? JSON.stringify(s)
    : `0x${Buffer.from(b).toString("hex")}`;
};

/**
 * PDAs whose seeds are all constants, under this program or a constant program id: their address
 * and canonical bump are known at build time (web3.js derives them here, once).
 */
export function fixedPdas(idl: IdlJson, file: string): FixedPda[] {
  const P = idl.metadata.name.toUpperCase();
  const byKey = new Map<string, FixedPda>();
  const byMacro = new Map<string, string>();
  for (const ix of idl.instructions)
    for (const a of ix.accounts) {
      const pda = a.pda;
      if (!pda?.seeds.every((x) => x.kind === "const")) continue;
      if (pda.program && pda.program.kind !== "const") continue;
      const seeds = pda.seeds.map((x) => x.value ?? []);
      let programId = new PublicKey(idl.address);
      if (pda.program) {
        if (pda.program.value?.length !== 32)
          throw new IdlError(file, `${ix.name}.${a.name}: pda.program must be 32 constant bytes`);
        programId = new PublicKey(Uint8Array.from(pda.program.value));
      }
      const key = JSON.stringify([seeds, programId.toBase58()]);
      const known = byKey.get(key);
      if (known) {
        known.usedBy.push(`${ix.name}.${a.name}`);
        continue;
      }
      const text = seeds.map((b) => Buffer.from(b).toString("latin1"));
      const name = text.every((t) => /^[a-z][a-z0-9_]*$/.test(t)) ? text.join("_") : a.name;
      const macro = `${P}_PDA_${name.toUpperCase()}`;
      if (byMacro.has(macro) && byMacro.get(macro) !== key)
        throw new IdlError(
          file,
          `${ix.name}.${a.name}: two different fixed PDAs would both be ${macro}`,
        );
      byMacro.set(macro, key);
      const [address, bump] = PublicKey.findProgramAddressSync(
        seeds.map((b) => Buffer.from(b)),
        programId,
      );
      byKey.set(key, { macro, seeds, programId, address, bump, usedBy: [`${ix.name}.${a.name}`] });
    }
  return [...byKey.values()];
}

// ---------- entrypoint dispatch ----------

/**
 * Optional programs/<name>/src/dispatch.json: which instructions to compare first (hot paths; each
 * compare costs a few CU), and why. The rest follow in IDL order.
 */
export interface DispatchHint {
  first: string[];
  why?: string;
  /**
   * Keep the account infos on the 32 KiB heap (gtx_heap_accounts) with room for this many,
   * instead of a stack array of <P>_MAX_IX_ACCOUNTS: for programs whose instructions take more
   * than 8 accounts (9 infos of 56 bytes pass clang's 512-byte stack frame) or remaining accounts.
   */
  heap_accounts?: number;
}

/** programs/<name>/src/generated/entrypoint.c: deserialize, then one u64 compare per instruction. */
export function generateDispatch(
  idl: IdlJson,
  sourceRel: string,
  hint?: DispatchHint,
  hintRel?: string,
): string {
  const ctx = new Ctx(idl, hintRel ?? sourceRel);
  const { P, p } = ctx;
  const names = idl.instructions.map((ix) => ix.name);
  const first = hint?.first ?? [];
  const heap = hint?.heap_accounts;
  if (heap !== undefined && (!Number.isInteger(heap) || heap < 1 || heap > 585))
    ctx.fail(
      `dispatch heap_accounts: ${heap} is not an integer in 1..585 (32 KiB / 56-byte infos)`,
    );
  for (const [i, n] of first.entries()) {
    if (!names.includes(n)) ctx.fail(`dispatch order: no instruction ${n}`);
    if (first.indexOf(n) !== i) ctx.fail(`dispatch order: ${n} listed twice`);
  }
  const order = [...first, ...names.filter((n) => !first.includes(n))];
  const from = hintRel ? ` in the order of ${hintRel}` : "";
  const why = hint?.why ? `  /* Hot paths first: ${cComment(hint.why)} */` : `  /* IDL order. */`;
  return [
    `/* Generated by \`npm run idl:gen\` from ${sourceRel}${from}. Do not edit: change the IDL and regenerate.`,
    ` * Dispatch on the 8-byte Anchor instruction discriminator (compared as one u64) to <program>_<instruction>. */`,
    `#include <gen/${p}.h>`,
    ``,
    ...order.map((n) => `uint64_t ${p}_${n}(const GtxInput *in);`),
    ``,
    ...(heap === undefined
      ? [
          `/* Capacity for account infos: the most accounts any instruction takes (from the IDL). */`,
          `#define MAX_ACCOUNTS ${P}_MAX_IX_ACCOUNTS`,
          ``,
          `uint64_t entrypoint(const uint8_t *input) {`,
          `  GtxAccountInfo accounts[MAX_ACCOUNTS > 0 ? MAX_ACCOUNTS : 1];`,
        ]
      : [
          `/* Capacity for account infos (${hintRel}: heap_accounts), kept on the heap: more than fit a stack frame. */`,
          `#define MAX_ACCOUNTS ${heap}`,
          `_Static_assert(MAX_ACCOUNTS >= ${P}_MAX_IX_ACCOUNTS, "heap_accounts below the IDL's largest account list");`,
          `_Static_assert(MAX_ACCOUNTS * sizeof(GtxAccountInfo) <= GTX_HEAP_LEN, "heap_accounts does not fit the heap");`,
          ``,
          `uint64_t entrypoint(const uint8_t *input) {`,
          `  GtxAccountInfo *accounts = gtx_heap_accounts();`,
        ]),
    `  GtxInput in;`,
    `  gtx_deserialize(input, &in, accounts, MAX_ACCOUNTS);`,
    ``,
    `  if (in.data_len < 8) return GTX_FAIL(GTX_E_INSTRUCTION_MISSING);`,
    `  uint64_t disc = gtx_load_u64(in.data);`,
    why,
    ...order.map((n) => `  if (disc == ${P}_IX_${upper(n)}_DISC) return ${p}_${n}(&in);`),
    `  return GTX_FAIL(GTX_E_INSTRUCTION_FALLBACK_NOT_FOUND);`,
    `}`,
    ``,
  ].join("\n");
}

// ---------- C header ----------

export function generateCHeader(idl: IdlJson, sourceRel: string): string {
  const ctx = new Ctx(idl, sourceRel);
  checkEnums(ctx);
  const { P, p, T } = ctx;
  const L: string[] = [];
  const guard = `${P}_GENERATED_IDL_H`;
  L.push(
    `/* Generated by \`npm run idl:gen\` from ${sourceRel}. Do not edit: change the IDL and regenerate. */`,
    `#ifndef ${guard}`,
    `#define ${guard}`,
    ``,
    `#include <gtx.h>`,
    ``,
    `/* Program id ${idl.address} */`,
    `#define ${P}_PROGRAM_ID_BYTES ${cBytes([...new PublicKey(idl.address).toBytes()])}`,
    `static const GtxPubkey ${P}_PROGRAM_ID = {${P}_PROGRAM_ID_BYTES};`,
    ``,
  );

  // Fixed PDAs: constant seeds give a constant address, so a 32-byte compare replaces a hash.
  const pdas = fixedPdas(idl, sourceRel);
  if (pdas.length)
    L.push(
      `/* ---- Fixed PDAs (every seed constant): compare the account with the address, no hash ---- */`,
    );
  for (const d of pdas) {
    L.push(
      `/* [${d.seeds.map(seedText).join(", ")}] under ${d.programId.toBase58()} = ${d.address.toBase58()} (${d.usedBy.join(", ")}) */`,
      `#define ${d.macro}_BYTES ${cBytes([...d.address.toBytes()])}`,
      `#define ${d.macro}_BUMP ${d.bump}`,
      `static const GtxPubkey ${d.macro} = {${d.macro}_BYTES};`,
      ``,
    );
  }

  // Constants
  for (const c of idl.constants ?? []) {
    if (c.type === "bytes") {
      const bytes = JSON.parse(c.value) as number[];
      L.push(
        `/* constant ${c.name}: bytes ${JSON.stringify(Buffer.from(bytes).toString("latin1"))} */`,
        `#define ${P}_CONST_${c.name}_BYTES ${cBytes(bytes)}`,
        `#define ${P}_CONST_${c.name}_LEN ${bytes.length}`,
      );
    } else if (typeof c.type === "string" && c.type in INT) {
      if (!/^-?\d+$/.test(c.value)) ctx.fail(`constant ${c.name}: value must be an integer`);
      L.push(
        `#define ${P}_CONST_${c.name} ${INT[c.type]!.signed ? `${c.value}LL` : `${c.value}ULL`}`,
      );
    } else if (c.type === "pubkey") {
      let key: PublicKey;
      try {
        key = new PublicKey(c.value);
      } catch {
        return ctx.fail(`constant ${c.name}: value must be a base58 public key`);
      }
      L.push(
        `/* constant ${c.name}: pubkey ${key.toBase58()} */`,
        `#define ${P}_CONST_${c.name}_BYTES ${cBytes([...key.toBytes()])}`,
        `static const GtxPubkey ${P}_CONST_${c.name} = {${P}_CONST_${c.name}_BYTES};`,
      );
    } else ctx.fail(`constant ${c.name}: only bytes, integer and pubkey constants are supported`);
  }
  if ((idl.constants ?? []).length) L.push(``);

  // Errors
  if ((idl.errors ?? []).length)
    L.push(`/* ---- Errors (return GTX_FAIL(${P}_ERR_<NAME>)) ---- */`);
  for (const e of idl.errors ?? []) {
    const msg = e.msg ?? e.name;
    const N = `${P}_ERR_${upper(e.name)}`;
    L.push(
      `#define ${N} ${e.code}ULL /* ${e.name}: ${cComment(msg)} */`,
      `#define ${N}_LOG "AnchorError occurred. Error Code: ${e.name}. Error Number: ${e.code}. Error Message: ${msg}."`,
    );
  }
  if ((idl.errors ?? []).length) L.push(``);

  // Enums
  for (const t of idl.types ?? []) {
    if (t.type.kind !== "enum") continue;
    L.push(`/* enum ${t.name} (borsh u8 variant index) */`);
    t.type.variants.forEach((v, i) =>
      L.push(`#define ${P}_ENUM_${upper(t.name)}_${upper(v.name)} ${i}`),
    );
    L.push(`#define ${P}_ENUM_${upper(t.name)}_COUNT ${t.type.variants.length}`, ``);
  }

  // Arg structs
  for (const s of argStructs(ctx)) {
    if (s.type.kind !== "struct") continue;
    const decl: string[] = [];
    const read: string[] = [];
    for (const f of s.type.fields ?? []) {
      const c = argCode(ctx, f.type, f.name, "out->", `${s.name}.${f.name}`);
      decl.push(...c.decl);
      read.push(...c.read);
    }
    checkMembers(ctx, decl, s.name);
    L.push(`typedef struct {`, ...decl.map((d) => `  ${d}`), `} ${T}${s.name};`);
    L.push(
      `GTX_INLINE void ${p}_read_${toSnake(s.name)}(GtxReader *r, ${T}${s.name} *out) {`,
      ...read.map((x) => `  ${x}`),
      `}`,
      ``,
    );
  }

  // Instructions
  L.push(`/* ---- Instructions ---- */`);
  const maxAccounts = Math.max(0, ...idl.instructions.map((ix) => ix.accounts.length));
  L.push(
    `/* The most accounts any instruction names: the entrypoint's capacity for account infos. */`,
    `#define ${P}_MAX_IX_ACCOUNTS ${maxAccounts}`,
  );
  for (const ix of idl.instructions) {
    const IX = `${P}_IX_${upper(ix.name)}`;
    L.push(``, `/* ${ix.name}: sha256("global:${ix.name}")[0..8] = ${cBytes(ix.discriminator)}`);
    for (const d of ix.docs ?? []) L.push(` *   ${cComment(d)}`);
    L.push(` * Accounts:`);
    ix.accounts.forEach((a, i) => {
      const flags = [a.writable ? "writable" : "", a.signer ? "signer" : ""]
        .filter(Boolean)
        .join(", ");
      const extra = a.address ? ` (address ${a.address})` : a.pda ? " (PDA)" : "";
      L.push(` *   ${i}. [${flags}] ${a.name}${extra}`);
    });
    L.push(` */`);
    L.push(
      `#define ${IX}_DISC ${hex64(discriminatorU64(ix.discriminator))}`,
      `#define ${IX}_DISC_BYTES ${cBytes(ix.discriminator)}`,
    );
    L.push(`#define ${IX}_ACCOUNTS ${ix.accounts.length}`);
    ix.accounts.forEach((a, i) => L.push(`#define ${IX}_${upper(a.name)} ${i}`));
    if (ix.args.length === 0) {
      L.push(`/* No args: the data is exactly the 8-byte discriminator. */`);
      L.push(
        `GTX_INLINE bool ${p}_${ix.name}_data_ok(const GtxInput *in) { return in->data_len == 8; }`,
      );
    } else {
      const decl: string[] = [];
      const read: string[] = [];
      for (const a of ix.args) {
        const c = argCode(ctx, a.type, a.name, "out->", `${ix.name}.${a.name}`);
        decl.push(...c.decl);
        read.push(...c.read);
      }
      const S = `${T}${pascal(ix.name)}Args`;
      checkMembers(ctx, decl, ix.name);
      L.push(`typedef struct {`, ...decl.map((d) => `  ${d}`), `} ${S};`);
      L.push(
        `/* Decode the borsh args after the discriminator; false on short, malformed or trailing data. */`,
        `GTX_INLINE bool ${p}_${ix.name}_decode(const GtxInput *in, ${S} *out) {`,
        `  if (in->data_len < 8) return false;`,
        `  GtxReader rd = gtx_reader(in->data + 8, in->data_len - 8);`,
        `  GtxReader *r = &rd;`,
        ...read.map((x) => `  ${x}`),
        `  return gtx_reader_done(r);`,
        `}`,
      );
    }
  }
  L.push(``);

  // Element types: the layout of each struct that arrays hold, for indexing into them.
  for (const name of arrayElementStructs(ctx)) {
    const def = ctx.typeDef(name).type;
    if (def.kind !== "struct") continue;
    const Y = `${P}_TYPE_${upper(name)}`;
    const ls = leaves(ctx, def.fields ?? [], 0, "", name);
    L.push(
      `/* type ${name}: an array element, offsets from the element's start (${p}_..._at(d, i)) */`,
      `#define ${Y}_LEN ${ctx.maxSize({ defined: { name } })}`,
      ...ls.flatMap((l) => offsetMacros(Y, l)),
      ...ls.flatMap((l) => accessors(`${p}_type_${toSnake(name)}`, l)),
      ``,
    );
  }

  // Accounts
  const accountNames = new Set((idl.accounts ?? []).map((a) => a.name));
  if (accountNames.size)
    L.push(`/* ---- Accounts (8-byte discriminator, then borsh fields, no padding) ---- */`);
  for (const acc of idl.accounts ?? []) {
    const def = ctx.typeDef(acc.name).type;
    const fields =
      def.kind === "struct" ? (def.fields ?? []) : ctx.fail(`account ${acc.name} must be a struct`);
    const A = `${P}_ACCOUNT_${upper(acc.name)}`;
    const a = `${p}_${toSnake(acc.name)}`;
    const ls = leaves(ctx, fields, 8, "", acc.name);
    const size = 8 + (ctx.maxSize({ defined: { name: acc.name } }) ?? 0);
    checkAccountOptions(ctx, ls, size, acc.name);
    L.push(
      ``,
      `/* account ${acc.name}: sha256("account:${acc.name}")[0..8] = ${cBytes(acc.discriminator)} */`,
    );
    L.push(
      `#define ${A}_DISC ${hex64(discriminatorU64(acc.discriminator))}`,
      `#define ${A}_DISC_BYTES ${cBytes(acc.discriminator)}`,
    );
    L.push(`#define ${A}_LEN ${size} /* total bytes, discriminator included */`);
    for (const l of ls) L.push(...offsetMacros(A, l));
    for (const l of ls) L.push(...accessors(a, l));
  }
  if (accountNames.size) L.push(``);

  // Events
  if ((idl.events ?? []).length)
    L.push(`/* ---- Events (one sol_log_data slice: discriminator + borsh fields) ---- */`);
  for (const ev of idl.events ?? []) {
    const def = ctx.typeDef(ev.name).type;
    const fields =
      def.kind === "struct" ? (def.fields ?? []) : ctx.fail(`event ${ev.name} must be a struct`);
    const E = `${P}_EVENT_${upper(ev.name)}`;
    L.push(
      ``,
      `/* event ${ev.name}: sha256("event:${ev.name}")[0..8] = ${cBytes(ev.discriminator)} */`,
    );
    L.push(
      `#define ${E}_DISC ${hex64(discriminatorU64(ev.discriminator))}`,
      `#define ${E}_DISC_BYTES ${cBytes(ev.discriminator)}`,
    );
    const size = ctx.maxSize({ defined: { name: ev.name } });
    if (size === null) {
      L.push(
        `/* Variable-size event: build it with a GtxWriter after ${E}_DISC, then gtx_emit_event. */`,
      );
      continue;
    }
    const ls = leaves(ctx, fields, 8, "", ev.name);
    const params = ls.flatMap(emitParams);
    const fixed = optionLeaves(ls).length === 0;
    L.push(`#define ${E}_${fixed ? "LEN" : "MAX_LEN"} ${8 + size}`);
    L.push(`GTX_INLINE void ${p}_emit_${toSnake(ev.name)}(${params.join(", ") || "void"}) {`);
    L.push(
      `  uint64_t buf[(${E}_${fixed ? "LEN" : "MAX_LEN"} + 7) / 8]; /* 8-aligned */`,
      `  uint8_t *b = (uint8_t *)buf;`,
      `  gtx_store_u64(b, ${E}_DISC);`,
    );
    if (fixed) {
      for (const l of ls) L.push(`  ${store(l, `b + ${l.off}`, l.name)}`);
      L.push(`  gtx_emit_event(b, ${E}_LEN);`, `}`);
    } else {
      // Borsh: None is the tag alone, so the fields after it move up; write with a cursor.
      L.push(`  uint64_t o = 8;`, ...ls.flatMap((l) => emitSeq(l, "  ")));
      L.push(`  gtx_emit_event(b, o);`, `}`);
    }
  }

  L.push(``, `#endif`, ``);
  checkFunctionNames(ctx, L);
  return L.join("\n");
}

/** Struct types held by arrays anywhere in the interface (args, accounts, events). */
function arrayElementStructs(ctx: Ctx): string[] {
  const out = new Set<string>();
  const seen = new Set<string>();
  const visit = (t: IdlType, inArray: boolean) => {
    if (typeof t === "string") return;
    if ("option" in t) return visit(t.option, inArray);
    if ("vec" in t) return visit(t.vec, inArray);
    if ("array" in t) return visit(t.array[0], true);
    if ("defined" in t) {
      const d = ctx.typeDef(t.defined.name);
      if (d.type.kind !== "struct") return;
      if (inArray && ctx.maxSize(t) !== null) out.add(d.name);
      const key = `${d.name}:${inArray}`;
      if (seen.has(key)) return;
      seen.add(key);
      for (const f of d.type.fields ?? []) visit(f.type, false);
    }
  };
  for (const ix of ctx.idl.instructions) for (const a of ix.args) visit(a.type, false);
  for (const x of [...(ctx.idl.accounts ?? []), ...(ctx.idl.events ?? [])])
    visit({ defined: { name: x.name } }, false);
  return [...out];
}

/** Two generated functions of one name would only fail later, in clang: name the fields here. */
function checkFunctionNames(ctx: Ctx, lines: readonly string[]) {
  const seen = new Set<string>();
  for (const line of lines) {
    const m = /^GTX_INLINE [^(]*?\b([A-Za-z_][A-Za-z0-9_]*)\(/.exec(line);
    if (!m) continue;
    if (seen.has(m[1]!))
      ctx.fail(`generated C function ${m[1]} is defined twice (rename a field or type)`);
    seen.add(m[1]!);
  }
}

function offsetMacros(A: string, l: Leaf): string[] {
  const N = `${A}_${upper(l.name)}`;
  const out = [`#define ${N}_OFF ${l.off}`];
  if (l.array)
    out.push(`#define ${N}_COUNT ${l.array.count}`, `#define ${N}_STRIDE ${l.array.stride}`);
  if (l.kind === "option")
    for (const i of l.inner ?? [])
      out.push(
        ...(i.name === l.name
          ? offsetMacros(A, { ...i, name: `${l.name}_value` })
          : offsetMacros(A, i)),
      );
  return out;
}

function emitParams(l: Leaf): string[] {
  if (l.kind === "option") return [`bool has_${l.name}`, ...(l.inner ?? []).flatMap(emitParams)];
  if (l.kind === "pubkey") return [`const GtxPubkey *${l.name}`];
  if (l.kind === "raw") return [`const uint8_t *${l.name}`];
  return [`${cScalar(l)} ${l.name}`];
}

function emitSeq(l: Leaf, ind: string): string[] {
  if (l.kind !== "option") return [`${ind}${store(l, "b + o", l.name)}`, `${ind}o += ${l.bytes};`];
  return [
    `${ind}gtx_store_u8(b + o, has_${l.name} ? 1 : 0);`,
    `${ind}o += 1;`,
    `${ind}if (has_${l.name}) {`,
    ...(l.inner ?? []).flatMap((i) => emitSeq(i, `${ind}  `)),
    `${ind}}`,
  ];
}

function store(l: Leaf, at: string, v: string): string {
  switch (l.kind) {
    case "pubkey":
      return `gtx_pubkey_copy((GtxPubkey *)(${at}), ${v});`;
    case "raw":
      return `gtx_memcpy(${at}, ${v}, ${l.bytes});`;
    case "bool":
      return `gtx_store_u8(${at}, ${v} ? 1 : 0);`;
    case "enum":
      return `gtx_store_u8(${at}, ${v});`;
    case "int":
      return `gtx_store_u${l.bytes * 8}(${at}, (uint${l.bytes * 8}_t)${v});`;
    case "option":
      throw new Error("an Option is stored by its tag and payload");
  }
}

/**
 * Zero-copy accessors on account data `d`. An Option's scalar setter also sets the tag to Some;
 * for a pointer payload (pubkey, bytes, struct fields) write it and call set_some.
 */
function accessors(a: string, l: Leaf, tagOff?: number): string[] {
  const fn = `${a}_${l.name}`;
  const some = tagOff === undefined ? "" : `d[${tagOff}] = 1; `;
  switch (l.kind) {
    case "pubkey":
      return [`GTX_INLINE GtxPubkey *${fn}(uint8_t *d) { return (GtxPubkey *)(d + ${l.off}); }`];
    case "raw": {
      const out = [
        `GTX_INLINE uint8_t *${fn}(uint8_t *d) { return d + ${l.off}; /* ${l.bytes} bytes */ }`,
      ];
      const arr = l.array;
      if (!arr) return out;
      const at = `d + ${l.off} + ${arr.stride} * i`;
      // Indexed access; the caller keeps i < COUNT (like any C array).
      if (
        arr.elem &&
        (arr.elem.kind === "int" || arr.elem.kind === "enum" || arr.elem.kind === "bool")
      ) {
        const ty = cScalar(arr.elem);
        const load =
          arr.elem.kind === "bool"
            ? `(${at})[0] != 0`
            : arr.elem.bytes === 1
              ? `(${ty})(${at})[0]`
              : `(${ty})gtx_load_u${arr.elem.bytes * 8}(${at})`;
        out.push(
          `GTX_INLINE ${ty} ${a}_get_${l.name}(const uint8_t *d, uint64_t i) { return ${load}; }`,
          `GTX_INLINE void ${a}_set_${l.name}(uint8_t *d, uint64_t i, ${ty} v) { ${store(arr.elem, at, "v")} }`,
        );
      } else if (arr.elem?.kind === "pubkey")
        out.push(
          `GTX_INLINE GtxPubkey *${fn}_at(uint8_t *d, uint64_t i) { return (GtxPubkey *)(${at}); }`,
        );
      else out.push(`GTX_INLINE uint8_t *${fn}_at(uint8_t *d, uint64_t i) { return ${at}; }`);
      return out;
    }
    case "bool":
      return [
        `GTX_INLINE bool ${a}_get_${l.name}(const uint8_t *d) { return d[${l.off}] != 0; }`,
        `GTX_INLINE void ${a}_set_${l.name}(uint8_t *d, bool v) { ${some}${store(l, `d + ${l.off}`, "v")} }`,
      ];
    case "enum":
    case "int": {
      const ty = cScalar(l);
      const load = l.bytes === 1 ? `d[${l.off}]` : `gtx_load_u${l.bytes * 8}(d + ${l.off})`;
      return [
        `GTX_INLINE ${ty} ${a}_get_${l.name}(const uint8_t *d) { return (${ty})${load}; }`,
        `GTX_INLINE void ${a}_set_${l.name}(uint8_t *d, ${ty} v) { ${some}${store(l, `d + ${l.off}`, "v")} }`,
      ];
    }
    case "option": {
      // Tag 1 = Some, 0 = None (Anchor refuses any other tag); None keeps a zeroed payload.
      const inner = l.inner ?? [];
      const scalar = inner.length === 1 && inner[0]!.name === l.name ? l.off : undefined;
      return [
        `GTX_INLINE bool ${a}_has_${l.name}(const uint8_t *d) { return d[${l.off}] == 1; }`,
        `GTX_INLINE void ${a}_set_some_${l.name}(uint8_t *d) { d[${l.off}] = 1; }`,
        `GTX_INLINE void ${a}_clear_${l.name}(uint8_t *d) { d[${l.off}] = 0; gtx_memset(d + ${l.off + 1}, 0, ${l.bytes - 1}); }`,
        ...inner.flatMap((i) => accessors(a, i, scalar)),
      ];
    }
  }
}

// ---------- TypeScript ----------

export async function generateTs(idl: IdlJson, sourceRel: string): Promise<string> {
  const T = pascal(idl.metadata.name);
  const camel = convertIdlToCamelCase(structuredClone(idl) as unknown as Idl);
  const constName = `${idl.metadata.name.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase())}Idl`;
  const src = [
    `/**`,
    ` * Generated by \`npm run idl:gen\` from ${sourceRel}. Do not edit: change the IDL and regenerate.`,
    ` *`,
    ` * \`${T}\` is the IDL in camelCase, as a type only (like Anchor's target/types): it is what`,
    ` * \`new Program<${T}>(...)\` sees after Anchor camelCases the IDL at runtime. \`${constName}\` is the raw`,
    ` * snake_case JSON, typed as \`${T}\`, ready for \`new Program<${T}>(${constName}, provider)\`.`,
    ` */`,
    `export interface ${T} ${JSON.stringify(camel, null, 2)}`,
    ``,
    `export const ${constName} = ${JSON.stringify(idl, null, 2)} as unknown as ${T};`,
    ``,
    `export const ${idl.metadata.name.toUpperCase()}_PROGRAM_ID = ${JSON.stringify(idl.address)};`,
    ``,
  ].join("\n");
  return format(src, { parser: "typescript", printWidth: 100 });
}

// ---------- Anchor framework errors ----------

export function generateAnchorErrorsHeader(): string {
  const L = [
    `/* Generated by \`npm run idl:gen\` from @coral-xyz/anchor's LangErrorCode/LangErrorMessage. Do not edit.`,
    ` * Anchor's framework errors, for the same meanings in C programs (e.g. GTX_FAIL(GTX_E_ACCOUNT_NOT_SIGNER));`,
    ` * the client then shows Anchor's own message. */`,
    `#ifndef GTX_ANCHOR_ERRORS_H`,
    `#define GTX_ANCHOR_ERRORS_H`,
    ``,
  ];
  for (const [name, code] of Object.entries(LangErrorCode)) {
    const msg = LangErrorMessage.get(code) ?? name;
    if (/["\\\n]/.test(msg)) throw new Error(`unexpected character in Anchor message for ${name}`);
    const N = `GTX_E_${upper(name)}`;
    L.push(
      `#define ${N} ${code}ULL`,
      `#define ${N}_LOG "AnchorError occurred. Error Code: ${name}. Error Number: ${code}. Error Message: ${msg}."`,
    );
  }
  L.push(``, `#endif`, ``);
  return L.join("\n");
}

// ---------- all outputs ----------

export interface GeneratedFile {
  /** Path relative to the repository root. */
  path: string;
  content: string;
}

/**
 * Every generated output, paths relative to the repository root (the parent of `programsDir`):
 * programs/include/gen/<name>.h, programs/<name>/src/generated/entrypoint.c, idl/<name>.ts, and
 * the IDL JSON itself when a discriminator in it had to be filled in or corrected.
 */
export async function generateAll(programsDir = PROGRAMS_DIR): Promise<GeneratedFile[]> {
  const root = path.dirname(programsDir);
  const rel = (...p: string[]) => path.relative(root, path.join(programsDir, ...p));
  const out: GeneratedFile[] = [
    { path: rel("include", "gtx", "anchor_errors.h"), content: generateAnchorErrorsHeader() },
  ];
  for (const name of listPrograms(programsDir)) {
    const idlRel = rel(name, "idl", `${name}.json`);
    const text = readFileSync(path.join(root, idlRel), "utf8");
    const filled = await fillDiscriminators(text, idlRel);
    if (filled.text !== text) out.push({ path: idlRel, content: filled.text });
    const idl = JSON.parse(filled.text) as IdlJson;
    validateIdl(idl, idlRel);
    if (idl.metadata.name !== name) throw new IdlError(idlRel, `metadata.name must be "${name}"`);
    const hintRel = rel(name, "src", "dispatch.json");
    const hint = existsSync(path.join(root, hintRel))
      ? (JSON.parse(readFileSync(path.join(root, hintRel), "utf8")) as DispatchHint)
      : undefined;
    out.push({ path: rel("include", "gen", `${name}.h`), content: generateCHeader(idl, idlRel) });
    out.push({
      path: rel(name, "src", "generated", "entrypoint.c"),
      content: generateDispatch(idl, idlRel, hint, hint ? hintRel : undefined),
    });
    out.push({ path: rel(name, "idl", `${name}.ts`), content: await generateTs(idl, idlRel) });
  }
  return out;
}

/**
 * Writes the outputs that differ under `root` (or, with `check`, only lists them). Returns the
 * paths that were (or would be) written.
 */
export function writeGenerated(
  files: readonly GeneratedFile[],
  root: string,
  opts: { check?: boolean } = {},
): string[] {
  const changed: string[] = [];
  for (const f of files) {
    const abs = path.join(root, f.path);
    if (existsSync(abs) && readFileSync(abs, "utf8") === f.content) continue;
    changed.push(f.path);
    if (opts.check) continue;
    mkdirSync(path.dirname(abs), { recursive: true });
    writeFileSync(abs, f.content);
  }
  return changed;
}
