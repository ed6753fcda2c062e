/**
 * One source of truth per program interface: the committed generated C headers and TypeScript
 * types must equal a fresh generation from the IDL JSON, and every discriminator must be the
 * sha256 Anchor computes.
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import {
  accountDiscriminator,
  discriminatorU64,
  eventDiscriminator,
  instructionDiscriminator,
} from "./discriminator";
import { IdlError, type IdlJson, validateIdl } from "./idl";
import { generateAll, generateCHeader, listPrograms, loadIdl } from "./idl-gen";
import { REPO_ROOT } from "./anchor-toml";
import { COUNTER_PROGRAM_ID, counterIdl } from "../counter/idl/counter";

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
        path.join(REPO_ROOT, "programs", name, "src", "generated", "idl.h"),
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
    const header = readFileSync(
      path.join(REPO_ROOT, "programs/counter/src/generated/idl.h"),
      "utf8",
    );
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
