/**
 * Assertions for program tests. They throw plain Errors with the transaction logs attached, so
 * they work under vitest and anywhere else (a script may drive TestChain too).
 */
import { AnchorError, LangErrorCode, LangErrorMessage, type Idl } from "@coral-xyz/anchor";
import { PublicKey } from "@solana/web3.js";
import type { AccountState, TestChain, TxResult } from "./chain";
import { customErrorCode } from "~/lib/solana/tx-error";

const withLogs = (msg: string, r: TxResult) =>
  new Error(`${msg}\n--- logs ---\n${r.logs.join("\n")}`);

export function expectOk(r: TxResult): TxResult {
  if (!r.ok) throw withLogs(`expected success, got ${JSON.stringify(r.err)}`, r);
  return r;
}

/** Resolves an error name from the IDL's `errors` or Anchor's framework errors to code + message. */
export function lookupError(name: string, idl?: Idl): { code: number; msg: string } {
  const own = idl?.errors?.find(
    (e) => e.name === name || e.name === name[0]!.toLowerCase() + name.slice(1),
  );
  if (own) return { code: own.code, msg: own.msg ?? own.name };
  const code = (LangErrorCode as Record<string, number>)[name];
  if (code === undefined)
    throw new Error(`unknown error name ${name}: not in the IDL and not an Anchor framework error`);
  return { code, msg: LangErrorMessage.get(code) ?? name };
}

/**
 * Expects the transaction to have failed in instruction `index` (default: any) with the named
 * error: the custom code in the InstructionError, the exact AnchorError log line, and Anchor's
 * own client parser agreeing on name and number.
 */
export function expectAnchorError(
  r: TxResult,
  name: string,
  idl?: Idl,
  opts: { index?: number } = {},
): void {
  const { code, msg } = lookupError(name, idl);
  if (r.ok) throw withLogs(`expected error ${name} (${code}), but the transaction succeeded`, r);
  const got = customErrorCode(r.err);
  if (got !== code)
    throw withLogs(`expected error ${name} (${code}), got ${JSON.stringify(r.err)}`, r);
  if (opts.index !== undefined) {
    const err = r.err as { InstructionError: [number, unknown] };
    if (err.InstructionError[0] !== opts.index)
      throw withLogs(
        `expected the error in instruction ${opts.index}, got ${err.InstructionError[0]}`,
        r,
      );
  }
  const line = `Program log: AnchorError occurred. Error Code: ${name}. Error Number: ${code}. Error Message: ${msg}.`;
  if (!r.logs.includes(line)) throw withLogs(`missing log line: ${line}`, r);
  const parsed = AnchorError.parse(r.logs);
  if (parsed?.error.errorCode.code !== name || parsed.error.errorCode.number !== code)
    throw withLogs(`Anchor's AnchorError.parse did not recognise ${name} (${code})`, r);
}

/** Expects a failure with the given agave-JSON error, e.g. {InstructionError:[0,"MissingRequiredSignature"]}. */
export function expectTxError(r: TxResult, expected: unknown): void {
  if (r.ok)
    throw withLogs(`expected error ${JSON.stringify(expected)}, but the transaction succeeded`, r);
  if (JSON.stringify(r.err) !== JSON.stringify(expected))
    throw withLogs(`expected error ${JSON.stringify(expected)}, got ${JSON.stringify(r.err)}`, r);
}

/**
 * Compute-unit budget: fails when a transaction used more than `max` (a regression) - and, if
 * given, fewer than `min` (a sign the code path changed, e.g. an early exit).
 */
export function expectCu(r: TxResult, budget: { max: number; min?: number }): number {
  if (r.computeUnits > budget.max)
    throw withLogs(`used ${r.computeUnits} CU, over the pinned budget of ${budget.max}`, r);
  if (budget.min !== undefined && r.computeUnits < budget.min)
    throw withLogs(`used ${r.computeUnits} CU, under the expected minimum of ${budget.min}`, r);
  return r.computeUnits;
}

function same(a: AccountState | null, b: AccountState | null): boolean {
  if (!a || !b) return a === b;
  return (
    a.lamports === b.lamports &&
    a.owner.equals(b.owner) &&
    a.executable === b.executable &&
    a.data.equals(b.data)
  );
}

const show = (a: AccountState | null) =>
  a
    ? `{lamports ${a.lamports}, owner ${a.owner.toBase58()}, data ${a.data.toString("hex")}}`
    : "missing";

/** Expects every account in `before` (from chain.snapshot) to be exactly as it was. */
export function expectUnchanged(chain: TestChain, before: Map<string, AccountState | null>): void {
  for (const [key, was] of before) {
    const now = chain.getAccount(new PublicKey(key));
    if (!same(was, now))
      throw new Error(`account ${key} changed:\n  was ${show(was)}\n  now ${show(now)}`);
  }
}
