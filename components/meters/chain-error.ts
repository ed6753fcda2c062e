/**
 * Readable text for a failed Registry transaction of the Meters page: the generic wallet-tx text
 * (components/wallet/wallet-tx.ts), with the Registry as the program a bare custom code belongs
 * to when the error itself does not say (e.g. "custom program error: 0x1773" with no logs).
 */
import { decodeChainError, isProgramRefusal, UNKNOWN_PROGRAM_ERROR } from "~/lib/solana/chain-error";
import { REGISTRY_PROGRAM_ID } from "~/programs/registry/idl/registry";
import { describeWalletTxError } from "~/components/wallet/wallet-tx";

const REGISTRY = { programId: REGISTRY_PROGRAM_ID };

/** The IDL name of a program error in a failed transaction, with its message. */
export function programErrorOf(error: unknown): { name: string; message: string } | null {
  const d = decodeChainError(error, REGISTRY);
  if (isProgramRefusal(d)) return { name: d.name, message: d.message };
  if (d.name === UNKNOWN_PROGRAM_ERROR && d.code !== null) {
    return { name: `error ${d.code}`, message: "The program refused the transaction" };
  }
  return null;
}

export function describeTxError(error: unknown): string {
  return describeWalletTxError(error, REGISTRY);
}
