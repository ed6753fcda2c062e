/**
 * The HTTP face of the tRPC router, shared by the App Router route (app/api/trpc/[trpc]) and the
 * HTTP-level tests, which pass their own database and auth config.
 */
import { fetchRequestHandler } from "@trpc/server/adapters/fetch";
import { appRouter } from "./root";
import { createTRPCContext, type CreateContextOptions } from "./trpc";

export const TRPC_ENDPOINT = "/api/trpc";

export function createTrpcRequestHandler(
  overrides: Omit<CreateContextOptions, "headers" | "resHeaders"> = {},
) {
  return function handleTrpcRequest(req: Request): Promise<Response> {
    return fetchRequestHandler({
      endpoint: TRPC_ENDPOINT,
      req,
      router: appRouter,
      createContext: ({ resHeaders }) =>
        createTRPCContext({ ...overrides, headers: req.headers, resHeaders }),
      onError({ error, path }) {
        // Expected failures carry codes for the client; only unexpected ones deserve a log line.
        if (error.code === "INTERNAL_SERVER_ERROR") {
          console.error(`tRPC failed on ${path ?? "<no-path>"}:`, error.cause ?? error);
        }
      },
    });
  };
}
