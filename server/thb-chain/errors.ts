/**
 * The THB chain's error codes: stable, machine-readable, one HTTP status each. Every refusal is
 * decided before anything changes, so an error never leaves a partial write behind.
 */
export const THB_CHAIN_ERRORS = {
  INVALID_INPUT: 400,
  MALFORMED_JSON: 400,
  INVALID_ADDRESS: 400,
  INVALID_SIGNATURE: 400,
  SELF_TRANSFER: 400,
  TRANSFER_NOT_FOUND: 404,
  NOT_FOUND: 404,
  METHOD_NOT_ALLOWED: 405,
  INSUFFICIENT_FUNDS: 409,
  NONCE_USED: 409,
  NONCE_TOO_HIGH: 409,
  DUPLICATE_TRANSFER: 409,
  BALANCE_OVERFLOW: 409,
  REORG_TOO_DEEP: 409,
  TEST_KNOBS_DISABLED: 403,
  PAYLOAD_TOO_LARGE: 413,
  UNSUPPORTED_MEDIA_TYPE: 415,
  MEMPOOL_FULL: 503,
  UNAVAILABLE: 503,
  INTERNAL: 500,
} as const;

export type ThbChainErrorCode = keyof typeof THB_CHAIN_ERRORS;

export class ThbChainError extends Error {
  override readonly name = "ThbChainError";
  constructor(
    readonly code: ThbChainErrorCode,
    message: string,
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
  }

  get status(): number {
    return THB_CHAIN_ERRORS[this.code];
  }
}

export function isThbChainErrorCode(code: unknown): code is ThbChainErrorCode {
  return typeof code === "string" && Object.hasOwn(THB_CHAIN_ERRORS, code);
}
