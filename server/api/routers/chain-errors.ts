/**
 * Chain failures as AppErrors: a program refusal keeps its IDL error name in the message and in
 * `details.chainError` (CONFLICT: the chain state does not allow it); anything transient or
 * unreachable is CHAIN_UNAVAILABLE.
 */
import { AppError } from "~/server/errors";
import { toChainTxError } from "~/server/solana/tx";

export function chainFailure(err: unknown, what: string): AppError {
  if (err instanceof AppError) return err;
  const e = toChainTxError(err);
  if (e.errorName) {
    return new AppError("CONFLICT", `${what} refused on chain: ${e.errorName}`, {
      cause: err,
      details: { chainError: e.errorName, chainErrorCode: e.errorCode },
    });
  }
  return new AppError("CHAIN_UNAVAILABLE", `${what}: the Solana RPC did not complete the request`, { cause: err });
}
