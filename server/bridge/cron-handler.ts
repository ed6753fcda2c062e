/**
 * /api/cron/bridge through the cron routes' one contract (server/poller/cron-handler.ts): Bearer
 * CRON_SECRET or 401 CRON_UNAUTHORIZED; `{ ok: true, summary }`; a failed pass is 503
 * BRIDGE_FAILED, its cause logged and never sent.
 */
import { handleCron } from "~/server/poller/cron-handler";
import type { BridgePassSummary } from "./service";

export function handleBridgeCron(request: Request, deps: { secret: string; run: () => Promise<BridgePassSummary> }): Promise<Response> {
  return handleCron(request, {
    name: "bridge",
    secret: deps.secret,
    failure: "BRIDGE_FAILED",
    run: async () => ({ summary: await deps.run() }),
  });
}
