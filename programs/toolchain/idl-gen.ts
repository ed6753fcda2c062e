/**
 * Generators: from a program's IDL JSON, its C header (src/generated/idl.h) and its TypeScript
 * types (idl/<name>.ts); from @coral-xyz/anchor's own error table, gtx/anchor_errors.h.
 * Run through `npm run idl:gen`; `idl-gen.test.ts` fails when committed outputs are stale.
 */
import { readFileSync, readdirSync, existsSync } from "node:fs";
import path from "node:path";
import { LangErrorCode, LangErrorMessage } from "@coral-xyz/anchor";
import { convertIdlToCamelCase } from "@coral-xyz/anchor/dist/cjs/idl.js";
import type { Idl } from "@coral-xyz/anchor";
import { PublicKey } from "@solana/web3.js";
import { format } from "prettier";
import { discriminatorU64 } from "./discriminator";
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
  /** Borsh size when fixed, else null. */
  fixedSize(t: IdlType): number | null {
    if (typeof t === "string") {
      if (t in INT) return INT[t]!.bytes;
      if (t in RAW) return RAW[t]!;
      if (t === "bool") return 1;
      if (t === "pubkey") return 32;
      return null; // string, bytes, f32/f64 (unsupported anyway)
    }
    if ("array" in t) {
      const e = this.fixedSize(t.array[0]);
      return e === null ? null : e * t.array[1];
    }
    if ("defined" in t) {
      const d = this.typeDef(t.defined.name).type;
      if (d.kind === "enum") return this.isUnitEnum(t) ? 1 : null;
      if (d.kind === "type") return this.fixedSize(d.alias);
      let sum = 0;
      for (const f of d.fields ?? []) {
        const s = this.fixedSize(f.type);
        if (s === null) return null;
        sum += s;
      }
      return sum;
    }
    return null;
  }
}

/** A fixed-size scalar at a byte offset (nested structs flattened to parent_child names). */
interface Leaf {
  name: string;
  off: number;
  kind: "int" | "bool" | "pubkey" | "raw" | "enum";
  bytes: number;
  signed?: boolean;
  enumName?: string;
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
    const t = f.type;
    const size =
      ctx.fixedSize(t) ??
      ctx.fail(
        `${where}.${f.name}: variable-size type in a fixed layout (accounts/events must be fixed size: use arrays and explicit has_x flags instead of String/Vec/Option)`,
      );
    if (typeof t === "string") {
      if (t in INT)
        out.push({ name, off, kind: "int", bytes: INT[t]!.bytes, signed: INT[t]!.signed });
      else if (t === "bool") out.push({ name, off, kind: "bool", bytes: 1 });
      else if (t === "pubkey") out.push({ name, off, kind: "pubkey", bytes: 32 });
      else if (t in RAW) out.push({ name, off, kind: "raw", bytes: size });
      else ctx.fail(`${where}.${f.name}: unsupported type ${t}`);
    } else if ("array" in t) {
      out.push({ name, off, kind: "raw", bytes: size });
    } else if ("defined" in t) {
      const d = ctx.typeDef(t.defined.name).type;
      if (d.kind === "enum")
        out.push({ name, off, kind: "enum", bytes: 1, enumName: t.defined.name });
      else if (d.kind === "struct")
        out.push(...leaves(ctx, d.fields ?? [], off, name, `${where}.${f.name}`));
      else ctx.fail(`${where}.${f.name}: type aliases are not supported`);
    } else ctx.fail(`${where}.${f.name}: unsupported type`);
    off += size;
  }
  return out;
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
    return {
      decl: [`const uint8_t *${name}; /* ${size} bytes */`],
      read: [`${acc}${name} = gtx_read_fixed(r, ${size});`],
    };
  }
  if ("option" in t) {
    const inner = argCode(ctx, t.option, name, acc, where);
    if (inner.read.length !== 1) ctx.fail(`${where}: Option of a composite type is not supported`);
    return {
      decl: [`bool has_${name};`, ...inner.decl],
      read: [`${acc}has_${name} = gtx_read_option(r);`, `if (${acc}has_${name}) ${inner.read[0]}`],
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

// ---------- C header ----------

export function generateCHeader(idl: IdlJson, sourceRel: string): string {
  const ctx = new Ctx(idl, sourceRel);
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
    const size = 8 + (ctx.fixedSize({ defined: { name: acc.name } }) ?? 0);
    L.push(
      ``,
      `/* account ${acc.name}: sha256("account:${acc.name}")[0..8] = ${cBytes(acc.discriminator)} */`,
    );
    L.push(
      `#define ${A}_DISC ${hex64(discriminatorU64(acc.discriminator))}`,
      `#define ${A}_DISC_BYTES ${cBytes(acc.discriminator)}`,
    );
    L.push(`#define ${A}_LEN ${size} /* total bytes, discriminator included */`);
    for (const l of ls) L.push(`#define ${A}_${upper(l.name)}_OFF ${l.off}`);
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
    const size = ctx.fixedSize({ defined: { name: ev.name } });
    if (size === null) {
      L.push(
        `/* Variable-size event: build it with a GtxWriter after ${E}_DISC, then gtx_emit_event. */`,
      );
      continue;
    }
    const ls = leaves(ctx, fields, 8, "", ev.name);
    L.push(`#define ${E}_LEN ${8 + size}`);
    const params = ls.map((l) =>
      l.kind === "pubkey"
        ? `const GtxPubkey *${l.name}`
        : l.kind === "raw"
          ? `const uint8_t *${l.name}`
          : `${cScalar(l)} ${l.name}`,
    );
    L.push(`GTX_INLINE void ${p}_emit_${toSnake(ev.name)}(${params.join(", ") || "void"}) {`);
    L.push(
      `  uint64_t buf[(${E}_LEN + 7) / 8]; /* 8-aligned */`,
      `  uint8_t *b = (uint8_t *)buf;`,
      `  gtx_store_u64(b, ${E}_DISC);`,
    );
    for (const l of ls) L.push(`  ${store(l, `b + ${l.off}`, l.name)}`);
    L.push(`  gtx_emit_event(b, ${E}_LEN);`, `}`);
  }

  L.push(``, `#endif`, ``);
  return L.join("\n");
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
  }
}

function accessors(a: string, l: Leaf): string[] {
  const fn = `${a}_${l.name}`;
  switch (l.kind) {
    case "pubkey":
      return [`GTX_INLINE GtxPubkey *${fn}(uint8_t *d) { return (GtxPubkey *)(d + ${l.off}); }`];
    case "raw":
      return [
        `GTX_INLINE uint8_t *${fn}(uint8_t *d) { return d + ${l.off}; /* ${l.bytes} bytes */ }`,
      ];
    case "bool":
      return [
        `GTX_INLINE bool ${a}_get_${l.name}(const uint8_t *d) { return d[${l.off}] != 0; }`,
        `GTX_INLINE void ${a}_set_${l.name}(uint8_t *d, bool v) { ${store(l, `d + ${l.off}`, "v")} }`,
      ];
    case "enum":
    case "int": {
      const ty = cScalar(l);
      const load = l.bytes === 1 ? `d[${l.off}]` : `gtx_load_u${l.bytes * 8}(d + ${l.off})`;
      return [
        `GTX_INLINE ${ty} ${a}_get_${l.name}(const uint8_t *d) { return (${ty})${load}; }`,
        `GTX_INLINE void ${a}_set_${l.name}(uint8_t *d, ${ty} v) { ${store(l, `d + ${l.off}`, "v")} }`,
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

export async function generateAll(programsDir = PROGRAMS_DIR): Promise<GeneratedFile[]> {
  const out: GeneratedFile[] = [
    { path: "programs/include/gtx/anchor_errors.h", content: generateAnchorErrorsHeader() },
  ];
  for (const name of listPrograms(programsDir)) {
    const idl = loadIdl(name, programsDir);
    const rel = `programs/${name}/idl/${name}.json`;
    out.push({ path: `programs/${name}/src/generated/idl.h`, content: generateCHeader(idl, rel) });
    out.push({ path: `programs/${name}/idl/${name}.ts`, content: await generateTs(idl, rel) });
  }
  return out;
}
