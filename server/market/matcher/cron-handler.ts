/**
 * /api/cron/match through the cron routes' one contract (server/poller/cron-handler.ts): Bearer
 * CRON_SECRET or 401 CRON_UNAUTHORIZED; `{ ok: true, summary }`; a failed pass is 503
 * MATCHER_FAILED, its cause logged and never sent.
 */
import { handleCron } from "~/server/poller/cron-handler";
import type { MatcherPassSummary } from "./matcher";

export function handleMatchCron(request: Request, deps: { secret: string; run: () => Promise<MatcherPassSummary> }): Promise<Response> {
  return handleCron(request, {
    name: "match",
    secret: deps.secret,
    failure: "MATCHER_FAILED",
    run: async () => ({ summary: await deps.run() }),
  });
}
