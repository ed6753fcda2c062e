/**
 * POST /api/meters/submit-batch: up to METER_BATCH_MAX signed readings, answered 207 item by
 * item. Contract and checks: server/meters/gateway.ts and server/meters/README.md.
 */
import { handleSubmitBatch } from "~/server/meters/default-gateway";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

export function POST(request: Request): Promise<Response> {
  return handleSubmitBatch(request);
}
