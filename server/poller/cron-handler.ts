/**
 * GET/POST /api/cron/mint: `Authorization: Bearer CRON_SECRET` or 401; runs one poller pass and
 * answers its JSON summary (503 when the chain or the database cannot be reached).
 */
import type { MintPollerSummary } from "./mint-poller";
import { bearerMatches } from "./run";

export async function handleMintCron(
  request: Request,
  deps: { secret: string; run: () => Promise<MintPollerSummary> },
): Promise<Response> {
  if (!bearerMatches(request.headers.get("authorization"), deps.secret)) {
    return Response.json({ error: { code: "UNAUTHORIZED", message: "missing or wrong cron secret" } }, { status: 401 });
  }
  try {
    const summary = await deps.run();
    return Response.json({ ok: true, summary });
  } catch (err) {
    console.error("[cron/mint]", err);
    return Response.json({ error: { code: "UNAVAILABLE", message: (err as Error).message.slice(0, 300) } }, { status: 503 });
  }
}
