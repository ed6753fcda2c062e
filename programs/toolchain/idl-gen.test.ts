/**
 * One source of truth per program interface: the committed generated C headers, dispatch and
 * TypeScript types must equal a fresh generation from the IDL JSON, every discriminator must be
 * the sha256 Anchor computes (and idl:gen writes it in when it is not), and the fixed PDAs must be
 * what web3.js and the clients derive.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { BorshCoder, type Idl } from "@coral-xyz/anchor";
import { convertIdlToCamelCase } from "@coral-xyz/anchor/dist/cjs/idl.js";
import { Keypair, PublicKey, TransactionInstruction } from "@solana/web3.js";
import BN from "bn.js";
import { format } from "prettier";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { expectOk, TestChain } from "~/programs/harness";
import {
  accountDiscriminator,
  discriminatorU64,
  eventDiscriminator,
  instructionDiscriminator,
} from "./discriminator";
import { IdlError, type IdlJson, validateIdl } from "./idl";
import {
  fixedPdas,
  generateAll,
  generateCHeader,
  generateDispatch,
  listPrograms,
  loadIdl,
  writeGenerated,
} from "./idl-gen";
import { fillDiscriminators } from "./idl-fill";
import { CFLAGS, programSources } from "./build";
import { compileC } from "./clang";
import { relink } from "./relink";
import { Scratch } from "./test-support";
import { REPO_ROOT } from "./anchor-toml";
import { COUNTER_PROGRAM_ID, counterIdl } from "../counter/idl/counter";
import { oracleAddress } from "../oracle/client";
import { registryAddress } from "../registry/client";
import { gridVaultAddress, marketAddress, thbcVaultAddress } from "../trading/client";
import { bridgeAddress, thbcMintAddress } from "../thb_bridge/client";
import { governanceAddress } from "../governance/client";
import { gridMintAddress, mintAuthorityAddress, tokenConfigAddress } from "../energy_token/client";

describe("discriminators", () => {
  it("match Anchor's test vectors", () => {
    expect(instructionDiscriminator("initialize")).toEqual([175, 175, 109, 31, 13, 152, 155, 237]);
    expect(instructionDiscriminator("increment")).toEqual([11, 18, 104, 9, 104, 174, 59, 33]);
    expect(accountDiscriminator("Counter")).toEqual([255, 176, 4, 245, 188, 253, 124, 25]);
    expect(eventDiscriminator("CounterIncremented")).toEqual([
      219, 181, 183, 220, 88, 58, 114, 198,
    ]);
  });

  it("the u64 form is the bytes read little-endian", () => {
    expect(discriminatorU64([175, 175, 109, 31, 13, 152, 155, 237])).toBe(0xed9b980d1f6dafafn);
    expect(() => discriminatorU64([1, 2, 3])).toThrow();
  });

  for (const name of listPrograms()) {
    it(`every discriminator in programs/${name}/idl/${name}.json is sha256("<namespace>:<name>")[0..8]`, () => {
      const idl = JSON.parse(
        readFileSync(path.join(REPO_ROOT, "programs", name, "idl", `${name}.json`), "utf8"),
      ) as IdlJson;
      for (const ix of idl.instructions)
        expect(ix.discriminator, ix.name).toEqual(instructionDiscriminator(ix.name));
      for (const a of idl.accounts ?? [])
        expect(a.discriminator, a.name).toEqual(accountDiscriminator(a.name));
      for (const e of idl.events ?? [])
        expect(e.discriminator, e.name).toEqual(eventDiscriminator(e.name));
      // ...and the C header compares against the same values.
      const header = readFileSync(
        path.join(REPO_ROOT, "programs", "include", "gen", `${name}.h`),
        "utf8",
      );
      for (const ix of idl.instructions)
        expect(header).toContain(
          `_IX_${ix.name.toUpperCase()}_DISC 0x${discriminatorU64(ix.discriminator).toString(16).padStart(16, "0")}ULL`,
        );
    });
  }
});

describe("generated files", () => {
  it("the committed outputs equal a fresh `npm run idl:gen`", async () => {
    const files = await generateAll();
    expect(files.length).toBeGreaterThanOrEqual(3);
    for (const f of files) {
      const committed = readFileSync(path.join(REPO_ROOT, f.path), "utf8");
      expect(committed, `${f.path} is stale: run npm run idl:gen`).toBe(f.content);
    }
  });

  it("the TS module carries the raw snake_case IDL and the camelCased type; the C header the program id", () => {
    const idl = loadIdl("counter");
    expect(JSON.parse(JSON.stringify(counterIdl))).toEqual(idl);
    expect(COUNTER_PROGRAM_ID).toBe(idl.address);
    const ts = readFileSync(path.join(REPO_ROOT, "programs/counter/idl/counter.ts"), "utf8");
    expect(ts).toMatch(/export interface Counter \{/);
    expect(ts).toContain('name: "getCount"'); // camelCased in the type, like Anchor's target/types
    expect(ts).toContain('name: "get_count"'); // raw in the value
    const header = readFileSync(path.join(REPO_ROOT, "programs/include/gen/counter.h"), "utf8");
    expect(header).toContain(`/* Program id ${idl.address} */`);
  });
});

describe("IDL validation refuses what C cannot rely on", () => {
  const base = (): IdlJson => JSON.parse(JSON.stringify(loadIdl("counter"))) as IdlJson;
  const refuse = (idl: IdlJson, match: RegExp) => {
    let err: unknown;
    try {
      validateIdl(idl, "fixture.json");
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(IdlError);
    expect((err as IdlError).code).toBe("IDL_INVALID");
    expect((err as IdlError).message).toMatch(match);
  };

  it("accepts the committed counter IDL", () =>
    expect(() => validateIdl(base(), "counter.json")).not.toThrow());

  it("a wrong instruction discriminator", () => {
    const idl = base();
    idl.instructions[0]!.discriminator[0]! ^= 1;
    refuse(idl, /discriminator is not sha256\("global:add"\)/);
  });
  it("a wrong account discriminator", () => {
    const idl = base();
    idl.accounts![0]!.discriminator = [0, 0, 0, 0, 0, 0, 0, 0];
    refuse(idl, /account Counter: discriminator/);
  });
  it("an event without a type", () => {
    const idl = base();
    idl.types = idl.types!.filter((t) => t.name !== "CounterIncremented");
    refuse(idl, /event CounterIncremented has no entry in "types"/);
  });
  it("an error code below 6000 or duplicated", () => {
    const idl = base();
    idl.errors![0]!.code = 100;
    refuse(idl, /code must be >= 6000/);
    const dup = base();
    dup.errors![1]!.code = 6000;
    refuse(dup, /duplicate error code 6000/);
  });
  it("a camelCase instruction name", () => {
    const idl = base();
    idl.instructions[1]!.name = "getCount";
    refuse(idl, /must be snake_case/);
  });
  it("a bad program address or spec", () => {
    const idl = base();
    idl.address = "not-a-key";
    refuse(idl, /address/);
    const spec = base();
    spec.metadata.spec = "0.0.1";
    refuse(spec, /spec/);
  });

  it("the C generator refuses args whose generated C members would collide", () => {
    const idl = base();
    idl.instructions[0]!.args = [
      { name: "memo", type: "string" },
      { name: "memo_len", type: "u32" },
    ];
    expect(() => generateCHeader(idl, "fixture.json")).toThrow(/member memo_len collides/);
  });

  it("the C generator refuses a variable-size account field", () => {
    const idl = base();
    const counter = idl.types!.find((t) => t.name === "Counter")!;
    if (counter.type.kind !== "struct") throw new Error("fixture");
    counter.type.fields!.push({ name: "label", type: "string" });
    expect(() => generateCHeader(idl, "fixture.json")).toThrow(
      /Counter\.label: variable-size type in a fixed layout/,
    );
  });
});

describe("npm run idl:gen fills in discriminators", () => {
  it("rewrites a missing and a wrong discriminator in the IDL JSON, and nothing else", async () => {
    const root = mkdtempSync(path.join(tmpdir(), "idl-fill-"));
    try {
      const programs = path.join(root, "programs");
      const file = path.join(programs, "demo", "idl", "demo.json");
      mkdirSync(path.dirname(file), { recursive: true });
      const idl = JSON.parse(JSON.stringify(loadIdl("counter"))) as IdlJson &
        Record<string, unknown>;
      idl.metadata.name = "demo";
      const raw = idl as unknown as {
        instructions: Record<string, unknown>[];
        accounts: Record<string, unknown>[];
        events: Record<string, unknown>[];
      };
      delete raw.instructions[0]!.discriminator; // add: missing
      raw.instructions[2]!.discriminator = [1, 2, 3, 4, 5, 6, 7, 8]; // increment: wrong
      delete raw.accounts[0]!.discriminator; // Counter: missing
      raw.events[0]!.discriminator = [0, 0, 0, 0, 0, 0, 0, 0]; // CounterIncremented: wrong
      const text = await format(JSON.stringify(idl), { parser: "json" });
      writeFileSync(file, text);
      expect(() => validateIdl(JSON.parse(text) as IdlJson, "demo.json")).toThrow(IdlError);

      const stale = writeGenerated(await generateAll(programs), root, { check: true });
      expect(stale).toContain("programs/demo/idl/demo.json");
      expect(readFileSync(file, "utf8")).toBe(text); // --check writes nothing
      writeGenerated(await generateAll(programs), root);

      const fixed = readFileSync(file, "utf8");
      const got = JSON.parse(fixed) as IdlJson;
      expect(() => validateIdl(got, "demo.json")).not.toThrow();
      expect(got.instructions.find((i) => i.name === "add")!.discriminator).toEqual(
        instructionDiscriminator("add"),
      );
      expect(got.instructions.find((i) => i.name === "increment")!.discriminator).toEqual(
        instructionDiscriminator("increment"),
      );
      expect(got.accounts![0]!.discriminator).toEqual(accountDiscriminator("Counter"));
      expect(got.events![0]!.discriminator).toEqual(eventDiscriminator("CounterIncremented"));
      // Only the discriminators changed, and Anchor's key order holds (after docs/name).
      const strip = (j: IdlJson) =>
        JSON.stringify(j, (k, v: unknown) => (k === "discriminator" ? undefined : v));
      expect(strip(got)).toBe(strip(JSON.parse(text) as IdlJson));
      expect(Object.keys(got.instructions[0]!).slice(0, 3)).toEqual([
        "name",
        "docs",
        "discriminator",
      ]);
      expect(Object.keys(got.accounts![0]!)).toEqual(["name", "discriminator"]);
      expect(await format(fixed, { parser: "json" })).toBe(fixed);
      // The outputs were generated from the fixed IDL, and a second run has nothing to do.
      expect(readFileSync(path.join(programs, "include", "gen", "demo.h"), "utf8")).toContain(
        `DEMO_IX_ADD_DISC 0x${discriminatorU64(instructionDiscriminator("add")).toString(16).padStart(16, "0")}ULL`,
      );
      expect(writeGenerated(await generateAll(programs), root)).toEqual([]);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });

  it("a committed IDL comes back byte for byte", async () => {
    for (const name of listPrograms()) {
      const text = readFileSync(
        path.join(REPO_ROOT, "programs", name, "idl", `${name}.json`),
        "utf8",
      );
      const r = await fillDiscriminators(text, `${name}.json`);
      expect(r.changes).toEqual([]);
      expect(r.text).toBe(text);
    }
  });
});

describe("fixed PDAs (every seed constant) in the generated headers", () => {
  it("each is the canonical PDA of its seeds, as web3.js and the clients derive it", () => {
    const client: Record<string, PublicKey> = {
      REGISTRY_PDA_REGISTRY: registryAddress(),
      ENERGY_TOKEN_PDA_TOKEN_CONFIG: tokenConfigAddress(),
      ENERGY_TOKEN_PDA_GRID_MINT: gridMintAddress(),
      ENERGY_TOKEN_PDA_MINT_AUTHORITY: mintAuthorityAddress(),
      ORACLE_PDA_ORACLE: oracleAddress(),
      TRADING_PDA_MARKET: marketAddress(),
      TRADING_PDA_GRID_VAULT: gridVaultAddress(),
      TRADING_PDA_THBC_VAULT: thbcVaultAddress(),
      THB_BRIDGE_PDA_BRIDGE: bridgeAddress(),
      THB_BRIDGE_PDA_THBC_MINT: thbcMintAddress(),
      GOVERNANCE_PDA_GOVERNANCE: governanceAddress(),
    };
    const seen: string[] = [];
    for (const name of listPrograms()) {
      const idl = loadIdl(name);
      const header = readFileSync(
        path.join(REPO_ROOT, "programs/include/gen", `${name}.h`),
        "utf8",
      );
      for (const p of fixedPdas(idl, name)) {
        const [addr, bump] = PublicKey.findProgramAddressSync(
          p.seeds.map((s) => Buffer.from(s)),
          p.programId,
        );
        expect(p.programId.toBase58()).toBe(idl.address);
        expect(p.address.equals(addr)).toBe(true);
        expect(p.bump).toBe(bump);
        expect(header).toContain(`#define ${p.macro}_BYTES {${[...addr.toBytes()].join(", ")}}`);
        expect(header).toContain(`#define ${p.macro}_BUMP ${bump}`);
        expect(header).toContain(`static const GtxPubkey ${p.macro} = {${p.macro}_BYTES};`);
        expect(client[p.macro]?.toBase58(), p.macro).toBe(addr.toBase58());
        seen.push(p.macro);
      }
    }
    expect(seen.sort()).toEqual(Object.keys(client).sort());
  });

  it("only all-constant seeds count; a constant program id is honoured", () => {
    const idl = JSON.parse(JSON.stringify(loadIdl("registry"))) as IdlJson;
    // user (["user", wallet]) and meter (["meter", arg]) are per-account: not fixed.
    expect(fixedPdas(idl, "registry.json").map((p) => p.macro)).toEqual(["REGISTRY_PDA_REGISTRY"]);
    const other = new PublicKey(loadIdl("energy_token").address);
    idl.instructions[0]!.accounts.push({
      name: "foreign",
      pda: {
        seeds: [{ kind: "const", value: [...Buffer.from("grid_mint")] }],
        program: { kind: "const", value: [...other.toBytes()] },
      },
    });
    const foreign = fixedPdas(idl, "registry.json").find(
      (p) => p.macro === "REGISTRY_PDA_GRID_MINT",
    )!;
    expect(foreign.address.equals(gridMintAddress())).toBe(true);
    expect(foreign.programId.equals(other)).toBe(true);
  });
});

describe("generated entrypoint dispatch", () => {
  it("calls <program>_<instruction>(&in) for every instruction once, hot paths first", () => {
    for (const name of listPrograms()) {
      const idl = loadIdl(name);
      const c = readFileSync(
        path.join(REPO_ROOT, "programs", name, "src/generated/entrypoint.c"),
        "utf8",
      );
      const calls = [...c.matchAll(/_DISC\) return ([a-z0-9_]+)\(&in\);/g)].map((m) => m[1]);
      expect([...calls].sort()).toEqual(idl.instructions.map((ix) => `${name}_${ix.name}`).sort());
      const hint = JSON.parse(
        readFileSync(path.join(REPO_ROOT, "programs", name, "src/dispatch.json"), "utf8"),
      ) as { first: string[]; heap_accounts?: number };
      expect(calls.slice(0, hint.first.length)).toEqual(hint.first.map((n) => `${name}_${n}`));
      if (hint.heap_accounts === undefined) {
        expect(c).toContain(`GtxAccountInfo accounts[MAX_ACCOUNTS > 0 ? MAX_ACCOUNTS : 1];`);
        expect(c).toContain(`#define MAX_ACCOUNTS ${name.toUpperCase()}_MAX_IX_ACCOUNTS`);
      } else {
        expect(c).toContain(`GtxAccountInfo *accounts = gtx_heap_accounts();`);
        expect(c).toContain(`#define MAX_ACCOUNTS ${hint.heap_accounts}`);
      }
    }
    // The registry keeps submit_reading as the first compare (its CU budget counts on it).
    const reg = readFileSync(
      path.join(REPO_ROOT, "programs/registry/src/generated/entrypoint.c"),
      "utf8",
    );
    expect(reg.indexOf("registry_submit_reading(&in)")).toBeLessThan(
      reg.indexOf("registry_settle_balance(&in)"),
    );
  });

  it("without a hint the IDL order; an unknown or repeated name in the hint is refused", () => {
    const idl = loadIdl("counter");
    const c = generateDispatch(idl, "counter.json");
    const calls = [...c.matchAll(/return (counter_[a-z_]+)\(&in\)/g)].map((m) => m[1]);
    expect(calls).toEqual(idl.instructions.map((ix) => `counter_${ix.name}`));
    expect(() => generateDispatch(idl, "c.json", { first: ["nope"] }, "dispatch.json")).toThrow(
      /dispatch order: no instruction nope/,
    );
    expect(() =>
      generateDispatch(idl, "c.json", { first: ["add", "add"] }, "dispatch.json"),
    ).toThrow(/add listed twice/);
  });

  it("a hand-written entrypoint.c next to the generated one is refused by the build", () => {
    const dir = mkdtempSync(path.join(tmpdir(), "dispatch-"));
    try {
      mkdirSync(path.join(dir, "demo", "src", "generated"), { recursive: true });
      writeFileSync(path.join(dir, "demo", "src", "entrypoint.c"), "");
      writeFileSync(path.join(dir, "demo", "src", "ix_a.c"), "");
      writeFileSync(path.join(dir, "demo", "src", "generated", "entrypoint.c"), "");
      expect(() => programSources("demo", dir)).toThrow(/two sources named entrypoint\.c/);
      rmSync(path.join(dir, "demo", "src", "entrypoint.c"));
      expect(programSources("demo", dir).map((f) => path.relative(dir, f))).toEqual([
        "demo/src/generated/entrypoint.c",
        "demo/src/ix_a.c",
      ]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe("fixed layouts (arrays, Option, enums, nested structs) against Anchor's BorshCoder", () => {
  // testdata/layouts: an IDL with every supported type and a C program using the generated
  // decoder, setters, getters and emitter, built with the real toolchain and run on LiteSVM.
  const LAYOUTS = path.join(import.meta.dirname, "testdata", "layouts");
  const programId = new PublicKey("US517G5965aydkZ46HS38QLi7UQiSojurfbQfKCELFx");
  let idl: IdlJson;
  let header: string;
  let so: Uint8Array;
  const scratch = new Scratch();
  afterAll(() => scratch.cleanup());

  beforeAll(async () => {
    const file = path.join(LAYOUTS, "layouts.json");
    // The fixture has no discriminators: the filler writes them, as idl:gen does.
    const filled = await fillDiscriminators(readFileSync(file, "utf8"), "layouts.json");
    expect(filled.changes).toHaveLength(3);
    idl = JSON.parse(filled.text) as IdlJson;
    validateIdl(idl, "layouts.json");
    header = generateCHeader(idl, "layouts.json");
    mkdirSync(path.join(scratch.dir, "gen"));
    writeFileSync(path.join(scratch.dir, "gen", "layouts.h"), header);
    const dispatch = path.join(scratch.dir, "entrypoint.c");
    writeFileSync(dispatch, generateDispatch(idl, "layouts.json"));
    const objects = await Promise.all(
      [path.join(LAYOUTS, "layouts.c"), dispatch].map(async (c) => {
        const o = path.join(scratch.dir, `${path.basename(c, ".c")}.o`);
        await compileC(c, o, [...CFLAGS, "-I", scratch.dir]);
        return { name: path.basename(c), bytes: readFileSync(o) };
      }),
    );
    so = relink(objects).so;
  }, 120_000);

  const key = (n: number) => new PublicKey(Buffer.alloc(32, n));
  const order = (i: number) => ({
    price: new BN(1000 + i),
    qty: 10 + i,
    side: i % 2 ? { ask: {} } : { bid: {} },
    owner: key(20 + i),
  });
  const book = (expiry: BN | null) => ({
    tiny: 0xab,
    medium: 0xbeef,
    delta: -123456,
    amount: new BN("18446744073709551615"),
    balance: new BN(-42),
    flag: true,
    authority: key(1),
    big: new BN(2).pow(new BN(100)).addn(7),
    label: Array.from({ length: 32 }, (_, i) => i + 1),
    amounts: [new BN(1), new BN(2 ** 40), new BN(3), new BN(4)],
    keys: [key(2), key(3)],
    orders: [order(0), order(1), order(2)],
    best: order(9),
    side: { ask: {} },
    expiry,
  });
  /** BN and PublicKey as strings, so values compare by content. */
  const norm = (v: unknown): unknown =>
    v instanceof BN
      ? `bn:${v.toString()}`
      : v instanceof PublicKey
        ? `pk:${v.toBase58()}`
        : Array.isArray(v)
          ? v.map(norm)
          : v && typeof v === "object"
            ? Object.fromEntries(Object.entries(v).map(([k, x]) => [k, norm(x)]))
            : v;
  const macro = (name: string) => {
    const m = new RegExp(`#define ${name} (\\d+)`).exec(header);
    if (!m) throw new Error(`no ${name} in the generated header`);
    return Number(m[1]);
  };

  it("every offset, count, stride and length the generator prints is where BorshCoder puts the field", async () => {
    // Anchor's Program camelCases the IDL before building its coder: do the same.
    const coder = new BorshCoder(convertIdlToCamelCase(structuredClone(idl) as unknown as Idl));
    const zero = {
      ...book(null),
      tiny: 0,
      medium: 0,
      delta: 0,
      amount: new BN(0),
      balance: new BN(0),
      flag: false,
      authority: key(0),
      big: new BN(0),
      label: new Array<number>(32).fill(0),
      amounts: [0, 0, 0, 0].map((x) => new BN(x)),
      keys: [key(0), key(0)],
      orders: [0, 1, 2].map(() => ({ price: new BN(0), qty: 0, side: { bid: {} }, owner: key(0) })),
      best: { price: new BN(0), qty: 0, side: { bid: {} }, owner: key(0) },
      side: { bid: {} },
    };
    const enc = (v: object) => coder.accounts.encode("book", v);
    const base = await enc(zero);
    const firstDiff = async (v: object) => {
      const b = await enc(v);
      return b.findIndex((x, i) => x !== base[i]);
    };
    const one = { price: new BN(1), qty: 0, side: { bid: {} }, owner: key(0) };
    const cases: [string, object][] = [
      ["TINY_OFF", { tiny: 1 }],
      ["MEDIUM_OFF", { medium: 1 }],
      ["DELTA_OFF", { delta: 1 }],
      ["AMOUNT_OFF", { amount: new BN(1) }],
      ["BALANCE_OFF", { balance: new BN(1) }],
      ["FLAG_OFF", { flag: true }],
      ["AUTHORITY_OFF", { authority: key(1) }],
      ["BIG_OFF", { big: new BN(1) }],
      ["LABEL_OFF", { label: [1, ...new Array<number>(31).fill(0)] }],
      ["AMOUNTS_OFF", { amounts: [1, 0, 0, 0].map((x) => new BN(x)) }],
      ["KEYS_OFF", { keys: [key(1), key(0)] }],
      ["ORDERS_OFF", { orders: [one, zero.orders[1], zero.orders[2]] }],
      ["BEST_PRICE_OFF", { best: one }],
      ["BEST_SIDE_OFF", { best: { ...one, price: new BN(0), side: { ask: {} } } }],
      ["BEST_OWNER_OFF", { best: { ...one, price: new BN(0), owner: key(1) } }],
      ["SIDE_OFF", { side: { ask: {} } }],
      ["EXPIRY_OFF", { expiry: new BN(0) }], // the tag
      ["EXPIRY_VALUE_OFF", { expiry: new BN(1) }], // the tag moves first: compare from Some(0)
    ];
    const someZero = await enc({ ...zero, expiry: new BN(0) });
    for (const [m, change] of cases) {
      const off =
        m === "EXPIRY_VALUE_OFF"
          ? (await enc({ ...zero, ...change })).findIndex((x, i) => x !== someZero[i])
          : await firstDiff({ ...zero, ...change });
      expect(off, m).toBe(macro(`LAYOUTS_ACCOUNT_BOOK_${m}`));
    }
    // Arrays: the next element is one stride on; counts are the IDL lengths.
    expect(await firstDiff({ ...zero, amounts: [0, 1, 0, 0].map((x) => new BN(x)) })).toBe(
      macro("LAYOUTS_ACCOUNT_BOOK_AMOUNTS_OFF") + macro("LAYOUTS_ACCOUNT_BOOK_AMOUNTS_STRIDE"),
    );
    expect(await firstDiff({ ...zero, orders: [zero.orders[0], one, zero.orders[2]] })).toBe(
      macro("LAYOUTS_ACCOUNT_BOOK_ORDERS_OFF") + macro("LAYOUTS_ACCOUNT_BOOK_ORDERS_STRIDE"),
    );
    expect(macro("LAYOUTS_ACCOUNT_BOOK_AMOUNTS_COUNT")).toBe(4);
    expect(macro("LAYOUTS_ACCOUNT_BOOK_KEYS_STRIDE")).toBe(32);
    expect(macro("LAYOUTS_ACCOUNT_BOOK_ORDERS_COUNT")).toBe(3);
    // The element type's own offsets, from its encoding.
    const ord = coder.types.encode("order", one);
    expect(macro("LAYOUTS_TYPE_ORDER_LEN")).toBe(ord.length);
    expect(macro("LAYOUTS_ACCOUNT_BOOK_ORDERS_STRIDE")).toBe(ord.length);
    const ordZero = coder.types.encode("order", zero.best);
    for (const [m, v] of [
      ["QTY_OFF", { ...zero.best, qty: 1 }],
      ["SIDE_OFF", { ...zero.best, side: { ask: {} } }],
      ["OWNER_OFF", { ...zero.best, owner: key(1) }],
    ] as const)
      expect(
        coder.types.encode("order", v).findIndex((x, i) => x !== ordZero[i]),
        m,
      ).toBe(macro(`LAYOUTS_TYPE_ORDER_${m}`));
    // Length: Some keeps room for the payload; None is borsh-shorter by exactly that payload.
    expect(someZero.length).toBe(macro("LAYOUTS_ACCOUNT_BOOK_LEN"));
    expect(base.length).toBe(macro("LAYOUTS_ACCOUNT_BOOK_LEN") - 8);
    // The event's room: every Option present.
    const filledAll = coder.types.encode("filled", {
      maybePrice: new BN(1),
      side: { bid: {} },
      expiry: new BN(1),
      maybeKey: key(1),
      tag: [1, 2, 3, 4],
      maybeSide: { ask: {} },
      secondAmount: new BN(1),
      orderQty: 1,
      bestPrice: new BN(1),
      qty: new BN(1),
    });
    expect(macro("LAYOUTS_EVENT_FILLED_MAX_LEN")).toBe(8 + filledAll.length);
  });

  for (const some of [true, false]) {
    it(`the C decoder, setters, getters and emitter round-trip with BorshCoder (Options ${some ? "Some" : "None"})`, async () => {
      const chain = TestChain.create({ programs: [] });
      chain.loadProgram("layouts", programId, so);
      const program = chain.program(idl as unknown as Idl);
      const bookKey = Keypair.generate().publicKey;
      const len = macro("LAYOUTS_ACCOUNT_BOOK_LEN");
      chain.setAccount(bookKey, {
        lamports: chain.minimumBalance(len),
        owner: programId,
        data: new Uint8Array(len),
      });
      const value = book(some ? new BN(-1_700_000_000) : null);
      const args = {
        book: value,
        maybePrice: some ? new BN("12345678901234") : null,
        maybeKey: some ? key(77) : null,
        tag: some ? [9, 8, 7, 6] : null,
        order: some ? order(5) : null,
        maybeSide: some ? { ask: {} } : null,
        qty: new BN(555),
      };
      const r = chain.send(
        new TransactionInstruction({
          programId,
          keys: [{ pubkey: bookKey, isSigner: false, isWritable: true }],
          data: program.coder.instruction.encode("write", args),
        }),
      );
      expectOk(r);

      // The account the C setters wrote is byte for byte BorshCoder's encoding (None: plus the
      // zeroed payload room), and decodes to the value sent.
      const data = Buffer.from(chain.getAccount(bookKey)!.data);
      const encoded = await program.coder.accounts.encode("book", value);
      expect(data.subarray(0, encoded.length).equals(encoded)).toBe(true);
      expect(data.subarray(encoded.length).every((b) => b === 0)).toBe(true);
      expect(norm(program.coder.accounts.decode("book", data))).toEqual(norm(value));

      // The event: BorshCoder's bytes for the same values, Options shifting what follows them.
      const expected = {
        maybePrice: args.maybePrice,
        side: value.side,
        expiry: value.expiry,
        maybeKey: args.maybeKey,
        tag: args.tag,
        maybeSide: args.maybeSide,
        secondAmount: value.amounts[1],
        orderQty: some ? order(5).qty : value.orders[2]!.qty,
        bestPrice: value.best.price,
        qty: args.qty,
      };
      const events = chain.events(program, r);
      expect(events.map((e) => e.name)).toEqual(["filled"]);
      expect(norm(events[0]!.data)).toEqual(norm(expected));
      const logged = r.logs
        .filter((l) => l.startsWith("Program data: "))
        .map((l) => Buffer.from(l.slice("Program data: ".length), "base64"));
      const want = Buffer.concat([
        Buffer.from(eventDiscriminator("Filled")),
        program.coder.types.encode("filled", expected),
      ]);
      expect(logged).toHaveLength(1);
      expect(logged[0]!.equals(want)).toBe(true);
    });
  }

  it("refuses what a fixed layout cannot hold, with an IdlError naming the field", () => {
    const variant = (mutate: (j: IdlJson) => void) => {
      const j = JSON.parse(JSON.stringify(idl)) as IdlJson;
      mutate(j);
      let err: unknown;
      try {
        generateCHeader(j, "layouts.json");
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(IdlError);
      return (err as IdlError).message;
    };
    const fields = (j: IdlJson, name: string) => {
      const t = j.types!.find((x) => x.name === name)!.type;
      if (t.kind !== "struct") throw new Error("fixture");
      return t.fields!;
    };
    // Data-carrying enum variants: not supported anywhere.
    expect(
      variant((j) => {
        const t = j.types!.find((x) => x.name === "Side")!.type;
        if (t.kind === "enum")
          t.variants.push({ name: "Limit", fields: [{ name: "price", type: "u64" }] });
      }),
    ).toMatch(/enum Side: variant Limit carries data; only unit-variant enums/);
    // An Option in an account that is not its last field.
    expect(
      variant((j) => {
        const f = fields(j, "Book");
        f.unshift(f.pop()!);
      }),
    ).toMatch(/Book\.expiry: an Option in an account must be its last field/);
    // Arrays of Option (every later element would move).
    expect(
      variant((j) =>
        fields(j, "Filled").push({ name: "maybes", type: { array: [{ option: "u8" }, 2] } }),
      ),
    ).toMatch(/Filled\.maybes: arrays of Option are not supported/);
    // Vec/String stay out of accounts.
    expect(
      variant((j) => fields(j, "Book").splice(0, 0, { name: "tags", type: { vec: "u8" } })),
    ).toMatch(/Book\.tags: variable-size type in a fixed layout/);
  });
});
