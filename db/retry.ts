/**
 * PostgreSQL aborts one side of a deadlock (40P01) or a serialization conflict (40001); the
 * statement or transaction did nothing and is safe to run again. Writers that can meet (the mint
 * poller, the indexer, the meter gateway's group commit) retry those, briefly, and nothing else.
 */

/** The SQLSTATE of an error from `postgres` or PGlite, also when drizzle wraps it as `cause`. */
export function sqlState(err: unknown): string | undefined {
  for (let cur = err, depth = 0; cur && depth < 5; depth++) {
    const code = (cur as { code?: unknown }).code;
    if (typeof code === "string" && /^[0-9A-Z]{5}$/.test(code)) return code;
    cur = (cur as { cause?: unknown }).cause;
  }
  return undefined;
}

/** Deadlock or serialization failure: the work was rolled back and may simply be run again. */
export const isConflictError = (err: unknown): boolean =>
  ["40P01", "40001"].includes(sqlState(err) ?? "");

/** Class 22 (data exception) and 23 (integrity constraint): the data, not the database. */
export const isDataError = (err: unknown): boolean => /^2[23]/.test(sqlState(err) ?? "");

/**
 * Runs `work` (one statement, or one whole transaction — never a statement inside an open
 * transaction, which a conflict has already aborted) again after a conflict, with a short
 * jittered pause so the two sides do not meet again in step.
 */
export async function retryOnConflict<T>(work: () => Promise<T>, attempts = 5): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await work();
    } catch (err) {
      if (!isConflictError(err) || attempt >= attempts) throw err;
      await new Promise((r) => setTimeout(r, 5 * attempt + Math.random() * 20));
    }
  }
}

/** An error's message with its cause's (drizzle's "Failed query: …" hides the database's reason there). */
export function describeError(err: unknown): string {
  const message = err instanceof Error ? err.message : String(err);
  const cause = (err as { cause?: unknown } | null)?.cause;
  if (!cause) return message;
  const code = sqlState(cause);
  return `${message} — ${code ? `${code} ` : ""}${cause instanceof Error ? cause.message : JSON.stringify(cause)}`;
}
