/**
 * The cron routes' one contract (GET/POST /api/cron/mint and /api/cron/index):
 * `Authorization: Bearer CRON_SECRET` or 401 CRON_UNAUTHORIZED; then one pass, answered as
 * `{ ok: true, ...result }`, or the pass's failure code (503) through AppError, the same
 * `{ error: { code, message } }` body and status mapping as every other route
 * (server/errors.ts appErrorResponse). A failure's own message (RPC URLs, SQL, stack) is logged
 * here and never sent: the caller is a scheduler and only needs to know which pass failed.
 */
import { AppError, appErrorResponse, findAppError, type AppErrorCode } from "~/server/errors";
import type { MintPollerSummary } from "./mint-poller";
import { bearerMatches } from "./run";

export interface CronJob<T extends Record<string, unknown>> {
  /** For the log line: "mint", "index". */
  name: string;
  secret: string;
  /** The code a failed pass answers with. */
  failure: AppErrorCode;
  run: () => Promise<T>;
}

export async function handleCron<T extends Record<string, unknown>>(
  request: Request,
  job: CronJob<T>,
): Promise<Response> {
  if (!bearerMatches(request.headers.get("authorization"), job.secret)) {
    return appErrorResponse(new AppError("CRON_UNAUTHORIZED"), { "WWW-Authenticate": "Bearer" });
  }
  try {
    return Response.json({ ok: true, ...(await job.run()) });
  } catch (err) {
    console.error(`[cron/${job.name}] pass failed:`, err);
    // An AppError is already client-safe (its code and message were written for callers).
    return appErrorResponse(findAppError(err) ?? new AppError(job.failure, undefined, { cause: err }));
  }
}

export function handleMintCron(
  request: Request,
  deps: { secret: string; run: () => Promise<MintPollerSummary> },
): Promise<Response> {
  return handleCron(request, {
    name: "mint",
    secret: deps.secret,
    failure: "MINT_POLLER_FAILED",
    run: async () => ({ summary: await deps.run() }),
  });
}
