/**
 * The relinker: objects compiled from C snippets with the pinned clang (and hand-made ELF bytes)
 * are linked, loaded into a real LiteSVM and run; every refusal names what it refuses.
 */
import { Keypair, Transaction, TransactionInstruction } from "@solana/web3.js";
import { address, getTransactionDecoder, lamports } from "@solana/kit";
import { LiteSVM } from "litesvm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { EM_BPF, ET_DYN, parseElf, readRels, SHF_ALLOC, SHF_WRITE, SHT_REL } from "./elf";
import { relink, RelinkError, type RelinkInput } from "./relink";
import { Scratch } from "./test-support";

let scratch: Scratch;
beforeAll(() => {
  scratch = new Scratch();
});
afterAll(() => scratch.cleanup());

/** Loads `so` into a fresh LiteSVM, runs one instruction with `data`, returns logs and result. */
function run(so: Uint8Array, data: number[] = []) {
  const svm = new LiteSVM();
  const programId = Keypair.generate().publicKey;
  svm.addProgram(address(programId.toBase58()), so);
  const payer = Keypair.generate();
  svm.airdrop(address(payer.publicKey.toBase58()), lamports(1_000_000_000n));
  const tx = new Transaction().add(
    new TransactionInstruction({ programId, keys: [], data: Buffer.from(data) }),
  );
  tx.feePayer = payer.publicKey;
  tx.recentBlockhash = svm.latestBlockhash();
  tx.sign(payer);
  const r = svm.sendTransaction(getTransactionDecoder().decode(tx.serialize()));
  const meta = "err" in r ? r.meta() : r;
  return {
    ok: !("err" in r),
    err: "err" in r ? String(r.err()) : null,
    logs: meta.logs(),
    cu: Number(meta.computeUnitsConsumed()),
  };
}

function expectRefusal(
  inputs: RelinkInput[],
  code: RelinkError["code"],
  detail: Partial<RelinkError["detail"]>,
) {
  let caught: unknown;
  try {
    relink(inputs);
  } catch (e) {
    caught = e;
  }
  expect(caught).toBeInstanceOf(RelinkError);
  const err = caught as RelinkError;
  expect(err.code).toBe(code);
  expect(err.detail).toMatchObject(detail);
  for (const v of Object.values(detail)) expect(err.message).toContain(v);
}

const MAIN = `
#include <stdint.h>
extern void sol_log_(const char *, uint64_t);
extern void sol_log_64_(uint64_t, uint64_t, uint64_t, uint64_t, uint64_t);
extern uint64_t helper_sum(const uint8_t *p, uint64_t n);   /* defined in the other object */
static const char *const WORDS[] = {"alpha", "beta", "gamma"};
static const uint64_t LENS[] = {5, 4, 5};
__attribute__((noinline)) static uint64_t pick(uint64_t i) { return i % 3; }
uint64_t entrypoint(const uint8_t *input) {
  /* input: u64 account count (0), u64 data len, data */
  uint64_t len = *(const uint64_t *)(input + 8);
  const uint8_t *data = input + 16;
  uint64_t i = pick(len ? data[0] : 0);
  sol_log_(WORDS[i], LENS[i]);
  uint64_t s = helper_sum(data, len);
  sol_log_64_(s, i, len, 0, 0);
  return s == 6 ? 0 : s;
}
`;
const HELPER = `
#include <stdint.h>
static const uint8_t WEIGHTS[4] = {1, 1, 1, 1};
uint64_t helper_sum(const uint8_t *p, uint64_t n) {
  uint64_t s = 0;
  for (uint64_t i = 0; i < n; i++) s += p[i] * WEIGHTS[i & 3];
  return s;
}
`;

describe("relink: what it produces", () => {
  it("links two objects (cross-object call, rodata strings, a pointer table, syscalls) into a program LiteSVM runs", async () => {
    const objs = [await scratch.compile("main", MAIN), await scratch.compile("helper", HELPER)];
    const out = relink(objs);
    expect(out.syscalls).toEqual(["sol_log_", "sol_log_64_"]);
    const ok = run(out.so, [2, 1, 3]);
    expect(ok.ok).toBe(true);
    expect(ok.logs).toContain("Program log: gamma");
    expect(ok.logs).toContain("Program log: 0x6, 0x2, 0x3, 0x0, 0x0");
    const bad = run(out.so, [1, 1]);
    expect(bad.logs).toContain("Program log: beta");
    expect(bad.err).toContain("code: 2");
  });

  it("writes the SBPF v0 layout the loader expects", async () => {
    const { so, entry } = relink([
      await scratch.compile("main", MAIN),
      await scratch.compile("helper", HELPER),
    ]);
    const elf = parseElf(so);
    const dv = new DataView(so.buffer, so.byteOffset, so.byteLength);
    expect(elf.type).toBe(ET_DYN);
    expect(elf.machine).toBe(EM_BPF);
    expect(dv.getUint32(48, true)).toBe(0); // e_flags: SBPF v0
    expect(dv.getUint16(54, true)).toBe(56); // e_phentsize
    expect(dv.getUint16(56, true)).toBe(0); // no program headers
    expect(Number(dv.getBigUint64(24, true))).toBe(entry);
    const names = elf.sections.map((s) => s.name);
    expect(names).toEqual([
      "",
      ".text",
      ".rodata",
      ".dynsym",
      ".dynstr",
      ".rel.dyn",
      ".dynamic",
      ".shstrtab",
    ]);
    let end = 64;
    for (const s of elf.sections.slice(1)) {
      expect(s.offset).toBeGreaterThanOrEqual(end); // ascending, no overlap, after the header
      end = s.offset + s.size;
      if ((s.flags & SHF_ALLOC) !== 0n) expect(Number(s.addr)).toBe(s.offset);
      expect(s.flags & SHF_WRITE).toBe(0n);
    }
    const text = elf.sections[1]!;
    expect(entry).toBeGreaterThanOrEqual(text.offset);
    expect(entry).toBeLessThan(text.offset + text.size);
    const rel = elf.sections.find((s) => s.type === SHT_REL)!;
    const rels = readRels(elf, rel);
    expect(rels.length).toBe(2); // one sol_log_ call site, one sol_log_64_ call site
    for (const r of rels) {
      expect(r.type).toBe(10); // R_BPF_64_32 against the syscall's .dynsym entry
      expect(so[r.offset]).toBe(0x85); // a call instruction...
      expect(dv.getInt32(r.offset + 4, true)).toBe(-1); // ...with imm -1, resolved by the loader
    }
  });

  it("links a program without syscalls (no dynamic relocations)", async () => {
    const o = await scratch.compile(
      "plain",
      "unsigned long entrypoint(const unsigned char *in) { return in[0] == 0 ? 0 : 1; }",
    );
    const out = relink([o]);
    expect(out.syscalls).toEqual([]);
    expect(run(out.so).ok).toBe(true);
  });

  it("is deterministic: the same objects give the same bytes", async () => {
    const objs = [await scratch.compile("main", MAIN), await scratch.compile("helper", HELPER)];
    expect(Buffer.from(relink(objs).so).equals(Buffer.from(relink(objs).so))).toBe(true);
  });
});

describe("relink: refusals (each names the section or symbol)", () => {
  const withEntry = (body: string) =>
    `${body}\nunsigned long entrypoint(const unsigned char *in) { (void)in; return 0; }\n`;

  it("refuses writable initialised data (.data)", async () => {
    const o = await scratch.compile(
      "data",
      withEntry("int counter = 5; int *use(void) { return &counter; }"),
    );
    expectRefusal([o], "WRITABLE_SECTION", { section: ".data", file: "data.o" });
  });

  it("refuses zero-initialised mutable data (.bss)", async () => {
    const o = await scratch.compile(
      "bss",
      withEntry("int counter; int *use(void) { return &counter; }"),
    );
    expectRefusal([o], "BSS_SECTION", { section: ".bss", file: "bss.o" });
  });

  it("refuses writable data in a custom-named section", async () => {
    const o = await scratch.compile(
      "custom",
      withEntry('__attribute__((section(".state"))) int st = 1; int *use(void) { return &st; }'),
    );
    expectRefusal([o], "WRITABLE_SECTION", { section: ".state" });
  });

  it("refuses a common symbol (-fcommon uninitialised global)", async () => {
    const o = await scratch.compile(
      "common",
      withEntry("int shared_state; int *use(void) { return &shared_state; }"),
      ["-fcommon"],
    );
    expectRefusal([o], "COMMON_SYMBOL", { symbol: "shared_state" });
  });

  it("refuses a program without an entrypoint symbol", async () => {
    const o = await scratch.compile(
      "noentry",
      "unsigned long start(const unsigned char *in) { return in[0]; }",
    );
    expectRefusal([o], "NO_ENTRYPOINT", { symbol: "entrypoint" });
  });

  it("refuses a call to an undefined function that is not a syscall", async () => {
    const o = await scratch.compile(
      "undef",
      'extern void sol_log_typo(const char *, unsigned long);\nunsigned long entrypoint(const unsigned char *in) { sol_log_typo("x", 1); return in[0]; }',
    );
    expectRefusal([o], "UNDEFINED_SYMBOL", { symbol: "sol_log_typo" });
  });

  it("refuses a reference to undefined data", async () => {
    const o = await scratch.compile(
      "undefdata",
      "extern const unsigned char TABLE[];\nunsigned long entrypoint(const unsigned char *in) { return TABLE[in[0]]; }",
    );
    expectRefusal([o], "UNDEFINED_SYMBOL", { symbol: "TABLE" });
  });

  it("refuses a symbol defined in two objects", async () => {
    const a = await scratch.compile("dup_a", withEntry("unsigned long twice(void) { return 1; }"));
    const b = await scratch.compile("dup_b", "unsigned long twice(void) { return 2; }");
    expectRefusal([a, b], "DUPLICATE_SYMBOL", { symbol: "twice" });
  });

  it("refuses an unknown relocation type, naming the section", async () => {
    const o = await scratch.compile(
      "reloc",
      'extern void sol_log_(const char *, unsigned long);\nunsigned long entrypoint(const unsigned char *in) { sol_log_("hi", 2); return in[0]; }',
    );
    const bytes = Uint8Array.from(o.bytes);
    const elf = parseElf(bytes);
    const relText = elf.sections.find((s) => s.type === SHT_REL && s.name === ".rel.text")!;
    expect(readRels(elf, relText).length).toBeGreaterThan(0);
    bytes[relText.offset + 8] = 7; // r_info low byte = type of the first relocation
    expectRefusal([{ name: o.name, bytes }], "UNKNOWN_RELOCATION", { section: ".text" });
  });

  it("refuses a file that is not a BPF object (hand-built x86-64 ELF header)", () => {
    const bytes = new Uint8Array(64);
    bytes.set([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1]);
    const dv = new DataView(bytes.buffer);
    dv.setUint16(16, 1, true); // ET_REL
    dv.setUint16(18, 62, true); // EM_X86_64
    dv.setUint16(58, 64, true);
    expectRefusal([{ name: "x86.o", bytes }], "NOT_BPF_OBJECT", { file: "x86.o" });
  });

  it("refuses bytes that are not ELF at all", () => {
    expectRefusal(
      [{ name: "junk.o", bytes: new TextEncoder().encode("#!/bin/sh\necho not elf\n".padEnd(80)) }],
      "ELF_MALFORMED",
      {
        file: "junk.o",
      },
    );
  });

  it("refuses a truncated object", async () => {
    const o = await scratch.compile("trunc", withEntry(""));
    expectRefusal([{ name: "trunc.o", bytes: o.bytes.subarray(0, 200) }], "ELF_MALFORMED", {
      file: "trunc.o",
    });
  });
});
