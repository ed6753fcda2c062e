/**
 * One error type for the whole server. An AppError carries a stable string code (the list and its
 * HTTP/tRPC mapping live in lib/app-error-codes.ts so the browser can import them) and is a
 * TRPCError, so thrown inside a procedure it reaches the client with the right status untouched;
 * the errorFormatter in server/api/trpc.ts adds `data.appError = { code, message }`.
 *
 * Route handlers outside tRPC use `appErrorResponse()` to answer with the same code and status.
 */
import { TRPCError } from "@trpc/server";
import {
  APP_ERROR_CODES,
  type AppErrorCode,
  type AppErrorPayload,
} from "~/lib/app-error-codes";

export { APP_ERROR_CODES, type AppErrorCode } from "~/lib/app-error-codes";

export class AppError extends TRPCError {
  readonly appCode: AppErrorCode;
  readonly httpStatus: number;
  /** Extra, non-secret facts for logs and clients (e.g. which field, retry-after). */
  readonly details: Record<string, unknown> | undefined;

  constructor(
    code: AppErrorCode,
    message?: string,
    options?: { cause?: unknown; details?: Record<string, unknown> },
  ) {
    const info = APP_ERROR_CODES[code];
    super({ code: info.trpcCode, message: message ?? info.meaning, cause: options?.cause });
    this.name = "AppError";
    this.appCode = code;
    this.httpStatus = info.httpStatus;
    this.details = options?.details;
  }

  toJSON(): AppErrorPayload {
    return { code: this.appCode, message: this.message };
  }
}

export function isAppError(err: unknown): err is AppError {
  return err instanceof AppError;
}

/** Finds an AppError thrown directly or wrapped as a cause (tRPC wraps unknown errors). */
export function findAppError(err: unknown): AppError | undefined {
  let cur: unknown = err;
  for (let depth = 0; depth < 5 && cur; depth++) {
    if (cur instanceof AppError) return cur;
    cur = cur instanceof Error ? cur.cause : undefined;
  }
  return undefined;
}

/** JSON error response for plain route handlers: `{ error: { code, message } }`. */
export function appErrorResponse(err: AppError, headers?: HeadersInit): Response {
  return Response.json({ error: err.toJSON() }, { status: err.httpStatus, headers });
}
