/**
 * Which failures to apply a chain transaction are worth waiting out, and which mean the
 * transaction cannot be applied as things are (so it is dead-lettered and indexing goes on).
 *
 * Retried later, never dead-lettered (the pass fails and the next pass starts over):
 *  - conflicts: deadlock / serialization failure (db/retry.ts retries those at once, a few times);
 *  - the database or the chain being unreachable or overloaded: SQLSTATE classes 08 (connection),
 *    53 (insufficient resources), 57 (operator intervention, e.g. shutdown, statement timeout),
 *    58 (system error), 55P03 (lock not available), and socket/driver errors (ECONNREFUSED,
 *    postgres.js CONNECTION_CLOSED, a closed PGlite, …).
 * Everything else — a constraint violation, a bad value, an event the code cannot decode — would
 * fail the same way on every try, so after DEAD_LETTER_AFTER_ATTEMPTS it goes to
 * indexer_dead_letters.
 */
import { isConflictError, sqlState } from "~/db/retry";

/** Attempts (in one pass, with the pauses below) before a transaction is dead-lettered. */
export const DEAD_LETTER_AFTER_ATTEMPTS = 3;
/** Pause before the 2nd, 3rd, … attempt, ms. */
export const DEAD_LETTER_RETRY_DELAYS_MS = [100, 400] as const;
/** Longest error text kept in a dead letter. */
export const DEAD_LETTER_MAX_ERROR_CHARS = 2_000;

const UNAVAILABLE_CODES = new Set([
  "ECONNREFUSED",
  "ECONNRESET",
  "ECONNABORTED",
  "ETIMEDOUT",
  "EPIPE",
  "ENOTFOUND",
  "EAI_AGAIN",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "UND_ERR_SOCKET",
  "UND_ERR_CONNECT_TIMEOUT",
  "CONNECTION_CLOSED",
  "CONNECTION_DESTROYED",
  "CONNECTION_ENDED",
  "CONNECT_TIMEOUT",
]);

/** The database or the chain is not there (or too busy) right now. */
export function isUnavailableError(err: unknown): boolean {
  const state = sqlState(err);
  if (state && (/^(08|53|57|58)/.test(state) || state === "55P03")) return true;
  for (let cur = err, depth = 0; cur && depth < 5; depth++) {
    const code = (cur as { code?: unknown }).code;
    if (typeof code === "string" && UNAVAILABLE_CODES.has(code)) return true;
    const message = cur instanceof Error ? cur.message : "";
    if (/PGlite is closed|fetch failed/i.test(message)) return true;
    cur = (cur as { cause?: unknown }).cause;
  }
  return false;
}

/** Worth waiting out: retried on a later pass, never dead-lettered. */
export const isRetryLaterError = (err: unknown): boolean => isConflictError(err) || isUnavailableError(err);
