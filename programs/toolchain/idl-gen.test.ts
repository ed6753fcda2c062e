/**
 * One source of truth per program interface: the committed generated C headers, dispatch and
 * TypeScript types must equal a fresh generation from the IDL JSON, every discriminator must be
 * the sha256 Anchor computes (and idl:gen writes it in when it is not), and the fixed PDAs must be
 * what web3.js and the clients derive.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { PublicKey } from "@solana/web3.js";
import { format } from "prettier";
import { describe, expect, it } from "vitest";
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
import { programSources } from "./build";
import { REPO_ROOT } from "./anchor-toml";
import { COUNTER_PROGRAM_ID, counterIdl } from "../counter/idl/counter";
import { oracleAddress } from "../oracle/client";
import {
  gridMintAddress,
  mintAuthorityAddress,
  registryAddress,
  tokenConfigAddress,
} from "../registry/client";

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
      ) as { first: string[] };
      expect(calls.slice(0, hint.first.length)).toEqual(hint.first.map((n) => `${name}_${n}`));
      expect(c).toContain(`GtxAccountInfo accounts[MAX_ACCOUNTS > 0 ? MAX_ACCOUNTS : 1];`);
      expect(c).toContain(`#define MAX_ACCOUNTS ${name.toUpperCase()}_MAX_IX_ACCOUNTS`);
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
