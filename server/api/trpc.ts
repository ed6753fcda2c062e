/**
 * tRPC setup: context, error shape, procedures. Routers import only what this file exports.
 *
 * 1. CONTEXT: `{ db, dbDriver, headers, resHeaders, session, ip, auth, eventBus, chain }`, built per
 *    request by the route handler and by tests (which pass their own `db`, `auth` and `chain`).
 * 2. INITIALIZATION: superjson (Date and bigint survive the wire) and an errorFormatter that adds
 *    `data.appError = { code, message }` (stable codes, lib/app-error-codes.ts) and
 *    `data.zodError` (field errors) to every error.
 * 3. PROCEDURES: public, signed-in, admin, and a per-IP rate-limit middleware factory.
 * @see https://trpc.io/docs/server/context
 */
import { initTRPC, type TRPCError } from "@trpc/server";
import superjson from "superjson";
import { z, ZodError } from "zod";
import { getDbHandle, type Db, type DbDriver } from "~/db/client";
import type { AppErrorCode, AppErrorPayload } from "~/lib/app-error-codes";
import { getAuthConfig, type AuthConfig } from "~/server/auth/config";
import { resolveSession, type SessionInfo } from "~/server/auth/sign-in";
import { AppError, findAppError } from "~/server/errors";
import { clientIp } from "~/server/http/client-ip";
import { defaultChainContext, type ChainContext } from "./chain-context";
import type { EventBus } from "~/server/redis/event-bus";
import { rateLimit, type RateLimitPolicyName } from "~/server/redis/rate-limit";

// 1. CONTEXT -----------------------------------------------------------------------------------

export interface CreateContextOptions {
  headers: Headers;
  /** Response headers the handler sends (Set-Cookie, Retry-After). */
  resHeaders?: Headers;
  /** Defaults to the process-wide database (getDbHandle); tests pass their TestDb. */
  database?: { db: Db; driver: DbDriver };
  /** Defaults to the config from the environment. */
  auth?: AuthConfig;
  /** Live notices (live.events); defaults to the process's bus. Tests pass an in-memory one. */
  eventBus?: EventBus;
  /** The chain handle (chain-context.ts); defaults to the process's. */
  chain?: ChainContext;
}

export async function createTRPCContext(opts: CreateContextOptions) {
  const { db, driver } = opts.database ?? (await getDbHandle());
  const auth = opts.auth ?? getAuthConfig();
  const session = await resolveSession(db, auth, opts.headers);
  return {
    db,
    dbDriver: driver,
    headers: opts.headers,
    resHeaders: opts.resHeaders ?? new Headers(),
    session,
    ip: clientIp(opts.headers),
    auth,
    eventBus: opts.eventBus ?? null,
    chain: opts.chain ?? defaultChainContext(),
  };
}

export type Context = Awaited<ReturnType<typeof createTRPCContext>>;

// 2. INITIALIZATION ----------------------------------------------------------------------------

/** Plain TRPCErrors (thrown by tRPC itself) still get a stable code on the wire. */
const TRPC_TO_APP_CODE: Partial<Record<TRPCError["code"], AppErrorCode>> = {
  BAD_REQUEST: "VALIDATION_FAILED",
  PARSE_ERROR: "VALIDATION_FAILED",
  UNAUTHORIZED: "UNAUTHENTICATED",
  FORBIDDEN: "FORBIDDEN",
  NOT_FOUND: "NOT_FOUND",
  CONFLICT: "CONFLICT",
  TOO_MANY_REQUESTS: "RATE_LIMITED",
  SERVICE_UNAVAILABLE: "CHAIN_UNAVAILABLE",
};

function describeZodError(err: ZodError): string {
  const first = err.issues[0];
  if (!first) return "Invalid input";
  const where = first.path.length ? `${first.path.join(".")}: ` : "";
  return `Invalid input: ${where}${first.message}`;
}

function toAppErrorPayload(error: TRPCError): AppErrorPayload {
  const appError = findAppError(error);
  if (appError) return appError.toJSON();
  if (error.cause instanceof ZodError) {
    return { code: "VALIDATION_FAILED", message: describeZodError(error.cause) };
  }
  const code = TRPC_TO_APP_CODE[error.code] ?? "INTERNAL";
  // Unexpected errors may carry driver or stack details: only their code leaves the server.
  const message = code === "INTERNAL" ? "Unexpected server error" : error.message;
  return { code, message };
}

const t = initTRPC.context<Context>().create({
  transformer: superjson,
  // Live-update streams: a ping every 15 s keeps idle proxies from closing them, and a browser
  // that hears nothing for 40 s reconnects (then refetches, see live-events.ts).
  sse: {
    ping: { enabled: true, intervalMs: 15_000 },
    client: { reconnectAfterInactivityMs: 40_000 },
  },
  errorFormatter({ shape, error }) {
    const appError = toAppErrorPayload(error);
    return {
      ...shape,
      message: appError.code === "INTERNAL" ? appError.message : shape.message,
      data: {
        ...shape.data,
        appError,
        zodError: error.cause instanceof ZodError ? z.flattenError(error.cause) : null,
      },
    };
  },
});

export const createCallerFactory = t.createCallerFactory;
export const createTRPCRouter = t.router;
export const middleware = t.middleware;

// 3. PROCEDURES --------------------------------------------------------------------------------

export const publicProcedure = t.procedure;

const requireSession = t.middleware(function requireSession({ ctx, next }) {
  if (!ctx.session) throw new AppError("UNAUTHENTICATED");
  return next({ ctx: { session: ctx.session } });
});

const requireAdmin = t.middleware(function requireAdmin({ ctx, next }) {
  if (!ctx.session) throw new AppError("UNAUTHENTICATED");
  if (ctx.session.role !== "admin") throw new AppError("FORBIDDEN", "Admins only");
  return next({ ctx: { session: ctx.session } });
});

/** Any signed-in user; `ctx.session` is non-null inside. */
export const signedInProcedure = t.procedure.use(requireSession);
/** Signed-in admins only: UNAUTHENTICATED without a session, FORBIDDEN for other roles. */
export const adminProcedure = t.procedure.use(requireAdmin);

/**
 * Per-client-IP limit from server/redis/rate-limit.ts. Put it before `.input()` so malformed
 * requests count too. Sets Retry-After on refusal.
 */
export function rateLimitByIp(policy: RateLimitPolicyName) {
  return t.middleware(async function rateLimitByIp({ ctx, next }) {
    const result = await rateLimit(policy, ctx.ip);
    if (!result.ok) {
      const retryAfter = Math.max(1, Math.ceil((result.resetAt - Date.now()) / 1000));
      ctx.resHeaders.set("Retry-After", String(retryAfter));
      throw new AppError("RATE_LIMITED", `Too many requests; retry in ${retryAfter} s`, {
        details: { policy, retryAfter },
      });
    }
    return next();
  });
}

export type { SessionInfo };
