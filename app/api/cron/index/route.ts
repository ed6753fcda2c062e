/**
 * POST/GET /api/cron/index — makes sure this process's indexer is running and runs one catch-up
 * pass (server/indexer). Bearer CRON_SECRET; answers through server/poller/cron-handler.
 */
import { env } from "~/env.js";
import { ensureIndexerStarted } from "~/server/indexer/background";
import { handleCron } from "~/server/poller/cron-handler";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

const handle = (request: Request) =>
  handleCron(request, {
    name: "index",
    secret: env.CRON_SECRET,
    failure: "INDEXER_FAILED",
    run: async () => {
      const indexer = await ensureIndexerStarted();
      return { applied: await indexer.catchUp() };
    },
  });

export { handle as GET, handle as POST };
