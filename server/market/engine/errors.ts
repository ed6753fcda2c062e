/**
 * The engine's one error type. `code` is stable (tests, the matcher and logs match on it); the
 * message is for people and may change.
 */
export const ENGINE_ERROR_CODES = {
  INVALID_TICK_SIZE: "the tick size is not a positive integer (bigint)",
  INVALID_FEE_BPS: "fee_bps is not an integer (bigint) in 0..10,000",
  INVALID_ORDER_ID: "an order id is not a base58 order address",
  INVALID_OWNER: "an owner is not a base58 address",
  INVALID_SIDE: 'a side is not "buy" or "sell"',
  INVALID_PRICE: "a limit price is not a positive u64 (bigint)",
  OFF_TICK: "a limit price is not a multiple of the tick size",
  INVALID_AMOUNT: "an amount of Wh is not a positive u64 (bigint)",
  INVALID_TIME: "a time is not an i64 of unix seconds (bigint), or a sequence not a u64",
  INVALID_EXPIRY: "an order expires at or before it was created",
  INVALID_MAX_FILLS: "maxFills is not a positive safe integer",
  INVALID_DEPTH: "a snapshot depth is not a positive safe integer",
  DUPLICATE_ORDER: "an order with this id is already in the book",
  UNKNOWN_ORDER: "no order with this id is in the book",
  WRONG_SIDE: "a fill names a sell order as the buy or a buy order as the sell",
  OVERFILL: "a fill is larger than what remains of an order",
  INVALID_GREEN: "green / greenOnly is not a boolean, or green is set on a buy or greenOnly on a sell",
} as const;

export type EngineErrorCode = keyof typeof ENGINE_ERROR_CODES;

export class EngineError extends Error {
  readonly code: EngineErrorCode;
  /** Which field or order, for logs; never secret. */
  readonly details: Readonly<Record<string, string>> | undefined;

  constructor(code: EngineErrorCode, message?: string, details?: Record<string, string>) {
    super(message ?? ENGINE_ERROR_CODES[code]);
    this.name = "EngineError";
    this.code = code;
    this.details = details;
  }
}
