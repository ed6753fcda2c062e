/**
 * Readable text for a failed user transaction: a wallet rejection, a program refusal by its IDL
 * error name (from the logs or the custom error code), or anything else.
 */
import { registryIdl } from "~/programs/registry/idl/registry";
import { describeError, isUserRejection } from "~/lib/trpc/errors";
import { describeWalletError } from "~/lib/wallet-errors";

const ANCHOR_LOG = /Error Code: (\w+)\. Error Number: (\d+)\. Error Message: ([^.]+)/;
const CUSTOM = /custom program error: 0x([0-9a-f]+)/i;

function logsOf(error: unknown): string[] {
  const e = error as { logs?: unknown; transactionLogs?: unknown } | null;
  const logs = e?.logs ?? e?.transactionLogs;
  return Array.isArray(logs) ? logs.filter((l): l is string => typeof l === "string") : [];
}

/** The IDL name of a program error in a failed transaction, with its message. */
export function programErrorOf(error: unknown): { name: string; message: string } | null {
  for (const line of logsOf(error)) {
    const m = ANCHOR_LOG.exec(line);
    if (m) return { name: m[1]!, message: m[3]! };
  }
  const text = [String((error as Error | null)?.message ?? ""), ...logsOf(error)].join("\n");
  const c = CUSTOM.exec(text);
  if (c) {
    const code = parseInt(c[1]!, 16);
    const known = registryIdl.errors.find((e) => e.code === code);
    if (known) return { name: known.name, message: known.msg };
    return { name: `error ${code}`, message: "The program refused the transaction" };
  }
  return null;
}

export function describeTxError(error: unknown): string {
  if (isUserRejection(error)) return "You declined the transaction in your wallet. Nothing was sent.";
  const program = programErrorOf(error);
  if (program) return `The Registry refused it: ${program.name} — ${program.message}.`;
  const name = (error as { name?: unknown } | null)?.name;
  if (typeof name === "string" && name.startsWith("Wallet")) return describeWalletError(error);
  if (error instanceof Error && /insufficient|debit an account|no record of a prior credit/i.test(error.message)) {
    return "Your wallet has no SOL to pay the transaction fee and account rent. Fund it with a little SOL first.";
  }
  return describeError(error, error instanceof Error ? error.message : "The transaction failed.");
}
