/**
 * POST /api/meters/submit: one signed meter reading. Contract and checks: server/meters/gateway.ts
 * and server/meters/README.md. Node runtime: node:crypto and the database drivers.
 */
import { handleSubmit } from "~/server/meters/default-gateway";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

export function POST(request: Request): Promise<Response> {
  return handleSubmit(request);
}
