/**
 * Turns what a tRPC call or a wallet throws into one sentence a person can act on. The server
 * attaches `data.appError = { code, message }` (stable codes) and `data.zodError` (input
 * problems) to its errors; wallets throw WalletError subclasses wrapping the extension's error.
 */
import { isAppErrorCode, type AppErrorCode } from "~/lib/app-error-codes";

export interface AppErrorInfo {
  code: AppErrorCode;
  message: string;
}

/** Readable text per stable server code (lib/app-error-codes.ts); every code has one. */
const APP_ERROR_TEXT: Record<AppErrorCode, string> = {
  VALIDATION_FAILED: "Some details were not accepted. Check them and try again.",
  UNAUTHENTICATED: "You're not signed in (or your session ended). Sign in with your wallet.",
  FORBIDDEN: "Your account isn't allowed to do that.",
  ACCOUNT_SUSPENDED: "This account is suspended. Contact the platform operator.",
  NOT_FOUND: "That item doesn't exist (any more).",
  CONFLICT: "That conflicts with a change made in the meantime. Reload and try again.",
  RATE_LIMITED: "Too many attempts in a short time. Wait a minute and try again.",
  AUTH_MESSAGE_MALFORMED:
    "The signed message isn't the one this site issued, so you were not signed in. Start again.",
  AUTH_ADDRESS_MISMATCH:
    "The message was signed for a different wallet address. Start sign-in again with this wallet.",
  AUTH_WRONG_DOMAIN:
    "The sign-in message names a different site. Make sure you are on the right address.",
  AUTH_WRONG_CLUSTER:
    "The sign-in message is for a different Solana network than this app runs on.",
  AUTH_MESSAGE_EXPIRED: "The sign-in request expired before it was signed. Start sign-in again.",
  AUTH_MESSAGE_NOT_YET_VALID:
    "The sign-in message's time is in the future. Check your computer's clock and try again.",
  AUTH_BAD_SIGNATURE:
    "The signature doesn't match this wallet's address, so you were not signed in. Try again.",
  AUTH_NONCE_UNKNOWN: "This sign-in request is no longer valid. Start sign-in again.",
  AUTH_NONCE_USED: "This sign-in request was already used. Start sign-in again.",
  AUTH_SIGN_UP_REQUIRED:
    "Welcome! Choose how you'll use GridTokenX and a display name to create your account.",
  AUTH_SIGN_UP_NAME_REQUIRED: "Welcome! Choose a display name to create your account.",
  CHAIN_UNAVAILABLE: "The Solana network can't be reached right now. Try again in a moment.",
  // Meter gateway codes (meters post readings directly; the UI rarely shows these).
  MALFORMED_JSON: "The request was not well-formed JSON.",
  UNSUPPORTED_MEDIA_TYPE: "The request was not sent as JSON.",
  PAYLOAD_TOO_LARGE: "The request is too large.",
  BATCH_TOO_LARGE: "Too many readings in one batch.",
  READING_BAD_SIGNATURE: "The reading's signature doesn't match the meter key.",
  METER_UNKNOWN: "No meter with this id is registered.",
  METER_INACTIVE: "This meter is not active yet (or is suspended).",
  METER_KEY_MISMATCH: "The key is not this meter's registered key.",
  READING_CLOCK_SKEW: "The reading's time is in the future. Check the meter's clock.",
  READING_STALE: "The reading is too old to be accepted.",
  READING_NOT_NEWER: "A newer reading from this meter was already accepted.",
  READING_CONFLICT: "A different reading for this meter and time is already stored.",
  READING_OVER_CAPACITY: "The reading exceeds what the meter's rated capacity can produce.",
  READING_REGISTER_DECREASED: "A meter register went backwards: registers only ever grow.",
  READING_BEFORE_ACTIVATION: "The meter's first reading is older than its activation.",
  STORE_UNAVAILABLE: "The reading could not be saved right now. Try again in a moment.",
  CRON_UNAUTHORIZED: "That background job needs the platform's cron secret.",
  MINT_POLLER_FAILED: "Minting couldn't run just now; the readings stay queued. Try again in a moment.",
  INDEXER_FAILED: "The chain indexer couldn't catch up just now. Try again in a moment.",
  ORACLE_FEED_FAILED: "The oracle feeder couldn't publish the reference prices just now; the next pass retries.",
  BRIDGE_FAILED: "The bridge couldn't run just now; deposits and withdrawals stay queued. Try again in a moment.",
  MATCHER_FAILED: "The matcher couldn't run just now; orders stay on the book for the next pass.",
  THB_CHAIN_NOT_CONFIGURED:
    "Local THB accounts exist only in development, with the THB-chain simulator running (THB_CHAIN_URL).",
  THB_CHAIN_UNAVAILABLE: "The THB chain isn't reachable right now. Try again in a moment.",
  INTERNAL: "Something went wrong on the server. Try again in a moment.",
};

const TRPC_CODE_TEXT: Record<string, string> = {
  UNAUTHORIZED: "Sign in with your wallet to continue.",
  FORBIDDEN: "Your account isn't allowed to do that.",
  TOO_MANY_REQUESTS: "Too many attempts in a short time. Wait a minute and try again.",
  BAD_REQUEST: "The request was not accepted.",
  NOT_FOUND: "That item doesn't exist (any more).",
  TIMEOUT: "The server took too long to answer. Try again.",
  INTERNAL_SERVER_ERROR: "Something went wrong on the server. Try again in a moment.",
};

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null;
}

function errorData(error: unknown): Record<string, unknown> | null {
  if (!isRecord(error)) return null;
  const data = error.data;
  if (isRecord(data)) return data;
  // TRPCClientError keeps the raw shape on `shape.data` too.
  const shape = error.shape;
  if (isRecord(shape) && isRecord(shape.data)) return shape.data;
  return null;
}

export function getAppError(error: unknown): AppErrorInfo | null {
  const appError = errorData(error)?.appError;
  if (isRecord(appError) && isAppErrorCode(appError.code)) {
    return {
      code: appError.code,
      message: typeof appError.message === "string" ? appError.message : appError.code,
    };
  }
  return null;
}

export function getTrpcCode(error: unknown): string | null {
  const code = errorData(error)?.code;
  return typeof code === "string" ? code : null;
}

export function isUnauthorizedError(error: unknown): boolean {
  const app = getAppError(error);
  if (app?.code === "UNAUTHENTICATED") return true;
  return getTrpcCode(error) === "UNAUTHORIZED";
}

/** zod's flattened field errors as "field: problem" lines. */
function zodSummary(error: unknown): string | null {
  const zod = errorData(error)?.zodError;
  if (!isRecord(zod)) return null;
  const parts: string[] = [];
  const fieldErrors = zod.fieldErrors;
  if (isRecord(fieldErrors)) {
    for (const [field, problems] of Object.entries(fieldErrors)) {
      if (Array.isArray(problems) && typeof problems[0] === "string") {
        parts.push(`${field}: ${problems[0]}`);
      }
    }
  }
  const formErrors = zod.formErrors;
  if (Array.isArray(formErrors)) {
    for (const p of formErrors) if (typeof p === "string") parts.push(p);
  }
  return parts.length ? `Some details were not accepted — ${parts.join("; ")}.` : null;
}

/** A wallet extension that refused (the user pressed Cancel/Reject). */
export function isUserRejection(error: unknown): boolean {
  let current: unknown = error;
  for (let depth = 0; depth < 4 && isRecord(current); depth++) {
    if (current.code === 4001) return true;
    const message = typeof current.message === "string" ? current.message : "";
    if (/reject|denied|declined|cancel/i.test(message)) return true;
    current = current.error ?? current.cause;
  }
  return false;
}

function isNetworkError(error: unknown): boolean {
  if (!isRecord(error)) return false;
  const message = typeof error.message === "string" ? error.message : "";
  return /failed to fetch|networkerror|load failed|fetch failed/i.test(message);
}

/** One readable sentence for any error the UI shows. */
export function describeError(
  error: unknown,
  fallback = "Something went wrong. Try again.",
): string {
  const zod = zodSummary(error);
  if (zod) return zod;
  const app = getAppError(error);
  if (app?.code === "RATE_LIMITED") {
    const seconds = /(\d+)\s*s\b/.exec(app.message)?.[1];
    if (seconds) return `Too many attempts in a short time. Try again in ${seconds} seconds.`;
  }
  if (app) return APP_ERROR_TEXT[app.code];
  const code = getTrpcCode(error);
  if (code && TRPC_CODE_TEXT[code]) return TRPC_CODE_TEXT[code];
  if (isNetworkError(error)) return "Can't reach the GridTokenX server. Check your connection.";
  return fallback;
}
