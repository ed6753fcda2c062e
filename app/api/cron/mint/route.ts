/** POST/GET /api/cron/mint — one mint poller pass (server/poller). Bearer CRON_SECRET. */
import { env } from "~/env.js";
import { ensureIndexerStarted } from "~/server/indexer/background";
import { handleMintCron } from "~/server/poller/cron-handler";
import { runMintPollerNow } from "~/server/poller/run";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

const handle = (request: Request) =>
  handleMintCron(request, {
    secret: env.CRON_SECRET,
    run: () => {
      // This process also keeps the chain-derived tables current (PGlite allows no other process).
      void ensureIndexerStarted().catch(() => undefined);
      return runMintPollerNow();
    },
  });

export { handle as GET, handle as POST };
