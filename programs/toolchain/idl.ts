/**
 * The subset of Anchor's IDL spec 0.1.0 our programs use, plus a validator. The IDL JSON in
 * programs/<name>/idl/<name>.json is the single source of truth for a program's interface; the C
 * header and TypeScript types are generated from it (idl-gen.ts).
 */
import { PublicKey } from "@solana/web3.js";
import {
  accountDiscriminator,
  eventDiscriminator,
  instructionDiscriminator,
} from "./discriminator";

export type IdlType =
  | string
  | { option: IdlType }
  | { coption: IdlType }
  | { vec: IdlType }
  | { array: [IdlType, number] }
  | { defined: { name: string } };

export interface IdlField {
  name: string;
  docs?: string[];
  type: IdlType;
}

export interface IdlSeed {
  kind: "const" | "arg" | "account";
  value?: number[];
  path?: string;
}

export interface IdlInstructionAccount {
  name: string;
  docs?: string[];
  writable?: boolean;
  signer?: boolean;
  optional?: boolean;
  address?: string;
  pda?: { seeds: IdlSeed[]; program?: IdlSeed };
  relations?: string[];
}

export interface IdlInstruction {
  name: string;
  docs?: string[];
  discriminator: number[];
  accounts: IdlInstructionAccount[];
  args: IdlField[];
  returns?: IdlType;
}

export interface IdlTypeDef {
  name: string;
  docs?: string[];
  type:
    | { kind: "struct"; fields?: IdlField[] }
    | { kind: "enum"; variants: { name: string; fields?: unknown[] }[] }
    | { kind: "type"; alias: IdlType };
}

export interface IdlJson {
  address: string;
  metadata: { name: string; version: string; spec: string; description?: string };
  docs?: string[];
  instructions: IdlInstruction[];
  accounts?: { name: string; discriminator: number[] }[];
  events?: { name: string; discriminator: number[] }[];
  errors?: { code: number; name: string; msg?: string }[];
  types?: IdlTypeDef[];
  constants?: { name: string; type: IdlType; value: string }[];
}

export class IdlError extends Error {
  readonly code = "IDL_INVALID";
  constructor(
    readonly file: string,
    message: string,
  ) {
    super(`${file}: ${message}`);
    this.name = "IdlError";
  }
}

const SNAKE = /^[a-z][a-z0-9]*(_[a-z0-9]+)*$/;
const PASCAL = /^[A-Z][A-Za-z0-9]*$/;
const SCREAMING = /^[A-Z][A-Z0-9]*(_[A-Z0-9]+)*$/;

const sameBytes = (a: readonly number[] | undefined, b: readonly number[]) =>
  Array.isArray(a) && a.length === b.length && a.every((x, i) => x === b[i]);

/**
 * Checks what the generators and the C programs rely on. Stricter than Anchor where C needs it:
 * snake_case instruction/field names, PascalCase types, the standard sha256 discriminators (the
 * TS client never recomputes them, so a wrong array would fail silently), errors >= 6000.
 */
export function validateIdl(idl: IdlJson, file: string): void {
  const fail = (m: string): never => {
    throw new IdlError(file, m);
  };
  if (idl.metadata?.spec !== "0.1.0") fail(`metadata.spec must be "0.1.0"`);
  if (!SNAKE.test(idl.metadata.name))
    fail(`metadata.name "${idl.metadata.name}" must be snake_case`);
  try {
    if (new PublicKey(idl.address).toBase58() !== idl.address)
      fail("address is not canonical base58");
  } catch {
    fail(`address "${idl.address}" is not a base58 public key`);
  }
  const types = new Map((idl.types ?? []).map((t) => [t.name, t]));
  for (const t of idl.types ?? []) {
    if (!PASCAL.test(t.name)) fail(`type "${t.name}" must be PascalCase`);
    if (t.type.kind === "struct")
      for (const f of t.type.fields ?? [])
        if (!SNAKE.test(f.name)) fail(`field ${t.name}.${f.name} must be snake_case`);
  }
  const names = new Set<string>();
  for (const ix of idl.instructions) {
    if (!SNAKE.test(ix.name)) fail(`instruction "${ix.name}" must be snake_case`);
    if (names.has(ix.name)) fail(`duplicate instruction ${ix.name}`);
    names.add(ix.name);
    if (!sameBytes(ix.discriminator, instructionDiscriminator(ix.name)))
      fail(
        `instruction ${ix.name}: discriminator is not sha256("global:${ix.name}")[0..8] (npm run idl:gen writes it)`,
      );
    for (const a of ix.accounts) {
      if ("accounts" in a) fail(`instruction ${ix.name}: composite accounts are not supported`);
      if (!SNAKE.test(a.name))
        fail(`instruction ${ix.name}: account "${a.name}" must be snake_case`);
    }
    for (const f of ix.args)
      if (!SNAKE.test(f.name)) fail(`instruction ${ix.name}: arg "${f.name}" must be snake_case`);
  }
  for (const a of idl.accounts ?? []) {
    if (!types.has(a.name)) fail(`account ${a.name} has no entry in "types"`);
    if (!sameBytes(a.discriminator, accountDiscriminator(a.name)))
      fail(
        `account ${a.name}: discriminator is not sha256("account:${a.name}")[0..8] (npm run idl:gen writes it)`,
      );
  }
  for (const e of idl.events ?? []) {
    if (!types.has(e.name)) fail(`event ${e.name} has no entry in "types"`);
    if (!sameBytes(e.discriminator, eventDiscriminator(e.name)))
      fail(
        `event ${e.name}: discriminator is not sha256("event:${e.name}")[0..8] (npm run idl:gen writes it)`,
      );
  }
  const codes = new Set<number>();
  for (const e of idl.errors ?? []) {
    if (!Number.isInteger(e.code) || e.code < 6000 || e.code > 0xffffffff)
      fail(`error ${e.name}: code must be >= 6000`);
    if (codes.has(e.code)) fail(`duplicate error code ${e.code}`);
    codes.add(e.code);
    if (!PASCAL.test(e.name)) fail(`error "${e.name}" must be PascalCase`);
    if (e.msg !== undefined && /["\\\n]/.test(e.msg))
      fail(`error ${e.name}: msg must not contain quotes, backslashes or newlines`);
  }
  for (const c of idl.constants ?? [])
    if (!SCREAMING.test(c.name)) fail(`constant "${c.name}" must be SCREAMING_SNAKE_CASE`);
  const walk = (t: IdlType, where: string) => {
    if (typeof t === "string") return;
    if ("defined" in t) {
      if (!types.has(t.defined.name)) fail(`${where}: unknown type ${t.defined.name}`);
    } else if ("option" in t) walk(t.option, where);
    else if ("coption" in t) walk(t.coption, where);
    else if ("vec" in t) walk(t.vec, where);
    else if ("array" in t) walk(t.array[0], where);
  };
  for (const ix of idl.instructions) for (const f of ix.args) walk(f.type, `${ix.name}.${f.name}`);
  for (const t of idl.types ?? [])
    if (t.type.kind === "struct")
      for (const f of t.type.fields ?? []) walk(f.type, `${t.name}.${f.name}`);
}
