/** POST/GET /api/cron/bridge — one bridge service pass (server/bridge). Bearer CRON_SECRET. */
import { env } from "~/env.js";
import { handleBridgeCron } from "~/server/bridge/cron-handler";
import { runBridgePassNow } from "~/server/bridge/run";
import { ensureIndexerStarted } from "~/server/indexer/background";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

const handle = (request: Request) =>
  handleBridgeCron(request, {
    secret: env.CRON_SECRET,
    run: () => {
      // The indexer mirrors what the pass mints and completes (bridge_deposits / bridge_withdrawals).
      void ensureIndexerStarted().catch(() => undefined);
      return runBridgePassNow();
    },
  });

export { handle as GET, handle as POST };
