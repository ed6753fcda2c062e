/**
 * The gtx C headers and the IDL->C generator, tested on chain: a test-only program
 * (testdata/probe, interface testdata/probe/probe.json) is generated, compiled with the pinned
 * clang, relinked and run on LiteSVM. Results are compared with BigInt arithmetic, Anchor's
 * coders, web3.js constants, the runtime's own rent and clock, and the real Token programs.
 */
import { mkdirSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import type { Idl, Program } from "@coral-xyz/anchor";
import {
  ASSOCIATED_TOKEN_PROGRAM_ID,
  getAssociatedTokenAddressSync,
  TOKEN_2022_PROGRAM_ID,
  TOKEN_PROGRAM_ID,
} from "@solana/spl-token";
import {
  Ed25519Program,
  Keypair,
  PublicKey,
  SystemProgram,
  SYSVAR_CLOCK_PUBKEY,
  SYSVAR_INSTRUCTIONS_PUBKEY,
  TransactionInstruction,
  type AccountMeta,
} from "@solana/web3.js";
import { afterAll, describe, expect, it } from "vitest";
import {
  bn,
  type BigNum,
  createAta,
  createMint,
  expectAnchorError,
  expectOk,
  mintSupply,
  TestChain,
  tokenBalance,
  type TxResult,
} from "~/programs/harness";
import { CFLAGS } from "../toolchain/build";
import { compileC } from "../toolchain/clang";
import { validateIdl, type IdlJson } from "../toolchain/idl";
import { generateCHeader } from "../toolchain/idl-gen";
import { relink } from "../toolchain/relink";
import { Scratch } from "../toolchain/test-support";

const PROBE_DIR = path.join(import.meta.dirname, "testdata", "probe");
const probeIdl = JSON.parse(readFileSync(path.join(PROBE_DIR, "probe.json"), "utf8")) as IdlJson;
const U64 = (1n << 64n) - 1n;

// Built once at module load (top-level await), so every describe block can set up its chain.
const scratch = new Scratch();
afterAll(() => scratch.cleanup());
validateIdl(probeIdl, "probe.json");
const header = generateCHeader(probeIdl, "programs/include/testdata/probe/probe.json");
mkdirSync(path.join(scratch.dir, "generated"));
writeFileSync(path.join(scratch.dir, "generated", "idl.h"), header);
const probeSo = relink(
  await Promise.all(
    readdirSync(path.join(PROBE_DIR, "src"))
      .filter((x) => x.endsWith(".c"))
      .sort()
      .map(async (f) => {
        const o = path.join(scratch.dir, f.replace(/\.c$/, ".o"));
        await compileC(path.join(PROBE_DIR, "src", f), o, [...CFLAGS, "-I", scratch.dir]);
        return { name: f, bytes: readFileSync(o) };
      }),
  ),
).so;

function setup() {
  const chain = TestChain.create({ programs: [] });
  const programId = new PublicKey(probeIdl.address);
  chain.loadProgram("probe", programId, probeSo);
  const program: Program = chain.program(probeIdl as unknown as Idl);
  const ix = (name: string, args: Record<string, unknown>, keys: AccountMeta[] = []) =>
    new TransactionInstruction({
      programId,
      keys,
      data: program.coder.instruction.encode(name, args),
    });
  /** A program-owned writable account of `len` zero bytes. */
  const scratchAccount = (len = 1024) => {
    const key = Keypair.generate().publicKey;
    chain.setAccount(key, {
      lamports: chain.minimumBalance(len),
      owner: programId,
      data: new Uint8Array(len),
    });
    return key;
  };
  return { chain, program, programId, ix, scratchAccount };
}

const ret = (r: TxResult) => {
  expectOk(r);
  if (!r.returnData) throw new Error("no return data");
  return r.returnData.data;
};

describe("header hygiene", () => {
  it("a file that includes gtx.h and a generated idl.h but uses nothing compiles with -Wall -Wextra -Werror", async () => {
    const c = path.join(scratch.dir, "unused.c");
    writeFileSync(c, '#include "generated/idl.h"\nuint64_t twice(uint64_t a) { return a * 2; }\n');
    await expect(
      compileC(c, path.join(scratch.dir, "unused.o"), [...CFLAGS, "-I", scratch.dir]),
    ).resolves.toBeUndefined();
  });
});

describe("gtx/math.h", () => {
  const { chain, ix } = setup();
  const OPS = {
    add: 0,
    sub: 1,
    mul: 2,
    div: 3,
    mulDivDown: 4,
    mulDivUp: 5,
    mulShr: 6,
    addI64: 7,
    subI64: 8,
    mulWide: 9,
  };
  const math = (op: number, a: bigint, b: bigint, c = 0n) => {
    const d = ret(chain.simulate(ix("math", { op, a: bn(a), b: bn(b), c: bn(c) })));
    return { ok: d[0] === 1, v: d.readBigUInt64LE(1), hi: d.readBigUInt64LE(9) };
  };
  const expectU64 = (got: { ok: boolean; v: bigint }, exact: bigint | null) => {
    if (exact === null || exact < 0n || exact > U64) expect(got.ok).toBe(false);
    else expect(got).toMatchObject({ ok: true, v: exact });
  };
  const divDown = (a: bigint, b: bigint, d: bigint) => (d === 0n ? null : (a * b) / d);
  const divUp = (a: bigint, b: bigint, d: bigint) => (d === 0n ? null : (a * b + d - 1n) / d);

  // A small deterministic PRNG (xorshift64*) so failures reproduce.
  let state = 0x9e3779b97f4a7c15n;
  const rand64 = () => {
    state ^= state >> 12n;
    state ^= (state << 25n) & U64;
    state ^= state >> 27n;
    return (state * 0x2545f4914f6cdd1dn) & U64;
  };
  const edge = [0n, 1n, 2n, 3n, 999n, 1000n, 1n << 32n, (1n << 32n) - 1n, 1n << 63n, U64 - 1n, U64];

  it("add/sub/mul/div: exact or refused at every u64 edge", () => {
    for (const a of edge)
      for (const b of edge) {
        expectU64(math(OPS.add, a, b), a + b);
        expectU64(math(OPS.sub, a, b), a - b);
        expectU64(math(OPS.mul, a, b), a * b);
        expectU64(math(OPS.div, a, b), b === 0n ? null : a / b);
      }
  });

  it("mul_div rounds down/up exactly, including when a*b overflows u64 (128-bit path)", () => {
    const cases: [bigint, bigint, bigint][] = [
      [1500n, 4_200_000n, 1000n], // 1.5 kWh at 4.2 THB/kWh
      [1n, 1n, 1000n],
      [U64, U64, U64],
      [U64, 2n, 4n],
      [U64, U64, U64 - 1n],
      [U64, 2n, 1n],
      [7n, 3n, 0n],
      [1n << 63n, 3n, 2n],
      [123456789012345n, 987654321098765n, 1000n],
    ];
    for (let i = 0; i < 60; i++)
      cases.push([rand64(), rand64() >> (rand64() % 64n), (rand64() >> (rand64() % 64n)) | 1n]);
    for (const [a, b, d] of cases) {
      expectU64(math(OPS.mulDivDown, a, b, d), divDown(a, b, d));
      expectU64(math(OPS.mulDivUp, a, b, d), divUp(a, b, d));
    }
  });

  it("mul_shr and mul_wide match 128-bit BigInt arithmetic", () => {
    for (const s of [0n, 1n, 32n, 63n, 64n, 100n, 127n]) {
      for (const [a, b] of [
        [U64, U64],
        [1n << 40n, 1n << 30n],
        [rand64(), rand64()],
      ] as [bigint, bigint][])
        expectU64(math(OPS.mulShr, a, b, s), (a * b) >> s);
    }
    expect(math(OPS.mulShr, 1n, 1n, 128n).ok).toBe(false);
    for (let i = 0; i < 20; i++) {
      const [a, b] = [rand64(), rand64()];
      const w = math(OPS.mulWide, a, b);
      expect((w.hi << 64n) | w.v).toBe(a * b);
    }
  });

  it("signed add/sub refuse i64 overflow", () => {
    const I64_MAX = (1n << 63n) - 1n;
    const I64_MIN = -(1n << 63n);
    const u = (x: bigint) => x & U64;
    const s = (x: bigint) => (x > I64_MAX ? x - (1n << 64n) : x);
    for (const a of [I64_MIN, -1n, 0n, 1n, I64_MAX])
      for (const b of [I64_MIN, -1n, 0n, 1n, I64_MAX]) {
        for (const [op, exact] of [
          [OPS.addI64, a + b],
          [OPS.subI64, a - b],
        ] as [number, bigint][]) {
          const r = math(op, u(a), u(b));
          if (exact < I64_MIN || exact > I64_MAX) expect(r.ok).toBe(false);
          else expect({ ok: r.ok, v: s(r.v) }).toEqual({ ok: true, v: exact });
        }
      }
  });

  it("an unknown op fails with the probe's own IDL error (BadOp 6000)", () => {
    expectAnchorError(
      chain.simulate(ix("math", { op: 99, a: bn(0), b: bn(0), c: bn(0) })),
      "BadOp",
      probeIdl as unknown as Idl,
    );
  });
});

describe("generated instruction decoders + gtx/borsh.h", () => {
  const { chain, ix, scratchAccount } = setup();
  const full = {
    flag: true,
    small: 255,
    signedSmall: -128,
    medium: 65535,
    signedMedium: -32768,
    word: 4294967295,
    signedWord: -2147483648,
    big: bn(U64),
    signedBig: bn(-(1n << 63n)),
    wide: bn((1n << 128n) - 1n),
    key: Keypair.generate().publicKey,
    name: "héllo ☀ GridTokenX",
    blob: Buffer.from([0, 1, 2, 254, 255]),
    fixed: [9, 8, 7, 6],
    maybeKey: Keypair.generate().publicKey,
    maybeNum: bn(42),
    kind: { gamma: {} },
    point: { x: bn(-5), y: bn("9223372036854775807"), tag: 7 },
  };
  const echo = (args: Record<string, unknown>) => {
    const i = ix("echo", args, [{ pubkey: scratchAccount(), isSigner: false, isWritable: true }]);
    return { sent: i.data.subarray(8), r: chain.simulate(i), i };
  };

  it("decode every arg kind and re-encode them to the same borsh bytes Anchor's coder wrote", () => {
    for (const args of [
      full,
      {
        ...full,
        maybeKey: null,
        maybeNum: null,
        name: "",
        blob: Buffer.alloc(0),
        kind: { alpha: {} },
        flag: false,
      },
    ]) {
      const { sent, r } = echo(args);
      expect(ret(r).equals(sent)).toBe(true);
    }
  });

  it("refuse malformed borsh: bad bool, bad option tag, enum out of range, invalid UTF-8, short or long data", () => {
    const { i } = echo(full);
    const d = i.data;
    const nameOff = 8 + 1 + 1 + 1 + 2 + 2 + 4 + 4 + 8 + 8 + 16 + 32; // u32 length of `name`
    const nameLen = d.readUInt32LE(nameOff);
    const blobOff = nameOff + 4 + nameLen;
    const optOff = blobOff + 4 + 5 + 4; // has_maybe_key tag
    const enumOff = optOff + 1 + 32 + 1 + 8;
    const mutate = (f: (b: Buffer) => Buffer) =>
      new TransactionInstruction({ ...i, data: f(Buffer.from(d)) });
    const cases: Buffer[] = [];
    const set = (off: number, v: number) => {
      const b = Buffer.from(d);
      b[off] = v;
      cases.push(b);
    };
    set(8, 2); // bool must be 0 or 1
    set(optOff, 2); // option tag
    set(enumOff, 3); // Kind has 3 variants
    set(nameOff + 4, 0xff); // invalid UTF-8 in a String
    cases.push(d.subarray(0, d.length - 1), Buffer.concat([d, Buffer.from([0])]));
    const huge = Buffer.from(d);
    huge.writeUInt32LE(0xfffffff0, nameOff); // length beyond the data
    cases.push(huge);
    for (const data of cases)
      expectAnchorError(
        chain.simulate(mutate(() => data)),
        "InstructionDidNotDeserialize",
        probeIdl as unknown as Idl,
      );
  });
});

describe("gtx/entrypoint.h deserialisation", () => {
  const { chain, ix, programId, scratchAccount } = setup();
  const read = (data: Buffer) => {
    let o = 0;
    const u64 = () => ((o += 8), data.readBigUInt64LE(o - 8));
    const key = () => ((o += 32), new PublicKey(data.subarray(o - 32, o)));
    const count = u64();
    const dataLen = u64();
    const program = key();
    const accounts = [];
    for (let i = 0; i < Math.min(Number(count), 24); i++) {
      const [signer, writable, executable] = [data[o]!, data[o + 1]!, data[o + 2]!];
      o += 3;
      accounts.push({
        signer: signer === 1,
        writable: writable === 1,
        executable: executable === 1,
        dataLen: u64(),
        lamports: u64(),
        key: key(),
        owner: key(),
      });
    }
    return { count, dataLen, program, accounts };
  };

  it("sees flags, keys, owners, lamports and data lengths; a duplicate account mirrors the first", () => {
    const other = chain.newKeypair(5_000_000n);
    const mint = createMint(chain, { authority: other.publicKey, decimals: 0 }); // 82 bytes: exercises padding
    const s = scratchAccount();
    const keys: AccountMeta[] = [
      { pubkey: other.publicKey, isSigner: true, isWritable: true },
      { pubkey: mint, isSigner: false, isWritable: false },
      { pubkey: other.publicKey, isSigner: true, isWritable: true }, // duplicate
      { pubkey: TOKEN_PROGRAM_ID, isSigner: false, isWritable: false },
      { pubkey: s, isSigner: false, isWritable: true },
    ];
    expectOk(chain.send(ix("inspect", {}, keys), [other]));
    const got = read(chain.getAccount(s)!.data);
    expect(got.count).toBe(5n);
    expect(got.dataLen).toBe(8n);
    expect(got.program.equals(programId)).toBe(true);
    const o = got.accounts[0]!;
    expect(o).toMatchObject({ signer: true, writable: true, executable: false, dataLen: 0n });
    expect(o.key.equals(other.publicKey)).toBe(true);
    expect(o.lamports).toBe(5_000_000n); // chain.payer pays the fee, `other` only signs
    expect(chain.balance(other.publicKey)).toBe(5_000_000n);
    expect(got.accounts[2]).toEqual(got.accounts[0]);
    expect(got.accounts[1]).toMatchObject({ signer: false, writable: false, dataLen: 82n });
    expect(got.accounts[1]!.owner.equals(TOKEN_PROGRAM_ID)).toBe(true);
    expect(got.accounts[3]).toMatchObject({ executable: true });
    expect(got.accounts[4]).toMatchObject({ writable: true, dataLen: 1024n });
  });

  it("keeps 24 account infos on the heap, counts accounts beyond that and still finds the instruction data", () => {
    const s = scratchAccount(4096);
    const mint = createMint(chain, { authority: chain.payer.publicKey, decimals: 0 });
    const pool = [
      mint,
      TOKEN_PROGRAM_ID,
      SystemProgram.programId,
      SYSVAR_CLOCK_PUBKEY,
      Keypair.generate().publicKey,
    ];
    const ro = (pubkey: PublicKey) => ({ pubkey, isSigner: false, isWritable: false });
    const keys: AccountMeta[] = [
      ...Array.from({ length: 23 }, (_, i) => ro(pool[i % pool.length]!)), // many duplicates
      { pubkey: s, isSigner: false, isWritable: true }, // index 23 = last stored (capacity 24)
      ...Array.from({ length: 7 }, (_, i) => ro(pool[i % pool.length]!)),
    ];
    expectOk(chain.send(ix("inspect", {}, keys)));
    const got = read(chain.getAccount(s)!.data);
    expect(got.count).toBe(31n);
    expect(got.dataLen).toBe(8n);
    expect(got.program.equals(programId)).toBe(true);
    expect(got.accounts).toHaveLength(24);
    got.accounts
      .slice(0, 23)
      .forEach((a, i) => expect(a.key.equals(pool[i % pool.length]!), `account ${i}`).toBe(true));
    expect(got.accounts[1]).toMatchObject({ executable: true }); // the token program
    expect(got.accounts[0]).toEqual(got.accounts[5]); // a duplicate mirrors its original
  });
});

describe("gtx/sysvar.h", () => {
  const { chain, ix } = setup();
  const rent = (dataLen: number, perByteYear = 0n, bits = 0n) => {
    const d = ret(
      chain.simulate(
        ix("rent", {
          dataLen: bn(dataLen),
          lamportsPerByteYear: bn(perByteYear),
          thresholdBits: bn(bits),
        }),
      ),
    );
    return {
      sysOk: d[0] === 1,
      sys: d.readBigUInt64LE(1),
      ok: d[9] === 1,
      v: d.readBigUInt64LE(10),
    };
  };
  const f64bits = (x: number) => {
    const b = Buffer.alloc(8);
    b.writeDoubleLE(x);
    return b.readBigUInt64LE();
  };
  /** floor(base * threshold) exactly, with threshold = the f64 as a dyadic rational. */
  const exact = (base: bigint, x: number) => {
    let num = x;
    let den = 1n;
    while (!Number.isInteger(num)) {
      num *= 2;
      den *= 2n;
    }
    return (base * BigInt(num)) / den;
  };

  it("the rent-exempt minimum equals the runtime's for every size", () => {
    for (const len of [0, 1, 49, 82, 165, 10_240]) {
      const r = rent(len);
      expect(r.sysOk).toBe(true);
      expect(r.sys).toBe(chain.minimumBalance(len));
    }
  });

  it("decodes the f64 exemption threshold exactly, without floating point", () => {
    for (const t of [2, 1, 0.5, 1.5, 3.25, 0, 1e-9, 1234.5]) {
      const r = rent(100, 3480n, f64bits(t));
      expect(r).toMatchObject({ ok: true, v: exact((128n + 100n) * 3480n, t) });
    }
    for (const t of [Number.NaN, Number.POSITIVE_INFINITY, -1])
      expect(rent(100, 3480n, f64bits(t)).ok).toBe(false);
    expect(rent(100, U64, f64bits(2)).ok).toBe(false); // overflow is refused, not wrapped
  });

  it("reads the Clock the harness warps", () => {
    chain.warpToSlot(1234n);
    chain.setUnixTimestamp(1_700_000_000n);
    const d = ret(chain.simulate(ix("clock", {})));
    expect(d.readBigUInt64LE(0)).toBe(1234n);
    expect(d.readBigInt64LE(8)).toBe(1_700_000_000n);
    chain.advanceTime(60);
    const d2 = ret(chain.simulate(ix("clock", {})));
    expect(d2.readBigInt64LE(8)).toBe(1_700_000_060n);
    expect(d2.readBigUInt64LE(0)).toBe(1234n + 150n);
  });
});

describe("gtx/token.h and gtx/system.h CPIs with a PDA signer", () => {
  for (const tokenProgram of [TOKEN_PROGRAM_ID, TOKEN_2022_PROGRAM_ID]) {
    it(`mint_to, transfer, transfer_checked, burn and close_account through ${tokenProgram.equals(TOKEN_PROGRAM_ID) ? "Token" : "Token-2022"}`, () => {
      const { chain, ix, programId } = setup();
      const [authority] = PublicKey.findProgramAddressSync([Buffer.from("authority")], programId);
      const user = chain.newKeypair();
      const mint = createMint(chain, { authority, decimals: 3, tokenProgram });
      const vault = createAta(chain, authority, mint, tokenProgram);
      const userAta = createAta(chain, user.publicKey, mint, tokenProgram);
      const token = (
        op: number,
        amount: bigint,
        first: PublicKey,
        second: PublicKey,
        decimals = 3,
      ) =>
        chain.send(
          ix("token", { op, amount: bn(amount), decimals }, [
            { pubkey: tokenProgram, isSigner: false, isWritable: false },
            { pubkey: mint, isSigner: false, isWritable: true },
            { pubkey: first, isSigner: false, isWritable: true },
            { pubkey: second, isSigner: false, isWritable: true },
            { pubkey: authority, isSigner: false, isWritable: false },
          ]),
        );
      expectOk(token(0, 1_000n, vault, userAta));
      expect(tokenBalance(chain, vault)).toBe(1_000n);
      expectOk(token(1, 300n, vault, userAta));
      expectOk(token(2, 100n, vault, userAta));
      expect(tokenBalance(chain, userAta)).toBe(400n);
      expect(token(2, 1n, vault, userAta, 2).ok).toBe(false); // wrong decimals: the token program refuses
      expectOk(token(3, 50n, vault, userAta));
      expect(mintSupply(chain, mint)).toBe(950n);
      expectOk(token(1, 550n, vault, userAta));
      const before = chain.balance(user.publicKey);
      const rentOfVault = chain.balance(vault);
      expectOk(token(4, 0n, vault, user.publicKey));
      expect(chain.getAccount(vault)).toBeNull();
      expect(chain.balance(user.publicKey)).toBe(before + rentOfVault);
      expect(tokenBalance(chain, userAta)).toBe(950n);
    });
  }

  it("refuses a token program that is not Token or Token-2022", () => {
    const { chain, ix, programId } = setup();
    const [authority] = PublicKey.findProgramAddressSync([Buffer.from("authority")], programId);
    const keys = [
      SystemProgram.programId,
      Keypair.generate().publicKey,
      Keypair.generate().publicKey,
      Keypair.generate().publicKey,
      authority,
    ].map((pubkey, i) => ({ pubkey, isSigner: false, isWritable: i > 0 && i < 4 }));
    expectAnchorError(
      chain.send(ix("token", { op: 0, amount: bn(1), decimals: 0 }, keys)),
      "InvalidProgramId",
      probeIdl as unknown as Idl,
    );
  });

  it("system transfer out of a system-owned PDA signed by its seeds", () => {
    const { chain, ix, programId } = setup();
    const [vault] = PublicKey.findProgramAddressSync([Buffer.from("vault")], programId);
    chain.airdrop(vault, 5_000_000n);
    const to = Keypair.generate().publicKey;
    expectOk(
      chain.send(
        ix("systemTransfer", { lamports: bn(1_000_000) }, [
          { pubkey: vault, isSigner: false, isWritable: true },
          { pubkey: to, isSigner: false, isWritable: true },
          { pubkey: SystemProgram.programId, isSigner: false, isWritable: false },
        ]),
      ),
    );
    expect(chain.balance(to)).toBe(1_000_000n);
    expect(chain.balance(vault)).toBe(4_000_000n);
  });
});

describe("gtx/ids.h, utf8, events, account accessors", () => {
  const { chain, program, ix, programId } = setup();

  it("well-known ids equal web3.js / spl-token constants", () => {
    const d = ret(chain.simulate(ix("ids", {})));
    const ids = Array.from({ length: 8 }, (_, i) =>
      new PublicKey(d.subarray(32 * i, 32 * i + 32)).toBase58(),
    );
    expect(ids).toEqual(
      [
        SystemProgram.programId,
        TOKEN_PROGRAM_ID,
        TOKEN_2022_PROGRAM_ID,
        ASSOCIATED_TOKEN_PROGRAM_ID,
        SYSVAR_CLOCK_PUBKEY,
        SYSVAR_INSTRUCTIONS_PUBKEY,
        Ed25519Program.programId,
        programId,
      ].map((k) => k.toBase58()),
    );
    expect(getAssociatedTokenAddressSync(programId, programId, true)).toBeInstanceOf(PublicKey);
  });

  it("gtx_utf8_valid agrees with a strict UTF-8 decoder", () => {
    const strict = new TextDecoder("utf-8", { fatal: true });
    const samples = [
      [],
      [0x41],
      [0xc3, 0xa9],
      [0xe2, 0x98, 0x80],
      [0xf0, 0x9f, 0x8c, 0x9e],
      [0xf4, 0x8f, 0xbf, 0xbf],
      [0xc0, 0x80],
      [0xe0, 0x80, 0x80],
      [0xed, 0xa0, 0x80],
      [0xf4, 0x90, 0x80, 0x80],
      [0xe2, 0x82],
      [0x80],
      [0xff],
      [0xc3],
      [0x41, 0xc3, 0xa9, 0x42],
      [0xf8, 0x88, 0x80, 0x80, 0x80],
    ];
    for (const s of samples) {
      let valid = true;
      try {
        strict.decode(Uint8Array.from(s));
      } catch {
        valid = false;
      }
      const d = ret(chain.simulate(ix("utf8", { data: Buffer.from(s) })));
      expect(d[0] === 1, `bytes ${JSON.stringify(s)}`).toBe(valid);
    }
  });

  it("the generated emitter writes one sol_log_data slice that Anchor's EventParser decodes", () => {
    const key = Keypair.generate().publicKey;
    const r = expectOk(
      chain.send(
        ix("emit", {
          key,
          flag: true,
          amount: bn("18446744073709551615"),
          kind: { beta: {} },
          point: { x: bn(-1), y: bn(2), tag: 3 },
        }),
      ),
    );
    const events = chain.events(program, r);
    expect(events).toHaveLength(1);
    const e = events[0]!;
    expect(e.name).toBe("probed");
    expect((e.data.key as PublicKey).equals(key)).toBe(true);
    expect(e.data.flag).toBe(true);
    expect(String(e.data.amount)).toBe("18446744073709551615");
    expect(e.data.kind).toEqual({ beta: {} });
    const p = e.data.point as { x: BigNum; y: BigNum; tag: number };
    expect([p.x.toString(), p.y.toString(), p.tag]).toEqual(["-1", "2", 3]);
  });

  it("generated account accessors (unaligned offsets) produce what Anchor's account coder decodes", () => {
    const len = Number(/#define PROBE_ACCOUNT_PROBE_STATE_LEN (\d+)/.exec(header)![1]);
    expect(len).toBe(8 + 1 + 32 + 8 + 2 + 1 + 17 + 3 + 16);
    const state = Keypair.generate().publicKey;
    chain.setAccount(state, {
      lamports: chain.minimumBalance(len),
      owner: programId,
      data: new Uint8Array(len),
    });
    const key = Keypair.generate().publicKey;
    const args = {
      flag: true,
      value: bn(-123456789),
      key,
      small: 65000,
      kind: { gamma: {} },
      point: { x: bn(7), y: bn(-7), tag: 9 },
      wide: bn("340282366920938463463374607431768211455"),
    };
    const r = expectOk(
      chain.send(ix("writeState", args, [{ pubkey: state, isSigner: false, isWritable: true }])),
    );
    expect(r.returnData?.data[0]).toBe(0); // every getter read back what the setter wrote
    const d = program.coder.accounts.decode<Record<string, unknown>>(
      "probeState",
      chain.getAccount(state)!.data,
    );
    expect(d.flag).toBe(true);
    expect((d.key as PublicKey).equals(key)).toBe(true);
    expect(String(d.value)).toBe("-123456789");
    expect(d.small).toBe(65000);
    expect(d.kind).toEqual({ gamma: {} });
    expect(d.raw).toEqual([1, 2, 3]);
    expect(String(d.wide)).toBe("340282366920938463463374607431768211455");
  });

  it("errors without a message log their name as the message, as Anchor does", () => {
    expect(header).toContain(
      '"AnchorError occurred. Error Code: NoMessage. Error Number: 6001. Error Message: NoMessage."',
    );
  });
});
