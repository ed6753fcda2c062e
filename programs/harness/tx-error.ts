/**
 * LiteSVM's transaction errors -> the JSON shape agave's RPC uses (and web3.js / Anchor parse),
 * e.g. {"InstructionError":[0,{"Custom":6000}]} or "BlockhashNotFound".
 * LiteSVM's numeric enums are `const enum`s with no runtime object; the name tables (in the order
 * of litesvm 1.5's internal.d.ts) live in server/localnet/errors.ts.
 */
import type { FailedTransactionMetadata } from "litesvm";
import {
  InstructionErrorCustom,
  TransactionErrorDuplicateInstruction,
  TransactionErrorInstructionError,
  TransactionErrorInsufficientFundsForRent,
  TransactionErrorProgramExecutionTemporarilyRestricted,
} from "litesvm/dist/internal";
import { IX_ERROR_NAMES, TX_ERROR_NAMES } from "~/server/localnet/errors";

// The fieldless error names by discriminant: one table, shared with the local chain's RPC.
const INSTRUCTION_ERRORS = IX_ERROR_NAMES;
const TRANSACTION_ERRORS = TX_ERROR_NAMES;

export type InstructionErrorJson = string | { Custom: number } | { BorshIoError: string };
export type TransactionErrorJson =
  | string
  | { InstructionError: [number, InstructionErrorJson] }
  | { DuplicateInstruction: number }
  | { InsufficientFundsForRent: { account_index: number } }
  | { ProgramExecutionTemporarilyRestricted: { account_index: number } };

function instructionError(
  e: ReturnType<TransactionErrorInstructionError["err"]>,
): InstructionErrorJson {
  if (typeof e === "number") return INSTRUCTION_ERRORS[e] ?? `UnknownInstructionError(${e})`;
  if (e instanceof InstructionErrorCustom) return { Custom: e.code };
  return { BorshIoError: e.toString() };
}

/** Converts FailedTransactionMetadata.err() into agave's JSON error. */
export function transactionErrorJson(
  err: ReturnType<FailedTransactionMetadata["err"]>,
): TransactionErrorJson {
  if (typeof err === "number") return TRANSACTION_ERRORS[err] ?? `UnknownTransactionError(${err})`;
  if (err instanceof TransactionErrorInstructionError)
    return { InstructionError: [err.index, instructionError(err.err())] };
  if (err instanceof TransactionErrorDuplicateInstruction)
    return { DuplicateInstruction: err.index };
  if (err instanceof TransactionErrorInsufficientFundsForRent)
    return { InsufficientFundsForRent: { account_index: err.accountIndex } };
  if (err instanceof TransactionErrorProgramExecutionTemporarilyRestricted)
    return { ProgramExecutionTemporarilyRestricted: { account_index: err.accountIndex } };
  return String(err);
}

/** The custom error code of an InstructionError, if that is what `err` is. */
export function customErrorCode(err: TransactionErrorJson | null): number | null {
  if (!err || typeof err !== "object" || !("InstructionError" in err)) return null;
  const inner = err.InstructionError[1];
  return typeof inner === "object" && "Custom" in inner ? inner.Custom : null;
}
