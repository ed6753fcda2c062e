/**
 * One decoder for why a Solana transaction failed, shared by the browser and the server:
 * `decodeChainError(err, context?)` → `{ kind, program, code, name, message, … }`.
 *
 * It knows every one of our programs' IDL errors (the table is built from the IDL objects, so a
 * new error in an IDL is known without touching this file), Anchor's framework errors (our C
 * programs use the same numbers: programs/include/gtx/anchor_errors.h is generated from the same
 * LangErrorCode), the System and Token programs' custom errors, and the runtime's instruction and
 * transaction errors (names and agave's text from ./tx-error.ts). A custom code is named only by
 * the table of the program that returned it: 6003 is InvalidMeterKey in the Registry but
 * ZeroAmount in Energy Token, and means nothing we know in a program we don't know. Which program failed comes from the logs
 * ("Program <id> failed: …"), else from the failing instruction's index in the transaction
 * (`context.instructionProgramIds`), else from `context.programId`.
 *
 * Browser-safe on purpose (no node:* modules, no Buffer): the wallet flow decodes in the page.
 */
import { LangErrorCode, LangErrorMessage } from "@coral-xyz/anchor";
import { counterIdl } from "~/programs/counter/idl/counter";
import { energyTokenIdl } from "~/programs/energy_token/idl/energy_token";
import { oracleIdl } from "~/programs/oracle/idl/oracle";
import { registryIdl } from "~/programs/registry/idl/registry";
import { txErrorText } from "./tx-error";

export type ChainErrorKind =
  /** A program's own error (its IDL, or the System / Token program's error enum). */
  | "program"
  /** One of Anchor's framework errors (100–5999), returned by one of our Anchor-format programs. */
  | "framework"
  /** The runtime refused the instruction or the transaction (no custom code). */
  | "runtime"
  /** Nothing recognisable: not a chain error, or a custom code of a program we can't name. */
  | "unknown";

export interface DecodedChainError {
  kind: ChainErrorKind;
  /** "registry", "energy_token", "oracle", "counter", "system", "spl_token"; null if not ours. */
  program: string | null;
  /** For people: "Registry", "Energy Token", "System program", … */
  programLabel: string | null;
  /** The failing program's address, when the logs, the instruction index or the caller said. */
  programId: string | null;
  /** The custom program error number (6016, 3010, 1), null for runtime errors. */
  code: number | null;
  /** Stable name: "StaleReading", "AccountNotSigner", "InsufficientFundsForFee", or UNKNOWN_* */
  name: string;
  message: string;
  /** The failing instruction's index in the transaction, when known. */
  instructionIndex: number | null;
}

/** Names for what the decoder cannot name, stable for callers to branch on. */
export const UNKNOWN_PROGRAM_ERROR = "UnknownProgramError";
export const UNKNOWN_CHAIN_ERROR = "UnknownChainError";

type AddressLike = string | { toBase58(): string };

export interface ChainErrorContext {
  /** Program id of each instruction of the failed transaction, in order. */
  instructionProgramIds?: readonly AddressLike[];
  /** The program the caller called, for when neither the logs nor an instruction index say. */
  programId?: AddressLike;
}

// --- the tables ------------------------------------------------------------------------------

interface ErrorEntry {
  name: string;
  message: string;
}

interface ProgramTable {
  program: string;
  label: string;
  /** Anchor-format programs also return Anchor's framework errors. */
  anchor: boolean;
  errors: ReadonlyMap<number, ErrorEntry>;
}

/** The fields of an IDL this needs; the generated types camelCase names the raw JSON keeps. */
interface IdlErrors {
  address: string;
  metadata: { name: string };
  errors?: readonly { code: number; name: string; msg?: string }[];
}

const labelOf = (idlName: string) =>
  idlName
    .split("_")
    .map((w) => w.charAt(0).toUpperCase() + w.slice(1))
    .join(" ");

function idlTable(idl: IdlErrors): [string, ProgramTable] {
  const errors = new Map<number, ErrorEntry>();
  for (const e of idl.errors ?? []) errors.set(e.code, { name: e.name, message: e.msg ?? e.name });
  return [idl.address, { program: idl.metadata.name, label: labelOf(idl.metadata.name), anchor: true, errors }];
}

function enumTable(program: string, label: string, entries: [string, string][]): ProgramTable {
  return {
    program,
    label,
    anchor: false,
    errors: new Map(entries.map(([name, message], code) => [code, { name, message }])),
  };
}

// solana-program's SystemError, in discriminant order.
const SYSTEM_ERRORS = enumTable("system", "System program", [
  ["AccountAlreadyInUse", "An account with the same address already exists"],
  ["ResultWithNegativeLamports", "The account does not have enough SOL for this"],
  ["InvalidProgramId", "Cannot assign the account to this program id"],
  ["InvalidAccountDataLength", "Cannot allocate account data of this length"],
  ["MaxSeedLengthExceeded", "The seed is longer than the maximum"],
  ["AddressWithSeedMismatch", "The address does not match the derivation from the seed"],
  ["NonceNoRecentBlockhashes", "Advancing the stored nonce requires a populated RecentBlockhashes sysvar"],
  ["NonceBlockhashNotExpired", "The stored nonce is still in recent_blockhashes"],
  ["NonceUnexpectedBlockhashValue", "The nonce account's recent blockhash does not match"],
]);

// spl-token's TokenError, in discriminant order (Token-2022 keeps the same first codes).
const TOKEN_ERROR_LIST: [string, string][] = [
  ["NotRentExempt", "Lamport balance below the rent-exempt threshold"],
  ["InsufficientFunds", "Insufficient token funds"],
  ["InvalidMint", "Invalid mint"],
  ["MintMismatch", "The account is not associated with this mint"],
  ["OwnerMismatch", "The owner does not match"],
  ["FixedSupply", "This token's supply is fixed and new tokens cannot be minted"],
  ["AlreadyInUse", "The account or token is already in use"],
  ["InvalidNumberOfProvidedSigners", "Invalid number of provided signers"],
  ["InvalidNumberOfRequiredSigners", "Invalid number of required signers"],
  ["UninitializedState", "The state is uninitialized"],
  ["NativeNotSupported", "The instruction does not support native tokens"],
  ["NonNativeHasBalance", "A non-native account can only be closed if its balance is zero"],
  ["InvalidInstruction", "Invalid instruction"],
  ["InvalidState", "The state is invalid for the requested operation"],
  ["Overflow", "The operation overflowed"],
  ["AuthorityTypeNotSupported", "The account does not support the specified authority type"],
  ["MintCannotFreeze", "This token mint cannot freeze accounts"],
  ["AccountFrozen", "The account is frozen; all account operations will fail"],
  ["MintDecimalsMismatch", "The mint's decimals do not match the caller's"],
  ["NonNativeNotSupported", "The instruction does not support non-native tokens"],
];

const OUR_IDLS = [registryIdl, energyTokenIdl, oracleIdl, counterIdl] as unknown as IdlErrors[];

const PROGRAMS: ReadonlyMap<string, ProgramTable> = new Map([
  ...OUR_IDLS.map(idlTable),
  ["11111111111111111111111111111111", SYSTEM_ERRORS],
  ["TokenkegQfeZyiNwAJbNbGKPFXCWuBvf9Ss623VQ5DA", enumTable("spl_token", "Token program", TOKEN_ERROR_LIST)],
  ["TokenzQdBNbLqP5VEhdkAS6EPFLC1PHnBqCXEpPxuEb", enumTable("spl_token_2022", "Token-2022 program", TOKEN_ERROR_LIST)],
]);

const FRAMEWORK_ERRORS: ReadonlyMap<number, ErrorEntry> = new Map(
  Object.entries(LangErrorCode as Record<string, number>).map(([name, code]) => [
    code,
    { name, message: LangErrorMessage.get(code) ?? name },
  ]),
);

/** The programs whose errors the decoder names, by address (for tests and tooling). */
export function knownChainPrograms(): { programId: string; program: string; label: string; codes: number[] }[] {
  return [...PROGRAMS].map(([programId, t]) => ({
    programId,
    program: t.program,
    label: t.label,
    codes: [...t.errors.keys()],
  }));
}

// Runtime errors people actually meet get a sentence; the rest read from their name.
const RUNTIME_TEXT: Record<string, string> = {
  AccountNotFound: "The fee payer has no SOL yet (no record of a prior credit)",
  InsufficientFundsForFee: "Insufficient funds for the transaction fee",
  InsufficientFundsForRent: "An account would be left with too little SOL for rent",
  InsufficientFunds: "Insufficient funds for the instruction",
  BlockhashNotFound: "The transaction's blockhash expired before it landed",
  TransactionExpired: "The transaction expired before it was confirmed",
  AlreadyProcessed: "This transaction has already been processed",
  SignatureFailure: "A signature did not verify",
  MissingRequiredSignature: "A required signature is missing",
  ComputationalBudgetExceeded: "The transaction ran out of compute units",
  ProgramAccountNotFound: "The program does not exist on this network",
  InvalidAccountData: "Invalid account data for the instruction",
  AccountAlreadyInitialized: "The account already exists",
  UninitializedAccount: "The instruction requires an initialized account",
};

const humanize = (name: string) => {
  const words = name.replace(/([a-z0-9])([A-Z])/g, "$1 $2").toLowerCase();
  return words.charAt(0).toUpperCase() + words.slice(1);
};

// --- reading the evidence out of whatever was thrown ------------------------------------------

interface Evidence {
  logs: string[];
  texts: string[];
  txErr: unknown;
}

const isRecord = (x: unknown): x is Record<string, unknown> => typeof x === "object" && x !== null;

function stringArray(x: unknown): string[] | null {
  return Array.isArray(x) && x.length > 0 ? x.filter((l): l is string => typeof l === "string") : null;
}

/** CamelCase of two words or more, as the runtime's error names are. */
const RUNTIME_NAME = /^[A-Z][a-z0-9]+(?:[A-Z][a-z0-9]*)+$/;

function looksLikeTxErr(x: unknown): boolean {
  if (typeof x === "string") return RUNTIME_NAME.test(x);
  return isRecord(x) && Object.keys(x).length === 1 && /^[A-Z]/.test(Object.keys(x)[0]!);
}

function gather(err: unknown): Evidence {
  const ev: Evidence = { logs: [], texts: [], txErr: undefined };
  let cur: unknown = err;
  for (let depth = 0; depth < 5 && cur !== undefined && cur !== null; depth++) {
    if (typeof cur === "string") {
      // A bare string is a message, unless it is a runtime error's name ("BlockhashNotFound").
      if (ev.txErr === undefined && RUNTIME_NAME.test(cur)) ev.txErr = cur;
      else ev.texts.push(cur);
      break;
    }
    if (!isRecord(cur)) break;
    if (ev.txErr === undefined && looksLikeTxErr(cur)) ev.txErr = cur;
    const value = isRecord(cur.value) ? cur.value : undefined;
    const meta = isRecord(cur.meta) ? cur.meta : undefined;
    const txError = isRecord(cur.transactionError) ? cur.transactionError : undefined;
    if (ev.logs.length === 0) {
      ev.logs =
        stringArray(cur.logs) ??
        stringArray(cur.transactionLogs) ??
        stringArray(txError?.logs) ??
        stringArray(value?.logs) ??
        stringArray(meta?.logMessages) ??
        [];
    }
    if (ev.txErr === undefined) {
      for (const candidate of [cur.err, value?.err, meta?.err]) {
        if (candidate !== undefined && candidate !== null && looksLikeTxErr(candidate)) {
          ev.txErr = candidate;
          break;
        }
      }
    }
    for (const t of [cur.message, cur.transactionMessage, txError?.message]) {
      if (typeof t === "string" && t) ev.texts.push(t);
    }
    cur = cur.cause ?? cur.error;
  }
  return ev;
}

interface LogFacts {
  /** The first "Program <id> failed: …" line: the innermost program that failed. */
  failedProgram: string | null;
  failedText: string | null;
  /** The failing top-level instruction, counted from the depth-1 invokes. */
  instructionIndex: number | null;
  anchor: { programId: string | null; name: string; code: number; message: string } | null;
}

const INVOKE = /^Program (\w+) invoke \[(\d+)\]$/;
const SUCCESS = /^Program (\w+) success$/;
const FAILED = /^Program (\w+) failed: (.*)$/;
const ANCHOR_LOG = /^Program log: AnchorError\b.*?Error Code: (\w+)\. Error Number: (\d+)\. Error Message: (.*?)\.?$/;

function readLogs(logs: readonly string[]): LogFacts {
  const facts: LogFacts = { failedProgram: null, failedText: null, instructionIndex: null, anchor: null };
  const stack: string[] = [];
  let topLevel = -1;
  for (const line of logs) {
    let m = INVOKE.exec(line);
    if (m) {
      if (m[2] === "1") topLevel++;
      stack.push(m[1]!);
      continue;
    }
    if (SUCCESS.test(line)) {
      stack.pop();
      continue;
    }
    m = FAILED.exec(line);
    if (m) {
      if (facts.failedProgram === null) {
        facts.failedProgram = m[1]!;
        facts.failedText = m[2]!;
        facts.instructionIndex = topLevel >= 0 ? topLevel : null;
      }
      stack.pop();
      continue;
    }
    m = ANCHOR_LOG.exec(line);
    if (m && facts.anchor === null) {
      facts.anchor = { programId: stack.at(-1) ?? null, name: m[1]!, code: Number(m[2]), message: m[3]! };
    }
  }
  return facts;
}

const CUSTOM_TEXT = /custom program error: 0x([0-9a-f]+)/i;
const INDEX_TEXT = /Error processing Instruction (\d+): ([^\n]*?)(?:\.\s|\.?$|\s*\n)/i;
const CUSTOM_JSON = /"InstructionError":\[(\d+),\{"Custom":(\d+)\}\]/;
const RUNTIME_JSON = /"InstructionError":\[(\d+),"(\w+)"\]/;

const TEXT_PATTERNS: [RegExp, string][] = [
  [/blockhash not found/i, "BlockhashNotFound"],
  [/no record of a prior credit/i, "AccountNotFound"],
  [/insufficient funds for fee/i, "InsufficientFundsForFee"],
  [/insufficient funds for rent/i, "InsufficientFundsForRent"],
  [/already been processed|AlreadyProcessed/i, "AlreadyProcessed"],
  [/block height exceeded|signature \w+ has expired/i, "TransactionExpired"],
  [/signature verification failed/i, "SignatureFailure"],
];

function asCode(x: unknown): number | null {
  return typeof x === "number" && Number.isInteger(x) && x >= 0 && x <= 0xffffffff ? x : null;
}

function address(x: AddressLike | undefined): string | null {
  if (typeof x === "string") return x || null;
  try {
    return x ? x.toBase58() : null;
  } catch {
    return null;
  }
}

// --- decoding ---------------------------------------------------------------------------------

function generic(partial: Partial<DecodedChainError> = {}): DecodedChainError {
  return {
    kind: "unknown",
    program: null,
    programLabel: null,
    programId: null,
    code: null,
    name: UNKNOWN_CHAIN_ERROR,
    message: "The transaction failed",
    instructionIndex: null,
    ...partial,
  };
}

function programError(
  programId: string | null,
  code: number,
  instructionIndex: number | null,
  logged: LogFacts["anchor"],
): DecodedChainError {
  const table = programId ? PROGRAMS.get(programId) : undefined;
  const base = {
    program: table?.program ?? null,
    programLabel: table?.label ?? null,
    programId,
    code,
    instructionIndex,
  };
  const own = table?.errors.get(code);
  if (own) return { ...base, kind: "program", ...own };
  const framework = table?.anchor ? FRAMEWORK_ERRORS.get(code) : undefined;
  if (framework) return { ...base, kind: "framework", ...framework };
  // A program we have no table for may still have named its error in an Anchor log line.
  if (!table && logged?.code === code) {
    const kind = FRAMEWORK_ERRORS.get(code)?.name === logged.name ? "framework" : "program";
    return { ...base, kind, name: logged.name, message: logged.message };
  }
  return {
    ...base,
    kind: "unknown",
    name: UNKNOWN_PROGRAM_ERROR,
    message: `${table ? `The ${table.label}` : "The program"} refused the transaction (error ${code})`,
  };
}

function runtimeError(name: string, programId: string | null, instructionIndex: number | null, text?: string): DecodedChainError {
  const table = programId ? PROGRAMS.get(programId) : undefined;
  return {
    kind: "runtime",
    program: table?.program ?? null,
    programLabel: table?.label ?? null,
    programId,
    code: null,
    name,
    message: RUNTIME_TEXT[name] ?? capitalise(text ?? agaveText(name, instructionIndex)),
    instructionIndex,
  };
}

const capitalise = (text: string) => text.charAt(0).toUpperCase() + text.slice(1);

/** Agave's own Display text for a runtime error name (lib/solana/tx-error.ts), else the name in words. */
function agaveText(name: string, instructionIndex: number | null): string {
  if (instructionIndex !== null) {
    const full = txErrorText({ InstructionError: [instructionIndex, name] });
    const text = full.slice(full.indexOf(": ") + 2);
    if (text !== name) return text;
  } else {
    const text = txErrorText(name);
    if (text !== name) return text;
  }
  return humanize(name);
}

function decode(err: unknown, context: ChainErrorContext): DecodedChainError {
  const ev = gather(err);
  const facts = readLogs(ev.logs);
  const text = ev.texts.join("\n");

  // The failing instruction and its error, from the structured error first, then the text.
  let index: number | null = null;
  let custom: number | null = null;
  let runtimeName: string | null = null;
  let runtimeText: string | undefined;
  const txErr = ev.txErr;
  if (isRecord(txErr) && Array.isArray(txErr.InstructionError)) {
    const [i, inner] = txErr.InstructionError as unknown[];
    index = asCode(i);
    if (isRecord(inner) && "Custom" in inner) custom = asCode(inner.Custom);
    else if (typeof inner === "string" && /^\w+$/.test(inner)) runtimeName = inner;
    else if (isRecord(inner) && Object.keys(inner).length === 1) runtimeName = Object.keys(inner)[0]!;
  } else if (typeof txErr === "string") {
    runtimeName = txErr;
  } else if (isRecord(txErr) && !("InstructionError" in txErr)) {
    runtimeName = Object.keys(txErr)[0]!;
  }
  if (custom === null && runtimeName === null) {
    const json = CUSTOM_JSON.exec(text);
    const rt = RUNTIME_JSON.exec(text);
    const idx = INDEX_TEXT.exec(text);
    const hex = CUSTOM_TEXT.exec(text) ?? (facts.failedText ? CUSTOM_TEXT.exec(facts.failedText) : null);
    if (json) {
      index = Number(json[1]);
      custom = Number(json[2]);
    } else if (hex) {
      custom = parseInt(hex[1]!, 16);
      if (idx) index = Number(idx[1]);
    } else if (rt) {
      index = Number(rt[1]);
      runtimeName = rt[2]!;
    } else if (idx) {
      index = Number(idx[1]);
      runtimeText = idx[2];
    }
  }
  index ??= facts.instructionIndex;

  const ids = context.instructionProgramIds;
  const programId =
    facts.failedProgram ??
    facts.anchor?.programId ??
    (index !== null && ids?.[index] !== undefined ? address(ids[index]) : null) ??
    address(context.programId);

  // The logs' own error number wins when it comes from the failing program itself.
  const anchor = facts.anchor && (!facts.failedProgram || facts.anchor.programId === facts.failedProgram) ? facts.anchor : null;
  if (anchor && (custom === null || custom === anchor.code)) custom = anchor.code;
  if (custom !== null) return programError(programId, custom, index, anchor);

  if (runtimeName) return runtimeError(runtimeName, index !== null ? programId : null, index, runtimeText);
  if (facts.failedText) return runtimeError("InstructionError", programId, index, facts.failedText);
  if (runtimeText !== undefined) return runtimeError("InstructionError", programId, index, runtimeText);
  for (const [pattern, name] of TEXT_PATTERNS) if (pattern.test(text)) return runtimeError(name, null, null);
  return generic();
}

/**
 * Why a transaction failed. `err` is anything a send, simulation or confirmation produced: a
 * thrown SendTransactionError (or any error with `logs` / `transactionLogs`), a simulation or
 * confirmation result (`{ err, logs }`, `{ value: { err, logs } }`, a fetched transaction's
 * `{ meta: { err, logMessages } }`), the bare error JSON (`{ InstructionError: [0, { Custom: 6016 }] }`,
 * `"BlockhashNotFound"`) or an error message. Never throws; anything unrecognisable is
 * `{ kind: "unknown", name: UNKNOWN_CHAIN_ERROR }`.
 */
export function decodeChainError(err: unknown, context: ChainErrorContext = {}): DecodedChainError {
  try {
    return decode(err, context);
  } catch {
    return generic();
  }
}

/** A program's own or framework error: the chain state or input refused it, not the network. */
export function isProgramRefusal(d: DecodedChainError): boolean {
  return d.kind === "program" || d.kind === "framework";
}

/** The log lines carried by a thrown send/simulation error or a result, [] when none. */
export function chainErrorLogs(err: unknown): string[] {
  try {
    return gather(err).logs;
  } catch {
    return [];
  }
}
