/**
 * The tRPC endpoint (queries, mutations, and SSE subscriptions) on the Node runtime: the database
 * drivers and node:crypto need Node, not the edge runtime.
 * @see https://trpc.io/docs/server/adapters/nextjs#route-handlers
 */
import { createTrpcRequestHandler } from "~/server/api/http-handler";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

const handler = createTrpcRequestHandler();

export { handler as GET, handler as POST };
