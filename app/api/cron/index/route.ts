/**
 * POST/GET /api/cron/index — makes sure this process's indexer is running and runs one catch-up
 * pass (server/indexer). Bearer CRON_SECRET.
 */
import { env } from "~/env.js";
import { ensureIndexerStarted } from "~/server/indexer/background";
import { bearerMatches } from "~/server/poller/run";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

async function handle(request: Request): Promise<Response> {
  if (!bearerMatches(request.headers.get("authorization"), env.CRON_SECRET)) {
    return Response.json({ error: { code: "UNAUTHORIZED", message: "missing or wrong cron secret" } }, { status: 401 });
  }
  try {
    const indexer = await ensureIndexerStarted();
    const applied = await indexer.catchUp();
    return Response.json({ ok: true, applied });
  } catch (err) {
    return Response.json({ error: { code: "UNAVAILABLE", message: (err as Error).message.slice(0, 300) } }, { status: 503 });
  }
}

export { handle as GET, handle as POST };
