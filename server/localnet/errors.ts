/**
 * JSON-RPC errors of the local chain: the codes (the standard ones plus agave's server errors)
 * and the error the handlers throw. Transaction errors are lib/solana/tx-error.ts.
 */

/** JSON-RPC error codes (the standard ones plus agave's server errors). */
export const RpcCode = {
  ParseError: -32700,
  InvalidRequest: -32600,
  MethodNotFound: -32601,
  InvalidParams: -32602,
  InternalError: -32603,
  PreflightFailure: -32002,
  SignatureVerificationFailure: -32003,
  BlockNotAvailable: -32004,
  NodeUnhealthy: -32005,
  MinContextSlotNotReached: -32016,
} as const;

export class RpcError extends Error {
  constructor(
    readonly code: number,
    message: string,
    readonly data?: unknown,
  ) {
    super(message);
  }
}

export function invalidParams(detail: string): RpcError {
  return new RpcError(RpcCode.InvalidParams, `Invalid params: ${detail}`);
}
