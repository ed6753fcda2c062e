import fs from "node:fs";
import path from "node:path";
import { LangErrorCode, LangErrorMessage } from "@coral-xyz/anchor";
import {
  SendTransactionError,
  SystemProgram,
  TransactionExpiredBlockheightExceededError,
} from "@solana/web3.js";
import { describe, expect, it } from "vitest";
import { counterIdl } from "~/programs/counter/idl/counter";
import { energyTokenIdl } from "~/programs/energy_token/idl/energy_token";
import { oracleIdl } from "~/programs/oracle/idl/oracle";
import { registryIdl } from "~/programs/registry/idl/registry";
import {
  chainErrorLogs,
  decodeChainError,
  isProgramRefusal,
  knownChainPrograms,
  UNKNOWN_CHAIN_ERROR,
  UNKNOWN_PROGRAM_ERROR,
} from "./chain-error";

interface RawIdl {
  address: string;
  metadata: { name: string };
  errors: { code: number; name: string; msg: string }[];
}
const IDLS = [registryIdl, energyTokenIdl, oracleIdl, counterIdl] as unknown as RawIdl[];
const REGISTRY = registryIdl.address;
const ENERGY = energyTokenIdl.address;
const SYSTEM = SystemProgram.programId.toBase58();

/** The log lines a failing top-level instruction of one of our programs writes. */
function failedLogs(programId: string, name: string, code: number, message: string): string[] {
  return [
    `Program ${programId} invoke [1]`,
    `Program log: Instruction: Something`,
    `Program log: AnchorError occurred. Error Code: ${name}. Error Number: ${code}. Error Message: ${message}.`,
    `Program ${programId} consumed 1234 of 200000 compute units`,
    `Program ${programId} failed: custom program error: 0x${code.toString(16)}`,
  ];
}

describe("decodeChainError: every program's IDL errors by name", () => {
  it.each(IDLS.map((idl) => [idl.metadata.name, idl] as const))("%s", (program, idl) => {
    expect(idl.errors.length).toBeGreaterThan(0);
    for (const e of idl.errors) {
      // The confirmation's error JSON plus the transaction's instruction program ids…
      const fromJson = decodeChainError(
        { InstructionError: [1, { Custom: e.code }] },
        { instructionProgramIds: [SYSTEM, idl.address] },
      );
      expect(fromJson, `${program} ${e.code}`).toMatchObject({
        kind: "program",
        program,
        programId: idl.address,
        code: e.code,
        name: e.name,
        message: e.msg,
        instructionIndex: 1,
      });
      // …and the logs alone say the same.
      const fromLogs = decodeChainError({ logs: failedLogs(idl.address, e.name, e.code, e.msg) });
      expect(fromLogs).toEqual({ ...fromJson, instructionIndex: 0 });
    }
  });

  it("names each program for people", () => {
    const labels = Object.fromEntries(knownChainPrograms().map((p) => [p.program, p.label]));
    expect(labels).toMatchObject({
      registry: "Registry",
      energy_token: "Energy Token",
      oracle: "Oracle",
      counter: "Counter",
    });
  });

  it("one number, three programs, three names", () => {
    const named = (programId: string) =>
      decodeChainError({ InstructionError: [0, { Custom: 6003 }] }, { instructionProgramIds: [programId] }).name;
    expect(named(REGISTRY)).toBe("InvalidMeterKey");
    expect(named(ENERGY)).toBe("ZeroAmount");
    expect(named(oracleIdl.address)).toBe("InvalidFeeder");
  });
});

describe("decodeChainError: Anchor's framework errors", () => {
  it("names a framework code returned by one of our programs", () => {
    const d = decodeChainError(
      { InstructionError: [0, { Custom: LangErrorCode.AccountNotSigner }] },
      { instructionProgramIds: [REGISTRY] },
    );
    expect(d).toMatchObject({
      kind: "framework",
      program: "registry",
      programLabel: "Registry",
      code: 3010,
      name: "AccountNotSigner",
      message: LangErrorMessage.get(3010),
    });
    expect(isProgramRefusal(d)).toBe(true);
  });

  it("knows every LangErrorCode (the table anchor_errors.h is generated from)", () => {
    for (const [name, code] of Object.entries(LangErrorCode as Record<string, number>)) {
      expect(decodeChainError(`custom program error: 0x${code.toString(16)}`, { programId: ENERGY }).name).toBe(name);
    }
  });
});

describe("decodeChainError: the failing program decides the name", () => {
  it("a custom code from a program we don't know is not named after ours", () => {
    const unknown = "Vote111111111111111111111111111111111111111";
    const d = decodeChainError(
      { InstructionError: [0, { Custom: 6003 }] },
      { instructionProgramIds: [unknown], programId: REGISTRY },
    );
    expect(d).toMatchObject({ kind: "unknown", name: UNKNOWN_PROGRAM_ERROR, code: 6003, programId: unknown, program: null });
    expect(d.message).not.toContain("InvalidMeterKey");
    expect(isProgramRefusal(d)).toBe(false);
  });

  it("the System program's code 0 is its own error, not one of our IDL's", () => {
    const logs = [
      `Program ${REGISTRY} invoke [1]`,
      `Program ${SYSTEM} invoke [2]`,
      `Allocate: account Address { address: x, base: None } already in use`,
      `Program ${SYSTEM} failed: custom program error: 0x0`,
      `Program ${REGISTRY} consumed 5000 of 200000 compute units`,
      `Program ${REGISTRY} failed: custom program error: 0x0`,
    ];
    const d = decodeChainError(
      { err: { InstructionError: [0, { Custom: 0 }] }, logs },
      { instructionProgramIds: [REGISTRY] },
    );
    expect(d).toMatchObject({ kind: "program", program: "system", name: "AccountAlreadyInUse", code: 0, programId: SYSTEM });
  });

  it("an inner program's error is named by the inner program (CPI)", () => {
    const logs = [
      `Program ${REGISTRY} invoke [1]`,
      `Program ${ENERGY} invoke [2]`,
      `Program log: AnchorError occurred. Error Code: ZeroAmount. Error Number: 6003. Error Message: x.`,
      `Program ${ENERGY} failed: custom program error: 0x1773`,
      `Program ${REGISTRY} failed: custom program error: 0x1773`,
    ];
    expect(decodeChainError({ logs }, { programId: REGISTRY })).toMatchObject({
      program: "energy_token",
      programLabel: "Energy Token",
      name: "ZeroAmount",
    });
  });

  it("counts top-level instructions in the logs for the failing index", () => {
    const logs = [
      `Program ${SYSTEM} invoke [1]`,
      `Program ${SYSTEM} success`,
      ...failedLogs(REGISTRY, "StaleReading", 6016, "x"),
    ];
    expect(decodeChainError({ logs })).toMatchObject({ name: "StaleReading", instructionIndex: 1 });
  });

  it("with no program anywhere, a bare code stays unnamed; the caller's program names it", () => {
    expect(decodeChainError({ InstructionError: [0, { Custom: 6016 }] }).name).toBe(UNKNOWN_PROGRAM_ERROR);
    expect(decodeChainError({ InstructionError: [0, { Custom: 6016 }] }, { programId: REGISTRY }).name).toBe(
      "StaleReading",
    );
  });

  it("an IDL code our program does not have is unknown, with the program's label", () => {
    const d = decodeChainError({ InstructionError: [0, { Custom: 6999 }] }, { instructionProgramIds: [REGISTRY] });
    expect(d).toMatchObject({ kind: "unknown", name: UNKNOWN_PROGRAM_ERROR, program: "registry", code: 6999 });
    expect(d.message).toContain("Registry");
  });
});

describe("decodeChainError: the shapes errors come in", () => {
  it("a thrown SendTransactionError from a failed preflight (message and logs)", () => {
    const logs = failedLogs(REGISTRY, "InvalidMeterKey", 6003, "m");
    const err = new SendTransactionError({
      action: "simulate",
      signature: "",
      transactionMessage: "Transaction simulation failed: Error processing Instruction 1: custom program error: 0x1773",
      logs,
    });
    expect(decodeChainError(err)).toMatchObject({ name: "InvalidMeterKey", program: "registry", instructionIndex: 1 });
    expect(chainErrorLogs(err)).toEqual(logs);
  });

  it("a SendTransactionError without logs: the message's index and the instruction ids", () => {
    const err = new SendTransactionError({
      action: "simulate",
      signature: "",
      transactionMessage: "Transaction simulation failed: Error processing Instruction 0: custom program error: 0x1770",
    });
    expect(decodeChainError(err, { instructionProgramIds: [oracleIdl.address] }).name).toBe("Unauthorized");
    expect(decodeChainError(err, { instructionProgramIds: [counterIdl.address] })).toMatchObject({
      program: "counter",
      name: "Overflow",
    });
  });

  it("a simulation result and a fetched transaction", () => {
    const logs = failedLogs(oracleIdl.address, "PriceStale", 6014, "m");
    const err = { InstructionError: [0, { Custom: 6014 }] };
    expect(decodeChainError({ value: { err, logs } }).name).toBe("PriceStale");
    expect(decodeChainError({ meta: { err, logMessages: logs } }).name).toBe("PriceStale");
  });

  it("an error wrapping another as cause", () => {
    const inner = Object.assign(new Error("failed"), { logs: failedLogs(REGISTRY, "MeterNotActive", 6007, "m") });
    expect(decodeChainError(new Error("outer", { cause: inner })).name).toBe("MeterNotActive");
  });

  it("a program that names its error in the logs although we have no table for it", () => {
    const other = "Other11111111111111111111111111111111111111";
    expect(decodeChainError({ logs: failedLogs(other, "SomethingWrong", 6000, "It went wrong") })).toMatchObject({
      kind: "program",
      program: null,
      programId: other,
      name: "SomethingWrong",
      message: "It went wrong",
    });
  });

  it("runtime errors: instruction and transaction level", () => {
    expect(
      decodeChainError({ InstructionError: [0, "InvalidAccountData"] }, { instructionProgramIds: [REGISTRY] }),
    ).toMatchObject({ kind: "runtime", name: "InvalidAccountData", program: "registry", code: null, instructionIndex: 0 });
    // Without a sentence of ours, agave's own text (lib/solana/tx-error.ts).
    expect(decodeChainError({ InstructionError: [2, "NotEnoughAccountKeys"] }).message).toBe(
      "Insufficient account keys for instruction",
    );
    expect(decodeChainError({ err: "AccountLoadedTwice" }).message).toBe("Account loaded twice");
    expect(decodeChainError({ err: "SomeFutureError" }).message).toBe("Some future error");
    expect(decodeChainError("BlockhashNotFound")).toMatchObject({ kind: "runtime", name: "BlockhashNotFound" });
    expect(decodeChainError({ err: "InsufficientFundsForFee" })).toMatchObject({ kind: "runtime", name: "InsufficientFundsForFee" });
    expect(decodeChainError({ InsufficientFundsForRent: { account_index: 2 } }).name).toBe("InsufficientFundsForRent");
    expect(
      decodeChainError(new Error("Attempt to debit an account but found no record of a prior credit.")).name,
    ).toBe("AccountNotFound");
    expect(decodeChainError(new TransactionExpiredBlockheightExceededError("5igna7ure")).name).toBe(
      "TransactionExpired",
    );
    expect(decodeChainError(new Error("Your session has expired")).name).toBe(UNKNOWN_CHAIN_ERROR);
    const ix = decodeChainError(
      new Error("Transaction simulation failed: Error processing Instruction 0: invalid account data for instruction. "),
    );
    expect(ix).toMatchObject({ kind: "runtime", instructionIndex: 0, message: "Invalid account data for instruction" });
  });
});

describe("decodeChainError: junk", () => {
  it.each<[string, unknown]>([
    ["undefined", undefined],
    ["null", null],
    ["a number", 42],
    ["an empty object", {}],
    ["a plain error", new Error("Something else broke")],
    ["a word", "hello"],
    ["a malformed InstructionError", { InstructionError: "x" }],
    ["a negative code", { InstructionError: [0, { Custom: -1 }] }],
    ["non-string logs", { logs: [1, null, { a: 1 }] }],
    ["a throwing getter", Object.defineProperty({}, "logs", { get: () => { throw new Error("boom"); } })],
    ["an array", [1, 2, 3]],
  ])("%s gives the generic answer", (_what, input) => {
    const d = decodeChainError(input, { programId: "not-an-address" });
    expect(d.name === UNKNOWN_CHAIN_ERROR || d.name === UNKNOWN_PROGRAM_ERROR).toBe(true);
    expect(isProgramRefusal(d)).toBe(false);
    expect(typeof d.message).toBe("string");
  });

  it("a cycle of causes ends", () => {
    const a: { cause?: unknown; message: string } = { message: "a" };
    a.cause = a;
    expect(decodeChainError(a).name).toBe(UNKNOWN_CHAIN_ERROR);
  });
});

describe("lib/solana/chain-error.ts is browser-safe", () => {
  it("imports no node:* module and uses no Buffer", () => {
    const code = fs
      .readFileSync(path.join(__dirname, "chain-error.ts"), "utf8")
      .replace(/\/\*[\s\S]*?\*\/|\/\/.*$/gm, "");
    expect(code).not.toMatch(/from\s+["']node:/);
    expect(code).not.toMatch(/\bBuffer\b/);
  });
});
