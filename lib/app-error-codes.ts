/**
 * The app's stable, machine-readable error codes, shared by the server (server/errors.ts) and the
 * browser. This file has no server dependencies on purpose: the UI imports it to branch on
 * `code` instead of matching message text.
 *
 * Each code maps to one tRPC error code, which tRPC turns into the HTTP status listed here. Route
 * handlers outside tRPC (meter gateway, crons) answer with the same `httpStatus`.
 */

export type TrpcErrorCodeName =
  | "BAD_REQUEST"
  | "UNAUTHORIZED"
  | "FORBIDDEN"
  | "NOT_FOUND"
  | "CONFLICT"
  | "PAYLOAD_TOO_LARGE"
  | "UNSUPPORTED_MEDIA_TYPE"
  | "UNPROCESSABLE_CONTENT"
  | "TOO_MANY_REQUESTS"
  | "INTERNAL_SERVER_ERROR"
  | "SERVICE_UNAVAILABLE";

interface AppErrorCodeInfo {
  trpcCode: TrpcErrorCodeName;
  httpStatus: number;
  /** Short meaning; also the default message. */
  meaning: string;
}

const BAD_REQUEST = { trpcCode: "BAD_REQUEST", httpStatus: 400 } as const;
const UNAUTHORIZED = { trpcCode: "UNAUTHORIZED", httpStatus: 401 } as const;

export const APP_ERROR_CODES = {
  VALIDATION_FAILED: { ...BAD_REQUEST, meaning: "The input is invalid; see the field errors." },
  UNAUTHENTICATED: { ...UNAUTHORIZED, meaning: "Sign in first (no valid session)." },
  FORBIDDEN: {
    trpcCode: "FORBIDDEN",
    httpStatus: 403,
    meaning: "Signed in, but this role may not do that.",
  },
  ACCOUNT_SUSPENDED: {
    trpcCode: "FORBIDDEN",
    httpStatus: 403,
    meaning: "This account is suspended.",
  },
  NOT_FOUND: { trpcCode: "NOT_FOUND", httpStatus: 404, meaning: "No such resource." },
  CONFLICT: {
    trpcCode: "CONFLICT",
    httpStatus: 409,
    meaning: "The request conflicts with the current state.",
  },
  RATE_LIMITED: {
    trpcCode: "TOO_MANY_REQUESTS",
    httpStatus: 429,
    meaning: "Too many requests; retry after the window resets.",
  },
  AUTH_MESSAGE_MALFORMED: {
    ...BAD_REQUEST,
    meaning: "The sign-in message is not in the exact format the server issues.",
  },
  AUTH_ADDRESS_MISMATCH: {
    ...UNAUTHORIZED,
    meaning: "The message names a different account than the public key.",
  },
  AUTH_WRONG_DOMAIN: { ...UNAUTHORIZED, meaning: "The message was issued for another domain." },
  AUTH_WRONG_CLUSTER: {
    ...UNAUTHORIZED,
    meaning: "The message names another Solana cluster (chain id or genesis hash).",
  },
  AUTH_MESSAGE_EXPIRED: { ...UNAUTHORIZED, meaning: "The sign-in message has expired." },
  AUTH_MESSAGE_NOT_YET_VALID: {
    ...UNAUTHORIZED,
    meaning: "The message's issue time is in the future.",
  },
  AUTH_BAD_SIGNATURE: {
    ...UNAUTHORIZED,
    meaning: "The signature does not verify for this message and public key.",
  },
  AUTH_NONCE_UNKNOWN: {
    ...UNAUTHORIZED,
    meaning: "The nonce was never issued to this account (request a new challenge).",
  },
  AUTH_NONCE_USED: { ...UNAUTHORIZED, meaning: "The nonce was already used to sign in." },
  // auth.signIn with newAccount: "ask", for a wallet without an account. The signature was valid
  // and nothing was written (the nonce is still unused): send the same message and signature
  // again with what is missing.
  AUTH_SIGN_UP_REQUIRED: {
    trpcCode: "UNPROCESSABLE_CONTENT",
    httpStatus: 422,
    meaning: "This wallet has no account yet: choose a role and a display name to create it.",
  },
  AUTH_SIGN_UP_NAME_REQUIRED: {
    trpcCode: "UNPROCESSABLE_CONTENT",
    httpStatus: 422,
    meaning:
      "This wallet has no account yet: choose a display name to create it (its role is set by the platform).",
  },
  CHAIN_UNAVAILABLE: {
    trpcCode: "SERVICE_UNAVAILABLE",
    httpStatus: 503,
    meaning: "The Solana RPC could not be reached.",
  },
  // Meter gateway (POST /api/meters/submit, /api/meters/submit-batch); see server/meters/README.md.
  MALFORMED_JSON: { ...BAD_REQUEST, meaning: "The body is not well-formed UTF-8 JSON." },
  UNSUPPORTED_MEDIA_TYPE: {
    trpcCode: "UNSUPPORTED_MEDIA_TYPE",
    httpStatus: 415,
    meaning: "Send the body as application/json.",
  },
  PAYLOAD_TOO_LARGE: {
    trpcCode: "PAYLOAD_TOO_LARGE",
    httpStatus: 413,
    meaning: "The request body is larger than this endpoint accepts.",
  },
  BATCH_TOO_LARGE: {
    trpcCode: "PAYLOAD_TOO_LARGE",
    httpStatus: 413,
    meaning: "The batch holds more readings than the maximum.",
  },
  READING_BAD_SIGNATURE: {
    ...UNAUTHORIZED,
    meaning: "The signature does not verify for this reading and public key.",
  },
  METER_UNKNOWN: {
    trpcCode: "NOT_FOUND",
    httpStatus: 404,
    meaning: "No meter with this id is registered.",
  },
  METER_INACTIVE: {
    trpcCode: "FORBIDDEN",
    httpStatus: 403,
    meaning: "The meter is not active (pending activation or suspended).",
  },
  METER_KEY_MISMATCH: {
    trpcCode: "FORBIDDEN",
    httpStatus: 403,
    meaning: "The public key is not the meter's registered key.",
  },
  READING_CLOCK_SKEW: {
    trpcCode: "UNPROCESSABLE_CONTENT",
    httpStatus: 422,
    meaning: "The reading's timestamp is too far in the future.",
  },
  READING_STALE: {
    trpcCode: "UNPROCESSABLE_CONTENT",
    httpStatus: 422,
    meaning: "The reading's timestamp is older than the gateway accepts.",
  },
  READING_NOT_NEWER: {
    trpcCode: "CONFLICT",
    httpStatus: 409,
    meaning:
      "The reading is not newer than the meter's last accepted reading (nothing is lost: the newer reading's registers already count its energy).",
  },
  READING_CONFLICT: {
    trpcCode: "CONFLICT",
    httpStatus: 409,
    meaning: "A different reading is already stored for this meter and timestamp.",
  },
  READING_OVER_CAPACITY: {
    trpcCode: "UNPROCESSABLE_CONTENT",
    httpStatus: 422,
    meaning:
      "The production register grew by more than the meter's rated capacity allows over the elapsed time.",
  },
  READING_REGISTER_DECREASED: {
    trpcCode: "UNPROCESSABLE_CONTENT",
    httpStatus: 422,
    meaning:
      "A register is lower than in the meter's previous reading: registers are cumulative (a replaced meter is registered as a new meter).",
  },
  READING_BEFORE_ACTIVATION: {
    trpcCode: "UNPROCESSABLE_CONTENT",
    httpStatus: 422,
    meaning:
      "The meter's first reading after activation (its baseline) is older than the activation.",
  },
  STORE_UNAVAILABLE: {
    trpcCode: "SERVICE_UNAVAILABLE",
    httpStatus: 503,
    meaning:
      "The database could not be written; retry (a retry of a stored reading answers duplicate).",
  },
  // Cron routes (/api/cron/mint, /api/cron/index): callers are schedulers, not people. A failed
  // pass is logged on the server; the answer names only which pass failed.
  CRON_UNAUTHORIZED: {
    ...UNAUTHORIZED,
    meaning: "Missing or wrong cron secret (send Authorization: Bearer CRON_SECRET).",
  },
  MINT_POLLER_FAILED: {
    trpcCode: "SERVICE_UNAVAILABLE",
    httpStatus: 503,
    meaning:
      "The mint poller pass failed (chain or database unreachable); readings stay queued for the next pass.",
  },
  INDEXER_FAILED: {
    trpcCode: "SERVICE_UNAVAILABLE",
    httpStatus: 503,
    meaning: "The indexer could not start or finish its catch-up pass; the next call retries.",
  },
  BRIDGE_FAILED: {
    trpcCode: "SERVICE_UNAVAILABLE",
    httpStatus: 503,
    meaning:
      "The bridge service pass failed (THB chain, Solana RPC or database unreachable, or the service is misconfigured); deposits and withdrawals stay queued for the next pass.",
  },
  MATCHER_FAILED: {
    trpcCode: "SERVICE_UNAVAILABLE",
    httpStatus: 503,
    meaning:
      "The matcher pass failed (Solana RPC or database unreachable); orders stay on the book for the next pass.",
  },
  ORACLE_FEED_FAILED: {
    trpcCode: "SERVICE_UNAVAILABLE",
    httpStatus: 503,
    meaning:
      "The oracle feeder pass failed (Solana RPC unreachable, the feeder key is not a listed feeder, or the configured prices break the Oracle's limits); the next pass retries.",
  },
  // The THB chain (the simulator in development; server/api/routers/thb-dev.ts).
  THB_CHAIN_NOT_CONFIGURED: {
    trpcCode: "SERVICE_UNAVAILABLE",
    httpStatus: 503,
    meaning:
      "No THB-chain simulator is configured on this server (THB_CHAIN_URL); local THB accounts exist only in development.",
  },
  THB_CHAIN_UNAVAILABLE: {
    trpcCode: "SERVICE_UNAVAILABLE",
    httpStatus: 503,
    meaning: "The THB chain could not be reached.",
  },
  INTERNAL: {
    trpcCode: "INTERNAL_SERVER_ERROR",
    httpStatus: 500,
    meaning: "Unexpected server error.",
  },
} as const satisfies Record<string, AppErrorCodeInfo>;

export type AppErrorCode = keyof typeof APP_ERROR_CODES;

export const APP_ERROR_CODE_LIST = Object.keys(APP_ERROR_CODES) as AppErrorCode[];

export function isAppErrorCode(x: unknown): x is AppErrorCode {
  return typeof x === "string" && Object.hasOwn(APP_ERROR_CODES, x);
}

/** What `data.appError` carries on the wire. */
export interface AppErrorPayload {
  code: AppErrorCode;
  message: string;
}

/** Field → messages, as produced by zod's flattenError (`data.zodError`). */
export interface ZodErrorPayload {
  formErrors: string[];
  fieldErrors: Record<string, string[] | undefined>;
}

export interface ParsedAppError {
  code: AppErrorCode;
  message: string;
  /** Present for VALIDATION_FAILED: messages per input field. */
  fieldErrors?: Record<string, string[] | undefined>;
  httpStatus: number;
}

function isRecord(x: unknown): x is Record<string, unknown> {
  return typeof x === "object" && x !== null;
}

function fieldErrorsFromIssues(issues: unknown[]): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const issue of issues) {
    if (!isRecord(issue) || !Array.isArray(issue.path) || typeof issue.message !== "string")
      continue;
    const key = issue.path.length ? String(issue.path[0]) : "";
    (out[key] ??= []).push(issue.message);
  }
  return out;
}

/**
 * Turns anything thrown by a tRPC call (a TRPCClientError on the client, a TRPCError from a
 * server-side caller) into `{ code, message, fieldErrors? }`. Unknown shapes become INTERNAL so
 * the UI always has a code to branch on.
 */
export function parseAppError(err: unknown): ParsedAppError {
  const data = isRecord(err)
    ? isRecord(err.data)
      ? err.data
      : isRecord(err.shape) && isRecord(err.shape.data)
        ? err.shape.data
        : undefined
    : undefined;
  const appError = data && isRecord(data.appError) ? data.appError : undefined;
  const zodError = data && isRecord(data.zodError) ? data.zodError : undefined;
  // A server-side caller throws the TRPCError itself; input errors carry the ZodError as cause.
  const issues =
    isRecord(err) && isRecord(err.cause) && Array.isArray(err.cause.issues)
      ? (err.cause.issues as unknown[])
      : undefined;
  const fieldErrors =
    zodError && isRecord(zodError.fieldErrors)
      ? (zodError.fieldErrors as Record<string, string[] | undefined>)
      : issues
        ? fieldErrorsFromIssues(issues)
        : undefined;

  let code: AppErrorCode = "INTERNAL";
  if (appError && isAppErrorCode(appError.code)) code = appError.code;
  else if (zodError || issues) code = "VALIDATION_FAILED";
  else if (isRecord(err) && isRecord(err.cause) && isAppErrorCode(err.cause.appCode)) {
    // A server-side caller: the AppError itself (or a TRPCError wrapping it).
    code = err.cause.appCode;
  } else if (isRecord(err) && isAppErrorCode(err.appCode)) code = err.appCode;

  const message =
    appError && typeof appError.message === "string"
      ? appError.message
      : err instanceof Error && code !== "INTERNAL"
        ? err.message
        : APP_ERROR_CODES[code].meaning;
  return {
    code,
    message,
    ...(fieldErrors ? { fieldErrors } : {}),
    httpStatus: APP_ERROR_CODES[code].httpStatus,
  };
}
